#include "app/runtime/termination.h"

#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace rdk {
namespace {

int g_signalPipe[2] = {-1, -1};

void writeWakeByte(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

} // namespace

std::unique_ptr<QObject> onTerminationSignal(std::function<void()> onTerminate)
{
    if (g_signalPipe[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return nullptr;
    std::signal(SIGTERM, writeWakeByte);
    std::signal(SIGINT, writeWakeByte);
    auto notifier = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(notifier.get(), &QSocketNotifier::activated, notifier.get(), [callback = std::move(onTerminate)] {
        callback();
    });
    return notifier;
}

} // namespace rdk

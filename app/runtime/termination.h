#pragma once

#include <QObject>

#include <memory>

#include <functional>

namespace rdk {

/// Calls `onTerminate` on the event loop when SIGTERM or SIGINT arrives (a self-pipe read by a
/// socket notifier: nothing but write() runs inside the signal handler). The returned object
/// owns the notifier; keep it alive for the life of the event loop. Null if the pipe can't be
/// created.
std::unique_ptr<QObject> onTerminationSignal(std::function<void()> onTerminate);

} // namespace rdk

// rdk-sync: the storefront sync service. This first cut validates its configuration, checks the
// database and answers /healthz; the storefront, checkout and webhooks build on it.
#include "app/runtime/logging.h"
#include "app/runtime/version.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QHttpServer>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcMain, "rdk.sync")

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (app.arguments().contains(u"--version"_s)) {
        out << "rdk-sync " << rdk::releaseString() << Qt::endl;
        return 0;
    }
    auto config = rdk::SyncConfig::load(rdk::ConfigSource::fromProcess());
    if (!config) {
        err << "rdk-sync: configuration problems:\n";
        for (const QString &line : config.error().message.split(u'\n'))
            err << "  " << line << '\n';
        err.flush();
        return 2;
    }
    rdk::installLogging(u"rdk-sync"_s, config->log);

    QHttpServer server;
    server.route(u"/healthz"_s, [] { return QHttpServerResponse(u"text/plain"_s.toUtf8(), "ok\n"); });
    const QString host = config->listen.section(u':', 0, -2).remove(u'[').remove(u']');
    const quint16 port = config->listen.section(u':', -1).toUShort();
    if (server.listen(QHostAddress(host), port) == 0) {
        qCCritical(lcMain).noquote() << "can't listen on" << config->listen;
        return 1;
    }
    qCInfo(lcMain).noquote() << "listening on" << config->listen << "for shop" << config->tenant;

    // SIGTERM/SIGINT end the event loop cleanly (self-pipe: no Qt calls in a signal handler).
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return 1;
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&app] {
        qCInfo(lcMain) << "shutting down";
        app.quit();
    });
    return app.exec();
}

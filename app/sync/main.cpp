// rdk-sync: the storefront sync service (storefront, catalog API, media, checkout, Stripe
// webhooks). main() only reads the configuration, hands it to the composition root (SyncApp,
// which builds the services and the router) and handles signals.
#include "app/runtime/crashreport.h"
#include "app/runtime/logging.h"
#include "app/runtime/termination.h"
#include "app/runtime/version.h"
#include "app/sync/syncapp.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QThread>

#include <tuple>
#include <utility>


using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcMain, "rdk.sync")

namespace {

/// A host:port the configuration accepted ("[::1]:8082", "localhost:8080") as an address to bind.
std::pair<QHostAddress, quint16> addressAndPort(const QString &hostPort)
{
    const QString host = hostPort.section(u':', 0, -2).remove(u'[').remove(u']');
    const quint16 port = hostPort.section(u':', -1).toUShort();
    return {QHostAddress(host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0 ? u"127.0.0.1"_s : host), port};
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
    const rdk::ConfigSource source = rdk::ConfigSource::fromProcess();
    auto config = rdk::SyncConfig::load(source);
    if (!config) {
        err << "rdk-sync: configuration problems:\n";
        for (const QString &line : config.error().message.split(u'\n'))
            err << "  " << line << '\n';
        err.flush();
        return 2;
    }
    rdk::installLogging(u"rdk-sync"_s, config->log);
    rdk::installCrashReports(u"rdk-sync"_s, source);

    rdk::sync::SyncAppOptions options;
    options.databaseUrl = config->databaseUrl.toStdString();
    options.stripe.baseUrl = config->stripeApiBase;
    options.stripe.secretKey = config->stripeSecretKey;
    options.server.databaseUrl = options.databaseUrl;
    options.server.tenantSlug = config->tenant;
    options.backlogInterval = std::chrono::seconds(config->backlogSeconds);
    options.server.processes = config->processes;
    // One HTTP event loop per core unless RDK_SYNC_EVENT_LOOPS says otherwise (ADR 0027).
    options.server.eventLoops = config->eventLoops > 0 ? config->eventLoops : std::max(1, QThread::idealThreadCount());
    options.server.publicUrl = config->publicUrl;
    options.edgeRefreshUrl = config->edgeRefreshUrl;
    options.server.stripeApiBase = config->stripeApiBase;
    options.server.webhookSecret = config->stripeWebhookSecret.toUtf8();
    options.server.previousWebhookSecret = config->stripeWebhookSecretPrevious.toUtf8();
    // Only the configured proxy may name the client: with none configured (the default), a
    // client talking to rdk-sync directly can't pick its own rate-limit key.
    for (const QString &proxy : config->trustedProxies)
        options.server.trustedProxies.append(QHostAddress(proxy));
    for (const QString &peer : config->metricsAllow)
        options.server.metricsAllow.append(QHostAddress(peer));
    if (config->smtp.enabled()) {
        options.mailEnabled = true;
        options.mail.smtp.host = config->smtp.host;
        options.mail.smtp.port = quint16(config->smtp.port);
        options.mail.smtp.user = config->smtp.user;
        options.mail.smtp.password = config->smtp.password;
        options.mail.smtp.tls = config->smtp.startTls ? rdk::sync::SmtpSettings::Tls::StartTls
                                                      : rdk::sync::SmtpSettings::Tls::None;
        options.mail.smtp.caFile = config->smtp.caFile;
        options.mail.from = config->smtp.from;
        options.mail.shop.address = config->smtp.shopAddress;
        options.mail.shop.policies = config->smtp.policies;
        options.mail.shop.storefrontUrl = config->publicUrl.toString(QUrl::StripTrailingSlash);
    }
    if (!config->edgeViewsListen.isEmpty())
        std::tie(options.edgeViewsAddress, options.edgeViewsPort) = addressAndPort(config->edgeViewsListen);
    rdk::sync::SyncApp server(options);

    const auto [address, port] = addressAndPort(config->listen);
    const QString host = address.toString();
    if (auto started = server.start(address, port); !started) {
        qCCritical(lcMain).noquote() << "can't start:" << started.error().message;
        err << "rdk-sync: " << started.error().message << Qt::endl;
        return 1;
    }
    // Tests start the service on port 0 and read the chosen port from this line.
    out << "listening on " << host << ':' << server.port() << Qt::endl;

    // SIGTERM/SIGINT: stop taking requests, finish those in flight, exit.
    const auto termination = rdk::onTerminationSignal([&app, &server] {
        qCInfo(lcMain) << "shutting down";
        server.stop();
        app.quit();
    });
    if (!termination)
        return 1;
    return app.exec();
}

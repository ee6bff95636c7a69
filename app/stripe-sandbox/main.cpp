// rdk-stripe-sandbox: the slice of Stripe's API that Real Deal Kickz calls, a hosted pay page
// and signed webhooks with Stripe's retries, so tests and the local demo run without the
// internet. Development and tests only: production talks to api.stripe.com (ADR 0003).
#include "app/runtime/config.h"
#include "app/runtime/logging.h"
#include "app/runtime/termination.h"
#include "app/runtime/version.h"
#include "sync/sandbox/idempotencystore.h"
#include "sync/sandbox/sandboxapi.h"
#include "sync/sandbox/sandboxserver.h"
#include "sync/sandbox/sandboxstore.h"
#include "sync/sandbox/webhookdispatcher.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QTimer>


using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcMain, "rdk.sandbox")

namespace {

struct SandboxConfig final {
    QHostAddress host;
    quint16 port = 0;
    QString publicUrl;          ///< empty: http://<listen address>
    QUrl webhookUrl;
    QString webhookSecret;
    int retryBaseMs = 1000;
    int apiLatencyMs = 0;       ///< Stripe's answer time, played (benchmarks)
    rdk::LogSettings log;
};

rdk::Result<SandboxConfig> loadConfig(const rdk::ConfigSource &source)
{
    rdk::ConfigReader r(source);
    SandboxConfig c;
    const QString listen = r.hostPort(u"SANDBOX_LISTEN"_s, u"127.0.0.1:12111"_s);
    if (!listen.isEmpty()) {
        QString host = listen.section(u':', 0, -2).remove(u'[').remove(u']');
        if (host == u"localhost"_s)
            host = u"127.0.0.1"_s;
        c.host = QHostAddress(host);
        c.port = listen.section(u':', -1).toUShort();
        // A stand-in that accepts any test key and pays anything must not be reachable from
        // other machines.
        if (c.host.isNull() || !c.host.isLoopback())
            r.addError(u"SANDBOX_LISTEN"_s, u"the sandbox listens on loopback only (127.0.0.1 or [::1]), got '%1'"_s.arg(listen));
    }
    const QUrl publicUrl = r.httpUrl(u"SANDBOX_PUBLIC_URL"_s, {});
    if (!publicUrl.isEmpty()) {
        c.publicUrl = publicUrl.toString(QUrl::StripTrailingSlash);
        if (publicUrl.hasQuery() || publicUrl.hasFragment())
            r.addError(u"SANDBOX_PUBLIC_URL"_s, u"must not have a query or fragment"_s);
    }
    c.webhookUrl = r.httpUrl(u"SANDBOX_WEBHOOK_URL"_s, {});
    c.webhookSecret = r.prefixedSecret(u"STRIPE_WEBHOOK_SECRET"_s, {u"whsec_"_s}, true);
    c.retryBaseMs = r.integer(u"SANDBOX_RETRY_BASE_MS"_s, 1000, 1, 60'000);
    c.apiLatencyMs = r.integer(u"SANDBOX_API_LATENCY_MS"_s, 0, 0, rdk::sandbox::FaultInjector::kMaxLatencyMs);
    c.log = r.logSettings(rdk::LogFormat::Text);
    if (auto s = r.finish(); !s)
        return s.error();
    return c;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (app.arguments().contains(u"--version"_s)) {
        out << "rdk-stripe-sandbox " << rdk::releaseString() << Qt::endl;
        return 0;
    }
    err << "rdk-stripe-sandbox: WARNING: this is a development/test stand-in, not Stripe; it accepts any test key, "
           "moves no money and must never be used in production.\n";
    err.flush();

    auto config = loadConfig(rdk::ConfigSource::fromProcess());
    if (!config) {
        err << "rdk-stripe-sandbox: configuration problems:\n";
        for (const QString &line : config.error().message.split(u'\n'))
            err << "  " << line << '\n';
        err.flush();
        return 2;
    }
    rdk::installLogging(u"rdk-stripe-sandbox"_s, config->log);

    // SIGTERM/SIGINT end the event loop cleanly.
    const auto termination = rdk::onTerminationSignal([&app] {
        qCInfo(lcMain) << "shutting down";
        app.quit();
    });
    if (!termination)
        return 1;

    rdk::sandbox::WebhookDispatcher webhooks({config->webhookSecret, config->webhookUrl, config->retryBaseMs});
    rdk::sandbox::SandboxStore store(config->publicUrl);
    store.setEventSink([&webhooks](const QString &type, const QJsonObject &object, const QJsonObject &previous,
                                   const rdk::sandbox::EventRequest &request) {
        webhooks.publish(type, object, previous, request);
    });
    webhooks.setTargetProvider([&store](const QString &type) { return store.webhookEndpoints().targetsFor(type); });
    rdk::sandbox::IdempotencyStore idempotency;
    rdk::sandbox::SandboxApi api(store, webhooks, idempotency);
    api.setApiLatency(config->apiLatencyMs);
    rdk::sandbox::SandboxServer server(api);
    const quint16 port = server.listen(config->host, config->port);
    if (port == 0) {
        qCCritical(lcMain).noquote() << "can't listen on" << config->host.toString() << "port" << config->port;
        return 1;
    }
    const QString hostText = config->host.protocol() == QAbstractSocket::IPv6Protocol
                                 ? u"[%1]"_s.arg(config->host.toString())
                                 : config->host.toString();
    const QString address = u"%1:%2"_s.arg(hostText).arg(port);
    if (config->publicUrl.isEmpty())
        store.setPublicBase(u"http://"_s + address);
    // Tests read this first stdout line to learn the port picked for SANDBOX_LISTEN=...:0.
    out << "listening on " << address << Qt::endl;
    qCInfo(lcMain).noquote() << "Stripe sandbox on" << address << "public" << store.publicBase() << "webhooks to"
                             << (config->webhookUrl.isEmpty() ? u"(none yet)"_s : config->webhookUrl.toString());

    // Stripe expires sessions on its own; so does the sandbox, so stock holds get released.
    QTimer expiry;
    QObject::connect(&expiry, &QTimer::timeout, &server, [&store] { store.expireDueSessions(); });
    expiry.start(5000);

    return app.exec();
}

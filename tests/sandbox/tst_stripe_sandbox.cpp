// The real rdk-stripe-sandbox binary, started on a free loopback port and driven over HTTP the
// way rdk-sync and a browser use it, with a webhook receiver in this process that checks every
// Stripe-Signature. Each test creates its own objects, so the one sandbox process is shared.
#include "tests/support/childprocess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <tuple>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace {

const QString kSecret = u"whsec_tst_0123456789abcdef"_s;
const QByteArray kKey = "sk_test_rdk_4eC39HqLyjWDarjtT1zdp7dc";

// A made-up live-mode key, assembled at run time so no live-looking secret sits in the source.
QByteArray fakeLiveKey(const char *prefix)
{
    return QByteArray(prefix) + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc";
}

constexpr int kWaitMs = 10'000;

struct Reply {
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QJsonObject error() const { return json().value(u"error"_s).toObject(); }
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

struct Delivery {
    QByteArray body;
    QByteArray signature;
    QByteArray contentType;
    QJsonObject event;
    QString type() const { return event.value(u"type"_s).toString(); }
    QJsonObject object() const { return event.value(u"data"_s).toObject().value(u"object"_s).toObject(); }
};

/// The check a Stripe client makes: any v1 in the header must be the HMAC of "t.body".
bool signatureValid(const QByteArray &header, const QByteArray &body, const QString &secret, qint64 *timestamp)
{
    QByteArray t;
    QList<QByteArray> v1;
    for (const QByteArray &part : header.split(',')) {
        if (part.startsWith("t="))
            t = part.mid(2);
        else if (part.startsWith("v1="))
            v1.append(part.mid(3));
    }
    if (t.isEmpty() || v1.isEmpty())
        return false;
    *timestamp = t.toLongLong();
    const QByteArray expected =
        QMessageAuthenticationCode::hash(t + '.' + body, secret.toUtf8(), QCryptographicHash::Sha256).toHex();
    return v1.contains(expected);
}

/// Stands in for rdk-sync's webhook endpoint: records every delivery and answers with the
/// statuses the test queues (200 once the queue is empty).
class WebhookReceiver final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookReceiver)

public:
    WebhookReceiver()
    {
        m_server.route(u"/hook"_s, [this](const QHttpServerRequest &request) {
            Delivery d;
            d.body = request.body();
            d.signature = request.value("Stripe-Signature");
            d.contentType = request.value("Content-Type");
            d.event = QJsonDocument::fromJson(d.body).object();
            m_deliveries.append(d);
            const bool counted = m_statusType.isEmpty() || d.type() == m_statusType;
            const int status = m_statuses.isEmpty() || !counted ? 200 : m_statuses.takeFirst();
            return QHttpServerResponse(QHttpServerResponder::StatusCode(status));
        });
        m_port = m_server.listen(QHostAddress::LocalHost, 0);
    }

    quint16 port() const { return m_port; }
    QString url() const { return u"http://127.0.0.1:%1/hook"_s.arg(m_port); }
    /// The next answers to deliveries (of `type` only, when given; others get 200).
    void answerNext(const QList<int> &statuses, const QString &type = {})
    {
        m_statuses = statuses;
        m_statusType = type;
    }
    void reset() { m_statuses.clear(); }

    QList<Delivery> deliveriesFor(const QString &objectId, const QString &type) const
    {
        QList<Delivery> out;
        for (const Delivery &d : m_deliveries) {
            if (d.object().value(u"id"_s).toString() == objectId && d.type() == type)
                out.append(d);
        }
        return out;
    }

private:
    QHttpServer m_server;
    quint16 m_port = 0;
    QList<int> m_statuses;
    QString m_statusType;
    QList<Delivery> m_deliveries;
};

QByteArray form(const QList<QPair<QByteArray, QByteArray>> &pairs)
{
    QByteArray out;
    for (const auto &[name, value] : pairs) {
        if (!out.isEmpty())
            out += '&';
        out += name.toPercentEncoding("[]") + '=' + value.toPercentEncoding();
    }
    return out;
}

QByteArray sessionBody(qint64 unitAmount = 1234, qint64 quantity = 2, const QByteArray &currency = "usd",
                       const QByteArray &name = "Air Max 90")
{
    return form({{"mode", "payment"},
                 {"success_url", "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}"},
                 {"cancel_url", "https://shop.example/cart"},
                 {"customer_email", "buyer@example.com"},
                 {"client_reference_id", "order-42"},
                 {"metadata[order_id]", "42"},
                 {"line_items[0][price_data][currency]", currency},
                 {"line_items[0][price_data][unit_amount]", QByteArray::number(unitAmount)},
                 {"line_items[0][price_data][product_data][name]", name},
                 {"line_items[0][quantity]", QByteArray::number(quantity)}});
}

} // namespace

class TestStripeSandbox final : public QObject {
    Q_OBJECT

public:
    ~TestStripeSandbox() override { stop(m_sandbox.get()); }

private:
    /// Starts the binary with `env` on a free port; returns the port, 0 on failure.
    quint16 start(QProcess &process, const QProcessEnvironment &env)
    {
        process.setProcessEnvironment(env);
        process.setWorkingDirectory(m_workDir.path());  // no stray .env file is read
        rdk::test::endWithThisTest(process);
        process.start(QStringLiteral(RDK_SANDBOX_BINARY), {});
        if (!process.waitForStarted(kWaitMs))
            return 0;
        QElapsedTimer timer;
        timer.start();
        while (!process.canReadLine() && timer.elapsed() < kWaitMs && process.state() == QProcess::Running)
            process.waitForReadyRead(100);
        const QByteArray line = process.readLine().trimmed();
        m_firstLine = QString::fromUtf8(line);
        if (!line.startsWith("listening on 127.0.0.1:"))
            return 0;
        return line.mid(line.lastIndexOf(':') + 1).toUShort();
    }

    static void stop(QProcess *process)
    {
        if (!process || process->state() == QProcess::NotRunning)
            return;
        process->terminate();
        if (!process->waitForFinished(5000)) {
            process->kill();
            process->waitForFinished(5000);
        }
    }

    QProcessEnvironment sandboxEnv(const QString &webhookUrl) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);  // never a developer's .env
        env.insert(u"SANDBOX_LISTEN"_s, u"127.0.0.1:0"_s);
        env.insert(u"STRIPE_WEBHOOK_SECRET"_s, kSecret);
        env.insert(u"SANDBOX_RETRY_BASE_MS"_s, u"20"_s);
        env.insert(u"RDK_LOG_LEVEL"_s, u"warn"_s);
        if (webhookUrl.isEmpty())
            env.remove(u"SANDBOX_WEBHOOK_URL"_s);
        else
            env.insert(u"SANDBOX_WEBHOOK_URL"_s, webhookUrl);
        return env;
    }

    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {},
               const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(QUrl(m_base + path));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setTransferTimeout(kWaitMs);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(kWaitMs + 1000, &loop, &QEventLoop::quit);
        loop.exec();
        Reply out;
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = reply->readAll();
        out.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return out;
    }

    Reply api(const QByteArray &method, const QString &path, const QByteArray &body = {},
              const QByteArray &idempotencyKey = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers{{"Authorization", "Bearer " + kKey}};
        if (!idempotencyKey.isEmpty())
            headers.append({"Idempotency-Key", idempotencyKey});
        return send(method, path, body, headers);
    }

    QJsonObject createSession(const QByteArray &body = sessionBody())
    {
        const Reply r = api("POST", u"/v1/checkout/sessions"_s, body);
        if (r.status != 200)
            qWarning().noquote() << "create session:" << r.status << r.body;
        return r.json();
    }

    QJsonObject createPrice(qint64 amount)
    {
        return api("POST", u"/v1/prices"_s,
                   form({{"currency", "usd"}, {"unit_amount", QByteArray::number(amount)}, {"product_data[name]", "Jordan 1"}}))
            .json();
    }

    /// The first delivery of `type` for `objectId`, waiting for it to arrive.
    std::optional<Delivery> waitForDelivery(const QString &objectId, const QString &type, int count = 1)
    {
        if (!QTest::qWaitFor([&] { return m_receiver.deliveriesFor(objectId, type).size() >= count; }, kWaitMs))
            return std::nullopt;
        return m_receiver.deliveriesFor(objectId, type).first();
    }

    QJsonObject sandboxEvent(const QString &objectId, const QString &type)
    {
        const QJsonArray events = send("GET", u"/_sandbox/events"_s).json().value(u"data"_s).toArray();
        for (const QJsonValue &e : events) {
            const QJsonObject event = e.toObject();
            if (event.value(u"object_id"_s).toString() == objectId && event.value(u"type"_s).toString() == type)
                return event;
        }
        return {};
    }

    QList<int> deliveryStatuses(const QJsonObject &event)
    {
        QList<int> out;
        for (const QJsonValue &d : event.value(u"deliveries"_s).toArray())
            out.append(d.toObject().value(u"status"_s).toInt());
        return out;
    }

    QTemporaryDir m_workDir;
    WebhookReceiver m_receiver;
    std::unique_ptr<QProcess> m_sandbox;
    QString m_base;
    QString m_firstLine;
    QByteArray m_startupStderr;
    QNetworkAccessManager m_network;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_workDir.isValid());
        QVERIFY(m_receiver.port() != 0);
        m_network.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        m_sandbox = std::make_unique<QProcess>();
        const quint16 port = start(*m_sandbox, sandboxEnv(m_receiver.url()));
        m_startupStderr = m_sandbox->readAllStandardError();
        QVERIFY2(port != 0, qPrintable(m_firstLine + u" / "_s + QString::fromUtf8(m_startupStderr)));
        m_base = u"http://127.0.0.1:%1"_s.arg(port);
    }

    void cleanupTestCase()
    {
        stop(m_sandbox.get());
        QVERIFY(!m_sandbox || m_sandbox->state() == QProcess::NotRunning);
    }

    void init() { m_receiver.reset(); }

    // --- Process ----------------------------------------------------------------------------

    void startup_printsListeningLineAndProductionWarning()
    {
        QVERIFY(m_firstLine.startsWith(u"listening on 127.0.0.1:"_s));
        QVERIFY2(m_startupStderr.contains("not Stripe") && m_startupStderr.contains("never be used in production"),
                 m_startupStderr.constData());
    }

    void version_printsRelease()
    {
        QProcess process;
        process.start(QStringLiteral(RDK_SANDBOX_BINARY), {u"--version"_s});
        QVERIFY(process.waitForFinished(kWaitMs));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(process.readAllStandardOutput().startsWith("rdk-stripe-sandbox "));
    }

    void startup_badConfig_exitsTwoListingEveryProblem()
    {
        QProcessEnvironment env = sandboxEnv({});
        env.insert(u"SANDBOX_LISTEN"_s, u"0.0.0.0:12111"_s);
        env.insert(u"STRIPE_WEBHOOK_SECRET"_s, u"sk_test_not_a_webhook_secret"_s);
        env.insert(u"SANDBOX_RETRY_BASE_MS"_s, u"soon"_s);
        env.insert(u"SANDBOX_WEBHOOK_URL"_s, u"ftp://example"_s);
        env.insert(u"SANDBOX_API_LATENCY_MS"_s, u"-300"_s);
        QProcess process;
        process.setProcessEnvironment(env);
        process.setWorkingDirectory(m_workDir.path());
        process.start(QStringLiteral(RDK_SANDBOX_BINARY), {});
        QVERIFY(process.waitForFinished(kWaitMs));
        QCOMPARE(process.exitCode(), 2);
        const QByteArray err = process.readAllStandardError();
        for (const char *key : {"SANDBOX_LISTEN", "STRIPE_WEBHOOK_SECRET", "SANDBOX_RETRY_BASE_MS", "SANDBOX_WEBHOOK_URL",
                                "SANDBOX_API_LATENCY_MS"})
            QVERIFY2(err.contains(key), err.constData());
        QVERIFY2(!err.contains("sk_test_not_a_webhook_secret"), "a secret must never be echoed");
        QVERIFY(process.readAllStandardOutput().isEmpty());
    }

    void sigterm_stopsCleanly()
    {
        QProcess process;
        QVERIFY(start(process, sandboxEnv({})) != 0);
        process.terminate();
        const bool finished = process.waitForFinished(kWaitMs);
        if (!finished)
            stop(&process);
        QVERIFY(finished);
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
    }

    void health_answersWithoutKey()
    {
        const Reply r = send("GET", u"/_sandbox/health"_s);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"status"_s).toString(), u"ok"_s);
        QCOMPARE(r.json().value(u"livemode"_s).toBool(true), false);
    }

    // --- Checkout and the pay page ----------------------------------------------------------

    void createSession_returnsStripeShapedSession()
    {
        const QJsonObject s = createSession();
        const QString id = s.value(u"id"_s).toString();
        QVERIFY2(id.startsWith(u"cs_test_"_s) && id.size() > 40, qPrintable(id));
        QCOMPARE(s.value(u"object"_s).toString(), u"checkout.session"_s);
        QCOMPARE(s.value(u"status"_s).toString(), u"open"_s);
        QCOMPARE(s.value(u"payment_status"_s).toString(), u"unpaid"_s);
        QCOMPARE(s.value(u"mode"_s).toString(), u"payment"_s);
        QCOMPARE(s.value(u"amount_subtotal"_s).toInteger(), 2468);
        QCOMPARE(s.value(u"amount_total"_s).toInteger(), 2468);
        QCOMPARE(s.value(u"currency"_s).toString(), u"usd"_s);
        QCOMPARE(s.value(u"url"_s).toString(), m_base + u"/pay/"_s + id);
        QVERIFY(s.value(u"payment_intent"_s).isNull());
        QCOMPARE(s.value(u"livemode"_s).toBool(true), false);
        QCOMPARE(s.value(u"client_reference_id"_s).toString(), u"order-42"_s);
        QCOMPARE(s.value(u"customer_email"_s).toString(), u"buyer@example.com"_s);
        QCOMPARE(s.value(u"metadata"_s).toObject().value(u"order_id"_s).toString(), u"42"_s);
        QCOMPARE(s.value(u"success_url"_s).toString(), u"https://shop.example/thanks?session={CHECKOUT_SESSION_ID}"_s);
        QCOMPARE(s.value(u"cancel_url"_s).toString(), u"https://shop.example/cart"_s);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QVERIFY(qAbs(s.value(u"created"_s).toInteger() - now) < 60);
        QCOMPARE(s.value(u"expires_at"_s).toInteger(), s.value(u"created"_s).toInteger() + 24 * 3600);
    }

    void retrieveSession_expandLineItems_listsThem()
    {
        const QString id = createSession().value(u"id"_s).toString();
        const Reply r = api("GET", u"/v1/checkout/sessions/%1?expand[]=line_items"_s.arg(id));
        QCOMPARE(r.status, 200);
        const QJsonArray items = r.json().value(u"line_items"_s).toObject().value(u"data"_s).toArray();
        QCOMPARE(items.size(), 1);
        const QJsonObject item = items.first().toObject();
        QCOMPARE(item.value(u"object"_s).toString(), u"item"_s);
        QCOMPARE(item.value(u"description"_s).toString(), u"Air Max 90"_s);
        QCOMPARE(item.value(u"quantity"_s).toInt(), 2);
        QCOMPARE(item.value(u"amount_total"_s).toInteger(), 2468);
        QVERIFY(item.value(u"price"_s).toObject().value(u"id"_s).toString().startsWith(u"price_"_s));
        QCOMPARE(api("GET", u"/v1/checkout/sessions/cs_test_nope"_s).error().value(u"code"_s).toString(), u"resource_missing"_s);
    }

    void payViaPage_deliversSignedCompletedEvent()
    {
        const QJsonObject created = createSession();
        const QString id = created.value(u"id"_s).toString();
        QVERIFY(!id.isEmpty());
        const Reply page = send("GET", u"/pay/"_s + id);
        QCOMPARE(page.status, 200);
        QVERIFY(page.header("Content-Type").startsWith("text/html"));
        QVERIFY(page.body.contains("$24.68"));

        const Reply paid = send("POST", u"/pay/%1/pay"_s.arg(id), form({{"email", "walkin@example.com"}}));
        QCOMPARE(paid.status, 303);
        QCOMPARE(QString::fromUtf8(paid.header("Location")), u"https://shop.example/thanks?session="_s + id);

        const auto delivery = waitForDelivery(id, u"checkout.session.completed"_s);
        QVERIFY(delivery.has_value());
        qint64 timestamp = 0;
        QVERIFY2(signatureValid(delivery->signature, delivery->body, kSecret, &timestamp), delivery->signature.constData());
        QVERIFY(qAbs(QDateTime::currentSecsSinceEpoch() - timestamp) < 60);
        QVERIFY(!signatureValid(delivery->signature, delivery->body + ' ', kSecret, &timestamp));
        QVERIFY(!signatureValid(delivery->signature, delivery->body, u"whsec_other"_s, &timestamp));
        QCOMPARE(delivery->contentType, QByteArray("application/json; charset=utf-8"));

        const QJsonObject event = delivery->event;
        QVERIFY(event.value(u"id"_s).toString().startsWith(u"evt_"_s));
        QCOMPARE(event.value(u"object"_s).toString(), u"event"_s);
        QCOMPARE(event.value(u"api_version"_s).toString(), u"2024-06-20"_s);
        QCOMPARE(event.value(u"livemode"_s).toBool(true), false);
        QCOMPARE(event.value(u"pending_webhooks"_s).toInt(), 1);
        QVERIFY(event.value(u"request"_s).toObject().value(u"id"_s).isNull());
        const QJsonObject session = delivery->object();
        QCOMPARE(session.value(u"status"_s).toString(), u"complete"_s);
        QCOMPARE(session.value(u"payment_status"_s).toString(), u"paid"_s);
        QVERIFY(session.value(u"payment_intent"_s).toString().startsWith(u"pi_"_s));
        QCOMPARE(session.value(u"metadata"_s).toObject().value(u"order_id"_s).toString(), u"42"_s);
        QCOMPARE(session.value(u"customer_details"_s).toObject().value(u"email"_s).toString(), u"walkin@example.com"_s);
        QVERIFY(session.value(u"url"_s).isNull());

        const QJsonObject fetched = api("GET", u"/v1/checkout/sessions/"_s + id).json();
        QCOMPARE(fetched.value(u"status"_s).toString(), u"complete"_s);
        QCOMPARE(fetched.value(u"payment_intent"_s).toString(), session.value(u"payment_intent"_s).toString());
        QCOMPARE(send("GET", u"/pay/"_s + id).status, 410);
        QCOMPARE(send("POST", u"/pay/%1/pay"_s.arg(id)).status, 410);
    }

    void payPage_showsLineItemsAndTotal_data()
    {
        QTest::addColumn<QByteArray>("currency");
        QTest::addColumn<qint64>("unitAmount");
        QTest::addColumn<qint64>("quantity");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("expectedName");
        QTest::addColumn<QByteArray>("expectedTotal");
        QTest::addRow("usd") << QByteArray("usd") << qint64(1234) << qint64(2) << QByteArray("Air Max 90")
                             << QByteArray("Air Max 90") << QByteArray("$24.68");
        QTest::addRow("zero-decimal jpy") << QByteArray("jpy") << qint64(1500) << qint64(3) << QByteArray("Dunk Low")
                                          << QByteArray("Dunk Low") << QByteArray("¥4,500");
        QTest::addRow("eur, name escaped") << QByteArray("eur") << qint64(999) << qint64(1) << QByteArray("Yeezy <350> & Co")
                                           << QByteArray("Yeezy &lt;350&gt; &amp; Co") << QByteArray("€9.99");
    }

    void payPage_showsLineItemsAndTotal()
    {
        QFETCH(QByteArray, currency);
        QFETCH(qint64, unitAmount);
        QFETCH(qint64, quantity);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, expectedName);
        QFETCH(QByteArray, expectedTotal);
        const QString id = createSession(sessionBody(unitAmount, quantity, currency, name)).value(u"id"_s).toString();
        const Reply page = send("GET", u"/pay/"_s + id);
        QCOMPARE(page.status, 200);
        QVERIFY2(page.body.contains(expectedTotal), page.body.constData());
        QVERIFY(page.body.contains(expectedName));
        QVERIFY(page.body.contains("Qty " + QByteArray::number(quantity)));
        QVERIFY(page.body.contains("action=\"" + id.toLatin1() + "/pay\""));
        QVERIFY(page.body.contains("action=\"" + id.toLatin1() + "/decline\""));
        QVERIFY(page.header("Content-Security-Policy").contains("default-src 'none'"));
    }

    void decline_redirectsToCancelUrlWithoutEvent()
    {
        const QString id = createSession().value(u"id"_s).toString();
        const Reply r = send("POST", u"/pay/%1/decline"_s.arg(id));
        QCOMPARE(r.status, 303);
        QCOMPARE(r.header("Location"), QByteArray("https://shop.example/cart"));
        QCOMPARE(api("GET", u"/v1/checkout/sessions/"_s + id).json().value(u"status"_s).toString(), u"open"_s);
        QTest::qWait(200);   // proves a negative: no event for the declined session, even a late one
        const QJsonArray events = send("GET", u"/_sandbox/events"_s).json().value(u"data"_s).toArray();
        for (const QJsonValue &e : events)
            QVERIFY(e.toObject().value(u"object_id"_s).toString() != id);
    }

    void expireSession_sendsExpiredEventAndRefusesSecondExpire()
    {
        const QString id = createSession().value(u"id"_s).toString();
        const Reply first = api("POST", u"/v1/checkout/sessions/%1/expire"_s.arg(id), {}, "expire-" + id.toLatin1());
        QCOMPARE(first.status, 200);
        QCOMPARE(first.json().value(u"status"_s).toString(), u"expired"_s);
        QVERIFY(first.json().value(u"url"_s).isNull());
        const auto delivery = waitForDelivery(id, u"checkout.session.expired"_s);
        QVERIFY(delivery.has_value());
        // Caused by an API call: the event names it, as Stripe's do.
        QCOMPARE(delivery->event.value(u"request"_s).toObject().value(u"id"_s).toString(),
                 QString::fromLatin1(first.header("Request-Id")));
        QCOMPARE(delivery->event.value(u"request"_s).toObject().value(u"idempotency_key"_s).toString(), u"expire-"_s + id);
        const Reply second = api("POST", u"/v1/checkout/sessions/%1/expire"_s.arg(id));
        QCOMPARE(second.status, 400);
        QVERIFY(second.error().value(u"message"_s).toString().contains(u"expired"_s));
        QCOMPARE(send("GET", u"/pay/"_s + id).status, 410);
        QCOMPARE(send("POST", u"/_sandbox/checkout/sessions/%1/complete"_s.arg(id)).status, 400);
    }

    void expireControl_expiresOpenSession()
    {
        const QString id = createSession().value(u"id"_s).toString();
        const Reply r = send("POST", u"/_sandbox/checkout/sessions/%1/expire"_s.arg(id));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"status"_s).toString(), u"expired"_s);
        QVERIFY(waitForDelivery(id, u"checkout.session.expired"_s).has_value());
    }

    void asyncPayment_unpaidThenSettled_sendsEvents_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("eventType");
        QTest::addColumn<QString>("paymentStatus");
        QTest::addRow("succeeded") << u"async_succeeded"_s << u"checkout.session.async_payment_succeeded"_s << u"paid"_s;
        QTest::addRow("failed") << u"async_failed"_s << u"checkout.session.async_payment_failed"_s << u"unpaid"_s;
    }

    void asyncPayment_unpaidThenSettled_sendsEvents()
    {
        QFETCH(QString, action);
        QFETCH(QString, eventType);
        QFETCH(QString, paymentStatus);
        const QString id = createSession().value(u"id"_s).toString();
        QCOMPARE(send("POST", u"/_sandbox/checkout/sessions/%1/%2"_s.arg(id, action)).status, 400);
        const Reply completed = send("POST", u"/_sandbox/checkout/sessions/%1/complete?payment_status=unpaid"_s.arg(id));
        QCOMPARE(completed.status, 200);
        QCOMPARE(completed.json().value(u"payment_status"_s).toString(), u"unpaid"_s);
        const auto first = waitForDelivery(id, u"checkout.session.completed"_s);
        QVERIFY(first.has_value());
        QCOMPARE(first->object().value(u"status"_s).toString(), u"complete"_s);
        QCOMPARE(first->object().value(u"payment_status"_s).toString(), u"unpaid"_s);

        const Reply settled = send("POST", u"/_sandbox/checkout/sessions/%1/%2"_s.arg(id, action));
        QCOMPARE(settled.status, 200);
        const auto second = waitForDelivery(id, eventType);
        QVERIFY(second.has_value());
        QCOMPARE(second->object().value(u"payment_status"_s).toString(), paymentStatus);
        qint64 timestamp = 0;
        QVERIFY(signatureValid(second->signature, second->body, kSecret, &timestamp));
        QCOMPARE(send("POST", u"/_sandbox/checkout/sessions/%1/%2"_s.arg(id, action)).status, 400);
    }

    // --- Idempotency ------------------------------------------------------------------------

    void idempotentRetry_replaysStoredResponse()
    {
        const QByteArray key = "order-42-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        const Reply first = api("POST", u"/v1/checkout/sessions"_s, sessionBody(), key);
        QCOMPARE(first.status, 200);
        QVERIFY(first.header("Idempotent-Replayed").isEmpty());
        const Reply second = api("POST", u"/v1/checkout/sessions"_s, sessionBody(), key);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.header("Idempotent-Replayed"), QByteArray("true"));
        QCOMPARE(second.json().value(u"id"_s).toString(), first.json().value(u"id"_s).toString());
        QCOMPARE(second.body, first.body);
    }

    void idempotencyKeyReuse_withOtherBody_returnsIdempotencyError()
    {
        const QByteArray key = "reuse-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(api("POST", u"/v1/checkout/sessions"_s, sessionBody(1000), key).status, 200);
        const Reply r = api("POST", u"/v1/checkout/sessions"_s, sessionBody(2000), key);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.error().value(u"type"_s).toString(), u"idempotency_error"_s);
        QVERIFY(r.error().value(u"message"_s).toString().contains(QString::fromLatin1(key)));
    }

    void idempotencyKey_afterParameterError_isNotStored()
    {
        const QByteArray key = "fixed-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        const Reply bad = api("POST", u"/v1/checkout/sessions"_s, sessionBody() + "&colour=red", key);
        QCOMPARE(bad.status, 400);
        const Reply good = api("POST", u"/v1/checkout/sessions"_s, sessionBody(), key);
        QCOMPARE(good.status, 200);
        QVERIFY(good.header("Idempotent-Replayed").isEmpty());
    }

    // --- Parameter and request errors -------------------------------------------------------

    void invalidParams_return400NamingParam_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("param");
        const QByteArray ok = sessionBody();
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QTest::addRow("unknown top-level") << ok + "&colour=red" << 400 << u"parameter_unknown"_s << u"colour"_s;
        QTest::addRow("unknown nested") << ok + "&line_items[0][price_data][product_data][colour]=red" << 400
                                        << u"parameter_unknown"_s << u"line_items[0][price_data][product_data][colour]"_s;
        QTest::addRow("missing success_url")
            << form({{"mode", "payment"}, {"line_items[0][price_data][currency]", "usd"},
                     {"line_items[0][price_data][unit_amount]", "100"}, {"line_items[0][price_data][product_data][name]", "x"},
                     {"line_items[0][quantity]", "1"}})
            << 400 << u"parameter_missing"_s << u"success_url"_s;
        QTest::addRow("missing mode") << ok.mid(ok.indexOf('&') + 1) << 400 << u"parameter_missing"_s << u"mode"_s;
        QTest::addRow("missing line_items") << form({{"mode", "payment"}, {"success_url", "https://shop.example/ok"}}) << 400
                                            << u"parameter_missing"_s << u"line_items"_s;
        QTest::addRow("missing quantity")
            << form({{"mode", "payment"}, {"success_url", "https://shop.example/ok"}, {"line_items[0][price_data][currency]", "usd"},
                     {"line_items[0][price_data][unit_amount]", "100"}, {"line_items[0][price_data][product_data][name]", "x"}})
            << 400 << u"parameter_missing"_s << u"line_items[0][quantity]"_s;
        QTest::addRow("subscription mode") << QByteArray(ok).replace("mode=payment", "mode=subscription") << 400 << QString()
                                           << u"mode"_s;
        QTest::addRow("amount not an integer") << QByteArray(ok).replace("unit_amount]=1234", "unit_amount]=12.34")
                                               << 400 << u"parameter_invalid_integer"_s
                                               << u"line_items[0][price_data][unit_amount]"_s;
        QTest::addRow("expires_at too soon") << ok + "&expires_at=" + QByteArray::number(now + 600) << 400 << QString()
                                             << u"expires_at"_s;
        QTest::addRow("expires_at too late") << ok + "&expires_at=" + QByteArray::number(now + 25 * 3600) << 400 << QString()
                                             << u"expires_at"_s;
        QTest::addRow("bad success_url") << QByteArray(ok).replace("success_url=https", "success_url=javascript") << 400
                                         << u"url_invalid"_s << u"success_url"_s;
        QTest::addRow("unknown price")
            << form({{"mode", "payment"}, {"success_url", "https://shop.example/ok"}, {"line_items[0][price]", "price_nope"},
                     {"line_items[0][quantity]", "1"}})
            << 404 << u"resource_missing"_s << u"line_items[0][price]"_s;

        // Shipping options, phone and automatic tax: what Stripe refuses for the parameters
        // rdk-sync sends.
        const auto option = [](int i, const QByteArray &name, const QByteArray &amount, const QByteArray &currency = "usd") {
            const QByteArray key = "&shipping_options[" + QByteArray::number(i) + "][shipping_rate_data]";
            return key + "[type]=fixed_amount" + key + "[display_name]=" + name + key + "[fixed_amount][amount]=" + amount
                + key + "[fixed_amount][currency]=" + currency;
        };
        QByteArray six = ok;
        for (int i = 0; i < 6; ++i)
            six += option(i, "Option" + QByteArray::number(i), "500");
        QTest::addRow("six shipping options") << six << 400 << QString() << u"shipping_options"_s;
        QTest::addRow("shipping option without a name")
            << ok + "&shipping_options[0][shipping_rate_data][fixed_amount][amount]=500"
                    "&shipping_options[0][shipping_rate_data][fixed_amount][currency]=usd"
            << 400 << u"parameter_missing"_s << u"shipping_options[0][shipping_rate_data][display_name]"_s;
        QTest::addRow("shipping name too long") << ok + option(0, QByteArray(101, 'x'), "500") << 400 << QString()
                                                << u"shipping_options[0][shipping_rate_data][display_name]"_s;
        QTest::addRow("negative shipping amount") << ok + option(0, "Standard", "-1") << 400 << QString()
                                                  << u"shipping_options[0][shipping_rate_data][fixed_amount][amount]"_s;
        QTest::addRow("shipping in another currency") << ok + option(0, "Standard", "500", "eur") << 400 << QString()
                                                      << u"shipping_options[0][shipping_rate_data][fixed_amount][currency]"_s;
        QTest::addRow("shipping type not fixed_amount")
            << ok + option(0, "Standard", "500").replace("type]=fixed_amount", "type]=calculated") << 400 << QString()
            << u"shipping_options[0][shipping_rate_data][type]"_s;
        QTest::addRow("shipping rate and rate data")
            << ok + option(0, "Standard", "500") + "&shipping_options[0][shipping_rate]=shr_123" << 400 << QString()
            << u"shipping_options[0][shipping_rate]"_s;
        QTest::addRow("unknown shipping rate") << ok + "&shipping_options[0][shipping_rate]=shr_nope" << 404
                                               << u"resource_missing"_s << u"shipping_options[0][shipping_rate]"_s;
        QTest::addRow("phone collection not a boolean") << ok + "&phone_number_collection[enabled]=maybe" << 400 << QString()
                                                        << u"phone_number_collection[enabled]"_s;
        QTest::addRow("automatic tax without tax behavior") << ok + "&automatic_tax[enabled]=true" << 400 << QString()
                                                            << u"automatic_tax"_s;
        QTest::addRow("shipping country not a code") << ok + "&shipping_address_collection[allowed_countries][0]=usa" << 400
                                                     << QString() << u"shipping_address_collection[allowed_countries]"_s;
    }

    void shipping_optionsAddressPhoneAndTax_likeStripesPage()
    {
        const QByteArray key = "&shipping_options[%1][shipping_rate_data]";
        QByteArray body = sessionBody() + "&line_items[0][price_data][tax_behavior]=exclusive"
                          "&shipping_address_collection[allowed_countries][0]=US&shipping_address_collection[allowed_countries][1]=CA"
                          "&phone_number_collection[enabled]=true&automatic_tax[enabled]=true";
        for (const auto &[i, name, amount] : {std::tuple{0, QByteArray("Standard"), QByteArray("800")},
                                              std::tuple{1, QByteArray("Express"), QByteArray("2500")}}) {
            const QByteArray k = QByteArray(key).replace("%1", QByteArray::number(i));
            body += k + "[display_name]=" + name + k + "[fixed_amount][amount]=" + amount + k + "[fixed_amount][currency]=usd" + k
                + "[tax_behavior]=exclusive";
        }
        const QJsonObject created = createSession(body);
        const QString id = created.value(u"id"_s).toString();
        QVERIFY2(!id.isEmpty(), "session not created");
        const QJsonArray offered = created.value(u"shipping_options"_s).toArray();
        QCOMPARE(offered.size(), 2);
        const QString express = offered.at(1).toObject().value(u"shipping_rate"_s).toString();
        QVERIFY(express.startsWith(u"shr_"_s));
        QCOMPARE(created.value(u"automatic_tax"_s).toObject().value(u"status"_s).toString(), u"requires_location_inputs"_s);
        const qint64 items = created.value(u"amount_subtotal"_s).toInteger();
        QCOMPARE(created.value(u"amount_total"_s).toInteger(), items + 800);  // the first option preselected

        // The page asks for all of it.
        const QByteArray page = send("GET", u"/pay/"_s + id).body;
        for (const char *field : {"name=\"line1\"", "name=\"postal_code\"", "name=\"phone\"", "value=\"CA\"", "Express"})
            QVERIFY2(page.contains(field), field);

        // Refused like Stripe's page: nothing taken, the session stays open.
        const QString complete = u"/_sandbox/checkout/sessions/%1/complete"_s.arg(id);
        const QByteArray address = "name=Jenny%20Rosen&line1=510%20Townsend%20St&city=San%20Francisco&postal_code=94103";
        QCOMPARE(send("POST", complete, address + "&country=DE&phone=%2B14155550123").status, 400);
        QCOMPARE(send("POST", complete, address + "&country=US&phone=%2B14155550123&shipping_rate=shr_other").status, 400);
        QCOMPARE(send("POST", complete, address + "&country=US&phone=%2B14155550123&line2=" + QByteArray(201, 'x')).status, 400);
        QCOMPARE(send("POST", complete, address + "&country=US&phone=call%20me").status, 400);
        QCOMPARE(send("POST", complete, "name=Jenny&country=US&phone=%2B14155550123").status, 400);
        QCOMPARE(api("GET", u"/v1/checkout/sessions/"_s + id).json().value(u"status"_s).toString(), u"open"_s);

        const QJsonObject paid =
            send("POST", complete, address + "&country=CA&phone=%2B14155550123&shipping_rate=" + express.toUtf8()).json();
        QCOMPARE(paid.value(u"status"_s).toString(), u"complete"_s);
        QCOMPARE(paid.value(u"shipping_cost"_s).toObject().value(u"shipping_rate"_s).toString(), express);
        const QJsonObject totals = paid.value(u"total_details"_s).toObject();
        QCOMPARE(totals.value(u"amount_shipping"_s).toInteger(), 2500);
        // The sandbox's tax authority: 10 % of items and shipping, halves up.
        const qint64 tax = ((items + 2500) * 1000 + 5000) / 10000;
        QCOMPARE(totals.value(u"amount_tax"_s).toInteger(), tax);
        QCOMPARE(paid.value(u"amount_total"_s).toInteger(), items + 2500 + tax);
        QCOMPARE(paid.value(u"shipping_details"_s).toObject().value(u"address"_s).toObject().value(u"country"_s).toString(), u"CA"_s);
        QCOMPARE(paid.value(u"customer_details"_s).toObject().value(u"phone"_s).toString(), u"+14155550123"_s);
        // The event carries what the page collected.
        const auto delivery = waitForDelivery(id, u"checkout.session.completed"_s);
        QVERIFY(delivery);
        QCOMPARE(delivery->object().value(u"amount_total"_s).toInteger(), items + 2500 + tax);
    }

    void invalidParams_return400NamingParam()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, param);
        const Reply r = api("POST", u"/v1/checkout/sessions"_s, body);
        QCOMPARE(r.status, status);
        QCOMPARE(r.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
        QCOMPARE(r.error().value(u"code"_s).toString(), code);
        QCOMPARE(r.error().value(u"param"_s).toString(), param);
        if (code == u"parameter_unknown"_s)
            QCOMPARE(r.error().value(u"message"_s).toString(), u"Received unknown parameter: "_s + param);
    }

    void auth_badOrMissingKey_returns401_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<QString>("message");
        QTest::addRow("no header") << QByteArray() << u"did not provide an API key"_s;
        QTest::addRow("live secret key") << "Bearer " + fakeLiveKey("sk") << u"never accepts live"_s;
        QTest::addRow("live restricted key") << "Bearer " + fakeLiveKey("rk") << u"never accepts live"_s;
        QTest::addRow("live key as basic auth") << "Basic " + (fakeLiveKey("sk") + ":").toBase64()
                                                << u"never accepts live"_s;
        QTest::addRow("publishable key") << QByteArray("Bearer pk_test_4eC39HqLyjWDarjtT1zdp7dc") << u"Invalid API Key"_s;
        QTest::addRow("bare prefix") << QByteArray("Bearer sk_test_") << u"Invalid API Key"_s;
        QTest::addRow("wrong scheme") << QByteArray("Token sk_test_4eC39HqLyjWDarjtT1zdp7dc") << u"did not provide"_s;
    }

    void auth_badOrMissingKey_returns401()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(QString, message);
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!authorization.isEmpty())
            headers.append({"Authorization", authorization});
        const Reply r = send("POST", u"/v1/checkout/sessions"_s, sessionBody(), headers);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
        QVERIFY2(r.error().value(u"message"_s).toString().contains(message), r.body.constData());
        QVERIFY2(!r.body.contains("4eC39HqLyjWDarjtT1zdp7dc"), "the key must not be echoed");
    }

    void auth_testKeyAsBasicAuth_isAccepted()
    {
        const Reply r = send("POST", u"/v1/checkout/sessions"_s, sessionBody(),
                             {{"Authorization", "Basic " + QByteArray(kKey + ':').toBase64()}});
        QCOMPARE(r.status, 200);
    }

    void oversizedBody_returns413()
    {
        const QByteArray body = "metadata[blob]=" + QByteArray(1024 * 1024, 'x');
        const Reply r = api("POST", u"/v1/checkout/sessions"_s, body);
        QCOMPARE(r.status, 413);
        QCOMPARE(r.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
        QCOMPARE(send("POST", u"/pay/cs_test_x/pay"_s, body).status, 413);
    }

    void malformedFormBody_returns400_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QString>("message");
        const QByteArray formType = "application/x-www-form-urlencoded";
        QTest::addRow("bad percent escape") << QByteArray("mode=%zz") << formType << u"percent-encoding"_s;
        QTest::addRow("unclosed bracket") << QByteArray("metadata[order_id=1") << formType << u"Unbalanced"_s;
        QTest::addRow("empty name") << QByteArray("=payment") << formType << u"Empty parameter name"_s;
        QTest::addRow("sent twice") << QByteArray("mode=payment&mode=payment") << formType << u"more than once"_s;
        QTest::addRow("too deep") << QByteArray("a[b][c][d][e][f][g]=1") << formType << u"nested too deeply"_s;
        QTest::addRow("invalid utf-8") << QByteArray("mode=%C3%28") << formType << u"UTF-8"_s;
        QTest::addRow("json body") << QByteArray(R"({"mode":"payment"})") << QByteArray("application/json")
                                   << u"x-www-form-urlencoded"_s;
    }

    void malformedFormBody_returns400()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(QString, message);
        const Reply r = send("POST", u"/v1/checkout/sessions"_s, body,
                             {{"Authorization", "Bearer " + kKey}, {"Content-Type", contentType}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
        QVERIFY2(r.error().value(u"message"_s).toString().contains(message), r.body.constData());
    }

    void unknownRoute_returns404()
    {
        const Reply api404 = api("GET", u"/v1/customers"_s);
        QCOMPARE(api404.status, 404);
        QVERIFY(api404.error().value(u"message"_s).toString().contains(u"Unrecognized request URL"_s));
        QCOMPARE(send("GET", u"/"_s).status, 404);
        QCOMPARE(send("GET", u"/pay/pi_123"_s).status, 404);
        QCOMPARE(api("DELETE", u"/v1/prices"_s).status, 404);
    }

    // --- Webhook delivery -------------------------------------------------------------------

    // As on Stripe, a card payment sends charge.succeeded with the card's fingerprint: one
    // card, one fingerprint; another card, another (issue 15: per-buyer limits by card).
    void paidSession_sendsChargeSucceededWithTheCardsFingerprint()
    {
        const auto fingerprintOf = [&](const QByteArray &card) -> QString {
            const QString id = createSession().value(u"id"_s).toString();
            const QByteArray query = card.isEmpty() ? QByteArray() : "?card=" + card;
            if (send("POST", u"/_sandbox/checkout/sessions/%1/complete"_s.arg(id) + QString::fromLatin1(query)).status != 200)
                return u"not completed"_s;
            const QJsonObject paid = api("GET", u"/v1/checkout/sessions/%1?expand%5B%5D=payment_intent"_s.arg(id))
                                         .json().value(u"payment_intent"_s).toObject();
            const QString intent = paid.value(u"id"_s).toString();
            const QString charge = paid.value(u"latest_charge"_s).toString();
            const auto delivery = waitForDelivery(charge, u"charge.succeeded"_s);
            if (!delivery)
                return u"no charge.succeeded"_s;
            const QJsonObject object = delivery->object();
            if (object.value(u"payment_intent"_s).toString() != intent)
                return u"another payment intent"_s;
            return object.value(u"payment_method_details"_s).toObject().value(u"card"_s).toObject().value(u"fingerprint"_s).toString();
        };
        const QString standard = fingerprintOf({});
        QCOMPARE(standard.size(), 16);
        QCOMPARE(fingerprintOf("4242424242424242"), standard);
        const QString other = fingerprintOf("4000056655665556");
        QCOMPARE(other.size(), 16);
        QVERIFY(other != standard);
    }

    void webhookReceiverFailsTwice_retriesUntilDelivered()
    {
        const QString id = createSession().value(u"id"_s).toString();
        m_receiver.answerNext({500, 500}, u"checkout.session.completed"_s);
        QCOMPARE(send("POST", u"/_sandbox/checkout/sessions/%1/complete"_s.arg(id)).status, 200);
        const auto delivered = waitForDelivery(id, u"checkout.session.completed"_s, 3);
        QVERIFY(delivered.has_value());
        const QList<Delivery> tries = m_receiver.deliveriesFor(id, u"checkout.session.completed"_s);
        QCOMPARE(tries.size(), 3);
        for (const Delivery &d : tries) {
            qint64 timestamp = 0;
            QVERIFY(signatureValid(d.signature, d.body, kSecret, &timestamp));
            QCOMPARE(d.body, tries.first().body);  // the same event each time, re-signed
        }
        QJsonObject event;
        QVERIFY(QTest::qWaitFor([&] { return (event = sandboxEvent(id, u"checkout.session.completed"_s)).value(u"delivered"_s).toBool(); },
                                kWaitMs));
        QCOMPARE(deliveryStatuses(event), (QList<int>{500, 500, 200}));
        QCOMPARE(event.value(u"delivered"_s).toBool(), true);
        QCOMPARE(event.value(u"id"_s).toString(), tries.first().event.value(u"id"_s).toString());
    }

    void webhookEndpointDown_givesUpAfterEightAttempts_thenResendDelivers()
    {
        QTcpServer closed;  // bound then closed: a port nobody answers on
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const QString deadUrl = u"http://127.0.0.1:%1/hook"_s.arg(closed.serverPort());
        closed.close();
        QCOMPARE(send("POST", u"/_sandbox/webhook_endpoint"_s, form({{"url", deadUrl.toUtf8()}})).status, 200);
        const QString id = createSession().value(u"id"_s).toString();
        QCOMPARE(send("POST", u"/_sandbox/checkout/sessions/%1/complete"_s.arg(id)).status, 200);

        // 20 ms base: 20+40+...+1280 ms between the eight tries, about 2.5 s in all.
        QJsonObject event;
        QVERIFY(QTest::qWaitFor([&] { return deliveryStatuses(event = sandboxEvent(id, u"checkout.session.completed"_s)).size() >= 8; },
                                15'000));
        QCOMPARE(deliveryStatuses(event), QList<int>(8, 0));
        QCOMPARE(event.value(u"delivered"_s).toBool(), false);
        // Decided together with the eighth try (no waiting needed, and a ninth would come 2.5 s
        // later anyway): no further try is armed.
        QCOMPARE(event.value(u"retry_scheduled"_s).toBool(), false);

        QCOMPARE(send("POST", u"/_sandbox/webhook_endpoint"_s, form({{"url", m_receiver.url().toUtf8()}})).status, 200);
        const QString eventId = event.value(u"id"_s).toString();
        QCOMPARE(send("POST", u"/_sandbox/events/%1/resend"_s.arg(eventId)).status, 200);
        const auto delivery = waitForDelivery(id, u"checkout.session.completed"_s);
        QVERIFY(delivery.has_value());
        QCOMPARE(delivery->event.value(u"id"_s).toString(), eventId);
        QCOMPARE(send("POST", u"/_sandbox/events/evt_nope/resend"_s).status, 404);
    }

    void webhookEndpoint_changedAtRuntime_receivesNextEvents()
    {
        WebhookReceiver other;
        QVERIFY(other.port() != 0);
        QCOMPARE(send("POST", u"/_sandbox/webhook_endpoint"_s, form({{"url", other.url().toUtf8()}})).status, 200);
        QCOMPARE(send("GET", u"/_sandbox/health"_s).json().value(u"webhook_endpoint"_s).toString(), other.url());
        const QString id = createSession().value(u"id"_s).toString();
        QCOMPARE(send("POST", u"/_sandbox/checkout/sessions/%1/complete"_s.arg(id)).status, 200);
        const bool arrived = QTest::qWaitFor([&] { return !other.deliveriesFor(id, u"checkout.session.completed"_s).isEmpty(); }, kWaitMs);
        QCOMPARE(send("POST", u"/_sandbox/webhook_endpoint"_s, form({{"url", m_receiver.url().toUtf8()}})).status, 200);
        QVERIFY(arrived);
        QVERIFY(m_receiver.deliveriesFor(id, u"checkout.session.completed"_s).isEmpty());
        QCOMPARE(send("POST", u"/_sandbox/webhook_endpoint"_s, form({{"url", "ftp://nope"}})).status, 400);
    }

    // --- Stripe's latency (SANDBOX_API_LATENCY_MS, the drop and checkout benchmarks) --------

    void apiLatency_answerWaits_otherRequestsAndHangUpsUnharmed()
    {
        QProcess process;
        QProcessEnvironment env = sandboxEnv({});
        // Long enough that the ordering below can't come from scheduling noise.
        env.insert(u"SANDBOX_API_LATENCY_MS"_s, u"1500"_s);
        const quint16 port = start(process, env);
        QVERIFY2(port != 0, qPrintable(m_firstLine));
        const QString base = u"http://127.0.0.1:%1"_s.arg(port);
        auto post = [&](const QString &path, const QByteArray &body) {
            QNetworkRequest request(QUrl(base + path));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
            request.setRawHeader("Authorization", "Bearer " + kKey);
            request.setTransferTimeout(kWaitMs);
            return m_network.post(request, body);
        };

        // A client that hangs up while its answer waits: the sandbox must neither crash nor write
        // to the dead socket (the session it created stays, as at Stripe).
        QNetworkReply *abandoned = post(u"/v1/checkout/sessions"_s, sessionBody());
        QTest::qWait(100);  // only to let the request reach the sandbox before the hang-up
        abandoned->abort();
        abandoned->deleteLater();

        // An API answer waits; a test control sent after it is answered first, because the
        // wait holds no thread: the event loop goes on serving.
        QList<QString> finishedOrder;
        QNetworkReply *created = post(u"/v1/checkout/sessions"_s, sessionBody());
        connect(created, &QNetworkReply::finished, this, [&] { finishedOrder.append(u"api"_s); });
        QNetworkRequest healthRequest(QUrl(base + u"/_sandbox/health"_s));
        QNetworkReply *health = m_network.get(healthRequest);
        connect(health, &QNetworkReply::finished, this, [&] { finishedOrder.append(u"health"_s); });
        QVERIFY(QTest::qWaitFor([&] { return finishedOrder.size() == 2; }, kWaitMs));
        QCOMPARE(finishedOrder, (QList<QString>{u"health"_s, u"api"_s}));

        // The delayed answer is whole: status, Stripe's headers and the session.
        QCOMPARE(created->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(!created->rawHeader("Request-Id").isEmpty());
        const QJsonObject session = QJsonDocument::fromJson(created->readAll()).object();
        QVERIFY2(session.value(u"id"_s).toString().startsWith(u"cs_test_"_s), qPrintable(session.value(u"id"_s).toString()));
        QCOMPARE(session.value(u"amount_total"_s).toInteger(), 2468);
        created->deleteLater();
        health->deleteLater();

        // The pay page is not an API answer: it is served at once, and the sandbox is still up.
        QNetworkReply *page = m_network.get(QNetworkRequest(QUrl(session.value(u"url"_s).toString())));
        QVERIFY(QTest::qWaitFor([&] { return page->isFinished(); }, kWaitMs));
        QCOMPARE(page->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        page->deleteLater();
        QCOMPARE(process.state(), QProcess::Running);
        stop(&process);
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    }

    // --- Payment links ----------------------------------------------------------------------

    void paymentLink_singleUse_secondPayIsGone()
    {
        const QString price = createPrice(18'000).value(u"id"_s).toString();
        QVERIFY(price.startsWith(u"price_"_s));
        const Reply created = api("POST", u"/v1/payment_links"_s,
                                  form({{"line_items[0][price]", price.toUtf8()},
                                        {"line_items[0][quantity]", "1"},
                                        {"metadata[order_id]", "pos-7"},
                                        {"restrictions[completed_sessions][limit]", "1"},
                                        {"after_completion[type]", "redirect"},
                                        {"after_completion[redirect][url]", "https://shop.example/paid?cs={CHECKOUT_SESSION_ID}"}}),
                                  "plink-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch()));
        QCOMPARE(created.status, 200);
        const QJsonObject link = created.json();
        const QString id = link.value(u"id"_s).toString();
        QVERIFY(id.startsWith(u"plink_"_s));
        QCOMPARE(link.value(u"object"_s).toString(), u"payment_link"_s);
        QCOMPARE(link.value(u"active"_s).toBool(), true);
        QCOMPARE(link.value(u"url"_s).toString(), m_base + u"/pay/"_s + id);

        const Reply page = send("GET", u"/pay/"_s + id);
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("$180.00"));
        const Reply paid = send("POST", u"/pay/%1/pay"_s.arg(id), form({{"email", "counter@example.com"}}));
        QCOMPARE(paid.status, 303);
        QVERIFY(paid.header("Location").startsWith("https://shop.example/paid?cs=cs_test_"));

        const QString sessionId = QUrlQuery(QUrl(QString::fromUtf8(paid.header("Location")))).queryItemValue(u"cs"_s);
        const auto delivery = waitForDelivery(sessionId, u"checkout.session.completed"_s);
        QVERIFY(delivery.has_value());
        QCOMPARE(delivery->object().value(u"payment_link"_s).toString(), id);
        QCOMPARE(delivery->object().value(u"metadata"_s).toObject().value(u"order_id"_s).toString(), u"pos-7"_s);
        QCOMPARE(delivery->object().value(u"amount_total"_s).toInteger(), 18'000);

        const Reply again = send("POST", u"/pay/%1/pay"_s.arg(id));
        QCOMPARE(again.status, 410);
        QVERIFY(again.body.contains("no longer available"));
        QCOMPARE(send("GET", u"/pay/"_s + id).status, 410);
        QCOMPARE(send("POST", u"/_sandbox/payment_links/%1/pay"_s.arg(id)).status, 410);
        const QJsonObject after = api("GET", u"/v1/payment_links/"_s + id).json();
        QCOMPARE(after.value(u"restrictions"_s).toObject().value(u"completed_sessions"_s).toObject().value(u"count"_s).toInt(), 1);
    }

    void paymentLink_deactivated_showsNoLongerAvailable()
    {
        const QString price = createPrice(9'900).value(u"id"_s).toString();
        const QString id = api("POST", u"/v1/payment_links"_s,
                               form({{"line_items[0][price]", price.toUtf8()}, {"line_items[0][quantity]", "2"}}))
                               .json()
                               .value(u"id"_s)
                               .toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(send("GET", u"/pay/"_s + id).status, 200);

        const Reply off = api("POST", u"/v1/payment_links/"_s + id, form({{"active", "false"}, {"metadata[note]", "sold"}}));
        QCOMPARE(off.status, 200);
        QCOMPARE(off.json().value(u"active"_s).toBool(true), false);
        QCOMPARE(off.json().value(u"metadata"_s).toObject().value(u"note"_s).toString(), u"sold"_s);
        const Reply gone = send("GET", u"/pay/"_s + id);
        QCOMPARE(gone.status, 410);
        QVERIFY(gone.body.contains("no longer available"));
        QCOMPARE(send("POST", u"/_sandbox/payment_links/%1/pay"_s.arg(id)).status, 410);

        QCOMPARE(api("POST", u"/v1/payment_links/"_s + id, form({{"active", "true"}})).status, 200);
        const Reply paid = send("POST", u"/_sandbox/payment_links/%1/pay"_s.arg(id));
        QCOMPARE(paid.status, 200);
        QCOMPARE(paid.json().value(u"payment_link"_s).toString(), id);
        QCOMPARE(paid.json().value(u"amount_total"_s).toInteger(), 19'800);
        QCOMPARE(api("POST", u"/v1/payment_links/"_s + id, form({{"active", "maybe"}})).status, 400);
        QCOMPARE(api("GET", u"/v1/payment_links/plink_nope"_s).status, 404);
    }

    // --- Refunds ----------------------------------------------------------------------------

    void refund_partialThenOverThenFull_tracksRemaining()
    {
        const QByteArray body = sessionBody(2500, 2) + "&payment_intent_data[metadata][order_id]=42";
        const QString id = createSession(body).value(u"id"_s).toString();
        const QJsonObject session = send("POST", u"/_sandbox/checkout/sessions/%1/complete"_s.arg(id)).json();
        const QByteArray intent = session.value(u"payment_intent"_s).toString().toLatin1();
        QVERIFY(intent.startsWith("pi_"));

        const Reply partial = api("POST", u"/v1/refunds"_s, "payment_intent=" + intent + "&amount=2000&reason=requested_by_customer");
        QCOMPARE(partial.status, 200);
        QVERIFY(partial.json().value(u"id"_s).toString().startsWith(u"re_"_s));
        QCOMPARE(partial.json().value(u"object"_s).toString(), u"refund"_s);
        QCOMPARE(partial.json().value(u"amount"_s).toInteger(), 2000);
        QCOMPARE(partial.json().value(u"status"_s).toString(), u"succeeded"_s);
        const QString charge = partial.json().value(u"charge"_s).toString();
        QVERIFY(charge.startsWith(u"ch_"_s));

        const auto first = waitForDelivery(charge, u"charge.refunded"_s);
        QVERIFY(first.has_value());
        QCOMPARE(first->object().value(u"amount"_s).toInteger(), 5000);
        QCOMPARE(first->object().value(u"amount_refunded"_s).toInteger(), 2000);
        QCOMPARE(first->object().value(u"refunded"_s).toBool(true), false);
        QCOMPARE(first->object().value(u"payment_intent"_s).toString(), QString::fromLatin1(intent));
        QCOMPARE(first->object().value(u"currency"_s).toString(), u"usd"_s);
        QCOMPARE(first->object().value(u"metadata"_s).toObject().value(u"order_id"_s).toString(), u"42"_s);

        const Reply over = api("POST", u"/v1/refunds"_s, "payment_intent=" + intent + "&amount=4000");
        QCOMPARE(over.status, 400);
        QCOMPARE(over.error().value(u"code"_s).toString(), u"amount_too_large"_s);
        QCOMPARE(over.error().value(u"param"_s).toString(), u"amount"_s);

        const Reply rest = api("POST", u"/v1/refunds"_s, "charge=" + charge.toLatin1());
        QCOMPARE(rest.status, 200);
        QCOMPARE(rest.json().value(u"amount"_s).toInteger(), 3000);
        const auto second = waitForDelivery(charge, u"charge.refunded"_s, 2);
        QVERIFY(second.has_value());
        const auto both = m_receiver.deliveriesFor(charge, u"charge.refunded"_s);
        QCOMPARE(both.last().object().value(u"amount_refunded"_s).toInteger(), 5000);
        QCOMPARE(both.last().object().value(u"refunded"_s).toBool(), true);

        const Reply again = api("POST", u"/v1/refunds"_s, "payment_intent=" + intent + "&amount=1");
        QCOMPARE(again.status, 400);
        QCOMPARE(again.error().value(u"code"_s).toString(), u"charge_already_refunded"_s);
        QCOMPARE(api("POST", u"/v1/refunds"_s, "amount=1").error().value(u"param"_s).toString(), u"charge"_s);
        QCOMPARE(api("POST", u"/v1/refunds"_s, "payment_intent=pi_nope").status, 404);
    }

    // --- Fault injection (test control) -----------------------------------------------------

    void faults_failNextRequestsUnderPrefix_changeNothing_thenRetrySucceeds()
    {
        QCOMPARE(send("DELETE", u"/_sandbox/faults"_s).status, 200);
        const QString price = createPrice(4'200).value(u"id"_s).toString();
        QVERIFY(price.startsWith(u"price_"_s));
        const QByteArray orderId = "fault-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        const Reply armed = send("POST", u"/_sandbox/faults"_s,
                                 form({{"path", "/v1/payment_links"}, {"status", "503"}, {"count", "2"}}));
        QCOMPARE(armed.status, 200);
        QCOMPARE(armed.json().value(u"data"_s).toArray().size(), 1);

        const QByteArray body = form({{"line_items[0][price]", price.toUtf8()}, {"line_items[0][quantity]", "1"},
                                      {"metadata[order_id]", orderId}});
        const QByteArray key = "link-" + orderId;
        for (int i = 0; i < 2; ++i) {
            const Reply failed = api("POST", u"/v1/payment_links"_s, body, key);
            QCOMPARE(failed.status, 503);
            QCOMPARE(failed.error().value(u"type"_s).toString(), u"api_error"_s);
            QVERIFY(!failed.error().value(u"message"_s).toString().isEmpty());
            QVERIFY(failed.header("Idempotent-Replayed").isEmpty());
        }
        // Other paths are not affected while the fault is armed.
        QCOMPARE(api("POST", u"/v1/prices"_s, form({{"currency", "usd"}, {"unit_amount", "1"}, {"product_data[name]", "x"}})).status,
                 200);
        const Reply none = send("GET", u"/_sandbox/payment_links?order_id=%1"_s.arg(QString::fromLatin1(orderId)));
        QCOMPARE(none.json().value(u"data"_s).toArray().size(), 0);

        // The same idempotency key now really runs: the faulted attempts were not saved.
        const Reply made = api("POST", u"/v1/payment_links"_s, body, key);
        QCOMPARE(made.status, 200);
        QVERIFY(made.header("Idempotent-Replayed").isEmpty());
        const Reply replay = api("POST", u"/v1/payment_links"_s, body, key);
        QCOMPARE(replay.json().value(u"id"_s), made.json().value(u"id"_s));
        const QJsonArray links = send("GET", u"/_sandbox/payment_links?order_id=%1"_s.arg(QString::fromLatin1(orderId)))
                                     .json().value(u"data"_s).toArray();
        QCOMPARE(links.size(), 1);
        QCOMPARE(links.first().toObject().value(u"id"_s), made.json().value(u"id"_s));
        QCOMPARE(send("GET", u"/_sandbox/faults"_s).json().value(u"data"_s).toArray().size(), 0);
    }

    void faults_answerStripeShapedErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("code");
        QTest::addRow("500") << 500 << u"api_error"_s << QString();
        QTest::addRow("503") << 503 << u"api_error"_s << QString();
        QTest::addRow("429") << 429 << u"rate_limit_error"_s << u"rate_limit"_s;
        QTest::addRow("402") << 402 << u"card_error"_s << u"card_declined"_s;
        QTest::addRow("400") << 400 << u"invalid_request_error"_s << QString();
    }

    void faults_answerStripeShapedErrors()
    {
        QFETCH(int, status);
        QFETCH(QString, type);
        QFETCH(QString, code);
        QCOMPARE(send("DELETE", u"/_sandbox/faults"_s).status, 200);
        QCOMPARE(send("POST", u"/_sandbox/faults"_s, form({{"path", "/v1/refunds"}, {"status", QByteArray::number(status)}})).status,
                 200);
        const Reply r = api("POST", u"/v1/refunds"_s, "payment_intent=pi_nope");
        QCOMPARE(r.status, status);
        QCOMPARE(r.error().value(u"type"_s).toString(), type);
        QCOMPARE(r.error().value(u"code"_s).toString(), code);
        QCOMPARE(r.header("Retry-After").isEmpty(), status != 429);
        // Count defaults to one: the next request reaches the store again.
        QCOMPARE(api("POST", u"/v1/refunds"_s, "payment_intent=pi_nope").status, 404);
    }

    void faults_delete_clearsEveryArmedFault()
    {
        QCOMPARE(send("POST", u"/_sandbox/faults"_s, form({{"path", "/v1/prices"}, {"status", "500"}, {"count", "5"}})).status, 200);
        QCOMPARE(send("POST", u"/_sandbox/faults"_s, form({{"path", "/v1"}, {"status", "502"}, {"count", "5"}})).status, 200);
        QCOMPARE(send("GET", u"/_sandbox/faults"_s).json().value(u"data"_s).toArray().size(), 2);
        const Reply cleared = send("DELETE", u"/_sandbox/faults"_s);
        QCOMPARE(cleared.status, 200);
        QCOMPARE(cleared.json().value(u"data"_s).toArray().size(), 0);
        QVERIFY(createPrice(100).value(u"id"_s).toString().startsWith(u"price_"_s));
    }

    void faults_badInput_isRefusedAndArmsNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("param");
        QTest::addRow("no path") << form({{"status", "500"}}) << u"path"_s;
        QTest::addRow("not an API path") << form({{"path", "/pay"}, {"status", "500"}}) << u"path"_s;
        QTest::addRow("oversized path") << form({{"path", "/v1/" + QByteArray(300, 'a')}, {"status", "500"}}) << u"path"_s;
        QTest::addRow("no status") << form({{"path", "/v1/prices"}}) << u"status"_s;
        QTest::addRow("status text") << form({{"path", "/v1/prices"}, {"status", "boom"}}) << u"status"_s;
        QTest::addRow("status 200") << form({{"path", "/v1/prices"}, {"status", "200"}}) << u"status"_s;
        QTest::addRow("status 600") << form({{"path", "/v1/prices"}, {"status", "600"}}) << u"status"_s;
        QTest::addRow("count 0") << form({{"path", "/v1/prices"}, {"status", "500"}, {"count", "0"}}) << u"count"_s;
        QTest::addRow("count huge") << form({{"path", "/v1/prices"}, {"status", "500"}, {"count", "99999999999"}}) << u"count"_s;
        QTest::addRow("count text") << form({{"path", "/v1/prices"}, {"status", "500"}, {"count", "two"}}) << u"count"_s;
        QTest::addRow("malformed form") << QByteArray("path=%ZZ&status=500") << QString();
    }

    void faults_badInput_isRefusedAndArmsNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, param);
        QCOMPARE(send("DELETE", u"/_sandbox/faults"_s).status, 200);
        const Reply r = send("POST", u"/_sandbox/faults"_s, body);
        QCOMPARE(r.status, 400);
        QVERIFY(!r.error().value(u"message"_s).toString().isEmpty());
        if (!param.isEmpty())
            QCOMPARE(r.error().value(u"param"_s).toString(), param);
        QCOMPARE(send("GET", u"/_sandbox/faults"_s).json().value(u"data"_s).toArray().size(), 0);
        QCOMPARE(send("PUT", u"/_sandbox/faults"_s).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestStripeSandbox)
#include "tst_stripe_sandbox.moc"

// The Stripe API client against a fake Stripe on 127.0.0.1 (written here, so the test owns
// every byte): exact form bodies and headers, retries (5xx, 429, network, timeouts) with
// one idempotency key, no retry on 4xx, error mapping, threads and shutdown.
#include "sync/stripe/formencoding.h"
#include "sync/stripe/stripeclient.h"
#include "tests/support/fakekeys.h"

#include <QElapsedTimer>
#include <QHash>
#include <QNetworkProxy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using rdk::ErrorCode;
using namespace rdk::sync;

Q_DECLARE_METATYPE(rdk::ErrorCode)
Q_DECLARE_METATYPE(rdk::sync::StripeFailure)

namespace {

const QString Key = u"sk_test_51FakeKeyForTheTestsOnly0000000000000000"_s;
const QString OrderId = u"0b6f3c2e-6a0e-4d8c-9d7e-3f5c2a1b9e10"_s;

struct Recorded {
    QByteArray method;
    QByteArray path;
    QHash<QByteArray, QByteArray> headers;  // lower-case names
    QByteArray body;
};

struct Canned {
    enum Mode { Respond, Hang, Drop };
    int status = 200;
    QByteArray body = "{}";
    QList<QPair<QByteArray, QByteArray>> headers;
    Mode mode = Respond;
};

Canned respond(int status, QByteArray body, QList<QPair<QByteArray, QByteArray>> headers = {})
{
    return {status, std::move(body), std::move(headers), Canned::Respond};
}

QByteArray stripeError(const QByteArray &type, const QByteArray &code, const QByteArray &message,
                       const QByteArray &param = {})
{
    return R"({"error":{"type":")" + type + R"(","code":")" + code + R"(","message":")" + message
        + R"(","param":")" + param + R"(","request_log_url":"https://dashboard.stripe.com/test/logs/req_x"}})";
}

/// Just enough HTTP/1.1 to stand in for api.stripe.com: reads each request, records it and
/// plays the next scripted answer (or the fallback). Every answer closes the connection.
class FakeStripe final : public QObject {
    Q_DISABLE_COPY_MOVE(FakeStripe)

public:
    FakeStripe()
    {
        connect(&m_server, &QTcpServer::newConnection, this, &FakeStripe::accept);
        if (!m_server.listen(QHostAddress::LocalHost, 0))
            qFatal("fake Stripe can't listen");
    }

    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort())); }
    void script(QList<Canned> answers) { m_script = std::move(answers); }
    void setFallback(Canned answer) { m_fallback = std::move(answer); }
    const QList<Recorded> &requests() const { return m_requests; }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                m_buffers.remove(socket);
                socket->deleteLater();
            });
        }
    }

    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        Recorded request;
        const QList<QByteArray> lines = buffer.first(headerEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        request.method = requestLine.value(0);
        request.path = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                request.headers.insert(lines.at(i).first(colon).trimmed().toLower(), lines.at(i).sliced(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return;
        request.body = buffer.mid(headerEnd + 4, length);
        buffer.clear();
        m_requests.append(request);

        const Canned answer = m_script.isEmpty() ? m_fallback : m_script.takeFirst();
        if (answer.mode == Canned::Hang)
            return;
        if (answer.mode == Canned::Drop) {
            socket->abort();
            return;
        }
        QByteArray response = "HTTP/1.1 " + QByteArray::number(answer.status) + " Whatever\r\n"
            "Content-Type: application/json\r\nConnection: close\r\n"
            "Request-Id: req_fake" + QByteArray::number(m_requests.size()) + "\r\n"
            "Content-Length: " + QByteArray::number(answer.body.size()) + "\r\n";
        for (const auto &[name, value] : answer.headers)
            response += name + ": " + value + "\r\n";
        response += "\r\n" + answer.body;
        socket->write(response);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<Canned> m_script;
    Canned m_fallback = respond(200, "{}");
    QList<Recorded> m_requests;
};

/// Fast retries so the test takes milliseconds, same shape as production (3 attempts).
StripeClientOptions options(const QUrl &base, std::chrono::milliseconds timeout = 5s)
{
    StripeClientOptions o;
    o.baseUrl = base;
    o.secretKey = Key;
    o.timeout = timeout;
    o.retry.maxAttempts = 3;
    o.retry.initialBackoff = 10ms;
    o.retry.maxRetryAfter = 300ms;
    return o;
}

CheckoutSessionRequest hostileCheckout()
{
    CheckoutSessionRequest r;
    r.currency = u"USD"_s;
    r.lines = {{u"Air Max \"90\" & co/100%"_s, 12999, 2}, {u"Café Größe 42 ✓"_s, 500, 1}};
    r.successUrl = u"https://shop.example/thanks?session_id={CHECKOUT_SESSION_ID}"_s;
    r.cancelUrl = u"https://shop.example/cart"_s;
    r.orderId = OrderId;
    r.expiresAt = 1719401800;
    r.customerEmail = u"jo+kicks@example.com"_s;
    r.shippingCountries = {u"US"_s, u"CA"_s};
    return r;
}

const QByteArray SessionCreated =
    R"({"id":"cs_test_a1","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_test_a1#fid","expires_at":1719401800,"amount_total":26498})";

// Waits for a future while the event loop runs (the fake server lives on this thread).
#define AWAIT(future) QTRY_VERIFY_WITH_TIMEOUT((future).isFinished(), 20000)

} // namespace

class TstStripeClient final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void formKey_buildsNestedNames();
    void encodeFormComponent_data();
    void encodeFormComponent();
    void decodeForm_roundTrips();
    void checkoutSession_exactBodyAndHeaders();
    void checkoutSession_minimalBody();
    void checkoutSession_refusesBadRequestsWithoutSending_data();
    void checkoutSession_refusesBadRequestsWithoutSending();
    void retrieveCheckoutSession_isAPlainGet();
    void expireCheckoutSession_postsToExpire();
    void createPrice_body();
    void createPaymentLink_body();
    void setPaymentLinkActive_body();
    void createRefund_body();
    void accountAndWebhookEndpoints_onTheWire();
    void webhookEndpointParams_refusesWithoutSending();
    void retries_thenSuccess_data();
    void retries_thenSuccess();
    void retries_exhausted_data();
    void retries_exhausted();
    void errors_mappedWithoutRetry_data();
    void errors_mappedWithoutRetry();
    void stripeShouldRetryFalse_stopsRetries();
    void retryAfter_isHonouredAndCapped();
    void timeout_becomesUnavailableWithinBounds();
    void connectionRefused_becomesUnavailable();
    void droppedConnection_thenSuccess();
    void success_withNonJsonBody_isInternal();
    void baseUrl_keepsItsPath();
    void liveKeyOverHttp_isRefused();
    void workerThread_canCallAndWait();
    void waitFor_onClientThread_refuses();
    void destroyedClient_fulfilsPendingFutures();
};

void TstStripeClient::initTestCase()
{
    // A proxy from the environment must not sit between the client and 127.0.0.1.
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
}

void TstStripeClient::formKey_buildsNestedNames()
{
    QCOMPARE(formKey(u"line_items", 0, u"price_data", u"product_data", u"name"),
             u"line_items[0][price_data][product_data][name]"_s);
    QCOMPARE(formKey(u"metadata", u"order_id"), u"metadata[order_id]"_s);
    QCOMPARE(formKey(u"shipping_address_collection", u"allowed_countries", qsizetype(12)),
             u"shipping_address_collection[allowed_countries][12]"_s);
    QCOMPARE(formKey(u"mode"), u"mode"_s);
}

void TstStripeClient::encodeFormComponent_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("encoded");
    QTest::newRow("unreserved kept") << u"AZaz09-._~"_s << QByteArray("AZaz09-._~");
    QTest::newRow("space") << u"a b"_s << QByteArray("a%20b");
    QTest::newRow("plus") << u"a+b"_s << QByteArray("a%2Bb");
    QTest::newRow("form delimiters") << u"&=?#"_s << QByteArray("%26%3D%3F%23");
    QTest::newRow("brackets") << u"a[0]"_s << QByteArray("a%5B0%5D");
    QTest::newRow("percent") << u"100%"_s << QByteArray("100%25");
    QTest::newRow("quotes and slash") << u"\"90\"/'x'"_s << QByteArray("%2290%22%2F%27x%27");
    QTest::newRow("controls") << u"a\r\nb\tc"_s << QByteArray("a%0D%0Ab%09c");
    QTest::newRow("utf-8") << u"é✓"_s << QByteArray("%C3%A9%E2%9C%93");
    QTest::newRow("emoji (surrogate pair)") << u"👟"_s << QByteArray("%F0%9F%91%9F");
    QTest::newRow("empty") << QString() << QByteArray();
}

void TstStripeClient::encodeFormComponent()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, encoded);
    QCOMPARE(rdk::sync::encodeFormComponent(text), encoded);
}

void TstStripeClient::decodeForm_roundTrips()
{
    const auto params = StripeClient::checkoutSessionParams(hostileCheckout());
    QVERIFY(params.ok());
    const auto decoded = decodeForm(encodeForm(*params));
    QVERIFY(decoded.ok());
    QCOMPARE(*decoded, *params);
    // '+' is a space in form bodies; broken escapes and non-UTF-8 are refused.
    QCOMPARE(decodeForm("a=b+c&d%5B0%5D=%7E").value(), (FormParams{{u"a"_s, u"b c"_s}, {u"d[0]"_s, u"~"_s}}));
    QVERIFY(!decodeForm("a=%zz").ok());
    QVERIFY(!decodeForm("a=%4").ok());
    QVERIFY(!decodeForm("a=%FF").ok());
}

void TstStripeClient::checkoutSession_exactBodyAndHeaders()
{
    FakeStripe stripe;
    stripe.script({respond(200, SessionCreated)});
    StripeClient client(options(stripe.url()));

    auto future = client.createCheckoutSession(hostileCheckout(), u"checkout-"_s + OrderId);
    AWAIT(future);
    const auto created = future.result();
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));
    QCOMPARE(created->id, u"cs_test_a1"_s);
    QCOMPARE(created->url, QUrl(u"https://checkout.stripe.com/c/pay/cs_test_a1#fid"_s));
    QCOMPARE(created->expiresAt, qint64(1719401800));

    QCOMPARE(stripe.requests().size(), 1);
    const Recorded &r = stripe.requests().first();
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.path, QByteArray("/v1/checkout/sessions"));
    QCOMPARE(r.headers.value("authorization"), "Bearer " + Key.toLatin1());
    QCOMPARE(r.headers.value("stripe-version"), QByteArray("2024-06-20"));
    QCOMPARE(r.headers.value("idempotency-key"), "checkout-" + OrderId.toLatin1());
    QCOMPARE(r.headers.value("content-type"), QByteArray("application/x-www-form-urlencoded"));

    // Written out by hand, so an encoder bug can't hide behind itself.
    const QByteArray expected =
        "mode=payment"
        "&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd"
        "&line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=12999"
        "&line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Air%20Max%20%2290%22%20%26%20co%2F100%25"
        "&line_items%5B0%5D%5Bquantity%5D=2"
        "&line_items%5B1%5D%5Bprice_data%5D%5Bcurrency%5D=usd"
        "&line_items%5B1%5D%5Bprice_data%5D%5Bunit_amount%5D=500"
        "&line_items%5B1%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Caf%C3%A9%20Gr%C3%B6%C3%9Fe%2042%20%E2%9C%93"
        "&line_items%5B1%5D%5Bquantity%5D=1"
        "&success_url=https%3A%2F%2Fshop.example%2Fthanks%3Fsession_id%3D%7BCHECKOUT_SESSION_ID%7D"
        "&cancel_url=https%3A%2F%2Fshop.example%2Fcart"
        "&client_reference_id=0b6f3c2e-6a0e-4d8c-9d7e-3f5c2a1b9e10"
        "&metadata%5Border_id%5D=0b6f3c2e-6a0e-4d8c-9d7e-3f5c2a1b9e10"
        "&payment_intent_data%5Bmetadata%5D%5Border_id%5D=0b6f3c2e-6a0e-4d8c-9d7e-3f5c2a1b9e10"
        "&expires_at=1719401800"
        "&customer_email=jo%2Bkicks%40example.com"
        "&shipping_address_collection%5Ballowed_countries%5D%5B0%5D=US"
        "&shipping_address_collection%5Ballowed_countries%5D%5B1%5D=CA";
    QCOMPARE(r.body, expected);
}

void TstStripeClient::checkoutSession_minimalBody()
{
    FakeStripe stripe;
    stripe.script({respond(200, SessionCreated)});
    StripeClient client(options(stripe.url()));
    CheckoutSessionRequest request;
    request.currency = u"eur"_s;
    request.lines = {{u"Sock"_s, 0, 3}};
    request.successUrl = u"http://127.0.0.1:8080/ok"_s;
    request.cancelUrl = u"http://127.0.0.1:8080/no"_s;
    request.orderId = u"o1"_s;
    auto future = client.createCheckoutSession(request, u"k1"_s);
    AWAIT(future);
    QVERIFY(future.result().ok());
    // Optional parameters are left out entirely, not sent empty.
    QCOMPARE(stripe.requests().value(0).body,
             QByteArray("mode=payment&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=eur"
                        "&line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=0"
                        "&line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Sock"
                        "&line_items%5B0%5D%5Bquantity%5D=3"
                        "&success_url=http%3A%2F%2F127.0.0.1%3A8080%2Fok&cancel_url=http%3A%2F%2F127.0.0.1%3A8080%2Fno"
                        "&client_reference_id=o1&metadata%5Border_id%5D=o1"
                        "&payment_intent_data%5Bmetadata%5D%5Border_id%5D=o1"));
}

void TstStripeClient::checkoutSession_refusesBadRequestsWithoutSending_data()
{
    QTest::addColumn<int>("breakage");
    QTest::addColumn<QString>("field");
    QTest::newRow("no lines") << 0 << u"lines"_s;
    QTest::newRow("bad currency") << 1 << u"currency"_s;
    QTest::newRow("negative price") << 2 << u"lines"_s;
    QTest::newRow("zero quantity") << 3 << u"lines"_s;
    QTest::newRow("blank name") << 4 << u"lines"_s;
    QTest::newRow("no order id") << 5 << u"orderId"_s;
    QTest::newRow("relative success url") << 6 << u"successUrl"_s;
    QTest::newRow("bad shipping country") << 7 << u"shippingCountries"_s;
    QTest::newRow("no idempotency key") << 8 << u"Idempotency-Key"_s;
    QTest::newRow("idempotency key with space") << 9 << u"Idempotency-Key"_s;
    QTest::newRow("idempotency key too long") << 10 << u"Idempotency-Key"_s;
    QTest::newRow("101 lines") << 11 << u"lines"_s;
}

void TstStripeClient::checkoutSession_refusesBadRequestsWithoutSending()
{
    QFETCH(int, breakage);
    QFETCH(QString, field);
    FakeStripe stripe;
    StripeClient client(options(stripe.url()));
    CheckoutSessionRequest request = hostileCheckout();
    QString key = u"checkout-1"_s;
    switch (breakage) {
    case 0: request.lines.clear(); break;
    case 1: request.currency = u"US"_s; break;
    case 2: request.lines[0].unitAmount = -1; break;
    case 3: request.lines[1].quantity = 0; break;
    case 4: request.lines[0].name = u"  "_s; break;
    case 5: request.orderId.clear(); break;
    case 6: request.successUrl = u"/thanks"_s; break;
    case 7: request.shippingCountries = {u"usa"_s}; break;
    case 8: key.clear(); break;
    case 9: key = u"checkout 1"_s; break;
    case 10: key = QString(256, u'k'); break;
    case 11: request.lines = QList<CheckoutLine>(101, CheckoutLine{u"x"_s, 1, 1}); break;
    }
    auto future = client.createCheckoutSession(request, key);
    QVERIFY(future.isFinished());  // refused on the spot
    QCOMPARE(future.result().error().code, ErrorCode::Invalid);
    QCOMPARE(future.result().error().field, field);
    QTest::qWait(20);   // proves a negative: nothing goes out later either
    QVERIFY(stripe.requests().isEmpty());
}

void TstStripeClient::retrieveCheckoutSession_isAPlainGet()
{
    FakeStripe stripe;
    stripe.script({respond(200, R"({"id":"cs_test_a1","object":"checkout.session","status":"complete",)"
                                R"("payment_status":"paid","amount_total":26498,"currency":"usd",)"
                                R"("metadata":{"order_id":"o-9"},"payment_intent":"pi_1","new_field":{"x":1}})")});
    StripeClient client(options(stripe.url()));
    auto future = client.retrieveCheckoutSession(u"cs_test_a1"_s);
    AWAIT(future);
    const auto session = future.result();
    QVERIFY(session.ok());
    QCOMPARE(session->paymentStatus, u"paid"_s);
    QCOMPARE(session->amountTotal, qint64(26498));
    QCOMPARE(session->currency, u"USD"_s);
    QCOMPARE(session->orderId, u"o-9"_s);
    const Recorded &r = stripe.requests().value(0);
    QCOMPARE(r.method, QByteArray("GET"));
    QCOMPARE(r.path, QByteArray("/v1/checkout/sessions/cs_test_a1"));
    QVERIFY(!r.headers.contains("idempotency-key"));
    QCOMPARE(r.headers.value("stripe-version"), QByteArray("2024-06-20"));
    QVERIFY(r.body.isEmpty());

    // Ids go into the path, so anything but [A-Za-z0-9_] is refused before sending.
    auto traversal = client.retrieveCheckoutSession(u"../v1/charges"_s);
    QVERIFY(traversal.isFinished());
    QCOMPARE(traversal.result().error().code, ErrorCode::Invalid);
    QCOMPARE(stripe.requests().size(), 1);
}

void TstStripeClient::expireCheckoutSession_postsToExpire()
{
    FakeStripe stripe;
    stripe.script({respond(200, R"({"id":"cs_test_a1","object":"checkout.session","status":"expired","amount_total":100,"currency":"usd"})")});
    StripeClient client(options(stripe.url()));
    auto future = client.expireCheckoutSession(u"cs_test_a1"_s, u"expire-cs_test_a1"_s);
    AWAIT(future);
    QVERIFY(future.result().ok());
    QCOMPARE(future.result()->status, u"expired"_s);
    const Recorded &r = stripe.requests().value(0);
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.path, QByteArray("/v1/checkout/sessions/cs_test_a1/expire"));
    QCOMPARE(r.headers.value("idempotency-key"), QByteArray("expire-cs_test_a1"));
    QVERIFY(r.body.isEmpty());
}

void TstStripeClient::createPrice_body()
{
    FakeStripe stripe;
    stripe.script({respond(200, R"({"id":"price_1Abc","object":"price"})")});
    StripeClient client(options(stripe.url()));
    auto future = client.createPrice(u"USD"_s, 18000, u"Dunk Low \"Panda\" (EU 44)"_s, u"price-o1-0"_s);
    AWAIT(future);
    QCOMPARE(future.result().value(), u"price_1Abc"_s);
    const Recorded &r = stripe.requests().value(0);
    QCOMPARE(r.path, QByteArray("/v1/prices"));
    QCOMPARE(r.body, QByteArray("currency=usd&unit_amount=18000&product_data%5Bname%5D=Dunk%20Low%20%22Panda%22%20%28EU%2044%29"));
    QCOMPARE(r.headers.value("idempotency-key"), QByteArray("price-o1-0"));
}

void TstStripeClient::accountAndWebhookEndpoints_onTheWire()
{
    FakeStripe stripe;
    const QByteArray endpoint = R"({"id":"we_1Abc","object":"webhook_endpoint","url":"https://shop.example/api/stripe/webhook",)"
                                R"("enabled_events":["charge.refunded"],"status":"enabled","api_version":"2024-06-20",)"
                                R"("metadata":{"rdk_secret_generation":"1"},"created":1719400000,"livemode":false)";
    stripe.script({respond(200, R"({"id":"acct_1Abc","object":"account","settings":{"dashboard":{"display_name":"Kickz"}},"charges_enabled":true})"),
                   respond(200, R"({"object":"list","data":[)" + endpoint + R"(}],"has_more":false})"),
                   respond(200, endpoint + R"(,"secret":"whsec_abc123"})"),
                   respond(200, endpoint + "}"),
                   respond(200, R"({"id":"we_1Abc","object":"webhook_endpoint","deleted":true})")});
    StripeClient client(options(stripe.url()));

    auto account = client.retrieveAccount();
    AWAIT(account);
    QCOMPARE(account.result().value().id, u"acct_1Abc"_s);
    QCOMPARE(account.result().value().displayName, u"Kickz"_s);
    auto listed = client.listWebhookEndpoints();
    AWAIT(listed);
    QCOMPARE(listed.result().value().size(), 1);
    QCOMPARE(listed.result().value().first().metadata.value(u"rdk_secret_generation"_s).toString(), u"1"_s);

    StripeWebhookEndpointRequest create;
    create.url = u"https://shop.example/api/stripe/webhook"_s;
    create.enabledEvents = {u"checkout.session.completed"_s, u"charge.refunded"_s};
    create.description = u"rdk-sync"_s;
    create.metadata = {{u"rdk_secret_generation"_s, u"1"_s}};
    auto created = client.createWebhookEndpoint(create, u"webhook-create-1"_s);
    AWAIT(created);
    QCOMPARE(created.result().value().secret, u"whsec_abc123"_s);

    StripeWebhookEndpointRequest update;
    update.enabledEvents = {u"charge.refunded"_s};
    update.disabled = false;
    auto updated = client.updateWebhookEndpoint(u"we_1Abc"_s, update, u"webhook-update-1"_s);
    AWAIT(updated);
    QVERIFY(updated.result().ok());
    QVERIFY(updated.result().value().secret.isEmpty());
    auto deleted = client.deleteWebhookEndpoint(u"we_1Abc"_s);
    AWAIT(deleted);
    QVERIFY(deleted.result().ok());

    const QList<Recorded> &r = stripe.requests();
    QCOMPARE(r.size(), 5);
    QCOMPARE(r.at(0).method + ' ' + r.at(0).path, QByteArray("GET /v1/account"));
    QCOMPARE(r.at(1).method + ' ' + r.at(1).path, QByteArray("GET /v1/webhook_endpoints?limit=100"));
    QVERIFY(r.at(1).headers.value("idempotency-key").isEmpty());
    QCOMPARE(r.at(2).method + ' ' + r.at(2).path, QByteArray("POST /v1/webhook_endpoints"));
    QCOMPARE(r.at(2).body, QByteArray("url=https%3A%2F%2Fshop.example%2Fapi%2Fstripe%2Fwebhook"
                                      "&enabled_events%5B0%5D=checkout.session.completed&enabled_events%5B1%5D=charge.refunded"
                                      "&api_version=2024-06-20&description=rdk-sync&metadata%5Brdk_secret_generation%5D=1"));
    QCOMPARE(r.at(2).headers.value("idempotency-key"), QByteArray("webhook-create-1"));
    QCOMPARE(r.at(3).method + ' ' + r.at(3).path, QByteArray("POST /v1/webhook_endpoints/we_1Abc"));
    QCOMPARE(r.at(3).body, QByteArray("enabled_events%5B0%5D=charge.refunded&disabled=false"));
    QCOMPARE(r.at(4).method + ' ' + r.at(4).path, QByteArray("DELETE /v1/webhook_endpoints/we_1Abc"));
    for (const Recorded &each : r)
        QCOMPARE(each.headers.value("stripe-version"), QByteArray("2024-06-20"));
}

void TstStripeClient::webhookEndpointParams_refusesWithoutSending()
{
    StripeWebhookEndpointRequest noEvents;
    noEvents.url = u"https://shop.example/h"_s;
    QVERIFY(!StripeClient::webhookEndpointParams(noEvents, true).ok());
    StripeWebhookEndpointRequest badUrl;
    badUrl.url = u"shop.example/h"_s;
    badUrl.enabledEvents = {u"charge.refunded"_s};
    QVERIFY(!StripeClient::webhookEndpointParams(badUrl, true).ok());
    StripeWebhookEndpointRequest nothing;
    QVERIFY(!StripeClient::webhookEndpointParams(nothing, false).ok());
    FakeStripe stripe;
    StripeClient client(options(stripe.url()));
    auto refused = client.updateWebhookEndpoint(u"plink_notAnEndpoint"_s, badUrl, u"k"_s);
    AWAIT(refused);
    QCOMPARE(refused.result().error().failure, StripeFailure::NotSent);
    QCOMPARE(stripe.requests().size(), 0);
}

void TstStripeClient::createPaymentLink_body()
{
    FakeStripe stripe;
    stripe.script({respond(200, R"({"id":"plink_1Abc","object":"payment_link","url":"https://buy.stripe.com/test_abc"})")});
    StripeClient client(options(stripe.url()));
    PaymentLinkRequest request;
    request.lines = {{u"price_1Abc"_s, 1}, {u"price_2Def"_s, 2}};
    request.orderId = u"7d1e0f8a-1111-4c2b-8e55-0a9b8c7d6e5f"_s;
    request.afterCompletionUrl = u"https://shop.example/pos/thanks"_s;
    auto future = client.createPaymentLink(request, u"plink-7d1e"_s);
    AWAIT(future);
    const auto link = future.result();
    QVERIFY(link.ok());
    QCOMPARE(link->id, u"plink_1Abc"_s);
    QCOMPARE(link->url, QUrl(u"https://buy.stripe.com/test_abc"_s));
    const Recorded &r = stripe.requests().value(0);
    QCOMPARE(r.path, QByteArray("/v1/payment_links"));
    QCOMPARE(r.body, QByteArray("line_items%5B0%5D%5Bprice%5D=price_1Abc&line_items%5B0%5D%5Bquantity%5D=1"
                                "&line_items%5B1%5D%5Bprice%5D=price_2Def&line_items%5B1%5D%5Bquantity%5D=2"
                                "&metadata%5Border_id%5D=7d1e0f8a-1111-4c2b-8e55-0a9b8c7d6e5f"
                                "&restrictions%5Bcompleted_sessions%5D%5Blimit%5D=1"
                                "&after_completion%5Btype%5D=redirect"
                                "&after_completion%5Bredirect%5D%5Burl%5D=https%3A%2F%2Fshop.example%2Fpos%2Fthanks"));

    // No limit and no redirect: those parameters are not sent at all.
    request.completedSessionsLimit = 0;
    request.afterCompletionUrl.clear();
    request.lines.resize(1);
    const auto params = StripeClient::paymentLinkParams(request);
    QVERIFY(params.ok());
    QCOMPARE(encodeForm(*params), QByteArray("line_items%5B0%5D%5Bprice%5D=price_1Abc&line_items%5B0%5D%5Bquantity%5D=1"
                                             "&metadata%5Border_id%5D=7d1e0f8a-1111-4c2b-8e55-0a9b8c7d6e5f"));
}

void TstStripeClient::setPaymentLinkActive_body()
{
    FakeStripe stripe;
    stripe.script({respond(200, R"({"id":"plink_1Abc","object":"payment_link","active":false})")});
    StripeClient client(options(stripe.url()));
    auto future = client.setPaymentLinkActive(u"plink_1Abc"_s, false, u"plink-off-1"_s);
    AWAIT(future);
    QVERIFY(future.result().ok());
    const Recorded &r = stripe.requests().value(0);
    QCOMPARE(r.path, QByteArray("/v1/payment_links/plink_1Abc"));
    QCOMPARE(r.body, QByteArray("active=false"));
}

void TstStripeClient::createRefund_body()
{
    FakeStripe stripe;
    stripe.script({respond(200, R"({"id":"re_1","object":"refund","status":"succeeded","amount":5000})"),
                   respond(200, R"({"id":"re_2","object":"refund","status":"pending","amount":25998})")});
    StripeClient client(options(stripe.url()));
    auto partial = client.createRefund(u"pi_3Abc"_s, qint64(5000), OrderId, u"refund-o1-1"_s);
    AWAIT(partial);
    QCOMPARE(partial.result()->id, u"re_1"_s);
    QCOMPARE(partial.result()->status, u"succeeded"_s);
    QCOMPARE(partial.result()->amount, qint64(5000));
    auto full = client.createRefund(u"pi_3Abc"_s, std::nullopt, OrderId, u"refund-o1-2"_s);
    AWAIT(full);
    QCOMPARE(full.result()->amount, qint64(25998));

    QCOMPARE(stripe.requests().size(), 2);
    QCOMPARE(stripe.requests().at(0).path, QByteArray("/v1/refunds"));
    QCOMPARE(stripe.requests().at(0).body,
             "payment_intent=pi_3Abc&amount=5000&metadata%5Border_id%5D=" + OrderId.toLatin1());
    QCOMPARE(stripe.requests().at(1).body, "payment_intent=pi_3Abc&metadata%5Border_id%5D=" + OrderId.toLatin1());

    auto zero = client.createRefund(u"pi_3Abc"_s, qint64(0), OrderId, u"refund-o1-3"_s);
    QVERIFY(zero.isFinished());
    QCOMPARE(zero.result().error().code, ErrorCode::Invalid);
}

void TstStripeClient::retries_thenSuccess_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("500") << 500;
    QTest::newRow("502") << 502;
    QTest::newRow("503") << 503;
    QTest::newRow("429") << 429;
}

void TstStripeClient::retries_thenSuccess()
{
    QFETCH(int, status);
    FakeStripe stripe;
    const QByteArray failure = status == 429 ? stripeError("rate_limit_error", "rate_limit", "Too many requests")
                                             : stripeError("api_error", "", "Something went wrong");
    stripe.script({respond(status, failure), respond(status, failure), respond(200, SessionCreated)});
    StripeClient client(options(stripe.url()));
    auto future = client.createCheckoutSession(hostileCheckout(), u"checkout-retry"_s);
    AWAIT(future);
    QVERIFY(future.result().ok());
    QCOMPARE(future.result()->id, u"cs_test_a1"_s);
    QCOMPARE(stripe.requests().size(), 3);
    for (const Recorded &r : stripe.requests()) {
        // One key for every attempt: Stripe replays the first result instead of acting twice.
        QCOMPARE(r.headers.value("idempotency-key"), QByteArray("checkout-retry"));
        QCOMPARE(r.body, stripe.requests().first().body);
    }
}

void TstStripeClient::retries_exhausted_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says");
    QTest::addColumn<StripeFailure>("failure");
    QTest::newRow("500") << 500 << u"Stripe had a problem (HTTP 500)"_s << StripeFailure::ServerError;
    QTest::newRow("503") << 503 << u"Stripe had a problem (HTTP 503)"_s << StripeFailure::ServerError;
    QTest::newRow("429") << 429 << u"limiting how fast"_s << StripeFailure::RateLimited;
}

void TstStripeClient::retries_exhausted()
{
    QFETCH(int, status);
    QFETCH(QString, says);
    QFETCH(StripeFailure, failure);
    FakeStripe stripe;
    stripe.setFallback(respond(status, stripeError(status == 429 ? "rate_limit_error" : "api_error", "", "busy")));
    StripeClient client(options(stripe.url()));
    auto future = client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
    AWAIT(future);
    QCOMPARE(future.result().error().code, ErrorCode::Unavailable);
    QVERIFY2(future.result().error().message.contains(says), qPrintable(future.result().error().message));
    QCOMPARE(future.result().error().failure, failure);
    QCOMPARE(future.result().error().httpStatus, status);
    QCOMPARE(stripe.requests().size(), 3);
}

void TstStripeClient::errors_mappedWithoutRetry_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("says");
    QTest::addColumn<QString>("field");
    QTest::newRow("400 invalid_request") << 400
        << stripeError("invalid_request_error", "parameter_invalid_integer", "Invalid integer: abc", "line_items[0][quantity]")
        << ErrorCode::Invalid << u"Stripe refused the request: Invalid integer: abc"_s << u"line_items[0][quantity]"_s;
    QTest::newRow("402 card_error") << 402 << stripeError("card_error", "card_declined", "Your card was declined.")
        << ErrorCode::Invalid << u"Your card was declined."_s << QString();
    QTest::newRow("401 authentication") << 401
        << stripeError("authentication_error", "", "Invalid API Key provided: sk_test_****0000")
        << ErrorCode::Forbidden << u"Stripe refused the API key"_s << QString();
    QTest::newRow("403 permission") << 403 << stripeError("permission_error", "", "The provided key does not have access")
        << ErrorCode::Forbidden << u"may not do this"_s << QString();
    QTest::newRow("404 resource_missing") << 404
        << stripeError("invalid_request_error", "resource_missing", "No such checkout.session: 'cs_x'", "id")
        << ErrorCode::NotFound << u"No such checkout.session"_s << QString();
    QTest::newRow("409 idempotency_error") << 409
        << stripeError("idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters")
        << ErrorCode::Conflict << u"idempotency key was already used"_s << QString();
    QTest::newRow("400 expire a paid session") << 400
        << stripeError("invalid_request_error", "", "Only Checkout Sessions with a status in [\\\"open\\\"] can be expired.")
        << ErrorCode::Invalid << u"can be expired"_s << QString();
    QTest::newRow("400 without JSON") << 400 << QByteArray("<html>bad</html>")
        << ErrorCode::Invalid << u"HTTP 400"_s << QString();
    QTest::newRow("422 odd") << 422 << QByteArray("{}") << ErrorCode::Invalid << u"HTTP 422"_s << QString();
}

void TstStripeClient::errors_mappedWithoutRetry()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, says);
    QFETCH(QString, field);
    FakeStripe stripe;
    stripe.setFallback(respond(status, body));
    StripeClient client(options(stripe.url()));
    auto future = client.createCheckoutSession(hostileCheckout(), u"checkout-err"_s);
    AWAIT(future);
    const StripeCallError error = future.result().error();
    QCOMPARE(error.code, code);
    QVERIFY2(error.message.contains(says), qPrintable(error.message));
    QCOMPARE(error.field, field);
    QCOMPARE(error.failure, StripeFailure::Refused);
    QCOMPARE(error.httpStatus, status);
    QVERIFY(!error.message.contains(Key));
    QVERIFY(!error.message.contains(u"sk_test_"_s));
    QTest::qWait(50);  // proves a negative: a retry (10 ms backoff here) would have gone out by now
    QCOMPARE(stripe.requests().size(), 1);
}

void TstStripeClient::stripeShouldRetryFalse_stopsRetries()
{
    FakeStripe stripe;
    stripe.setFallback(respond(500, stripeError("api_error", "", "nope"), {{"Stripe-Should-Retry", "false"}}));
    StripeClient client(options(stripe.url()));
    auto future = client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
    AWAIT(future);
    QCOMPARE(future.result().error().code, ErrorCode::Unavailable);
    QCOMPARE(future.result().error().failure, StripeFailure::ServerError);
    QCOMPARE(future.result().error().httpStatus, 500);
    QTest::qWait(50);   // proves a negative: no retry (10 ms backoff here) goes out
    QCOMPARE(stripe.requests().size(), 1);
}

void TstStripeClient::retryAfter_isHonouredAndCapped()
{
    {
        FakeStripe stripe;
        stripe.script({respond(429, stripeError("rate_limit_error", "", "slow down"), {{"Retry-After", "1"}}),
                       respond(200, R"({"id":"price_1"})")});
        StripeClientOptions o = options(stripe.url());
        o.retry.maxRetryAfter = 10s;
        StripeClient client(o);
        QElapsedTimer clock;
        clock.start();
        auto future = client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
        AWAIT(future);
        QVERIFY(future.result().ok());
        QVERIFY2(clock.elapsed() >= 950, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(stripe.requests().size(), 2);
    }
    {
        // An hour is cut to maxRetryAfter (300 ms here, 10 s by default).
        FakeStripe stripe;
        stripe.script({respond(503, stripeError("api_error", "", "maintenance"), {{"Retry-After", "3600"}}),
                       respond(200, R"({"id":"price_1"})")});
        StripeClient client(options(stripe.url()));
        QElapsedTimer clock;
        clock.start();
        auto future = client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
        AWAIT(future);
        QVERIFY(future.result().ok());
        QVERIFY2(clock.elapsed() >= 250 && clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    }
}

void TstStripeClient::timeout_becomesUnavailableWithinBounds()
{
    FakeStripe stripe;
    stripe.setFallback(Canned{200, {}, {}, Canned::Hang});
    StripeClient client(options(stripe.url(), 250ms));
    QElapsedTimer clock;
    clock.start();
    auto future = client.createCheckoutSession(hostileCheckout(), u"checkout-slow"_s);
    AWAIT(future);
    const qint64 elapsed = clock.elapsed();
    const StripeCallError error = future.result().error();
    QCOMPARE(error.code, ErrorCode::Unavailable);
    QCOMPARE(error.failure, StripeFailure::NoAnswer);
    QCOMPARE(error.httpStatus, 0);
    QVERIFY2(error.message.contains(u"Stripe can't be reached"_s), qPrintable(error.message));
    // 3 attempts x 250 ms + two short backoffs; well under the 15 s a real timeout would take.
    QVERIFY2(elapsed >= 700 && elapsed < 4000, qPrintable(QString::number(elapsed)));
    QCOMPARE(stripe.requests().size(), 3);
    for (const Recorded &r : stripe.requests())
        QCOMPARE(r.headers.value("idempotency-key"), QByteArray("checkout-slow"));
}

void TstStripeClient::connectionRefused_becomesUnavailable()
{
    quint16 port = 0;
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        port = closed.serverPort();
    }
    StripeClientOptions o = options(QUrl(u"http://127.0.0.1:%1"_s.arg(port)));
    o.retry.initialBackoff = 100ms;
    o.retry.jitter = 0;
    StripeClient client(o);
    QElapsedTimer clock;
    clock.start();
    auto future = client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
    AWAIT(future);
    QCOMPARE(future.result().error().code, ErrorCode::Unavailable);
    QCOMPARE(future.result().error().failure, StripeFailure::NetworkError);
    QVERIFY(future.result().error().message.contains(u"Stripe can't be reached"_s));
    // Retried: 100 ms + 200 ms of backoff went by.
    QVERIFY2(clock.elapsed() >= 290, qPrintable(QString::number(clock.elapsed())));
}

void TstStripeClient::droppedConnection_thenSuccess()
{
    FakeStripe stripe;
    stripe.script({Canned{200, {}, {}, Canned::Drop}, Canned{200, {}, {}, Canned::Drop},
                   respond(200, SessionCreated)});
    StripeClient client(options(stripe.url()));
    auto future = client.createCheckoutSession(hostileCheckout(), u"checkout-drop"_s);
    AWAIT(future);
    QVERIFY2(future.result().ok(), qPrintable(future.result().ok() ? QString() : future.result().error().message));
    QCOMPARE(stripe.requests().size(), 3);
    for (const Recorded &r : stripe.requests())
        QCOMPARE(r.headers.value("idempotency-key"), QByteArray("checkout-drop"));
}

void TstStripeClient::success_withNonJsonBody_isInternal()
{
    FakeStripe stripe;
    stripe.setFallback(respond(200, "<html>captive portal</html>"));
    StripeClient client(options(stripe.url()));
    auto future = client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
    AWAIT(future);
    QCOMPARE(future.result().error().code, ErrorCode::Internal);
    QCOMPARE(future.result().error().failure, StripeFailure::BadAnswer);
    QVERIFY(future.result().error().message.contains(u"STRIPE_API_BASE"_s));
    QCOMPARE(stripe.requests().size(), 1);
}

void TstStripeClient::baseUrl_keepsItsPath()
{
    FakeStripe stripe;
    stripe.setFallback(respond(200, R"({"id":"price_1"})"));
    QUrl base = stripe.url();
    base.setPath(u"/stripe/"_s);
    StripeClient client(options(base));
    auto future = client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
    AWAIT(future);
    QVERIFY(future.result().ok());
    QCOMPARE(stripe.requests().value(0).path, QByteArray("/stripe/v1/prices"));
}

void TstStripeClient::liveKeyOverHttp_isRefused()
{
    FakeStripe stripe;
    StripeClientOptions o = options(stripe.url());
    o.secretKey = rdk::test::fakeLiveStripeKey(u"51RealKeyMustNeverTravelInClearText"_s);
    StripeClient client(o);
    auto future = client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
    QVERIFY(future.isFinished());
    QCOMPARE(future.result().error().code, ErrorCode::Internal);
    QCOMPARE(future.result().error().failure, StripeFailure::NotSent);
    QVERIFY(!future.result().error().message.contains(o.secretKey.left(10)));
    QTest::qWait(20);   // proves a negative: nothing goes out later either
    QVERIFY(stripe.requests().isEmpty());

    StripeClientOptions noKey = options(stripe.url());
    noKey.secretKey.clear();
    StripeClient unconfigured(noKey);
    auto refused = unconfigured.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s);
    QVERIFY(refused.isFinished());
    QVERIFY(refused.result().error().message.contains(u"STRIPE_SECRET_KEY"_s));
}

void TstStripeClient::workerThread_canCallAndWait()
{
    FakeStripe stripe;
    stripe.setFallback(respond(200, R"({"id":"price_from_worker"})"));
    StripeClient client(options(stripe.url()));
    std::optional<StripeCallResult<QString>> outcome;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        outcome = client.waitFor(client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-worker"_s));
    }));
    worker->start();
    // The client's thread (this one) keeps its event loop running while the worker waits.
    QTRY_VERIFY_WITH_TIMEOUT(worker->isFinished(), 20000);
    QVERIFY(outcome.has_value());
    QCOMPARE(outcome->value(), u"price_from_worker"_s);
}

void TstStripeClient::waitFor_onClientThread_refuses()
{
    FakeStripe stripe;
    StripeClient client(options(stripe.url()));
    const auto result = client.waitFor(client.createPrice(u"usd"_s, 100, u"Lace"_s, u"price-x"_s));
    QCOMPARE(result.error().code, ErrorCode::Internal);
}

void TstStripeClient::destroyedClient_fulfilsPendingFutures()
{
    FakeStripe stripe;
    stripe.setFallback(Canned{200, {}, {}, Canned::Hang});
    QFuture<StripeCallResult<CheckoutSessionCreated>> future;
    {
        StripeClient client(options(stripe.url()));
        future = client.createCheckoutSession(hostileCheckout(), u"checkout-bye"_s);
        QTRY_COMPARE(stripe.requests().size(), 1);
    }
    QVERIFY(future.isFinished());
    QCOMPARE(future.result().error().code, ErrorCode::Unavailable);
    QCOMPARE(future.result().error().failure, StripeFailure::ShuttingDown);
}

QTEST_GUILESS_MAIN(TstStripeClient)
#include "tst_stripe_client.moc"

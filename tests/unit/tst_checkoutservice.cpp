// The online checkout's steps and compensation, with fakes for the order store and the
// payment provider (the real ones: tests/integration/tst_checkout_payments, tests/syncservice).
#include "domain/checkoutservice.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

struct StoreLog {
    QStringList calls;
    int reservationMinutes = 0;
    QString attachedSession;
};

class FakeStore final : public CheckoutOrderStore {
public:
    FakeStore(StoreLog &log, std::optional<Error> placeError, std::optional<Error> attachError)
        : m_log(log), m_placeError(std::move(placeError)), m_attachError(std::move(attachError))
    {
    }
    Result<PendingOrder> placeOrder(const CheckoutRequest &, int reservationMinutes) override
    {
        m_log.calls.append(u"place"_s);
        m_log.reservationMinutes = reservationMinutes;
        if (m_placeError)
            return *m_placeError;
        PendingOrder order;
        order.orderId = u"8d1e4f5a-0000-4000-8000-000000000001"_s;
        order.orderNumber = 1001;
        OrderLine sized;
        sized.name = u"Air Jordan 1"_s;
        sized.size = u"10"_s;
        sized.unitPrice = *Money::of(18000, u"USD"_s);
        sized.quantity = 2;
        OrderLine flat;
        flat.name = u"Laces"_s;
        flat.unitPrice = *Money::of(500, u"USD"_s);
        order.lines = {sized, flat};
        order.totals.total = *Money::of(36500, u"USD"_s);
        order.reservedUntil = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
        return order;
    }
    Status attachCheckoutSession(const QString &, const QString &sessionId, const QStringList &) override
    {
        m_log.calls.append(u"attach"_s);
        m_log.attachedSession = sessionId;
        if (m_attachError)
            return *m_attachError;
        return {};
    }
    Status abandon(const QString &orderId) override
    {
        m_log.calls.append(u"abandon "_s + orderId);
        return {};
    }

private:
    StoreLog &m_log;
    std::optional<Error> m_placeError;
    std::optional<Error> m_attachError;
};

class FakeGateway final : public PaymentGateway {
public:
    std::optional<Error> failure;
    QList<PaymentSessionRequest> requests;
    Result<PaymentSession> createCheckoutSession(const PaymentSessionRequest &request) override
    {
        requests.append(request);
        if (failure)
            return *failure;
        return PaymentSession{u"cs_test_1"_s, QUrl(u"https://pay.example/cs_test_1"_s), 1'799'999'940, {}};
    }
};

CheckoutRequest cart()
{
    return CheckoutRequest{{{u"AJ1-CHI"_s, u"10"_s, 2}, {u"LACES-1"_s, {}, 1}}, u"a@b.co"_s};
}

} // namespace

class TestCheckoutService final : public QObject {
    Q_OBJECT

private:
    StoreLog m_log;
    FakeGateway m_gateway;
    std::optional<Error> m_placeError;
    std::optional<Error> m_attachError;

    CheckoutService service(bool storeReachable = true)
    {
        CheckoutOptions options;
        options.publicBaseUrl = u"https://shop.example"_s;
        return CheckoutService(
            [this, storeReachable]() -> Result<std::unique_ptr<CheckoutOrderStore>> {
                if (!storeReachable)
                    return Error::unavailable(u"The database can't be reached."_s);
                return std::unique_ptr<CheckoutOrderStore>(new FakeStore(m_log, m_placeError, m_attachError));
            },
            m_gateway, options);
    }

private Q_SLOTS:
    void init()
    {
        m_log = {};
        m_gateway = {};
        m_placeError.reset();
        m_attachError.reset();
    }

    void start_holdsStockOpensSessionAndAttachesIt()
    {
        const CheckoutOutcome outcome = service().start(cart());
        QVERIFY(outcome.ok());
        QCOMPARE(m_log.calls, (QStringList{u"place"_s, u"attach"_s}));
        QCOMPARE(m_log.reservationMinutes, 35);
        QCOMPARE(m_log.attachedSession, u"cs_test_1"_s);
        QCOMPARE(outcome.started->session.url, QUrl(u"https://pay.example/cs_test_1"_s));
        QCOMPARE(outcome.started->order.orderNumber, 1001);

        QCOMPARE(m_gateway.requests.size(), 1);
        const PaymentSessionRequest &sent = m_gateway.requests.first();
        QCOMPARE(sent.currency, u"USD"_s);
        QCOMPARE(sent.idempotencyKey, u"checkout-8d1e4f5a-0000-4000-8000-000000000001"_s);
        QCOMPARE(sent.lines.size(), 2);
        QCOMPARE(sent.lines[0].name, u"Air Jordan 1 — size 10"_s);
        QCOMPARE(sent.lines[0].unitPrice.minor(), 18000);
        QCOMPARE(sent.lines[0].quantity, 2);
        QCOMPARE(sent.lines[1].name, u"Laces"_s);
        QCOMPARE(sent.successUrl, u"https://shop.example/checkout/success?order=8d1e4f5a-0000-4000-8000-000000000001"_s);
        QCOMPARE(sent.cancelUrl, u"https://shop.example/checkout/cancel?order=8d1e4f5a-0000-4000-8000-000000000001"_s);
        // The page closes a minute before the hold ends, so no one pays for released stock.
        QCOMPARE(sent.expiresAt.toSecsSinceEpoch(), 1'800'000'000 - 60);
        QCOMPARE(sent.customerEmail, u"a@b.co"_s);
    }

    void start_paymentProviderFails_releasesTheHold()
    {
        m_gateway.failure = Error::unavailable(u"Stripe had a problem (HTTP 503)."_s);
        const CheckoutOutcome outcome = service().start(cart());
        QVERIFY(!outcome.ok());
        QCOMPARE(outcome.failedAt, CheckoutStep::PaymentSession);
        QCOMPARE(outcome.error.code, ErrorCode::Unavailable);
        QCOMPARE(m_log.calls, (QStringList{u"place"_s, u"abandon 8d1e4f5a-0000-4000-8000-000000000001"_s}));
    }

    void start_attachFails_reportsItAndKeepsTheHoldForTheSweep()
    {
        m_attachError = Error::unavailable(u"The database can't be reached."_s);
        const CheckoutOutcome outcome = service().start(cart());
        QVERIFY(!outcome.ok());
        QCOMPARE(outcome.failedAt, CheckoutStep::AttachSession);
        QCOMPARE(outcome.error.code, ErrorCode::Unavailable);
        // The shopper may still pay on the session that exists: the webhook finds the order by
        // its metadata, so the hold is not given back here.
        QCOMPARE(m_log.calls, (QStringList{u"place"_s, u"attach"_s}));
    }

    void start_outOfStock_opensNoPaymentSession()
    {
        m_placeError = Error::outOfStock(u"Not enough stock of AJ1-CHI size 10."_s);
        const CheckoutOutcome outcome = service().start(cart());
        QVERIFY(!outcome.ok());
        QCOMPARE(outcome.failedAt, CheckoutStep::PlaceOrder);
        QCOMPARE(outcome.error.code, ErrorCode::OutOfStock);
        QCOMPARE(outcome.error.message, u"Not enough stock of AJ1-CHI size 10."_s);
        QVERIFY(m_gateway.requests.isEmpty());
        QCOMPARE(m_log.calls, QStringList{u"place"_s});
    }

    void start_storeUnreachable_touchesNothing()
    {
        const CheckoutOutcome outcome = service(false).start(cart());
        QVERIFY(!outcome.ok());
        QCOMPARE(outcome.failedAt, CheckoutStep::OpenStore);
        QCOMPARE(outcome.error.code, ErrorCode::Unavailable);
        QVERIFY(m_gateway.requests.isEmpty());
        QVERIFY(m_log.calls.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCheckoutService)
#include "tst_checkoutservice.moc"

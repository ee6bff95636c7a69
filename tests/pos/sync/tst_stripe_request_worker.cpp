// The Stripe request worker in-process, as the composition root builds it but with a fake
// Stripe: real PostgreSQL, real staff and rdk_sync logins, the real queue functions. Proves
// what the worker sends Stripe (amounts as Money in the order's currency) and what staff read
// when Stripe fails, without a sandbox or an rdk-sync process.
#include "data/pgpos.h"
#include "sync/http/metrics.h"
#include "sync/sessionprovider.h"
#include "sync/stripe/striperequestcalls.h"
#include "sync/striperequestworker.h"
#include "tests/pos/data/posfixture.h"

#include <QMutex>
#include <QMutexLocker>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test::pos;
using rdk::data::PgPos;
using sync::StripeCallError;
using sync::StripeCallResult;
using sync::StripeCallStatus;
using sync::StripeFailure;

Q_DECLARE_METATYPE(rdk::sync::StripeFailure)

namespace {

constexpr int kSettleMs = 20'000;   // generous: the worker answers in milliseconds

/// Stripe as the worker sees it: records every call and answers at once. The worker calls it
/// from its pool threads, so everything is behind a mutex.
class FakeStripeCalls final : public sync::StripeRequestCalls {
public:
    struct Price final {
        Money unitPrice;
        QString productName;
    };
    struct Refund final {
        QString paymentIntentId;
        std::optional<Money> amount;
        QString orderId;
    };

    void failPaymentLinks(std::optional<StripeCallError> error)
    {
        QMutexLocker lock(&m_mutex);
        m_linkFailure = std::move(error);
    }
    QList<Price> prices() const
    {
        QMutexLocker lock(&m_mutex);
        return m_prices;
    }
    QList<sync::PaymentLinkRequest> links() const
    {
        QMutexLocker lock(&m_mutex);
        return m_links;
    }
    QStringList deactivated() const
    {
        QMutexLocker lock(&m_mutex);
        return m_deactivated;
    }
    QList<Refund> refunds() const
    {
        QMutexLocker lock(&m_mutex);
        return m_refunds;
    }

    StripeCallResult<QString> createPrice(const Money &unitPrice, const QString &productName, const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        m_prices.append({unitPrice, productName});
        return u"price_fake%1"_s.arg(m_prices.size());
    }
    StripeCallResult<sync::PaymentLinkCreated> createPaymentLink(const sync::PaymentLinkRequest &request,
                                                                 const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        if (m_linkFailure)
            return *m_linkFailure;
        m_links.append(request);
        // Unique in the database (orders.stripe_payment_link_id), whichever test made it.
        const QString id = u"plink_fake"_s + QString(request.orderId).remove(u'-');
        return sync::PaymentLinkCreated{id, QUrl(u"https://pay.example/"_s + id)};
    }
    StripeCallStatus deactivatePaymentLink(const QString &paymentLinkId, const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        m_deactivated.append(paymentLinkId);
        return {};
    }
    StripeCallResult<sync::RefundCreated> createRefund(const QString &paymentIntentId, const std::optional<Money> &amount,
                                                       const QString &orderId, const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        m_refunds.append({paymentIntentId, amount, orderId});
        return sync::RefundCreated{u"re_fake%1"_s.arg(m_refunds.size()), u"succeeded"_s, amount ? amount->minor() : 0};
    }

private:
    mutable QMutex m_mutex;
    std::optional<StripeCallError> m_linkFailure;
    QList<Price> m_prices;
    QList<sync::PaymentLinkRequest> m_links;
    QStringList m_deactivated;
    QList<Refund> m_refunds;
};

} // namespace

class TestStripeRequestWorker final : public QObject {
    Q_OBJECT

    PosFixture m_fx;
    std::unique_ptr<data::PgSession> m_staffSession;
    std::unique_ptr<PgPos> m_staff;
    std::unique_ptr<pqxx::connection> m_opsConn;
    std::unique_ptr<sync::SessionProvider> m_sessions;
    std::unique_ptr<sync::MetricsRegistry> m_metrics;
    std::unique_ptr<FakeStripeCalls> m_stripe;
    std::unique_ptr<sync::StripeRequestWorker> m_worker;

    QString placeSale(int quantity)
    {
        auto placed = m_staff->placeSale(saleOf({{u"POS-FLAT"_s, {}, quantity, {}}}));
        if (!placed) {
            qWarning() << placed.error().message;
            return {};
        }
        return placed->orderId;
    }

    qint64 requestOf(const QString &orderId, const std::string &kind)
    {
        return m_fx.scalar("SELECT max(id) FROM stripe_requests WHERE kind = '" + kind + "' AND order_id = $1::uuid", orderId)
            .toLongLong();
    }

    QString requestState(qint64 id)
    {
        return m_fx.scalar("SELECT state FROM stripe_requests WHERE id = $1::bigint", QString::number(id));
    }

    QString requestError(qint64 id)
    {
        return m_fx.scalar("SELECT error FROM stripe_requests WHERE id = $1::bigint", QString::number(id));
    }

    /// A card order of the shop, paid (as the webhook leaves one), in `currency`.
    QString paidCardOrder(const QString &currency)
    {
        const QString id = m_fx.scalar(
            "WITH o AS (INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, "
            "                               stripe_payment_intent_id, paid_at) "
            "           VALUES ('" + str(m_fx.a.tenantId) + "', 'online', 'pending', " + lit(currency) + ", 24000, 24000, "
            "                   'pi_' || md5(random()::text), now()) RETURNING id) "
            "SELECT id::text FROM o");
        m_fx.exec("INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, "
                  "line_total_minor) VALUES ('" + str(m_fx.a.tenantId) + "', '" + str(id) + "', '" +
                  str(m_fx.a.runProductId) + "', 'POS-RUN', 'Air Runner', '9', 2, 12000, 24000)");
        m_fx.exec("UPDATE orders SET status = 'paid' WHERE id = '" + str(id) + "'");
        return id;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        if (!m_fx.setUp(&error))
            QFAIL(qPrintable(error));
        // Enough counter stock for every sale of this test, whichever order the tests run in.
        m_fx.exec("UPDATE inventory SET quantity = 1000 WHERE product_id = '" + str(m_fx.a.flatProductId) + "'");
        m_staffSession = m_fx.session(m_fx.staff);
        QVERIFY(m_staffSession);
        m_staff = std::make_unique<PgPos>(*m_staffSession);
        m_opsConn = m_fx.connect(m_fx.ops);
    }

    void init()
    {
        // Each test gets its own worker and Stripe, as SyncApp builds them.
        m_sessions = std::make_unique<sync::SessionProvider>(m_fx.db->urlFor(m_fx.service.login, m_fx.service.password));
        m_metrics = std::make_unique<sync::MetricsRegistry>();
        m_stripe = std::make_unique<FakeStripeCalls>();
        sync::StripeRequestWorkerOptions options;
        options.tenantId = m_fx.a.tenantId;
        m_worker = std::make_unique<sync::StripeRequestWorker>(options, *m_stripe, *m_sessions, *m_metrics);
        m_worker->start();
    }

    void cleanup()
    {
        m_worker.reset();
        m_stripe.reset();
        m_metrics.reset();
        m_sessions.reset();
    }

    void sale_pricedInTheOrdersMoney_linkRecordedOnTheOrder()
    {
        const QString orderId = placeSale(2);
        QVERIFY(!orderId.isEmpty());
        const qint64 request = requestOf(orderId, "payment_link");
        m_worker->wake();   // what SyncApp does on a notice of the shop's stripe_requests channel
        QTRY_COMPARE_WITH_TIMEOUT(requestState(request), u"done"_s, kSettleMs);

        const auto prices = m_stripe->prices();
        QCOMPARE(prices.size(), 1);
        QCOMPARE(prices.first().unitPrice, Money::of(5000, u"USD"_s).value());
        QCOMPARE(prices.first().productName, u"Lace kit"_s);
        const auto links = m_stripe->links();
        QCOMPARE(links.size(), 1);
        QCOMPARE(links.first().orderId, orderId);
        QCOMPARE(links.first().lines.size(), 1);
        QCOMPARE(links.first().lines.first().quantity, 2);
        QCOMPARE(m_fx.scalar("SELECT stripe_payment_link_id FROM orders WHERE id = $1::uuid", orderId),
                 u"plink_fake"_s + QString(orderId).remove(u'-'));
    }

    void cancel_turnsTheLinkOff()
    {
        const QString orderId = placeSale(1);
        QVERIFY(!orderId.isEmpty());
        m_worker->wake();
        QTRY_COMPARE_WITH_TIMEOUT(requestState(requestOf(orderId, "payment_link")), u"done"_s, kSettleMs);
        QVERIFY(m_staff->cancelSale(orderId, u"buyer left"_s).ok());
        const qint64 deactivation = requestOf(orderId, "deactivate_link");
        QVERIFY(deactivation > 0);
        m_worker->wake();
        QTRY_COMPARE_WITH_TIMEOUT(requestState(deactivation), u"done"_s, kSettleMs);
        QCOMPARE(m_stripe->deactivated(), QStringList{u"plink_fake"_s + QString(orderId).remove(u'-')});
    }

    void stripeUnreachable_staffReadWhy_fromTheKindOfFailure_data()
    {
        QTest::addColumn<StripeFailure>("failure");
        QTest::addColumn<int>("httpStatus");
        QTest::addColumn<QString>("why");
        QTest::addRow("5xx") << StripeFailure::ServerError << 502 << u"it answered HTTP 502"_s;
        QTest::addRow("rate limited") << StripeFailure::RateLimited << 429 << u"too many requests"_s;
        QTest::addRow("no answer") << StripeFailure::NoAnswer << 0 << u"no answer in time"_s;
        QTest::addRow("network") << StripeFailure::NetworkError << 0 << u"network error"_s;
    }

    void stripeUnreachable_staffReadWhy_fromTheKindOfFailure()
    {
        QFETCH(StripeFailure, failure);
        QFETCH(int, httpStatus);
        QFETCH(QString, why);
        // The client's sentence is deliberately unlike any reason: only the kind may decide.
        m_stripe->failPaymentLinks(StripeCallError{Error::unavailable(u"HTTP 999, limiting, did not answer"_s), failure, httpStatus});
        const QString orderId = placeSale(1);
        QVERIFY(!orderId.isEmpty());
        const qint64 request = requestOf(orderId, "payment_link");
        m_worker->wake();
        QTRY_COMPARE_WITH_TIMEOUT(requestState(request), u"failed"_s, kSettleMs);
        QCOMPARE(requestError(request),
                 u"Stripe could not be reached (%1). The order keeps its stock; try again."_s.arg(why));
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", orderId), u"pending"_s);
    }

    void partialRefund_sendsTheAmountInTheOrdersCurrency()
    {
        const QString orderId = paidCardOrder(u"EUR"_s);
        const QString asked = m_fx.as(*m_opsConn, "SELECT rdk.request_refund('" + str(orderId) + "'::uuid, 5000, NULL, "
                                                  "'scuffed box')");
        bool isId = false;
        const qint64 request = asked.toLongLong(&isId);
        QVERIFY2(isId, qPrintable(asked));
        m_worker->wake();
        QTRY_COMPARE_WITH_TIMEOUT(requestState(request), u"done"_s, kSettleMs);
        const auto refunds = m_stripe->refunds();
        QCOMPARE(refunds.size(), 1);
        QCOMPARE(refunds.first().orderId, orderId);
        QVERIFY(refunds.first().paymentIntentId.startsWith(u"pi_"_s));
        QCOMPARE(refunds.first().amount, std::optional(Money::of(5000, u"EUR"_s).value()));
        QCOMPARE(m_fx.scalar("SELECT result ->> 'amount' FROM stripe_requests WHERE id = $1::bigint", QString::number(request)),
                 u"5000"_s);
    }
};

QTEST_GUILESS_MAIN(TestStripeRequestWorker)
#include "tst_stripe_request_worker.moc"

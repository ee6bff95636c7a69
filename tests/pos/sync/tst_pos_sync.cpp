// Counter sales end to end on the service side (ADR 0007): staff place sales through PgPos as
// their own database logins (which queues the payment-link request), cancel and refund through
// the rdk.* functions, the real rdk-sync works the requests against
// the real rdk-stripe-sandbox, and the sandbox pays, refunds and sends signed webhooks back.
#include "data/pgpos.h"
#include "data/pgrepositories.h"
#include "tests/support/e2efixture.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <functional>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kWebhookSecret[] = "whsec_test_pos_sync_secret";
constexpr int kWaitMs = 15'000;
// The sweep runs every 10 s; a POS sale past its time is canceled within one period.
constexpr int kSweepWaitMs = 25'000;

using Reply = test::HttpReply;
using Service = test::ServiceProcess;

Reply request(QNetworkAccessManager &nam, const QByteArray &verb, const QUrl &url, const QByteArray &body = {},
              const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    return test::httpRequest(nam, verb, url, body, headers);
}

struct StripeRequest final {
    qint64 id = 0;
    QString kind;
    QString state;
    QJsonObject result;
    QString error;
    int attempts = 0;
};

bool waitUntil(const std::function<bool()> &done, int timeoutMs = kWaitMs)
{
    return QTest::qWaitFor(done, timeoutMs);
}

} // namespace

class TestPosSync final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    QString m_otherTenant;
    test::Login m_staff;
    test::Login m_ops;
    test::Login m_service;
    Service m_sandbox;
    Service m_sync;
    QNetworkAccessManager m_nam;

    // --- database helpers ---------------------------------------------------------------

    pqxx::result owner(const std::string &sql, const std::string &p1 = {}, const std::string &p2 = {})
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::work tx(c);
        pqxx::result r = p2.empty() ? (p1.empty() ? tx.exec(sql) : tx.exec_params(sql, p1)) : tx.exec_params(sql, p1, p2);
        tx.commit();
        return r;
    }

    qint64 ownerNumber(const std::string &sql, const QString &orderId)
    {
        const auto r = owner(sql, orderId.toStdString());
        return r.empty() || r[0][0].is_null() ? -1 : r[0][0].as<qint64>();
    }

    QString ownerText(const std::string &sql, const QString &orderId)
    {
        const auto r = owner(sql, orderId.toStdString());
        return r.empty() || r[0][0].is_null() ? QString() : QString::fromStdString(r[0][0].as<std::string>());
    }

    /// Runs one statement as a staff login (its own connection, its tenant from the login).
    Result<pqxx::result> asStaff(const test::Login &login, const std::string &sql, const std::vector<std::optional<std::string>> &params)
    {
        auto session = data::PgSession::open(m_db->urlFor(login.login, login.password));
        if (!session)
            return session.error();
        return (*session)->transact([&](pqxx::work &tx) -> Result<pqxx::result> {
            return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
        });
    }

    void addProduct(const QString &tenantId, const QString &sku, qint64 priceMinor, int size10)
    {
        QString error;
        QVERIFY2(!test::seedProduct(*m_db, {.tenantId = tenantId, .sku = sku, .priceMinor = priceMinor, .size10 = size10},
                                    &error).isEmpty(),
                 qPrintable(error));
    }

    /// A counter sale placed through PgPos as a staff login: a pending POS order holding its
    /// stock, its payment link already asked for. Empty on failure.
    QString placeSale(const QString &sku, int quantity, qint64 orderDiscount = 0)
    {
        const test::Login &login = orderDiscount > 0 ? m_ops : m_staff;   // discounts: ops/admin only
        auto session = data::PgSession::open(m_db->urlFor(login.login, login.password));
        if (!session)
            return {};
        PosSaleRequest sale;
        sale.lines = {PosLineRequest{sku, u"10"_s, quantity, Money::zero(u"USD"_s)}};
        sale.orderDiscount = Money::of(orderDiscount, u"USD"_s).value();
        if (orderDiscount > 0)
            sale.discountReason = u"loyal customer"_s;
        auto placed = data::PgPos(**session).placeSale(sale);
        if (!placed) {
            qWarning().noquote() << "placeSale:" << placed.error().message;
            return {};
        }
        return placed->orderId;
    }

    Status cancelSale(const QString &orderId)
    {
        auto session = data::PgSession::open(m_db->urlFor(m_staff.login, m_staff.password));
        if (!session)
            return session.error();
        return data::PgPos(**session).cancelSale(orderId, u"buyer walked away"_s);
    }

    /// The sale as the counter screen reads it (PgPos, staff login).
    PosOrderState counterView(const QString &orderId)
    {
        auto session = data::PgSession::open(m_db->urlFor(m_staff.login, m_staff.password));
        if (!session)
            return {};
        auto state = data::PgPos(**session).orderState(orderId);
        return state ? *state : PosOrderState();
    }

    Status retryLink(const QString &orderId)
    {
        auto session = data::PgSession::open(m_db->urlFor(m_staff.login, m_staff.password));
        if (!session)
            return session.error();
        return data::PgPos(**session).retryPaymentLink(orderId);
    }

    /// The order's live payment-link request (asking returns it rather than making another).
    qint64 requestLink(const QString &orderId)
    {
        auto r = asStaff(m_staff, "SELECT rdk.pos_request_payment_link($1::uuid)", {orderId.toStdString()});
        if (!r) {
            qWarning().noquote() << "requestLink:" << r.error().message;
            return 0;
        }
        return (*r)[0][0].as<qint64>();
    }

    StripeRequest stripeRequest(qint64 id)
    {
        const auto r = owner("SELECT id, kind, state, coalesce(result::text, '{}'), coalesce(error, ''), attempts "
                             "FROM stripe_requests WHERE id = $1",
                             std::to_string(id));
        StripeRequest out;
        if (r.empty())
            return out;
        out.id = r[0][0].as<qint64>();
        out.kind = QString::fromStdString(r[0][1].as<std::string>());
        out.state = QString::fromStdString(r[0][2].as<std::string>());
        out.result = QJsonDocument::fromJson(QByteArray::fromStdString(r[0][3].as<std::string>())).object();
        out.error = QString::fromStdString(r[0][4].as<std::string>());
        out.attempts = r[0][5].as<int>();
        return out;
    }

    /// The request once it is done or failed (waits).
    StripeRequest settled(qint64 id, int timeoutMs = kWaitMs)
    {
        StripeRequest r;
        waitUntil([&] {
            r = stripeRequest(id);
            return r.state == u"done"_s || r.state == u"failed"_s;
        }, timeoutMs);
        return r;
    }

    qint64 deactivationRequest(const QString &orderId)
    {
        qint64 id = -1;
        waitUntil([&] {
            id = ownerNumber("SELECT id FROM stripe_requests WHERE order_id = $1::uuid AND kind = 'deactivate_link'", orderId);
            return id > 0;
        });
        return id;
    }

    QString orderStatus(const QString &orderId)
    {
        return ownerText("SELECT status FROM orders WHERE id = $1::uuid", orderId);
    }

    bool waitForStatus(const QString &orderId, const QString &status, int timeoutMs = kWaitMs)
    {
        return waitUntil([&] { return orderStatus(orderId) == status; }, timeoutMs);
    }

    /// quantity and reserved of size 10 of `sku`.
    QPair<int, int> stock(const QString &sku)
    {
        const auto r = owner("SELECT i.quantity, i.reserved FROM inventory i JOIN products p ON p.id = i.product_id "
                             "WHERE p.sku = $1 AND i.size = '10'",
                             sku.toStdString());
        return r.empty() ? qMakePair(-1, -1) : qMakePair(r[0][0].as<int>(), r[0][1].as<int>());
    }

    QJsonObject sandboxLink(const QString &linkId)
    {
        return request(m_nam, "GET", m_sandbox.url(u"/v1/payment_links/"_s + linkId), {},
                       {{"Authorization", "Bearer sk_test_pos_sync"}})
            .json();
    }

    QJsonArray sandboxLinksFor(const QString &orderId)
    {
        return request(m_nam, "GET", m_sandbox.url(u"/_sandbox/payment_links?order_id="_s + orderId)).json().value(u"data"_s).toArray();
    }

    /// A counter sale with its link made: {order id, link id}.
    QPair<QString, QString> saleWithLink(const QString &sku)
    {
        const QString orderId = placeSale(sku, 1);
        if (orderId.isEmpty())
            return {};
        const StripeRequest link = settled(requestLink(orderId));
        if (link.state != u"done"_s) {
            qWarning().noquote() << "link request" << link.state << link.error;
            return {};
        }
        return {orderId, link.result.value(u"payment_link_id"_s).toString()};
    }

    QString eventFor(const QString &type, const std::function<bool(const QJsonObject &)> &matches)
    {
        const QJsonArray events = request(m_nam, "GET", m_sandbox.url(u"/_sandbox/events"_s)).json().value(u"data"_s).toArray();
        for (const QJsonValue &e : events) {
            const QJsonObject event = e.toObject();
            if (event.value(u"type"_s).toString() == type && matches(event))
                return event.value(u"id"_s).toString();
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"counter-a"_s);
        m_otherTenant = m_db->createTenant(u"counter-b"_s);
        m_service = m_db->createServiceLogin(m_tenant);
        const test::Login &service = m_service;
        m_staff = m_db->createStaff(m_tenant, u"staff"_s);
        m_ops = m_db->createStaff(m_tenant, u"ops"_s);
        for (const QString &sku : {u"POS-PAY"_s, u"POS-CANCEL"_s, u"POS-TIMEOUT"_s, u"POS-FAULT"_s, u"POS-LATE"_s, u"POS-REFUND"_s,
                                   u"POS-ALIVE"_s, u"POS-RETRY"_s, u"POS-DECLINE"_s, u"POS-DISCOUNT"_s, u"POS-RACE"_s, u"POS-RECONNECT"_s, u"POS-DOWN"_s})
            addProduct(m_tenant, sku, 18'000, 3);
        addProduct(m_tenant, u"POS-BURST"_s, 12'000, 10);
        addProduct(m_otherTenant, u"POS-OTHER"_s, 9'000, 3);

        QString error;
        QVERIFY2(test::startSyncStack(m_sandbox, m_sync, m_nam,
                                      {QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(service.login, service.password)), u"counter-a"_s,
                                       QString::fromLatin1(kWebhookSecret), u"sk_test_pos_sync"_s},
                                      &error),
                 qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_sync.stop();
        QCOMPARE(m_sync.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_sync.exitCode(), 0);
        m_sandbox.stop();
        m_db.reset();
    }

    void init() { QCOMPARE(request(m_nam, "DELETE", m_sandbox.url(u"/_sandbox/faults"_s)).status, 200); }

    void paymentLink_readyFast_paidOnce_thenDeactivated()
    {
        QElapsedTimer timer;
        timer.start();
        const QString orderId = placeSale(u"POS-PAY"_s, 1);
        QVERIFY(!orderId.isEmpty());
        const qint64 requestId = requestLink(orderId);
        QVERIFY(requestId > 0);
        const StripeRequest link = settled(requestId);
        const qint64 readyMs = timer.elapsed();
        QCOMPARE(link.state, u"done"_s);
        QVERIFY2(readyMs < 3000, qPrintable(QString::number(readyMs)));
        qInfo("sale placed -> link ready: %lld ms", readyMs);
        QCOMPARE(stock(u"POS-PAY"_s), qMakePair(3, 1));
        const QString linkId = link.result.value(u"payment_link_id"_s).toString();
        QVERIFY(linkId.startsWith(u"plink_"_s));
        QCOMPARE(link.result.value(u"url"_s).toString(), m_sandbox.url(u"/pay/"_s + linkId).toString());
        QCOMPARE(ownerText("SELECT stripe_payment_link_id FROM orders WHERE id = $1::uuid", orderId), linkId);
        // What the counter screen shows: the QR code's URL.
        const PosOrderState shown = counterView(orderId);
        QCOMPARE(toString(shown.link.state), toString(PaymentLinkState::Ready));
        QCOMPARE(shown.link.url, link.result.value(u"url"_s).toString());
        QCOMPARE(shown.link.paymentLinkId, linkId);

        // What Stripe got: one line at the shelf price, single use, our order id.
        const QJsonObject atStripe = sandboxLink(linkId);
        QCOMPARE(atStripe.value(u"active"_s).toBool(), true);
        QCOMPARE(atStripe.value(u"metadata"_s).toObject().value(u"order_id"_s).toString(), orderId);
        QCOMPARE(atStripe.value(u"restrictions"_s).toObject().value(u"completed_sessions"_s).toObject().value(u"limit"_s).toInt(), 1);

        timer.restart();
        const Reply paid = request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId)));
        QCOMPARE(paid.status, 200);
        QCOMPARE(paid.json().value(u"amount_total"_s).toInteger(), 18'000);
        QVERIFY(waitForStatus(orderId, u"paid"_s));
        const qint64 paidMs = timer.elapsed();
        qInfo("pay -> order paid: %lld ms", paidMs);
        QCOMPARE(stock(u"POS-PAY"_s), qMakePair(2, 0));

        const StripeRequest off = settled(deactivationRequest(orderId));
        qInfo("pay -> link deactivated: %lld ms", timer.elapsed());
        QCOMPARE(off.state, u"done"_s);
        QCOMPARE(sandboxLink(linkId).value(u"active"_s).toBool(true), false);
        QCOMPARE(toString(counterView(orderId).link.state), toString(PaymentLinkState::Deactivated));

        // Stripe delivers the same event again: no second sale.
        const QString sessionId = paid.json().value(u"id"_s).toString();
        const QString eventId = eventFor(u"checkout.session.completed"_s, [&](const QJsonObject &e) {
            return e.value(u"object_id"_s).toString() == sessionId;
        });
        QVERIFY(!eventId.isEmpty());
        QCOMPARE(test::resendEventAndWait(m_nam, m_sandbox, eventId), 200);   // rdk-sync has answered the second delivery
        QCOMPARE(ownerNumber("SELECT count(*) FROM stripe_events WHERE id = $1", eventId), 1);
        QCOMPARE(stock(u"POS-PAY"_s), qMakePair(2, 0));
        QCOMPARE(orderStatus(orderId), u"paid"_s);
        QCOMPARE(ownerNumber("SELECT count(*) FROM audit_log WHERE entity = 'order' AND entity_id = $1 "
                             "AND after->>'status' = 'paid'",
                             orderId),
                 1);
    }

    void discountedSale_isChargedItsTotal_asOneWholeOrderPrice()
    {
        // A cart discount, given by an ops login as the counter would.
        const QString orderId = placeSale(u"POS-DISCOUNT"_s, 2, 2500);
        QVERIFY(!orderId.isEmpty());
        QCOMPARE(ownerNumber("SELECT total_minor FROM orders WHERE id = $1::uuid", orderId), 33'500);
        const StripeRequest link = settled(requestLink(orderId));
        QCOMPARE(link.state, u"done"_s);
        const QString linkId = link.result.value(u"payment_link_id"_s).toString();
        const Reply paid = request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId)));
        QCOMPARE(paid.status, 200);
        QCOMPARE(paid.json().value(u"amount_total"_s).toInteger(), 33'500);
        const QJsonArray items = request(m_nam, "GET",
                                         m_sandbox.url(u"/v1/checkout/sessions/%1/line_items"_s.arg(paid.json().value(u"id"_s).toString())),
                                         {}, {{"Authorization", "Bearer sk_test_pos_sync"}})
                                     .json().value(u"data"_s).toArray();
        QCOMPARE(items.size(), 1);
        const qint64 number = ownerNumber("SELECT order_number FROM orders WHERE id = $1::uuid", orderId);
        QCOMPARE(items.first().toObject().value(u"description"_s).toString(), u"Order RDK-%1, 2 items"_s.arg(number));
        QCOMPARE(items.first().toObject().value(u"quantity"_s).toInt(), 1);
        // The webhook compares the amount with the order's total: it matches, so it is paid.
        QVERIFY(waitForStatus(orderId, u"paid"_s));
        QCOMPARE(ownerText("SELECT needs_review::text FROM orders WHERE id = $1::uuid", orderId), u"false"_s);
        QCOMPARE(stock(u"POS-DISCOUNT"_s), qMakePair(1, 0));
    }

    void latency_tenSales_linkReadyAndPaidWellUnderTwoSeconds()
    {
        QList<qint64> ready;
        QList<qint64> paid;
        for (int i = 0; i < 10; ++i) {
            QElapsedTimer timer;
            timer.start();
            const QString orderId = placeSale(u"POS-BURST"_s, 1);
            QVERIFY(!orderId.isEmpty());
            const StripeRequest link = settled(requestLink(orderId));
            ready.append(timer.elapsed());
            QCOMPARE(link.state, u"done"_s);
            timer.restart();
            const QString linkId = link.result.value(u"payment_link_id"_s).toString();
            QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId))).status, 200);
            QVERIFY(waitForStatus(orderId, u"paid"_s));
            paid.append(timer.elapsed());
        }
        std::sort(ready.begin(), ready.end());
        std::sort(paid.begin(), paid.end());
        qInfo("10 sales: sale placed -> link ready median %lld ms, max %lld ms; pay -> order paid median %lld ms, max %lld ms",
              ready.at(5), ready.last(), paid.at(5), paid.last());
        QVERIFY(ready.last() < 2000);
        QVERIFY(paid.last() < 2000);
        QCOMPARE(stock(u"POS-BURST"_s), qMakePair(0, 0));
    }

    void cancel_releasesStock_andDeactivatesTheLink()
    {
        const auto [orderId, linkId] = saleWithLink(u"POS-CANCEL"_s);
        QVERIFY(!linkId.isEmpty());
        QCOMPARE(stock(u"POS-CANCEL"_s), qMakePair(3, 1));
        QElapsedTimer timer;
        timer.start();
        const Status canceled = cancelSale(orderId);
        QVERIFY2(canceled.ok(), canceled.ok() ? "" : qPrintable(canceled.error().message));
        QCOMPARE(orderStatus(orderId), u"canceled"_s);
        QCOMPARE(stock(u"POS-CANCEL"_s), qMakePair(3, 0));
        QCOMPARE(settled(deactivationRequest(orderId)).state, u"done"_s);
        qInfo("cancel -> link deactivated: %lld ms", timer.elapsed());
        QCOMPARE(sandboxLink(linkId).value(u"active"_s).toBool(true), false);
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId))).status, 410);
    }

    void timeout_sweepCancels_andDeactivatesTheLink()
    {
        const auto [orderId, linkId] = saleWithLink(u"POS-TIMEOUT"_s);
        QVERIFY(!linkId.isEmpty());
        owner("UPDATE orders SET reserved_until = now() - interval '1 minute' WHERE id = $1::uuid", orderId.toStdString());
        owner("UPDATE stock_reservations SET expires_at = now() - interval '1 minute' WHERE order_id = $1::uuid",
              orderId.toStdString());
        QElapsedTimer timer;
        timer.start();
        QVERIFY(waitForStatus(orderId, u"canceled"_s, kSweepWaitMs));
        qInfo("past reserved_until -> canceled by the sweep: %lld ms", timer.elapsed());
        QCOMPARE(stock(u"POS-TIMEOUT"_s), qMakePair(3, 0));
        QCOMPARE(settled(deactivationRequest(orderId)).state, u"done"_s);
        qInfo("past reserved_until -> link deactivated: %lld ms", timer.elapsed());
        QCOMPARE(sandboxLink(linkId).value(u"active"_s).toBool(true), false);
    }

    void stripeDown_failsClearly_keepsStock_retryMakesOneLink()
    {
        const int ordersBefore = owner("SELECT count(*) FROM orders")[0][0].as<int>();
        // Enough 500s to spend the client's three tries.
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/faults"_s), "path=/v1/payment_links&status=500&count=3").status,
                 200);
        const QString orderId = placeSale(u"POS-FAULT"_s, 2);
        QVERIFY(!orderId.isEmpty());
        const qint64 first = requestLink(orderId);
        const StripeRequest failed = settled(first);
        QCOMPARE(failed.state, u"failed"_s);
        QVERIFY2(failed.error.startsWith(u"Stripe could not be reached (it answered HTTP 500)."_s), qPrintable(failed.error));
        QVERIFY2(failed.error.contains(u"keeps its stock; try again"_s), qPrintable(failed.error));
        const PosOrderState shown = counterView(orderId);
        QCOMPARE(toString(shown.link.state), toString(PaymentLinkState::Failed));
        QCOMPARE(shown.link.error, failed.error);
        QCOMPARE(orderStatus(orderId), u"pending"_s);
        QCOMPARE(stock(u"POS-FAULT"_s), qMakePair(3, 2));
        QCOMPARE(sandboxLinksFor(orderId).size(), 0);

        QVERIFY(retryLink(orderId).ok());
        const qint64 retry = requestLink(orderId);
        QVERIFY(retry != first);
        const StripeRequest made = settled(retry);
        QCOMPARE(made.state, u"done"_s);
        // Asking again returns the live request: never a second link.
        QCOMPARE(requestLink(orderId), retry);
        const QJsonArray links = sandboxLinksFor(orderId);
        QCOMPARE(links.size(), 1);
        QCOMPARE(links.first().toObject().value(u"id"_s).toString(), made.result.value(u"payment_link_id"_s).toString());
        QCOMPARE(owner("SELECT count(*) FROM orders")[0][0].as<int>(), ordersBefore + 1);
        QCOMPARE(stock(u"POS-FAULT"_s), qMakePair(3, 2));
    }

    void deactivation_whileStripeIsDown_isRetriedWithBackoff()
    {
        const auto [orderId, linkId] = saleWithLink(u"POS-RETRY"_s);
        QVERIFY(!linkId.isEmpty());
        // The first attempt spends the client's three tries; the worker waits and tries again.
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/faults"_s), "path=/v1/payment_links/&status=503&count=4").status,
                 200);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(cancelSale(orderId).ok());
        const StripeRequest off = settled(deactivationRequest(orderId), 30'000);
        QCOMPARE(off.state, u"done"_s);
        qInfo("cancel -> link deactivated with Stripe down for 4 calls: %lld ms", timer.elapsed());
        QCOMPARE(sandboxLink(linkId).value(u"active"_s).toBool(true), false);
        QCOMPARE(request(m_nam, "GET", m_sandbox.url(u"/_sandbox/faults"_s)).json().value(u"data"_s).toArray().size(), 0);
        QVERIFY(request(m_nam, "GET", m_sync.url(u"/metrics"_s))
                    .body.contains("rdk_stripe_requests_total{kind=\"deactivate_link\",outcome=\"retry\"} 1"));
    }

    void refund_refusedByStripe_failsWithItsMessage_andRestocksNothing()
    {
        const auto [orderId, linkId] = saleWithLink(u"POS-DECLINE"_s);
        QVERIFY(!linkId.isEmpty());
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId))).status, 200);
        QVERIFY(waitForStatus(orderId, u"paid"_s));
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/faults"_s), "path=/v1/refunds&status=402").status, 200);
        const qint64 itemId = ownerNumber("SELECT id FROM order_items WHERE order_id = $1::uuid", orderId);
        auto asked = asStaff(m_ops, "SELECT rdk.request_refund($1::uuid, NULL, $2::jsonb, $3)",
                             {orderId.toStdString(), u"[{\"item_id\": %1, \"quantity\": 1}]"_s.arg(itemId).toStdString(),
                              std::string("returned")});
        QVERIFY2(asked.ok(), asked.ok() ? "" : qPrintable(asked.error().message));
        const StripeRequest refused = settled((*asked)[0][0].as<qint64>());
        QCOMPARE(refused.state, u"failed"_s);
        QVERIFY2(refused.error.contains(u"declined"_s), qPrintable(refused.error));
        // Proves a negative: no stray webhook or late worker step moves the order afterwards.
        QTest::qWait(300);
        QCOMPARE(orderStatus(orderId), u"paid"_s);
        QCOMPARE(ownerNumber("SELECT refunded_minor FROM orders WHERE id = $1::uuid", orderId), 0);
        QCOMPARE(stock(u"POS-DECLINE"_s), qMakePair(2, 0));
        QCOMPARE(ownerNumber("SELECT restocked_quantity FROM order_items WHERE id = $1", QString::number(itemId)), 0);
    }

    void canceledWhileTheLinkIsMade_linkIsTurnedOffAtOnce()
    {
        // Two 500s make the client wait ~1.5 s before its third try succeeds: time to cancel.
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/faults"_s), "path=/v1/payment_links&status=500&count=2").status,
                 200);
        const QString orderId = placeSale(u"POS-RACE"_s, 1);
        QVERIFY(!orderId.isEmpty());
        const qint64 requestId = requestLink(orderId);
        QVERIFY(waitUntil([&] {
            const QJsonArray faults = request(m_nam, "GET", m_sandbox.url(u"/_sandbox/faults"_s)).json().value(u"data"_s).toArray();
            return faults.size() == 1 && faults.first().toObject().value(u"remaining"_s).toInt() == 1;
        }));
        QCOMPARE(stripeRequest(requestId).state, u"working"_s);
        QVERIFY(cancelSale(orderId).ok());

        const StripeRequest link = settled(requestId);
        QCOMPARE(link.state, u"done"_s);
        const QString linkId = link.result.value(u"payment_link_id"_s).toString();
        QVERIFY(linkId.startsWith(u"plink_"_s));
        QCOMPARE(settled(deactivationRequest(orderId)).state, u"done"_s);
        QCOMPARE(sandboxLink(linkId).value(u"active"_s).toBool(true), false);
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId))).status, 410);
        QCOMPARE(orderStatus(orderId), u"canceled"_s);
        QCOMPARE(stock(u"POS-RACE"_s), qMakePair(3, 0));
    }

    void refund_whileStripeStaysDown_failsAfterBoundedRetries_andRestocksNothing()
    {
        const auto [orderId, linkId] = saleWithLink(u"POS-DOWN"_s);
        QVERIFY(!linkId.isEmpty());
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId))).status, 200);
        QVERIFY(waitForStatus(orderId, u"paid"_s));
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/faults"_s), "path=/v1/refunds&status=500&count=100").status, 200);
        const qint64 itemId = ownerNumber("SELECT id FROM order_items WHERE order_id = $1::uuid", orderId);
        QElapsedTimer timer;
        timer.start();
        auto asked = asStaff(m_ops, "SELECT rdk.request_refund($1::uuid, NULL, $2::jsonb, $3)",
                             {orderId.toStdString(), u"[{\"item_id\": %1, \"quantity\": 1}]"_s.arg(itemId).toStdString(),
                              std::string("returned")});
        QVERIFY(asked.ok());
        const StripeRequest failed = settled((*asked)[0][0].as<qint64>(), 60'000);
        qInfo("refund with Stripe down: failed after %lld ms", timer.elapsed());
        QCOMPARE(failed.state, u"failed"_s);
        QCOMPARE(failed.error, u"Stripe could not be reached (it answered HTTP 500). No money was refunded; try again."_s);
        // Four worker attempts of three client tries each.
        const QJsonArray faults = request(m_nam, "GET", m_sandbox.url(u"/_sandbox/faults"_s)).json().value(u"data"_s).toArray();
        QCOMPARE(faults.first().toObject().value(u"remaining"_s).toInt(), 100 - 12);
        QCOMPARE(orderStatus(orderId), u"paid"_s);
        QCOMPARE(stock(u"POS-DOWN"_s), qMakePair(2, 0));
        QCOMPARE(ownerNumber("SELECT restocked_quantity FROM order_items WHERE id = $1", QString::number(itemId)), 0);
    }

    void moneyForCanceledSale_isFlaggedForReview_notResurrected()
    {
        const auto [orderId, linkId] = saleWithLink(u"POS-LATE"_s);
        QVERIFY(!linkId.isEmpty());
        // Canceled behind the service's back (no deactivation queued): the link still works.
        owner("UPDATE stock_reservations r SET state = 'released' WHERE r.order_id = $1::uuid AND r.state = 'held'",
              orderId.toStdString());
        owner("UPDATE inventory i SET reserved = 0 FROM products p WHERE p.id = i.product_id AND p.sku = 'POS-LATE'");
        owner("UPDATE orders SET status = 'canceled', canceled_at = now(), stripe_payment_link_id = NULL WHERE id = $1::uuid",
              orderId.toStdString());
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId))).status, 200);
        QVERIFY(waitUntil([&] { return ownerText("SELECT needs_review::text FROM orders WHERE id = $1::uuid", orderId) == u"true"_s; }));
        QCOMPARE(orderStatus(orderId), u"canceled"_s);
        QCOMPARE(stock(u"POS-LATE"_s), qMakePair(3, 0));
        QVERIFY(!ownerText("SELECT review_reason FROM orders WHERE id = $1::uuid", orderId).isEmpty());
    }

    void refund_partialThenFull_throughTheWorker_restocksOnce()
    {
        const auto [orderId, linkId] = saleWithLink(u"POS-REFUND"_s);
        QVERIFY(!linkId.isEmpty());
        QCOMPARE(request(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(linkId))).status, 200);
        QVERIFY(waitForStatus(orderId, u"paid"_s));
        QCOMPARE(stock(u"POS-REFUND"_s), qMakePair(2, 0));

        QElapsedTimer timer;
        timer.start();
        auto partial = asStaff(m_ops, "SELECT rdk.request_refund($1::uuid, $2::bigint, '[]'::jsonb, $3)",
                               {orderId.toStdString(), std::string("5000"), std::string("scuffed box")});
        QVERIFY2(partial.ok(), partial.ok() ? "" : qPrintable(partial.error().message));
        const StripeRequest first = settled((*partial)[0][0].as<qint64>());
        QCOMPARE(first.state, u"done"_s);
        QVERIFY(first.result.value(u"refund_id"_s).toString().startsWith(u"re_"_s));
        QCOMPARE(first.result.value(u"amount"_s).toInteger(), 5000);
        QCOMPARE(first.result.value(u"status"_s).toString(), u"succeeded"_s);
        QVERIFY(waitForStatus(orderId, u"partially_refunded"_s));
        qInfo("refund request -> partially_refunded (charge.refunded): %lld ms", timer.elapsed());
        QCOMPARE(ownerNumber("SELECT refunded_minor FROM orders WHERE id = $1::uuid", orderId), 5000);
        QCOMPARE(stock(u"POS-REFUND"_s), qMakePair(2, 0));

        const qint64 itemId = ownerNumber("SELECT id FROM order_items WHERE order_id = $1::uuid", orderId);
        auto full = asStaff(m_ops, "SELECT rdk.request_refund($1::uuid, NULL, $2::jsonb, $3)",
                            {orderId.toStdString(), u"[{\"item_id\": %1, \"quantity\": 1}]"_s.arg(itemId).toStdString(),
                             std::string("returned")});
        QVERIFY2(full.ok(), full.ok() ? "" : qPrintable(full.error().message));
        const StripeRequest second = settled((*full)[0][0].as<qint64>());
        QCOMPARE(second.state, u"done"_s);
        QCOMPARE(second.result.value(u"amount"_s).toInteger(), 13'000);
        QVERIFY(waitForStatus(orderId, u"refunded"_s));
        QCOMPARE(ownerNumber("SELECT refunded_minor FROM orders WHERE id = $1::uuid", orderId), 18'000);
        QCOMPARE(stock(u"POS-REFUND"_s), qMakePair(3, 0));

        // The last charge.refunded again: nothing moves twice.
        const QString eventId = eventFor(u"charge.refunded"_s, [](const QJsonObject &) { return true; });
        QVERIFY(!eventId.isEmpty());
        QCOMPARE(test::resendEventAndWait(m_nam, m_sandbox, eventId), 200);   // rdk-sync has answered the second delivery
        QCOMPARE(stock(u"POS-REFUND"_s), qMakePair(3, 0));
        QCOMPARE(ownerNumber("SELECT refunded_minor FROM orders WHERE id = $1::uuid", orderId), 18'000);
        QCOMPARE(orderStatus(orderId), u"refunded"_s);
        // Nothing more to refund: the database refuses before Stripe is asked.
        QVERIFY(!asStaff(m_ops, "SELECT rdk.request_refund($1::uuid, NULL, '[]'::jsonb, $2)",
                         {orderId.toStdString(), std::string("again")})
                     .ok());
    }

    void hostile_otherShopsRequest_isNeverWorked_andBadRowsFailClearly()
    {
        // Another shop's pending POS order and its request, written by the owner.
        const auto other = owner("INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, "
                                 "reserved_until) VALUES ($1::uuid, 'pos', 'pending', 'USD', 9000, 9000, "
                                 "now() + interval '15 minutes') RETURNING id::text",
                                 m_otherTenant.toStdString());
        const QString otherOrder = QString::fromStdString(other[0][0].as<std::string>());
        owner("INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, "
              "line_total_minor) SELECT p.tenant_id, $1::uuid, p.id, p.sku, p.name, '10', 1, 9000, 9000 FROM products p "
              "WHERE p.sku = 'POS-OTHER'",
              otherOrder.toStdString());
        const qint64 foreign = owner("INSERT INTO stripe_requests (tenant_id, order_id, kind, amount_minor) "
                                     "VALUES ($1::uuid, $2::uuid, 'payment_link', 9000) RETURNING id",
                                     m_otherTenant.toStdString(), otherOrder.toStdString())[0][0]
                                   .as<qint64>();
        // A request of this shop that points at an online order: refused with a sentence.
        const auto online = owner("INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor) "
                                  "VALUES ($1::uuid, 'online', 'pending', 'USD', 100, 100) RETURNING id::text",
                                  m_tenant.toStdString());
        const QString onlineOrder = QString::fromStdString(online[0][0].as<std::string>());
        const qint64 wrongKind = owner("INSERT INTO stripe_requests (tenant_id, order_id, kind, amount_minor) "
                                       "VALUES ($1::uuid, $2::uuid, 'payment_link', 100) RETURNING id",
                                       m_tenant.toStdString(), onlineOrder.toStdString())[0][0]
                                     .as<qint64>();
        // Our worker is alive and busy meanwhile: this shop's request goes through.
        const auto [ownOrder, ownLink] = saleWithLink(u"POS-ALIVE"_s);
        QVERIFY(!ownLink.isEmpty());

        const StripeRequest refused = settled(wrongKind);
        QCOMPARE(refused.state, u"failed"_s);
        QCOMPARE(refused.error, u"Only counter sales are paid through a payment link."_s);
        QCOMPARE(sandboxLinksFor(onlineOrder).size(), 0);

        // No need to wait out a poll period (3 s): a poll runs the same claim as a notice, and the
        // claim that settled `wrongKind` re-read the whole queue after `foreign` was written.
        const StripeRequest untouched = stripeRequest(foreign);
        QCOMPARE(untouched.state, u"queued"_s);
        QCOMPARE(untouched.attempts, 0);
        QCOMPARE(sandboxLinksFor(otherOrder).size(), 0);
    }

    void droppedConnections_requestIsStillWorked_andTheListenerComesBack()
    {
        // Every connection of the service dies (a database restart, a proxy timeout): the
        // notification for the next request may be missed, the poll still finds it.
        // The owner is no superuser: signalling the service's backends needs membership of its role.
        owner("GRANT " + pqxx::connection(m_db->ownerUrl()).quote_name(m_service.login.toStdString()) + " TO CURRENT_USER");
        const auto killed = owner("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = $1",
                                  m_service.login.toStdString());
        QVERIFY(killed[0][0].as<int>() >= 1);
        const QString orderId = placeSale(u"POS-RECONNECT"_s, 1);
        QVERIFY(!orderId.isEmpty());
        QElapsedTimer timer;
        timer.start();
        const StripeRequest link = settled(requestLink(orderId));
        QCOMPARE(link.state, u"done"_s);
        qInfo("request after the service lost its connections -> link ready: %lld ms", timer.elapsed());
        QVERIFY(waitUntil([&] {
            return request(m_nam, "GET", m_sync.url(u"/readyz"_s)).json().value(u"stripe_requests"_s).toString() == u"listening"_s;
        }));
    }

    void metrics_countRequestsByKindAndOutcome()
    {
        const Reply metrics = request(m_nam, "GET", m_sync.url(u"/metrics"_s));
        QCOMPARE(metrics.status, 200);
        QVERIFY2(metrics.body.contains("rdk_stripe_requests_total{kind=\"payment_link\",outcome=\"done\"}"), metrics.body.constData());
        QVERIFY(metrics.body.contains("rdk_stripe_requests_total{kind=\"payment_link\",outcome=\"failed\"}"));
        QVERIFY(metrics.body.contains("rdk_stripe_requests_total{kind=\"deactivate_link\",outcome=\"done\"}"));
        QVERIFY(metrics.body.contains("rdk_stripe_requests_total{kind=\"refund\",outcome=\"done\"}"));
        const Reply ready = request(m_nam, "GET", m_sync.url(u"/readyz"_s));
        QCOMPARE(ready.json().value(u"stripe_requests"_s).toString(), u"listening"_s);
    }
};

QTEST_GUILESS_MAIN(TestPosSync)
#include "tst_pos_sync.moc"

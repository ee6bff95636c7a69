// The PostgreSQL order book against a real database, as real staff, ops and admin logins:
// filters (shop days in the tenant's time zone), search, keyset paging, totals, what plain
// staff may not see, and the actions through the point-of-sale functions.

#include "data/pgcheckout.h"
#include "data/pgorderbook.h"
#include "data/pgrepositories.h"
#include "data/pgsessionpqxx.h"
#include "tests/staff/deskadmintest.h"
#include "tests/support/testdatabase.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

namespace {

Money usd(qint64 minor)
{
    return Money::of(minor, u"USD"_s).value();
}

QStringList numbersOf(const OrderPage &page)
{
    QStringList numbers;
    for (const OrderSummary &o : page.items)
        numbers.append(formatOrderNumber(o.orderNumber));
    return numbers;
}

} // namespace

class TestOrderBookDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    test::Login m_service, m_staff, m_ops, m_admin;
    std::unique_ptr<PgSession> m_sync, m_staffSession, m_opsSession, m_adminSession;
    // The fixed January 2025 orders of the filter tests, by letter.
    QHash<QChar, qint64> m_number;
    QHash<QChar, QString> m_id;

    std::unique_ptr<PgSession> open(const test::Login &login)
    {
        auto s = PgSession::open(m_db->urlFor(login.login, login.password));
        return s ? std::move(s).value() : nullptr;
    }

    void ownerExec(const std::string &sql)
    {
        m_db->execOwner(sql);
    }

    QString ownerText(const std::string &sql, const QString &arg)
    {
        return test::deskadmin::ownerScalar(*m_db, sql, arg);
    }

    // An order written directly by the owner, with the creation time the test needs.
    void insertOrder(QChar letter, const QString &createdAtUtc, const QString &channel, const QString &status,
                     const QString &currency, qint64 total, qint64 refunded, const QString &email, bool review)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::work tx(c);
        const auto r = tx.exec_params1(
            "INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, refunded_minor, "
            "                    customer_email, needs_review, review_reason, created_at, stripe_payment_intent_id) "
            "VALUES ($1::uuid, $2, $3, $4, $5, $5, $6, $7, $8, CASE WHEN $8 THEN 'amount mismatch' END, $9::timestamptz, "
            "        CASE WHEN $3 <> 'pending' THEN 'pi_' || md5(random()::text) END) "
            "RETURNING id::text, order_number",
            m_tenant.toStdString(), channel.toStdString(), status.toStdString(), currency.toStdString(), total, refunded,
            email.isEmpty() ? std::optional<std::string>() : std::optional<std::string>(email.toStdString()), review,
            createdAtUtc.toStdString());
        tx.exec_params("INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, "
                       "unit_price_minor, line_total_minor) "
                       "SELECT $1::uuid, $2::uuid, p.id, p.sku, p.name, '10', 2, $3::bigint, $3::bigint * 2 FROM products p "
                       "WHERE p.tenant_id = $1::uuid LIMIT 1",
                       m_tenant.toStdString(), r[0].as<std::string>(), total / 2);
        tx.commit();
        m_id.insert(letter, QString::fromStdString(r[0].as<std::string>()));
        m_number.insert(letter, r[1].as<long long>());
    }

    // A pending order as the storefront (Online) or the counter's staff login (Pos) places it.
    PendingOrder placeOnline(int quantity = 1, OrderChannel channel = OrderChannel::Online)
    {
        if (channel == OrderChannel::Pos)
            return placeAtCounter(quantity);
        auto placed = PgCheckout(*m_sync).placeOrder({{{u"DUNK-1"_s, u"10"_s, quantity}}, u"shopper@example.com"_s}, 30);
        if (!placed)
            qFatal("placeOrder failed: %s", qPrintable(placed.error().message));
        return placed.value();
    }

    PendingOrder placeAtCounter(int quantity)
    {
        pqxx::connection conn(m_db->urlFor(m_staff.login, m_staff.password));
        pqxx::work tx(conn);
        const std::string id = tx.exec_params1("SELECT rdk.pos_place_sale(jsonb_build_array(jsonb_build_object("
                                               "'sku', 'DUNK-1', 'size', '10', 'quantity', $1::int)), 0, NULL, 15)::text",
                                               quantity)[0]
                                   .as<std::string>();
        const auto row = tx.exec_params1("SELECT id::text, order_number, total_minor FROM orders WHERE id = $1::uuid", id);
        tx.commit();
        PendingOrder order;
        order.orderId = QString::fromStdString(row[0].as<std::string>());
        order.orderNumber = row[1].as<qint64>();
        order.totals.total = usd(row[2].as<qint64>());
        return order;
    }

    void pay(const PendingOrder &order)
    {
        static int counter = 0;
        const QString suffix = QString::number(++counter) + u"x"_s + order.orderId.left(8);
        PaymentEvent e;
        e.eventId = u"evt_"_s + suffix;
        e.type = u"checkout.session.completed"_s;
        e.orderId = order.orderId;
        e.paymentIntentId = u"pi_"_s + suffix;
        e.checkoutSessionId = u"cs_test_"_s + suffix;
        e.report = PaymentReport{PaymentSignal::Paid, order.totals.total, true};
        auto outcome = PgCheckout(*m_sync).applyPaymentEvent(e);
        QVERIFY(outcome.ok());
    }

    QString statusOf(const QString &orderId)
    {
        return ownerText("SELECT status FROM orders WHERE id = $1::uuid", orderId);
    }

    int onHand()
    {
        return ownerText("SELECT quantity - reserved FROM inventory i JOIN products p ON p.id = i.product_id "
                         "WHERE p.sku = $1 AND i.size = '10'", u"DUNK-1"_s).toInt();
    }

    OrderQuery january()
    {
        OrderQuery q;
        q.from = QDate(2025, 1, 1);
        q.to = QDate(2025, 1, 31);
        return q;
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-orders"_s);
        ownerExec("UPDATE tenants SET timezone = 'America/New_York' WHERE slug = 'shop-orders'");
        m_service = m_db->createServiceLogin(m_tenant);
        m_staff = m_db->createStaff(m_tenant, u"staff"_s);
        m_ops = m_db->createStaff(m_tenant, u"ops"_s);
        m_admin = m_db->createStaff(m_tenant, u"admin"_s);
        auto sync = PgSession::open(m_db->urlFor(m_service.login, m_service.password));
        QVERIFY(sync);
        m_sync = std::move(sync).value();
        m_staffSession = open(m_staff);
        m_opsSession = open(m_ops);
        m_adminSession = test::deskadmin::openSession(*m_db, m_admin, true);
        QVERIFY(m_staffSession && m_opsSession && m_adminSession);
        // Cash sales and cash refunds go through the caller's open drawer (module drawer.sql).
        {
            pqxx::work tx(m_opsSession->connection());
            tx.exec("SELECT rdk.drawer_open(50000, NULL)");
            tx.commit();
        }

        auto owner = PgSession::open(m_db->ownerUrl());
        Product p;
        p.tenantId = m_tenant;
        p.sku = u"DUNK-1"_s;
        p.name = u"Dunk Low"_s;
        p.brand = u"Nike"_s;
        p.price = usd(11000);
        p.inventoryStrategy = InventoryStrategy::PerSize;
        p.sizeSystem = SizeSystem::Mens;
        p.sizeRun = {u"9"_s, u"10"_s};
        p.stock = {{u"9"_s, 5, 0}, {u"10"_s, 50, 0}};
        p.published = true;
        QVERIFY(PgProductRepository(**owner).create(p, {}).ok());

        // New York is UTC-5 in January: A is the evening of the 9th in the shop, B just after
        // its midnight (the 10th).
        insertOrder(u'A', u"2025-01-10T04:30:00Z"_s, u"online"_s, u"paid"_s, u"USD"_s, 10000, 0, u"ann@example.com"_s, false);
        insertOrder(u'B', u"2025-01-10T05:30:00Z"_s, u"pos"_s, u"paid"_s, u"USD"_s, 5000, 0, {}, false);
        insertOrder(u'C', u"2025-01-10T15:00:00Z"_s, u"online"_s, u"canceled"_s, u"USD"_s, 7000, 0, u"bob_x@example.org"_s, false);
        insertOrder(u'D', u"2025-01-11T12:00:00Z"_s, u"online"_s, u"refunded"_s, u"USD"_s, 3000, 3000, u"carol%x@example.net"_s, true);
        insertOrder(u'E', u"2025-01-12T12:00:00Z"_s, u"online"_s, u"pending"_s, u"EUR"_s, 2000, 0, u"dave@example.com"_s, false);
    }

    void cleanupTestCase()
    {
        m_sync.reset();
        m_staffSession.reset();
        m_opsSession.reset();
        m_adminSession.reset();
        m_db.reset();
    }

    void filters_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QDate>("from");
        QTest::addColumn<QDate>("to");
        QTest::addColumn<bool>("review");
        QTest::addColumn<QString>("expected");  // letters, newest first
        const QDate jan1(2025, 1, 1), jan31(2025, 1, 31);
        QTest::addRow("all of January") << QString() << QString() << jan1 << jan31 << false << u"EDCBA"_s;
        QTest::addRow("status paid") << u"paid"_s << QString() << jan1 << jan31 << false << u"BA"_s;
        QTest::addRow("channel pos") << QString() << u"pos"_s << jan1 << jan31 << false << u"B"_s;
        QTest::addRow("channel online") << QString() << u"online"_s << jan1 << jan31 << false << u"EDCA"_s;
        QTest::addRow("shop day 10th (after its midnight)") << QString() << QString() << QDate(2025, 1, 10)
                                                            << QDate(2025, 1, 10) << false << u"CB"_s;
        QTest::addRow("shop day 9th (before midnight, UTC says 10th)")
            << QString() << QString() << QDate(2025, 1, 9) << QDate(2025, 1, 9) << false << u"A"_s;
        QTest::addRow("from the 11th") << QString() << QString() << QDate(2025, 1, 11) << jan31 << false << u"ED"_s;
        QTest::addRow("needs review") << QString() << QString() << jan1 << jan31 << true << u"D"_s;
        QTest::addRow("paid online") << u"paid"_s << u"online"_s << jan1 << jan31 << false << u"A"_s;
    }

    void filters()
    {
        QFETCH(QString, status);
        QFETCH(QString, channel);
        QFETCH(QDate, from);
        QFETCH(QDate, to);
        QFETCH(bool, review);
        QFETCH(QString, expected);
        OrderQuery q;
        if (!status.isEmpty())
            q.status = orderStatusFromString(status);
        if (!channel.isEmpty())
            q.channel = orderChannelFromString(channel);
        q.from = from;
        q.to = to;
        q.needsReviewOnly = review;
        QStringList wanted;
        for (QChar letter : expected)
            wanted.append(formatOrderNumber(m_number.value(letter)));
        for (PgSession *session : {m_staffSession.get(), m_opsSession.get()}) {
            auto page = PgOrderBook(*session).list(q);
            QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().message));
            QCOMPARE(numbersOf(*page), wanted);
            QCOMPARE(page->shopTimeZone, u"America/New_York"_s);
            QVERIFY(!page->hasMore);
        }
    }

    void list_readsEveryColumn()
    {
        OrderQuery q = january();
        q.search = formatOrderNumber(m_number.value(u'D'));
        auto page = PgOrderBook(*m_opsSession).list(q);
        QVERIFY(page.ok());
        QCOMPARE(page->items.size(), 1);
        const OrderSummary &d = page->items.first();
        QCOMPARE(d.orderId, m_id.value(u'D'));
        QCOMPARE(toString(d.status), u"refunded"_s);
        QCOMPARE(d.units, 2);
        QCOMPARE(d.total, usd(3000));
        QCOMPARE(d.refunded, usd(3000));
        QVERIFY(d.needsReview);
        QCOMPARE(d.customerEmail, u"carol%x@example.net"_s);
        QCOMPARE(d.createdAt, QDateTime(QDate(2025, 1, 11), QTime(12, 0), Qt::UTC));
    }

    void search_data()
    {
        QTest::addColumn<QString>("search");
        QTest::addColumn<QString>("expected");
        QTest::addRow("number label") << u"RDK-%1"_s << u"C"_s;
        QTest::addRow("hash number") << u"#%1"_s << u"C"_s;
        QTest::addRow("bare number") << u" %1 "_s << u"C"_s;
        QTest::addRow("email part any case") << u"EXAMPLE.ORG"_s << u"C"_s;
        QTest::addRow("email domain") << u"example.com"_s << u"EA"_s;
        QTest::addRow("underscore is literal") << u"b_b"_s << QString();
        QTest::addRow("underscore literal match") << u"bob_x"_s << u"C"_s;
        QTest::addRow("percent is literal") << u"%"_s << u"D"_s;
        QTest::addRow("quotes") << u"o'brien\"--"_s << QString();
        QTest::addRow("sql injection") << u"'; DROP TABLE orders; --"_s << QString();
        QTest::addRow("backslash") << u"\\"_s << QString();
        QTest::addRow("unknown number") << u"RDK-999999999"_s << QString();
    }

    void search()
    {
        QFETCH(QString, search);
        QFETCH(QString, expected);
        OrderQuery q = january();
        q.search = search.contains(u"%1"_s) ? search.arg(m_number.value(u'C')) : search;
        auto page = PgOrderBook(*m_opsSession).list(q);
        QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().message));
        QStringList wanted;
        for (QChar letter : expected)
            wanted.append(formatOrderNumber(m_number.value(letter)));
        QCOMPARE(numbersOf(*page), wanted);
        QCOMPARE(statusOf(m_id.value(u'A')), u"paid"_s);  // and the table is still there
    }

    void search_hostile_isRefusedWithASentence_data()
    {
        QTest::addColumn<QString>("search");
        QTest::addRow("10k chars") << QString(10000, u'x');
        QTest::addRow("control chars") << u"ann\u0007@example.com"_s;
        QTest::addRow("nul") << QString(u"ann\0@x"_s);
        QTest::addRow("newline") << u"ann\n@x"_s;
    }

    void search_hostile_isRefusedWithASentence()
    {
        QFETCH(QString, search);
        OrderQuery q;
        q.search = search;
        for (PgSession *session : {m_staffSession.get(), m_opsSession.get()}) {
            auto page = PgOrderBook(*session).list(q);
            QVERIFY(!page.ok());
            QCOMPARE(int(page.error().code), int(ErrorCode::Invalid));
            QVERIFY(!page.error().message.isEmpty());
            QVERIFY(!PgOrderBook(*session).totals(q).ok());
        }
    }

    void staff_getsNoEmail_andTheDatabaseRefusesIt()
    {
        auto page = PgOrderBook(*m_staffSession).list(january());
        QVERIFY(page.ok());
        QCOMPARE(page->items.size(), 5);
        for (const OrderSummary &o : page->items)
            QVERIFY2(o.customerEmail.isEmpty(), qPrintable(o.customerEmail));
        auto detail = PgOrderBook(*m_staffSession).detail(m_id.value(u'A'));
        QVERIFY(detail.ok());
        QVERIFY(!detail->emailVisible);
        QVERIFY(detail->summary.customerEmail.isEmpty());
        auto opsDetail = PgOrderBook(*m_opsSession).detail(m_id.value(u'A'));
        QVERIFY(opsDetail.ok());
        QVERIFY(opsDetail->emailVisible);
        QCOMPARE(opsDetail->summary.customerEmail, u"ann@example.com"_s);

        OrderQuery byEmail = january();
        byEmail.search = u"ann@"_s;
        auto refused = PgOrderBook(*m_staffSession).list(byEmail);
        QVERIFY(!refused.ok());
        QCOMPARE(int(refused.error().code), int(ErrorCode::Forbidden));
        QVERIFY(!PgOrderBook(*m_staffSession).totals(byEmail).ok());

        // Straight to the database with the staff member's own credentials.
        pqxx::connection conn(m_db->urlFor(m_staff.login, m_staff.password));
        const auto direct = test::security::tryExec(conn, "SELECT customer_email FROM public.orders LIMIT 1");
        QVERIFY2(direct.refused(), qPrintable(direct.describe()));
        const auto search = test::security::tryExec(conn, "SELECT count(*) FROM public.orders WHERE customer_email LIKE '%a%'");
        QVERIFY2(search.refused(), qPrintable(search.describe()));
    }

    void totals_coverTheWholeFilteredSet()
    {
        auto totals = PgOrderBook(*m_opsSession).totals(january());
        QVERIFY(totals.ok());
        QCOMPARE(totals->count, 5);
        // Money counts for orders that were paid: A, B and D in dollars; E (pending) is in euros.
        QCOMPARE(totals->total.size(), 2);
        QCOMPARE(totals->total.at(0), Money::zero(u"EUR"_s));
        QCOMPARE(totals->total.at(1), usd(18000));
        QCOMPARE(totals->refunded.at(1), usd(3000));
        OrderQuery paid = january();
        paid.status = OrderStatus::Paid;
        paid.limit = 1;  // totals ignore the page size
        auto paidTotals = PgOrderBook(*m_staffSession).totals(paid);
        QVERIFY(paidTotals.ok());
        QCOMPARE(paidTotals->count, 2);
        QCOMPARE(paidTotals->total, QList<Money>{usd(15000)});
    }

    void paging_isContinuousOver250Orders()
    {
        ownerExec("INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, created_at) "
                  "SELECT t.id, 'pos', 'canceled', 'USD', 100 * g, 100 * g, "
                  "       timestamptz '2025-02-01 12:00Z' + g * interval '1 minute' "
                  "  FROM tenants t, generate_series(1, 250) g WHERE t.slug = 'shop-orders'");
        OrderQuery q;
        q.from = QDate(2025, 2, 1);
        q.to = QDate(2025, 2, 1);
        q.limit = 100;
        QSet<qint64> seen;
        qint64 previous = std::numeric_limits<qint64>::max();
        QList<int> sizes;
        for (int guard = 0; guard < 10; ++guard) {
            auto page = PgOrderBook(*m_staffSession).list(q);
            QVERIFY(page.ok());
            sizes.append(int(page->items.size()));
            for (const OrderSummary &o : page->items) {
                QVERIFY(o.orderNumber < previous);
                previous = o.orderNumber;
                seen.insert(o.orderNumber);
            }
            if (!page->hasMore)
                break;
            q.beforeOrderNumber = page->items.constLast().orderNumber;
        }
        QCOMPARE(sizes, (QList<int>{100, 100, 50}));
        QCOMPARE(seen.size(), 250);
        auto totals = PgOrderBook(*m_staffSession).totals(q);
        QVERIFY(totals.ok());
        QCOMPARE(totals->count, 250);
    }

    void ship_paidOrder_thenTimelineSaysSo()
    {
        const PendingOrder order = placeOnline();
        // A pending order can't be shipped: refused, nothing changed.
        auto early = PgOrderBook(*m_staffSession).markShipped(order.orderId, u"UPS"_s, u"1Z999"_s);
        QVERIFY(!early.ok());
        QCOMPARE(int(early.error().code), int(ErrorCode::Conflict));
        QCOMPARE(early.error().message, u"A pending order can't be marked shipped."_s);
        QCOMPARE(statusOf(order.orderId), u"pending"_s);

        pay(order);
        auto bad = PgOrderBook(*m_staffSession).markShipped(order.orderId, QString(10000, u'x'), u"1Z"_s);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().field, u"carrier"_s);
        QVERIFY(!PgOrderBook(*m_staffSession).markShipped(order.orderId, u"UPS"_s, u"  "_s).ok());
        QCOMPARE(statusOf(order.orderId), u"paid"_s);

        auto shipped = PgOrderBook(*m_staffSession).markShipped(order.orderId, u" UPS "_s, u"1Z999"_s);
        QVERIFY2(shipped.ok(), qPrintable(shipped.ok() ? QString() : shipped.error().message));
        auto detail = PgOrderBook(*m_adminSession).detail(order.orderId);
        QVERIFY(detail.ok());
        QCOMPARE(toString(detail->summary.status), u"shipped"_s);
        QCOMPARE(detail->carrier, u"UPS"_s);
        QCOMPARE(detail->trackingNumber, u"1Z999"_s);
        QVERIFY(!detail->stripePaymentIntentId.isEmpty());
        QCOMPARE(toString(detail->summary.paymentMethod), u"card"_s);
        QCOMPARE(detail->lines.size(), 1);
        QCOMPARE(detail->lines.first().line.sku, u"DUNK-1"_s);
        QCOMPARE(detail->lines.first().line.size, u"10"_s);
        QStringList summaries;
        for (const OrderTimelineEntry &e : detail->timeline)
            summaries.append(e.summary);
        QVERIFY2(!summaries.filter(QRegularExpression(u"^Pending → Paid(:|$)"_s)).isEmpty(), qPrintable(summaries.join(u" | "_s)));
        QVERIFY2(summaries.contains(u"Paid → Shipped (UPS 1Z999)"_s), qPrintable(summaries.join(u" | "_s)));
        QCOMPARE(detail->timeline.first().summary, u"Order placed (Online)"_s);

        // Staff can't read audit_log, but they read their order's rows through rdk.order_timeline.
        auto staffView = PgOrderBook(*m_staffSession).detail(order.orderId);
        QVERIFY(staffView.ok());
        QStringList staffSummaries;
        for (const OrderTimelineEntry &e : staffView->timeline)
            staffSummaries.append(e.summary);
        QCOMPARE(staffSummaries.size(), summaries.size());
        QCOMPARE(staffSummaries.last(), u"Paid → Shipped (UPS 1Z999)"_s);
        QCOMPARE(staffView->timeline.last().actor, m_staff.login);

        // The service login has neither: the history the order itself tells.
        auto serviceView = PgOrderBook(*m_sync).detail(order.orderId);
        QVERIFY(serviceView.ok());
        QStringList serviceSummaries;
        for (const OrderTimelineEntry &e : serviceView->timeline)
            serviceSummaries.append(e.summary);
        QCOMPARE(serviceSummaries, (QStringList{u"Order placed (Online)"_s, u"Paid by card"_s, u"Shipped (UPS 1Z999)"_s}));

        // Shipped twice: refused with the state machine's sentence.
        auto again = PgOrderBook(*m_staffSession).markShipped(order.orderId, u"UPS"_s, u"1Z999"_s);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().message, u"This order is already shipped."_s);
    }

    void fulfil_paidCounterSale()
    {
        const PendingOrder order = placeOnline(1, OrderChannel::Pos);
        QVERIFY(!PgOrderBook(*m_staffSession).markFulfilled(order.orderId).ok());
        pay(order);
        QVERIFY(PgOrderBook(*m_staffSession).markFulfilled(order.orderId).ok());
        QCOMPARE(statusOf(order.orderId), u"fulfilled"_s);
    }

    void cancel_pendingOnly_andOnlineNeedsOps()
    {
        const int before = onHand();
        const PendingOrder order = placeOnline(2);
        QCOMPARE(onHand(), before - 2);
        auto staffTry = PgOrderBook(*m_staffSession).cancel(order.orderId, u"customer asked"_s);
        QVERIFY(!staffTry.ok());
        QCOMPARE(int(staffTry.error().code), int(ErrorCode::Forbidden));
        QCOMPARE(staffTry.error().message, u"Only ops or admin staff can cancel online orders."_s);
        QVERIFY(!PgOrderBook(*m_opsSession).cancel(order.orderId, u"   "_s).ok());  // a reason is required
        QCOMPARE(statusOf(order.orderId), u"pending"_s);
        QVERIFY(PgOrderBook(*m_opsSession).cancel(order.orderId, u"customer asked"_s).ok());
        QCOMPARE(statusOf(order.orderId), u"canceled"_s);
        QCOMPARE(onHand(), before);

        const PendingOrder paid = placeOnline();
        pay(paid);
        auto late = PgOrderBook(*m_opsSession).cancel(paid.orderId, u"too late"_s);
        QVERIFY(!late.ok());
        QCOMPARE(int(late.error().code), int(ErrorCode::Conflict));
        QCOMPARE(late.error().message, u"A paid order can't be canceled."_s);
        QCOMPARE(statusOf(paid.orderId), u"paid"_s);
    }

    void refund_card_isQueuedForStripe()
    {
        const PendingOrder order = placeOnline();
        RefundRequest request;
        request.orderId = order.orderId;
        request.reason = u"damaged box"_s;
        auto unpaid = PgOrderBook(*m_opsSession).requestRefund(request);
        QVERIFY(!unpaid.ok());
        QCOMPARE(int(unpaid.error().code), int(ErrorCode::Conflict));

        pay(order);
        auto byStaff = PgOrderBook(*m_staffSession).requestRefund(request);
        QVERIFY(!byStaff.ok());
        QCOMPARE(int(byStaff.error().code), int(ErrorCode::Forbidden));

        request.amount = usd(order.totals.total.minor() + 1);
        auto tooMuch = PgOrderBook(*m_opsSession).requestRefund(request);
        QVERIFY(!tooMuch.ok());
        QCOMPARE(int(tooMuch.error().code), int(ErrorCode::Invalid));
        request.amount = usd(5000);
        auto id = PgOrderBook(*m_opsSession).requestRefund(request);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        QVERIFY(*id > 0);
        QCOMPARE(statusOf(order.orderId), u"paid"_s);  // charge.refunded confirms later

        auto detail = PgOrderBook(*m_adminSession).detail(order.orderId);
        QVERIFY(detail.ok());
        QCOMPARE(detail->refunds.size(), 1);
        QCOMPARE(detail->refunds.first().requestId, *id);
        QCOMPARE(detail->refunds.first().amount, usd(5000));
        QCOMPARE(toString(detail->refunds.first().state), u"queued"_s);
        QCOMPARE(detail->refunds.first().requestedBy, m_ops.login);
        QStringList summaries;
        for (const OrderTimelineEntry &e : detail->timeline)
            summaries.append(e.summary);
        const QString expected = u"Refund of $50.00 requested by %1: damaged box"_s.arg(m_ops.login);
        QVERIFY2(summaries.contains(expected), qPrintable(summaries.join(u" | "_s)));
        auto opsView = PgOrderBook(*m_opsSession).detail(order.orderId);
        QVERIFY(opsView.ok());
        QCOMPARE(opsView->refunds.first().reason, u"damaged box"_s);
        QCOMPARE(opsView->timeline.last().summary, expected);
        QCOMPARE(opsView->timeline.last().actor, m_ops.login);

        // What is asked for and not answered yet counts: $50 of the rest is on its way.
        request.amount = usd(order.totals.total.minor() - 5000 + 1);
        auto overtaking = PgOrderBook(*m_opsSession).requestRefund(request);
        QVERIFY(!overtaking.ok());
        QCOMPARE(int(overtaking.error().code), int(ErrorCode::Invalid));
    }

    void refund_cash_withRestock_appliesAtOnce()
    {
        const PendingOrder order = placeOnline(2, OrderChannel::Pos);
        {
            pqxx::connection conn(m_db->urlFor(m_ops.login, m_ops.password));
            pqxx::work tx(conn);
            tx.exec_params("SELECT rdk.record_cash_payment($1::uuid, $2)", order.orderId.toStdString(),
                           order.totals.total.minor());
            tx.commit();
        }
        const int before = onHand();
        auto detail = PgOrderBook(*m_opsSession).detail(order.orderId);
        QVERIFY(detail.ok());
        QCOMPARE(toString(detail->summary.paymentMethod), u"cash"_s);
        const qint64 itemId = detail->lines.first().itemId;

        RefundRequest request;
        request.orderId = order.orderId;
        request.amount = usd(5000);
        request.restock = {RestockLine{itemId, 1}};
        request.reason = u"one pair returned"_s;
        auto id = PgOrderBook(*m_opsSession).requestRefund(request);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        QCOMPARE(statusOf(order.orderId), u"partially_refunded"_s);
        QCOMPARE(onHand(), before + 1);
        auto after = PgOrderBook(*m_opsSession).detail(order.orderId);
        QVERIFY(after.ok());
        QCOMPARE(after->lines.first().restockedQuantity, 1);
        QCOMPARE(after->summary.refunded, usd(5000));
        QCOMPARE(toString(after->refunds.first().state), u"done"_s);

        // Restock beyond what the line can take back: refused, nothing changed.
        request.restock = {RestockLine{itemId, 5}};
        request.amount = usd(100);
        QVERIFY(!PgOrderBook(*m_opsSession).requestRefund(request).ok());
        QCOMPARE(onHand(), before + 1);
        QCOMPARE(ownerText("SELECT refunded_minor FROM orders WHERE id = $1::uuid", order.orderId), u"5000"_s);
    }

    void ownedSession_isWhatWorkerFactoriesHandOut()
    {
        PgOrderBook book(open(m_staff));
        auto page = book.list(january());
        QVERIFY(page.ok());
        QCOMPARE(page->items.size(), 5);
    }

    void actions_badIds_areRefused()
    {
        PgOrderBook book(*m_opsSession);
        for (const QString &id : {QString(), u"not-a-uuid"_s, u"'; DROP TABLE orders; --"_s, QString(5000, u'a')}) {
            QCOMPARE(int(book.detail(id).error().code), int(ErrorCode::Invalid));
            QCOMPARE(int(book.markFulfilled(id).error().code), int(ErrorCode::Invalid));
            QCOMPARE(int(book.cancel(id, u"x"_s).error().code), int(ErrorCode::Invalid));
        }
        QCOMPARE(int(book.detail(u"6f1c2b9e-1d2a-4c1b-9a7e-0c1d2e3f4a5b"_s).error().code), int(ErrorCode::NotFound));
    }
};

QTEST_GUILESS_MAIN(TestOrderBookDb)
#include "tst_orderbook_db.moc"

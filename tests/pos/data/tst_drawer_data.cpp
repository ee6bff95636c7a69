// The cash drawer through data/pgdrawer and data/pgpos as real logins (migration 0017, module
// drawer.sql): a cashier's day (open with a counted float -> cash sales with change -> a card
// sale -> a paid out -> X report -> close short -> Z report), a cash refund out of a manager's
// drawer, the audit trail, and the dashboard's sales of the day agreeing with the Z reports.
#include "data/pgdashboard.h"
#include "data/pgdrawer.h"
#include "posfixture.h"

#include "domain/dashboard.h"

#include <QTest>

#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::data::PgDashboardSource;
using rdk::data::PgDrawer;
using rdk::data::PgPos;
using rdk::data::PgSession;
using namespace rdk::test;
using namespace rdk::test::pos;

class TestDrawerData final : public QObject {
    Q_OBJECT

    PosFixture m_fx;
    std::unique_ptr<PgSession> m_staffSession, m_opsSession;
    std::unique_ptr<PgPos> m_staffPos, m_opsPos;
    std::unique_ptr<PgDrawer> m_staffDrawer, m_opsDrawer;
    std::unique_ptr<pqxx::connection> m_sync;

    QString placeAndPayCash(const QString &sku, const QString &size, const Money &tendered)
    {
        auto placed = m_staffPos->placeSale(saleOf({{sku, size, 1, {}}}));
        if (!placed) {
            qWarning() << placed.error().message;
            return {};
        }
        auto paid = m_staffPos->recordCashPayment(placed->orderId, tendered);
        if (!paid) {
            qWarning() << paid.error().message;
            return {};
        }
        return placed->orderId;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        if (!m_fx.setUp(&error))
            QFAIL(qPrintable(error));
        m_fx.exec("UPDATE profiles SET display_name = 'Dana Cashier' WHERE db_role = '" + str(m_fx.staff.login) + "'");
        m_fx.exec("UPDATE tenants SET name = 'Kickz Downtown' WHERE id = '" + str(m_fx.a.tenantId) + "'");
        m_fx.exec("UPDATE inventory SET quantity = 20 WHERE tenant_id = '" + str(m_fx.a.tenantId) + "'");
        m_staffSession = m_fx.session(m_fx.staff);
        m_opsSession = m_fx.session(m_fx.ops);
        QVERIFY(m_staffSession && m_opsSession);
        m_staffPos = std::make_unique<PgPos>(*m_staffSession);
        m_opsPos = std::make_unique<PgPos>(*m_opsSession);
        m_staffDrawer = std::make_unique<PgDrawer>(*m_staffSession);
        m_opsDrawer = std::make_unique<PgDrawer>(*m_opsSession);
        m_sync = m_fx.connect(m_fx.service);
    }

    void cleanupTestCase()
    {
        m_staffPos.reset();
        m_opsPos.reset();
        m_staffDrawer.reset();
        m_opsDrawer.reset();
        m_staffSession.reset();
        m_opsSession.reset();
        m_sync.reset();
    }

    void cashiersDay_openSellPayOutClose_zReportAddsUp()
    {
        auto none = m_staffDrawer->current();
        QVERIFY(none);
        QVERIFY(!none->has_value());

        // Open with a float counted by denomination: the database adds it up.
        DrawerCount count;
        count.counts = {{2000, 5}, {1000, 4}, {500, 2}, {100, 10}};
        auto opened = m_staffDrawer->open(usd(1), count);  // the amount is ignored when a count is given
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
        QCOMPARE(opened->floatAmount, usd(16000));
        QCOMPARE(opened->cash, usd(16000));
        QCOMPARE(opened->openedBy, u"Dana Cashier"_s);

        // Two cash sales: $50 with $60 tendered (change $10 back out), $120 exact.
        const QString laces = placeAndPayCash(u"POS-FLAT"_s, {}, usd(6000));
        const QString runner = placeAndPayCash(u"POS-RUN"_s, u"9"_s, usd(12000));
        QVERIFY(!laces.isEmpty() && !runner.isEmpty());
        // A card sale paid through the payment link while the drawer is open.
        auto card = m_staffPos->placeSale(saleOf({{u"POS-RUN"_s, u"10"_s, 1, {}}}));
        QVERIFY(card);
        QCOMPARE(m_fx.as(*m_sync, "SELECT outcome FROM rdk.apply_payment_event('evt_drawer_card', 'checkout.session.completed', '" +
                                      str(card->orderId) + "', 'pi_drawer', 'paid', 12000, 'usd', NULL, NULL, NULL, NULL)"),
                 u"applied"_s);

        // A delivery paid at the door.
        auto paidOut = m_staffDrawer->pay(DrawerPayKind::PaidOut, usd(2500), u"Pizza for the stocktake"_s);
        QVERIFY2(paidOut, qPrintable(paidOut ? QString() : paidOut.error().message));
        QCOMPARE(paidOut->cash, usd(16000 + 5000 + 12000 - 2500));
        POS_EXPECT_ERROR(m_staffDrawer->pay(DrawerPayKind::PaidOut, usd(100), u"  "_s), ErrorCode::Invalid);

        // X report mid-day: what the drawer should hold, no count yet; audited.
        auto x = m_staffDrawer->report(opened->id);
        QVERIFY2(x, qPrintable(x ? QString() : x.error().message));
        QVERIFY(!x->closed);
        QCOMPARE(x->expected, usd(30500));
        QVERIFY(!x->counted.has_value());
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE action = 'drawer_x_report' AND entity_id = $1", opened->id), 1);

        // Close: counted $295.25 by denomination, $9.75 short.
        DrawerCount closing;
        closing.counts = {{10000, 2}, {2000, 4}, {1000, 1}, {500, 1}, {25, 1}};
        QCOMPARE(closing.total()->minor(), 29525);
        auto z = m_staffDrawer->close(opened->id, usd(0), closing, u"Coins short, checked twice"_s);
        QVERIFY2(z, qPrintable(z ? QString() : z.error().message));
        QVERIFY(z->closed);
        QCOMPARE(z->shop, u"Kickz Downtown"_s);
        QCOMPARE(z->openedBy, u"Dana Cashier"_s);
        QCOMPARE(z->closedBy, u"Dana Cashier"_s);
        QCOMPARE(z->floatAmount, usd(16000));
        QCOMPARE(z->cashSales, usd(17000));
        QCOMPARE(z->paidOut, usd(2500));
        QCOMPARE(z->paidIn, usd(0));
        QCOMPARE(z->expected, usd(30500));
        QVERIFY(z->counted.has_value());
        QCOMPARE(*z->counted, usd(29525));
        QCOMPARE(overShort(*z->counted, z->expected), usd(-975));
        QCOMPARE(z->salesCount, 3);
        QCOMPARE(z->total, usd(29000));
        QCOMPARE(z->sales.size(), 2);
        QCOMPARE(z->sales[0].method, u"card"_s);
        QCOMPARE(z->sales[0].count, 1);
        QCOMPARE(z->sales[0].total, usd(12000));
        QCOMPARE(z->sales[1].method, u"cash"_s);
        QCOMPARE(z->sales[1].count, 2);
        QCOMPARE(z->sales[1].total, usd(17000));
        QCOMPARE(z->countedBy.value(10000), 2);
        QCOMPARE(z->note, u"Coins short, checked twice"_s);
        // Audited: open (float and count), paid out (reason), close (expected, counted, short).
        QCOMPARE(m_fx.scalar("SELECT (after ->> 'float_minor') || '|' || (after -> 'counted' ->> '2000') FROM audit_log "
                             "WHERE action = 'drawer_open' AND entity_id = $1", opened->id),
                 u"16000|5"_s);
        QCOMPARE(m_fx.scalar("SELECT (after ->> 'amount_minor') || '|' || reason FROM audit_log "
                             "WHERE action = 'drawer_paid_out' AND entity_id = $1", opened->id),
                 u"2500|Pizza for the stocktake"_s);
        QCOMPARE(m_fx.scalar("SELECT actor || '|' || (after ->> 'expected_minor') || '|' || (after ->> 'counted_minor') || '|' || "
                             "(after ->> 'over_short_minor') FROM audit_log WHERE action = 'drawer_close' AND entity_id = $1",
                             opened->id),
                 u"%1|30500|29525|-975"_s.arg(m_fx.staff.login));
        // The cash sale's audit row names the drawer it went into.
        QCOMPARE(m_fx.scalar("SELECT after ->> 'drawer_session_id' FROM audit_log WHERE action = 'cash_payment' AND entity_id = $1",
                             laces),
                 opened->id);

        // Closed: no more cash until a drawer is open again.
        auto current = m_staffDrawer->current();
        QVERIFY(current && !current->has_value());
        auto noCash = m_staffPos->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY(noCash);
        POS_EXPECT_ERROR(m_staffPos->recordCashPayment(noCash->orderId, usd(5000)), ErrorCode::Conflict);
        QVERIFY(m_staffPos->cancelSale(noCash->orderId, {}));

        // The dashboard's counter sales of the day are what the Z report took.
        PgDashboardSource dashboard(m_fx.session(m_fx.ops));
        const QDate today = shopToday(QDateTime::currentDateTimeUtc(), u"UTC"_s);
        auto days = dashboard.sales(DayRange{today.addDays(-1), today.addDays(1)});
        QVERIFY2(days, qPrintable(days ? QString() : days.error().message));
        qint64 gross = 0, orders = 0;
        for (const DailySales &d : *days)
            if (d.channel == u"pos"_s) {
                gross += d.grossMinor;
                orders += d.orders;
            }
        QCOMPARE(gross, z->total.minor());
        QCOMPARE(orders, qint64(z->salesCount));

        // The report as people read it.
        const auto lines = z->lines();
        const auto has = [&](const QString &label, const QString &value) {
            for (const auto &l : lines)
                if (l.first == label && l.second == value)
                    return true;
            return false;
        };
        QVERIFY(has(u"Expected in drawer"_s, u"$305.00"_s));
        QVERIFY(has(u"Counted"_s, u"$295.25"_s));
        QVERIFY(has(u"Short"_s, u"-$9.75"_s));
        QVERIFY(has(u"Cash (2)"_s, u"$170.00"_s));
        QVERIFY(has(u"Paid out"_s, u"-$25.00"_s));
    }

    void cashRefund_comesOutOfTheRefundersDrawer()
    {
        auto staffDrawer = m_staffDrawer->open(usd(5000), std::nullopt);
        QVERIFY2(staffDrawer, qPrintable(staffDrawer ? QString() : staffDrawer.error().message));
        const QString sale = placeAndPayCash(u"POS-FLAT"_s, {}, usd(5000));
        QVERIFY(!sale.isEmpty());
        auto opsDrawer = m_opsDrawer->open(usd(10000), std::nullopt);
        QVERIFY(opsDrawer);
        const QString refunded = m_fx.as(*m_fx.connect(m_fx.ops), "SELECT rdk.request_refund('" + str(sale) + "', 2000, NULL, 'scuffed')");
        QVERIFY2(!refunded.startsWith(u"ERROR"_s), qPrintable(refunded));
        auto opsNow = m_opsDrawer->current();
        QVERIFY(opsNow && opsNow->has_value());
        QCOMPARE((*opsNow)->cash, usd(8000));
        auto report = m_opsDrawer->report(opsDrawer->id);
        QVERIFY(report);
        QCOMPARE(report->cashRefunds, usd(2000));
        QCOMPARE(report->cashRefundCount, 1);
        QCOMPARE(report->movements.size(), 1);
        QCOMPARE(report->movements[0].kind, u"refund"_s);
        QCOMPARE(report->movements[0].reason, u"scuffed"_s);
        // The cashier's drawer kept the sale.
        auto staffNow = m_staffDrawer->current();
        QVERIFY(staffNow && staffNow->has_value());
        QCOMPARE((*staffNow)->cash, usd(10000));
        // The manager sees both open drawers (the cashier's with what it should hold); the cashier only their own.
        auto listed = m_opsDrawer->openDrawers();
        QVERIFY2(listed, qPrintable(listed ? QString() : listed.error().message));
        QCOMPARE(listed->size(), 2);
        QCOMPARE(listed->at(0).openedBy, u"Dana Cashier"_s);
        QVERIFY(!listed->at(0).mine);
        QCOMPARE(listed->at(0).cash, usd(10000));
        QVERIFY(listed->at(1).mine);
        auto own = m_staffDrawer->openDrawers();
        QVERIFY(own);
        QCOMPARE(own->size(), 1);
        QCOMPARE(own->at(0).id, staffDrawer->id);
        // A manager closes the cashier's drawer at night; the cashier can't close the manager's.
        POS_EXPECT_ERROR(m_staffDrawer->close(opsDrawer->id, usd(8000), std::nullopt, {}), ErrorCode::Forbidden);
        auto closedForThem = m_opsDrawer->close(staffDrawer->id, usd(10000), std::nullopt, u"closing up"_s);
        QVERIFY2(closedForThem, qPrintable(closedForThem ? QString() : closedForThem.error().message));
        QCOMPARE(closedForThem->closedBy, m_fx.scalar("SELECT display_name FROM profiles WHERE db_role = $1", m_fx.ops.login));
        QCOMPARE(overShort(*closedForThem->counted, closedForThem->expected), usd(0));
        QVERIFY(m_opsDrawer->close(opsDrawer->id, usd(8000), std::nullopt, {}));
    }

    // Two counter PCs open the same cashier's drawer at once: one wins, the other gets a sentence.
    void openRace_secondOpenIsRefusedWithASentence()
    {
        auto conn = m_fx.connect(m_fx.staff);
        pqxx::work first(*conn);
        first.exec("SELECT rdk.drawer_open(1000, NULL)");   // not committed yet: holds the index entry
        std::optional<Result<DrawerSession>> second;
        std::thread racer([&] { second = m_staffDrawer->open(usd(2000), std::nullopt); });
        // Wait until the second open waits on the first's row, then let the first commit.
        QTRY_VERIFY(m_fx.count("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + str(m_fx.staff.login) +
                               "' AND wait_event_type = 'Lock'") == 1);
        first.commit();
        racer.join();
        QVERIFY(second.has_value());
        POS_EXPECT_ERROR(*second, ErrorCode::Conflict);
        QCOMPARE(second->error().message, u"Your cash drawer is already open; close it first."_s);
        auto current = m_staffDrawer->current();
        QVERIFY(current && current->has_value());
        QCOMPARE((*current)->floatAmount, usd(1000));
        QVERIFY(m_staffDrawer->close((*current)->id, usd(1000), std::nullopt, {}));
    }

    void badInput_sentencesFromTheStore()
    {
        POS_EXPECT_ERROR(m_staffDrawer->open(usd(-100), std::nullopt), ErrorCode::Invalid);
        DrawerCount wrong;
        wrong.counts = {{3, 1}};
        auto bad = m_staffDrawer->open(usd(0), wrong);
        POS_EXPECT_ERROR(bad, ErrorCode::Invalid);
        QCOMPARE(bad.error().message, u"\"3\" is not a note or coin of USD."_s);
        POS_EXPECT_ERROR(m_staffDrawer->pay(DrawerPayKind::PaidIn, usd(100), u"change"_s), ErrorCode::Conflict);
        POS_EXPECT_ERROR(m_staffDrawer->close(u"not-a-session"_s, usd(0), std::nullopt, {}), ErrorCode::NotFound);
        QCOMPARE(m_fx.count("SELECT count(*) FROM drawer_sessions WHERE closed_at IS NULL"), 0);
    }
};

QTEST_GUILESS_MAIN(TestDrawerData)
#include "tst_drawer_data.moc"

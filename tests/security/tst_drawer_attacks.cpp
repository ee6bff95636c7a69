// The cash drawer attacked the way a cashier with psql would (migration 0017, module
// drawer.sql): direct writes to the drawer tables after SET ROLE to every role the login
// reaches, closing or reading a colleague's drawer, cash without an open drawer, bad counts and
// floats, paying out more than the drawer holds, refunding more cash than it holds, another
// shop's drawers, and the storefront's service login. Every attack has a positive control for
// the same login; refusals change nothing.
#include "securitytest.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kOneLine = R"([{"sku": "DRW-RUN", "size": "10", "quantity": 1}])";

const std::vector<std::pair<const char *, std::string>> kDirectWrites = {
    {"open a drawer by hand",
     "INSERT INTO drawer_sessions (tenant_id, opened_by, currency, float_minor) "
     "SELECT tenant_id, id, 'USD', 100000 FROM profiles LIMIT 1"},
    {"close a drawer by hand",
     "UPDATE drawer_sessions SET closed_at = now(), closed_by = opened_by, counted_minor = 0, expected_minor = 0"},
    {"raise a float", "UPDATE drawer_sessions SET float_minor = 999999"},
    {"hide a shortage", "UPDATE drawer_sessions SET counted_minor = expected_minor"},
    {"erase a drawer", "DELETE FROM drawer_sessions"},
    {"add cash by hand",
     "INSERT INTO drawer_movements (tenant_id, session_id, kind, amount_minor, reason, by_profile) "
     "SELECT tenant_id, id, 'paid_in', 100000, 'x', opened_by FROM drawer_sessions LIMIT 1"},
    {"shrink a paid out", "UPDATE drawer_movements SET amount_minor = -1"},
    {"erase a paid out", "DELETE FROM drawer_movements"},
    {"truncate movements", "TRUNCATE drawer_movements"},
    {"truncate drawers", "TRUNCATE drawer_sessions CASCADE"},
};

} // namespace

class TestDrawerAttacks final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_cashier, m_ops, m_admin, m_service, m_staffB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }
    long long count(const std::string &sql) { return std::stoll(owner(sql)); }

    // Every drawer row of every shop, as one text: "nothing changed" compares two of these.
    std::string drawerState()
    {
        return owner("SELECT coalesce(string_agg(x, '|' ORDER BY x), '') FROM ("
                     "  SELECT s.id || ':' || s.float_minor || ':' || coalesce(s.closed_at::text, 'open') || ':' || "
                     "         coalesce(s.counted_minor::text, '-') AS x FROM drawer_sessions s "
                     "  UNION ALL SELECT m.id || ':' || m.kind || ':' || m.amount_minor FROM drawer_movements m) t");
    }

    void addProduct(const QString &tenant, const QString &sku, int stock)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + str(sku) +
              "', 'Runner', 'Nike', 'Black', 'new', 12000, 'USD', 'per_size', 'mens', '{10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT tenant_id, id, '10', " +
              std::to_string(stock) + " FROM p");
    }

    QString placeSale(const QString &who)
    {
        return qstr(scalarCommitted(as(who), "SELECT rdk.pos_place_sale('" + std::string(kOneLine) + "', 0, NULL, 15)::text"));
    }

    QString openDrawer(const QString &who, qint64 floatMinor)
    {
        return qstr(scalarCommitted(as(who), "SELECT rdk.drawer_open(" + std::to_string(floatMinor) + ", NULL)::text"));
    }

    void closeDrawer(const QString &who, const QString &session)
    {
        scalarCommitted(as(who), "SELECT rdk.drawer_close('" + str(session) + "', 0, NULL, 'test cleanup')");
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"drawer-a"_s);
        m_shopB = m_db->createTenant(u"drawer-b"_s);
        addProduct(m_shopA, u"DRW-RUN"_s, 100);
        addProduct(m_shopB, u"DRW-RUN"_s, 100);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_cashier = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"cashier"_s] = connectAs(*m_db, m_cashier);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin verified"_s] = connectAs(*m_db, m_admin);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"staff B"_s] = connectAs(*m_db, m_staffB);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(as(u"admin verified"_s), totpNow(m_db->totpSecretOf(m_admin.login))));
        owner("UPDATE profiles SET display_name = 'Casey Cashier' WHERE db_role = '" + str(m_cashier.login) + "'");
    }

    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    // Direct writes to the drawer tables, after SET ROLE to every role the login reaches. The
    // positive control opens a drawer through its function as the same role (rolled back).
    void directWrites_refusedAfterEverySetRole_data()
    {
        QTest::addColumn<QString>("who");
        for (const char *who : {"staff", "ops", "admin verified", "service"})
            QTest::addRow("%s", who) << QString::fromLatin1(who);
    }

    void directWrites_refusedAfterEverySetRole()
    {
        QFETCH(QString, who);
        // A drawer of the shop exists, so an UPDATE or DELETE would have a row to hit.
        const QString session = openDrawer(u"cashier"_s, 10000);
        const std::string before = drawerState();
        const QStringList roles = reachableRoles(as(who));
        QVERIFY2(roles.size() >= 2, qPrintable(roles.join(u", "_s)));
        for (const QString &role : roles) {
            const std::string setRole = setLocalRole(role);
            for (const auto &[what, sql] : kDirectWrites) {
                const Outcome o = tryExec(as(who), setRole + sql);
                QVERIFY2(o.refused(), qPrintable(u"%1 as %2 could %3: %4"_s.arg(who, role, QString::fromLatin1(what), o.describe())));
            }
            const Outcome honest = tryExec(as(who), setRole + "SELECT rdk.drawer_open(15000, NULL)");
            if (who == u"service"_s)
                QVERIFY2(honest.refused(), qPrintable(honest.describe()));  // no EXECUTE: drawers are no business of rdk-sync
            else
                QVERIFY2(honest.ok, qPrintable(who + u" as "_s + role + u": "_s + honest.describe()));
        }
        QCOMPARE(drawerState(), before);
        closeDrawer(u"cashier"_s, session);
    }

    // The storefront's login reads no drawer and calls no drawer function; its own work still runs.
    void serviceLogin_cannotTouchDrawers()
    {
        const QString session = openDrawer(u"cashier"_s, 10000);
        for (const QString &role : reachableRoles(as(u"service"_s))) {
            const std::string setRole = setLocalRole(role);
            for (const std::string &sql : std::vector<std::string>{"SELECT count(*) FROM drawer_sessions", "SELECT count(*) FROM drawer_movements",
                                          "SELECT rdk.drawer_report('" + str(session) + "')",
                                          "SELECT rdk.drawer_close('" + str(session) + "', 0, NULL, NULL)",
                                          "SELECT rdk.drawer_pay('paid_out', 100, 'lunch')",
                                          "SELECT count(*) FROM rdk.drawer_open_sessions()",
                                          std::string("SELECT rdk.drawer_take_cash(NULL, NULL, 'USD', 1, 'x')")}) {
                const Outcome o = tryExec(as(u"service"_s), setRole + sql);
                QVERIFY2(o.refused(), qPrintable(u"service as %1: %2 -> %3"_s.arg(role, qstr(sql), o.describe())));
            }
        }
        const Outcome honest = tryExec(as(u"service"_s), "SELECT rdk.checkout_place_order('" + std::string(kOneLine) +
                                                              "', 'a@example.com', 35)");
        QVERIFY2(honest.ok, qPrintable(honest.describe()));
        QVERIFY(owner("SELECT closed_at FROM drawer_sessions WHERE id = '" + str(session) + "'").empty());
        closeDrawer(u"cashier"_s, session);
    }

    // Closing (or reading) a colleague's drawer: refused for staff, allowed for a manager,
    // audited with who closed it for whom.
    void colleaguesDrawer_staffRefused_managerClosesAudited()
    {
        const QString session = openDrawer(u"cashier"_s, 10000);
        const std::string before = drawerState();
        for (const QString &role : reachableRoles(as(u"staff"_s))) {
            const std::string setRole = setLocalRole(role);
            const Outcome close = tryExec(as(u"staff"_s), setRole + "SELECT rdk.drawer_close('" + str(session) + "', 10000, NULL, NULL)");
            QVERIFY2(close.refused(), qPrintable(close.describe()));
            QVERIFY2(close.message.contains(u"This is Casey Cashier's drawer; only they or a manager (ops or admin) can close it."_s),
                     qPrintable(close.message));
            const Outcome report = tryExec(as(u"staff"_s), setRole + "SELECT rdk.drawer_report('" + str(session) + "')");
            QVERIFY2(report.refused(), qPrintable(report.describe()));
            const Outcome see = tryExec(as(u"staff"_s), setRole + "SELECT count(*) FROM drawer_sessions WHERE id = '" + str(session) + "'", true);
            QVERIFY2(see.ok && see.rows == 0, qPrintable(see.describe()));
        }
        // The list of open drawers shows staff their own only; ops sees the colleague's.
        const Outcome list = tryExec(as(u"staff"_s), "SELECT count(*) FROM rdk.drawer_open_sessions() WHERE session_id = '" + str(session) + "'", true);
        QVERIFY2(list.ok && list.rows == 0, qPrintable(list.describe()));
        const Outcome ownList = tryExec(as(u"cashier"_s), "SELECT count(*) FROM rdk.drawer_open_sessions() WHERE mine AND opened_by = 'Casey Cashier'", true);
        QVERIFY2(ownList.ok && ownList.rows == 1, qPrintable(ownList.describe()));
        const Outcome managerList = tryExec(as(u"ops"_s), "SELECT count(*) FROM rdk.drawer_open_sessions() WHERE session_id = '" + str(session) +
                                                              "' AND NOT mine AND cash_minor = 10000", true);
        QVERIFY2(managerList.ok && managerList.rows == 1, qPrintable(managerList.describe()));
        QCOMPARE(drawerState(), before);
        // Positive controls: the cashier reads their own; ops sees it and closes it for them.
        QVERIFY(tryExec(as(u"cashier"_s), "SELECT rdk.drawer_report('" + str(session) + "')").ok);
        const Outcome seen = tryExec(as(u"ops"_s), "SELECT count(*) FROM drawer_sessions WHERE id = '" + str(session) + "'", true);
        QVERIFY2(seen.ok && seen.rows == 1, qPrintable(seen.describe()));
        QCOMPARE(qstr(scalarCommitted(as(u"ops"_s), "SELECT rdk.drawer_close('" + str(session) + "', 9500, NULL, 'closing up for Casey')")),
                 u"-500"_s);
        QCOMPARE(qstr(owner("SELECT actor || '|' || (after ->> 'drawer_of') || '|' || (after ->> 'closed_for_colleague') || '|' || "
                            "(after ->> 'over_short_minor') || '|' || reason FROM audit_log "
                            "WHERE action = 'drawer_close' AND entity_id = '" + str(session) + "'")),
                 u"%1|Casey Cashier|true|-500|closing up for Casey"_s.arg(m_ops.login));
        // Closed is closed: a second close changes nothing.
        const Outcome again = tryExec(as(u"cashier"_s), "SELECT rdk.drawer_close('" + str(session) + "', 10000, NULL, NULL)");
        QVERIFY2(!again.ok && again.sqlstate == "P0001" && again.message.contains(u"already closed"_s), qPrintable(again.describe()));
    }

    // Cash needs the caller's own open drawer, for every role; a colleague's open drawer is not theirs.
    void cashWithoutOpenDrawer_refusedForEveryRole_data()
    {
        QTest::addColumn<QString>("who");
        for (const char *who : {"staff", "ops", "admin verified"})
            QTest::addRow("%s", who) << QString::fromLatin1(who);
    }

    void cashWithoutOpenDrawer_refusedForEveryRole()
    {
        QFETCH(QString, who);
        const QString colleague = openDrawer(u"cashier"_s, 10000);
        const QString sale = placeSale(who);
        const QString label = u"RDK-"_s + qstr(owner("SELECT order_number FROM orders WHERE id = '" + str(sale) + "'"));
        for (const QString &role : reachableRoles(as(who))) {
            const Outcome cash = tryExec(as(who), setLocalRole(role) + "SELECT rdk.record_cash_payment('" + str(sale) + "', 12000)");
            QVERIFY2(!cash.ok && cash.sqlstate == "P0001", qPrintable(cash.describe()));
            QVERIFY2(cash.message.contains(u"Open your cash drawer before taking cash for %1."_s.arg(label)), qPrintable(cash.message));
        }
        QCOMPARE(owner("SELECT status FROM orders WHERE id = '" + str(sale) + "'"), std::string("pending"));
        QCOMPARE(count("SELECT count(*) FROM drawer_movements WHERE order_id = '" + str(sale) + "'"), 0LL);
        // Positive control: with their own drawer open, the same login takes the cash, into that drawer.
        const Outcome honest = tryExec(as(who), "SELECT rdk.drawer_open(0, NULL); SELECT rdk.record_cash_payment('" + str(sale) +
                                                    "', 20000); SELECT count(*) FROM drawer_movements m "
                                                    "JOIN drawer_sessions s ON s.id = m.session_id "
                                                    "WHERE m.order_id = '" + str(sale) + "' AND s.opened_by = rdk.current_profile_id() "
                                                    "AND m.amount_minor = 12000", true);
        QVERIFY2(honest.ok && honest.rows == 1, qPrintable(honest.describe()));
        scalarCommitted(as(who), "SELECT rdk.cancel_order('" + str(sale) + "', 'test')");
        closeDrawer(u"cashier"_s, colleague);
    }

    // Bad input: a clear sentence and nothing changed; the honest open works.
    void badInput_clearSentenceNothingChanged_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("sqlstate");
        QTest::addColumn<QString>("sentence");
        QTest::addRow("negative float") << u"SELECT rdk.drawer_open(-1, NULL)"_s << u"22023"_s << u"The float can't be negative."_s;
        QTest::addRow("no float") << u"SELECT rdk.drawer_open(NULL, NULL)"_s << u"22023"_s << u"Enter the float of the drawer."_s;
        QTest::addRow("huge float") << u"SELECT rdk.drawer_open(100000001, NULL)"_s << u"22023"_s
                                    << u"The float (1000000.01 USD) is more than a drawer holds; check the amount."_s;
        QTest::addRow("unknown coin") << uR"(SELECT rdk.drawer_open(NULL, '{"3": 1}'))"_s << u"22023"_s << u"\"3\" is not a note or coin of USD."_s;
        QTest::addRow("negative count") << uR"(SELECT rdk.drawer_open(NULL, '{"100": -1}'))"_s << u"22023"_s
                                        << u"Count each note or coin as a whole number from 0 to 10000."_s;
        QTest::addRow("fractional count") << uR"(SELECT rdk.drawer_open(NULL, '{"100": 1.5}'))"_s << u"22023"_s
                                          << u"Count each note or coin as a whole number from 0 to 10000."_s;
        QTest::addRow("count too big") << uR"(SELECT rdk.drawer_open(NULL, '{"100": 10001}'))"_s << u"22023"_s
                                       << u"Count each note or coin as a whole number from 0 to 10000."_s;
        QTest::addRow("count not an object") << uR"(SELECT rdk.drawer_open(NULL, '[100, 1]'))"_s << u"22023"_s
                                             << u"The count must list each note or coin and how many there are."_s;
        QTest::addRow("count and amount disagree") << uR"(SELECT rdk.drawer_open(5000, '{"2000": 2}'))"_s << u"22023"_s
                                                   << u"The float by denomination comes to 40.00 USD, not 50.00 USD."_s;
        QTest::addRow("paid out without a drawer") << u"SELECT rdk.drawer_pay('paid_out', 100, 'lunch')"_s << u"P0001"_s
                                                   << u"Open your cash drawer first."_s;
        QTest::addRow("paid out without a reason") << u"SELECT rdk.drawer_pay('paid_out', 100, '  ')"_s << u"22023"_s << u"Give a reason."_s;
        QTest::addRow("paid in of nothing") << u"SELECT rdk.drawer_pay('paid_in', 0, 'change')"_s << u"22023"_s
                                            << u"The amount must be more than zero."_s;
        QTest::addRow("negative paid out") << u"SELECT rdk.drawer_pay('paid_out', -500, 'sneaky')"_s << u"22023"_s
                                           << u"The amount must be more than zero."_s;
        QTest::addRow("other kind") << u"SELECT rdk.drawer_pay('sale', 500, 'sneaky')"_s << u"22023"_s
                                    << u"Cash is either paid in or paid out."_s;
        QTest::addRow("close nothing") << u"SELECT rdk.drawer_close('00000000-0000-0000-0000-000000000000', 0, NULL, NULL)"_s
                                       << u"P0002"_s << u"That drawer session does not exist."_s;
    }

    void badInput_clearSentenceNothingChanged()
    {
        QFETCH(QString, sql);
        QFETCH(QString, sqlstate);
        QFETCH(QString, sentence);
        const std::string before = drawerState();
        const Outcome o = tryExec(as(u"staff"_s), str(sql));
        QVERIFY2(!o.ok && o.sqlstate == str(sqlstate), qPrintable(o.describe()));
        QVERIFY2(o.message.endsWith(sentence), qPrintable(o.message + u" / expected: "_s + sentence));
        QCOMPARE(drawerState(), before);
        // Positive control: an honest float, counted by denomination, is summed by the database.
        const Outcome honest = tryExec(as(u"staff"_s), R"(SELECT rdk.drawer_open(NULL, '{"2000": 5, "100": 40, "25": 40}'); )"
                                                       "SELECT float_minor FROM drawer_sessions WHERE closed_at IS NULL", true);
        QVERIFY2(honest.ok && honest.rows == 15000, qPrintable(honest.describe()));
    }

    // Paid out never takes more than the drawer holds; a cash refund likewise.
    void moreCashThanTheDrawerHolds_refused()
    {
        const QString mine = openDrawer(u"cashier"_s, 5000);
        const Outcome out = tryExec(as(u"cashier"_s), "SELECT rdk.drawer_pay('paid_out', 5001, 'supplier')");
        QVERIFY2(!out.ok && out.sqlstate == "P0001", qPrintable(out.describe()));
        QVERIFY2(out.message.endsWith(u"Your drawer holds 50.00 USD; 50.01 USD can't be paid out of it."_s), qPrintable(out.message));
        QVERIFY(tryExec(as(u"cashier"_s), "SELECT rdk.drawer_pay('paid_out', 5000, 'supplier')").ok);  // all of it: fine

        // A cash sale of 120.00 by the cashier, refunded by ops from ops' own (small) drawer.
        const QString sale = placeSale(u"cashier"_s);
        scalarCommitted(as(u"cashier"_s), "SELECT rdk.record_cash_payment('" + str(sale) + "', 12000)");
        const Outcome none = tryExec(as(u"ops"_s), "SELECT rdk.request_refund('" + str(sale) + "', NULL, NULL, 'returned')");
        QVERIFY2(!none.ok && none.sqlstate == "P0001" && none.message.contains(u"Open your cash drawer before refunding cash"_s),
                 qPrintable(none.describe()));
        const QString opsDrawer = openDrawer(u"ops"_s, 1000);
        const std::string withOps = drawerState();
        const Outcome small = tryExec(as(u"ops"_s), "SELECT rdk.request_refund('" + str(sale) + "', NULL, NULL, 'returned')");
        QVERIFY2(!small.ok && small.sqlstate == "P0001", qPrintable(small.describe()));
        QVERIFY2(small.message.endsWith(u"Your drawer holds 10.00 USD, less than the refund of 120.00 USD."_s), qPrintable(small.message));
        QCOMPARE(drawerState(), withOps);
        QCOMPARE(owner("SELECT status || ' ' || refunded_minor FROM orders WHERE id = '" + str(sale) + "'"), std::string("paid 0"));
        // Positive control: with change brought in, the refund comes out of ops' drawer.
        // The drawer's internal helpers are no API: no EXECUTE for a login.
        const Outcome internal = tryExec(as(u"ops"_s), "SELECT rdk.drawer_cash('" + str(opsDrawer) + "')");
        QVERIFY2(internal.refused(), qPrintable(internal.describe()));
        const Outcome refunded = tryExec(as(u"ops"_s), "SELECT rdk.drawer_pay('paid_in', 20000, 'change from the bank'); "
                                                       "SELECT rdk.request_refund('" + str(sale) + "', NULL, NULL, 'returned'); "
                                                       "SELECT sum(amount_minor) FROM drawer_movements WHERE session_id = '" +
                                                           str(opsDrawer) + "'", true);
        QVERIFY2(refunded.ok && refunded.rows == 20000 - 12000, qPrintable(refunded.describe()));
        closeDrawer(u"ops"_s, opsDrawer);
        closeDrawer(u"cashier"_s, mine);
    }

    // Another shop's drawers are invisible and untouchable, even for its managers' peers.
    void otherShopsDrawers_invisible()
    {
        const QString theirs = openDrawer(u"staff B"_s, 7000);
        const std::string before = drawerState();
        for (const QString &who : {u"staff"_s, u"ops"_s, u"admin verified"_s}) {
            for (const QString &role : reachableRoles(as(who))) {
                const std::string setRole = setLocalRole(role);
                const Outcome see = tryExec(as(who), setRole + "SELECT count(*) FROM drawer_sessions WHERE id = '" + str(theirs) + "'", true);
                QVERIFY2(see.ok && see.rows == 0, qPrintable(who + u": "_s + see.describe()));
                const Outcome moves = tryExec(as(who), setRole + "SELECT count(*) FROM drawer_movements WHERE tenant_id = '" + str(m_shopB) + "'", true);
                QVERIFY2(moves.ok && moves.rows == 0, qPrintable(moves.describe()));
                const Outcome listed = tryExec(as(who), setRole + "SELECT count(*) FROM rdk.drawer_open_sessions() WHERE session_id = '" + str(theirs) + "'", true);
                QVERIFY2(listed.ok && listed.rows == 0, qPrintable(listed.describe()));
                for (const std::string &sql : std::vector<std::string>{"SELECT rdk.drawer_report('" + str(theirs) + "')",
                                              "SELECT rdk.drawer_close('" + str(theirs) + "', 7000, NULL, NULL)"}) {
                    const Outcome o = tryExec(as(who), setRole + sql);
                    QVERIFY2(!o.ok && (o.sqlstate == "P0002" || o.refused()), qPrintable(who + u" as "_s + role + u": "_s + o.describe()));
                }
            }
        }
        QCOMPARE(drawerState(), before);
        // Positive control: their own staff member sees and reads it.
        const Outcome own = tryExec(as(u"staff B"_s), "SELECT count(*) FROM drawer_sessions WHERE id = '" + str(theirs) + "'", true);
        QVERIFY2(own.ok && own.rows == 1, qPrintable(own.describe()));
        QVERIFY(tryExec(as(u"staff B"_s), "SELECT rdk.drawer_report('" + str(theirs) + "')").ok);
        closeDrawer(u"staff B"_s, theirs);
    }

    // One open drawer per staff member: a second open is refused with when the first began.
    void secondOpenDrawer_refused()
    {
        const QString mine = openDrawer(u"cashier"_s, 1000);
        const Outcome again = tryExec(as(u"cashier"_s), "SELECT rdk.drawer_open(1000, NULL)");
        QVERIFY2(!again.ok && again.sqlstate == "P0001" && again.message.contains(u"Your drawer is already open (since "_s),
                 qPrintable(again.describe()));
        closeDrawer(u"cashier"_s, mine);
        QVERIFY(tryExec(as(u"cashier"_s), "SELECT rdk.drawer_open(1000, NULL)").ok);
    }
};

QTEST_GUILESS_MAIN(TestDrawerAttacks)
#include "tst_drawer_attacks.moc"

// Returns attacked the way a cashier with psql would (migration 0019, module returns.sql):
// direct writes to returns, return_lines, the returned count of a line and the shop's return
// policy after SET ROLE to every role the login reaches; the internal helpers; another shop's
// orders and returns; a refund amount of their own; the cashier's limit and window; and the
// storefront's service login. Every attack has a positive control for the same login;
// refusals change nothing.
#include "securitytest.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const std::vector<std::pair<const char *, std::string>> kDirectWrites = {
    {"record a return by hand",
     "INSERT INTO returns (tenant_id, order_id, currency, refund_minor, method, reason) "
     "SELECT tenant_id, id, currency, total_minor, 'cash', 'x' FROM orders LIMIT 1"},
    {"raise a return's refund", "UPDATE returns SET refund_minor = refund_minor + 100000"},
    {"erase a return", "DELETE FROM returns"},
    {"add a return line by hand",
     "INSERT INTO return_lines (tenant_id, return_id, order_item_id, quantity, restock, refund_minor) "
     "SELECT r.tenant_id, r.id, i.id, 1, true, 1 FROM returns r JOIN order_items i ON i.order_id = r.order_id LIMIT 1"},
    {"turn a damaged pair into a shelf pair", "UPDATE return_lines SET restock = NOT restock"},
    {"erase return lines", "DELETE FROM return_lines"},
    {"truncate returns", "TRUNCATE returns CASCADE"},
    {"forget a returned pair", "UPDATE order_items SET returned_quantity = 0"},
    {"widen the return window", "UPDATE tenants SET return_window_days = NULL"},
    {"lift the cashier limit", "UPDATE tenants SET staff_return_limit_minor = NULL"},
    {"move an exchange credit onto an order", "UPDATE orders SET credit_minor = total_minor"},
    {"forget what moved to an exchange", "UPDATE orders SET credited_minor = 0"},
    {"mark an exchange done", "UPDATE returns SET state = 'exchanged'"},
    {"call the take-back helper", "SELECT * FROM rdk.return_take_back(NULL, NULL, '[]', 'x', 'completed', NULL)"},
    {"call the refund helper", "SELECT rdk.return_refund(NULL, NULL, 100, false, 'x')"},
    {"call the limit helper", "SELECT rdk.return_check_staff_limit(NULL, 1, 'USD')"},
    {"call the share helper", "SELECT rdk.return_floor_share(1, 1, 1)"},
    {"call the line share helper", "SELECT * FROM rdk.order_line_paid(NULL)"},
};

} // namespace

class TestReturnsAttacks final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB, m_productA, m_productB;
    Login m_staff, m_ops, m_admin, m_service, m_staffB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    QString addProduct(const QString &tenant)
    {
        return qstr(owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
                          "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) +
                          "', 'RET-RUN', 'Runner', 'Nike', 'Black', 'new', 12000, 'USD', 'per_size', 'mens', '{10}', true) "
                          "RETURNING id, tenant_id), i AS (INSERT INTO inventory (tenant_id, product_id, size, quantity) "
                          "SELECT tenant_id, id, '10', 5 FROM p) SELECT id::text FROM p"));
    }

    // A paid cash order of `pairs` Runners size 10 at 120.00 in a shop, made as the owner.
    QString paidOrder(const QString &tenant, const QString &product, int pairs)
    {
        const std::string total = std::to_string(12000 * pairs);
        const QString id = qstr(owner("INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, "
                                      "payment_method, paid_at) VALUES ('" + str(tenant) + "', 'pos', 'pending', 'USD', " + total +
                                      ", " + total + ", 'cash', now()) RETURNING id::text"));
        owner("INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, line_total_minor) "
              "VALUES ('" + str(tenant) + "', '" + str(id) + "', '" + str(product) + "', 'RET-RUN', 'Runner', '10', " +
              std::to_string(pairs) + ", 12000, " + total + ")");
        owner("UPDATE orders SET status = 'paid' WHERE id = '" + str(id) + "'");
        return id;
    }

    static constexpr const char *kNewRun = R"([{"sku": "RET-RUN", "size": "10", "quantity": 1}])";

    std::string exchangeCall(const QString &order, const std::string &item, const std::string &newLines)
    {
        return "SELECT due_minor FROM rdk.pos_exchange('" + str(order) + "', '[{\"item_id\": " + item +
               ", \"quantity\": 1, \"restock\": true}]', '" + newLines + "', 'attack test', 15)";
    }

    std::string itemOf(const QString &order)
    {
        return owner("SELECT min(id)::text FROM order_items WHERE order_id = '" + str(order) + "'");
    }

    std::string returnCall(const QString &order, const std::string &item, int quantity, const std::string &extra = {})
    {
        return "SELECT refund_minor FROM rdk.pos_return('" + str(order) + "', '[{\"item_id\": " + item + ", \"quantity\": " +
               std::to_string(quantity) + ", \"restock\": true" + extra + "}]', 'attack test')";
    }

    // Everything a return touches, as one text: "nothing changed" compares two of these.
    std::string state()
    {
        return owner("SELECT (SELECT count(*) FROM returns) || '|' || (SELECT count(*) FROM return_lines) || '|' || "
                     "(SELECT count(*) FROM stripe_requests) || '|' || "
                     "(SELECT string_agg(status || ':' || refunded_minor, ',' ORDER BY order_number) FROM orders) || '|' || "
                     "(SELECT string_agg(returned_quantity || ':' || restocked_quantity, ',' ORDER BY id) FROM order_items) || '|' || "
                     "(SELECT string_agg(quantity::text, ',' ORDER BY id) FROM inventory) || '|' || "
                     "(SELECT string_agg(coalesce(return_window_days, -1) || ':' || coalesce(staff_return_limit_minor, -1), ',' "
                     "                   ORDER BY id) FROM tenants)");
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"returns-a"_s);
        m_shopB = m_db->createTenant(u"returns-b"_s);
        m_productA = addProduct(m_shopA);
        m_productB = addProduct(m_shopB);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin verified"_s] = connectAs(*m_db, m_admin);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"staff B"_s] = connectAs(*m_db, m_staffB);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(as(u"admin verified"_s), totpNow(m_db->totpSecretOf(m_admin.login))));
        // Cash refunds leave the caller's open drawer (module drawer.sql).
        for (const QString &who : {u"staff"_s, u"ops"_s, u"admin verified"_s, u"staff B"_s})
            scalarCommitted(as(who), "SELECT rdk.drawer_open(5000000, NULL)::text");
    }

    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    // Direct writes after SET ROLE to every role the login reaches; the positive control takes a
    // pair back through rdk.pos_return as the same role (rolled back).
    void directWrites_refusedAfterEverySetRole_data()
    {
        QTest::addColumn<QString>("who");
        for (const char *who : {"staff", "ops", "admin verified", "service"})
            QTest::addRow("%s", who) << QString::fromLatin1(who);
    }
    void directWrites_refusedAfterEverySetRole()
    {
        QFETCH(QString, who);
        const QString order = paidOrder(m_shopA, m_productA, 2);
        // A return of the shop exists, so an UPDATE or DELETE would have a row to hit.
        scalarCommitted(as(u"ops"_s), returnCall(order, itemOf(order), 1));
        const std::string before = state();
        const QStringList roles = reachableRoles(as(who));
        QVERIFY2(roles.size() >= 2, qPrintable(roles.join(u", "_s)));
        for (const QString &role : roles) {
            const std::string setRole = setLocalRole(role);
            for (const auto &[what, sql] : kDirectWrites) {
                const Outcome o = tryExec(as(who), setRole + sql);
                QVERIFY2(o.refused(), qPrintable(u"%1 as %2 could %3: %4"_s.arg(who, role, QString::fromLatin1(what), o.describe())));
            }
            const Outcome honest = tryExec(as(who), setRole + returnCall(order, itemOf(order), 1), true);
            if (who == u"service"_s)
                QVERIFY2(honest.refused(), qPrintable(honest.describe()));  // no EXECUTE: returns are no business of rdk-sync
            else
                QVERIFY2(honest.ok && honest.rows == 12000, qPrintable(who + u" as "_s + role + u": "_s + honest.describe()));
        }
        QCOMPARE(state(), before);
    }

    // The storefront's login reads no return, calls no return function; its own work still runs.
    void serviceLogin_cannotTouchReturns()
    {
        const QString order = paidOrder(m_shopA, m_productA, 1);
        const std::string before = state();
        for (const QString &role : reachableRoles(as(u"service"_s))) {
            const std::string setRole = setLocalRole(role);
            for (const std::string &sql : std::vector<std::string>{"SELECT count(*) FROM returns", "SELECT count(*) FROM return_lines",
                                                                   returnCall(order, itemOf(order), 1),
                                                                   "SELECT rdk.set_return_policy(NULL, NULL)",
                                                                   exchangeCall(order, itemOf(order), kNewRun)}) {
                const Outcome o = tryExec(as(u"service"_s), setRole + sql);
                QVERIFY2(o.refused(), qPrintable(u"service as %1: %2 -> %3"_s.arg(role, qstr(sql), o.describe())));
            }
        }
        QCOMPARE(state(), before);
        const Outcome honest = tryExec(as(u"service"_s), "SELECT count(*) FROM rdk.claim_stripe_requests(1)");
        QVERIFY2(honest.ok, qPrintable(honest.describe()));
    }

    // Another shop's order can't be returned and its returns can't be seen, whatever the role.
    void otherShopsOrder_cannotBeReturnedNorSeen()
    {
        const QString theirs = paidOrder(m_shopB, m_productB, 2);
        const std::string theirItem = itemOf(theirs);
        scalarCommitted(as(u"staff B"_s), returnCall(theirs, theirItem, 1));
        const QString mine = paidOrder(m_shopA, m_productA, 1);
        const std::string before = state();
        for (const QString &who : {u"staff"_s, u"ops"_s, u"admin verified"_s}) {
            for (const QString &role : reachableRoles(as(who))) {
                const std::string setRole = setLocalRole(role);
                const Outcome r = tryExec(as(who), setRole + returnCall(theirs, theirItem, 1));
                QVERIFY2(!r.ok && (r.sqlstate == "P0002" || r.refused()), qPrintable(who + u" as "_s + role + u": "_s + r.describe()));
                const Outcome see = tryExec(as(who), setRole + "SELECT count(*) FROM returns WHERE tenant_id = '" + str(m_shopB) + "'", true);
                QVERIFY2(see.ok && see.rows == 0, qPrintable(see.describe()));
                const Outcome lines = tryExec(as(who), setRole + "SELECT count(*) FROM return_lines WHERE tenant_id = '" + str(m_shopB) + "'", true);
                QVERIFY2(lines.ok && lines.rows == 0, qPrintable(lines.describe()));
            }
        }
        // An item of shop B inside an order of shop A is "not part of" it.
        const Outcome mixed = tryExec(as(u"staff"_s), returnCall(mine, theirItem, 1));
        QVERIFY2(!mixed.ok && mixed.sqlstate == "22023" && mixed.message.contains(u"is not part of"_s), qPrintable(mixed.describe()));
        QCOMPARE(state(), before);
        // Positive controls: shop B's cashier sees their return; shop A's cashier returns their own.
        const Outcome own = tryExec(as(u"staff B"_s), "SELECT count(*) FROM returns", true);
        QVERIFY2(own.ok && own.rows == 1, qPrintable(own.describe()));
        const Outcome honest = tryExec(as(u"staff"_s), returnCall(mine, itemOf(mine), 1), true);
        QVERIFY2(honest.ok && honest.rows == 12000, qPrintable(honest.describe()));
    }

    // A refund amount sent by the client is ignored: the database computes it from what was paid.
    void ownAmount_ignored()
    {
        const QString order = paidOrder(m_shopA, m_productA, 1);
        const Outcome o = tryExec(as(u"staff"_s), returnCall(order, itemOf(order), 1, ", \"refund_minor\": 99999999, \"amount\": 99999999"), true);
        QVERIFY2(o.ok && o.rows == 12000, qPrintable(o.describe()));
        // No parameter of pos_return takes an amount at all.
        QCOMPARE(owner("SELECT pg_get_function_identity_arguments('rdk.pos_return(uuid,jsonb,text)'::regprocedure)"),
                 std::string("p_order uuid, p_lines jsonb, p_reason text, OUT return_id uuid, OUT refund_minor bigint, OUT method text"));
    }

    // The cashier's limit and window hold after every SET ROLE the cashier's login reaches
    // (rdk_staff has no more than the login); ops takes the same return.
    void cashierLimitAndWindow_holdAfterEverySetRole()
    {
        const QString big = paidOrder(m_shopA, m_productA, 2);  // 240.00 > the 200.00 default limit
        const QString old = paidOrder(m_shopA, m_productA, 1);
        owner("UPDATE orders SET paid_at = now() - interval '45 days' WHERE id = '" + str(old) + "'");
        const std::string before = state();
        for (const QString &role : reachableRoles(as(u"staff"_s))) {
            const std::string setRole = setLocalRole(role);
            const Outcome limit = tryExec(as(u"staff"_s), setRole + returnCall(big, itemOf(big), 2));
            QVERIFY2(limit.refused() && limit.message.contains(u"need an ops or admin account"_s), qPrintable(role + u": "_s + limit.describe()));
            const Outcome window = tryExec(as(u"staff"_s), setRole + returnCall(old, itemOf(old), 1));
            QVERIFY2(window.refused() && window.message.contains(u"outside the shop's return window"_s), qPrintable(window.describe()));
            const Outcome policy = tryExec(as(u"staff"_s), setRole + "SELECT rdk.set_return_policy(NULL, NULL)");
            QVERIFY2(policy.refused(), qPrintable(policy.describe()));
        }
        QCOMPARE(state(), before);
        // Positive controls: ops takes both; the admin may change the policy.
        QVERIFY(tryExec(as(u"ops"_s), returnCall(big, itemOf(big), 2)).ok);
        QVERIFY(tryExec(as(u"ops"_s), returnCall(old, itemOf(old), 1)).ok);
        QVERIFY(tryExec(as(u"admin verified"_s), "SELECT rdk.set_return_policy(NULL, NULL)").ok);
        const Outcome opsPolicy = tryExec(as(u"ops"_s), "SELECT rdk.set_return_policy(NULL, NULL)");
        QVERIFY2(opsPolicy.refused(), qPrintable(opsPolicy.describe()));
    }

    // Exchanges: another shop's order, prices of one's own in the new lines, the cashier's limit
    // on the part refunded, and rdk-sync reporting the new sale's full total instead of the due.
    void exchange_attacks_refusedOrIgnored_honestPathWorks()
    {
        const QString theirs = paidOrder(m_shopB, m_productB, 1);
        const QString mine = paidOrder(m_shopA, m_productA, 1);
        const std::string before = state();
        for (const QString &role : reachableRoles(as(u"staff"_s))) {
            const Outcome o = tryExec(as(u"staff"_s), setLocalRole(role) + exchangeCall(theirs, itemOf(theirs), kNewRun));
            QVERIFY2(!o.ok && (o.sqlstate == "P0002" || o.refused()), qPrintable(role + u": "_s + o.describe()));
        }
        QCOMPARE(state(), before);
        // A price or a discount of one's own in the new lines: refused or ignored, never believed.
        const Outcome priced = tryExec(as(u"staff"_s), exchangeCall(mine, itemOf(mine),
                                                                    R"([{"sku": "RET-RUN", "size": "10", "quantity": 1, "price_minor": 1}])"), true);
        QVERIFY2(!priced.ok || priced.rows == 0, qPrintable(priced.describe()));  // 120.00 for 120.00: nothing due
        const Outcome discounted = tryExec(as(u"staff"_s), exchangeCall(mine, itemOf(mine),
                                                                        R"([{"sku": "RET-RUN", "size": "10", "quantity": 1, "discount_minor": 11999}])"));
        QVERIFY2(discounted.refused() || (!discounted.ok && discounted.sqlstate == "22023"), qPrintable(discounted.describe()));
        QCOMPARE(state(), before);
        // Positive control: the honest exchange, size for size, nothing due.
        const Outcome honest = tryExec(as(u"staff"_s), exchangeCall(mine, itemOf(mine), kNewRun), true);
        QVERIFY2(honest.ok && honest.rows == 0, qPrintable(honest.describe()));
    }

    void exchange_cashierLimitOnWhatIsRefunded()
    {
        owner("UPDATE tenants SET staff_return_limit_minor = 20000, return_window_days = 30");
        // Three pairs back (360.00) for one (120.00): 240.00 refunded, above the cashier's 200.00.
        const QString order = paidOrder(m_shopA, m_productA, 3);
        const std::string call = "SELECT refund_minor FROM rdk.pos_exchange('" + str(order) + "', '[{\"item_id\": " + itemOf(order) +
                                 ", \"quantity\": 3, \"restock\": true}]', '" + kNewRun + "', 'attack test', 15)";
        const std::string before = state();
        const Outcome o = tryExec(as(u"staff"_s), call);
        QVERIFY2(o.refused() && o.message.contains(u"returns over 200.00 USD need an ops or admin account"_s), qPrintable(o.describe()));
        QCOMPARE(state(), before);
        const Outcome ops = tryExec(as(u"ops"_s), call, true);
        QVERIFY2(ops.ok && ops.rows == 24000, qPrintable(ops.describe()));
    }

    // rdk-sync reporting the new sale's full total (not the due) is a mismatch: flagged for
    // review, not marked paid; the exact due is.
    void exchange_paymentOfTheFullTotal_flaggedNotPaid()
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy) "
              "VALUES ('" + str(m_shopA) + "', 'RET-LACE', 'Laces', 'Kickz', 'new', 5000, 'USD', 'flat') RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, quantity) SELECT tenant_id, id, 5 FROM p");
        const QString order = paidOrder(m_shopA, m_productA, 1);
        const std::string lines = R"([{"sku": "RET-RUN", "size": "10", "quantity": 1}, {"sku": "RET-LACE", "quantity": 1}])";
        const std::string exchange = "SELECT new_order_id::text FROM rdk.pos_exchange('" + str(order) + "', '[{\"item_id\": " +
                                     itemOf(order) + ", \"quantity\": 1, \"restock\": true}]', '" + lines + "', 'x', 15)";
        const Outcome tried = tryExec(as(u"staff"_s), exchange);
        QVERIFY2(tried.ok, qPrintable(tried.describe()));
        const QString newOrder = qstr(scalarCommitted(as(u"staff"_s), exchange));
        const auto pay = [&](const std::string &event, long long amount) {
            return tryExec(as(u"service"_s), "SELECT outcome FROM rdk.apply_payment_event('" + event + "', 'checkout.session.completed', '" +
                                                  str(newOrder) + "', 'pi_attack', 'paid', " + std::to_string(amount) +
                                                  ", 'usd', NULL, NULL, NULL, NULL)");
        };
        QVERIFY(pay("evt_full_total", 17000).ok);
        QCOMPARE(owner("SELECT status || ':' || needs_review FROM orders WHERE id = '" + str(newOrder) + "'"), std::string("pending:false"));
        // (rolled back by tryExec) -- now for real, committed: the full total flags, the due pays.
        scalarCommitted(as(u"service"_s), "SELECT outcome FROM rdk.apply_payment_event('evt_full_total_c', 'checkout.session.completed', '" +
                                             str(newOrder) + "', 'pi_attack', 'paid', 17000, 'usd', NULL, NULL, NULL, NULL)");
        QCOMPARE(owner("SELECT status || ':' || needs_review FROM orders WHERE id = '" + str(newOrder) + "'"), std::string("pending:true"));
        scalarCommitted(as(u"service"_s), "SELECT outcome FROM rdk.apply_payment_event('evt_due_c', 'checkout.session.completed', '" +
                                             str(newOrder) + "', 'pi_attack', 'paid', 5000, 'usd', NULL, NULL, NULL, NULL)");
        QCOMPARE(owner("SELECT status FROM orders WHERE id = '" + str(newOrder) + "'"), std::string("paid"));
        QCOMPARE(owner("SELECT state FROM returns WHERE exchange_order_id = '" + str(newOrder) + "'"), std::string("exchanged"));
    }

    // An admin without a verified second factor can't change the policy; verified, they can.
    void unverifiedAdmin_cannotChangePolicy()
    {
        auto unverified = connectAs(*m_db, m_admin);
        const Outcome o = tryExec(*unverified, "SELECT rdk.set_return_policy(7, 100)");
        QVERIFY2(o.refused() && o.message.contains(u"two-factor"_s), qPrintable(o.describe()));
        QVERIFY(tryExec(as(u"admin verified"_s), "SELECT rdk.set_return_policy(7, 100)").ok);
    }
};

QTEST_GUILESS_MAIN(TestReturnsAttacks)
#include "tst_returns_attacks.moc"

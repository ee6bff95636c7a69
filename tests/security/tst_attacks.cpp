// The attacker suite of the money path (migration 0012, ADR 0008): every login kind of shop A
// (staff, ops, admin without and with a verified code, the storefront's service login) tries
// each class of attack with psql-like access, after SET ROLE to every role its login can
// reach. Each attack has a positive control: the honest path works for the same login, so no
// test passes only because the login could not connect. Statements run in transactions that
// are rolled back unless a test says otherwise.
#include "securitytest.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kOneLine = R"([{"sku": "ATK-RUN", "size": "10", "quantity": 1}])";

// Writes that would move money or stock, or rewrite a finished order, if a client could make them.
const std::vector<std::pair<const char *, std::string>> kDirectWrites = {
    {"mark a pending sale paid", "UPDATE orders SET status = 'paid', payment_method = 'cash', cash_tendered_minor = 0"},
    {"mark an order shipped", "UPDATE orders SET status = 'shipped'"},
    {"lower a total", "UPDATE orders SET total_minor = 1, subtotal_minor = 1"},
    {"mark refunded", "UPDATE orders SET status = 'refunded', refunded_minor = total_minor"},
    {"rewrite the customer of an order", "UPDATE orders SET customer_email = 'thief@example.com', shipping_address = '{}'"},
    {"redirect refunds", "UPDATE orders SET stripe_payment_intent_id = 'pi_attacker'"},
    {"insert an order", "INSERT INTO orders (channel, status, currency, total_minor) VALUES ('pos', 'pending', 'USD', 1)"},
    {"delete an order", "DELETE FROM orders"},
    {"add a line to an order",
     "INSERT INTO order_items (order_id, product_id, sku, name, quantity, unit_price_minor, line_total_minor) "
     "SELECT o.id, p.id, p.sku, p.name, 1, 0, 0 FROM orders o, products p LIMIT 1"},
    {"reprice a line", "UPDATE order_items SET unit_price_minor = 1, line_total_minor = 1"},
    {"wedge the hold counter", "UPDATE inventory SET reserved = 0"},
    {"hold stock by hand", "INSERT INTO stock_reservations (order_id, inventory_id, quantity, expires_at) "
                           "SELECT o.id, i.id, 1, now() FROM orders o, inventory i LIMIT 1"},
    {"release a hold by hand", "UPDATE stock_reservations SET state = 'released'"},
    {"mark Stripe work done", "UPDATE stripe_requests SET state = 'done', result = '{}'"},
    {"queue a refund by hand", "INSERT INTO stripe_requests (order_id, kind, amount_minor) SELECT id, 'refund', 1 FROM orders LIMIT 1"},
    {"forge a processed webhook", "INSERT INTO stripe_events (id, type, outcome) VALUES ('evt_forged', 'x', 'applied')"},
    {"erase webhook history", "DELETE FROM stripe_events"},
    {"truncate orders", "TRUNCATE orders CASCADE"},
    {"truncate reservations", "TRUNCATE stock_reservations"},
};

} // namespace

class TestAttacks final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_admin, m_service, m_staffB, m_opsB, m_serviceB;
    // Open connections per login kind; the verified admin's session passed a TOTP check.
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;
    QString m_pendingSale;  // shop A, counter, pending
    QString m_paidOrder;    // shop A, online, paid

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }

    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    void addProduct(const QString &tenant, const QString &sku, qint64 price, int stock)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + str(sku) +
              "', 'Runner " + str(sku) + "', 'Nike', 'Black', 'new', " + std::to_string(price) +
              ", 'USD', 'per_size', 'mens', '{10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT tenant_id, id, '10', " +
              std::to_string(stock) + " FROM p");
    }

    // The honest path of each login kind, run as `role` (or the login itself).
    Outcome honestPath(const QString &who, const QString &role)
    {
        const std::string setRole = setLocalRole(role);
        if (who == u"service"_s)
            return tryExec(as(who), setRole + "SELECT rdk.checkout_place_order('" + kOneLine + "', 'a@example.com', 35)");
        return tryExec(as(who), setRole + "SELECT rdk.pos_place_sale('" + kOneLine + "', 0, NULL, 15)");
    }

    long long count(const std::string &sql) { return std::stoll(owner(sql)); }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"attack-a"_s);
        m_shopB = m_db->createTenant(u"attack-b"_s);
        addProduct(m_shopA, u"ATK-RUN"_s, 12000, 50);
        addProduct(m_shopB, u"ATK-B"_s, 9000, 5);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_opsB = m_db->createStaff(m_shopB, u"ops"_s);
        m_serviceB = m_db->createServiceLogin(m_shopB);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin"_s] = connectAs(*m_db, m_admin);
        m_conn[u"admin verified"_s] = connectAs(*m_db, m_admin);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"staff B"_s] = connectAs(*m_db, m_staffB);
        m_conn[u"ops B"_s] = connectAs(*m_db, m_opsB);
        m_conn[u"service B"_s] = connectAs(*m_db, m_serviceB);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(as(u"admin verified"_s), totpNow(m_db->totpSecretOf(m_admin.login))));

        m_pendingSale = qstr(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_place_sale('" + std::string(kOneLine) +
                                                                 "', 0, NULL, 15)::text"));
        m_paidOrder = qstr(scalarCommitted(as(u"service"_s), "SELECT rdk.checkout_place_order('" + std::string(kOneLine) +
                                                                  "', 'buyer@example.com', 35)::text"));
        scalarCommitted(as(u"service"_s), "SELECT outcome FROM rdk.apply_payment_event('evt_atk_paid', "
                                          "'checkout.session.completed', '" + str(m_paidOrder) +
                                          "', 'pi_atk', 'paid', 12000, 'usd', 'cs_atk', NULL, 'buyer@example.com', NULL)");
        QCOMPARE(owner("SELECT status FROM orders WHERE id = '" + str(m_paidOrder) + "'"), std::string("paid"));
    }

    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    // Class 1 and 4: SET ROLE to every reachable role, then every direct write.
    void directWrites_refusedAfterEverySetRole_data()
    {
        QTest::addColumn<QString>("who");
        for (const char *who : {"staff", "ops", "admin", "admin verified", "service"})
            QTest::addRow("%s", who) << QString::fromLatin1(who);
    }

    void directWrites_refusedAfterEverySetRole()
    {
        QFETCH(QString, who);
        const QStringList roles = reachableRoles(as(who));
        QVERIFY2(roles.size() >= 2, qPrintable(roles.join(u", "_s)));  // the login and its group
        for (const QString &role : roles) {
            const std::string setRole = setLocalRole(role);
            for (const auto &[what, sql] : kDirectWrites) {
                const Outcome o = tryExec(as(who), setRole + sql);
                QVERIFY2(o.refused(), qPrintable(u"%1 as %2 could %3: %4"_s.arg(who, role, QString::fromLatin1(what), o.describe())));
            }
            // Positive control: the same login, as the same role, still works the honest way
            // (an admin without a verified code is refused by the 2FA rule, not by privileges).
            const Outcome honest = honestPath(who, role);
            if (who == u"admin"_s)
                QVERIFY2(honest.refused() && honest.message.contains(u"two-factor"_s), qPrintable(honest.describe()));
            else
                QVERIFY2(honest.ok, qPrintable(who + u" as "_s + role + u": "_s + honest.describe()));
        }
        QCOMPARE(owner("SELECT status FROM orders WHERE id = '" + str(m_pendingSale) + "'"), std::string("pending"));
        QCOMPARE(owner("SELECT total_minor FROM orders WHERE id = '" + str(m_pendingSale) + "'"), std::string("12000"));
    }

    // Class 5: the hold counter belongs to the functions; counting stock stays ops' work.
    void stockCounts_opsMayCountButNotHold()
    {
        const Outcome count = tryExec(as(u"ops"_s), "UPDATE inventory SET quantity = quantity + 1");
        QVERIFY2(count.ok && count.rows == 1, qPrintable(count.describe()));
        QVERIFY(tryExec(as(u"ops"_s), "UPDATE inventory SET reserved = 0").refused());
        QVERIFY(tryExec(as(u"staff"_s), "UPDATE inventory SET quantity = 0").refused());
    }

    // Class 2: totals come from the catalog; a client's amounts are not even read.
    void forgedTotals_areIgnoredOrRefused_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("call");
        QTest::addColumn<QString>("expected");  // "priced" or the start of the refusal
        const QString forged = uR"([{"sku": "ATK-RUN", "size": "10", "quantity": 2, "unit_price_minor": 1, "line_total_minor": 1, "total_minor": 1}])"_s;
        QTest::addRow("price fields in the lines") << u"staff"_s << u"SELECT rdk.pos_place_sale('%1', 0, NULL, 15)"_s.arg(forged) << u"priced"_s;
        QTest::addRow("online price fields") << u"service"_s << u"SELECT rdk.checkout_place_order('%1', NULL, 35)"_s.arg(forged) << u"priced"_s;
        QTest::addRow("discount by plain staff")
            << u"staff"_s << uR"(SELECT rdk.pos_place_sale('[{"sku": "ATK-RUN", "size": "10", "quantity": 1, "discount_minor": 11999}]', 0, 'friend', 15))"_s
            << u"Only ops or admin"_s;
        QTest::addRow("cart discount by plain staff") << u"staff"_s << u"SELECT rdk.pos_place_sale('%1', 11999, 'friend', 15)"_s.arg(QString::fromLatin1(kOneLine))
                                                       << u"Only ops or admin"_s;
        QTest::addRow("discount without a reason") << u"ops"_s << u"SELECT rdk.pos_place_sale('%1', 100, '  ', 15)"_s.arg(QString::fromLatin1(kOneLine))
                                                    << u"A discount needs a reason"_s;
        QTest::addRow("discount above the line")
            << u"ops"_s << uR"(SELECT rdk.pos_place_sale('[{"sku": "ATK-RUN", "size": "10", "quantity": 1, "discount_minor": 12001}]', 0, 'vip', 15))"_s
            << u"The discount on"_s;
        QTest::addRow("cart discount above the total") << u"ops"_s << u"SELECT rdk.pos_place_sale('%1', 12001, 'vip', 15)"_s.arg(QString::fromLatin1(kOneLine))
                                                        << u"The discount is more"_s;
        QTest::addRow("negative discount") << u"ops"_s << u"SELECT rdk.pos_place_sale('%1', -500, 'vip', 15)"_s.arg(QString::fromLatin1(kOneLine))
                                            << u"A discount can't be negative"_s;
        QTest::addRow("negative line discount")
            << u"ops"_s << uR"(SELECT rdk.pos_place_sale('[{"sku": "ATK-RUN", "size": "10", "quantity": 1, "discount_minor": -5}]', 0, 'vip', 15))"_s
            << u"A discount must be a whole amount"_s;
        QTest::addRow("discount online") << u"service"_s
                                          << uR"(SELECT rdk.checkout_place_order('[{"sku": "ATK-RUN", "size": "10", "quantity": 1, "discount_minor": 100}]', NULL, 35))"_s
                                          << u"Line 1 of the order is malformed"_s;
    }

    void forgedTotals_areIgnoredOrRefused()
    {
        QFETCH(QString, who);
        QFETCH(QString, call);
        QFETCH(QString, expected);
        const long long before = count("SELECT count(*) FROM orders");
        pqxx::work tx(as(who));
        try {
            const std::string id = tx.exec(str(call))[0][0].as<std::string>();
            QCOMPARE(expected, u"priced"_s);
            const auto row = tx.exec1("SELECT subtotal_minor, discount_minor, total_minor FROM orders WHERE id = '" + id + "'");
            QCOMPARE(row[0].as<long long>(), 24000LL);
            QCOMPARE(row[1].as<long long>(), 0LL);
            QCOMPARE(row[2].as<long long>(), 24000LL);
            QCOMPARE(tx.exec1("SELECT sum(line_total_minor) FROM order_items WHERE order_id = '" + id + "'")[0].as<long long>(),
                     24000LL);
        } catch (const pqxx::sql_error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
        }
        tx.abort();
        QCOMPARE(count("SELECT count(*) FROM orders"), before);
    }

    // Positive control of the discount rules: ops with a reason, audited.
    void discount_byOpsWithReason_isPricedAndAudited()
    {
        pqxx::work tx(as(u"ops"_s));
        const std::string id = tx.exec1(
            R"(SELECT rdk.pos_place_sale('[{"sku": "ATK-RUN", "size": "10", "quantity": 1, "discount_minor": 2000}]', 1000, 'loyal customer', 15)::text)")[0]
                                   .as<std::string>();
        const auto row = tx.exec1("SELECT subtotal_minor, discount_minor, total_minor, discount_reason FROM orders WHERE id = '" + id + "'");
        QCOMPARE(row[0].as<long long>(), 12000LL);
        QCOMPARE(row[1].as<long long>(), 3000LL);
        QCOMPARE(row[2].as<long long>(), 9000LL);
        QCOMPARE(row[3].as<std::string>(), std::string("loyal customer"));
        tx.commit();
        QCOMPARE(count("SELECT count(*) FROM audit_log WHERE action = 'discount' AND entity_id = '" + id + "'") >= 1, true);
    }

    // Class 3: another shop's ids to every function change nothing and say nothing.
    void otherShopsIds_toEveryFunction_findNothing_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("call");
        const QString sale = u"%ORDER%"_s;
        QTest::addRow("cancel") << u"staff B"_s << u"SELECT rdk.cancel_order('%1', 'mine now')"_s.arg(sale);
        QTest::addRow("payment link") << u"staff B"_s << u"SELECT rdk.pos_request_payment_link('%1')"_s.arg(sale);
        QTest::addRow("cash") << u"ops B"_s << u"SELECT rdk.record_cash_payment('%1', 12000)"_s.arg(sale);
        QTest::addRow("ship") << u"staff B"_s << u"SELECT rdk.mark_order_shipped('%PAID%', 'UPS', '1Z')"_s;
        QTest::addRow("fulfil") << u"staff B"_s << u"SELECT rdk.mark_order_fulfilled('%PAID%')"_s;
        QTest::addRow("refund") << u"ops B"_s << u"SELECT rdk.request_refund('%PAID%', 100, NULL, 'gift')"_s;
        QTest::addRow("attach a session") << u"service B"_s << u"SELECT rdk.checkout_attach_session('%1', 'cs_evil', ARRAY[]::text[])"_s.arg(sale);
    }

    void otherShopsIds_toEveryFunction_findNothing()
    {
        QFETCH(QString, who);
        QFETCH(QString, call);
        call.replace(u"%ORDER%"_s, m_pendingSale).replace(u"%PAID%"_s, m_paidOrder);
        const Outcome o = tryExec(as(who), str(call));
        QVERIFY2(!o.ok && (o.sqlstate == "P0002" || o.message.contains(u"no longer exists"_s)), qPrintable(o.describe()));
    }

    void otherShopsPaymentEvent_isAnUnknownOrder()
    {
        // The storefront host of shop B forges a payment for shop A's pending sale.
        const Outcome forged = tryExec(as(u"service B"_s),
                                       "SELECT count(*) FROM rdk.apply_payment_event('evt_b_forged', 'checkout.session.completed', '" +
                                           str(m_pendingSale) + "', NULL, 'paid', 12000, 'usd', NULL, NULL, NULL, NULL) "
                                           "WHERE outcome = 'unknown_order'", true);
        QVERIFY2(forged.ok && forged.rows == 1, qPrintable(forged.describe()));
        // The same through the list of events that arrived together.
        const Outcome listed = tryExec(as(u"service B"_s),
                                       "SELECT count(*) FROM rdk.apply_payment_events('[{\"id\": \"evt_b_listed\", \"type\": "
                                       "\"checkout.session.completed\", \"order\": \"" + str(m_pendingSale) + "\", \"signal\": \"paid\", "
                                       "\"amount_minor\": \"12000\", \"currency\": \"usd\"}]') WHERE outcome = 'unknown_order'", true);
        QVERIFY2(listed.ok && listed.rows == 1, qPrintable(listed.describe()));
        // Nor by naming shop A to the function both of those use once they know the caller's
        // shop: it is granted to no login, whatever role it takes.
        for (const QString &who : {u"service B"_s, u"service"_s, u"staff"_s, u"admin verified"_s}) {
            const Outcome named = tryExec(as(who), "SELECT count(*) FROM rdk.apply_shop_payment_event('" + str(m_shopA) +
                                                       "', 'evt_b_named', 'checkout.session.completed', '" + str(m_pendingSale) +
                                                       "', NULL, 'paid', 12000, 'usd', NULL, NULL, NULL, NULL, NULL)");
            QVERIFY2(named.refused(), qPrintable(who + u": "_s + named.describe()));
            // Nor lock shop A's order the way a list does before applying it (ADR 0035).
            const Outcome locked = tryExec(as(who), "SELECT rdk.lock_payment_rows('" + str(m_shopA) + "', '[{\"order\": \"" +
                                                        str(m_pendingSale) + "\"}]')");
            QVERIFY2(locked.refused(), qPrintable(who + u": "_s + locked.describe()));
        }
        QCOMPARE(owner("SELECT status FROM orders WHERE id = '" + str(m_pendingSale) + "'"), std::string("pending"));
        // Nor can it claim shop A's Stripe work.
        const Outcome claimed = tryExec(as(u"service B"_s), "SELECT count(*) FROM rdk.claim_stripe_requests(100)", true);
        QVERIFY2(claimed.ok && claimed.rows == 0, qPrintable(claimed.describe()));
        // Positive control: shop A's own service sees its queued link request.
        const Outcome own = tryExec(as(u"service"_s), "SELECT count(*) FROM rdk.claim_stripe_requests(100)", true);
        QVERIFY2(own.ok && own.rows >= 1, qPrintable(own.describe()));
    }

    // Class 3: no session setting selects a shop.
    void tenantSetting_selectsNoShop_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addRow("service B") << u"service B"_s;
        QTest::addRow("staff B") << u"staff B"_s;
    }

    void tenantSetting_selectsNoShop()
    {
        QFETCH(QString, who);
        const std::string setTenant = "SELECT set_config('rdk.tenant', '" + str(m_shopA) + "', true); ";
        for (const char *sql : {"SELECT count(*) FROM orders", "SELECT count(*) FROM order_items", "SELECT count(*) FROM tenants WHERE slug = 'attack-a'",
                                "SELECT count(*) FROM products WHERE sku = 'ATK-RUN'"}) {
            const Outcome o = tryExec(as(who), setTenant + sql, true);
            QVERIFY2(o.ok && o.rows == 0, qPrintable(QString::fromLatin1(sql) + u": "_s + o.describe()));
        }
        const Outcome stock = tryExec(as(who), setTenant + "SELECT rdk.checkout_place_order('" + kOneLine + "', NULL, 35)");
        QVERIFY2(!stock.ok, qPrintable(stock.describe()));
        // Positive control: shop A's own service login needs no setting at all.
        const Outcome own = tryExec(as(u"service"_s), "SELECT count(*) FROM orders", true);
        QVERIFY2(own.ok && own.rows >= 2, qPrintable(own.describe()));
    }

    void unboundServiceLogin_seesNothing()
    {
        const QString login = m_db->uniqueLogin(u"unbound"_s);
        owner("CREATE ROLE " + str(login) + " LOGIN PASSWORD 'unbound-pass-1'; "
              "GRANT rdk_sync TO " + str(login));
        pqxx::connection conn(m_db->urlFor(login, u"unbound-pass-1"_s));
        const Outcome seen = tryExec(conn, "SELECT set_config('rdk.tenant', '" + str(m_shopA) + "', true); SELECT count(*) FROM orders", true);
        QVERIFY2(seen.ok && seen.rows == 0, qPrintable(seen.describe()));
        const Outcome place = tryExec(conn, "SELECT rdk.checkout_place_order('" + std::string(kOneLine) + "', NULL, 35)");
        QVERIFY2(place.refused() && place.message.contains(u"not bound"_s), qPrintable(place.describe()));
        // Nor does it keep rate budgets or get a visitor salt (migration 0024) for any shop.
        for (const char *sql : {"SELECT count(*) FROM rdk.rate_take('checkout', '4:10.0.0.1', 10, 1)",
                                "SELECT length(rdk.visitor_salt((now() AT TIME ZONE 'UTC')::date))"}) {
            const Outcome o = tryExec(conn, sql);
            QVERIFY2(o.refused() && o.message.contains(u"not bound"_s), qPrintable(QString::fromLatin1(sql) + u": "_s + o.describe()));
        }
    }

    // Functions are granted to the one login kind that needs them.
    void functions_belongToTheirCaller()
    {
        QVERIFY(tryExec(as(u"staff"_s), "SELECT rdk.checkout_place_order('" + std::string(kOneLine) + "', NULL, 35)").refused());
        QVERIFY(tryExec(as(u"staff"_s), "SELECT rdk.apply_payment_event('evt_x', 't', NULL, NULL, 'paid', 1, 'usd', NULL, NULL, NULL, NULL)")
                    .refused());
        QVERIFY(tryExec(as(u"staff"_s), "SELECT * FROM rdk.apply_payment_events('[{\"id\": \"evt_x\", \"signal\": \"paid\"}]')")
                    .refused());
        QVERIFY(tryExec(as(u"service"_s), "SELECT rdk.pos_place_sale('" + std::string(kOneLine) + "', 0, NULL, 15)").refused());
        QVERIFY(tryExec(as(u"service"_s), "SELECT rdk.bind_service_login(session_user, '" + str(m_shopB) + "')").refused());
        QVERIFY(tryExec(as(u"admin verified"_s), "SELECT rdk.bind_service_login('x', '" + str(m_shopB) + "')").refused());
        QVERIFY(tryExec(as(u"service"_s), "SELECT rdk.tenant_id_for_slug('attack-b')").refused());
    }

    // The dashboard's batch (ADR 0032): while a list of payments runs, the orders trigger puts
    // its dashboard deltas aside in two temporary tables only the schema's owner can touch, and
    // the list's end applies them. No login can reach those functions or tables, and one that
    // sets the batch's setting itself hides no payment from the dashboard.
    void dashboardBatch_cantBeReachedOrForged()
    {
        for (const QString &who : {u"staff"_s, u"admin verified"_s, u"service"_s, u"service B"_s}) {
            for (const char *sql : {"SELECT rdk.dash_batch_begin()", "SELECT rdk.dash_batch_end('x')",
                                    "SELECT rdk.dash_put_aside(NULL, NULL)", "SELECT rdk.dash_batch_tables_ours()"}) {
                const Outcome o = tryExec(as(who), sql);
                QVERIFY2(o.refused(), qPrintable(who + u": "_s + QString::fromLatin1(sql) + u": "_s + o.describe()));
            }
        }
        const auto paidOrders = [this] { return std::stoll(owner("SELECT coalesce(sum(orders), 0) FROM sales_daily WHERE tenant_id = '" +
                                                                 str(m_shopA) + "'")); };
        const auto pendingOrder = [this](const std::string &email) {
            return scalarCommitted(as(u"service"_s), "SELECT rdk.checkout_place_order('" + std::string(kOneLine) + "', '" + email +
                                                         "', 35)::text");
        };
        const auto event = [](const std::string &id, const std::string &order) {
            return "{\"id\": \"" + id + "\", \"type\": \"checkout.session.completed\", \"order\": \"" + order +
                   "\", \"signal\": \"paid\", \"amount_minor\": \"12000\", \"currency\": \"usd\"}";
        };
        const qint64 before = paidOrders();
        // The honest path first: a list of two counts both, at its end, and leaves the
        // session with the batch's tables.
        const std::string list = "[" + event("evt_atk_dash_1", pendingOrder("fan1@example.com")) + ", " +
                                 event("evt_atk_dash_2", pendingOrder("fan2@example.com")) + "]";
        const Outcome pair = tryExec(as(u"service"_s), "SELECT count(*) FROM rdk.apply_payment_events('" + list + "') WHERE outcome = 'applied'",
                                     true);
        QVERIFY2(pair.ok && pair.rows == 2, qPrintable(pair.describe()));
        scalarCommitted(as(u"service"_s), "SELECT count(*) FROM rdk.apply_payment_events('" + list + "')");  // tryExec rolled back
        QCOMPARE(paidOrders(), before + 2);
        // Then the same login opens a "batch" by the setting alone and pays a list of one: the
        // dashboard counts the payment at once, not in the tables the next list would empty.
        const std::string forged = "SELECT set_config('rdk.dash_batch', 'forged', false); SELECT outcome FROM rdk.apply_payment_events('[" +
                                   event("evt_atk_dash_forged", pendingOrder("fan3@example.com")) + "]')";
        QCOMPARE(scalarCommitted(as(u"service"_s), forged), std::string("applied"));
        scalarCommitted(as(u"service"_s), "SELECT set_config('rdk.dash_batch', '', false)");
        QCOMPARE(paidOrders(), before + 3);
        // Nor can that login read, fill, empty or drop the batch's tables of its own session.
        for (const char *sql : {"SELECT count(*) FROM pg_temp.rdk_dash_batch", "INSERT INTO pg_temp.rdk_dash_batch VALUES ('mine')",
                                "INSERT INTO pg_temp.rdk_dash_deltas VALUES (NULL, NULL)", "DELETE FROM pg_temp.rdk_dash_deltas",
                                "DROP TABLE pg_temp.rdk_dash_batch"}) {
            const Outcome o = tryExec(as(u"service"_s), sql);
            QVERIFY2(o.refused(), qPrintable(QString::fromLatin1(sql) + u": "_s + o.describe()));
        }
    }

    // Class 7: the storefront host can't mark a sale paid without saying how much.
    void paymentEventWithoutAmount_goesToReview()
    {
        pqxx::work tx(as(u"service"_s));
        const std::string id = tx.exec1("SELECT rdk.checkout_place_order('" + std::string(kOneLine) + "', NULL, 35)::text")[0].as<std::string>();
        const auto outcome = tx.exec1("SELECT outcome FROM rdk.apply_payment_event('evt_no_amount', 'checkout.session.completed', '" +
                                      id + "', NULL, 'paid', NULL, NULL, NULL, NULL, NULL, NULL)");
        QCOMPARE(outcome[0].as<std::string>(), std::string("flagged_for_review"));
        QCOMPARE(tx.exec1("SELECT status || '/' || needs_review FROM orders WHERE id = '" + id + "'")[0].as<std::string>(),
                 std::string("pending/true"));
        const auto paid = tx.exec1("SELECT outcome FROM rdk.apply_payment_event('evt_with_amount', 'checkout.session.completed', '" +
                                   id + "', NULL, 'paid', 12000, 'usd', NULL, NULL, NULL, NULL)");
        QCOMPARE(paid[0].as<std::string>(), std::string("applied"));
        tx.abort();
    }

    // Bad input is refused with a sentence and changes nothing.
    void hostileArguments_refusedWithASentence_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("call");
        QTest::addColumn<QString>("sentence");
        auto sale = [](const QString &lines, const QString &rest = u"0, NULL, 15"_s) {
            return u"SELECT rdk.pos_place_sale(%1, %2)"_s.arg(lines, rest);
        };
        QTest::addRow("no lines") << u"staff"_s << sale(u"NULL"_s) << u"at least one item"_s;
        QTest::addRow("an object, not lines") << u"staff"_s << sale(u"'{}'"_s) << u"at least one item"_s;
        QTest::addRow("a number for a sku") << u"staff"_s << sale(uR"('[{"sku": 1, "quantity": 1}]')"_s) << u"malformed"_s;
        QTest::addRow("a huge quantity") << u"staff"_s << sale(uR"('[{"sku": "ATK-RUN", "size": "10", "quantity": 1000000000}]')"_s)
                                         << u"quantity must be between"_s;
        QTest::addRow("a fractional quantity") << u"staff"_s << sale(uR"('[{"sku": "ATK-RUN", "size": "10", "quantity": 1.5}]')"_s)
                                               << u"quantity must be between"_s;
        QTest::addRow("a zero quantity") << u"staff"_s << sale(uR"('[{"sku": "ATK-RUN", "size": "10", "quantity": 0}]')"_s)
                                         << u"quantity must be between"_s;
        QTest::addRow("a size that is no size") << u"staff"_s << sale(uR"('[{"sku": "ATK-RUN", "size": "10; DROP", "quantity": 1}]')"_s)
                                                << u"names no product"_s;
        QTest::addRow("another shop's sku") << u"staff"_s << sale(uR"('[{"sku": "ATK-B", "size": "10", "quantity": 1}]')"_s)
                                            << u"No product with SKU"_s;
        QTest::addRow("more than in stock") << u"staff"_s << sale(uR"('[{"sku": "ATK-RUN", "size": "10", "quantity": 99}]')"_s)
                                            << u"left of"_s;
        QString many = u"'["_s;
        for (int i = 0; i < 101; ++i)
            many += (i ? u","_s : QString()) + uR"({"sku": "ATK-RUN", "size": "10", "quantity": 1})"_s;
        QTest::addRow("101 lines") << u"staff"_s << sale(many + u"]'"_s) << u"at most 100 lines"_s;
        QTest::addRow("link open for 0 minutes") << u"staff"_s << sale(u"'%1'"_s.arg(QString::fromLatin1(kOneLine)), u"0, NULL, 0"_s)
                                                 << u"between 1 minute and 24 hours"_s;
        QTest::addRow("huge cart discount") << u"ops"_s << sale(u"'%1'"_s.arg(QString::fromLatin1(kOneLine)), u"9223372036854775807, 'x', 15"_s)
                                            << u"more than the order"_s;
        QTest::addRow("checkout held 5 minutes") << u"service"_s
                                                 << u"SELECT rdk.checkout_place_order('%1', NULL, 5)"_s.arg(QString::fromLatin1(kOneLine))
                                                 << u"30 to 120 minutes"_s;
        QTest::addRow("checkout e-mail of 300 characters")
            << u"service"_s << u"SELECT rdk.checkout_place_order('%1', repeat('a', 290) || '@example.com', 35)"_s.arg(QString::fromLatin1(kOneLine))
            << u"valid e-mail"_s;
        QTest::addRow("event id that is no event id")
            << u"service"_s << u"SELECT rdk.apply_payment_event('x; DROP TABLE orders', 't', NULL, NULL, 'paid', 1, 'usd', NULL, NULL, NULL, NULL)"_s
            << u"not a Stripe event id"_s;
        QTest::addRow("payment events that are not a list")
            << u"service"_s << u"SELECT * FROM rdk.apply_payment_events('{\"id\": \"evt_obj\"}')"_s << u"list of 1 to 32"_s;
        QTest::addRow("33 payment events at once")
            << u"service"_s
            << u"SELECT * FROM rdk.apply_payment_events((SELECT jsonb_agg(jsonb_build_object('id', 'evt_n' || i)) FROM generate_series(1, 33) i))"_s
            << u"list of 1 to 32"_s;
        QTest::addRow("unknown signal") << u"service"_s
                                        << u"SELECT rdk.apply_payment_event('evt_sig', 't', NULL, NULL, 'stolen', 1, 'usd', NULL, NULL, NULL, NULL)"_s
                                        << u"Unknown payment signal"_s;
        QTest::addRow("session id that is no session id")
            << u"service"_s << u"SELECT rdk.checkout_attach_session('%ORDER%', 'https://evil.example', ARRAY[]::text[])"_s << u"not a Stripe Checkout Session id"_s;
    }

    void hostileArguments_refusedWithASentence()
    {
        QFETCH(QString, who);
        QFETCH(QString, call);
        QFETCH(QString, sentence);
        call.replace(u"%ORDER%"_s, m_pendingSale);
        const long long orders = count("SELECT count(*) FROM orders");
        const long long held = count("SELECT sum(reserved) FROM inventory");
        const Outcome o = tryExec(as(who), str(call));
        QVERIFY2(!o.ok && o.message.contains(sentence), qPrintable(o.describe()));
        QCOMPARE(count("SELECT count(*) FROM orders"), orders);
        QCOMPARE(count("SELECT sum(reserved) FROM inventory"), held);
    }
};

QTEST_GUILESS_MAIN(TestAttacks)
#include "tst_attacks.moc"

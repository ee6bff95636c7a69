// Attacks on a shop's shipping settings and an online order's shipping facts (migration 0021,
// module shipping.sql) as a person with a login and psql would try them, after SET ROLE to
// every role the login reaches: write the settings or options by hand, make shipping free or a
// pickup order shippable, read a customer's address or phone around rdk.order_ship_to, read
// another shop's settings; and the storefront's service login reaching for any of it. Each
// attack has its positive control on the same login.
#include "securitytest.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kOneLine = R"([{"sku": "SHP-RUN", "size": "10", "quantity": 1}])";

// Direct writes that would change what checkout offers or charges, or how an order goes out.
const std::vector<std::pair<const char *, std::string>> kDirectWrites = {
    {"insert settings", "INSERT INTO shop_settings (tenant_id, ship_countries) SELECT id, '{US}' FROM tenants"},
    {"change countries", "UPDATE shop_settings SET ship_countries = '{CU}'"},
    {"stripe tax off", "UPDATE shop_settings SET stripe_tax = false"},
    {"rewrite a policy", "UPDATE shop_settings SET returns_policy = 'No returns'"},
    {"delete settings", "DELETE FROM shop_settings"},
    {"truncate settings", "TRUNCATE shop_settings"},
    {"add a free option", "INSERT INTO shipping_options (tenant_id, position, kind, label, amount_minor) "
                          "SELECT id, 5, 'flat', 'Free', 0 FROM tenants"},
    {"zero a rate", "UPDATE shipping_options SET amount_minor = 0"},
    {"lower a threshold", "UPDATE shipping_options SET free_above_minor = 1 WHERE kind = 'free_above'"},
    {"delete options", "DELETE FROM shipping_options"},
    {"truncate options", "TRUNCATE shipping_options"},
    {"rewrite the offers", "UPDATE orders SET shipping_offers = '[]'"},
    {"make a pickup order shippable", "UPDATE orders SET fulfillment = 'ship'"},
    {"rename the method", "UPDATE orders SET shipping_method = 'Express'"},
    {"mark ready by hand", "UPDATE orders SET ready_for_pickup_at = now()"},
    {"change the address", "UPDATE orders SET shipping_address = '{\"line1\": \"elsewhere\"}'"},
    {"change the phone", "UPDATE orders SET customer_phone = '+1 000'"},
    {"let Stripe tax", "UPDATE orders SET stripe_tax = true"},
};

} // namespace

class TestShippingAttacks final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_admin, m_service, m_serviceB, m_staffB, m_adminB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;
    std::string m_order;   // shop A, online, paid, local pickup

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    void addProduct(const QString &tenant, const QString &sku)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + str(sku) +
              "', 'Runner', 'Nike', 'Black', 'new', 12000, 'USD', 'per_size', 'mens', '{10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT tenant_id, id, '10', 50 FROM p");
    }

    // Everything the attacks could move, across every shop.
    std::string fingerprint()
    {
        return owner("SELECT concat_ws('|', "
                     "(SELECT string_agg(rdk.shop_settings_json(id)::text, ',' ORDER BY id) FROM tenants), "
                     "(SELECT string_agg(concat_ws(':', id, shipping_offers, stripe_tax, shipping_method, fulfillment, "
                     "  customer_phone, ready_for_pickup_at, shipping_address), ',' ORDER BY id) FROM orders))");
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"shp-a"_s);
        m_shopB = m_db->createTenant(u"shp-b"_s);
        addProduct(m_shopA, u"SHP-RUN"_s);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_serviceB = m_db->createServiceLogin(m_shopB);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_adminB = m_db->createStaff(m_shopB, u"admin"_s);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin verified"_s] = connectAs(*m_db, m_admin);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"service B"_s] = connectAs(*m_db, m_serviceB);
        m_conn[u"staff B"_s] = connectAs(*m_db, m_staffB);
        m_conn[u"admin B verified"_s] = connectAs(*m_db, m_adminB);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(as(u"admin verified"_s), totpNow(m_db->totpSecretOf(m_admin.login))));
        QVERIFY(verifySession(as(u"admin B verified"_s), totpNow(m_db->totpSecretOf(m_adminB.login))));

        scalarCommitted(as(u"admin verified"_s),
                        R"(SELECT rdk.set_shop_settings('{"ship_countries": ["US"], "returns_policy": "30 days"}',
                           '[{"kind": "flat", "label": "Standard", "amount_minor": 800},
                             {"kind": "free_above", "label": "Free over 150", "amount_minor": 800, "free_above_minor": 15000},
                             {"kind": "pickup", "label": "Pick up", "amount_minor": 0}]')::text)");
        scalarCommitted(as(u"admin B verified"_s),
                        R"(SELECT rdk.set_shop_settings('{"ship_countries": ["DE", "FR"], "shop_address": "B street"}',
                           '[{"kind": "flat", "label": "DHL", "amount_minor": 590}]')::text)");
        m_order = scalarCommitted(as(u"service"_s), "SELECT rdk.checkout_place_order('" + std::string(kOneLine) +
                                                        "', 'buyer@example.com', 35)::text");
        owner("UPDATE orders SET status = 'paid', paid_at = now(), stripe_payment_intent_id = 'pi_atk', fulfillment = 'pickup', "
              "shipping_method = 'Pick up', customer_phone = '+1 718 555 0100', "
              "shipping_address = '{\"name\": \"Dana\", \"line1\": \"12 Water St\"}' WHERE id = '" + m_order + "'");
    }
    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    void directWrites_refusedForEveryReachableRole_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("attack");
        for (const char *who : {"staff", "ops", "admin verified", "service"}) {
            for (const auto &[name, sql] : kDirectWrites)
                QTest::addRow("%s: %s", who, name) << QString::fromLatin1(who) << QString::fromLatin1(name);
        }
    }
    void directWrites_refusedForEveryReachableRole()
    {
        QFETCH(QString, who);
        QFETCH(QString, attack);
        std::string sql;
        for (const auto &[name, statement] : kDirectWrites) {
            if (attack == QLatin1String(name))
                sql = statement;
        }
        const std::string before = fingerprint();
        const QStringList roles = reachableRoles(as(who));
        QVERIFY(roles.size() >= 2);
        for (const QString &role : roles) {
            const Outcome out = tryExec(as(who), setLocalRole(role) + sql);
            QVERIFY2(out.refused() || (out.ok && out.rows == 0), qPrintable(u"%1 as %2: %3"_s.arg(who, role, out.describe())));
        }
        QCOMPARE(fingerprint(), before);
        // Positive control: the same login reads its own shop's options (3 of them).
        const Outcome control = tryExec(as(who), "SELECT count(*) FROM shipping_options", true);
        QVERIFY2(control.ok && control.rows == 3, qPrintable(control.describe()));
    }

    void addressAndPhone_onlyThroughOrderShipTo()
    {
        // A cashier reads how the order goes out, not where to or whose phone: column privileges.
        for (const char *column : {"shipping_address", "customer_phone"}) {
            for (const QString &role : reachableRoles(as(u"staff"_s))) {
                const Outcome out = tryExec(as(u"staff"_s), setLocalRole(role) + "SELECT " + column + " FROM orders");
                QVERIFY2(out.refused(), qPrintable(u"%1 as %2: %3"_s.arg(QLatin1String(column), role, out.describe())));
            }
        }
        const Outcome how = tryExec(as(u"staff"_s), "SELECT count(*) FROM orders WHERE fulfillment = 'pickup' AND shipping_method = 'Pick up'", true);
        QVERIFY2(how.ok && how.rows == 1, qPrintable(how.describe()));
        // Positive control: the function hands the cashier the address while the order is paid.
        const Outcome fn = tryExec(as(u"staff"_s), "SELECT count(*) FROM rdk.order_ship_to('" + m_order +
                                                       "') j WHERE j->>'phone' = '+1 718 555 0100'", true);
        QVERIFY2(fn.ok && fn.rows == 1, qPrintable(fn.describe()));
        // The storefront's login may not ask, nor make the order ready.
        for (const std::string &call : {"SELECT rdk.order_ship_to('" + m_order + "')", "SELECT rdk.mark_ready_for_pickup('" + m_order + "')"}) {
            const Outcome out = tryExec(as(u"service"_s), call);
            QVERIFY2(out.refused(), qPrintable(out.describe()));
        }
        // Another shop's staff: not found, nothing queued.
        const std::string mails = owner("SELECT count(*) FROM mail_outbox WHERE order_id = '" + m_order + "'");
        for (const std::string &call : {"SELECT rdk.order_ship_to('" + m_order + "')", "SELECT rdk.mark_ready_for_pickup('" + m_order + "')"}) {
            const Outcome out = tryExec(as(u"staff B"_s), call);
            QVERIFY2(!out.ok && out.sqlstate == "P0002", qPrintable(out.describe()));
        }
        QCOMPARE(owner("SELECT count(*) FROM mail_outbox WHERE order_id = '" + m_order + "'"), mails);
    }

    void settings_eachLoginReadsItsOwnShopOnly_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("countries");
        QTest::newRow("service A") << u"service"_s << u"[\"US\"]"_s;
        QTest::newRow("service B") << u"service B"_s << u"[\"DE\", \"FR\"]"_s;
        QTest::newRow("staff A") << u"staff"_s << u"[\"US\"]"_s;
        QTest::newRow("staff B") << u"staff B"_s << u"[\"DE\", \"FR\"]"_s;
    }
    void settings_eachLoginReadsItsOwnShopOnly()
    {
        QFETCH(QString, who);
        QFETCH(QString, countries);
        const QString mine = who.endsWith(u'B') ? m_shopB : m_shopA;
        const QString theirs = who.endsWith(u'B') ? m_shopA : m_shopB;
        for (const QString &role : reachableRoles(as(who))) {
            const std::string set = setLocalRole(role);
            // Row-level security: one settings row, its own; the other shop's options are not there.
            const Outcome rows = tryExec(as(who), set + "SELECT count(*) FROM shop_settings WHERE tenant_id = '" + str(theirs) + "'", true);
            QVERIFY2(rows.refused() || (rows.ok && rows.rows == 0), qPrintable(u"%1 as %2: %3"_s.arg(who, role, rows.describe())));
            const Outcome options = tryExec(as(who), set + "SELECT count(*) FROM shipping_options WHERE tenant_id = '" + str(theirs) + "'", true);
            QVERIFY2(options.refused() || (options.ok && options.rows == 0), qPrintable(options.describe()));
            // Asking the document of the other shop by id reads it under RLS: the defaults, not its texts.
            const Outcome doc = tryExec(as(who), set + "SELECT count(*) FROM (SELECT rdk.shop_settings_json('" + str(theirs) +
                                                     "') j) s WHERE j->'options' = '[]' AND j->>'shop_address' = ''", true);
            QVERIFY2(doc.refused() || (doc.ok && doc.rows == 1), qPrintable(u"%1 as %2: %3"_s.arg(who, role, doc.describe())));
        }
        // Positive control: its own shop's settings, as saved.
        const Outcome own = tryExec(as(who), "SELECT count(*) FROM shop_settings WHERE tenant_id = '" + str(mine) +
                                                 "' AND to_jsonb(ship_countries) = '" + str(countries) + "'::jsonb", true);
        QVERIFY2(own.ok && own.rows == 1, qPrintable(own.describe()));
    }

    void serviceLogin_cannotChangeSettings()
    {
        const std::string before = fingerprint();
        for (const QString &role : reachableRoles(as(u"service"_s))) {
            const Outcome out = tryExec(as(u"service"_s), setLocalRole(role) +
                                                              R"(SELECT rdk.set_shop_settings('{"ship_countries": ["US"]}', '[]'))");
            QVERIFY2(out.refused(), qPrintable(u"service as %1: %2"_s.arg(role, out.describe())));
        }
        QCOMPARE(fingerprint(), before);
        // Positive control: the service login reads its settings through the document.
        const Outcome read = tryExec(as(u"service"_s), "SELECT jsonb_array_length(rdk.shop_settings_json('" + str(m_shopA) + "')->'options')", true);
        QVERIFY2(read.ok && read.rows == 3, qPrintable(read.describe()));
    }
};

QTEST_GUILESS_MAIN(TestShippingAttacks)
#include "tst_shipping_attacks.moc"

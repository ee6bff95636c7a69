// Attacks on sales tax (migration 0016, module tax.sql) as a person with a login and psql
// would try them, after SET ROLE to every role the login can reach: change the shop's rates
// or "prices include tax" by hand, write an order's or a line's tax, hand the counter sale a
// tax of their own, read another shop's rates or order taxes, and the storefront's service
// login reaching for any of it. Each attack has its positive control on the same login.
#include "securitytest.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kOneLine = R"([{"sku": "TAX-RUN", "size": "10", "quantity": 1}])";
const char *const kRates = R"([{"name": "NY State", "rate_percent": "4"}, {"name": "NYC", "rate_percent": "4.875"}])";

// Direct writes that would change what a sale is charged in tax, or hide it.
const std::vector<std::pair<const char *, std::string>> kDirectWrites = {
    {"add a rate", "INSERT INTO tax_rates (tenant_id, position, name, rate_percent) "
                   "SELECT id, 9, 'Zero', 0 FROM tenants LIMIT 1"},
    {"zero the rates", "UPDATE tax_rates SET rate_percent = 0"},
    {"switch a rate off", "UPDATE tax_rates SET active = false"},
    {"delete the rates", "DELETE FROM tax_rates"},
    {"truncate the rates", "TRUNCATE tax_rates"},
    {"say prices include tax", "UPDATE tenants SET prices_include_tax = true"},
    {"zero an order's tax", "UPDATE orders SET tax_minor = 0, tax_included = true"},
    {"zero a line's tax", "UPDATE order_items SET tax_minor = 0"},
    {"rewrite a rate's tax", "UPDATE order_taxes SET tax_minor = 0"},
    {"add an order tax", "INSERT INTO order_taxes (tenant_id, order_id, position, name, rate_percent, tax_minor) "
                         "SELECT tenant_id, id, 9, 'x', 0, 0 FROM orders LIMIT 1"},
    {"erase order taxes", "DELETE FROM order_taxes"},
};

} // namespace

class TestTaxAttacks final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_admin, m_service, m_staffB, m_adminB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;
    QString m_sale;   // shop A, counter, pending, taxed

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }
    long long count(const std::string &sql) { return std::stoll(owner(sql)); }

    void addProduct(const QString &tenant, const QString &sku, qint64 price)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + str(sku) +
              "', 'Runner', 'Nike', 'Black', 'new', " + std::to_string(price) +
              ", 'USD', 'per_size', 'mens', '{10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT tenant_id, id, '10', 50 FROM p");
    }

    // What the rates, the setting and the taxes of every order look like (to prove nothing moved).
    std::string fingerprint()
    {
        return owner("SELECT concat_ws('|', "
                     "(SELECT string_agg(concat_ws(':', tenant_id, name, rate_percent, active), ',' ORDER BY tenant_id, position) FROM tax_rates), "
                     "(SELECT string_agg(concat_ws(':', id, prices_include_tax), ',' ORDER BY id) FROM tenants), "
                     "(SELECT string_agg(concat_ws(':', id, tax_minor, tax_included, total_minor), ',' ORDER BY id) FROM orders), "
                     "(SELECT string_agg(concat_ws(':', id, tax_minor), ',' ORDER BY id) FROM order_items), "
                     "(SELECT string_agg(concat_ws(':', id, tax_minor), ',' ORDER BY id) FROM order_taxes))");
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"tax-a"_s);
        m_shopB = m_db->createTenant(u"tax-b"_s);
        addProduct(m_shopA, u"TAX-RUN"_s, 12000);
        addProduct(m_shopB, u"TAX-B"_s, 9000);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_adminB = m_db->createStaff(m_shopB, u"admin"_s);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin"_s] = connectAs(*m_db, m_admin);
        m_conn[u"admin verified"_s] = connectAs(*m_db, m_admin);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"staff B"_s] = connectAs(*m_db, m_staffB);
        m_conn[u"admin B verified"_s] = connectAs(*m_db, m_adminB);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(as(u"admin verified"_s), totpNow(m_db->totpSecretOf(m_admin.login))));
        QVERIFY(verifySession(as(u"admin B verified"_s), totpNow(m_db->totpSecretOf(m_adminB.login))));

        scalarCommitted(as(u"admin verified"_s), std::string("SELECT rdk.set_tax_settings(false, '") + kRates + "')::text");
        scalarCommitted(as(u"admin B verified"_s),
                        "SELECT rdk.set_tax_settings(true, '[{\"name\": \"VAT\", \"rate_percent\": \"20\"}]')::text");
        m_sale = qstr(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_place_sale('" + std::string(kOneLine) +
                                                          "', 0, NULL, 15)::text"));
        // 120.00: 4.80 + 5.85 of tax, charged on top.
        QCOMPARE(owner("SELECT tax_minor || '/' || total_minor FROM orders WHERE id = '" + str(m_sale) + "'"),
                 std::string("1065/13065"));
        scalarCommitted(as(u"staff B"_s), "SELECT rdk.pos_place_sale('[{\"sku\": \"TAX-B\", \"size\": \"10\", \"quantity\": 1}]', "
                                          "0, NULL, 15)::text");
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
        for (const char *who : {"staff", "ops", "admin", "admin verified", "service"}) {
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
            // Refused outright, or (RLS) touching no row: either way nothing changes.
            QVERIFY2(out.refused() || (out.ok && out.rows == 0),
                     qPrintable(u"%1 as %2: %3"_s.arg(who, role, out.describe())));
        }
        QCOMPARE(fingerprint(), before);
        // Positive control: the same login reads its shop's rates (the service login has no
        // business with them and reads its orders' taxes instead).
        const std::string read = who == u"service"_s ? "SELECT count(*) FROM order_taxes" : "SELECT count(*) FROM tax_rates";
        const Outcome control = tryExec(as(who), read, true);
        QVERIFY2(control.ok && control.rows == 2, qPrintable(control.describe()));
    }

    void setTaxSettings_onlyVerifiedAdmin_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("expected");
        QTest::addRow("staff") << u"staff"_s << u"Only an administrator can change the shop's tax rates."_s;
        QTest::addRow("ops") << u"ops"_s << u"Only an administrator can change the shop's tax rates."_s;
        QTest::addRow("admin without code") << u"admin"_s << u"Enter your two-factor code first."_s;
        QTest::addRow("service") << u"service"_s << QString();   // not granted at all
    }
    void setTaxSettings_onlyVerifiedAdmin()
    {
        QFETCH(QString, who);
        QFETCH(QString, expected);
        const std::string before = fingerprint();
        for (const QString &role : reachableRoles(as(who))) {
            const Outcome out = tryExec(as(who), setLocalRole(role) + "SELECT rdk.set_tax_settings(true, '[]')");
            QVERIFY2(out.refused(), qPrintable(u"%1 as %2: %3"_s.arg(who, role, out.describe())));
            if (!expected.isEmpty() && role.startsWith(u"rdk_"_s) == false)
                QVERIFY2(out.message.contains(expected), qPrintable(out.message));
        }
        QCOMPARE(fingerprint(), before);
        // Positive control: the verified admin of the same shop may (rolled back).
        const Outcome control = tryExec(as(u"admin verified"_s), "SELECT rdk.set_tax_settings(true, '[]')");
        QVERIFY2(control.ok, qPrintable(control.describe()));
    }

    void setTaxSettings_adminChangesOwnShopOnly()
    {
        const std::string shopA = owner("SELECT string_agg(name || rate_percent, ',') FROM tax_rates WHERE tenant_id = '" +
                                        str(m_shopA) + "'");
        const Outcome out = tryExec(as(u"admin B verified"_s), "SELECT rdk.set_tax_settings(false, '[]'); "
                                                               "SELECT count(*) FROM tax_rates", true);
        QVERIFY2(out.ok && out.rows == 0, qPrintable(out.describe()));   // B's own list, emptied (rolled back)
        QCOMPARE(owner("SELECT string_agg(name || rate_percent, ',') FROM tax_rates WHERE tenant_id = '" + str(m_shopA) + "'"),
                 shopA);
    }

    void placeSale_ownTaxInTheLines_ignored()
    {
        // A cashier hands the sale a tax of zero and a "prices include tax" of their own: the
        // database takes intents only and computes the tax from the shop's rates.
        const Outcome out = tryExec(as(u"staff"_s),
                                    "SELECT set_config('rdk_test.sale', rdk.pos_place_sale("
                                    "'[{\"sku\": \"TAX-RUN\", \"size\": \"10\", \"quantity\": 1, \"tax_minor\": 0, "
                                    "\"tax_included\": true}]', 0, NULL, 15)::text, true); "
                                    "SELECT o.tax_minor FROM orders o WHERE o.id = current_setting('rdk_test.sale')::uuid", true);
        QVERIFY2(out.ok && out.rows == 1065, qPrintable(out.describe()));
        // Nor is there a tax parameter to pass: the function takes lines, a discount, a reason, minutes.
        const Outcome extra = tryExec(as(u"staff"_s), "SELECT rdk.pos_place_sale('" + std::string(kOneLine) +
                                                          "', 0, NULL, 15, 0)");
        QVERIFY(!extra.ok);
    }

    void otherShop_ratesAndOrderTaxesInvisible_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addRow("staff B") << u"staff B"_s;
        QTest::addRow("admin B verified") << u"admin B verified"_s;
    }
    void otherShop_ratesAndOrderTaxesInvisible()
    {
        QFETCH(QString, who);
        for (const QString &role : reachableRoles(as(who))) {
            const std::string setRole = setLocalRole(role);
            const Outcome rates = tryExec(as(who), setRole + "SELECT count(*) FROM tax_rates WHERE tenant_id = '" +
                                                        str(m_shopA) + "'", true);
            QVERIFY2(rates.refused() || (rates.ok && rates.rows == 0), qPrintable(rates.describe()));
            const Outcome taxes = tryExec(as(who), setRole + "SELECT count(*) FROM order_taxes WHERE order_id = '" +
                                                        str(m_sale) + "'", true);
            QVERIFY2(taxes.refused() || (taxes.ok && taxes.rows == 0), qPrintable(taxes.describe()));
        }
        // Positive control: the shop's own rate is there for the same login.
        const Outcome own = tryExec(as(who), "SELECT count(*) FROM tax_rates", true);
        QVERIFY2(own.ok && own.rows == 1, qPrintable(own.describe()));
    }

    void serviceLogin_cannotReadRates()
    {
        for (const QString &role : reachableRoles(as(u"service"_s))) {
            const Outcome out = tryExec(as(u"service"_s), setLocalRole(role) + "SELECT count(*) FROM tax_rates", true);
            QVERIFY2(out.refused(), qPrintable(out.describe()));
        }
        // Positive control: it reads its own shop's order taxes (for the storefront's records).
        const Outcome own = tryExec(as(u"service"_s), "SELECT count(*) FROM order_taxes", true);
        QVERIFY2(own.ok && own.rows == 2, qPrintable(own.describe()));
    }

    void taxSplit_notCallableByClients()
    {
        for (const QString &who : {u"staff"_s, u"admin verified"_s, u"service"_s}) {
            const Outcome out = tryExec(as(who), "SELECT * FROM rdk.tax_split('{100}', 0, '{100000}', false)");
            QVERIFY2(out.refused(), qPrintable(out.describe()));
        }
    }
};

QTEST_GUILESS_MAIN(TestTaxAttacks)
#include "tst_tax_attacks.moc"

// Migration 0018's backfill on a database that already has orders: every paid (or later)
// online order with a well-formed e-mail joins one customer per shop and address (case and
// spaces ignored), named after the shipping name when there is one, consent off; pending
// online orders, counter sales and malformed addresses are left alone.
#include "data/migrationrunner.h"
#include "tests/support/testdatabase.h"

#include <QTest>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class TestCustomersBackfill final : public QObject {
    Q_OBJECT

    std::string scalar(const std::string &url, const std::string &sql)
    {
        pqxx::connection c(url);
        pqxx::read_transaction tx(c);
        const auto r = tx.exec1(sql);
        return r[0].is_null() ? std::string() : r[0].as<std::string>();
    }

private Q_SLOTS:
    void up_from0017_linksPaidOnlineOrdersToOneCustomerPerAddress()
    {
        QString error;
        auto db = test::TestDatabase::create(&error, false);
        QVERIFY2(db, qPrintable(error));
        auto all = loadMigrations();
        auto modules = loadModules();
        QVERIFY(all.ok() && modules.ok());
        QList<Migration> before;
        for (const Migration &m : *all)
            if (m.version < 18)
                before.append(m);
        QList<MigrationModule> oldModules;
        // The modules of its time: those listed before customers.sql (later ones, such as
        // returns.sql or mail.sql, need tables of later migrations).
        for (const MigrationModule &m : *modules) {
            if (m.fileName == u"customers.sql"_s)
                break;
            oldModules.append(m);
        }
        auto old = MigrationRunner(db->ownerUrl(), before, oldModules).up();
        QVERIFY2(old.ok(), old.ok() ? "" : qPrintable(old.error().message));

        const std::string a = db->createTenant(u"backfill-a"_s).toStdString();
        const std::string b = db->createTenant(u"backfill-b"_s).toStdString();
        const auto order = [&](const std::string &tenant, const char *channel, const char *status, const char *email,
                               const char *shipping) {
            db->execOwner("INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, customer_email, "
                          "shipping_address) VALUES ('" + tenant + "', '" + channel + "', '" + status + "', 'USD', 1000, 1000, " +
                          email + ", " + shipping + ")");
        };
        order(a, "online", "paid", "'Jane@Example.com '", "'{\"name\": \"Jane Doe\"}'");
        order(a, "online", "fulfilled", "'jane@example.com'", "NULL");
        order(a, "online", "refunded", "'sam@example.com'", "NULL");
        order(a, "online", "pending", "'pending@example.com'", "NULL");
        order(a, "online", "paid", "'not an address'", "NULL");
        order(a, "pos", "paid", "NULL", "NULL");
        order(b, "online", "paid", "'jane@example.com'", "NULL");

        auto up = MigrationRunner(db->ownerUrl(), *all, *modules).up();
        QVERIFY2(up.ok(), up.ok() ? "" : qPrintable(up.error().message));

        const std::string url = db->ownerUrl();
        QCOMPARE(scalar(url, "SELECT string_agg(t.slug || ':' || c.name || ':' || c.email || ':' || c.marketing_consent, ', ' "
                             "ORDER BY t.slug, c.email) FROM customers c JOIN tenants t ON t.id = c.tenant_id"),
                 std::string("backfill-a:Jane Doe:jane@example.com:false, backfill-a:sam:sam@example.com:false, "
                             "backfill-b:jane:jane@example.com:false"));
        QCOMPARE(scalar(url, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id AND c.tenant_id = o.tenant_id "
                             "WHERE c.email = 'jane@example.com' AND o.tenant_id = '" + a + "'"), std::string("2"));
        QCOMPARE(scalar(url, "SELECT count(*) FROM orders WHERE customer_id IS NULL"), std::string("3"));  // pending, malformed, counter
        QCOMPARE(scalar(url, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.tenant_id <> o.tenant_id"),
                 std::string("0"));
    }
};

QTEST_GUILESS_MAIN(TestCustomersBackfill)
#include "tst_customers_backfill.moc"

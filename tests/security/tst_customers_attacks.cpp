// The attacker suite of customers (migration 0018, module customers.sql): every login kind of
// shop A (staff, ops, admin without and with a verified code, the storefront's service login)
// and shop B's staff try, with psql-like access and after SET ROLE to every role their login
// reaches, to read e-mail addresses they may not see, to write customers or the customer of an
// order around the functions, to reach another shop's customers, and to call the module's
// internal helpers. Each attack has a positive control: the honest path works for the same
// login. Statements run in transactions that are rolled back unless a test says otherwise.
#include "securitytest.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kOneLine = R"([{"sku": "CUS-RUN", "size": "10", "quantity": 1}])";

// Writes around rdk.customer_save / rdk.pos_attach_customer.
const std::vector<std::pair<const char *, std::string>> kDirectWrites = {
    {"insert a customer", "INSERT INTO customers (tenant_id, name, email) SELECT id, 'Mallory', 'm@example.com' FROM tenants LIMIT 1"},
    {"rewrite a customer's e-mail", "UPDATE customers SET email = 'thief@example.com'"},
    {"grant marketing consent by hand", "UPDATE customers SET marketing_consent = true, consent_at = now(), consent_source = 'counter'"},
    {"delete customers", "DELETE FROM customers"},
    {"truncate customers", "TRUNCATE customers CASCADE"},
    {"attach a customer around the function", "UPDATE orders SET customer_id = (SELECT id FROM customers LIMIT 1)"},
    {"detach customers around the function", "UPDATE orders SET customer_id = NULL"},
};

// The module's helpers run inside its definer functions only.
const std::vector<std::pair<const char *, std::string>> kInternalCalls = {
    {"read unmasked rows", "SELECT count(*) FROM rdk.customer_rows((SELECT id FROM tenants LIMIT 1), true, ARRAY[gen_random_uuid()])"},
    {"call the payment trigger", "SELECT rdk.orders_link_customer()"},
    {"call the audit trigger", "SELECT rdk.audit_customers()"},
};

} // namespace

class TestCustomersAttacks final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_admin, m_service, m_staffB, m_opsB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;
    QString m_customerA, m_customerB;   // jane@example.com in A, bob@example.com in B
    QString m_pendingA, m_pendingB, m_paidA;

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    void addProduct(const QString &tenant, const QString &sku)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + str(sku) +
              "', 'Runner', 'Nike', 'Black', 'new', 12000, 'USD', 'per_size', 'mens', '{10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT tenant_id, id, '10', 50 FROM p");
    }

    std::string saveCall(const QString &name, const QString &email)
    {
        return "SELECT customer_id::text FROM rdk.customer_save(NULL, '" + str(name) + "', '" + str(email) + "', NULL, false)";
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"cust-a"_s);
        m_shopB = m_db->createTenant(u"cust-b"_s);
        addProduct(m_shopA, u"CUS-RUN"_s);
        addProduct(m_shopB, u"CUS-RUN"_s);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_opsB = m_db->createStaff(m_shopB, u"ops"_s);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin"_s] = connectAs(*m_db, m_admin);
        m_conn[u"admin verified"_s] = connectAs(*m_db, m_admin);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"staff B"_s] = connectAs(*m_db, m_staffB);
        m_conn[u"ops B"_s] = connectAs(*m_db, m_opsB);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(as(u"admin verified"_s), totpNow(m_db->totpSecretOf(m_admin.login))));

        m_customerA = qstr(scalarCommitted(as(u"staff"_s), saveCall(u"Jane Doe"_s, u"jane@example.com"_s)));
        m_customerB = qstr(scalarCommitted(as(u"staff B"_s), saveCall(u"Bob B"_s, u"bob@example.com"_s)));
        m_pendingA = qstr(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_place_sale('" + std::string(kOneLine) + "', 0, NULL, 15)::text"));
        m_pendingB = qstr(scalarCommitted(as(u"staff B"_s), "SELECT rdk.pos_place_sale('" + std::string(kOneLine) + "', 0, NULL, 15)::text"));
        m_paidA = qstr(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_place_sale('" + std::string(kOneLine) + "', 0, NULL, 15)::text"));
        scalarCommitted(as(u"ops"_s), "SELECT rdk.drawer_open(10000, NULL)");   // cash goes into an open drawer
        scalarCommitted(as(u"ops"_s), "SELECT rdk.record_cash_payment('" + str(m_paidA) + "', 12000)");
        QCOMPARE(owner("SELECT status FROM orders WHERE id = '" + str(m_paidA) + "'"), std::string("paid"));
        QVERIFY(!m_customerA.isEmpty() && !m_customerB.isEmpty());
    }

    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    void directWrites_refusedAfterEverySetRole_data()
    {
        QTest::addColumn<QString>("who");
        for (const char *who : {"staff", "ops", "admin", "admin verified", "service", "staff B"})
            QTest::addRow("%s", who) << QString::fromLatin1(who);
    }

    void directWrites_refusedAfterEverySetRole()
    {
        QFETCH(QString, who);
        const QStringList roles = reachableRoles(as(who));
        QVERIFY2(roles.size() >= 2, qPrintable(roles.join(u", "_s)));
        for (const QString &role : roles) {
            const std::string setRole = setLocalRole(role);
            for (const auto &[what, sql] : kDirectWrites) {
                const Outcome o = tryExec(as(who), setRole + sql);
                QVERIFY2(o.refused(), qPrintable(u"%1 as %2 could %3: %4"_s.arg(who, role, QString::fromLatin1(what), o.describe())));
            }
            for (const auto &[what, sql] : kInternalCalls) {
                const Outcome o = tryExec(as(who), setRole + sql);
                QVERIFY2(o.refused(), qPrintable(u"%1 as %2 could %3: %4"_s.arg(who, role, QString::fromLatin1(what), o.describe())));
            }
            // Positive control: the honest path, as the same role. The service login has none
            // (customers are the desk's); an admin without a code is stopped by the 2FA rule.
            const Outcome honest = tryExec(as(who), setRole + saveCall(u"Honest Buyer"_s, u"honest@example.com"_s));
            if (who == u"service"_s)
                QVERIFY2(honest.refused(), qPrintable(honest.describe()));
            else if (who == u"admin"_s)
                QVERIFY2(honest.refused() && honest.message.contains(u"two-factor"_s), qPrintable(honest.describe()));
            else
                QVERIFY2(honest.ok, qPrintable(who + u" as "_s + role + u": "_s + honest.describe()));
        }
        QCOMPARE(owner("SELECT email FROM customers WHERE id = '" + str(m_customerA) + "'"), std::string("jane@example.com"));
        QCOMPARE(owner("SELECT count(*) FROM customers"), std::string("2"));
        QCOMPARE(owner("SELECT count(*) FROM orders WHERE customer_id IS NOT NULL"), std::string("0"));
    }

    // E-mail addresses: staff can't read them by any path, after any SET ROLE; ops can (control).
    void staff_cannotReadFullEmails_afterEverySetRole()
    {
        for (const QString &role : reachableRoles(as(u"staff"_s))) {
            const std::string setRole = setLocalRole(role);
            const Outcome table = tryExec(as(u"staff"_s), setRole + "SELECT count(*) FROM customers");
            QVERIFY2(table.refused(), qPrintable(role + u": "_s + table.describe()));
            const Outcome orders = tryExec(as(u"staff"_s), setRole + "SELECT count(customer_email) FROM orders");
            QVERIFY2(orders.refused(), qPrintable(role + u": "_s + orders.describe()));
            const Outcome search = tryExec(as(u"staff"_s), setRole + "SELECT count(*) FROM rdk.customer_search('jane', 10) "
                                                                    "WHERE email LIKE '%jane%' OR email_full", true);
            QVERIFY2(search.ok && search.rows == 0, qPrintable(role + u": "_s + search.describe()));
            const Outcome one = tryExec(as(u"staff"_s), setRole + "SELECT count(*) FROM rdk.customer_get('" + str(m_customerA) +
                                                                 "') WHERE email = 'j•••@example.com' AND NOT email_full", true);
            QVERIFY2(one.ok && one.rows == 1, qPrintable(role + u": "_s + one.describe()));
        }
        // Staff may read which customer an order has (no personal data).
        QVERIFY(tryExec(as(u"staff"_s), "SELECT customer_id FROM orders").ok);
        const Outcome ops = tryExec(as(u"ops"_s), "SELECT count(*) FROM customers WHERE email = 'jane@example.com'", true);
        QVERIFY2(ops.ok && ops.rows == 1, qPrintable(ops.describe()));
        const Outcome opsSearch = tryExec(as(u"ops"_s), "SELECT count(*) FROM rdk.customer_search('jane', 10) "
                                                        "WHERE email = 'jane@example.com' AND email_full", true);
        QVERIFY2(opsSearch.ok && opsSearch.rows == 1, qPrintable(opsSearch.describe()));
    }

    // A prefix is no way to spell out an address letter by letter.
    void staff_cannotEnumerateEmailsByPrefix()
    {
        for (const char *probe : {"j", "ja", "jane@", "jane@example.co", "%", "_%", "example.com"}) {
            const Outcome o = tryExec(as(u"staff"_s), std::string("SELECT count(*) FROM rdk.customer_search('") + probe + "', 50) "
                                                      "WHERE name <> 'Jane Doe'", true);
            QVERIFY2(o.ok && o.rows == 0, qPrintable(QString::fromLatin1(probe) + u": "_s + o.describe()));
        }
        const Outcome whole = tryExec(as(u"staff"_s), "SELECT count(*) FROM rdk.customer_search('Jane@Example.com', 50)", true);
        QVERIFY2(whole.ok && whole.rows == 1, qPrintable(whole.describe()));
    }

    void otherShop_customersInvisible()
    {
        const Outcome table = tryExec(as(u"ops B"_s), "SELECT count(*) FROM customers WHERE id = '" + str(m_customerA) + "'", true);
        QVERIFY2(table.ok && table.rows == 0, qPrintable(table.describe()));
        const Outcome own = tryExec(as(u"ops B"_s), "SELECT count(*) FROM customers WHERE id = '" + str(m_customerB) + "'", true);
        QVERIFY2(own.ok && own.rows == 1, qPrintable(own.describe()));  // positive control
        const Outcome get = tryExec(as(u"staff B"_s), "SELECT count(*) FROM rdk.customer_get('" + str(m_customerA) + "')", true);
        QVERIFY2(get.ok && get.rows == 0, qPrintable(get.describe()));
        const Outcome search = tryExec(as(u"staff B"_s), "SELECT count(*) FROM rdk.customer_search('jane@example.com', 50)", true);
        QVERIFY2(search.ok && search.rows == 0, qPrintable(search.describe()));
        const Outcome history = tryExec(as(u"staff B"_s), "SELECT count(*) FROM rdk.customer_orders('" + str(m_customerA) + "')");
        QCOMPARE(qstr(history.sqlstate), u"P0002"_s);
        // Editing another shop's customer by id: not found, nothing changed.
        const Outcome edit = tryExec(as(u"staff B"_s), "SELECT rdk.customer_save('" + str(m_customerA) + "', 'Hijacked', NULL, NULL, true)");
        QCOMPARE(qstr(edit.sqlstate), u"P0002"_s);
        QCOMPARE(owner("SELECT name || marketing_consent FROM customers WHERE id = '" + str(m_customerA) + "'"), std::string("Jane Doefalse"));
    }

    void attach_onlyOwnShopsUnpaidCounterSales()
    {
        const auto attach = [&](const QString &who, const QString &order, const QString &customer) {
            return tryExec(as(who), "SELECT rdk.pos_attach_customer('" + str(order) + "', '" + str(customer) + "')");
        };
        QCOMPARE(qstr(attach(u"staff B"_s, m_pendingA, m_customerB).sqlstate), u"P0002"_s);  // A's order
        QCOMPARE(qstr(attach(u"staff B"_s, m_pendingB, m_customerA).sqlstate), u"P0002"_s);  // A's customer
        const Outcome paid = attach(u"staff"_s, m_paidA, m_customerA);
        QCOMPARE(qstr(paid.sqlstate), u"P0001"_s);
        QVERIFY2(paid.message.contains(u"before it is paid"_s), qPrintable(paid.message));
        QCOMPARE(qstr(attach(u"service"_s, m_pendingA, m_customerA).sqlstate), u"42501"_s);
        QVERIFY(attach(u"admin"_s, m_pendingA, m_customerA).message.contains(u"two-factor"_s));
        // Positive controls: each shop's staff attach their own customer to their own sale.
        const Outcome a = attach(u"staff"_s, m_pendingA, m_customerA);
        QVERIFY2(a.ok, qPrintable(a.describe()));
        const Outcome b = attach(u"staff B"_s, m_pendingB, m_customerB);
        QVERIFY2(b.ok, qPrintable(b.describe()));
        QCOMPARE(owner("SELECT count(*) FROM orders WHERE customer_id IS NOT NULL"), std::string("0"));  // all rolled back
    }

    // rdk-sync links paid online orders through the trigger, never by reading customers.
    void service_cannotReadOrCallCustomers()
    {
        for (const QString &role : reachableRoles(as(u"service"_s))) {
            const std::string setRole = setLocalRole(role);
            for (const std::string &sql : {std::string("SELECT count(*) FROM customers"),
                                          std::string("SELECT count(*) FROM rdk.customer_search('', 50)"),
                                          "SELECT count(*) FROM rdk.customer_get('" + str(m_customerA) + "')",
                                          "SELECT count(*) FROM rdk.customer_orders('" + str(m_customerA) + "')"}) {
                const Outcome o = tryExec(as(u"service"_s), setRole + sql);
                QVERIFY2(o.refused(), qPrintable(role + u": "_s + qstr(sql) + u": "_s + o.describe()));
            }
            // Positive control: the storefront's own work still runs as this role.
            const Outcome place = tryExec(as(u"service"_s), setRole + "SELECT rdk.checkout_place_order('" + kOneLine +
                                                             "', 'a@example.com', 35)");
            QVERIFY2(place.ok, qPrintable(role + u": "_s + place.describe()));
        }
    }

    // Hostile input: a clear sentence and nothing stored.
    void badInput_refusedWithSentence_data()
    {
        QTest::addColumn<QString>("call");
        QTest::addColumn<QString>("words");
        QTest::addRow("e-mail of 300") << u"SELECT rdk.customer_save(NULL, 'Long', repeat('a', 288) || '@example.com', NULL, false)"_s << u"254"_s;
        QTest::addRow("bad phone") << u"SELECT rdk.customer_save(NULL, 'Phone', NULL, '555-CALL-NOW', false)"_s << u"digits"_s;
        QTest::addRow("empty name") << u"SELECT rdk.customer_save(NULL, '  ', NULL, NULL, false)"_s << u"name"_s;
        QTest::addRow("null name") << u"SELECT rdk.customer_save(NULL, NULL, 'x@example.com', NULL, false)"_s << u"name"_s;
        QTest::addRow("control characters") << u"SELECT rdk.customer_save(NULL, E'Jane\\x01', NULL, NULL, false)"_s << u"control"_s;
        QTest::addRow("huge search") << u"SELECT count(*) FROM rdk.customer_search(repeat('a', 1000), 10)"_s << u"254"_s;
    }
    void badInput_refusedWithSentence()
    {
        QFETCH(QString, call);
        QFETCH(QString, words);
        const Outcome o = tryExec(as(u"staff"_s), str(call));
        QCOMPARE(qstr(o.sqlstate), u"22023"_s);
        QVERIFY2(o.message.contains(words), qPrintable(o.message));
        QCOMPARE(owner("SELECT count(*) FROM customers"), std::string("2"));
    }
};

QTEST_GUILESS_MAIN(TestCustomersAttacks)
#include "tst_customers_attacks.moc"

// The row-level security matrix: who may select, insert, update and delete what, checked
// against a real database with real login roles over TCP. Every operation runs in a
// transaction that is rolled back, so the rows do not influence each other.
#include "securitytest.h"

#include <QHash>
#include <QSet>
#include <QTest>

#include <array>
#include <string>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

enum Actor { ServiceA, StaffA, OpsA, AdminA, AdminB, AdminAUnverified, ActorCount };

const std::array<QString, ActorCount> ActorNames = {
    u"service A"_s, u"staff A"_s, u"ops A"_s, u"admin A (verified)"_s, u"admin B"_s, u"admin A without verified 2FA"_s};

const QStringList Tables = {u"tenants"_s,     u"profiles"_s,     u"products"_s,          u"inventory"_s,
                            u"product_images"_s, u"product_image_variants"_s, u"orders"_s, u"order_items"_s,
                            u"stock_reservations"_s, u"stripe_events"_s, u"audit_log"_s, u"page_views"_s,
                            u"stripe_requests"_s};
const QStringList Operations = {u"select"_s, u"insert"_s, u"update"_s, u"delete"_s};

// What is allowed, as "actor|table|operation" over tenant A's rows. Everything else is
// denied. Admin B and the unverified admin are never allowed to write tenant A's rows.
QSet<QString> allowedCells()
{
    QSet<QString> allowed;
    const auto allow = [&](std::initializer_list<Actor> actors, const QString &table, std::initializer_list<QString> ops) {
        for (Actor a : actors)
            for (const QString &op : ops)
                allowed.insert(ActorNames[a] + u'|' + table + u'|' + op);
    };
    const auto everyoneOfA = {ServiceA, StaffA, OpsA, AdminA, AdminAUnverified};
    const auto staffOfA = {StaffA, OpsA, AdminA, AdminAUnverified};

    allow(everyoneOfA, u"tenants"_s, {u"select"_s});
    allow({AdminA}, u"tenants"_s, {u"update"_s});

    allow(staffOfA, u"profiles"_s, {u"select"_s});  // at least their own row

    allow(everyoneOfA, u"products"_s, {u"select"_s});  // the service: published ones
    allow({OpsA, AdminA}, u"products"_s, {u"insert"_s, u"update"_s});
    allow({AdminA}, u"products"_s, {u"delete"_s});

    allow(everyoneOfA, u"inventory"_s, {u"select"_s});
    allow({OpsA, AdminA}, u"inventory"_s, {u"insert"_s, u"update"_s});  // counts; the hold counter: functions only

    for (const QString &t : {u"product_images"_s, u"product_image_variants"_s}) {
        allow(everyoneOfA, t, {u"select"_s});
        allow({OpsA, AdminA}, t, {u"insert"_s, u"update"_s, u"delete"_s});
    }

    // Money moves only through the rdk.* functions (0012, ADR 0008): no login writes these.
    allow(everyoneOfA, u"orders"_s, {u"select"_s});
    allow(everyoneOfA, u"order_items"_s, {u"select"_s});
    allow(everyoneOfA, u"stock_reservations"_s, {u"select"_s});
    allow({ServiceA, AdminA, AdminAUnverified}, u"stripe_events"_s, {u"select"_s});

    allow({AdminA, AdminAUnverified}, u"audit_log"_s, {u"select"_s});

    allow({OpsA, AdminA, AdminAUnverified}, u"page_views"_s, {u"select"_s});
    allow({ServiceA}, u"page_views"_s, {u"insert"_s});

    // Written only through the rdk.* functions of 0010, never directly.
    allow(everyoneOfA, u"stripe_requests"_s, {u"select"_s});
    return allowed;
}

} // namespace

class TestRlsMatrix final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    std::array<std::unique_ptr<pqxx::connection>, ActorCount> m_conn;
    std::unique_ptr<pqxx::connection> m_owner;
    QString m_tenantA, m_tenantB;
    Login m_staffA;
    // Tenant A's fixture rows.
    std::string m_productA, m_productToDelete, m_inventoryA, m_imageA, m_orderA;

    // Creates one row of everything in `tenant`; returns {product, deletable product,
    // inventory, image, order} ids.
    std::array<std::string, 5> seedTenant(const QString &tenant, const std::string &tag)
    {
        pqxx::work tx(*m_owner);
        const std::string t = str(tenant);
        const auto product = tx.exec_params1(
            "INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy, published) "
            "VALUES ($1::uuid, 'MTX-001', 'Matrix runner', 'Nike', 'new', 10000, 'USD', 'flat', true) RETURNING id::text", t)[0].as<std::string>();
        const auto deletable = tx.exec_params1(
            "INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy, published) "
            "VALUES ($1::uuid, 'MTX-DEL', 'Delete me', 'Nike', 'used', 5000, 'USD', 'flat', true) RETURNING id::text", t)[0].as<std::string>();
        const auto inventory = tx.exec_params1(
            "INSERT INTO inventory (tenant_id, product_id, quantity, reserved) VALUES ($1::uuid, $2::uuid, 10, 1) RETURNING id::text",
            t, product)[0].as<std::string>();
        const auto image = tx.exec_params1(
            "INSERT INTO product_images (tenant_id, product_id, content_hash) VALUES ($1::uuid, $2::uuid, repeat('a', 64)) RETURNING id::text",
            t, product)[0].as<std::string>();
        tx.exec_params("INSERT INTO product_image_variants (tenant_id, image_id, variant, file_name, mime, width, height, byte_size, data) "
                       "VALUES ($1::uuid, $2::uuid, 'thumb', 'mtx-thumb.jpg', 'image/jpeg', 10, 10, 1, '\\x00')",
                       t, image);
        const auto order = tx.exec_params1(
            "INSERT INTO orders (tenant_id, channel, currency, total_minor, customer_email) "
            "VALUES ($1::uuid, 'online', 'USD', 10000, 'buyer@example.com') RETURNING id::text", t)[0].as<std::string>();
        tx.exec_params("INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, quantity, unit_price_minor, line_total_minor) "
                       "VALUES ($1::uuid, $2::uuid, $3::uuid, 'MTX-001', 'Matrix runner', 1, 10000, 10000)",
                       t, order, product);
        tx.exec_params("INSERT INTO stock_reservations (tenant_id, order_id, inventory_id, quantity, expires_at) "
                       "VALUES ($1::uuid, $2::uuid, $3::bigint, 1, now() + interval '1 hour')",
                       t, order, inventory);
        tx.exec_params("INSERT INTO stripe_events (id, tenant_id, type, order_id, outcome) "
                       "VALUES ($1, $2::uuid, 'checkout.session.completed', $3::uuid, 'processed')",
                       "evt_mtx_" + tag, t, order);
        tx.exec_params("INSERT INTO page_views (tenant_id, visitor_hash, path) VALUES ($1::uuid, '\\x0102030405060708', '/')", t);
        tx.exec_params("INSERT INTO stripe_requests (tenant_id, order_id, kind) VALUES ($1::uuid, $2::uuid, 'payment_link')", t, order);
        tx.commit();
        return {product, deletable, inventory, image, order};
    }

    std::string sqlFor(const QString &table, const QString &op) const
    {
        const std::string a = "'" + str(m_tenantA) + "'::uuid";
        const std::string t = table.toStdString();
        if (op == u"select"_s)
            return "SELECT count(*) FROM " + t + (table == u"tenants"_s ? " WHERE id = " : " WHERE tenant_id = ") + a;
        if (op == u"delete"_s) {
            if (table == u"tenants"_s)
                return "DELETE FROM tenants WHERE id = " + a;
            if (table == u"products"_s)
                return "DELETE FROM products WHERE id = '" + m_productToDelete + "'";
            return "DELETE FROM " + t + " WHERE tenant_id = " + a;
        }
        if (op == u"update"_s) {
            static const QHash<QString, std::string> sets = {
                {u"tenants"_s, "name = name || '!'"},
                {u"profiles"_s, "display_name = 'Renamed'"},
                {u"products"_s, "price_minor = price_minor + 1"},
                {u"inventory"_s, "quantity = quantity + 1"},
                {u"product_images"_s, "alt_text = 'alt'"},
                {u"product_image_variants"_s, "storage_key = 'moved'"},
                {u"orders"_s, "needs_review = true"},
                {u"order_items"_s, "discount_minor = 0"},
                {u"stock_reservations"_s, "expires_at = expires_at + interval '1 minute'"},
                {u"stripe_events"_s, "outcome = 'changed'"},
                {u"audit_log"_s, "reason = 'changed'"},
                {u"page_views"_s, "path = '/changed'"},
                {u"stripe_requests"_s, "state = 'done'"},
            };
            return "UPDATE " + t + " SET " + sets.value(table) + (table == u"tenants"_s ? " WHERE id = " : " WHERE tenant_id = ") + a;
        }
        // insert: one valid row for tenant A
        if (table == u"tenants"_s)
            return "INSERT INTO tenants (slug, name) VALUES ('mtx-new', 'New shop')";
        if (table == u"profiles"_s)
            return "INSERT INTO profiles (tenant_id, db_role, display_name, role) VALUES (" + a + ", 'mtx_nobody', 'Nobody', 'admin')";
        if (table == u"products"_s)
            return "INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy) "
                   "VALUES (" + a + ", 'MTX-NEW', 'New', 'Nike', 'new', 1000, 'USD', 'flat')";
        if (table == u"inventory"_s)
            return "INSERT INTO inventory (tenant_id, product_id, size, quantity) VALUES (" + a + ", '" + m_productA + "', '11', 1)";
        if (table == u"product_images"_s)
            return "INSERT INTO product_images (tenant_id, product_id, content_hash) VALUES (" + a + ", '" + m_productA + "', repeat('c', 64))";
        if (table == u"product_image_variants"_s)
            return "INSERT INTO product_image_variants (tenant_id, image_id, variant, file_name, mime, width, height, byte_size, storage_key) "
                   "VALUES (" + a + ", '" + m_imageA + "', 'large', 'mtx-large.jpg', 'image/jpeg', 10, 10, 10, 'k')";
        if (table == u"orders"_s)
            return "INSERT INTO orders (tenant_id, channel, currency) VALUES (" + a + ", 'pos', 'USD')";
        if (table == u"order_items"_s)
            return "INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, quantity, unit_price_minor, line_total_minor) "
                   "VALUES (" + a + ", '" + m_orderA + "', '" + m_productA + "', 'MTX-001', 'Matrix runner', 1, 1000, 1000)";
        if (table == u"stock_reservations"_s)
            return "INSERT INTO stock_reservations (tenant_id, order_id, inventory_id, quantity, expires_at) "
                   "VALUES (" + a + ", '" + m_orderA + "', " + m_inventoryA + ", 1, now() + interval '10 minutes')";
        if (table == u"stripe_events"_s)
            return "INSERT INTO stripe_events (id, tenant_id, type, outcome) VALUES ('evt_mtx_new', " + a + ", 'charge.refunded', 'processed')";
        if (table == u"stripe_requests"_s)
            return "INSERT INTO stripe_requests (tenant_id, order_id, kind) VALUES (" + a + ", '" + m_orderA + "', 'refund')";
        if (table == u"audit_log"_s)
            return "INSERT INTO audit_log (tenant_id, action, entity, entity_id) VALUES (" + a + ", 'update', 'product', 'forged')";
        return "INSERT INTO page_views (tenant_id, visitor_hash, path) VALUES (" + a + ", '\\x0807060504030201', '/x')";
    }

    Outcome runAs(Actor actor, const std::string &sql, bool scalar = false)
    {
        return tryExec(*m_conn[actor], sql, scalar);
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_owner = std::make_unique<pqxx::connection>(m_db->ownerUrl());
        m_tenantA = m_db->createTenant(u"shop-a"_s);
        m_tenantB = m_db->createTenant(u"shop-b"_s);
        const auto a = seedTenant(m_tenantA, "a");
        seedTenant(m_tenantB, "b");
        m_productA = a[0];
        m_productToDelete = a[1];
        m_inventoryA = a[2];
        m_imageA = a[3];
        m_orderA = a[4];

        const Login service = m_db->createServiceLogin(m_tenantA);
        m_staffA = m_db->createStaff(m_tenantA, u"staff"_s);
        const Login ops = m_db->createStaff(m_tenantA, u"ops"_s);
        const Login adminA = m_db->createStaff(m_tenantA, u"admin"_s);
        const Login adminB = m_db->createStaff(m_tenantB, u"admin"_s);
        QVERIFY(!m_db->totpSecretOf(adminA.login).isEmpty());

        m_conn[ServiceA] = connectAs(*m_db, service);
        m_conn[StaffA] = connectAs(*m_db, m_staffA);
        m_conn[OpsA] = connectAs(*m_db, ops);
        m_conn[AdminA] = connectAs(*m_db, adminA);
        m_conn[AdminB] = connectAs(*m_db, adminB);
        m_conn[AdminAUnverified] = connectAs(*m_db, adminA);

        waitAwayFromStepEdge();
        QVERIFY(verifySession(*m_conn[AdminA], totpNow(m_db->totpSecretOf(adminA.login))));
        QVERIFY(verifySession(*m_conn[AdminB], totpNow(m_db->totpSecretOf(adminB.login))));
        QVERIFY(boolCommitted(*m_conn[AdminA], "SELECT rdk.can_write()"));
        QVERIFY(!boolCommitted(*m_conn[AdminAUnverified], "SELECT rdk.can_write()"));
    }

    void cleanupTestCase()
    {
        for (auto &c : m_conn)
            c.reset();
        m_owner.reset();
        m_db.reset();
        QVERIFY(!m_db);
    }

    void matrix_data()
    {
        QTest::addColumn<int>("actor");
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("operation");
        QTest::addColumn<bool>("allowed");
        const QSet<QString> allowed = allowedCells();
        for (int actor = 0; actor < ActorCount; ++actor) {
            for (const QString &table : Tables) {
                for (const QString &op : Operations) {
                    const bool ok = allowed.contains(ActorNames[actor] + u'|' + table + u'|' + op);
                    const QString name = u"%1 / %2 / %3 -> %4"_s.arg(ActorNames[actor], table, op, ok ? u"allowed"_s : u"denied"_s);
                    QTest::newRow(qPrintable(name)) << actor << table << op << ok;
                }
            }
        }
    }

    void matrix()
    {
        QFETCH(int, actor);
        QFETCH(QString, table);
        QFETCH(QString, operation);
        QFETCH(bool, allowed);
        const Outcome out = runAs(Actor(actor), sqlFor(table, operation), operation == u"select"_s);
        if (allowed) {
            QVERIFY2(out.ok && out.rows > 0, qPrintable(u"expected allowed, got "_s + out.describe()));
        } else {
            // Denied: refused outright, or nothing of tenant A is visible/affected.
            QVERIFY2(out.refused() || (out.ok && out.rows == 0), qPrintable(u"expected denied, got "_s + out.describe()));
        }
    }

    void service_seesItsBoundShop_whateverTheSetting()
    {
        // The database binds the service login to shop A (0012); rdk.tenant selects nothing.
        const std::string toB = "SELECT set_config('rdk.tenant', '" + str(m_tenantB) + "', true); ";
        for (const char *table : {"products", "orders", "inventory"}) {
            const std::string count = std::string("SELECT count(*) FROM ") + table + " WHERE tenant_id = '";
            const Outcome own = tryExec(*m_conn[ServiceA], toB + count + str(m_tenantA) + "'", true);
            QVERIFY2(own.ok && own.rows > 0, qPrintable(own.describe()));
            const Outcome other = tryExec(*m_conn[ServiceA], toB + count + str(m_tenantB) + "'", true);
            QVERIFY2(other.ok && other.rows == 0, qPrintable(other.describe()));
        }
    }

    void service_seesOnlyPublishedLiveProducts()
    {
        {
            pqxx::work tx(*m_owner);
            tx.exec_params("INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy, published, archived) "
                           "VALUES ($1::uuid, 'MTX-DRAFT', 'Draft', 'Nike', 'new', 1, 'USD', 'flat', false, false), "
                           "       ($1::uuid, 'MTX-OLD', 'Archived', 'Nike', 'new', 1, 'USD', 'flat', true, true)",
                           str(m_tenantA));
            tx.commit();
        }
        const Outcome service = runAs(ServiceA, "SELECT count(*) FROM products WHERE sku IN ('MTX-DRAFT', 'MTX-OLD')", true);
        QVERIFY2(service.ok, qPrintable(service.describe()));
        QCOMPARE(service.rows, 0LL);
        const Outcome staff = runAs(StaffA, "SELECT count(*) FROM products WHERE sku IN ('MTX-DRAFT', 'MTX-OLD')", true);
        QCOMPARE(staff.rows, 2LL);
    }

    void inventory_holdCounterBelongsToTheFunctions()
    {
        for (Actor actor : {ServiceA, StaffA, OpsA, AdminA}) {
            const Outcome reserved = runAs(actor, "UPDATE inventory SET reserved = reserved + 1");
            QVERIFY2(reserved.refused(), qPrintable(ActorNames[actor] + u": "_s + reserved.describe()));
        }
        QVERIFY(runAs(StaffA, "UPDATE inventory SET quantity = quantity + 1").refused());
        const Outcome ops = runAs(OpsA, "UPDATE inventory SET quantity = quantity + 1");
        QVERIFY2(ops.ok && ops.rows > 0, qPrintable(ops.describe()));
    }

    void orders_placedThroughTheFunctionOnly()
    {
        for (Actor actor : {ServiceA, StaffA, OpsA, AdminA}) {
            const Outcome direct = runAs(actor, "INSERT INTO orders (channel, currency) VALUES ('pos', 'USD')");
            QVERIFY2(direct.refused(), qPrintable(ActorNames[actor] + u": "_s + direct.describe()));
        }
        const Outcome sale = runAs(StaffA, R"(SELECT rdk.pos_place_sale('[{"sku": "MTX-001", "quantity": 1}]', 0, NULL, 15))");
        QVERIFY2(sale.ok, qPrintable(sale.describe()));
    }

    void orders_customerEmailIsHiddenFromPlainStaff()
    {
        for (const char *column : {"customer_email", "shipping_address"}) {
            const Outcome staff = runAs(StaffA, std::string("SELECT count(") + column + ") FROM orders", true);
            QVERIFY2(staff.refused(), qPrintable(staff.describe()));
            for (Actor actor : {ServiceA, OpsA, AdminA}) {
                const Outcome out = runAs(actor, std::string("SELECT count(*) FROM orders WHERE ") + column + " IS NOT NULL OR true", true);
                QVERIFY2(out.ok && out.rows > 0, qPrintable(ActorNames[actor] + u": "_s + out.describe()));
            }
        }
        const Outcome rest = runAs(StaffA, "SELECT count(*) FROM orders WHERE status = 'pending' AND total_minor > 0", true);
        QVERIFY2(rest.ok && rest.rows > 0, qPrintable(rest.describe()));
    }

    void profiles_staffSeeTheirOwnRow_adminsTheirTenant()
    {
        const Outcome own = runAs(StaffA, "SELECT count(*) FROM profiles WHERE db_role = session_user", true);
        QCOMPARE(own.rows, 1LL);
        const Outcome others = runAs(StaffA, "SELECT count(*) FROM profiles WHERE db_role <> session_user", true);
        QCOMPARE(others.rows, 0LL);
        const std::string tenantProfiles =
            scalarCommitted(*m_owner, "SELECT count(*) FROM profiles WHERE tenant_id = '" + str(m_tenantA) + "'");
        const Outcome admin = runAs(AdminA, "SELECT count(*) FROM profiles", true);
        QCOMPARE(admin.rows, std::stoll(tenantProfiles));
        QVERIFY(admin.rows >= 3);
    }

    void rows_cannotMoveToAnotherTenant()
    {
        const std::string b = "'" + str(m_tenantB) + "'::uuid";
        const Outcome move = runAs(OpsA, "UPDATE products SET tenant_id = " + b + " WHERE sku = 'MTX-001'");
        QVERIFY2(move.refused(), qPrintable(move.describe()));
        const Outcome plant = runAs(OpsA, "INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy) "
                                          "VALUES (" + b + ", 'MTX-PLANT', 'x', 'y', 'new', 1, 'USD', 'flat')");
        QVERIFY2(plant.refused(), qPrintable(plant.describe()));
        const Outcome order = runAs(ServiceA, "UPDATE orders SET tenant_id = " + b);
        QVERIFY2(order.refused(), qPrintable(order.describe()));
    }

    void childRows_mustShareTheParentsTenant()
    {
        const std::string productB = scalarCommitted(
            *m_owner, "SELECT id::text FROM products WHERE sku = 'MTX-001' AND tenant_id = '" + str(m_tenantB) + "'");
        const Outcome out = runAs(OpsA, "INSERT INTO inventory (product_id, size, quantity) VALUES ('" + productB + "', '12', 1)");
        QVERIFY2(!out.ok && out.sqlstate == "23503", qPrintable(out.describe()));
    }

    void tenantId_defaultsToTheCallersTenant()
    {
        pqxx::work tx(*m_conn[OpsA]);
        const auto row = tx.exec1("INSERT INTO products (sku, name, brand, condition, price_minor, currency, inventory_strategy) "
                                  "VALUES ('MTX-AUTO', 'Auto', 'Nike', 'new', 1, 'USD', 'flat') RETURNING tenant_id::text");
        QCOMPARE(qstr(row[0].as<std::string>()), m_tenantA);
        tx.abort();
    }

    void disabledStaff_seesNothingInAnOpenSession()
    {
        const Login temp = m_db->createStaff(m_tenantA, u"staff"_s);
        auto conn = connectAs(*m_db, temp);
        QVERIFY(tryExec(*conn, "SELECT count(*) FROM products", true).rows > 0);
        m_db->execOwner("SELECT rdk.disable_staff('" + str(temp.login) + "')");
        const Outcome after = tryExec(*conn, "SELECT count(*) FROM products", true);
        QVERIFY2(after.ok, qPrintable(after.describe()));
        QCOMPARE(after.rows, 0LL);
        QVERIFY(!tryExec(*conn, "INSERT INTO orders (channel, currency) VALUES ('pos', 'USD')").ok);
        bool refused = false;
        try {
            pqxx::connection again(m_db->urlFor(temp.login, temp.password));
        } catch (const std::exception &) {
            refused = true;
        }
        QVERIFY(refused);
    }

    void appRoles_cannotCreateObjectsOrReadSecrets()
    {
        for (Actor actor : {ServiceA, StaffA, AdminA}) {
            QVERIFY(runAs(actor, "CREATE TABLE public.mtx_evil (a int)").refused());
            QVERIFY(runAs(actor, "SELECT count(*) FROM rdk.staff_totp", true).refused());
            QVERIFY(runAs(actor, "SELECT count(*) FROM rdk.session_2fa", true).refused());
        }
        QVERIFY(runAs(AdminA, "SELECT rdk.owner_enroll_totp(session_user)").refused());
        QVERIFY(runAs(AdminA, "SELECT rdk.create_service_login('mtx_sneaky', 'password-123')").refused());
        QVERIFY(runAs(StaffA, "SELECT rdk.create_staff('mtx_sneaky', 'password-123', NULL, 'admin', 'x')").refused());
    }
};

QTEST_GUILESS_MAIN(TestRlsMatrix)
#include "tst_rls_matrix.moc"

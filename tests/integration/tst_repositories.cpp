// Repositories round-trip against a real PostgreSQL, as the owner and as real staff logins.
#include "data/pgrepositories.h"
#include "tests/support/testdatabase.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

namespace {

Product sampleProduct(const QString &sku, const QString &tenantId)
{
    Product p;
    p.tenantId = tenantId;
    p.sku = sku;
    p.name = u"Air Jordan 1 Retro High OG"_s;
    p.brand = u"Jordan"_s;
    p.colorway = u"Chicago"_s;
    p.condition = Condition::New;
    p.price = Money::of(18000, u"USD"_s).value();
    p.inventoryStrategy = InventoryStrategy::PerSize;
    p.sizeSystem = SizeSystem::Mens;
    p.sizeRun = {u"9"_s, u"9.5"_s, u"10"_s};
    p.stock = {{u"9"_s, 2, 0}, {u"9.5"_s, 0, 0}, {u"10"_s, 1, 0}};
    p.published = true;
    return p;
}

} // namespace

class TestRepositories final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<PgSession> m_owner;
    QString m_tenant;

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        auto session = PgSession::open(m_db->ownerUrl());
        QVERIFY(session.ok());
        m_owner = std::move(session).value();
        m_tenant = m_db->createTenant(u"shop-a"_s);
    }

    void cleanup()
    {
        m_owner.reset();
        m_db.reset();
    }

    void tenant_createAndFind_roundTrips()
    {
        PgTenantRepository tenants(*m_owner);
        auto created = tenants.create(Tenant{{}, u"kicks-b"_s, u"Kicks B"_s, u"EUR"_s, u"Europe/Berlin"_s});
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));
        auto found = tenants.findBySlug(u"kicks-b"_s);
        QVERIFY(found.ok() && found->has_value());
        QCOMPARE((*found)->currency, u"EUR"_s);
        QCOMPARE((*found)->timezone, u"Europe/Berlin"_s);
        auto missing = tenants.findBySlug(u"nope"_s);
        QVERIFY(missing.ok());
        QVERIFY(!missing->has_value());
    }

    void tenant_duplicateOrMalformedSlug_isRefused_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<int>("code");
        QTest::addRow("duplicate") << u"shop-a"_s << int(ErrorCode::Conflict);
        QTest::addRow("uppercase") << u"Shop"_s << int(ErrorCode::Invalid);
        QTest::addRow("injection") << u"x'; DROP TABLE tenants; --"_s << int(ErrorCode::Invalid);
    }

    void tenant_duplicateOrMalformedSlug_isRefused()
    {
        QFETCH(QString, slug);
        QFETCH(int, code);
        PgTenantRepository tenants(*m_owner);
        auto created = tenants.create(Tenant{{}, slug, u"Name"_s, u"USD"_s, u"UTC"_s});
        QVERIFY(!created.ok());
        QCOMPARE(int(created.error().code), code);
    }

    void product_createFindUpdate_roundTrips()
    {
        PgProductRepository products(*m_owner);
        auto created = products.create(sampleProduct(u"AJ1-CHI"_s, m_tenant), u"received"_s);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));
        QCOMPARE(created->version, 1);
        QCOMPARE(created->totalStock(), 3);

        auto found = products.findBySku(u"aj1-chi"_s);
        QVERIFY(found.ok() && found->has_value());
        const Product &p = **found;
        QCOMPARE(p.name, u"Air Jordan 1 Retro High OG"_s);
        QCOMPARE(p.price.minor(), 18000);
        QCOMPARE(p.sizeRun, (QStringList{u"9"_s, u"9.5"_s, u"10"_s}));
        QCOMPARE(p.stock.size(), 3);
        QCOMPARE(p.stock[0].size, u"9"_s);
        QCOMPARE(p.stock[0].quantity, 2);
        QVERIFY(p.sizeSystem == SizeSystem::Mens);

        Product edited = p;
        edited.price = Money::of(17500, u"USD"_s).value();
        edited.stock[1].quantity = 4;
        auto updated = products.update(edited, u"count_correction"_s);
        QVERIFY2(updated.ok(), updated.ok() ? "" : qPrintable(updated.error().message));
        QCOMPARE(updated->version, 2);
        QCOMPARE(updated->price.minor(), 17500);
        QCOMPARE(updated->totalStock(), 7);
    }

    void product_staleVersion_isAConflictNotAnOverwrite()
    {
        PgProductRepository products(*m_owner);
        auto created = products.create(sampleProduct(u"AJ1-BRED"_s, m_tenant), {});
        QVERIFY(created.ok());
        Product mine = *created;
        Product theirs = *created;
        theirs.name = u"Air Jordan 1 Bred"_s;
        QVERIFY(products.update(theirs, {}).ok());

        mine.name = u"My edit"_s;
        auto refused = products.update(mine, {});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Conflict);
        QCOMPARE((*products.findBySku(u"AJ1-BRED"_s))->name, u"Air Jordan 1 Bred"_s);
    }

    void product_duplicateSkuOrInvalid_isRefusedWithAReason()
    {
        PgProductRepository products(*m_owner);
        QVERIFY(products.create(sampleProduct(u"DUP-1"_s, m_tenant), {}).ok());
        auto duplicate = products.create(sampleProduct(u"DUP-1"_s, m_tenant), {});
        QVERIFY(!duplicate.ok());
        QCOMPARE(duplicate.error().code, ErrorCode::Conflict);
        QVERIFY(duplicate.error().message.contains(u"SKU"_s));

        Product bad = sampleProduct(u"BAD-1"_s, m_tenant);
        bad.name.clear();
        bad.price = Money::of(-1, u"USD"_s).value();
        auto invalid = products.create(bad, {});
        QVERIFY(!invalid.ok());
        QCOMPARE(invalid.error().code, ErrorCode::Invalid);
        QVERIFY(!(*products.findBySku(u"BAD-1"_s)).has_value());
    }

    void product_list_searchesFiltersAndPages()
    {
        PgProductRepository products(*m_owner);
        for (int i = 0; i < 5; ++i) {
            Product p = sampleProduct(u"SKU-%1"_s.arg(i), m_tenant);
            p.name = u"Runner %1"_s.arg(i);
            p.brand = i < 3 ? u"Nike"_s : u"Asics"_s;
            if (i == 4)
                p.stock = {{u"9"_s, 0, 0}};
            QVERIFY(products.create(p, {}).ok());
        }
        ProductQuery query;
        query.search = u"runner"_s;
        query.limit = 2;
        auto page = products.list(query);
        QVERIFY(page.ok());
        QCOMPARE(page->items.size(), 2);
        QVERIFY(page->hasMore);

        query.limit = 100;
        query.brand = u"Asics"_s;
        QCOMPARE(products.list(query)->items.size(), 2);
        query.stock = StockFilter::SoldOut;
        const auto soldOut = products.list(query);
        QCOMPARE(soldOut->items.size(), 1);
        QCOMPARE(soldOut->items.first().sku, u"SKU-4"_s);

        ProductQuery hostile;
        hostile.search = u"%_\\' OR 1=1 --"_s;
        QCOMPARE(products.list(hostile)->items.size(), 0);
    }

    void inventory_negativeStock_isRefusedAsOutOfStock()
    {
        PgProductRepository products(*m_owner);
        auto created = products.create(sampleProduct(u"NEG-1"_s, m_tenant), {});
        QVERIFY(created.ok());
        const Status result = m_owner->transact([&](pqxx::work &tx) -> Status {
            tx.exec_params("UPDATE inventory SET quantity = quantity - 5 WHERE product_id = $1::uuid AND size = '10'",
                           created->id.toStdString());
            return {};
        });
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::OutOfStock);
        QCOMPARE((*products.findBySku(u"NEG-1"_s))->totalStock(), 3);
    }

    void order_createFindAndStateMachine()
    {
        PgProductRepository products(*m_owner);
        auto product = products.create(sampleProduct(u"ORD-1"_s, m_tenant), {});
        QVERIFY(product.ok());
        const Money price = product->price;
        OrderLine line{product->id, product->sku, product->name, u"9"_s, 2, price, Money::zero(u"USD"_s)};
        auto totals = computeTotals({line}, Money::of(995, u"USD"_s).value(), Money::zero(u"USD"_s),
                                    Money::zero(u"USD"_s), Money::zero(u"USD"_s));
        QVERIFY(totals.ok());
        Order order;
        order.tenantId = m_tenant;
        order.channel = OrderChannel::Online;
        order.status = OrderStatus::Pending;
        order.lines = {line};
        order.totals = *totals;
        order.refunded = Money::zero(u"USD"_s);
        order.customerEmail = u"buyer@example.com"_s;

        PgOrderRepository orders(*m_owner);
        auto created = orders.create(order);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));
        QVERIFY(created->orderNumber >= 1001);
        auto found = orders.findById(created->id);
        QVERIFY(found.ok() && found->has_value());
        QCOMPARE((*found)->totals.total.minor(), 2 * 18000 + 995);
        QCOMPARE((*found)->lines.size(), 1);
        QCOMPARE((*found)->lines.first().size, u"9"_s);

        auto paid = orders.changeStatus(created->id, OrderStatus::Paid, u"test"_s);
        QVERIFY2(paid.ok(), paid.ok() ? "" : qPrintable(paid.error().message));
        QVERIFY(paid->paidAt.isValid());
        auto backwards = orders.changeStatus(created->id, OrderStatus::Pending, u"test"_s);
        QVERIFY(!backwards.ok());
        QCOMPARE(backwards.error().code, ErrorCode::Conflict);
    }

    void staff_createdLogin_signsInWithItsPasswordOnly()
    {
        PgStaffDirectory staff(*m_owner);
        const QString login = m_db->uniqueLogin(u"cashier"_s);
        const QString password = u"correct horse battery"_s;
        auto created = staff.create(login, password, m_tenant, StaffRole::Staff, u"Cashier"_s);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));

        auto session = PgSession::open(m_db->urlFor(login, password));
        QVERIFY2(session.ok(), session.ok() ? "" : qPrintable(session.error().message));
        auto wrong = PgSession::open(m_db->urlFor(login, u"wrong password!!"_s));
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, ErrorCode::Forbidden);

        // The staff member sees their shop's catalog through RLS, and nothing else.
        PgProductRepository asStaff(**session);
        QVERIFY(PgProductRepository(*m_owner).create(sampleProduct(u"VIS-1"_s, m_tenant), {}).ok());
        const QString otherTenant = m_db->createTenant(u"shop-b"_s);
        QVERIFY(PgProductRepository(*m_owner).create(sampleProduct(u"HIDDEN-1"_s, otherTenant), {}).ok());
        auto visible = asStaff.list({});
        QVERIFY(visible.ok());
        QCOMPARE(visible->items.size(), 1);
        QCOMPARE(visible->items.first().sku, u"VIS-1"_s);
        // ...and can't change the catalog.
        Product edit = visible->items.first();
        edit.name = u"Renamed"_s;
        auto refused = asStaff.update(edit, {});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Forbidden);
        QVERIFY(refused.error().message.contains(u"permission"_s));
    }

    void staff_badLoginOrWeakPassword_isRefused_data()
    {
        QTest::addColumn<QString>("login");
        QTest::addColumn<QString>("password");
        QTest::addRow("reserved prefix") << u"rdk_admin2"_s << u"long enough password"_s;
        QTest::addRow("injection") << u"x\"; DROP ROLE postgres; --"_s << u"long enough password"_s;
        QTest::addRow("short password") << u"shortpw"_s << u"abc"_s;
        QTest::addRow("empty login") << QString() << u"long enough password"_s;
    }

    void staff_badLoginOrWeakPassword_isRefused()
    {
        QFETCH(QString, login);
        QFETCH(QString, password);
        PgStaffDirectory staff(*m_owner);
        auto created = staff.create(login, password, m_tenant, StaffRole::Staff, {});
        QVERIFY(!created.ok());
        QCOMPARE(created.error().code, ErrorCode::Invalid);
    }
};

QTEST_GUILESS_MAIN(TestRepositories)
#include "tst_repositories.moc"

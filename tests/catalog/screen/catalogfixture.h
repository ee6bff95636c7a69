#pragma once

// A shop with an ops login (may edit the catalog) on a fresh test database, plus the
// sessions the catalog screen needs: one for the UI thread and a factory for worker threads.
#include "data/pgcatalogreader.h"
#include "data/pgrepositories.h"
#include "tests/support/sessionwait.h"
#include "tests/support/testdatabase.h"
#include "ui/catalog/catalogqueryrunner.h"
#include "ui/catalog/producteditor.h"

#include <QTest>

#include <memory>

namespace rdk::test {

struct CatalogFixture final {
    std::unique_ptr<TestDatabase> db;
    QString tenantId;
    std::string staffUrl;
    std::unique_ptr<data::PgSession> staff;   ///< the signed-in ops member, UI thread
    std::unique_ptr<data::PgSession> owner;   ///< for checks and for setting up data
    std::unique_ptr<data::PgProductRepository> products;
    std::unique_ptr<data::PgCatalogReader> reader;

    /// Empty on success, else why the fixture could not be built.
    QString setUp()
    {
        QString error;
        db = TestDatabase::create(&error);
        if (!db)
            return error;
        tenantId = db->createTenant(QStringLiteral("kickz"));
        const Login ops = db->createStaff(tenantId, QStringLiteral("ops"));
        staffUrl = db->urlFor(ops.login, ops.password);
        auto session = data::PgSession::open(staffUrl);
        if (!session)
            return session.error().message;
        staff = std::move(session).value();
        auto ownerSession = data::PgSession::open(db->ownerUrl());
        if (!ownerSession)
            return ownerSession.error().message;
        owner = std::move(ownerSession).value();
        products = std::make_unique<data::PgProductRepository>(*staff);
        reader = std::make_unique<data::PgCatalogReader>(*staff);
        return {};
    }

    /// Closes every session before the database is dropped.
    void tearDown()
    {
        reader.reset();
        products.reset();
        staff.reset();
        owner.reset();
        // Closed connections leave the server a moment later; dropping the database before
        // they are gone would need rights over their roles' backends.
        if (db)
            waitForOtherSessionsToEnd(*db);
        db.reset();
    }

    /// What the screen gets: a reader with its own staff connection per worker thread.
    CatalogReaderFactory readerFactory() const
    {
        const std::string url = staffUrl;
        return [url]() -> Result<std::unique_ptr<CatalogReader>> {
            auto opened = data::PgCatalogReader::open(url);
            if (!opened)
                return opened.error();
            return std::unique_ptr<CatalogReader>(std::move(opened).value());
        };
    }

    /// What the editor gets: a product repository with its own staff connection per save.
    ProductRepositoryFactory productFactory() const
    {
        const std::string url = staffUrl;
        return [url]() -> Result<std::unique_ptr<ProductRepository>> {
            auto opened = data::PgSession::open(url);
            if (!opened)
                return opened.error();
            return std::unique_ptr<ProductRepository>(new data::PgProductRepository(std::move(opened).value()));
        };
    }

    /// A scalar from the owner's view of the database (bypasses row-level security).
    QString scalar(const std::string &sql)
    {
        pqxx::work tx(owner->connection());
        const auto r = tx.exec1(sql);
        tx.commit();
        return data::text(r[0]);
    }

    /// `count` products with per-size stock, made by SQL like the benchmark's.
    void bulkInsert(int count)
    {
        db->execOwner(
            "SELECT set_config('rdk.reason', 'test data', true); "
            "INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, used_grade, price_minor, currency, "
            "inventory_strategy, size_system, size_run, published) "
            "SELECT '" + tenantId.toStdString() + "'::uuid, 'BULK-' || lpad(g::text, 5, '0'), "
            "(ARRAY['Air Max 90', 'Dunk Low', 'Air Jordan 1 High', 'Samba OG', '990v6', 'Gel-Kayano 14', 'Suede Classic', "
            "'Forum Low'])[1 + g % 8] || ' #' || g, "
            "(ARRAY['Nike', 'Nike', 'Jordan', 'Adidas', 'New Balance', 'Asics', 'Puma', 'Adidas'])[1 + g % 8], "
            "(ARRAY['Infrared', 'Panda', 'Chicago', 'White/Black', 'Grey', 'Cream', 'Black', 'Zebra'])[1 + (g / 8) % 8], "
            "CASE WHEN g % 5 = 0 THEN 'used' ELSE 'new' END, CASE WHEN g % 5 = 0 THEN 'good' END, "
            "9000 + (g % 40) * 500, 'USD', 'per_size', 'mens', ARRAY['8', '9', '10'], g % 3 <> 0 "
            "FROM generate_series(1, " + std::to_string(count) + ") AS g; "
            "INSERT INTO inventory (tenant_id, product_id, size, quantity) "
            "SELECT p.tenant_id, p.id, s.size, CASE WHEN right(p.sku, 1) IN ('0', '1') THEN 0 "
            "  WHEN right(p.sku, 1) = '2' AND s.size = '8' THEN 2 WHEN right(p.sku, 1) = '2' THEN 0 "
            "  ELSE 3 + abs(hashtext(p.sku || s.size)) % 20 END "
            "FROM products p CROSS JOIN LATERAL unnest(p.size_run) AS s(size) WHERE p.sku LIKE 'BULK-%'; "
            "ANALYZE products; ANALYZE inventory;");
    }
};

} // namespace rdk::test

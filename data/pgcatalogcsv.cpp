#include "data/pgcatalogcsv.h"

#include "data/pgproductrow.h"
#include "data/pgsessionpqxx.h"

#include "domain/sizes.h"

#include <QHash>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

const QString kReason = u"CSV import"_s;

// Stands for "no size" (flat stock) in ';'-joined size lists; size labels are digits and dots.
const QString kFlatSize = u"*"_s;

// The shop the work is for: the given one (owner connections), else the signed-in staff's.
Result<std::pair<QString, QString>> resolveShop(pqxx::work &tx, const QString &tenantId)
{
    const auto rows = tx.exec_params(
        "SELECT id::text, currency FROM tenants WHERE id = coalesce(nullif($1, '')::uuid, rdk.current_tenant())",
        str(tenantId));
    if (rows.empty())
        return Error::forbidden(u"This login does not belong to a shop, so it cannot import or export its catalog."_s);
    return std::pair{text(rows[0][0]), text(rows[0][1]).trimmed()};
}

// The rows of an import as PostgreSQL array literals, so each statement handles every row at
// once (one round trip instead of several per row; 50,000 rows are routine).
struct ImportArrays final {
    explicit ImportArrays(const CatalogCsvImport &import)
    {
        QStringList l, sk, n, b, co, d, cond, g, pr, cur, st, sys, run, pub, arch, ssku, ssize, sqty, sgtin, sline, psizes,
            pqtys;
        for (const CatalogCsvRow &row : import.rows) {
            const Product &p = *row.product;
            l.append(QString::number(row.line));
            sk.append(p.sku);
            n.append(p.name);
            b.append(p.brand);
            co.append(p.colorway);
            d.append(p.description);
            cond.append(toString(p.condition));
            g.append(toString(p.usedGrade));
            pr.append(QString::number(p.price.minor()));
            cur.append(p.price.currency());
            st.append(toString(p.inventoryStrategy));
            sys.append(p.sizeSystem ? toString(*p.sizeSystem) : QString());
            run.append(p.sizeRun.join(u';'));
            pub.append(p.published ? u"t"_s : u"f"_s);
            arch.append(p.archived ? u"t"_s : u"f"_s);
            QStringList sizes, quantities;
            for (const SizeStock &s : p.stock) {
                ssku.append(p.sku);
                ssize.append(s.size);
                sqty.append(QString::number(s.quantity));
                sgtin.append(s.gtin);
                sline.append(QString::number(row.line));
                sizes.append(s.size.isEmpty() ? kFlatSize : s.size);
                quantities.append(QString::number(s.quantity));
            }
            psizes.append(sizes.join(u';'));
            pqtys.append(quantities.join(u';'));
        }
        lines = textArray(l);
        skus = textArray(sk);
        names = textArray(n);
        brands = textArray(b);
        colorways = textArray(co);
        descriptions = textArray(d);
        conditions = textArray(cond);
        grades = textArray(g);
        prices = textArray(pr);
        currencies = textArray(cur);
        strategies = textArray(st);
        systems = textArray(sys);
        runs = textArray(run);
        published = textArray(pub);
        archived = textArray(arch);
        stockSkus = textArray(ssku);
        stockSizes = textArray(ssize);
        stockQuantities = textArray(sqty);
        stockGtins = textArray(sgtin);
        stockLines = textArray(sline);
        productStockSizes = textArray(psizes);
        productStockQuantities = textArray(pqtys);
    }

    std::string lines, skus, names, brands, colorways, descriptions, conditions, grades, prices, currencies,
        strategies, systems, runs, published, archived, stockSkus, stockSizes, stockQuantities, stockGtins, stockLines;
    /// Per product row: the sizes of the file's stock (';'-joined, "*" for flat) and their counts,
    /// so a stored inventory row finds its wanted count without a join over every stock row.
    std::string productStockSizes, productStockQuantities;
};

// $2..$16: the product arrays of ImportArrays, in member order.
const char *const kProductRelation =
    "c AS (SELECT * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], "
    "$9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::boolean[], $16::boolean[]) "
    "AS c(line, sku, name, brand, colorway, description, condition, used_grade, price_minor, currency, strategy, "
    "size_system, size_run, published, archived)) ";

// $2..$6: the stock arrays, one element per size row of the file ('' = no barcode).
const char *const kStockRelation =
    "s AS (SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::int[]) "
    "AS s(sku, size, quantity, gtin, line)) ";

// $2..$5: SKU, stock sizes, stock counts and line per product row. Stored inventory rows are reached
// through products by SKU and their product_id index, never by scanning the file's rows.
const char *const kWantedRelation =
    "w AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) AS w(sku, sizes, quantities, line)) ";
// The count the file wants for stored row i of product w (0 when the file no longer lists it).
const char *const kWantedQuantity =
    "coalesce((string_to_array(w.quantities, ';'))[array_position(string_to_array(w.sizes, ';'), coalesce(i.size, '*'))]::int, 0)";

} // namespace

namespace {

/// A barcode of the file that a product the file doesn't list already carries: the file can't
/// take it away from that product, so the import stops with the line to fix.
Status barcodesFree(pqxx::work &tx, const std::string &tenant, const ImportArrays &arrays)
{
    const auto taken = tx.exec_params(
        "WITH " + std::string(kStockRelation) +
        "SELECT s.line, s.gtin, p.sku, coalesce(i.size, '') FROM s "
        "JOIN inventory i ON i.tenant_id = $1::uuid AND i.gtin_key = lpad(s.gtin, 13, '0') "
        "JOIN products p ON p.id = i.product_id "
        "WHERE s.gtin <> '' AND NOT (p.sku = ANY ($7::text[])) ORDER BY s.line LIMIT 1",
        tenant, arrays.stockSkus, arrays.stockSizes, arrays.stockQuantities, arrays.stockGtins, arrays.stockLines,
        arrays.skus);
    if (taken.empty())
        return {};
    const QString size = text(taken[0][3]);
    return Error::conflict(u"line %1, barcodes: barcode %2 is already on %3%4, which this file does not list"_s
                               .arg(taken[0][0].as<int>())
                               .arg(text(taken[0][1]), text(taken[0][2]), size.isEmpty() ? QString() : u" size "_s + size));
}

} // namespace

PgCatalogCsvStore::PgCatalogCsvStore(PgSession &session, QString tenantId)
    : m_session(session), m_tenantId(std::move(tenantId))
{
}

PgCatalogCsvStore::PgCatalogCsvStore(std::unique_ptr<PgSession> owned, QString tenantId)
    : m_owned(std::move(owned)), m_session(*m_owned), m_tenantId(std::move(tenantId))
{
}

Result<std::unique_ptr<CatalogCsvStore>> PgCatalogCsvStore::open(const std::string &connectionString, QString tenantId)
{
    auto session = PgSession::open(connectionString);
    if (!session)
        return session.error();
    return std::unique_ptr<CatalogCsvStore>(new PgCatalogCsvStore(std::move(session).value(), std::move(tenantId)));
}

Result<QString> PgCatalogCsvStore::shopCurrency()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QString> {
        auto shop = resolveShop(tx, m_tenantId);
        if (!shop)
            return shop.error();
        return shop->second;
    });
}

Result<CatalogImportSummary> PgCatalogCsvStore::apply(const CatalogCsvImport &import, bool dryRun,
                                                      const std::function<void(int, int)> &progress)
{
    if (!import.ok()) {
        const QList<CsvIssue> issues = import.allIssues();
        return Error::invalid(u"The file has %1 problem(s); nothing was imported. First: %2"_s.arg(issues.size()).arg(
            issues.isEmpty() ? QString() : issues.first().toString()));
    }
    const ImportArrays arrays(import);
    const int total = int(import.rows.size());
    const auto step = [&](int phase) {
        if (progress)
            progress(total * phase / 5, total);
    };
    return m_session.transact(
        [&](pqxx::work &tx) -> Result<CatalogImportSummary> {
            auto shop = resolveShop(tx, m_tenantId);
            if (!shop)
                return shop.error();
            const std::string tenant = str(shop->first);
            if (dryRun)
                tx.exec0("SAVEPOINT rdk_csv_dry_run");

            // Nothing may go below what pending orders hold (rows the file drops go to 0).
            const auto held = tx.exec_params(
                "WITH " + std::string(kWantedRelation) +
                "SELECT w.line, coalesce(i.size, ''), i.reserved FROM w "
                "JOIN products p ON p.tenant_id = $1::uuid AND p.sku = w.sku JOIN inventory i ON i.product_id = p.id "
                "WHERE i.reserved > 0 AND i.reserved > " + std::string(kWantedQuantity) + " ORDER BY w.line LIMIT 1",
                tenant, arrays.skus, arrays.productStockSizes, arrays.productStockQuantities, arrays.lines);
            if (!held.empty()) {
                const QString size = text(held[0][1]);
                return Error::invalid(u"line %1, stock: %2 has %3 unit(s) held for pending orders; the count can't go "
                                      u"below that"_s.arg(held[0][0].as<int>())
                                          .arg(size.isEmpty() ? u"the product"_s : u"size %1"_s.arg(size))
                                          .arg(held[0][2].as<int>()),
                                      u"stock"_s);
            }
            if (import.hasBarcodes) {
                if (Status free = barcodesFree(tx, tenant, arrays); !free)
                    return free.error();
                // A file may move a barcode from one size to another: checked at the end.
                tx.exec0("SET CONSTRAINTS inventory_gtin_unique DEFERRED");
            }
            step(1);

            QSet<QString> changed;
            for (const auto &r : tx.exec_params(
                     "WITH " + std::string(kProductRelation) + ", up AS ("
                     "  UPDATE products p SET name = c.name, brand = c.brand, colorway = c.colorway, description = c.description, "
                     "    condition = c.condition, used_grade = nullif(c.used_grade, ''), price_minor = c.price_minor, "
                     "    currency = c.currency, inventory_strategy = c.strategy, size_system = nullif(c.size_system, ''), "
                     "    size_run = string_to_array(c.size_run, ';'), published = c.published, archived = c.archived, "
                     "    version = p.version + 1 "
                     "  FROM c WHERE p.tenant_id = $1::uuid AND p.sku = c.sku AND "
                     "    (p.name, p.brand, p.colorway, p.description, p.condition, p.used_grade, p.price_minor, p.currency::text, "
                     "     p.inventory_strategy, p.size_system, p.size_run, p.published, p.archived) IS DISTINCT FROM "
                     "    (c.name, c.brand, c.colorway, c.description, c.condition, nullif(c.used_grade, ''), c.price_minor, "
                     "     c.currency, c.strategy, nullif(c.size_system, ''), string_to_array(c.size_run, ';'), c.published, c.archived) "
                     "  RETURNING p.sku) SELECT sku FROM up",
                     tenant, arrays.lines, arrays.skus, arrays.names, arrays.brands, arrays.colorways, arrays.descriptions,
                     arrays.conditions, arrays.grades, arrays.prices, arrays.currencies, arrays.strategies, arrays.systems,
                     arrays.runs, arrays.published, arrays.archived))
                changed.insert(text(r[0]));
            step(2);

            QSet<QString> created;
            for (const auto &r : tx.exec_params(
                     "WITH " + std::string(kProductRelation) + ", ins AS ("
                     "  INSERT INTO products (tenant_id, sku, name, brand, colorway, description, condition, used_grade, "
                     "    price_minor, currency, inventory_strategy, size_system, size_run, published, archived) "
                     "  SELECT $1::uuid, c.sku, c.name, c.brand, c.colorway, c.description, c.condition, nullif(c.used_grade, ''), "
                     "    c.price_minor, c.currency, c.strategy, nullif(c.size_system, ''), string_to_array(c.size_run, ';'), "
                     "    c.published, c.archived FROM c "
                     "  WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.tenant_id = $1::uuid AND p.sku = c.sku) "
                     "  ORDER BY c.line RETURNING sku) SELECT sku FROM ins",
                     tenant, arrays.lines, arrays.skus, arrays.names, arrays.brands, arrays.colorways, arrays.descriptions,
                     arrays.conditions, arrays.grades, arrays.prices, arrays.currencies, arrays.strategies, arrays.systems,
                     arrays.runs, arrays.published, arrays.archived))
                created.insert(text(r[0]));
            step(3);

            CatalogImportSummary summary;
            summary.dryRun = dryRun;
            const auto countStock = [&](const pqxx::result &rows) {
                for (const auto &r : rows) {
                    if (r[1].as<int>() > 0 && !created.contains(text(r[0])))
                        changed.insert(text(r[0]));
                    summary.stockRowsChanged += r[1].as<int>();
                }
            };
            // Counts from the file: new rows, and rows whose quantity differs; barcodes ($7: the
            // file has the column) set exactly, or left alone.
            countStock(tx.exec_params(
                "WITH " + std::string(kStockRelation) + ", up AS ("
                "  INSERT INTO inventory (tenant_id, product_id, size, quantity, gtin) "
                "  SELECT $1::uuid, p.id, nullif(s.size, ''), s.quantity, CASE WHEN $7 THEN nullif(s.gtin, '') END FROM s "
                "  JOIN products p ON p.tenant_id = $1::uuid AND p.sku = s.sku "
                "  ON CONFLICT ON CONSTRAINT inventory_product_size_unique DO UPDATE SET quantity = EXCLUDED.quantity, "
                "    gtin = CASE WHEN $7 THEN EXCLUDED.gtin ELSE inventory.gtin END "
                "  WHERE inventory.quantity IS DISTINCT FROM EXCLUDED.quantity "
                "     OR ($7 AND inventory.gtin IS DISTINCT FROM EXCLUDED.gtin) "
                "  RETURNING product_id, (xmax = 0) AS inserted, quantity) "
                "SELECT p.sku, count(*) FILTER (WHERE NOT up.inserted OR up.quantity > 0)::int "
                "FROM up JOIN products p ON p.id = up.product_id GROUP BY p.sku",
                tenant, arrays.stockSkus, arrays.stockSizes, arrays.stockQuantities, arrays.stockGtins, arrays.stockLines,
                import.hasBarcodes));
            step(4);
            // Rows the file no longer covers (a size left out of the run, flat <-> per size) go to 0.
            countStock(tx.exec_params(
                "WITH " + std::string(kWantedRelation) + ", z AS ("
                "  UPDATE inventory i SET quantity = 0 FROM w JOIN products p ON p.tenant_id = $1::uuid AND p.sku = w.sku "
                "  WHERE i.product_id = p.id AND i.quantity <> 0 "
                "    AND NOT (coalesce(i.size, '*') = ANY (string_to_array(w.sizes, ';'))) "
                "  RETURNING p.sku) SELECT sku, count(*)::int FROM z GROUP BY sku",
                tenant, arrays.skus, arrays.productStockSizes, arrays.productStockQuantities, arrays.lines));
            if (import.hasBarcodes) {
                // ... and lose their barcode: with the column, the file lists every barcode.
                tx.exec_params(
                    "WITH " + std::string(kWantedRelation) +
                    "UPDATE inventory i SET gtin = NULL FROM w JOIN products p ON p.tenant_id = $1::uuid AND p.sku = w.sku "
                    "WHERE i.product_id = p.id AND i.gtin IS NOT NULL "
                    "  AND NOT (coalesce(i.size, '*') = ANY (string_to_array(w.sizes, ';')))",
                    tenant, arrays.skus, arrays.productStockSizes, arrays.productStockQuantities, arrays.lines);
                tx.exec0("SET CONSTRAINTS inventory_gtin_unique IMMEDIATE");
            }

            summary.created = int(created.size());
            summary.updated = int(changed.size());
            summary.unchanged = total - summary.created - summary.updated;
            if (dryRun)
                tx.exec0("ROLLBACK TO SAVEPOINT rdk_csv_dry_run");
            step(5);
            return summary;
        },
        kReason);
}

Result<QList<Product>> PgCatalogCsvStore::exportProducts()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<Product>> {
        auto shop = resolveShop(tx, m_tenantId);
        if (!shop)
            return shop.error();
        const QString tenantId = shop->first;
        QList<Product> products;
        QHash<QString, qsizetype> indexOf;
        for (const auto &r : tx.exec_params(std::string("SELECT ") + kProductColumns
                                                + " FROM products p WHERE p.tenant_id = $1::uuid ORDER BY p.sku",
                                            str(tenantId))) {
            products.append(productFromRow(r));
            indexOf.insert(products.last().id, products.size() - 1);
        }
        for (const auto &r : tx.exec_params(
                 "SELECT product_id::text, coalesce(size, ''), quantity, reserved, coalesce(gtin, '') FROM inventory "
                 "WHERE tenant_id = $1::uuid",
                 str(tenantId))) {
            const qsizetype at = indexOf.value(text(r[0]), -1);
            if (at >= 0)
                products[at].stock.append(SizeStock{text(r[1]), r[2].as<int>(), r[3].as<int>(), text(r[4])});
        }
        for (Product &p : products) {
            std::sort(p.stock.begin(), p.stock.end(),
                      [](const SizeStock &a, const SizeStock &b) { return compareSizes(a.size, b.size) < 0; });
        }
        return products;
    });
}

} // namespace rdk::data

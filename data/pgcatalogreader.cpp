#include "data/pgcatalogreader.h"

#include "data/pgrepositories.h"
#include "data/pgsessionpqxx.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

// Above this many search hits, the list walks its sorted index instead of sorting the hits.
constexpr int kManyHits = 1000;

// Units that can still be sold; used by the stock filter and the stock sort.
constexpr const char *kAvailable =
    "(SELECT coalesce(sum(i.quantity - i.reserved), 0) FROM inventory i WHERE i.product_id = p.id)";

// Two steps: the inner query picks the page's ids (narrow: the name order and the filters are
// all in products_list_name_idx, so the default list is an index-only scan that stops after a
// page; a search starts from the trigram index's matches instead); the outer one fetches those rows and computes stock totals and the thumbnail for them
// only. The stock filter folds to `true` when it is 'any'.
std::string listSql(const ProductQuery &query, bool fromIndexHits)
{
    const std::string order = productOrderBy(query);
    // A selective search starts from the trigram index's matches (see rdk.catalog_search in
    // 0008); short or broad ones filter the sorted index and stop at a page.
    const std::string source = fromIndexHits ? "FROM rdk.catalog_search($1) s(id) JOIN products p ON p.id = s.id WHERE "
                                         : "FROM products p WHERE ($1 = '' OR p.search_text LIKE $1) AND ";
    return std::string(
               "SELECT p.id::text, p.sku, p.name, p.brand, p.condition, p.price_minor, p.currency, p.published, "
               "p.archived, p.version, "
               "(SELECT coalesce(sum(i.quantity), 0)::bigint FROM inventory i WHERE i.product_id = p.id), ")
        + kAvailable + "::bigint, "
        "(SELECT v.id::text FROM product_images im JOIN product_image_variants v "
        "   ON v.image_id = im.id AND v.variant = 'thumb' "
        " WHERE im.product_id = p.id ORDER BY im.is_primary DESC, im.position, im.id LIMIT 1) "
        "FROM (SELECT p.id " + source +
        "      ($2 = '' OR p.brand = $2) "
        "        AND ($3 = '' OR p.condition = $3) AND ($4::boolean IS NULL OR p.published = $4) "
        "        AND ($5 OR NOT p.archived) "
        "        AND CASE $6 WHEN 'in' THEN " + kAvailable + " > 0 "
        "                    WHEN 'low' THEN " + kAvailable + " BETWEEN 1 AND 2 "
        "                    WHEN 'out' THEN " + kAvailable + " <= 0 ELSE true END "
        + order + " LIMIT $7 OFFSET $8) page "
        "JOIN products p ON p.id = page.id" + order;
}

std::string stockFilterText(StockFilter filter)
{
    switch (filter) {
    case StockFilter::InStock: return "in";
    case StockFilter::Low: return "low";
    case StockFilter::SoldOut: return "out";
    case StockFilter::Any: break;
    }
    return "any";
}

int clampInt(qint64 value)
{
    return int(std::clamp<qint64>(value, INT_MIN, INT_MAX));
}

ProductListRow rowFrom(const pqxx::row &r)
{
    ProductListRow row;
    row.id = text(r[0]);
    row.sku = text(r[1]);
    row.name = text(r[2]);
    row.brand = text(r[3]);
    row.condition = conditionFromString(text(r[4])).value_or(Condition::New);
    row.price = Money::of(r[5].as<qint64>(), text(r[6]).trimmed()).value();
    row.published = r[7].as<bool>();
    row.archived = r[8].as<bool>();
    row.version = r[9].as<int>();
    row.totalStock = clampInt(r[10].as<qint64>());
    row.available = clampInt(r[11].as<qint64>());
    row.thumbnailId = text(r[12]);
    return row;
}

} // namespace

std::string productOrderBy(const ProductQuery &query)
{
    const std::string dir = query.descending ? " DESC" : " ASC";
    switch (query.sortBy) {
    case ProductSortKey::Name: return " ORDER BY p.name" + dir + ", p.id" + dir;
    case ProductSortKey::Sku: return " ORDER BY p.sku" + dir + ", p.id" + dir;
    case ProductSortKey::Brand: return " ORDER BY p.brand" + dir + ", p.name" + dir + ", p.id" + dir;
    case ProductSortKey::Condition: return " ORDER BY p.condition" + dir + ", p.name" + dir + ", p.id" + dir;
    case ProductSortKey::Price: return " ORDER BY p.price_minor" + dir + ", p.id" + dir;
    case ProductSortKey::TotalStock: return std::string(" ORDER BY ") + kAvailable + dir + ", p.id" + dir;
    case ProductSortKey::Published: return " ORDER BY p.published" + dir + ", p.name" + dir + ", p.id" + dir;
    case ProductSortKey::UpdatedAt: return " ORDER BY p.updated_at" + dir + ", p.id" + dir;
    }
    return " ORDER BY p.name, p.id";
}

Result<std::unique_ptr<PgCatalogReader>> PgCatalogReader::open(const std::string &connectionString)
{
    auto session = PgSession::open(connectionString);
    if (!session)
        return session.error();
    return std::make_unique<PgCatalogReader>(std::move(session).value());
}

Result<ProductListPage> PgCatalogReader::listRows(const ProductQuery &query)
{
    const int limit = std::clamp(query.limit, 1, 1000);
    const QString search = query.search.trimmed().left(200);
    return m_session->transact([&](pqxx::work &tx) -> Result<ProductListPage> {
        const std::string pattern = search.isEmpty() ? std::string() : str(likeContaining(search));
        // Few matches: start from the trigram index's hits. Many ("nike"): walking the sorted
        // index and filtering finds a page of them sooner than fetching every hit and sorting.
        bool fromIndexHits = false;
        if (search.size() >= 3) {
            const auto hits = tx.exec_params1(
                "SELECT count(*) FROM rdk.catalog_search($1, $2)", pattern, kManyHits);
            fromIndexHits = hits[0].as<int>() < kManyHits;
        }
        if (!search.isEmpty() && !fromIndexHits) {
            // We know this search matches many products (or is too short for trigrams); the
            // planner's LIKE estimate doesn't, and would scan and sort every match. Walking the
            // sorted index stops after a page.
            tx.exec("SET LOCAL enable_seqscan = off");
            tx.exec("SET LOCAL enable_bitmapscan = off");
        }
        const auto rows = tx.exec_params(
            listSql(query, fromIndexHits), pattern, str(query.brand.left(80)),
            query.condition ? str(toString(*query.condition)) : std::string(), query.published,
            query.includeArchived, stockFilterText(query.stock), limit + 1, std::max(0, query.offset));
        ProductListPage page;
        for (const auto &r : rows) {
            if (page.rows.size() == limit) {
                page.hasMore = true;
                break;
            }
            page.rows.append(rowFrom(r));
        }
        return page;
    });
}

Result<QByteArray> PgCatalogReader::thumbnail(const QString &variantId)
{
    bool numeric = false;
    const qint64 id = variantId.toLongLong(&numeric);
    if (!numeric)
        return QByteArray();
    return m_session->transact([&](pqxx::work &tx) -> Result<QByteArray> {
        const auto rows = tx.exec_params("SELECT data FROM product_image_variants WHERE id = $1 AND data IS NOT NULL", id);
        if (rows.empty())
            return QByteArray();
        const pqxx::binarystring bytes(rows[0][0]);
        return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
    });
}

Result<QStringList> PgCatalogReader::brands()
{
    return m_session->transact([&](pqxx::work &tx) -> Result<QStringList> {
        QStringList brands;
        for (const auto &r : tx.exec("SELECT DISTINCT brand FROM products WHERE NOT archived ORDER BY brand"))
            brands.append(text(r[0]));
        return brands;
    });
}

Result<std::optional<Product>> PgCatalogReader::productById(const QString &id)
{
    PgProductRepository products(*m_session);
    return products.findById(id);
}

} // namespace rdk::data

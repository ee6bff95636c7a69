#include "data/pgstorefront.h"

#include "data/pgproductrow.h"
#include "data/pgsessionpqxx.h"

#include "domain/sizes.h"

#include <QHash>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

// A hidden release keeps its product off the storefront until its release time. The rule lives
// in one place, rdk.storefront_hidden() (module releases.sql); every read here filters by it.
constexpr const char *kNotHidden = " AND p.id NOT IN (SELECT h.product_id FROM rdk.storefront_hidden() h WHERE h.size IS NULL)";

// The storefront's view of a product: what a shopper sees, nothing of the back office.
StorefrontProduct storefrontProduct(const Product &p)
{
    StorefrontProduct out;
    out.id = p.id;
    out.sku = p.sku;
    out.name = p.name;
    out.brand = p.brand;
    out.colorway = p.colorway;
    out.description = p.description;
    out.condition = p.condition;
    out.usedGrade = p.usedGrade;
    out.price = p.price;
    out.updatedAt = p.updatedAt;
    return out;
}

std::string uuidArray(const QList<StorefrontProduct> &products)
{
    QStringList ids;
    for (const auto &p : products)
        ids.append(p.id);
    return (u"{"_s + ids.join(u',') + u"}"_s).toStdString();
}

// Sizes and photos for a page of products in two queries, not two per product.
void loadDetails(pqxx::transaction_base &tx, QList<StorefrontProduct> &products)
{
    if (products.isEmpty())
        return;
    const std::string ids = uuidArray(products);
    QHash<QString, QList<StorefrontSize>> sizes;
    // Sizes a hidden release names stay off the page until its time, like a hidden product.
    for (const auto &r : tx.exec_params("SELECT product_id::text, coalesce(size, ''), greatest(quantity - reserved, 0) "
                                        "FROM inventory i WHERE product_id = ANY($1::uuid[]) AND NOT EXISTS "
                                        "(SELECT 1 FROM rdk.storefront_hidden() h WHERE h.product_id = i.product_id AND h.size = i.size)",
                                        ids))
        sizes[text(r[0])].append(StorefrontSize{text(r[1]), r[2].as<int>()});
    // The releases in force of these products: coming soon (a countdown), or on sale through
    // the waiting room or to raffle winners.
    QHash<QString, Release> releases;
    for (const auto &r : tx.exec_params("SELECT release_id::text, product_id::text, sku, coalesce(array_to_string(sizes, ','), ''), "
                                        "       (extract(epoch FROM release_at) * 1000)::bigint, visibility, allocation, "
                                        "       admit_per_minute, limit_per_buyer, pow_bits, (extract(epoch FROM queue_opens_at) * 1000)::bigint, "
                                        "       (extract(epoch FROM entries_close_at) * 1000)::bigint, (extract(epoch FROM drawn_at) * 1000)::bigint, "
                                        "       timezone "
                                        "  FROM rdk.storefront_releases() WHERE product_id = ANY($1::uuid[])",
                                        ids)) {
        Release rel;
        rel.id = text(r[0]);
        rel.productId = text(r[1]);
        rel.sku = text(r[2]);
        rel.sizes = text(r[3]).split(u',', Qt::SkipEmptyParts);
        rel.releaseAt = fromMillis(r[4]);
        rel.visibility = releaseVisibilityFromString(text(r[5])).value_or(ReleaseVisibility::ComingSoon);
        rel.allocation = releaseAllocationFromString(text(r[6])).value_or(ReleaseAllocation::Queue);
        rel.admitPerMinute = r[7].as<int>();
        rel.limitPerBuyer = r[8].as<int>();
        rel.powBits = r[9].as<int>();
        rel.queueOpensAt = fromMillis(r[10]);
        rel.entriesCloseAt = fromMillis(r[11]);
        rel.drawnAt = fromMillis(r[12]);
        rel.timeZone = text(r[13]);
        releases.insert(rel.productId, rel);
    }
    QHash<QString, QList<StorefrontImage>> images;
    for (const auto &r : tx.exec_params(
             "SELECT i.product_id::text, v.file_name, v.width, v.height FROM product_images i "
             "JOIN product_image_variants v ON v.image_id = i.id AND v.variant = 'large' "
             "WHERE i.product_id = ANY($1::uuid[]) ORDER BY i.is_primary DESC, i.position, i.created_at",
             ids)) {
        QString stem = text(r[1]);
        stem.chop(int(qstrlen("-large.jpg")));
        images[text(r[0])].append(StorefrontImage{stem, r[2].as<int>(), r[3].as<int>()});
    }
    for (auto &p : products) {
        QList<StorefrontSize> s = sizes.value(p.id);
        std::sort(s.begin(), s.end(), [](const StorefrontSize &a, const StorefrontSize &b) { return compareSizes(a.size, b.size) < 0; });
        p.sizes = s;
        p.images = images.value(p.id);
        if (releases.contains(p.id))
            p.release = releases.value(p.id);
    }
}

// Every word of the search must appear somewhere in the product's search text (SKU, name,
// brand, colorway), in any order: "panda dunk" finds "Dunk Low Retro · Panda".
QStringList searchPatterns(const QString &search)
{
    QStringList patterns;
    for (const QString &word : search.split(u' ', Qt::SkipEmptyParts))
        patterns.append(likeContaining(word));
    return patterns;
}

// One order with its lines, the day it was placed in the shop's time zone and its tracking.
std::optional<CheckoutSummary> loadSummary(pqxx::transaction_base &tx, const QString &orderId)
{
    const auto rows = tx.exec_params(
        "SELECT o.order_number, o.status, o.total_minor, o.currency, "
        "       to_char(o.created_at AT TIME ZONE t.timezone, 'FMDD Mon YYYY'), "
        "       coalesce(o.carrier, ''), coalesce(o.tracking_number, ''), coalesce(o.shipping_method, ''), "
        "       o.shipping_minor, o.tax_minor, coalesce(o.fulfillment, ''), o.ready_for_pickup_at IS NOT NULL "
        "  FROM orders o JOIN tenants t ON t.id = o.tenant_id WHERE o.id = $1::uuid",
        str(orderId));
    if (rows.empty())
        return std::nullopt;
    CheckoutSummary s;
    s.orderId = orderId;
    s.orderNumber = rows[0][0].as<qint64>();
    s.status = orderStatusFromString(text(rows[0][1])).value_or(OrderStatus::Pending);
    const QString currency = text(rows[0][3]).trimmed();
    s.total = Money::of(rows[0][2].as<qint64>(), currency).value();
    s.placedOn = text(rows[0][4]);
    s.carrier = text(rows[0][5]);
    s.trackingNumber = text(rows[0][6]);
    s.shippingMethod = text(rows[0][7]);
    if (!s.shippingMethod.isEmpty())
        s.shipping = Money::of(rows[0][8].as<qint64>(), currency).value();
    if (rows[0][9].as<qint64>() > 0)
        s.tax = Money::of(rows[0][9].as<qint64>(), currency).value();
    s.pickup = text(rows[0][10]) == u"pickup"_s;
    s.readyForPickup = rows[0][11].as<bool>();
    for (const auto &r : tx.exec_params("SELECT product_id::text, sku, name, coalesce(size, ''), quantity, unit_price_minor "
                                        "FROM order_items WHERE order_id = $1::uuid ORDER BY id",
                                        str(orderId)))
        s.lines.append(OrderLine{text(r[0]), text(r[1]), text(r[2]), text(r[3]), r[4].as<int>(),
                                 Money::of(r[5].as<qint64>(), currency).value(), Money::zero(currency)});
    return s;
}

const char *orderBy(CatalogSort sort)
{
    switch (sort) {
    case CatalogSort::PriceLowHigh: return " ORDER BY p.price_minor, p.name, p.id";
    case CatalogSort::PriceHighLow: return " ORDER BY p.price_minor DESC, p.name, p.id";
    case CatalogSort::Name: return " ORDER BY p.name, p.id";
    case CatalogSort::Newest: break;
    }
    return " ORDER BY p.created_at DESC, p.id";
}

} // namespace

Result<CatalogPage> PgStorefront::catalog(const CatalogQuery &query)
{
    const int perPage = std::clamp(query.perPage, 1, 60);
    const int page = std::clamp(query.page, 1, 1000);
    return m_session.transact([&](pqxx::work &tx) -> Result<CatalogPage> {
        CatalogPage result;
        result.page = page;
        result.perPage = perPage;
        const auto rows = tx.exec_params(
            std::string("SELECT ") + kProductColumns + ", count(*) OVER () FROM products p "
            "WHERE p.published AND NOT p.archived AND ($1 = '' OR p.brand = $1) "
            "  AND ($2 = '' OR EXISTS (SELECT 1 FROM inventory i WHERE i.product_id = p.id AND i.size = $2 AND i.quantity > i.reserved)) "
            "  AND ($3 = '' OR p.condition = $3) "
            "  AND (NOT $4 OR EXISTS (SELECT 1 FROM inventory i WHERE i.product_id = p.id AND i.quantity > i.reserved))"
            "  AND p.search_text LIKE ALL ($7::text[])" + std::string(kNotHidden)
                + orderBy(query.sort) + " LIMIT $5 OFFSET $6",
            str(query.brand), str(query.size), query.condition ? str(toString(*query.condition)) : std::string(),
            query.inStockOnly, perPage, (page - 1) * perPage, textArray(searchPatterns(query.search)));
        for (const auto &r : rows) {
            result.products.append(storefrontProduct(productFromRow(r)));
            result.total = r[kProductColumnCount].as<int>();
        }
        if (rows.empty() && page > 1) {
            result.total = tx.exec1(std::string("SELECT count(*) FROM products p WHERE p.published AND NOT p.archived") + kNotHidden)[0].as<int>();
        }
        loadDetails(tx, result.products);
        for (const auto &r : tx.exec(std::string("SELECT DISTINCT p.brand FROM products p WHERE p.published AND NOT p.archived") + kNotHidden
                                     + " ORDER BY p.brand"))
            result.brands.append(text(r[0]));
        return result;
    });
}

Result<std::optional<StorefrontProduct>> PgStorefront::product(const QString &sku)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<StorefrontProduct>> {
        const auto rows = tx.exec_params(
            std::string("SELECT ") + kProductColumns + " FROM products p WHERE p.sku = $1 AND p.published AND NOT p.archived" + kNotHidden,
            str(sku));
        if (rows.empty())
            return std::optional<StorefrontProduct>();
        QList<StorefrontProduct> one{storefrontProduct(productFromRow(rows[0]))};
        loadDetails(tx, one);
        return std::optional<StorefrontProduct>(one.first());
    });
}

Result<QList<StorefrontProduct>> PgStorefront::productsBySku(const QStringList &skus)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<StorefrontProduct>> {
        QList<StorefrontProduct> found;
        if (skus.isEmpty())
            return found;
        for (const auto &r : tx.exec_params(std::string("SELECT ") + kProductColumns
                                                + " FROM products p WHERE p.sku = ANY($1::text[]) AND p.published AND NOT p.archived"
                                                + kNotHidden,
                                            textArray(skus)))
            found.append(storefrontProduct(productFromRow(r)));
        loadDetails(tx, found);
        return found;
    });
}

Result<std::optional<MediaFile>> PgStorefront::media(const QString &fileName)
{
    static const QRegularExpression safeName(u"^product-[a-z0-9-]{1,60}-[0-9a-f]{16}-(thumb|medium|large)\\.jpg$"_s);
    if (!safeName.match(fileName).hasMatch())
        return std::optional<MediaFile>();
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<MediaFile>> {
        const auto rows = tx.exec_params(
            // Photos of published products only: a draft or archived product's photos stay private
            // like the product itself (its name is in the file name).
            "SELECT v.data, v.mime FROM product_image_variants v JOIN product_images i ON i.id = v.image_id "
            "JOIN products p ON p.id = i.product_id "
            "WHERE v.file_name = $1 AND v.variant IN ('thumb', 'medium', 'large') AND v.data IS NOT NULL "
            "AND p.published AND NOT p.archived" + std::string(kNotHidden),
            str(fileName));
        if (rows.empty())
            return std::optional<MediaFile>();
        const pqxx::binarystring bytes(rows[0][0]);
        return std::optional<MediaFile>(MediaFile{QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())),
                                                  text(rows[0][1])});
    });
}

Result<std::optional<CheckoutSummary>> PgStorefront::orderSummary(const QString &orderId)
{
    // The exact 8-4-4-4-12 shape: anything looser reaches PostgreSQL's uuid parser and fails there.
    static const QRegularExpression uuid(u"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"_s);
    if (!uuid.match(orderId).hasMatch())
        return std::optional<CheckoutSummary>();
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<CheckoutSummary>> {
        return loadSummary(tx, orderId);
    });
}

Result<std::optional<CheckoutSummary>> PgStorefront::lookupOrder(qint64 orderNumber, const QString &email)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<CheckoutSummary>> {
        const auto rows = tx.exec_params("SELECT id::text FROM orders WHERE order_number = $1 AND channel = 'online' "
                                         "AND lower(customer_email) = lower($2)",
                                         static_cast<long long>(orderNumber), str(email.trimmed()));
        if (rows.empty())
            return std::optional<CheckoutSummary>();
        return loadSummary(tx, text(rows[0][0]));
    });
}

Status PgStorefront::recordPageViews(const QList<PageView> &views)
{
    if (views.isEmpty())
        return {};
    // Parallel arrays unnested server-side: a batch of any size is one statement. Hashes travel
    // hex-coded; NUL and other control characters (a hostile %00 in a path) are dropped, since
    // text can't hold NUL and one bad row must not sink the batch.
    QStringList hashes, paths, products, times;
    for (const PageView &view : views) {
        QString path = view.path.left(512);
        path.removeIf([](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
        hashes.append(QString::fromLatin1(view.visitorHash.toHex()));
        paths.append(path);
        products.append(view.productId);
        times.append(view.viewedAt.toUTC().toString(Qt::ISODateWithMs));
    }
    return m_session.transact([&](pqxx::work &tx) -> Status {
        tx.exec_params("INSERT INTO page_views (tenant_id, visitor_hash, path, product_id, viewed_at) "
                       "SELECT rdk.current_tenant(), decode(h, 'hex'), p, NULLIF(pr, '')::uuid, t::timestamptz "
                       "  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(h, p, pr, t)",
                       textArray(hashes), textArray(paths), textArray(products), textArray(times));
        return {};
    });
}

} // namespace rdk::data

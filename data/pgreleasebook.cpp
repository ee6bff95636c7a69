#include "data/pgreleasebook.h"

#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"
#include "domain/sku.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {

PgReleaseBook::PgReleaseBook(std::unique_ptr<PgSession> session) : m_session(std::move(session)), m_admin(*m_session) {}

Result<ReleaseProduct> PgReleaseBook::product(const QString &sku)
{
    const auto normalized = normalizeSku(sku);
    if (!normalized)
        return Error::notFound(u"No product with SKU %1."_s.arg(sku.trimmed().left(40)));
    return m_session->transact([&](pqxx::work &tx) -> Result<ReleaseProduct> {
        // The sizes rdk.set_release accepts are the ones the product stocks (inventory rows),
        // in size order; row-level security keeps the read to the caller's shop.
        const auto rows = tx.exec_params(
            "SELECT p.id::text, p.sku, p.name, "
            "       coalesce((SELECT json_agg(i.size ORDER BY CASE WHEN i.size ~ '^[0-9]{1,3}(\\.[0-9])?$' "
            "                                                     THEN i.size::numeric END NULLS LAST, i.size) "
            "                   FROM inventory i WHERE i.product_id = p.id AND i.size IS NOT NULL), '[]')::text "
            "  FROM products p WHERE p.sku = $1 AND NOT p.archived",
            str(*normalized));
        if (rows.empty())
            return Error::notFound(u"No product with SKU %1."_s.arg(*normalized));
        ReleaseProduct product;
        product.productId = text(rows[0][0]);
        product.sku = text(rows[0][1]);
        product.name = text(rows[0][2]);
        for (const auto &size : QJsonDocument::fromJson(text(rows[0][3]).toUtf8()).array())
            product.sizes.append(size.toString());
        return product;
    });
}

} // namespace rdk::data

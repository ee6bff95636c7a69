#pragma once

// One mapping from a products row to a domain Product, shared by every query that reads whole
// products (repositories, catalog CSV export, storefront, counter), so a new column is added in
// one place and no reader counts column positions of its own.

#include "domain/product.h"

#include <pqxx/pqxx>

namespace rdk::data {

/// The SELECT list `productFromRow` reads, in its order (products p). A query that needs more
/// selects it after these; its own columns start at `kProductColumnCount`.
inline constexpr const char *kProductColumns =
    "p.id::text, p.tenant_id::text, p.sku, p.name, p.brand, p.colorway, p.description, p.condition, "
    "coalesce(p.used_grade, ''), p.price_minor, p.currency, p.inventory_strategy, coalesce(p.size_system, ''), "
    "array_to_string(p.size_run, ','), p.published, p.archived, p.version, "
    "(extract(epoch from p.created_at) * 1000)::bigint, (extract(epoch from p.updated_at) * 1000)::bigint";
inline constexpr int kProductColumnCount = 19;

/// The product of a row that starts with `kProductColumns` (stock is not read here).
Product productFromRow(const pqxx::row &r);

} // namespace rdk::data

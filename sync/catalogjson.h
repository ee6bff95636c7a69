#pragma once

#include "domain/storefront.h"

#include <QJsonObject>

namespace rdk::sync {

/// The public JSON shapes of the catalog API (v1). Field names are a contract: add, never
/// rename (docs/API.md).
QJsonObject productJson(const StorefrontProduct &product, bool withDescription);
QJsonObject catalogJson(const CatalogPage &page);
QJsonObject orderSummaryJson(const CheckoutSummary &summary);

} // namespace rdk::sync

#pragma once

// What the online storefront shows: published products only, as read by rdk-sync.

#include "domain/condition.h"
#include "domain/money.h"
#include "domain/order.h"
#include "domain/release.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk {

/// A photo as the storefront links it: `stem` + "-thumb.jpg" / "-medium.jpg" / "-large.jpg"
/// are the served file names (e.g. "product-aj1-chi-3f78...").
struct StorefrontImage final {
    QString stem;
    int largeWidth = 0;
    int largeHeight = 0;
};

struct StorefrontSize final {
    QString size;       ///< empty for flat stock
    int available = 0;  ///< on hand minus reserved
};

struct StorefrontProduct final {
    QString id;
    QString sku;
    QString name;
    QString brand;
    QString colorway;
    QString description;
    Condition condition = Condition::New;
    UsedGrade usedGrade = UsedGrade::None;
    Money price;
    QList<StorefrontSize> sizes;    ///< in size order; includes sold-out sizes with 0
    QList<StorefrontImage> images;  ///< primary first
    QDateTime updatedAt;
    /// A release in force for this product (coming soon, or on sale through its waiting room
    /// or to raffle winners); the secret is never filled here.
    std::optional<Release> release;

    int totalAvailable() const
    {
        int total = 0;
        for (const auto &s : sizes)
            total += s.available;
        return total;
    }
};

enum class CatalogSort { Newest, PriceLowHigh, PriceHighLow, Name };

struct CatalogQuery final {
    QString search;         ///< words that must all appear in SKU, name, brand or colorway (lower case, ≤ 80 chars)
    QString brand;
    QString size;
    std::optional<Condition> condition;
    bool inStockOnly = false;
    CatalogSort sort = CatalogSort::Newest;
    int page = 1;           ///< 1-based
    int perPage = 24;       ///< 1..60
};

struct CatalogPage final {
    QList<StorefrontProduct> products;
    int total = 0;          ///< matching products over all pages
    int page = 1;
    int perPage = 24;
    QStringList brands;     ///< every brand with published products, for the filter
};

/// What the checkout success page and the order lookup show about an order.
struct CheckoutSummary final {
    QString orderId;
    qint64 orderNumber = 0;
    OrderStatus status = OrderStatus::Pending;
    Money total;
    QList<OrderLine> lines;
    QString placedOn = {};         ///< the day it was placed, in the shop's time zone ("7 Dec 2026")
    QString carrier = {};          ///< once shipped
    QString trackingNumber = {};   ///< once shipped
    QString shippingMethod = {};   ///< the option the shopper chose at checkout; empty when none
    std::optional<Money> shipping = {};  ///< what it cost, when the order has a shipping choice
    std::optional<Money> tax = {};       ///< tax Stripe added, when any
    bool pickup = false;           ///< collected at the shop instead of shipped
    bool readyForPickup = false;
};

/// One counted storefront view. The visitor is already a salted hash; no address is kept.
struct PageView final {
    QByteArray visitorHash;
    QString path;
    QString productId;      ///< empty unless a product page
    QDateTime viewedAt;     ///< when the shopper asked, not when the batch was written
};

} // namespace rdk

#pragma once

#include "domain/condition.h"
#include "domain/money.h"
#include "domain/sizes.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk {

/// How stock is counted: one number for the product, or one per size in its run.
enum class InventoryStrategy { Flat, PerSize };

/// Stored forms: "flat", "per_size".
QString toString(InventoryStrategy strategy);
std::optional<InventoryStrategy> inventoryStrategyFromString(QStringView text);

/// Most units of one size (or of a flat product) the shop can hold; anything above is a typo.
inline constexpr int MaxStockQuantity = 100000;

/// Stock of one size. `size` is empty for flat stock. `reserved` units are held for
/// pending orders and can't be sold again. `gtin` is the barcode on the box of this size
/// (UPC-A or EAN-13, see domain/gtin.h), empty when the size has none.
struct SizeStock {
    QString size;
    int quantity = 0;
    int reserved = 0;
    QString gtin{};   // "{}": {size, quantity, reserved} stays a complete initializer under -Wextra

    /// quantity - reserved, never below zero.
    int available() const;
};

struct Product {
    QString id;
    QString tenantId;
    QString sku;
    QString name;
    QString brand;
    QString colorway;
    QString description;
    Condition condition = Condition::New;
    UsedGrade usedGrade = UsedGrade::None;
    Money price;
    InventoryStrategy inventoryStrategy = InventoryStrategy::Flat;
    std::optional<SizeSystem> sizeSystem;
    QStringList sizeRun;
    bool published = false;
    bool archived = false;
    int version = 0;
    QDateTime createdAt;
    QDateTime updatedAt;
    QList<SizeStock> stock;

    /// Units on hand across all rows (capped at INT_MAX).
    int totalStock() const;
    /// Units that can still be sold across all rows (capped at INT_MAX).
    int totalAvailable() const;
};

/// One problem with one input field, for showing next to that field.
struct FieldError {
    QString field;
    QString message;

    friend bool operator==(const FieldError &a, const FieldError &b)
    {
        return a.field == b.field && a.message == b.message;
    }
};

/// The product as it should be stored: SKU normalized (when it can be), name, brand and
/// colorway trimmed, size run trimmed and put in template order when it is valid, box
/// barcodes trimmed.
Product normalizeProduct(Product product);

/// Every problem at once, so a form can mark all bad fields in one go. Judges the product
/// as normalizeProduct() would store it (a lowercase SKU or a padded name is fine here);
/// save normalizeProduct(p), not p. Fields: "sku", "name", "brand", "colorway",
/// "description", "price", "usedGrade", "sizeSystem", "sizeRun", "stock", "gtin".
/// Empty means valid. Mirrors the database CHECKs and adds rules the schema can't express.
QList<FieldError> validateProduct(const Product &product);

/// "sold out" at 0 or less, "low" up to lowThreshold, "in stock" above.
QString stockLevelLabel(int available, int lowThreshold = 2);

} // namespace rdk

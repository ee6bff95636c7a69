#pragma once

// The catalog screen's view of products: light list rows for long lists, why stock changed,
// and what to do when two people edited the same product.

#include "domain/condition.h"
#include "domain/money.h"
#include "domain/product.h"
#include "domain/repositories.h"
#include "domain/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk {

/// Why stock on hand changed. Stored in the audit log through the transaction's reason.
enum class StockChangeReason { Received, SoldInStore, Damaged, CountCorrection };

/// Stored forms: "received", "sold_in_store", "damaged", "count_correction".
QString toString(StockChangeReason reason);
std::optional<StockChangeReason> stockChangeReasonFromString(QStringView text);
/// For people: "Received", "Sold in store", "Damaged", "Count correction".
QString displayName(StockChangeReason reason);
QList<StockChangeReason> allStockChangeReasons();

/// The audit reason of a product save: the stock reason when stock changed, else "edit".
/// A save that changes stock without a reason is refused (field "stockReason").
Result<QString> auditReasonForSave(const Product &before, const Product &after,
                                   std::optional<StockChangeReason> reason);

/// True when any size's quantity on hand differs (rows missing on one side count as 0).
bool stockDiffers(const Product &a, const Product &b);

/// Reads a stock count typed by a person: digits only (surrounding spaces ignored), empty
/// means 0. Negative, fractional or non-numeric input is refused; the range check is
/// validateProduct()'s. Errors carry field "stock".
Result<int> parseStockQuantity(QStringView text, const QString &size = {});

/// A copy to start a new product from: no id, SKU or version, stock at zero, unpublished.
Product duplicateProduct(const Product &product);

/// One product as a list shows it; no description or per-size rows, so pages stay small.
struct ProductListRow final {
    QString id;
    QString sku;
    QString name;
    QString brand;
    Condition condition = Condition::New;
    Money price;
    int totalStock = 0;       ///< units on hand across sizes
    int available = 0;        ///< units on hand minus units held for pending orders
    bool published = false;
    bool archived = false;
    int version = 0;
    QString thumbnailId;      ///< the primary image's thumb variant, empty when there is no photo
};

struct ProductListPage final {
    QList<ProductListRow> rows;
    bool hasMore = false;
};

/// Read side of the catalog for lists. One instance per thread: implementations hold a
/// database session, which is not shareable across threads.
class CatalogReader {
public:
    virtual ~CatalogReader() = default;
    /// Rows matching the query, sorted as asked, `limit` at most, from `offset`.
    virtual Result<ProductListPage> listRows(const ProductQuery &query) = 0;
    /// Encoded bytes (JPEG) of an image variant; empty when it no longer exists.
    virtual Result<QByteArray> thumbnail(const QString &variantId) = 0;
    /// Every brand in the catalog, for the filter.
    virtual Result<QStringList> brands() = 0;
    virtual Result<std::optional<Product>> productById(const QString &id) = 0;
};

/// One field two people disagree on after a conflicting save.
struct FieldDifference final {
    QString field;   ///< e.g. "price"
    QString label;   ///< e.g. "Price"
    QString theirs;  ///< the stored value, for display
    QString yours;   ///< the value in the editor, for display
};

/// The fields someone else changed since `base` (what the editor loaded), shown against the
/// user's values in `mine`. Stock is compared per size.
QList<FieldDifference> conflictingChanges(const Product &base, const Product &mine, const Product &theirs);

/// The stored product (`theirs`) with the user's own edits (`mine` against `base`) applied on
/// top, field by field and size by size; the result carries theirs' version so it can be saved.
Product reapplyEdits(const Product &base, const Product &mine, const Product &theirs);

} // namespace rdk

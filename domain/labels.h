#pragma once

// Price labels for shoe boxes and shelves: what each label says and which barcode it carries,
// and how labels sit on the common label stocks. Drawing is the UI's (ui/print); this file has
// no Gui types so the layout can be tested exactly.

#include "domain/product.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

enum class BarcodeKind {
    UpcA,      ///< the box's own 12-digit GTIN
    Ean13,     ///< the box's own 13-digit GTIN
    Code128,   ///< no GTIN: the shop's own code, "SKU/size" (see labelCode)
};

/// What one label shows. Texts are ready to print (price formatted in the shop's currency).
struct LabelContent final {
    QString name;        ///< "Dunk Low Retro Panda"
    QString sku;
    QString size;        ///< "9.5", empty for flat stock
    QString price;       ///< "$129.99"
    QString condition;   ///< "New", "Used · Good"
    BarcodeKind kind = BarcodeKind::Code128;
    QString barcode;     ///< the digits or text the symbol encodes
};

/// One size of one product to label, and how many labels.
struct LabelRequest final {
    Product product;
    QString size;        ///< empty for flat stock
    int copies = 1;
};

/// Most labels one print job makes; a typo of 10000 copies stops here, not at the printer.
inline constexpr int MaxLabelsPerJob = 2000;

/// The label for a size: its GTIN when it has one (UPC-A or EAN-13 as stored), otherwise a
/// Code 128 of labelCode(sku, size), which the counter's scanner reads back the same way.
LabelContent labelFor(const Product &product, const QString &size);

/// The shop's own code for a size without a box barcode: "DD1391-100/9.5", or the SKU alone
/// for flat stock. SKUs never contain '/', so the split is unambiguous.
QString labelCode(const QString &sku, const QString &size);

/// A scanned label code back to SKU and size; nullopt when `scanned` is no label code.
struct LabelCode final {
    QString sku;
    QString size;
};
std::optional<LabelCode> parseLabelCode(QStringView scanned);

/// One label stock: a sheet (or a roll, one label per page) with a grid of labels, in mm.
struct LabelStock final {
    QString id;           ///< stable, for settings: "thermal-2.25x1.25", "letter-30", "a4-24"
    QString name;         ///< for people: "Thermal roll 2.25 × 1.25 in"
    double pageWidthMm = 0;
    double pageHeightMm = 0;
    double labelWidthMm = 0;
    double labelHeightMm = 0;
    int columns = 1;
    int rows = 1;
    double leftMm = 0;    ///< page edge to the first column
    double topMm = 0;     ///< page edge to the first row
    double columnGapMm = 0;
    double rowGapMm = 0;

    int labelsPerPage() const { return columns * rows; }
};

/// The stocks the desk offers: a thermal roll label and the two common sheet sizes.
QList<LabelStock> labelStocks();
std::optional<LabelStock> labelStockById(const QString &id);

/// Where label number `index` (0-based, across pages) goes: its page and its top-left corner
/// in mm from the page's top-left. Fills rows left to right, then top to bottom.
struct LabelPlacement final {
    int page = 0;
    double xMm = 0;
    double yMm = 0;
};
LabelPlacement placeLabel(const LabelStock &stock, int index);

/// Every label of a job in print order (each request repeated `copies` times), or an error
/// when a request names a size the product doesn't have, asks for fewer than 1 copy, or the
/// job would pass MaxLabelsPerJob.
Result<QList<LabelContent>> labelsForJob(const QList<LabelRequest> &requests);

/// Where the labels dialog finds what to label. The data layer implements it; each instance
/// owns its database session, so a worker thread can use one.
class LabelSource {
public:
    virtual ~LabelSource() = default;
    /// The shop's products with these ids, stock and barcodes included, in the order asked
    /// (ids the shop doesn't have are left out).
    virtual Result<QList<Product>> products(const QStringList &ids) = 0;
    /// One request per size that received stock since `since` ("received" stock changes),
    /// copies = units received. Ops and admins only (the database refuses cashiers).
    virtual Result<QList<LabelRequest>> receivedSince(const QDateTime &since) = 0;
};

using LabelSourceFactory = std::function<Result<std::unique_ptr<LabelSource>>()>;

} // namespace rdk

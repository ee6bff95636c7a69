#pragma once

// What a scan at the counter finds in the store, the list staff pick from when it is not one
// item, and the facts about a product the counter shows meanwhile. Pure logic over the
// PosStore interface (no UI): the counter runs lookUpScan() on a worker thread with a store of
// its own and keeps a PickList while staff choose.

#include "domain/pos.h"
#include "domain/poscart.h"
#include "domain/result.h"

#include <QList>
#include <QString>

#include <optional>

namespace rdk {

/// What a scan found: the product itself, or candidates to pick from.
struct ScanLookup final {
    QString query;
    bool wasSku = false;
    std::optional<SellableProduct> exact;
    std::optional<QString> exactSize;   ///< a box barcode or shop label named the size too
    QList<SellableProduct> matches;
    QString notFound;   ///< the store's sentence for an unknown SKU (empty otherwise)
};

/// Looks `scan` up: a SKU exactly, and when that finds nothing also as a search (a typo'd or
/// partial code often still finds the shoe); free text as a search, whose exact-SKU match, if
/// any, counts as found. A failing search after an unknown SKU still answers (with no
/// matches); any other store failure is returned.
Result<ScanLookup> lookUpScan(PosStore &store, const ScanInput &scan, int searchLimit);

/// The list staff pick from after a scan: the products a search found, or the sizes of one
/// product. Sold-out entries are listed but can't be highlighted or taken.
struct PickList final {
    enum class Mode { None, Products, Sizes };
    Mode mode = Mode::None;
    QString heading;
    QList<SellableProduct> products;  ///< Products: one entry per product
    SellableProduct product;          ///< Sizes: the entries are product.sizes
    int highlighted = -1;             ///< the entry Enter takes; -1 when none can be taken

    /// A list of these products (none highlighted yet: see highlightFirst()).
    static PickList ofProducts(QList<SellableProduct> products, QString heading);
    /// A list of the sizes of `product`.
    static PickList ofSizes(SellableProduct product, QString heading);

    bool isOpen() const { return mode != Mode::None; }
    int count() const;
    /// True when entry `row` exists and is in stock.
    bool isAvailable(int row) const;
    /// Highlights the first entry in stock (none when all are sold out).
    void highlightFirst();
    /// Moves the highlight `step` entries in stock down (negative: up), stopping at the ends.
    /// Returns whether it moved.
    bool moveHighlight(int step);
};

/// "Dunk Low Retro Panda": the name, then the colorway unless the name already says it.
QString productTitle(const SellableProduct &product);
/// Units that can be sold now over every size.
int totalAvailable(const SellableProduct &product);
/// Flat stock: one entry without a size (socks, laces).
bool isFlat(const SellableProduct &product);

} // namespace rdk

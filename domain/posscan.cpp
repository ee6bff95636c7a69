#include "domain/posscan.h"

#include <QtGlobal>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

/// A box barcode or a shop label: one size of one product, or a plain "not found" (no search:
/// the digits of a barcode find nothing useful by name).
Result<ScanLookup> lookUpLabelled(PosStore &store, const ScanInput &scan, ScanLookup lookup)
{
    lookup.wasSku = true;
    if (scan.kind == ScanKind::Barcode) {
        auto box = store.findByBarcode(scan.text);
        if (box) {
            lookup.exact = box->product;
            lookup.exactSize = box->size;
            return lookup;
        }
        if (box.error().code != ErrorCode::NotFound)
            return box.error();
        // Twelve digits may also be a shop's numeric SKU.
        auto product = store.findBySku(scan.text);
        if (product) {
            lookup.exact = *product;
            return lookup;
        }
        if (product.error().code != ErrorCode::NotFound)
            return product.error();
        lookup.notFound = u"No product of this shop carries the box barcode %1; add it to the size in the Catalog."_s.arg(scan.text);
        return lookup;
    }
    auto product = store.findBySku(scan.text);
    if (!product) {
        if (product.error().code != ErrorCode::NotFound)
            return product.error();
        lookup.notFound = product.error().message;
        return lookup;
    }
    lookup.exact = *product;
    lookup.exactSize = scan.size;
    return lookup;
}

} // namespace

Result<ScanLookup> lookUpScan(PosStore &store, const ScanInput &scan, int searchLimit)
{
    ScanLookup lookup;
    lookup.query = scan.text;
    lookup.wasSku = scan.kind == ScanKind::Sku;
    if (scan.kind == ScanKind::Barcode || scan.kind == ScanKind::ShopCode)
        return lookUpLabelled(store, scan, std::move(lookup));
    if (lookup.wasSku) {
        auto product = store.findBySku(scan.text);
        if (product) {
            lookup.exact = *product;
            return lookup;
        }
        if (product.error().code != ErrorCode::NotFound)
            return product.error();
        lookup.notFound = product.error().message;
    }
    auto found = store.search(scan.text, searchLimit);
    if (!found)
        return lookup.wasSku ? Result<ScanLookup>(lookup) : Result<ScanLookup>(found.error());
    lookup.matches = *found;
    if (!lookup.wasSku) {
        for (const SellableProduct &p : lookup.matches) {
            if (p.sku.compare(scan.text, Qt::CaseInsensitive) == 0)
                lookup.exact = p;
        }
    }
    return lookup;
}

PickList PickList::ofProducts(QList<SellableProduct> products, QString heading)
{
    PickList list;
    list.mode = Mode::Products;
    list.products = std::move(products);
    list.heading = std::move(heading);
    return list;
}

PickList PickList::ofSizes(SellableProduct product, QString heading)
{
    PickList list;
    list.mode = Mode::Sizes;
    list.product = std::move(product);
    list.heading = std::move(heading);
    return list;
}

int PickList::count() const
{
    switch (mode) {
    case Mode::Products: return int(products.size());
    case Mode::Sizes: return int(product.sizes.size());
    case Mode::None: break;
    }
    return 0;
}

bool PickList::isAvailable(int row) const
{
    if (row < 0 || row >= count())
        return false;
    return mode == Mode::Products ? totalAvailable(products[row]) > 0 : product.sizes[row].available > 0;
}

void PickList::highlightFirst()
{
    highlighted = -1;
    for (int row = 0; row < count() && highlighted < 0; ++row) {
        if (isAvailable(row))
            highlighted = row;
    }
}

bool PickList::moveHighlight(int step)
{
    int target = highlighted;
    for (int moved = 0, row = highlighted; moved < qAbs(step);) {
        row += step > 0 ? 1 : -1;
        if (row < 0 || row >= count())
            break;
        if (isAvailable(row)) {
            target = row;
            ++moved;
        }
    }
    if (target == highlighted)
        return false;
    highlighted = target;
    return true;
}

QString productTitle(const SellableProduct &product)
{
    if (product.colorway.isEmpty() || product.name.contains(product.colorway, Qt::CaseInsensitive))
        return product.name;
    return u"%1 %2"_s.arg(product.name, product.colorway);
}

int totalAvailable(const SellableProduct &product)
{
    int sum = 0;
    for (const SellableSize &s : product.sizes)
        sum += qMax(0, s.available);
    return sum;
}

bool isFlat(const SellableProduct &product)
{
    return product.sizes.size() == 1 && product.sizes.front().size.isEmpty();
}

} // namespace rdk

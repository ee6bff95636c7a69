#include "domain/catalog.h"

#include "domain/moneyformat.h"
#include "domain/sizes.h"

#include <QMap>

#include <algorithm>
#include <array>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QString yesNo(bool value)
{
    return value ? u"yes"_s : u"no"_s;
}

/// One editable product field: how to show it and how to carry it from one product to another.
struct FieldAccess {
    const char16_t *field;
    const char16_t *label;
    QString (*show)(const Product &);
    void (*copy)(Product &to, const Product &from);
};

const std::array<FieldAccess, 13> &editableFields()
{
    static const std::array<FieldAccess, 13> fields{{
        {u"sku", u"SKU", [](const Product &p) { return p.sku; }, [](Product &t, const Product &f) { t.sku = f.sku; }},
        {u"name", u"Name", [](const Product &p) { return p.name; }, [](Product &t, const Product &f) { t.name = f.name; }},
        {u"brand", u"Brand", [](const Product &p) { return p.brand; }, [](Product &t, const Product &f) { t.brand = f.brand; }},
        {u"colorway", u"Colorway", [](const Product &p) { return p.colorway; },
         [](Product &t, const Product &f) { t.colorway = f.colorway; }},
        {u"description", u"Description", [](const Product &p) { return p.description; },
         [](Product &t, const Product &f) { t.description = f.description; }},
        {u"condition", u"Condition", [](const Product &p) { return displayName(p.condition); },
         [](Product &t, const Product &f) { t.condition = f.condition; }},
        {u"usedGrade", u"Grade", [](const Product &p) { return displayName(p.usedGrade); },
         [](Product &t, const Product &f) { t.usedGrade = f.usedGrade; }},
        {u"price", u"Price", [](const Product &p) { return formatMoney(p.price); },
         [](Product &t, const Product &f) { t.price = f.price; }},
        {u"inventoryStrategy", u"Stock counted",
         [](const Product &p) { return p.inventoryStrategy == InventoryStrategy::Flat ? u"as a whole"_s : u"per size"_s; },
         [](Product &t, const Product &f) { t.inventoryStrategy = f.inventoryStrategy; }},
        {u"sizeSystem", u"Size system",
         [](const Product &p) { return p.sizeSystem ? displayName(*p.sizeSystem) : QString(); },
         [](Product &t, const Product &f) { t.sizeSystem = f.sizeSystem; }},
        {u"sizeRun", u"Size run", [](const Product &p) { return p.sizeRun.join(u", "_s); },
         [](Product &t, const Product &f) { t.sizeRun = f.sizeRun; }},
        {u"published", u"Published", [](const Product &p) { return yesNo(p.published); },
         [](Product &t, const Product &f) { t.published = f.published; }},
        {u"archived", u"Archived", [](const Product &p) { return yesNo(p.archived); },
         [](Product &t, const Product &f) { t.archived = f.archived; }},
    }};
    return fields;
}

/// Quantity on hand by size ("" for flat stock).
QMap<QString, int> quantities(const Product &p)
{
    QMap<QString, int> bySize;
    for (const SizeStock &row : p.stock)
        bySize[row.size] += row.quantity;
    return bySize;
}

/// Box barcode by size ("" for flat stock); sizes without one are left out.
QMap<QString, QString> barcodes(const Product &p)
{
    QMap<QString, QString> bySize;
    for (const SizeStock &row : p.stock) {
        if (!row.gtin.isEmpty())
            bySize.insert(row.size, row.gtin);
    }
    return bySize;
}

QString barcodeLabel(const QString &size)
{
    return size.isEmpty() ? u"Box barcode"_s : u"Box barcode, size %1"_s.arg(size);
}

template <typename T>
QStringList allSizes(const QMap<QString, T> &a, const QMap<QString, T> &b, const QMap<QString, T> &c = {})
{
    QStringList sizes = a.keys() + b.keys() + c.keys();
    sizes.removeDuplicates();
    std::sort(sizes.begin(), sizes.end(), [](const QString &x, const QString &y) { return compareSizes(x, y) < 0; });
    return sizes;
}

QString stockLabel(const QString &size)
{
    return size.isEmpty() ? u"Stock"_s : u"Stock, size %1"_s.arg(size);
}

} // namespace

QString toString(StockChangeReason reason)
{
    switch (reason) {
    case StockChangeReason::Received: return u"received"_s;
    case StockChangeReason::SoldInStore: return u"sold_in_store"_s;
    case StockChangeReason::Damaged: return u"damaged"_s;
    case StockChangeReason::CountCorrection: return u"count_correction"_s;
    }
    return {};
}

std::optional<StockChangeReason> stockChangeReasonFromString(QStringView text)
{
    for (StockChangeReason reason : allStockChangeReasons()) {
        if (text == toString(reason))
            return reason;
    }
    return std::nullopt;
}

QString displayName(StockChangeReason reason)
{
    switch (reason) {
    case StockChangeReason::Received: return u"Received"_s;
    case StockChangeReason::SoldInStore: return u"Sold in store"_s;
    case StockChangeReason::Damaged: return u"Damaged"_s;
    case StockChangeReason::CountCorrection: return u"Count correction"_s;
    }
    return {};
}

QList<StockChangeReason> allStockChangeReasons()
{
    return {StockChangeReason::Received, StockChangeReason::SoldInStore, StockChangeReason::Damaged,
            StockChangeReason::CountCorrection};
}

bool stockDiffers(const Product &a, const Product &b)
{
    const QMap<QString, int> qa = quantities(a);
    const QMap<QString, int> qb = quantities(b);
    for (const QString &size : allSizes(qa, qb)) {
        if (qa.value(size) != qb.value(size))
            return true;
    }
    return false;
}

Result<QString> auditReasonForSave(const Product &before, const Product &after, std::optional<StockChangeReason> reason)
{
    if (!stockDiffers(before, after))
        return u"edit"_s;
    if (!reason)
        return Error::invalid(u"Choose why the stock changed (received, sold in store, damaged or count correction)."_s,
                              u"stockReason"_s);
    return toString(*reason);
}

Result<int> parseStockQuantity(QStringView text, const QString &size)
{
    const QString where = size.isEmpty() ? QString() : u" for size %1"_s.arg(size);
    const QStringView trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return 0;
    if (trimmed.size() > 9 || !std::all_of(trimmed.begin(), trimmed.end(), [](QChar c) { return c >= u'0' && c <= u'9'; }))
        return Error::invalid(u"Quantity%1 must be a whole number from 0 to 100,000"_s.arg(where), u"stock"_s);
    return trimmed.toInt();
}

Product duplicateProduct(const Product &product)
{
    Product copy = product;
    copy.id.clear();
    copy.sku.clear();
    copy.version = 0;
    copy.published = false;
    copy.archived = false;
    copy.createdAt = {};
    copy.updatedAt = {};
    for (SizeStock &row : copy.stock) {
        row.quantity = 0;
        row.reserved = 0;
        row.gtin.clear();   // a box barcode names one product's size, never its copy's
    }
    return copy;
}

QList<FieldDifference> conflictingChanges(const Product &base, const Product &mine, const Product &theirs)
{
    QList<FieldDifference> differences;
    for (const FieldAccess &f : editableFields()) {
        const QString before = f.show(base);
        const QString stored = f.show(theirs);
        if (stored != before)
            differences.append({QString::fromUtf16(f.field), QString::fromUtf16(f.label), stored, f.show(mine)});
    }
    const QMap<QString, int> qBase = quantities(base);
    const QMap<QString, int> qMine = quantities(mine);
    const QMap<QString, int> qTheirs = quantities(theirs);
    for (const QString &size : allSizes(qBase, qMine, qTheirs)) {
        if (qTheirs.value(size) != qBase.value(size)) {
            differences.append({u"stock"_s, stockLabel(size), QString::number(qTheirs.value(size)),
                                QString::number(qMine.value(size))});
        }
    }
    const QMap<QString, QString> bBase = barcodes(base);
    const QMap<QString, QString> bMine = barcodes(mine);
    const QMap<QString, QString> bTheirs = barcodes(theirs);
    for (const QString &size : allSizes(bBase, bMine, bTheirs)) {
        if (bTheirs.value(size) != bBase.value(size))
            differences.append({u"gtin"_s, barcodeLabel(size), bTheirs.value(size), bMine.value(size)});
    }
    return differences;
}

Product reapplyEdits(const Product &base, const Product &mine, const Product &theirs)
{
    Product merged = theirs;
    for (const FieldAccess &f : editableFields()) {
        if (f.show(mine) != f.show(base))
            f.copy(merged, mine);
    }
    // Price is compared through its display form above; copy exact minor units when they differ.
    if (!(mine.price == base.price))
        merged.price = mine.price;

    const QMap<QString, int> qBase = quantities(base);
    const QMap<QString, int> qMine = quantities(mine);
    QMap<QString, int> result = quantities(theirs);
    for (const QString &size : allSizes(qBase, qMine)) {
        if (qMine.value(size) != qBase.value(size) || (qMine.contains(size) != qBase.contains(size)))
            result[size] = qMine.value(size);
    }
    const QMap<QString, QString> bBase = barcodes(base);
    const QMap<QString, QString> bMine = barcodes(mine);
    QMap<QString, QString> mergedBarcodes = barcodes(theirs);
    for (const QString &size : allSizes(bBase, bMine)) {
        if (bMine.value(size) != bBase.value(size))
            mergedBarcodes[size] = bMine.value(size);
    }
    // Keep only rows the merged product can hold: flat has one unsized row, per size follows the run.
    QList<SizeStock> stock;
    for (auto it = result.cbegin(); it != result.cend(); ++it) {
        const bool fits = merged.inventoryStrategy == InventoryStrategy::Flat ? it.key().isEmpty()
                                                                              : merged.sizeRun.contains(it.key());
        if (!fits)
            continue;
        int reserved = 0;
        for (const SizeStock &row : theirs.stock) {
            if (row.size == it.key())
                reserved = row.reserved;
        }
        stock.append(SizeStock{it.key(), it.value(), reserved, mergedBarcodes.value(it.key())});
    }
    merged.stock = stock;
    merged.version = theirs.version;
    return merged;
}

} // namespace rdk

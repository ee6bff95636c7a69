#include "domain/labels.h"

#include "domain/condition.h"
#include "domain/moneyformat.h"

using namespace Qt::StringLiterals;

namespace rdk {

namespace {

constexpr double MmPerInch = 25.4;

QString conditionText(const Product &product)
{
    const QString condition = displayName(product.condition);
    if (product.condition == Condition::Used && product.usedGrade != UsedGrade::None)
        return u"%1 · %2"_s.arg(condition, displayName(product.usedGrade));
    return condition;
}

const SizeStock *rowOfSize(const Product &product, const QString &size)
{
    for (const SizeStock &row : product.stock) {
        if (row.size == size)
            return &row;
    }
    return nullptr;
}

} // namespace

QString labelCode(const QString &sku, const QString &size)
{
    return size.isEmpty() ? sku : sku + u'/' + size;
}

std::optional<LabelCode> parseLabelCode(QStringView scanned)
{
    const QStringView text = scanned.trimmed();
    const qsizetype slash = text.indexOf(u'/');
    if (slash <= 0 || slash != text.lastIndexOf(u'/') || slash == text.size() - 1)
        return std::nullopt;
    return LabelCode{text.first(slash).toString(), text.sliced(slash + 1).toString()};
}

LabelContent labelFor(const Product &product, const QString &size)
{
    LabelContent label;
    label.name = product.name;
    label.sku = product.sku;
    label.size = size;
    label.price = formatMoney(product.price);
    label.condition = conditionText(product);
    const SizeStock *row = rowOfSize(product, size);
    const QString gtin = row ? row->gtin : QString();
    if (gtin.size() == 12) {
        label.kind = BarcodeKind::UpcA;
        label.barcode = gtin;
    } else if (gtin.size() == 13) {
        label.kind = BarcodeKind::Ean13;
        label.barcode = gtin;
    } else {
        label.kind = BarcodeKind::Code128;
        label.barcode = labelCode(product.sku, size);
    }
    return label;
}

QList<LabelStock> labelStocks()
{
    const double in = MmPerInch;
    return {
        // Direct thermal roll, one label per "page": what counter label printers feed.
        {u"thermal-2.25x1.25"_s, u"Thermal roll 2.25 × 1.25 in"_s, 2.25 * in, 1.25 * in, 2.25 * in, 1.25 * in, 1, 1,
         0, 0, 0, 0},
        // US Letter, 3 × 10 labels of 2.625 × 1 in (the common address-label sheet).
        {u"letter-30"_s, u"Letter sheet, 30 labels 2.625 × 1 in"_s, 8.5 * in, 11 * in, 2.625 * in, 1 * in, 3, 10,
         0.1875 * in, 0.5 * in, 0.125 * in, 0},
        // A4, 3 × 8 labels of 70 × 37 mm, edge to edge (no margins or gaps).
        {u"a4-24"_s, u"A4 sheet, 24 labels 70 × 37 mm"_s, 210, 297, 70, 37, 3, 8, 0, 0.5, 0, 0},
    };
}

std::optional<LabelStock> labelStockById(const QString &id)
{
    for (const LabelStock &stock : labelStocks()) {
        if (stock.id == id)
            return stock;
    }
    return std::nullopt;
}

LabelPlacement placeLabel(const LabelStock &stock, int index)
{
    const int perPage = qMax(1, stock.labelsPerPage());
    const int onPage = index % perPage;
    const int column = onPage % qMax(1, stock.columns);
    const int row = onPage / qMax(1, stock.columns);
    return {index / perPage, stock.leftMm + column * (stock.labelWidthMm + stock.columnGapMm),
            stock.topMm + row * (stock.labelHeightMm + stock.rowGapMm)};
}

Result<QList<LabelContent>> labelsForJob(const QList<LabelRequest> &requests)
{
    QList<LabelContent> labels;
    qint64 total = 0;
    for (const LabelRequest &request : requests) {
        const QString what = request.size.isEmpty() ? request.product.sku
                                                    : u"%1 size %2"_s.arg(request.product.sku, request.size);
        if (!rowOfSize(request.product, request.size))
            return Error::invalid(u"%1 is not a size of this product; pick it again"_s.arg(what), u"size"_s);
        if (request.copies < 1)
            return Error::invalid(u"%1: print at least one label, or leave it out"_s.arg(what), u"copies"_s);
        total += request.copies;
        if (total > MaxLabelsPerJob)
            return Error::invalid(u"That is more than %1 labels in one go; print them in smaller batches"_s.arg(MaxLabelsPerJob),
                                  u"copies"_s);
        const LabelContent label = labelFor(request.product, request.size);
        for (int i = 0; i < request.copies; ++i)
            labels.append(label);
    }
    return labels;
}

} // namespace rdk

#include "domain/product.h"

#include "domain/gtin.h"
#include "domain/sku.h"

#include <QHash>
#include <QSet>

#include <climits>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

// What a text field may hold besides its length limits.
enum class TextKind { SingleLine, MultiLine };

struct TextRule {
    QString field;
    QString label;
    qsizetype minLength;
    qsizetype maxLength;
    TextKind kind;
};

// PostgreSQL's length() counts characters, not UTF-16 units: count code points so the
// limits here match the CHECK constraints exactly (an emoji is one character there).
qsizetype characterCount(QStringView text)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        ++count;
    }
    return count;
}

// Bidi overrides and isolates can make a name display differently from what it is
// (a receipt or a search result that lies), so names refuse them like control characters.
bool isBidiControl(char16_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

bool isAllowedCharacter(QChar c, TextKind kind)
{
    if (kind == TextKind::MultiLine && (c == u'\n' || c == u'\r' || c == u'\t'))
        return true;
    return c.category() != QChar::Other_Control && !isBidiControl(c.unicode());
}

std::optional<QString> textProblem(QStringView text, const TextRule &rule)
{
    const qsizetype length = characterCount(text);
    if (length < rule.minLength)
        return u"Enter a %1"_s.arg(rule.label.toLower());
    if (length > rule.maxLength)
        return u"%1 must be at most %2 characters"_s.arg(rule.label).arg(rule.maxLength);
    if (!text.isValidUtf16())
        return u"%1 contains a broken character"_s.arg(rule.label);
    for (QChar c : text) {
        if (!isAllowedCharacter(c, rule.kind))
            return u"%1 contains an invisible control character"_s.arg(rule.label);
    }
    return std::nullopt;
}

void checkText(QList<FieldError> &errors, QStringView text, const TextRule &rule)
{
    if (std::optional<QString> problem = textProblem(text, rule))
        errors.append({rule.field, *problem});
}

void checkSku(QList<FieldError> &errors, const Product &p)
{
    if (Result<QString> sku = normalizeSku(p.sku); !sku)
        errors.append({u"sku"_s, sku.error().message});
}

void checkPrice(QList<FieldError> &errors, const Product &p)
{
    if (!Money::isValidCurrency(p.price.currency()))
        errors.append({u"price"_s, u"Price currency must be a three-letter code such as USD"_s});
    if (p.price.isNegative())
        errors.append({u"price"_s, u"Price must not be negative"_s});
}

void checkGrade(QList<FieldError> &errors, const Product &p)
{
    if (p.condition == Condition::New && p.usedGrade != UsedGrade::None)
        errors.append({u"usedGrade"_s, u"Only used pairs have a grade"_s});
}

// A per-size product needs a system and a run; a flat product may still carry a run
// (shown on the storefront), and then it has to be a real one too.
void checkSizes(QList<FieldError> &errors, const Product &p)
{
    const bool perSize = p.inventoryStrategy == InventoryStrategy::PerSize;
    if (!perSize && p.sizeRun.isEmpty())
        return;
    if (!p.sizeSystem) {
        errors.append({u"sizeSystem"_s, perSize ? u"Choose a size system for stock counted per size"_s
                                                : u"Choose a size system for the size run"_s});
        return;
    }
    if (Result<QStringList> run = validateSizeRun(*p.sizeSystem, p.sizeRun); !run)
        errors.append({u"sizeRun"_s, run.error().message});
}

void checkQuantities(QList<FieldError> &errors, const SizeStock &row)
{
    const QString where = row.size.isEmpty() ? QString() : u" for size %1"_s.arg(row.size);
    if (row.quantity < 0 || row.quantity > MaxStockQuantity)
        errors.append({u"stock"_s, u"Quantity%1 must be between 0 and 100,000"_s.arg(where)});
    if (row.reserved < 0 || row.reserved > qMax(row.quantity, 0))
        errors.append({u"stock"_s, u"Reserved units%1 can't exceed the quantity on hand"_s.arg(where)});
}

void checkFlatStock(QList<FieldError> &errors, const Product &p)
{
    if (p.stock.size() > 1)
        errors.append({u"stock"_s, u"A product counted as a whole has a single stock count"_s});
    for (const SizeStock &row : p.stock) {
        if (!row.size.isEmpty()) {
            errors.append({u"stock"_s, u"Stock for a product counted as a whole has no size"_s});
            break;
        }
    }
}

void checkPerSizeStock(QList<FieldError> &errors, const Product &p)
{
    QSet<QString> seen;
    for (const SizeStock &row : p.stock) {
        if (row.size.isEmpty())
            errors.append({u"stock"_s, u"Every stock row needs a size"_s});
        else if (!p.sizeRun.contains(row.size))
            errors.append({u"stock"_s, u"Size %1 has stock but is not in the size run"_s.arg(row.size.left(12))});
        else if (seen.contains(row.size))
            errors.append({u"stock"_s, u"Size %1 has more than one stock row"_s.arg(row.size)});
        seen.insert(row.size);
    }
}

/// Each barcode valid, and no two sizes of the product sharing one (uniqueness across the
/// shop is the database's: inventory_gtin_unique).
void checkBarcodes(QList<FieldError> &errors, const Product &p)
{
    QHash<QString, QString> sizeOfKey;
    for (const SizeStock &row : p.stock) {
        if (row.gtin.isEmpty())
            continue;
        const QString where = row.size.isEmpty() ? QString() : u"Size %1: "_s.arg(row.size.left(12));
        const Result<QString> gtin = normalizeGtin(row.gtin);
        if (!gtin) {
            errors.append({u"gtin"_s, where + gtin.error().message});
            continue;
        }
        const QString key = gtinKey(gtin.value());
        if (const auto other = sizeOfKey.constFind(key); other != sizeOfKey.constEnd())
            errors.append({u"gtin"_s, u"Sizes %1 and %2 have the same box barcode %3"_s.arg(*other, row.size, gtin.value())});
        sizeOfKey.insert(key, row.size);
    }
}

void checkStock(QList<FieldError> &errors, const Product &p)
{
    if (p.inventoryStrategy == InventoryStrategy::Flat)
        checkFlatStock(errors, p);
    else
        checkPerSizeStock(errors, p);
    for (const SizeStock &row : p.stock)
        checkQuantities(errors, row);
    checkBarcodes(errors, p);
}

int clampToInt(qint64 value)
{
    return int(qBound(qint64(INT_MIN), value, qint64(INT_MAX)));
}

QStringList trimmedAll(const QStringList &items)
{
    QStringList trimmed;
    trimmed.reserve(items.size());
    for (const QString &item : items)
        trimmed.append(item.trimmed());
    return trimmed;
}

} // namespace

QString toString(InventoryStrategy strategy)
{
    switch (strategy) {
    case InventoryStrategy::Flat: return u"flat"_s;
    case InventoryStrategy::PerSize: return u"per_size"_s;
    }
    return {};
}

std::optional<InventoryStrategy> inventoryStrategyFromString(QStringView text)
{
    for (InventoryStrategy strategy : {InventoryStrategy::Flat, InventoryStrategy::PerSize}) {
        if (text == toString(strategy))
            return strategy;
    }
    return std::nullopt;
}

int SizeStock::available() const
{
    return qMax(0, clampToInt(qint64(quantity) - reserved));
}

int Product::totalStock() const
{
    qint64 total = 0;
    for (const SizeStock &row : stock)
        total += row.quantity;
    return clampToInt(total);
}

int Product::totalAvailable() const
{
    qint64 total = 0;
    for (const SizeStock &row : stock)
        total += row.available();
    return clampToInt(total);
}

Product normalizeProduct(Product product)
{
    if (Result<QString> sku = normalizeSku(product.sku))
        product.sku = sku.value();
    product.name = product.name.trimmed();
    product.brand = product.brand.trimmed();
    product.colorway = product.colorway.trimmed();
    product.sizeRun = trimmedAll(product.sizeRun);
    if (product.sizeSystem) {
        if (Result<QStringList> run = validateSizeRun(*product.sizeSystem, product.sizeRun))
            product.sizeRun = run.value();
    }
    for (SizeStock &row : product.stock) {
        row.size = row.size.trimmed();
        row.gtin = row.gtin.trimmed();
    }
    return product;
}

QList<FieldError> validateProduct(const Product &product)
{
    const Product p = normalizeProduct(product);
    QList<FieldError> errors;
    checkSku(errors, p);
    checkText(errors, p.name, {u"name"_s, u"Name"_s, 1, 200, TextKind::SingleLine});
    checkText(errors, p.brand, {u"brand"_s, u"Brand"_s, 1, 80, TextKind::SingleLine});
    checkText(errors, p.colorway, {u"colorway"_s, u"Colorway"_s, 0, 120, TextKind::SingleLine});
    checkText(errors, p.description, {u"description"_s, u"Description"_s, 0, 5000, TextKind::MultiLine});
    checkPrice(errors, p);
    checkGrade(errors, p);
    checkSizes(errors, p);
    checkStock(errors, p);
    return errors;
}

QString stockLevelLabel(int available, int lowThreshold)
{
    if (available <= 0)
        return u"sold out"_s;
    if (available <= lowThreshold)
        return u"low"_s;
    return u"in stock"_s;
}

} // namespace rdk

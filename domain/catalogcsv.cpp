#include "domain/catalogcsv.h"

#include "domain/gtin.h"
#include "domain/moneyformat.h"
#include "domain/sku.h"

#include <QHash>
#include <QSet>
#include <QStringDecoder>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

const QString kSku = u"sku"_s;
const QString kName = u"name"_s;
const QString kBrand = u"brand"_s;
const QString kColorway = u"colorway"_s;
const QString kDescription = u"description"_s;
const QString kCondition = u"condition"_s;
const QString kUsedGrade = u"used_grade"_s;
const QString kPrice = u"price"_s;
const QString kCurrency = u"currency"_s;
const QString kPublished = u"published"_s;
const QString kArchived = u"archived"_s;
const QString kInventory = u"inventory"_s;
const QString kSizeSystem = u"size_system"_s;
const QString kSizeRun = u"size_run"_s;
const QString kStock = u"stock"_s;
// Optional: a file without it (written before box barcodes existed) leaves barcodes as they are.
const QString kBarcodes = u"barcodes"_s;

// Longest cell shown back in an error message.
QString shown(QStringView cell)
{
    constexpr qsizetype MaxShown = 24;
    if (cell.size() <= MaxShown)
        return u'"' + cell.toString() + u'"';
    return u'"' + cell.left(MaxShown).toString() + QChar(0x2026) + u'"';
}

std::optional<bool> parseBool(QStringView text)
{
    const QString t = text.trimmed().toString().toLower();
    if (t == u"true"_s || t == u"yes"_s || t == u"1"_s)
        return true;
    if (t == u"false"_s || t == u"no"_s || t == u"0"_s || t.isEmpty())
        return false;
    return std::nullopt;
}

// A stock count: digits only (a leading '-' is recognised to say "negative" rather than
// "not a number"), at most MaxStockQuantity.
Result<int> parseQuantity(QStringView text, const QString &where)
{
    const QStringView t = text.trimmed();
    if (t.isEmpty())
        return Error::invalid(u"the quantity%1 is missing"_s.arg(where));
    const bool negative = t.startsWith(u'-');
    const QStringView digits = negative ? t.mid(1) : t;
    const bool allDigits = !digits.isEmpty()
        && std::all_of(digits.begin(), digits.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    if (!allDigits)
        return Error::invalid(u"the quantity%1 must be a whole number, not %2"_s.arg(where, shown(t)));
    if (negative)
        return Error::invalid(u"the quantity%1 must not be negative"_s.arg(where));
    if (digits.size() > 6 || digits.toInt() > MaxStockQuantity)
        return Error::invalid(u"the quantity%1 must be at most 100,000"_s.arg(where));
    return digits.toInt();
}

QString columnOfField(const QString &field)
{
    static const QHash<QString, QString> map{
        {u"sku"_s, kSku}, {u"name"_s, kName}, {u"brand"_s, kBrand}, {u"colorway"_s, kColorway},
        {u"description"_s, kDescription}, {u"price"_s, kPrice}, {u"usedGrade"_s, kUsedGrade},
        {u"sizeSystem"_s, kSizeSystem}, {u"sizeRun"_s, kSizeRun}, {u"stock"_s, kStock},
        {u"currency"_s, kCurrency}, {u"gtin"_s, kBarcodes}};
    return map.value(field);
}

/// Turns one record into a product, collecting every problem of the row.
class RowReader final {
public:
    RowReader(const QHash<QString, qsizetype> &index, const CsvRecord &record, const QString &shopCurrency)
        : m_index(index), m_record(record), m_shopCurrency(shopCurrency)
    {
    }

    CatalogCsvRow read()
    {
        CatalogCsvRow row;
        row.line = m_record.line;
        for (const QString &cell : m_record.fields)
            row.cells.append(restoreCsvFormula(cell));
        m_cells = row.cells;
        if (m_record.fields.size() != m_index.size()) {
            row.issues.append({row.line, {}, u"the row has %1 fields but the header has %2"_s.arg(
                                                 m_record.fields.size()).arg(m_index.size())});
            return row;
        }
        Product p = readProduct();
        if (m_issues.isEmpty() && m_index.contains(kBarcodes))
            readBarcodes(p);
        if (m_issues.isEmpty()) {
            for (const FieldError &e : validateProduct(p))
                issue(columnOfField(e.field), e.message);
        }
        row.issues = m_issues;
        if (row.issues.isEmpty())
            row.product = normalizeProduct(p);
        return row;
    }

private:
    QString cell(const QString &column) const { return m_cells.value(m_index.value(column)); }

    void issue(const QString &column, const QString &message)
    {
        m_issues.append({m_record.line, column, message});
    }

    Product readProduct()
    {
        Product p;
        if (Result<QString> sku = normalizeSku(cell(kSku)))
            p.sku = *sku;
        else
            issue(kSku, sku.error().message);
        p.name = cell(kName);
        p.brand = cell(kBrand);
        p.colorway = cell(kColorway);
        p.description = cell(kDescription);
        readCondition(p);
        readPrice(p);
        readFlags(p);
        readSizes(p);
        readStock(p);
        return p;
    }

    void readCondition(Product &p)
    {
        const QString condition = cell(kCondition).trimmed().toLower();
        if (const auto c = conditionFromString(condition))
            p.condition = *c;
        else
            issue(kCondition, u"condition must be new or used, not %1"_s.arg(shown(condition)));
        const QString grade = cell(kUsedGrade).trimmed().toLower();
        if (const auto g = usedGradeFromString(grade))
            p.usedGrade = *g;
        else
            issue(kUsedGrade, u"used_grade must be like_new, good, fair or empty, not %1"_s.arg(shown(grade)));
    }

    void readPrice(Product &p)
    {
        QString currency = cell(kCurrency).trimmed().toUpper();
        if (currency.isEmpty())
            currency = m_shopCurrency;
        if (currency != m_shopCurrency) {
            issue(kCurrency, u"prices must be in the shop's currency %1, not %2"_s.arg(m_shopCurrency, shown(currency)));
            return;
        }
        const Result<Money> price = Money::parse(cell(kPrice), currency);
        if (!price)
            issue(kPrice, price.error().message);
        else if (price->isNegative())
            issue(kPrice, u"Price must not be negative"_s);
        else
            p.price = *price;
    }

    void readFlags(Product &p)
    {
        for (const QString &column : {kPublished, kArchived}) {
            const auto value = parseBool(cell(column));
            if (!value)
                issue(column, u"%1 must be true or false, not %2"_s.arg(column, shown(cell(column))));
            else
                (column == kPublished ? p.published : p.archived) = *value;
        }
        const QString strategy = cell(kInventory).trimmed().toLower();
        if (const auto s = inventoryStrategyFromString(strategy))
            p.inventoryStrategy = *s;
        else
            issue(kInventory, u"inventory must be flat or per_size, not %1"_s.arg(shown(strategy)));
    }

    void readSizes(Product &p)
    {
        const QString system = cell(kSizeSystem).trimmed().toLower();
        if (!system.isEmpty()) {
            if (const auto s = sizeSystemFromString(system))
                p.sizeSystem = *s;
            else
                issue(kSizeSystem, u"size_system must be mens, womens, gs or empty, not %1"_s.arg(shown(system)));
        }
        for (const QString &size : cell(kSizeRun).split(u';', Qt::SkipEmptyParts)) {
            if (!size.trimmed().isEmpty())
                p.sizeRun.append(size.trimmed());
        }
    }

    void readStock(Product &p)
    {
        const QString stock = cell(kStock).trimmed();
        if (p.inventoryStrategy == InventoryStrategy::Flat) {
            if (stock.contains(u':')) {
                issue(kStock, u"a flat product has one quantity, not size:quantity pairs"_s);
                return;
            }
            const Result<int> qty = stock.isEmpty() ? Result<int>(0) : parseQuantity(stock, QString());
            if (!qty)
                issue(kStock, qty.error().message);
            else
                p.stock.append(SizeStock{QString(), *qty, 0});
            return;
        }
        readPerSizeStock(p, stock);
    }

    void readPerSizeStock(Product &p, const QString &stock)
    {
        QSet<QString> listed;
        for (const QString &entry : stock.split(u';', Qt::SkipEmptyParts)) {
            if (entry.trimmed().isEmpty())
                continue;
            const qsizetype colon = entry.indexOf(u':');
            if (colon < 0) {
                issue(kStock, u"%1 is not size:quantity (example: 9.5:2)"_s.arg(shown(entry.trimmed())));
                continue;
            }
            const QString size = entry.left(colon).trimmed();
            if (!p.sizeRun.contains(size)) {
                issue(kStock, u"size %1 is not in the size run"_s.arg(shown(size)));
                continue;
            }
            if (listed.contains(size)) {
                issue(kStock, u"size %1 is listed twice"_s.arg(size));
                continue;
            }
            listed.insert(size);
            const Result<int> qty = parseQuantity(entry.mid(colon + 1), u" for size %1"_s.arg(size));
            if (!qty)
                issue(kStock, qty.error().message);
            else
                p.stock.append(SizeStock{size, *qty, 0});
        }
        for (const QString &size : std::as_const(p.sizeRun)) {
            if (!listed.contains(size))
                p.stock.append(SizeStock{size, 0, 0});
        }
        std::sort(p.stock.begin(), p.stock.end(),
                  [](const SizeStock &a, const SizeStock &b) { return compareSizes(a.size, b.size) < 0; });
    }

    /// Flat: one barcode (or empty). Per size: size:barcode pairs ("9:036000291452;9.5:..."),
    /// sizes of the run only, each once; sizes not listed have no barcode.
    void readBarcodes(Product &p)
    {
        const QString barcodes = cell(kBarcodes).trimmed();
        if (p.inventoryStrategy == InventoryStrategy::Flat) {
            if (barcodes.contains(u':'))
                issue(kBarcodes, u"a flat product has one barcode, not size:barcode pairs"_s);
            else if (!p.stock.isEmpty())
                p.stock.first().gtin = barcodes;
            return;
        }
        QSet<QString> listed;
        for (const QString &entry : barcodes.split(u';', Qt::SkipEmptyParts)) {
            if (entry.trimmed().isEmpty())
                continue;
            const qsizetype colon = entry.indexOf(u':');
            const QString size = entry.left(colon).trimmed();
            const auto row = std::find_if(p.stock.begin(), p.stock.end(), [&](const SizeStock &s) { return s.size == size; });
            if (colon < 0)
                issue(kBarcodes, u"%1 is not size:barcode (example: 9.5:036000291452)"_s.arg(shown(entry.trimmed())));
            else if (row == p.stock.end())
                issue(kBarcodes, u"size %1 is not in the size run"_s.arg(shown(size)));
            else if (listed.contains(size))
                issue(kBarcodes, u"size %1 is listed twice"_s.arg(size));
            else
                row->gtin = entry.mid(colon + 1).trimmed();
            listed.insert(size);
        }
    }

    const QHash<QString, qsizetype> &m_index;
    const CsvRecord &m_record;
    const QString &m_shopCurrency;
    QStringList m_cells;
    QList<CsvIssue> m_issues;
};

// Physical line (1-based) of the first byte the UTF-8 decoder rejects.
int lineOfBadUtf8(const QByteArray &bytes)
{
    int line = 1;
    qsizetype start = 0;
    while (start <= bytes.size()) {
        qsizetype end = bytes.indexOf('\n', start);
        if (end < 0)
            end = bytes.size();
        QStringDecoder decoder(QStringDecoder::Utf8);
        const QString ignored = decoder.decode(QByteArrayView(bytes).sliced(start, end - start));
        if (decoder.hasError())
            return line;
        ++line;
        start = end + 1;
    }
    return 0;
}

// A box barcode names one size in the whole shop: two rows of one file can't share it (the
// database refuses a barcode that another product not in the file already carries).
void checkBarcodesUnique(CatalogCsvRow &row, QHash<QString, int> &firstLineOfBarcode)
{
    for (const SizeStock &s : std::as_const(row.product->stock)) {
        if (s.gtin.isEmpty())
            continue;
        const QString key = gtinKey(s.gtin);
        if (const int first = firstLineOfBarcode.value(key); first > 0 && first != row.line) {
            row.issues.append({row.line, kBarcodes, u"barcode %1 is also on line %2"_s.arg(s.gtin).arg(first)});
            row.product.reset();
            return;
        }
        firstLineOfBarcode.insert(key, row.line);
    }
}

bool isBlankRecord(const CsvRecord &r)
{
    return r.fields.size() == 1 && r.fields.first().trimmed().isEmpty();
}

// Header problems stop the file: without the right columns no row can be read reliably.
QList<CsvIssue> checkHeader(const QStringList &header, QHash<QString, qsizetype> &index)
{
    QList<CsvIssue> issues;
    const QStringList expected = catalogCsvColumns();
    for (qsizetype i = 0; i < header.size(); ++i) {
        const QString &name = header[i];
        if (!expected.contains(name))
            issues.append({1, name, u"unknown column %1 (expected: %2)"_s.arg(shown(name), expected.join(u", "_s))});
        else if (index.contains(name))
            issues.append({1, name, u"column %1 appears twice"_s.arg(name)});
        else
            index.insert(name, i);
    }
    QStringList missing;
    for (const QString &name : expected) {
        if (!index.contains(name) && name != kBarcodes)
            missing.append(name);
    }
    if (!missing.isEmpty())
        issues.append({1, {}, u"the header lacks the column(s) %1"_s.arg(missing.join(u", "_s))});
    return issues;
}

QString sizeText(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1) + u" MB"_s;
}

} // namespace

QStringList catalogCsvColumns()
{
    return {kSku, kName, kBrand, kColorway, kDescription, kCondition, kUsedGrade, kPrice, kCurrency,
            kPublished, kArchived, kInventory, kSizeSystem, kSizeRun, kStock, kBarcodes};
}

QString CsvIssue::toString() const
{
    QString where = line > 0 ? u"line %1"_s.arg(line) : u"file"_s;
    if (!column.isEmpty())
        where += u", "_s + column;
    return where + u": "_s + message;
}

QList<CsvIssue> CatalogCsvImport::allIssues() const
{
    QList<CsvIssue> all = fileIssues;
    for (const CatalogCsvRow &row : rows)
        all.append(row.issues);
    return all;
}

int CatalogCsvImport::errorCount() const
{
    qsizetype n = fileIssues.size();
    for (const CatalogCsvRow &row : rows)
        n += row.issues.size();
    return int(n);
}

QString CatalogImportSummary::toString() const
{
    return u"%1%2 created, %3 updated, %4 unchanged, %5 stock count(s) changed"_s
        .arg(dryRun ? u"dry run (nothing saved): "_s : QString())
        .arg(created).arg(updated).arg(unchanged).arg(stockRowsChanged);
}

Result<QList<CsvRecord>> readCsvRecords(QStringView text, int maxRecords, int *errorLine)
{
    const auto fail = [errorLine](int line, const QString &message) {
        if (errorLine)
            *errorLine = line;
        return Error::invalid(message);
    };
    QList<CsvRecord> records;
    const qsizetype n = text.size();
    int line = 1;
    qsizetype i = 0;
    while (i < n) {
        CsvRecord record;
        record.line = line;
        QString field;
        bool endOfRecord = false;
        while (!endOfRecord) {
            const int fieldLine = line;
            if (i < n && text[i] == u'"') {
                ++i;
                bool closed = false;
                while (i < n) {
                    const QChar c = text[i++];
                    if (c == u'"') {
                        if (i < n && text[i] == u'"') {
                            field.append(u'"');
                            ++i;
                            continue;
                        }
                        closed = true;
                        break;
                    }
                    if (c == u'\n')
                        ++line;
                    field.append(c);
                }
                if (!closed)
                    return fail(fieldLine, u"a quoted field is never closed (missing \")"_s);
                if (i < n && text[i] != u',' && text[i] != u'\n' && text[i] != u'\r')
                    return fail(line, u"unexpected text after a closing quote in field %1"_s.arg(record.fields.size() + 1));
            } else {
                while (i < n && text[i] != u',' && text[i] != u'\n' && text[i] != u'\r') {
                    if (text[i] == u'"')
                        return fail(line, u"a quote inside unquoted field %1 (quote the whole field and double the inner quotes)"_s.arg(record.fields.size() + 1));
                    field.append(text[i++]);
                }
            }
            record.fields.append(field);
            field.clear();
            if (i >= n) {
                endOfRecord = true;
            } else if (text[i] == u',') {
                ++i;
                if (i >= n) // a trailing comma at the very end: one more empty field
                    record.fields.append(QString());
                endOfRecord = i >= n;
            } else { // CR, LF or CRLF
                if (text[i] == u'\r' && i + 1 < n && text[i + 1] == u'\n')
                    ++i;
                ++i;
                ++line;
                endOfRecord = true;
            }
        }
        records.append(std::move(record));
        if (maxRecords >= 0 && records.size() > maxRecords)
            return fail(0, u"the file has more than %1 rows"_s.arg(maxRecords - 1));
    }
    return records;
}

CatalogCsvImport parseCatalogCsv(const QByteArray &bytes, const QString &shopCurrency, const CatalogCsvLimits &limits)
{
    CatalogCsvImport result;
    const auto fileIssue = [&result](int line, const QString &message) {
        result.fileIssues.append({line, {}, message});
        return result;
    };
    if (bytes.size() > limits.maxBytes)
        return fileIssue(0, u"the file is %1; an import can be at most %2 (split it into several files)"_s
                                .arg(sizeText(bytes.size()), sizeText(limits.maxBytes)));
    QByteArrayView body(bytes);
    if (body.startsWith("\xEF\xBB\xBF"))
        body = body.sliced(3);
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(body);
    if (decoder.hasError())
        return fileIssue(lineOfBadUtf8(body.toByteArray()),
                         u"the file is not valid UTF-8 text (save it as \"CSV UTF-8\")"_s);
    if (text.trimmed().isEmpty())
        return fileIssue(0, u"the file is empty; it needs a header line: %1"_s.arg(catalogCsvColumns().join(u',')));

    // +1 for the header, +1 to notice one row too many.
    int errorLine = 0;
    Result<QList<CsvRecord>> records = readCsvRecords(text, limits.maxRows + 1, &errorLine);
    if (!records) {
        const QString message = records.error().message;
        return fileIssue(errorLine, errorLine > 0 ? message
                                                  : message + u"; an import can have at most %1 rows"_s.arg(limits.maxRows));
    }
    const QList<CsvRecord> &all = records.value();
    for (const QString &name : all.first().fields)
        result.header.append(name.trimmed().toLower());
    QHash<QString, qsizetype> index;
    result.fileIssues = checkHeader(result.header, index);
    if (!result.fileIssues.isEmpty())
        return result;

    result.hasBarcodes = index.contains(kBarcodes);
    QHash<QString, int> firstLineOfSku;
    QHash<QString, int> firstLineOfBarcode;
    for (qsizetype r = 1; r < all.size(); ++r) {
        if (isBlankRecord(all[r]))
            continue;
        CatalogCsvRow row = RowReader(index, all[r], shopCurrency).read();
        QString sku;
        if (row.product)
            sku = row.product->sku;
        else if (Result<QString> normalized = normalizeSku(row.cells.value(index.value(kSku))))
            sku = *normalized;
        if (!sku.isEmpty()) {
            if (const int first = firstLineOfSku.value(sku); first > 0) {
                row.issues.append({row.line, kSku, u"SKU %1 already appears on line %2"_s.arg(sku).arg(first)});
                row.product.reset();
            } else {
                firstLineOfSku.insert(sku, row.line);
            }
        }
        if (row.product)
            checkBarcodesUnique(row, firstLineOfBarcode);
        result.rows.append(std::move(row));
    }
    if (result.rows.isEmpty())
        result.fileIssues.append({0, {}, u"the file has a header but no products"_s});
    return result;
}

namespace {

QString barcodesCell(const Product &p)
{
    if (p.inventoryStrategy == InventoryStrategy::Flat)
        return p.stock.isEmpty() ? QString() : p.stock.first().gtin;
    QStringList pairs;
    for (const SizeStock &s : p.stock) {
        if (!s.gtin.isEmpty())
            pairs.append(s.size + u':' + s.gtin);
    }
    return pairs.join(u';');
}

} // namespace

QByteArray writeCatalogCsv(const QList<Product> &products)
{
    QString out;
    out.reserve(64 + products.size() * 160);
    const auto writeRecord = [&out](const QStringList &cells) { out.append(csvLine(cells)); };
    writeRecord(catalogCsvColumns());
    for (const Product &p : products) {
        QString stock;
        if (p.inventoryStrategy == InventoryStrategy::Flat) {
            int qty = 0;
            for (const SizeStock &s : p.stock) {
                if (s.size.isEmpty())
                    qty = s.quantity;
            }
            stock = QString::number(qty);
        } else {
            QStringList pairs;
            for (const QString &size : p.sizeRun) {
                int qty = 0;
                for (const SizeStock &s : p.stock) {
                    if (s.size == size)
                        qty = s.quantity;
                }
                pairs.append(size + u':' + QString::number(qty));
            }
            stock = pairs.join(u';');
        }
        writeRecord({p.sku, p.name, p.brand, p.colorway, p.description, toString(p.condition),
                     toString(p.usedGrade), formatMinorPlain(p.price), p.price.currency(),
                     p.published ? u"true"_s : u"false"_s, p.archived ? u"true"_s : u"false"_s,
                     toString(p.inventoryStrategy), p.sizeSystem ? toString(*p.sizeSystem) : QString(),
                     p.sizeRun.join(u';'), stock, barcodesCell(p)});
    }
    return QByteArray("\xEF\xBB\xBF") + out.toUtf8();
}

} // namespace rdk

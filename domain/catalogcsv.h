#pragma once

// Catalog CSV: the file format shop owners import and export (rdk-admin and rdk-desk).
//
// Format (RFC 4180): UTF-8 (a leading byte-order mark is ignored), comma separated, fields
// with commas, quotes or line breaks quoted with "..." and inner quotes doubled, CRLF or LF
// line ends. The first record is a header naming these columns, in any order (all but "barcodes" required):
//
//   sku          e.g. DD1391-100 (normalised: trimmed, upper case)
//   name, brand  required text; colorway, description optional text (description may span lines)
//   condition    new | used
//   used_grade   empty | like_new | good | fair (used pairs only)
//   price        decimal in the shop's currency, "." as decimal mark, no grouping: 129.99,
//                1500 for JPY; converted exactly to minor units (never through a float)
//   currency     the shop's currency code (empty means the shop's currency)
//   published    true | false (also yes/no, 1/0)
//   archived     true | false (also yes/no, 1/0)
//   inventory    flat | per_size
//   size_system  empty | mens | womens | gs
//   size_run     sizes separated by ';' in the system's labels: 8;8.5;9 (empty for flat without sizes)
//   stock        flat: one whole number ("5", empty = 0);
//                per_size: size:quantity pairs separated by ';' ("8:2;8.5:1;9:0"). Every size must
//                be in size_run; run sizes not listed have 0 units.
//   barcodes     optional column; box barcodes (UPC-A or EAN-13, check digit verified):
//                flat: one barcode or empty; per_size: size:barcode pairs ("9:036000291452").
//                With the column, sizes not listed have no barcode; a file without it (older
//                exports) leaves the stored barcodes as they are.
//
// Import sets every column of every row: stock quantities are absolute counts, not deltas.
// Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are written
// with a leading apostrophe on export, and one such apostrophe is removed on import, so a
// hostile cell never executes when the file is opened and the text still round-trips.

#include "domain/product.h"
#include "domain/csv.h"
#include "domain/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace rdk {

/// The header of an exported file, in the order export writes it (every column but
/// "barcodes" is required on import).
QStringList catalogCsvColumns();

/// One problem found in a file. `line` is the physical line (1 = header) where the record
/// starts, 0 for the file as a whole; `column` is a header name, or empty for the whole row.
struct CsvIssue final {
    int line = 0;
    QString column;
    QString message;

    /// "line 7, price: at most 2 decimals" — for logs and the command line.
    QString toString() const;
};

/// One data record of an import: its cells as read (after un-neutralising) and, when every
/// cell is valid, the product it describes (normalised, in the shop's currency).
struct CatalogCsvRow final {
    int line = 0;
    QStringList cells;
    std::optional<Product> product;
    QList<CsvIssue> issues;
};

struct CatalogCsvLimits final {
    qint64 maxBytes = 20 * 1024 * 1024;
    int maxRows = 50'000;
};

struct CatalogCsvImport final {
    QStringList header;           ///< as found in the file (trimmed, lower case)
    QList<CatalogCsvRow> rows;
    QList<CsvIssue> fileIssues;   ///< problems that stop the whole file (encoding, header, size)
    bool hasBarcodes = false;     ///< the file has the barcodes column: apply sets them exactly

    /// Nothing wrong anywhere: the file may be applied.
    bool ok() const { return fileIssues.isEmpty() && errorCount() == 0; }
    /// Every issue: file issues first, then row issues in line order.
    QList<CsvIssue> allIssues() const;
    int errorCount() const;
};

/// Reads an import file for a shop whose currency is `shopCurrency`. Never throws, never
/// stops at the first bad row: every row gets its own issues so the preview can show them all.
CatalogCsvImport parseCatalogCsv(const QByteArray &bytes, const QString &shopCurrency,
                                 const CatalogCsvLimits &limits = {});

/// The products in the import format (UTF-8 with BOM so spreadsheets detect the encoding,
/// CRLF line ends), formula-like cells neutralised. parseCatalogCsv(writeCatalogCsv(p)) gives p back.
QByteArray writeCatalogCsv(const QList<Product> &products);


/// Low level RFC 4180 reader: records with the physical line each starts on. Errors (a quote
/// inside an unquoted field, text after a closing quote, an unterminated quote) put the line
/// in `*errorLine` (0 when the limit of `maxRecords` records was passed).
struct CsvRecord final {
    int line = 0;
    QStringList fields;
};
Result<QList<CsvRecord>> readCsvRecords(QStringView text, int maxRecords = -1, int *errorLine = nullptr);

/// What applying an import did (or would do, for a dry run).
struct CatalogImportSummary final {
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    int stockRowsChanged = 0;
    bool dryRun = false;

    QString toString() const;
};

/// Where the catalog lives, for screens and tools that import or export it. The data layer
/// implements it on PostgreSQL; each instance owns its own database session, so a worker
/// thread can use one while the UI thread keeps another.
class CatalogCsvStore {
public:
    virtual ~CatalogCsvStore() = default;
    /// The currency every price of the shop is in.
    virtual Result<QString> shopCurrency() = 0;
    /// Applies every row of a clean import in one transaction: all rows or none. Stock changes
    /// are audited with the reason "CSV import". `progress(done, total)` may be called from
    /// the calling thread as rows are written. A dry run rolls everything back.
    virtual Result<CatalogImportSummary> apply(const CatalogCsvImport &import, bool dryRun,
                                               const std::function<void(int, int)> &progress = {}) = 0;
    /// Every product of the shop with its stock, archived ones included, ordered by SKU.
    virtual Result<QList<Product>> exportProducts() = 0;
};

/// Opens a store with its own database session (called on the thread that will use it).
using CatalogCsvStoreFactory = std::function<Result<std::unique_ptr<CatalogCsvStore>>()>;

} // namespace rdk

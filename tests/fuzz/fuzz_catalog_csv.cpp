// Catalog CSV import (domain/catalogcsv): bytes from a file the shop picked.
// Properties: nothing crashes; every row has either a product or at least one issue, never
// both; issues point at a real line; a file that parses clean exports and parses back to the
// same products (the round trip the export promises).
#include "domain/catalogcsv.h"
#include "tests/fuzz/fuzzsupport.h"

#include <QStringList>

#include <cstddef>
#include <cstdint>

using namespace rdk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const CatalogCsvLimits limits{1024 * 1024, 200};   // small limits keep each run fast
    const CatalogCsvImport import = parseCatalogCsv(bytes, QStringLiteral("USD"), limits);
    RDK_FUZZ_CHECK(import.rows.size() <= limits.maxRows);
    // Physical lines as the reader counts them: CRLF, LF and a lone CR (old Mac files) each end one.
    int lines = 1;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n')))
            ++lines;
    }
    for (const CatalogCsvRow &row : import.rows) {
        RDK_FUZZ_CHECK(row.product.has_value() != !row.issues.isEmpty());
        RDK_FUZZ_CHECK(row.line >= 2 && row.line <= lines);
        for (const CsvIssue &issue : row.issues)
            RDK_FUZZ_CHECK(!issue.message.isEmpty());
    }
    if (!import.ok())
        return 0;

    QList<Product> products;
    for (const CatalogCsvRow &row : import.rows)
        products.append(*row.product);
    const CatalogCsvImport again = parseCatalogCsv(writeCatalogCsv(products), QStringLiteral("USD"), limits);
    RDK_FUZZ_CHECK(again.ok());
    RDK_FUZZ_CHECK(again.rows.size() == import.rows.size());
    for (qsizetype i = 0; i < again.rows.size(); ++i) {
        const Product &a = *import.rows[i].product;
        const Product &b = *again.rows[i].product;
        RDK_FUZZ_CHECK(a.sku == b.sku && a.name == b.name && a.brand == b.brand && a.price == b.price);
        RDK_FUZZ_CHECK(a.sizeRun == b.sizeRun && a.published == b.published);
    }
    return 0;
}

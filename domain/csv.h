#pragma once

// Writing CSV that a spreadsheet opens safely: the one cell writer of every export (catalog,
// orders, audit log, dashboard figures).

#include <QString>
#include <QStringList>

namespace rdk {

/// One field with RFC 4180 quoting: quoted (inner quotes doubled) when it holds a comma, a
/// quote, a line break, or starts or ends with white space; otherwise as it is.
QString csvField(const QString &value);

/// A spreadsheet-safe form of one cell, and its inverse: a value starting with = + - @, a tab
/// or a carriage return (after any apostrophes) gets one more leading apostrophe, so
/// "=HYPERLINK(...)" typed into a product name can't run as a formula in the shop owner's
/// spreadsheet, and restoring gives the typed text back exactly.
QString neutraliseCsvFormula(const QString &cell);
QString restoreCsvFormula(const QString &cell);

/// One cell as written by every export: neutralised, then quoted as needed.
QString csvCell(const QString &value);

/// One record: the cells written with csvCell, comma-separated, ending in "\r\n".
QString csvLine(const QStringList &cells);

} // namespace rdk

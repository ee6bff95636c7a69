#pragma once

#include "domain/result.h"

#include <QString>
#include <QStringView>

namespace rdk {

/// The barcode printed on a shoe box: a GTIN as UPC-A (12 digits) or EAN-13 (13 digits), the
/// last digit a check digit over the others. A size of a product may carry one (unique in the
/// shop); scanning it at the counter adds exactly that size.

/// Turns what staff typed or a scanner sent into the stored form: surrounding whitespace
/// removed, digits only, 12 or 13 of them, check digit right. An EAN-13 that starts with 0 is a
/// UPC-A printed as EAN-13; both spellings are kept as scanned, and `gtinKey` makes them equal.
/// Errors carry field "gtin" and say which rule failed (the expected check digit included).
Result<QString> normalizeGtin(QStringView raw);

/// The check digit (0–9) for the digits before it (11 or 12 digits; weights 3,1,3,… from the
/// right). -1 when `body` is not 11 or 12 ASCII digits.
int gtinCheckDigit(QStringView body);

/// The 13-digit form used for lookups and uniqueness: a UPC-A gets a leading 0, so the same box
/// scanned as UPC-A or as EAN-13 finds the same size. Expects a normalized GTIN.
QString gtinKey(QStringView gtin);

/// Whether a scanned code looks like a GTIN (12 or 13 digits) rather than a SKU, so the counter
/// knows which lookup to try first. Does not check the check digit.
bool looksLikeGtin(QStringView scanned);

} // namespace rdk

#pragma once

// The Orders screen's export for accounting: one line per order, dates in shop time,
// amounts as plain decimals, RFC 4180 quoting and spreadsheet formulas neutralised (the
// email and any text cell come from customers).

#include "domain/orderbook.h"

#include <QString>
#include <QTimeZone>

namespace rdk {

/// The header line with "\r\n". The email column is there only when `withEmail`.
QString orderCsvHeader(bool withEmail);

/// One order with "\r\n": order number, date (yyyy-MM-dd HH:mm:ss in `shopZone`), channel,
/// status, payment method, units, subtotal, discount, total, refunded, currency[, email].
QString orderCsvLine(const OrderSummary &order, const QTimeZone &shopZone, bool withEmail);

/// The shop's zone from its IANA id; UTC when the id is empty or unknown here.
QTimeZone shopTimeZone(const QString &ianaId);

} // namespace rdk

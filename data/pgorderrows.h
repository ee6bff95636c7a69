#pragma once

// Reading an order's money as the database computed it, shared by the storefront checkout
// (PgCheckout) and the counter (PgPos).

#include "domain/money.h"
#include "domain/order.h"

#include <pqxx/pqxx>

#include <string>

namespace rdk::data {

/// `minor` units of `currency`; zero of it when the pair is not a valid amount.
Money moneyOrZero(qint64 minor, const QString &currency);

/// The SELECT list that `totalsFrom` reads, in its order (orders o).
inline constexpr const char *kOrderTotalsColumns =
    "o.subtotal_minor, o.shipping_minor, o.fee_minor, o.discount_minor, o.tax_minor, o.total_minor";

/// The six amounts of `kOrderTotalsColumns`, starting at column `first` of `row`.
OrderTotals totalsFrom(const pqxx::row &row, int first, const QString &currency);

/// The lines of an order in the order they were rung up, priced in `currency`.
QList<OrderLine> readOrderLines(pqxx::work &tx, const std::string &orderId, const QString &currency);

} // namespace rdk::data

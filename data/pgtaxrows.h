#pragma once

// Reading tax as the database stored it, shared by the counter (PgPos), the Orders screen
// (PgOrderBook) and the tax settings store.

#include "domain/order.h"
#include "domain/tax.h"

#include <pqxx/pqxx>

#include <string>

namespace rdk::data {

/// The signed-in shop's tax settings, read in `tx` under row-level security.
TaxSettings readTaxSettings(pqxx::work &tx);

/// Fills `totals.taxes` (per rate, as charged) and `totals.taxIncluded` for an order.
void readOrderTaxes(pqxx::work &tx, const std::string &orderId, const QString &currency, OrderTotals &totals);

} // namespace rdk::data

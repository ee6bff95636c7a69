#pragma once

#include "domain/money.h"

#include <QString>

namespace rdk {

/// For people: "$1,299.99", "€12.50", "£3.00", "¥1,500", "-$5.00". Currencies without a
/// well-known symbol get their code as a suffix: "1,299.99 CHF". Grouping is always ','
/// and the decimal mark '.', matching the shop's US-style receipts.
QString formatMoney(const Money &money);

/// For files and machines (CSV export, Stripe amounts as text): "1299.99", "-5.00",
/// "1500" for JPY, "1.250" for KWD. No grouping, no symbol, no code.
QString formatMinorPlain(const Money &money);

} // namespace rdk

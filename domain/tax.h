#pragma once

// Sales tax at the counter: a shop's rates and the one rule that turns a cart into tax.
// The database computes the same rule when the sale is placed (module tax.sql,
// rdk.tax_split) and is the authority; this copy shows the buyer the tax before the sale, and
// a test runs one table of cases through both.
//
// The rule:
//   1. A line's net is unit price x quantity minus its own discount.
//   2. The cart discount is shared over the lines in proportion to their nets: each line gets
//      floor(D x net / sum of nets); the minor units left over go one each to the lines with
//      the largest remainders (ties: the earlier line). The shares add up to D exactly and no
//      share exceeds its line's net.
//   3. Per line and per active rate r (parts per million: 8.875 % = 88 750):
//        prices exclude tax: tax = (net - share) x r / 1 000 000
//        prices include tax: tax = (net - share) x r / (1 000 000 + sum of the active rates)
//      rounded to the currency's minor unit, halves away from zero (amounts are never
//      negative, so halves up). The order's tax is the plain sum: nothing is rounded twice.
//   4. Exclusive: total = subtotal - discounts + tax. Inclusive: total = subtotal - discounts
//      (the tax is part of it and only reported).

#include "domain/money.h"
#include "domain/result.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <functional>
#include <memory>

namespace rdk {

/// Rates are exact: parts per million of the amount (1 % = 10 000). 100 % at most.
inline constexpr qint64 TaxRatePpmMax = 1'000'000;
/// Most rates a shop may have (the database refuses more).
inline constexpr int MaxTaxRates = 10;
/// Longest rate name ("NY State", "NYC").
inline constexpr int MaxTaxRateNameLength = 40;

struct TaxRate final {
    QString name;       ///< "NY State"
    qint64 ppm = 0;     ///< 8.875 % = 88 750
    bool active = true;

    friend bool operator==(const TaxRate &, const TaxRate &) = default;
};

/// What a shop says about tax (read from the database; changed by an admin).
struct TaxSettings final {
    bool pricesIncludeTax = false;
    QList<TaxRate> rates;   ///< in the shop's order

    /// The rates that apply to a sale (active ones, in order).
    QList<TaxRate> activeRates() const;
    friend bool operator==(const TaxSettings &, const TaxSettings &) = default;
};

/// Reads a percentage as typed: "8.875", "8.875 %", "0", "20". At most four decimals, from
/// 0 to 100. Returns parts per million.
Result<qint64> parseTaxRatePercent(QStringView text);
/// "8.875" (no trailing zeros, no sign): what the database stores and the editor shows.
QString taxRatePercentText(qint64 ppm);
/// "NY State 8.875 %".
QString describeTaxRate(const TaxRate &rate);

/// Checks a shop's rates as the admin dialog will send them: at most MaxTaxRates, names of 1
/// to 40 characters without control characters and not used twice (case ignored), rates
/// within 0..100 %. Names come back trimmed.
Result<QList<TaxRate>> checkTaxRates(const QList<TaxRate> &rates);

/// The tax of a cart by the rule above, in minor units.
struct TaxSplit final {
    QList<qint64> shares;                ///< per line: its share of the cart discount
    QList<QList<qint64>> lineRateTax;    ///< per line, per rate
    QList<qint64> lineTax;               ///< per line: sum over the rates
    QList<qint64> rateTax;               ///< per rate: sum over the lines
    qint64 total = 0;
};

/// `nets` are the lines' nets (>= 0), `orderDiscount` the cart discount (0 .. sum of nets),
/// `ratesPpm` the active rates. Refuses negative amounts, a discount above the nets and sums
/// that overflow.
Result<TaxSplit> splitTax(const QList<qint64> &nets, qint64 orderDiscount, const QList<qint64> &ratesPpm,
                          bool pricesIncludeTax);

/// The tax of one rate on an order, as a cart, a receipt or an order detail shows it.
struct TaxAmount final {
    QString name;
    qint64 ppm = 0;
    Money amount;
};

/// "Tax (NY State 8.875 %)" or, when the prices included it, "Incl. tax (VAT 20 %)".
QString taxRowLabel(const TaxAmount &tax, bool included);

/// Where a shop's tax settings live (data/ implements it on PostgreSQL). Every call is one
/// transaction and may block: call it off the UI thread. Only administrators may save; the
/// database refuses anyone else with Error::forbidden and a sentence.
class TaxSettingsStore {
public:
    virtual ~TaxSettingsStore() = default;
    virtual Result<TaxSettings> load() = 0;
    /// Replaces the shop's rates and its "prices include tax" at once (audited).
    virtual Status save(const TaxSettings &settings) = 0;
};
/// Gives a worker thread a store on a session of its own.
using TaxSettingsStoreFactory = std::function<Result<std::unique_ptr<TaxSettingsStore>>()>;

/// What a buyer pays for one item at `price` under `settings` (the example line of the tax
/// settings dialog): the tax, and the total.
struct TaxExample final {
    Money tax;
    Money total;
};
Result<TaxExample> taxExample(const TaxSettings &settings, const Money &price);

} // namespace rdk

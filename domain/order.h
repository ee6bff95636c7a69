#pragma once

#include "domain/money.h"
#include "domain/tax.h"
#include "domain/result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace rdk {

enum class OrderStatus { Pending, AwaitingPayment, Paid, Shipped, Fulfilled, Canceled, Refunded, PartiallyRefunded };
enum class OrderChannel { Online, Pos };

/// Stored forms: "pending", "awaiting_payment", "paid", "shipped", "fulfilled",
/// "canceled", "refunded", "partially_refunded".
QString toString(OrderStatus status);
std::optional<OrderStatus> orderStatusFromString(QStringView text);
/// "Pending", "Awaiting payment", ..., "Partially refunded".
QString displayName(OrderStatus status);

/// Stored forms: "online", "pos".
QString toString(OrderChannel channel);
std::optional<OrderChannel> orderChannelFromString(QStringView text);
/// "Online", "In store".
QString displayName(OrderChannel channel);

/// The order life cycle. Legal moves:
///   pending -> awaiting_payment | paid | canceled
///   awaiting_payment -> paid | canceled
///   paid -> shipped | fulfilled | refunded | partially_refunded
///   shipped, fulfilled -> refunded | partially_refunded
///   partially_refunded -> partially_refunded (another partial refund) | refunded
/// Everything else, including staying put, is illegal.
bool canTransition(OrderStatus from, OrderStatus to);
/// Like canTransition, with Error::conflict and a sentence for staff when illegal,
/// e.g. "A canceled order can't be marked paid."
Status checkTransition(OrderStatus from, OrderStatus to);
/// No way out: canceled and refunded.
bool isTerminal(OrderStatus status);

/// How far along the life cycle a status is. Every legal move goes to a strictly higher
/// rank (except another partial refund, which stays level), so a webhook handler can drop
/// any event whose status ranks below the order's current one: Stripe delivers events out
/// of order and retries them, and a late "paid" must never pull a refunded order back.
/// pending 0, awaiting_payment 1, paid 2, shipped 3, fulfilled 4, partially_refunded 5,
/// refunded 6, canceled 6.
int statusRank(OrderStatus status);

/// Most units of one item in one order (matches the order_items CHECK).
inline constexpr int MaxLineQuantity = 100;

struct OrderLine {
    QString productId;
    QString sku;
    QString name;
    QString size;
    int quantity = 1;
    Money unitPrice;
    Money discount; ///< off this line as a whole, not per unit
    Money tax{};    ///< counter sales: this line's tax by the shop's rates (domain/tax.h); zero otherwise

    /// unitPrice * quantity - discount. Refuses a quantity outside 1..100, negative
    /// amounts, a discount above the line amount and a discount in another currency
    /// (a zero discount counts as "none" whatever its currency).
    Result<Money> lineTotal() const;
};

struct OrderTotals {
    Money subtotal; ///< sum of unit price * quantity, before any discount
    Money shipping;
    Money fee;
    Money discount; ///< line discounts plus the order discount
    Money tax;      ///< online: carried from the payment provider; counter: the shop's rates (domain/tax.h)
    Money total;    ///< subtotal - discount + shipping + fee + tax (tax not added when taxIncluded)
    bool taxIncluded = false;   ///< the prices already included the tax; it is only reported
    QList<TaxAmount> taxes{};   ///< the tax per rate (counter sales); empty when none
};

/// The one place order totals are computed. All lines must share a currency; it becomes
/// the order's currency. Shipping, fee, discount and tax must be in it too, except that a
/// zero amount counts as zero in any currency (so a default-constructed Money, which is
/// USD, never blocks a euro order). Refuses: no lines, a quantity outside 1..100, mixed
/// currencies, negative amounts, a line discount above its line, an order discount above
/// what is left after line discounts, and sums that overflow.
Result<OrderTotals> computeTotals(const QList<OrderLine> &lines, const Money &shipping, const Money &fee,
                                  const Money &orderDiscount, const Money &tax, bool taxIncluded = false);

struct Order {
    QString id;
    QString tenantId;
    qint64 orderNumber = 0;
    OrderChannel channel = OrderChannel::Online;
    OrderStatus status = OrderStatus::Pending;
    QList<OrderLine> lines;
    OrderTotals totals;
    Money refunded;
    QString customerEmail;
    QString stripeCheckoutSessionId;
    QString stripePaymentLinkId;
    QString stripePaymentIntentId;
    bool needsReview = false;
    QString reviewReason;
    QDateTime createdAt;
    QDateTime paidAt;
};

/// "RDK-1001": what staff say on the phone and print on receipts.
QString formatOrderNumber(qint64 orderNumber);
/// Reads "RDK-1001", "rdk-1001", "#1001" or "1001" back (surrounding spaces ignored);
/// nullopt for anything else or a number below 1.
std::optional<qint64> parseOrderNumber(QStringView text);

} // namespace rdk

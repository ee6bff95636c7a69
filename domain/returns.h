#pragma once

// Returns at the counter: a paid order brought back, pair by pair. The database
// (rdk.pos_return, module returns.sql) computes every refund itself; this file does the same
// arithmetic so the counter can show the refund before staff confirm, and a test checks that
// both agree. The rule, in minor units:
//   1. What was paid for the goods: the order's total minus its shipping.
//   2. Shared among the lines by their line totals (after line discounts), in item id order,
//      by cumulative floors: line i gets floor(paid*C_i/W) - floor(paid*C_(i-1)/W).
//   3. Returning q of a line's Q pairs after r were returned refunds
//      floor(P*(r+q)/Q) - floor(P*r/Q): the returns of a line add up to exactly P.

#include "domain/money.h"
#include "domain/pos.h"
#include "domain/result.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <algorithm>
#include <optional>

namespace rdk {

/// A line of an order as a return sees it.
struct ReturnableLine final {
    qint64 itemId = 0;
    QString sku;
    QString name;
    QString size;            ///< empty for flat stock
    int quantity = 1;        ///< bought
    int returned = 0;        ///< brought back by earlier returns
    int backOtherwise = 0;   ///< restocked by a refund of the Orders screen, not by a return
    qint64 lineTotalMinor = 0;  ///< unit price * quantity - line discount
    qint64 paidMinor = 0;       ///< this line's share of what was paid (rule 2; filled by computeLineShares)

    /// Pairs that can still come back.
    int returnable() const { return std::max(0, quantity - returned - std::max(0, backOtherwise)); }
};

/// A paid order found at the counter for a return.
struct ReturnableOrder final {
    QString orderId;
    qint64 orderNumber = 0;
    QString status;          ///< stored form ("paid", "partially_refunded", ...)
    QString paymentMethod;   ///< "card" or "cash" (empty: none recorded)
    QString currency = QStringLiteral("USD");
    qint64 totalMinor = 0;
    qint64 shippingMinor = 0;
    qint64 leftToRefundMinor = 0;  ///< total - refunded - refunds still in the queue
    QDateTime paidAt;
    QList<ReturnableLine> lines;

    /// "RDK-1001"
    QString label() const { return QStringLiteral("RDK-%1").arg(orderNumber); }
};

/// One line of a return as staff choose it.
struct ReturnLineRequest final {
    qint64 itemId = 0;
    int quantity = 0;
    bool restock = true;     ///< back on the shelf; false = damaged
};

/// The shop's return policy (migration 0019). Nullopt = no window / no limit.
struct ReturnPolicy final {
    std::optional<int> windowDays;
    std::optional<qint64> staffLimitMinor;
};

/// What a finished return did.
struct ReturnReceipt final {
    QString returnId;
    Money refund;
    QString method;          ///< "card" (refund queued for rdk-sync) or "cash" (paid out now)
};

/// One new item of an exchange, as the counter's cart has it.
struct ExchangeItem final {
    QString sku;
    QString size;        ///< empty for flat stock
    int quantity = 1;
};

/// What an exchange did. due > 0: the new sale (newOrderId, pending, its stock held) waits for
/// that much by link or cash; refund > 0: that much went back to the original payment.
struct ExchangeResult final {
    QString returnId;
    QString newOrderId;
    Money returned;   ///< the returned pairs' value
    Money credit;     ///< applied to the new sale
    Money due;        ///< left to pay on the new sale
    Money refund;     ///< back to the original payment
    QString method;   ///< of the original payment: "card" or "cash"
};

/// Storage for returns at the counter. Every call is one transaction and may block: call it
/// from a worker thread with a session of its own. The database decides who may return what.
class ReturnStore {
public:
    virtual ~ReturnStore() = default;
    /// The order with this number in the signed-in shop, its lines' shares computed.
    /// NotFound: "No order RDK-1001 in this shop."
    virtual Result<ReturnableOrder> findOrder(qint64 orderNumber) = 0;
    virtual Result<ReturnPolicy> policy() = 0;
    /// Takes the pairs back: the database computes the refund, sends it to the original method
    /// and puts the shelf lines back in stock. Refusals come back with the database's sentence.
    virtual Result<ReturnReceipt> submitReturn(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                               const QString &reason) = 0;
    /// Return + new sale in one transaction (rdk.pos_exchange): the returned pairs' value is a
    /// credit on the new sale; its payment link asks for the due only. No discounts here.
    virtual Result<ExchangeResult> submitExchange(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                                  const QList<ExchangeItem> &items, const QString &reason,
                                                  int linkMinutes) = 0;
};

namespace returns {

/// floor(amount * part / whole) without overflow; 0 when whole <= 0.
qint64 floorShare(qint64 amount, qint64 part, qint64 whole);

/// Rule 2: fills each line's paidMinor from the order's total and shipping. Lines are taken in
/// itemId order whatever their order in the list.
void computeLineShares(ReturnableOrder &order);

/// Rule 3: the refund of `take` more pairs of a line that got `paid` for `quantity` pairs,
/// `already` of them returned before.
qint64 unitsRefund(qint64 paid, int quantity, int already, int take);

/// The refund of a whole return, or an Invalid error with the sentence the database would give
/// (an item not on the order, more than can still come back, a line twice, no lines).
Result<qint64> refundFor(const ReturnableOrder &order, const QList<ReturnLineRequest> &lines);

/// Whether a cashier (staff role) may take this return alone: within the window and the limit.
/// Empty when they may; else the reason, for a tooltip or a message.
QString staffRefusal(const ReturnableOrder &order, qint64 refundMinor, const ReturnPolicy &policy, const QDateTime &now);

/// An exchange's split: credit = min(returned, new total), due = new total - credit,
/// refund = returned - credit (the database's rule).
struct ExchangeSplit final {
    qint64 credit = 0;
    qint64 due = 0;
    qint64 refund = 0;
};
ExchangeSplit exchangeSplit(qint64 returnedMinor, qint64 newTotalMinor);

/// "RDK-1001", "rdk-1001", " 1001 " -> 1001; a Code 128 scan of a receipt reads "RDK-1001".
/// Nullopt when the text is not an order number.
std::optional<qint64> parseOrderNumber(const QString &text);

} // namespace returns
} // namespace rdk

#pragma once

#include "domain/money.h"
#include "domain/order.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace rdk {

/// What a payment provider told us about an order, stripped of provider details.
enum class PaymentSignal {
    Paid,              ///< the money arrived
    AwaitingPayment,   ///< checkout finished, the (asynchronous) payment is still on its way
    Failed,            ///< the asynchronous payment failed
    Expired,           ///< the shopper never paid; the session or link ran out
    Refunded,          ///< some or all of the money went back; see refundedTotal
};

struct PaymentReport final {
    PaymentSignal signal = PaymentSignal::Paid;
    Money amount;          ///< for Paid: what was paid; for Refunded: the total refunded so far
    bool amountKnown = false;
};

/// What to do with the order. Exactly one action; the data layer applies it in the same
/// transaction that records the event.
enum class PaymentAction {
    MarkPaid,           ///< reservation becomes a sale
    MarkAwaitingPayment,
    Cancel,             ///< reservation released
    Refund,             ///< status refunded, amount recorded
    PartialRefund,      ///< status partially_refunded, amount recorded
    FlagForReview,      ///< money and order disagree; a person must look
    Ignore,             ///< nothing to change (late, duplicate in spirit, or backwards)
};

struct PaymentDecision final {
    PaymentAction action = PaymentAction::Ignore;
    QString reason;     ///< for the audit log and the review queue, written for staff
};

/// Decides the effect of a payment report on an order in `current` status with `total`.
/// Events can arrive late, twice, or out of order: an order never moves backwards (an
/// "expired" after "paid" changes nothing), money for a canceled order and amounts or
/// currencies that don't match the order are flagged for review rather than applied.
PaymentDecision decidePaymentEffect(OrderStatus current, const Money &total, const PaymentReport &report);

QString toString(PaymentAction action);

/// A provider's event, reduced to what the order book needs. Recorded by `eventId` so a
/// repeated delivery has no second effect.
struct PaymentEvent final {
    QString eventId;
    QString type;
    QString orderId;            ///< ours, from the session's metadata; may be empty for refunds
    QString paymentIntentId;    ///< finds the order when orderId is absent
    QString checkoutSessionId;
    QString paymentLinkId;
    QString chargeId;
    QString customerEmail;
    QJsonObject shippingAddress;
    std::optional<PaymentReport> report;  ///< none: acknowledged, not acted on
};

enum class EventOutcome {
    Applied,            ///< the order changed
    Duplicate,          ///< this event id was processed before: nothing done
    Ignored,            ///< valid but changes nothing (late, unknown type)
    FlaggedForReview,
    UnknownOrder,       ///< no order of this shop matches
};

QString toString(EventOutcome outcome);

} // namespace rdk

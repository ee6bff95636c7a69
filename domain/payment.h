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
    bool amountKnown = false;  ///< false: the provider sent no amount or currency (never applied)
};

/// The signal as the database's payment API names it (rdk.apply_payment_event): paid,
/// awaiting_payment, failed, expired, refunded. The database decides what it does to the
/// order (migration 0012); this layer only reports what the provider said.
QString toString(PaymentSignal signal);

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
    QString customerPhone;
    /// What checkout charged besides the items: the provider's id of the shipping option the
    /// shopper chose, its amount and the tax the provider computed (none when not reported).
    QString shippingRateId;
    std::optional<qint64> shippingMinor;
    std::optional<qint64> taxMinor;
    /// Stripe's fingerprint of the card that paid, when its answer had one: a release's limit
    /// per buyer also counts by card (rdk.release_check_buyer).
    QString cardFingerprint;
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
std::optional<EventOutcome> eventOutcomeFromString(const QString &text);

} // namespace rdk

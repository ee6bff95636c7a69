#pragma once

#include "domain/result.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk::sync {

/// Webhook bodies above this are refused unread: real Stripe events are a few KiB.
inline constexpr qsizetype MaxStripeEventBytes = 1024 * 1024;

/// The fields of a Checkout Session we act on. Read leniently: Stripe adds fields with
/// every API version, so anything not listed here is ignored.
struct StripeCheckoutSession {
    QString id;
    QString paymentStatus;      ///< "paid", "unpaid", "no_payment_required"
    QString status;             ///< "open", "complete", "expired"
    qint64 amountTotal = -1;    ///< minor units; -1 when Stripe sent none
    QString currency;           ///< upper-cased ISO 4217 ("USD"), empty when absent
    QString orderId;            ///< metadata.order_id, falling back to client_reference_id
    QString paymentIntent;      ///< "pi_..." (also when Stripe expanded it to an object)
    QString paymentLink;        ///< "plink_..." for POS sales, empty for online checkout
    QString customerEmail;      ///< customer_details.email, else customer_email
    QJsonObject shippingAddress;///< collected_information.shipping_details.address, else shipping_details.address
    QString shippingName;
    QString customerPhone;      ///< customer_details.phone
    QString shippingRate;       ///< shipping_cost.shipping_rate ("shr_..."): the option the shopper chose
    qint64 amountShipping = -1; ///< total_details.amount_shipping; -1 when Stripe sent none
    qint64 amountTax = -1;      ///< total_details.amount_tax; -1 when Stripe sent none
};

/// The fields of a Charge we act on (refunds).
struct StripeCharge {
    QString id;
    QString paymentIntent;
    qint64 amount = 0;          ///< minor units
    qint64 amountRefunded = 0;  ///< minor units, cumulative over all refunds
    bool refunded = false;      ///< true once fully refunded
    QString currency;           ///< upper-cased ISO 4217
    QString orderId;            ///< metadata.order_id if present
    /// payment_method_details.card.fingerprint: the same card gives the same value across
    /// customers (per-buyer limits of a release, issue 15); empty when Stripe sent none.
    QString cardFingerprint;
};

enum class StripeEventKind {
    CheckoutCompleted,          ///< checkout.session.completed
    CheckoutAsyncSucceeded,     ///< checkout.session.async_payment_succeeded
    CheckoutAsyncFailed,        ///< checkout.session.async_payment_failed
    CheckoutExpired,            ///< checkout.session.expired
    ChargeRefunded,             ///< charge.refunded
    ChargeSucceeded,            ///< charge.succeeded: carries the card's fingerprint
    Other,                      ///< anything else: acknowledged, not acted on
};

/// The event types rdk-sync acts on, each with its kind: the one list that both the webhook
/// parser and `rdk-admin stripe connect` (the endpoint's enabled_events) read, so the events
/// Stripe is asked to send are exactly the events we handle.
struct HandledStripeEvent {
    const char16_t *type;
    StripeEventKind kind;
};
inline constexpr HandledStripeEvent HandledStripeEvents[] = {
    {u"checkout.session.completed", StripeEventKind::CheckoutCompleted},
    {u"checkout.session.async_payment_succeeded", StripeEventKind::CheckoutAsyncSucceeded},
    {u"checkout.session.async_payment_failed", StripeEventKind::CheckoutAsyncFailed},
    {u"checkout.session.expired", StripeEventKind::CheckoutExpired},
    {u"charge.refunded", StripeEventKind::ChargeRefunded},
    {u"charge.succeeded", StripeEventKind::ChargeSucceeded},
};

/// The kind for an event type: Other for anything not in HandledStripeEvents.
StripeEventKind stripeEventKind(const QString &type);
/// HandledStripeEvents' types, in order.
QStringList handledStripeEventTypes();

struct StripeEvent {
    QString id;                 ///< "evt_...", the de-duplication key
    QString type;
    qint64 created = 0;         ///< seconds since the epoch; 0 when absent
    StripeEventKind kind = StripeEventKind::Other;
    std::optional<StripeCheckoutSession> session;   ///< set for the checkout.session.* kinds
    std::optional<StripeCharge> charge;             ///< set for ChargeRefunded and ChargeSucceeded
};

/// Maps a webhook body (already signature-checked) to a typed event. The body must be a
/// JSON object of at most 1 MiB with an `id` matching ^evt_[A-Za-z0-9_]{1,250}$, a `type`
/// string and a `data.object` object; for the known kinds the object must be a
/// "checkout.session" / "charge" with an id, and amounts whole numbers >= 0 (no
/// fractions, no strings). Anything else is Error::invalid with the offending field named.
Result<StripeEvent> parseStripeEvent(QByteArrayView body);

/// The same rules for a bare Checkout Session object (as the API returns it).
Result<StripeCheckoutSession> parseCheckoutSession(const QJsonObject &object);
/// The same rules for a bare Charge object.
Result<StripeCharge> parseCharge(const QJsonObject &object);

} // namespace rdk::sync

#pragma once

#include "data/pgsession.h"
#include "domain/checkout.h"
#include "domain/checkoutservice.h"
#include "domain/order.h"
#include "domain/payment.h"

#include <QDateTime>

namespace rdk::data {

using rdk::PendingOrder;

/// The storefront's door to money (migration 0012): each call is one SECURITY DEFINER function
/// of the database, which prices the lines, holds the stock and decides what a payment does.
class PgCheckout final : public CheckoutOrderStore {
public:
    explicit PgCheckout(PgSession &session) : m_session(session) {}

    /// Holds the stock of a validated cart and creates a pending online order at the catalog's
    /// prices. All lines or none: when two shoppers race for the last pair, row locks decide
    /// and the loser gets OutOfStock naming the item.
    Result<PendingOrder> placeOrder(const CheckoutRequest &cart, int reservationMinutes) override;

    /// Remembers the Stripe Checkout Session that will pay the pending online order.
    Status attachCheckoutSession(const QString &orderId, const QString &checkoutSessionId,
                                 const QStringList &shippingRateIds) override;

    /// The checkout never reached Stripe's page: a local "abandoned" payment event
    /// (rdk.apply_payment_event with a failed signal) cancels the order and gives its stock back.
    Status abandon(const QString &orderId) override;

    /// Records the event and applies its effect in the same transaction, as the database
    /// decides it (an amount or currency that is missing or wrong goes to review). A repeated
    /// event id is a Duplicate with no effect, even when copies arrive at the same moment.
    Result<EventOutcome> applyPaymentEvent(const PaymentEvent &event);

    /// Several events that arrived together, in one transaction with one commit (ADR 0031),
    /// each applied on its own: the answer holds one Result per event, in order, and an event
    /// that fails leaves the others applied. The whole call fails only when the database can't
    /// be reached or refuses the login; then nothing was applied. At most 32 events.
    Result<QList<Result<EventOutcome>>> applyPaymentEvents(const QList<PaymentEvent> &events);

    /// Gives back stock held by reservations whose time ran out; returns how many.
    Result<int> releaseExpiredReservations();

private:
    PgSession &m_session;
};

} // namespace rdk::data

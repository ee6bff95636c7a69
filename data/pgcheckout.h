#pragma once

#include "data/pgsession.h"
#include "domain/checkout.h"
#include "domain/order.h"
#include "domain/payment.h"

#include <QDateTime>

namespace rdk::data {

/// An order whose stock is held until `reservedUntil`.
struct PendingOrder final {
    QString orderId;
    qint64 orderNumber = 0;
    QList<OrderLine> lines;
    OrderTotals totals;
    QDateTime reservedUntil;
};

/// Reservations and the order book's reaction to payments, each one transaction.
class PgCheckout final {
public:
    explicit PgCheckout(PgSession &session) : m_session(session) {}

    /// Holds the stock of a validated cart and creates a pending order. All lines or none:
    /// when two shoppers race for the last pair, row locks decide and the loser gets
    /// OutOfStock naming the item.
    Result<PendingOrder> placeOrder(const CheckoutRequest &cart, OrderChannel channel, const Money &shipping,
                                    int reservationMinutes);

    /// Remembers the Stripe Checkout Session (or Payment Link) that will pay the order.
    Status attachStripeIds(const QString &orderId, const QString &checkoutSessionId, const QString &paymentLinkId);

    /// Records the event and applies its effect in the same transaction. A repeated event id
    /// is a Duplicate with no effect, even when copies arrive at the same moment.
    Result<EventOutcome> applyPaymentEvent(const PaymentEvent &event);

    /// Gives back stock held by reservations whose time ran out; returns how many.
    Result<int> releaseExpiredReservations();

private:
    PgSession &m_session;
};

} // namespace rdk::data

#pragma once

#include "data/pgsession.h"
#include "domain/money.h"
#include "domain/order.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace rdk::data {

/// A Stripe call the desk asked rdk-sync to make (table stripe_requests, ADR 0007).
struct StripeRequestRow final {
    qint64 id = 0;
    QString tenantId;
    QString orderId;
    QString kind;                       ///< payment_link, deactivate_link, refund
    std::optional<Money> amount;        ///< refunds, in the order's currency: none = everything not yet refunded
    int attempts = 0;                   ///< claims so far, this one included
};

/// One line of an order as a payment link needs it, in the order's currency.
struct StripeOrderLine final {
    QString name;
    QString size;           ///< empty for flat stock
    int quantity = 1;
    Money unitPrice;
    Money discount;
    Money lineTotal;
};

/// What the worker needs to know about the order of a request, read under row-level security,
/// so an order of another shop is simply not found.
struct StripeRequestOrder final {
    QString orderId;
    qint64 orderNumber = 0;
    OrderChannel channel = OrderChannel::Pos;
    OrderStatus status = OrderStatus::Pending;
    Money total;            ///< what is left to pay: the total less an exchange's credit (returns.sql); the order's currency
    Money discount;         ///< order-level discount
    QString paymentLinkId;
    QString paymentIntentId;
    QList<StripeOrderLine> lines;
};

/// The service side of the stripe_requests queue; each call is one transaction in the
/// session's tenant (the service sets it per transaction).
class PgStripeRequestQueue final {
public:
    explicit PgStripeRequestQueue(PgSession &session) : m_session(session) {}

    /// Takes up to `limit` queued requests (and `working` ones whose claimer's lease ran out)
    /// and marks them working, leased to `claimer` (this process, "host:pid") for 30 s:
    /// rdk.claim_stripe_requests. Several rdk-sync processes may claim at once (ADR 0029).
    Result<QList<StripeRequestRow>> claim(int limit, const QString &claimer);
    /// Extends the lease of the requests `claimer` is still working; answers those that are
    /// still its own (one another process took over after a lapse is not): rdk.renew_stripe_requests.
    Result<QList<qint64>> renew(const QList<qint64> &requestIds, const QString &claimer);
    /// The order behind a request, or nullopt when this shop has no such order.
    Result<std::optional<StripeRequestOrder>> order(const QString &orderId);
    /// done (`ok`) or failed, with Stripe's answer or a sentence for staff:
    /// rdk.finish_stripe_request.
    Status finish(qint64 requestId, bool ok, const QJsonObject &result, const QString &error);

private:
    PgSession &m_session;
};

} // namespace rdk::data

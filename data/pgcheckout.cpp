#include "data/pgcheckout.h"

#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

struct LockedLine final {
    QString productId;
    QString name;
    qint64 priceMinor = 0;
    QString currency;
    qint64 inventoryId = 0;
    int available = 0;
};

QString itemLabel(const QString &name, const QString &size)
{
    return size.isEmpty() ? name : u"%1 (size %2)"_s.arg(name, size);
}

std::optional<std::string> orNull(const QString &s)
{
    return s.isEmpty() ? std::nullopt : std::optional<std::string>(s.toStdString());
}

// Moves held reservations of the order to `toState`; a sale takes the units off the shelf,
// a release only gives the hold back.
void settleReservations(pqxx::work &tx, const QString &orderId, bool sold)
{
    tx.exec_params(sold ? "UPDATE inventory i SET quantity = i.quantity - r.quantity, reserved = i.reserved - r.quantity "
                          "FROM stock_reservations r WHERE r.order_id = $1::uuid AND r.state = 'held' AND i.id = r.inventory_id"
                        : "UPDATE inventory i SET reserved = i.reserved - r.quantity "
                          "FROM stock_reservations r WHERE r.order_id = $1::uuid AND r.state = 'held' AND i.id = r.inventory_id",
                   str(orderId));
    tx.exec_params("UPDATE stock_reservations SET state = $2 WHERE order_id = $1::uuid AND state = 'held'", str(orderId),
                   std::string(sold ? "sold" : "released"));
}

} // namespace

Result<PendingOrder> PgCheckout::placeOrder(const CheckoutRequest &cart, OrderChannel channel, const Money &shipping,
                                            int reservationMinutes)
{
    // Lock inventory rows in one global order so concurrent checkouts can't deadlock.
    QList<CartItem> items = cart.items;
    std::sort(items.begin(), items.end(), [](const CartItem &a, const CartItem &b) {
        return std::tie(a.sku, a.size) < std::tie(b.sku, b.size);
    });
    return m_session.transact([&](pqxx::work &tx) -> Result<PendingOrder> {
        QList<OrderLine> lines;
        QList<qint64> inventoryIds;
        for (const CartItem &item : items) {
            const auto rows = tx.exec_params(
                "SELECT p.id::text, p.name, p.price_minor, p.currency, i.id, i.quantity - i.reserved, p.inventory_strategy "
                "FROM products p JOIN inventory i ON i.product_id = p.id AND i.size IS NOT DISTINCT FROM $2 "
                "WHERE p.sku = $1 AND p.published AND NOT p.archived FOR UPDATE OF i",
                str(item.sku), orNull(item.size));
            if (rows.empty())
                return Error::notFound(item.size.isEmpty() ? u"%1 is not available."_s.arg(item.sku)
                                                           : u"%1 is not available in size %2."_s.arg(item.sku, item.size));
            const auto &r = rows[0];
            const LockedLine locked{text(r[0]), text(r[1]), r[2].as<qint64>(), text(r[3]).trimmed(), r[4].as<qint64>(),
                                    r[5].as<int>()};
            if (locked.available < item.quantity)
                return Error::outOfStock(locked.available == 0
                                             ? u"Sorry, %1 just sold out."_s.arg(itemLabel(locked.name, item.size))
                                             : u"Only %1 left of %2."_s.arg(locked.available).arg(itemLabel(locked.name, item.size)));
            auto price = Money::of(locked.priceMinor, locked.currency);
            if (!price)
                return price.error();
            lines.append(OrderLine{locked.productId, item.sku, locked.name, item.size, item.quantity, *price,
                                   Money::zero(locked.currency)});
            inventoryIds.append(locked.inventoryId);
        }
        const QString currency = lines.first().unitPrice.currency();
        const Money zero = Money::zero(currency);
        auto totals = computeTotals(lines, shipping.isZero() ? zero : shipping, zero, zero, zero);
        if (!totals)
            return totals.error();

        const auto order = tx.exec_params1(
            "INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, shipping_minor, discount_minor, "
            "total_minor, customer_email, reserved_until) "
            "VALUES (rdk.current_tenant(), $1, 'pending', $2, $3, $4, $5, $6, $7, now() + make_interval(mins => $8)) "
            "RETURNING id::text, order_number, (extract(epoch from reserved_until) * 1000)::bigint",
            str(toString(channel)), str(currency), totals->subtotal.minor(), totals->shipping.minor(),
            totals->discount.minor(), totals->total.minor(), orNull(cart.email), reservationMinutes);
        PendingOrder pending{text(order[0]), order[1].as<qint64>(), lines, *totals,
                             QDateTime::fromMSecsSinceEpoch(order[2].as<qint64>(), Qt::UTC)};
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const OrderLine &line = lines[i];
            tx.exec_params(
                "INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, "
                "line_total_minor) VALUES (rdk.current_tenant(), $1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8)",
                str(pending.orderId), str(line.productId), str(line.sku), str(line.name), orNull(line.size), line.quantity,
                line.unitPrice.minor(), line.unitPrice.minor() * line.quantity);
            tx.exec_params("UPDATE inventory SET reserved = reserved + $2 WHERE id = $1", inventoryIds[i], line.quantity);
            tx.exec_params(
                "INSERT INTO stock_reservations (tenant_id, order_id, inventory_id, quantity, expires_at) "
                "VALUES (rdk.current_tenant(), $1::uuid, $2, $3, to_timestamp($4::bigint / 1000.0))",
                str(pending.orderId), inventoryIds[i], line.quantity, pending.reservedUntil.toMSecsSinceEpoch());
        }
        return pending;
    });
}

Status PgCheckout::attachStripeIds(const QString &orderId, const QString &checkoutSessionId, const QString &paymentLinkId)
{
    return m_session.transact([&](pqxx::work &tx) -> Status {
        const auto updated = tx.exec_params(
            "UPDATE orders SET stripe_checkout_session_id = coalesce($2, stripe_checkout_session_id), "
            "stripe_payment_link_id = coalesce($3, stripe_payment_link_id) WHERE id = $1::uuid RETURNING id",
            str(orderId), orNull(checkoutSessionId), orNull(paymentLinkId));
        if (updated.empty())
            return Error::notFound(u"The order no longer exists."_s);
        return {};
    });
}

Result<EventOutcome> PgCheckout::applyPaymentEvent(const PaymentEvent &event)
{
    return m_session.transact(
        [&](pqxx::work &tx) -> Result<EventOutcome> {
            // The event id goes in first: a concurrent copy waits on this row and then finds it taken.
            const auto recorded = tx.exec_params(
                "INSERT INTO stripe_events (id, tenant_id, type, outcome) VALUES ($1, rdk.current_tenant(), $2, 'received') "
                "ON CONFLICT (id) DO NOTHING RETURNING id",
                str(event.eventId), str(event.type.left(100)));
            if (recorded.empty())
                return EventOutcome::Duplicate;

            auto finish = [&](EventOutcome outcome, const QString &orderId) -> Result<EventOutcome> {
                tx.exec_params("UPDATE stripe_events SET outcome = $2, order_id = $3::uuid WHERE id = $1", str(event.eventId),
                               str(toString(outcome)), orNull(orderId));
                return outcome;
            };
            if (!event.report)
                return finish(EventOutcome::Ignored, {});

            const auto rows = tx.exec_params(
                "SELECT id::text, status, total_minor, currency, refunded_minor FROM orders "
                "WHERE ($1 <> '' AND id::text = $1) OR ($1 = '' AND $2 <> '' AND stripe_payment_intent_id = $2) "
                "ORDER BY created_at LIMIT 1 FOR UPDATE",
                str(event.orderId), str(event.paymentIntentId));
            if (rows.empty())
                return finish(EventOutcome::UnknownOrder, {});
            const QString orderId = text(rows[0][0]);
            const auto status = orderStatusFromString(text(rows[0][1]));
            const auto total = Money::of(rows[0][2].as<qint64>(), text(rows[0][3]).trimmed());
            if (!status || !total)
                return Error::internal(u"Order %1 has an unreadable status or total."_s.arg(orderId));

            const PaymentDecision decision = decidePaymentEffect(*status, *total, *event.report);
            tx.exec_params("SELECT set_config('rdk.reason', $1, true)", str(u"stripe %1: %2"_s.arg(event.type, decision.reason).left(200)));
            switch (decision.action) {
            case PaymentAction::MarkPaid:
                settleReservations(tx, orderId, true);
                tx.exec_params(
                    "UPDATE orders SET status = 'paid', paid_at = now(), "
                    "stripe_checkout_session_id = coalesce(stripe_checkout_session_id, $2), "
                    "stripe_payment_intent_id = coalesce($3, stripe_payment_intent_id), "
                    "stripe_payment_link_id = coalesce(stripe_payment_link_id, $4), "
                    "customer_email = coalesce(customer_email, $5), shipping_address = coalesce($6::jsonb, shipping_address) "
                    "WHERE id = $1::uuid",
                    str(orderId), orNull(event.checkoutSessionId), orNull(event.paymentIntentId), orNull(event.paymentLinkId),
                    orNull(event.customerEmail.left(254)),
                    event.shippingAddress.isEmpty() ? std::nullopt
                                                    : std::optional<std::string>(QJsonDocument(event.shippingAddress).toJson(QJsonDocument::Compact).toStdString()));
                return finish(EventOutcome::Applied, orderId);
            case PaymentAction::MarkAwaitingPayment:
                tx.exec_params("UPDATE orders SET status = 'awaiting_payment', "
                               "stripe_payment_intent_id = coalesce($2, stripe_payment_intent_id) WHERE id = $1::uuid",
                               str(orderId), orNull(event.paymentIntentId));
                return finish(EventOutcome::Applied, orderId);
            case PaymentAction::Cancel:
                settleReservations(tx, orderId, false);
                tx.exec_params("UPDATE orders SET status = 'canceled', canceled_at = now() WHERE id = $1::uuid", str(orderId));
                return finish(EventOutcome::Applied, orderId);
            case PaymentAction::Refund:
            case PaymentAction::PartialRefund:
                tx.exec_params("UPDATE orders SET status = $2, refunded_minor = $3 WHERE id = $1::uuid", str(orderId),
                               std::string(decision.action == PaymentAction::Refund ? "refunded" : "partially_refunded"),
                               event.report->amount.minor());
                return finish(EventOutcome::Applied, orderId);
            case PaymentAction::FlagForReview:
                tx.exec_params("UPDATE orders SET needs_review = true, review_reason = $2 WHERE id = $1::uuid", str(orderId),
                               str(decision.reason));
                return finish(EventOutcome::FlaggedForReview, orderId);
            case PaymentAction::Ignore:
                return finish(EventOutcome::Ignored, orderId);
            }
            return Error::internal(u"unhandled payment action"_s);
        },
        u"stripe webhook"_s);
}

Result<int> PgCheckout::releaseExpiredReservations()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<int> {
        return tx.exec1("SELECT rdk.release_expired_reservations()")[0].as<int>();
    });
}

} // namespace rdk::data

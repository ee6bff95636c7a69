#include "data/pgcheckout.h"

#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"
#include "data/pgorderrows.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

std::string compactJson(const QJsonArray &array)
{
    return QJsonDocument(array).toJson(QJsonDocument::Compact).toStdString();
}

// Our order id from a provider's metadata: empty stays NULL (find the order by its payment
// intent); anything that is not a UUID can't be one of our orders and finds none.
std::optional<std::string> orderIdFromMetadata(const QString &orderId)
{
    if (orderId.isEmpty())
        return std::nullopt;
    const QUuid id = QUuid::fromString(orderId);
    return (id.isNull() || orderId.size() > 64 ? QUuid() : id).toString(QUuid::WithoutBraces).toStdString();
}

} // namespace

Result<PendingOrder> PgCheckout::placeOrder(const CheckoutRequest &cart, int reservationMinutes)
{
    QJsonArray items;
    for (const CartItem &item : cart.items) {
        QJsonObject line{{u"sku"_s, item.sku}, {u"quantity"_s, item.quantity}};
        if (!item.size.isEmpty())
            line.insert(u"size"_s, item.size);
        items.append(line);
    }
    return m_session.transact([&](pqxx::work &tx) -> Result<PendingOrder> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<PendingOrder> {
            const std::string orderId =
                tx.exec_params1("SELECT rdk.checkout_place_order($1::jsonb, $2, $3)::text", compactJson(items),
                                orNull(cart.email), reservationMinutes)[0]
                    .as<std::string>();
            const auto order = tx.exec_params1(std::string("SELECT o.order_number, o.currency, "
                                                           "(extract(epoch from o.reserved_until) * 1000)::bigint, ")
                                                   + kOrderTotalsColumns + " FROM orders o WHERE o.id = $1::uuid",
                                               orderId);
            const QString currency = text(order[1]).trimmed();
            return PendingOrder{QString::fromStdString(orderId), order[0].as<qint64>(),
                                readOrderLines(tx, orderId, currency), totalsFrom(order, 3, currency),
                                QDateTime::fromMSecsSinceEpoch(order[2].as<qint64>(), Qt::UTC)};
        });
    });
}

Status PgCheckout::attachCheckoutSession(const QString &orderId, const QString &checkoutSessionId)
{
    const auto id = orderIdFromMetadata(orderId);
    if (!id)
        return Error::notFound(u"The order no longer exists."_s);
    return m_session.transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            tx.exec_params("SELECT rdk.checkout_attach_session($1::uuid, $2)", *id, str(checkoutSessionId));
            return {};
        });
    });
}

Status PgCheckout::abandon(const QString &orderId)
{
    PaymentEvent event;
    event.eventId = u"evt_local_abandon_"_s + QString(orderId).remove(u'-');
    event.type = u"local.checkout.abandoned"_s;
    event.orderId = orderId;
    // No amount is known (amountKnown = false), so the currency is never sent.
    event.report = PaymentReport{PaymentSignal::Failed, Money::zero(u"USD"_s), false};
    auto applied = applyPaymentEvent(event);
    if (!applied)
        return applied.error();
    return {};
}

Result<EventOutcome> PgCheckout::applyPaymentEvent(const PaymentEvent &event)
{
    const std::optional<PaymentReport> &report = event.report;
    const bool amountKnown = report && report->amountKnown;
    const std::optional<std::string> address =
        event.shippingAddress.isEmpty()
            ? std::nullopt
            : std::optional<std::string>(QJsonDocument(event.shippingAddress).toJson(QJsonDocument::Compact).toStdString());
    return m_session.transact(
        [&](pqxx::work &tx) -> Result<EventOutcome> {
            return keepSentences(tx, [&](pqxx::work &tx) -> Result<EventOutcome> {
                const auto row = tx.exec_params1(
                    "SELECT outcome FROM rdk.apply_payment_event($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)",
                    str(event.eventId), str(event.type.left(100)), orderIdFromMetadata(event.orderId),
                    orNull(event.paymentIntentId), report ? std::optional(str(toString(report->signal))) : std::nullopt,
                    amountKnown ? std::optional(report->amount.minor()) : std::nullopt,
                    amountKnown ? std::optional(str(report->amount.currency())) : std::nullopt,
                    orNull(event.checkoutSessionId), orNull(event.paymentLinkId), orNull(event.customerEmail.left(254)),
                    address);
                const auto outcome = eventOutcomeFromString(text(row[0]));
                if (!outcome)
                    return Error::internal(u"The database answered an unknown webhook outcome: %1"_s.arg(text(row[0])));
                return *outcome;
            });
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

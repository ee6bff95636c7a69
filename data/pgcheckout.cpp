#include "data/pgcheckout.h"

#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"
#include "data/pgorderrows.h"

#include <QJsonArray>
#include <QJsonObject>
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

// One event as rdk.apply_payment_events reads it: a key left out is NULL, as the single call's
// NULL arguments were. The amount goes as text, so the database casts it inside the event's
// own block.
QJsonObject paymentEventJson(const PaymentEvent &event)
{
    QJsonObject json{{u"id"_s, event.eventId}, {u"type"_s, event.type.left(100)}};
    const auto put = [&json](const QString &key, const QString &value) {
        if (!value.isEmpty())
            json.insert(key, value);
    };
    if (const auto order = orderIdFromMetadata(event.orderId))
        json.insert(u"order"_s, QString::fromStdString(*order));
    put(u"payment_intent"_s, event.paymentIntentId);
    if (const std::optional<PaymentReport> &report = event.report) {
        json.insert(u"signal"_s, toString(report->signal));
        if (report->amountKnown) {
            json.insert(u"amount_minor"_s, QString::number(report->amount.minor()));
            json.insert(u"currency"_s, report->amount.currency());
        }
    }
    put(u"checkout_session"_s, event.checkoutSessionId);
    put(u"payment_link"_s, event.paymentLinkId);
    put(u"customer_email"_s, event.customerEmail.left(254));
    if (!event.shippingAddress.isEmpty())
        json.insert(u"shipping_address"_s, event.shippingAddress);
    QJsonObject checkout;
    if (!event.shippingRateId.isEmpty())
        checkout.insert(u"shipping_rate"_s, event.shippingRateId.left(255));
    if (event.shippingMinor)
        checkout.insert(u"amount_shipping"_s, *event.shippingMinor);
    if (event.taxMinor)
        checkout.insert(u"amount_tax"_s, *event.taxMinor);
    if (!event.customerPhone.isEmpty())
        checkout.insert(u"phone"_s, event.customerPhone.left(40));
    if (!event.cardFingerprint.isEmpty())
        checkout.insert(u"card_fingerprint"_s, event.cardFingerprint.left(100));
    if (!checkout.isEmpty())
        json.insert(u"checkout"_s, checkout);
    return json;
}

// An event's answer from the columns (outcome, error_state, error_message) at `first`: an
// error the function caught keeps its sentence where it is one of ours.
Result<EventOutcome> eventOutcomeOf(const pqxx::row &row, int first)
{
    if (!row[first + 1].is_null()) {
        const std::string state = row[first + 1].as<std::string>();
        const QString message = text(row[first + 2]);
        if (auto refusal = functionRefusal(state, message))
            return *refusal;
        return Error::internal(u"The database could not apply the event (SQLSTATE %1): %2"_s.arg(QString::fromStdString(state), message));
    }
    const auto outcome = eventOutcomeFromString(text(row[first]));
    if (!outcome)
        return Error::internal(u"The database answered an unknown webhook outcome: %1"_s.arg(text(row[first])));
    return *outcome;
}

// The offers the database priced for the order and what the shop asks at checkout, from the
// columns kCheckoutShippingColumns put at `first` of `row`.
constexpr const char *kCheckoutShippingColumns =
    "coalesce(o.shipping_offers, '[]')::text, o.stripe_tax, coalesce(array_to_string(s.ship_countries, ','), ''), "
    "coalesce(s.collect_phone, false)";

CheckoutShipping checkoutShippingFrom(const pqxx::row &row, int first, const QString &currency)
{
    CheckoutShipping shipping;
    for (const QJsonValue &value : QJsonDocument::fromJson(QByteArray::fromStdString(row[first].as<std::string>())).array()) {
        const QJsonObject offer = value.toObject();
        shipping.offers.append(ShippingOffer{shippingKindFromString(offer.value(u"kind"_s).toString()).value_or(ShippingKind::Flat),
                                             offer.value(u"label"_s).toString(),
                                             moneyOrZero(offer.value(u"amount_minor"_s).toInteger(), currency)});
    }
    shipping.providerTax = row[first + 1].as<bool>();
    shipping.countries = text(row[first + 2]).split(u',', Qt::SkipEmptyParts);
    shipping.collectPhone = row[first + 3].as<bool>();
    // An address is asked for only when something is shipped: a pickup-only shop asks none.
    const bool ships = std::any_of(shipping.offers.begin(), shipping.offers.end(),
                                   [](const ShippingOffer &offer) { return offer.kind != ShippingKind::Pickup; });
    if (!ships)
        shipping.countries.clear();
    return shipping;
}

// A release pass as rdk.checkout_place_order takes it: {"ticket": ...} or {"claim": ...}, or NULL.
std::optional<std::string> passJson(const ReleasePass &pass)
{
    if (pass.isEmpty())
        return std::nullopt;
    QJsonObject json;
    if (!pass.ticket.isEmpty())
        json.insert(u"ticket"_s, pass.ticket.left(200));
    if (!pass.claim.isEmpty())
        json.insert(u"claim"_s, pass.claim.left(64));
    return QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString();
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
                tx.exec_params1("SELECT rdk.checkout_place_order($1::jsonb, $2, $3, $4::jsonb)::text", compactJson(items),
                                orNull(cart.email), reservationMinutes, passJson(cart.pass))[0]
                    .as<std::string>();
            const auto order = tx.exec_params1(std::string("SELECT o.order_number, o.currency, "
                                                           "(extract(epoch from o.reserved_until) * 1000)::bigint, ")
                                                   + kOrderTotalsColumns + ", " + kCheckoutShippingColumns
                                                   + " FROM orders o LEFT JOIN shop_settings s ON s.tenant_id = o.tenant_id"
                                                     " WHERE o.id = $1::uuid",
                                               orderId);
            const QString currency = text(order[1]).trimmed();
            return PendingOrder{QString::fromStdString(orderId), order[0].as<qint64>(),
                                readOrderLines(tx, orderId, currency), totalsFrom(order, 3, currency),
                                QDateTime::fromMSecsSinceEpoch(order[2].as<qint64>(), Qt::UTC),
                                checkoutShippingFrom(order, 9, currency)};
        });
    });
}

Status PgCheckout::attachCheckoutSession(const QString &orderId, const QString &checkoutSessionId,
                                         const QStringList &shippingRateIds)
{
    const auto id = orderIdFromMetadata(orderId);
    if (!id)
        return Error::notFound(u"The order no longer exists."_s);
    return m_session.transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            tx.exec_params("SELECT rdk.checkout_attach_session($1::uuid, $2, $3::text[])", *id, str(checkoutSessionId),
                           textArray(shippingRateIds));
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
    auto outcomes = applyPaymentEvents({event});
    if (!outcomes)
        return outcomes.error();
    return outcomes->first();
}

Result<QList<Result<EventOutcome>>> PgCheckout::applyPaymentEvents(const QList<PaymentEvent> &events)
{
    QJsonArray list;
    for (const PaymentEvent &event : events)
        list.append(paymentEventJson(event));
    const std::string json = compactJson(list);
    // One round trip and one transaction for the lot (ADR 0028, 0031): the call is a lone
    // statement, which PostgreSQL runs in its own transaction, and the function sets the audit
    // reason of each change itself. Prepared once per connection (libpqxx prepares it on first
    // use; a new connection does it again).
    constexpr const char *kStatement = "rdk_apply_payment_events";
    return m_session.statement([&](pqxx::nontransaction &tx) -> Result<QList<Result<EventOutcome>>> {
        try {
            tx.conn().prepare(kStatement, "SELECT event_no, outcome, error_state, error_message "
                                          "FROM rdk.apply_payment_events($1::jsonb)");
            const pqxx::result rows = tx.exec_prepared(kStatement, json);
            QList<Result<EventOutcome>> outcomes(events.size(), Error::internal(u"The database did not answer for this event."_s));
            for (const auto &row : rows) {
                const int index = row[0].as<int>() - 1;
                if (index >= 0 && index < outcomes.size())
                    outcomes[index] = eventOutcomeOf(row, 1);
            }
            return outcomes;
        } catch (const pqxx::sql_error &e) {
            if (auto refusal = functionRefusal(e))
                return *refusal;
            throw;
        }
    });
}

Result<int> PgCheckout::releaseExpiredReservations()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<int> {
        return tx.exec1("SELECT rdk.release_expired_reservations()")[0].as<int>();
    });
}

} // namespace rdk::data

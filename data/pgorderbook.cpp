#include "data/pgorderbook.h"

#include "data/pgfunctionerror.h"
#include "data/pgmailrows.h"
#include "data/pgsessionpqxx.h"
#include "data/pgtaxrows.h"
#include "data/pgvalues.h"

#include "domain/orderlist.h"
#include "domain/ordertimeline.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUuid>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

// Every filter is a parameter; an unset one is NULL. Shop days are turned into instants with
// the tenant's own time zone, so "today" means the shop's today wherever the desk runs.
// rdk.current_tenant() is wrapped in a sub-select so it runs once per query (an InitPlan),
// not once per row: called bare it cost 3.5 s for the first page of 100,000 orders.
// $1 status, $2 channel, $3 from day, $4 to day (inclusive), $5 order number,
// $6 email LIKE pattern, $7 needs review only.
constexpr const char *OrderFilter =
    " FROM public.orders o "
    "WHERE o.tenant_id = (SELECT rdk.current_tenant()) "
    "  AND ($1::text IS NULL OR o.status = $1::text) "
    "  AND ($2::text IS NULL OR o.channel = $2::text) "
    "  AND ($3::date IS NULL OR o.created_at >= ($3::date::timestamp AT TIME ZONE "
    "       (SELECT t.timezone FROM public.tenants t WHERE t.id = (SELECT rdk.current_tenant())))) "
    "  AND ($4::date IS NULL OR o.created_at < (($4::date + 1)::timestamp AT TIME ZONE "
    "       (SELECT t.timezone FROM public.tenants t WHERE t.id = (SELECT rdk.current_tenant())))) "
    "  AND ($5::bigint IS NULL OR o.order_number = $5::bigint) "
    "  AND ($7::boolean IS FALSE OR o.needs_review) ";
// Roles that may read customer_email can search it; for the others the pattern must be NULL
// (the column is not even named, which the column privilege would refuse).
constexpr const char *EmailFilter = "  AND ($6::text IS NULL OR o.customer_email ILIKE '%' || $6::text || '%') ";
constexpr const char *NoEmailFilter = "  AND $6::text IS NULL ";

constexpr const char *SummaryColumns =
    "SELECT o.id::text, o.order_number, (extract(epoch FROM o.created_at) * 1000)::bigint, o.channel, o.status, "
    "       coalesce(o.payment_method, ''), "
    "       (SELECT coalesce(sum(i.quantity), 0) FROM public.order_items i WHERE i.order_id = o.id)::int, "
    "       o.currency, o.subtotal_minor, o.discount_minor, o.total_minor, o.refunded_minor, o.needs_review, o.tax_minor, ";

std::optional<std::string> dayOrNull(const std::optional<QDate> &day)
{
    return day ? std::optional<std::string>(str(day->toString(Qt::ISODate))) : std::nullopt;
}

bool emailReadable(pqxx::work &tx)
{
    return tx.exec1("SELECT has_column_privilege('public.orders', 'customer_email', 'SELECT')")[0].as<bool>();
}

bool tableReadable(pqxx::work &tx, const char *table)
{
    return tx.exec_params1("SELECT has_table_privilege($1::text, 'SELECT')", std::string(table))[0].as<bool>();
}

QString shopZone(pqxx::work &tx)
{
    const auto rows = tx.exec("SELECT timezone FROM public.tenants WHERE id = (SELECT rdk.current_tenant())");
    return rows.empty() ? QString() : text(rows[0][0]);
}

Money money(qint64 minor, const QString &currency)
{
    auto m = Money::of(minor, currency);
    return m ? m.value() : Money();
}

PaymentMethod paymentMethodOf(const QString &stored)
{
    if (stored == u"card")
        return PaymentMethod::Card;
    if (stored == u"cash")
        return PaymentMethod::Cash;
    return PaymentMethod::None;
}

// Columns 0..14 of SummaryColumns (14: the e-mail or NULL, appended by the caller).
OrderSummary summaryFrom(const pqxx::row &r)
{
    OrderSummary s;
    s.orderId = text(r[0]);
    s.orderNumber = r[1].as<long long>();
    s.createdAt = fromMillis(r[2]);
    s.channel = orderChannelFromString(text(r[3])).value_or(OrderChannel::Online);
    s.status = orderStatusFromString(text(r[4])).value_or(OrderStatus::Pending);
    s.paymentMethod = paymentMethodOf(text(r[5]));
    s.units = r[6].as<int>();
    const QString currency = text(r[7]);
    s.subtotal = money(r[8].as<long long>(), currency);
    s.discount = money(r[9].as<long long>(), currency);
    s.total = money(r[10].as<long long>(), currency);
    s.refunded = money(r[11].as<long long>(), currency);
    s.needsReview = r[12].as<bool>();
    s.tax = money(r[13].as<long long>(), currency);
    s.customerEmail = text(r[14]);
    return s;
}

struct Filter final {
    OrderQuery query;
    OrderSearch search;
};

Result<Filter> checkedFilter(const OrderQuery &raw)
{
    auto query = validateOrderQuery(raw);
    if (!query)
        return query.error();
    auto search = parseOrderSearch(query->search);
    if (!search)
        return search.error();
    return Filter{query.value(), search.value()};
}

Error emailSearchRefused()
{
    return Error::forbidden(u"Only ops and admins can search by email. Search by order number, e.g. RDK-1001."_s);
}

Result<QString> checkedOrderId(const QString &orderId)
{
    const QUuid id = QUuid::fromString(orderId.trimmed());
    if (id.isNull())
        return Error::invalid(u"That is not an order id."_s, u"orderId"_s);
    return id.toString(QUuid::WithoutBraces);
}

// The order functions raise sentences written for staff; functionRefusal keeps them. The
// status trigger's own wording only shows when the order moved between checkMove and the
// function (another desk was faster): say that instead.
std::optional<Error> orderFunctionError(const pqxx::sql_error &e)
{
    if (QString::fromUtf8(e.what()).contains(u"illegal order status transition"_s))
        return Error::conflict(u"The order changed meanwhile; reload it and try again."_s);
    return functionRefusal(e);
}

template <typename Work>
auto runOrderWork(PgSession &session, Work &&work) -> std::invoke_result_t<Work, pqxx::work &>
{
    using R = std::invoke_result_t<Work, pqxx::work &>;
    return session.transact([&](pqxx::work &tx) -> R {
        try {
            return work(tx);
        } catch (const pqxx::sql_error &e) {
            if (auto error = orderFunctionError(e))
                return R(*error);
            throw;  // PgSession::transact translates the rest
        }
    });
}

// The state machine's sentence before the round trip to the function ("A pending order
// can't be marked shipped."), so staff read ours rather than the trigger's.
Status checkMove(pqxx::work &tx, const QString &orderId, OrderStatus to)
{
    const auto rows = tx.exec_params("SELECT status FROM public.orders WHERE id = $1::uuid", str(orderId));
    if (rows.empty())
        return Error::notFound(u"No such order in this shop."_s);
    const auto from = orderStatusFromString(text(rows[0][0]));
    if (!from)
        return Error::internal(u"The order has an unknown status."_s);
    return checkTransition(*from, to);
}

void readLines(pqxx::work &tx, OrderDetail &d)
{
    const QString currency = d.summary.total.currency();
    const auto rows = tx.exec_params(
        "SELECT i.id, i.product_id::text, i.sku, i.name, coalesce(i.size, ''), i.quantity, i.unit_price_minor, "
        "       i.discount_minor, i.refunded_quantity, i.restocked_quantity, i.tax_minor "
        "  FROM public.order_items i WHERE i.order_id = $1::uuid ORDER BY i.id",
        str(d.summary.orderId));
    for (const auto &r : rows) {
        OrderDetailLine line;
        line.itemId = r[0].as<long long>();
        line.line.productId = text(r[1]);
        line.line.sku = text(r[2]);
        line.line.name = text(r[3]);
        line.line.size = text(r[4]);
        line.line.quantity = r[5].as<int>();
        line.line.unitPrice = money(r[6].as<long long>(), currency);
        line.line.discount = money(r[7].as<long long>(), currency);
        line.refundedQuantity = r[8].as<int>();
        line.restockedQuantity = r[9].as<int>();
        line.line.tax = money(r[10].as<long long>(), currency);
        d.lines.append(line);
    }
}

RefundRequestState refundStateOf(const QString &stored)
{
    if (stored == u"working")
        return RefundRequestState::Working;
    if (stored == u"done")
        return RefundRequestState::Done;
    if (stored == u"failed")
        return RefundRequestState::Failed;
    return RefundRequestState::Queued;
}

void readRefunds(pqxx::work &tx, OrderDetail &d)
{
    if (!tableReadable(tx, "public.stripe_requests"))
        return;
    const auto rows = tx.exec_params(
        "SELECT r.id, coalesce(r.amount_minor, (r.result->>'amount')::bigint, 0), r.state, "
        "       coalesce(r.result->>'refund_id', ''), coalesce(r.error, ''), coalesce(r.requested_by::text, ''), "
        "       (extract(epoch FROM r.created_at) * 1000)::bigint, coalesce(r.reason, '') "
        "  FROM public.stripe_requests r WHERE r.order_id = $1::uuid AND r.kind = 'refund' ORDER BY r.id",
        str(d.summary.orderId));
    for (const auto &r : rows) {
        RefundRequestInfo info;
        info.requestId = r[0].as<long long>();
        info.amount = money(r[1].as<long long>(), d.summary.total.currency());
        info.state = refundStateOf(text(r[2]));
        info.stripeRefundId = text(r[3]);
        info.error = text(r[4]);
        info.requestedBy = text(r[5]);
        info.requestedAt = fromMillis(r[6]);
        info.reason = text(r[7]);
        d.refunds.append(info);
    }
}

QJsonObject jsonObject(const pqxx::field &f)
{
    return f.is_null() ? QJsonObject() : QJsonDocument::fromJson(QByteArray::fromStdString(f.as<std::string>())).object();
}

// Every staff role reads an order's audit rows through rdk.order_timeline (audit_log itself
// is admin-only). Logins without it (the service) get the history the order row and its
// refund requests tell (orderTimelineFromFacts).
void readTimeline(pqxx::work &tx, OrderDetail &d, const QDateTime &fulfilledAt, const QDateTime &canceledAt)
{
    const bool canRead =
        tx.exec1("SELECT has_function_privilege('rdk.order_timeline(uuid)', 'EXECUTE') "
                 "       AND (SELECT rdk.current_staff_role()) IS NOT NULL")[0].as<bool>();
    if (!canRead) {
        d.timeline = orderTimelineFromFacts(d, fulfilledAt, canceledAt);
        return;
    }
    OrderTimelineEntry placed;
    placed.at = d.summary.createdAt;
    placed.action = u"created"_s;
    placed.summary = u"Order placed (%1)"_s.arg(displayName(d.summary.channel));
    const auto rows = tx.exec_params(
        "SELECT (extract(epoch FROM t.at) * 1000000)::bigint, t.actor, t.action, t.before::text, t.after::text, "
        "       coalesce(t.reason, '') "
        "  FROM rdk.order_timeline($1::uuid) t",
        str(d.summary.orderId));
    QList<AuditEntry> entries;
    qint64 sequence = 0;
    for (const auto &r : rows) {
        AuditEntry e;
        e.id = ++sequence;  // the function's order (time, then audit id) breaks ties
        e.atMicros = r[0].as<long long>();
        e.at = QDateTime::fromMSecsSinceEpoch(e.atMicros / 1000, Qt::UTC);
        e.actor = text(r[1]);
        e.action = text(r[2]);
        e.entity = u"order"_s;
        e.entityId = d.summary.orderId;
        e.before = jsonObject(r[3]);
        e.after = jsonObject(r[4]);
        e.reason = text(r[5]);
        entries.append(e);
    }
    d.timeline = QList<OrderTimelineEntry>{placed} + buildOrderTimeline(entries);
}

std::string restockJson(const QList<RestockLine> &restock)
{
    QJsonArray lines;
    for (const RestockLine &r : restock)
        lines.append(QJsonObject{{u"item_id"_s, double(r.itemId)}, {u"quantity"_s, r.quantity}});
    return QJsonDocument(lines).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

Result<OrderPage> PgOrderBook::list(const OrderQuery &raw)
{
    auto filter = checkedFilter(raw);
    if (!filter)
        return filter.error();
    const OrderQuery &q = filter->query;
    return m_session->transact([&](pqxx::work &tx) -> Result<OrderPage> {
        const bool withEmail = emailReadable(tx);
        if (!withEmail && !filter->search.emailPart.isEmpty())
            return emailSearchRefused();
        const std::string sql = std::string(SummaryColumns) + (withEmail ? "o.customer_email" : "NULL::text") + OrderFilter
                                + (withEmail ? EmailFilter : NoEmailFilter)
                                + "  AND ($8::bigint IS NULL OR o.order_number < $8::bigint) "
                                  "ORDER BY o.order_number DESC LIMIT $9";
        const auto rows = tx.exec_params(
            sql, q.status ? orNull(toString(*q.status)) : std::nullopt,
            q.channel ? orNull(toString(*q.channel)) : std::nullopt, dayOrNull(q.from), dayOrNull(q.to),
            filter->search.orderNumber ? std::optional<long long>(*filter->search.orderNumber) : std::nullopt,
            orNull(filter->search.emailLikePattern()), q.needsReviewOnly,
            q.beforeOrderNumber ? std::optional<long long>(*q.beforeOrderNumber) : std::nullopt, q.limit + 1);
        OrderPage page;
        page.shopTimeZone = shopZone(tx);
        for (const auto &r : rows) {
            if (page.items.size() == q.limit) {
                page.hasMore = true;
                break;
            }
            page.items.append(summaryFrom(r));
        }
        return page;
    });
}

Result<OrderListTotals> PgOrderBook::totals(const OrderQuery &raw)
{
    auto filter = checkedFilter(raw);
    if (!filter)
        return filter.error();
    const OrderQuery &q = filter->query;
    return m_session->transact([&](pqxx::work &tx) -> Result<OrderListTotals> {
        const bool withEmail = emailReadable(tx);
        if (!withEmail && !filter->search.emailPart.isEmpty())
            return emailSearchRefused();
        // Money counts only for orders that were paid (countsAsSale in domain/orderlist.h).
        const std::string sql =
            std::string("SELECT o.currency, count(*)::bigint, "
                        "       coalesce(sum(o.total_minor) FILTER (WHERE o.status IN "
                        "           ('paid', 'shipped', 'fulfilled', 'partially_refunded', 'refunded')), 0)::bigint, "
                        "       coalesce(sum(o.refunded_minor), 0)::bigint ")
            + OrderFilter + (withEmail ? EmailFilter : NoEmailFilter) + " GROUP BY o.currency ORDER BY o.currency";
        const auto rows = tx.exec_params(
            sql, q.status ? orNull(toString(*q.status)) : std::nullopt,
            q.channel ? orNull(toString(*q.channel)) : std::nullopt, dayOrNull(q.from), dayOrNull(q.to),
            filter->search.orderNumber ? std::optional<long long>(*filter->search.orderNumber) : std::nullopt,
            orNull(filter->search.emailLikePattern()), q.needsReviewOnly);
        OrderListTotals totals;
        for (const auto &r : rows) {
            const QString currency = text(r[0]);
            totals.count += int(r[1].as<long long>());
            totals.total.append(money(r[2].as<long long>(), currency));
            totals.refunded.append(money(r[3].as<long long>(), currency));
        }
        return totals;
    });
}

Result<OrderDetail> PgOrderBook::detail(const QString &rawId)
{
    auto orderId = checkedOrderId(rawId);
    if (!orderId)
        return orderId.error();
    return m_session->transact([&](pqxx::work &tx) -> Result<OrderDetail> {
        const bool withEmail = emailReadable(tx);
        const std::string sql =
            std::string(SummaryColumns) + (withEmail ? "o.customer_email" : "NULL::text")
            + ", o.shipping_minor, o.fee_minor, o.tax_minor, coalesce(o.discount_reason, ''), "
              "  coalesce(o.review_reason, ''), o.stripe_checkout_session_id, o.stripe_payment_link_id, "
              "  o.stripe_payment_intent_id, o.stripe_charge_id, o.carrier, o.tracking_number, "
              "  (extract(epoch FROM o.paid_at) * 1000)::bigint, (extract(epoch FROM o.fulfilled_at) * 1000)::bigint, "
              "  (extract(epoch FROM o.canceled_at) * 1000)::bigint, "
              "  coalesce(o.fulfillment, ''), coalesce(o.shipping_method, ''), "
              "  (extract(epoch FROM o.ready_for_pickup_at) * 1000)::bigint "
              " FROM public.orders o WHERE o.id = $1::uuid AND o.tenant_id = (SELECT rdk.current_tenant())";
        const auto rows = tx.exec_params(sql, str(*orderId));
        if (rows.empty())
            return Error::notFound(u"No such order in this shop."_s);
        const pqxx::row r = rows[0];
        OrderDetail d;
        d.summary = summaryFrom(r);
        d.emailVisible = withEmail;
        const QString currency = d.summary.total.currency();
        d.totals.subtotal = d.summary.subtotal;
        d.totals.discount = d.summary.discount;
        d.totals.total = d.summary.total;
        d.totals.shipping = money(r[15].as<long long>(), currency);
        d.totals.fee = money(r[16].as<long long>(), currency);
        d.totals.tax = money(r[17].as<long long>(), currency);
        d.discountReason = text(r[18]);
        d.reviewReason = text(r[19]);
        d.stripeCheckoutSessionId = text(r[20]);
        d.stripePaymentLinkId = text(r[21]);
        d.stripePaymentIntentId = text(r[22]);
        d.stripeChargeId = text(r[23]);
        d.carrier = text(r[24]);
        d.trackingNumber = text(r[25]);
        d.paidAt = fromMillis(r[26]);
        d.summary.fulfillment = fulfillmentFromString(text(r[29])).value_or(Fulfillment::Unknown);
        d.shippingMethod = text(r[30]);
        d.readyForPickupAt = fromMillis(r[31]);
        d.summary.readyForPickup = d.readyForPickupAt.isValid();
        readLines(tx, d);
        readOrderTaxes(tx, str(*orderId), currency, d.totals);
        readRefunds(tx, d);
        d.mails = readOrderMails(tx, d.summary.orderId);
        readTimeline(tx, d, fromMillis(r[27]), fromMillis(r[28]));
        return d;
    });
}

Status PgOrderBook::markShipped(const QString &rawId, const QString &carrier, const QString &trackingNumber)
{
    auto orderId = checkedOrderId(rawId);
    if (!orderId)
        return orderId.error();
    auto shipment = validateShipment(carrier, trackingNumber);
    if (!shipment)
        return shipment.error();
    return runOrderWork(*m_session, [&](pqxx::work &tx) -> Status {
        if (Status s = checkMove(tx, *orderId, OrderStatus::Shipped); !s)
            return s;
        tx.exec_params("SELECT rdk.mark_order_shipped($1::uuid, $2, $3)", str(*orderId), str(shipment->carrier),
                       str(shipment->trackingNumber));
        return {};
    });
}

Status PgOrderBook::markFulfilled(const QString &rawId)
{
    auto orderId = checkedOrderId(rawId);
    if (!orderId)
        return orderId.error();
    return runOrderWork(*m_session, [&](pqxx::work &tx) -> Status {
        if (Status s = checkMove(tx, *orderId, OrderStatus::Fulfilled); !s)
            return s;
        tx.exec_params("SELECT rdk.mark_order_fulfilled($1::uuid)", str(*orderId));
        return {};
    });
}

Result<ShipTo> PgOrderBook::shipTo(const QString &rawId)
{
    auto orderId = checkedOrderId(rawId);
    if (!orderId)
        return orderId.error();
    return runOrderWork(*m_session, [&](pqxx::work &tx) -> Result<ShipTo> {
        // The shop's own address first: the function's refusal ends the transaction.
        const auto shop = tx.exec("SELECT s.shop_address FROM public.shop_settings s "
                                  " WHERE s.tenant_id = (SELECT rdk.current_tenant())");
        const auto row = tx.exec_params1("SELECT rdk.order_ship_to($1::uuid)::text", str(*orderId));
        const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(row[0].as<std::string>())).object();
        const QJsonObject address = json.value(u"address"_s).toObject();
        ShipTo to;
        to.name = address.value(u"name"_s).toString();
        for (const char *key : {"line1", "line2"})
            to.addressLines.append(address.value(QLatin1String(key)).toString());
        // "Brooklyn, NY 11201": city, then state and postal code, as most carriers print it.
        const QString city = address.value(u"city"_s).toString().trimmed();
        const QString region = QStringList{address.value(u"state"_s).toString().trimmed(),
                                           address.value(u"postal_code"_s).toString().trimmed()}
                                   .filter(QRegularExpression(u"."_s))
                                   .join(u' ');
        to.addressLines.append(QStringList{city, region}.filter(QRegularExpression(u"."_s)).join(u", "_s));
        to.addressLines.append(address.value(u"country"_s).toString());
        to.addressLines.removeAll(QString());
        to.phone = json.value(u"phone"_s).toString();
        to.method = json.value(u"method"_s).toString();
        to.fulfillment = fulfillmentFromString(json.value(u"fulfillment"_s).toString()).value_or(Fulfillment::Unknown);
        if (!shop.empty())
            to.shopAddress = text(shop[0][0]);
        return to;
    });
}

Status PgOrderBook::markReadyForPickup(const QString &rawId)
{
    auto orderId = checkedOrderId(rawId);
    if (!orderId)
        return orderId.error();
    return runOrderWork(*m_session, [&](pqxx::work &tx) -> Status {
        tx.exec_params("SELECT rdk.mark_ready_for_pickup($1::uuid)", str(*orderId));
        return {};
    });
}

Status PgOrderBook::cancel(const QString &rawId, const QString &rawReason)
{
    auto orderId = checkedOrderId(rawId);
    if (!orderId)
        return orderId.error();
    auto reason = validateOrderReason(rawReason);
    if (!reason)
        return reason.error();
    return runOrderWork(*m_session, [&](pqxx::work &tx) -> Status {
        if (Status s = checkMove(tx, *orderId, OrderStatus::Canceled); !s)
            return s;
        tx.exec_params("SELECT rdk.cancel_order($1::uuid, $2)", str(*orderId), str(*reason));
        return {};
    });
}

Result<qint64> PgOrderBook::requestRefund(const RefundRequest &request)
{
    auto orderId = checkedOrderId(request.orderId);
    if (!orderId)
        return orderId.error();
    auto reason = validateOrderReason(request.reason);
    if (!reason)
        return reason.error();
    if (request.amount && request.amount->minor() <= 0)
        return Error::invalid(u"The refund amount must be above zero."_s, u"amount"_s);
    for (const RestockLine &r : request.restock) {
        if (r.quantity < 1 || r.quantity > MaxLineQuantity)
            return Error::invalid(u"Units back to stock must be between 1 and %1 per line."_s.arg(MaxLineQuantity),
                                  u"restock"_s);
    }
    return runOrderWork(*m_session, [&](pqxx::work &tx) -> Result<qint64> {
        if (Status s = checkMove(tx, *orderId, OrderStatus::PartiallyRefunded); !s)
            return s.error();
        const auto r = tx.exec_params1(
            "SELECT rdk.request_refund($1::uuid, $2::bigint, $3::jsonb, $4)", str(*orderId),
            request.amount ? std::optional<long long>(request.amount->minor()) : std::nullopt,
            restockJson(request.restock), str(*reason));
        return qint64(r[0].as<long long>());
    });
}

} // namespace rdk::data

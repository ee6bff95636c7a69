#include "data/pgreturns.h"

#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {

Result<ReturnableOrder> PgReturns::findOrder(qint64 orderNumber)
{
    if (orderNumber <= 0)
        return Error::invalid(u"That is not an order number."_s);
    return m_session->transact([&](pqxx::work &tx) -> Result<ReturnableOrder> {
        const auto rows = tx.exec_params(
            "SELECT o.id::text, o.order_number, o.status, coalesce(o.payment_method, "
            "       CASE WHEN coalesce(o.stripe_payment_intent_id, o.stripe_charge_id) IS NOT NULL THEN 'card' END), "
            "       btrim(o.currency), o.total_minor, o.shipping_minor, "
            "       o.total_minor - greatest(o.refunded_minor, "
            "           coalesce((SELECT sum(s.amount_minor) FROM stripe_requests s "
            "                      WHERE s.order_id = o.id AND s.kind = 'refund' AND s.state = 'done'), 0)) "
            "         - coalesce((SELECT sum(s.amount_minor) FROM stripe_requests s "
            "                      WHERE s.order_id = o.id AND s.kind = 'refund' AND s.state IN ('queued', 'working')), 0) "
            "         - o.credited_minor, "
            "       (extract(epoch FROM coalesce(o.paid_at, o.created_at)) * 1000)::bigint "
            "  FROM orders o WHERE o.order_number = $1",
            static_cast<long long>(orderNumber));
        if (rows.empty())
            return Error::notFound(u"No order RDK-%1 in this shop."_s.arg(orderNumber));
        const auto &r = rows[0];
        ReturnableOrder order;
        order.orderId = text(r[0]);
        order.orderNumber = r[1].as<long long>();
        order.status = text(r[2]);
        order.paymentMethod = text(r[3]);
        order.currency = text(r[4]);
        order.totalMinor = r[5].as<long long>();
        order.shippingMinor = r[6].as<long long>();
        order.leftToRefundMinor = r[7].as<long long>();
        order.paidAt = fromMillis(r[8]);
        const auto lines = tx.exec_params(
            "SELECT i.id, i.sku, i.name, coalesce(i.size, ''), i.quantity, i.returned_quantity, "
            "       i.restocked_quantity "
            "         - coalesce((SELECT sum(rl.quantity) FROM return_lines rl WHERE rl.order_item_id = i.id AND rl.restock), 0) "
            "         + coalesce((SELECT sum((l ->> 'quantity')::integer) "
            "                       FROM stripe_requests s, jsonb_array_elements(s.restock) AS l "
            "                      WHERE s.order_id = i.order_id AND s.kind = 'refund' AND s.state IN ('queued', 'working') "
            "                        AND (l ->> 'item_id')::bigint = i.id), 0), "
            "       i.line_total_minor "
            "  FROM order_items i WHERE i.order_id = $1::uuid ORDER BY i.id",
            str(order.orderId));
        for (const auto &l : lines) {
            ReturnableLine line;
            line.itemId = l[0].as<long long>();
            line.sku = text(l[1]);
            line.name = text(l[2]);
            line.size = text(l[3]);
            line.quantity = l[4].as<int>();
            line.returned = l[5].as<int>();
            line.backOtherwise = l[6].as<int>();
            line.lineTotalMinor = l[7].as<long long>();
            order.lines.append(line);
        }
        returns::computeLineShares(order);
        return order;
    });
}

Result<ReturnPolicy> PgReturns::policy()
{
    return m_session->transact([&](pqxx::work &tx) -> Result<ReturnPolicy> {
        const auto rows = tx.exec("SELECT return_window_days, staff_return_limit_minor FROM tenants "
                                  "WHERE id = rdk.current_tenant()");
        if (rows.empty())
            return Error::forbidden(u"Sign in with a staff account of this shop first."_s);
        ReturnPolicy p;
        if (!rows[0][0].is_null())
            p.windowDays = rows[0][0].as<int>();
        if (!rows[0][1].is_null())
            p.staffLimitMinor = rows[0][1].as<long long>();
        return p;
    });
}

namespace {

std::optional<std::string> orderIdParam(const QString &orderId)
{
    const QUuid id = QUuid::fromString(orderId.trimmed());
    if (id.isNull() || orderId.size() > 64)
        return std::nullopt;
    return id.toString(QUuid::WithoutBraces).toStdString();
}

std::string returnLinesJson(const QList<ReturnLineRequest> &lines)
{
    QJsonArray json;
    for (const auto &l : lines)
        json.append(QJsonObject{{u"item_id"_s, l.itemId}, {u"quantity"_s, l.quantity}, {u"restock"_s, l.restock}});
    return QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString();
}

std::optional<Error> reasonError(const QString &reason)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(u"Give a reason."_s, u"reason"_s);
    if (reason.trimmed().size() > 200)
        return Error::invalid(u"The reason must be at most 200 characters."_s, u"reason"_s);
    return std::nullopt;
}

} // namespace

Result<ExchangeResult> PgReturns::submitExchange(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                                 const QList<ExchangeItem> &items, const QString &reason, int linkMinutes)
{
    const auto id = orderIdParam(orderId);
    if (!id)
        return Error::notFound(u"The order no longer exists."_s);
    if (auto bad = reasonError(reason))
        return *bad;
    if (items.isEmpty() || items.size() > 100)
        return Error::invalid(u"Scan the new items of the exchange first."_s);
    QJsonArray newLines;
    for (const auto &item : items) {
        QJsonObject object{{u"sku"_s, item.sku.trimmed().toUpper()}, {u"quantity"_s, item.quantity}};
        if (!item.size.isEmpty())
            object.insert(u"size"_s, item.size);
        newLines.append(object);
    }
    const std::string newJson = QJsonDocument(newLines).toJson(QJsonDocument::Compact).toStdString();
    return m_session->transact([&](pqxx::work &tx) -> Result<ExchangeResult> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<ExchangeResult> {
            const auto r = tx.exec_params1(
                "SELECT x.return_id::text, x.new_order_id::text, x.credit_minor, x.due_minor, x.refund_minor "
                "  FROM rdk.pos_exchange($1::uuid, $2::jsonb, $3::jsonb, $4, $5) x",
                *id, returnLinesJson(lines), newJson, str(reason.trimmed()), linkMinutes);
            // A second statement: the first one's snapshot does not see the return it wrote.
            const auto ret = tx.exec_params1("SELECT btrim(currency), method, refund_minor FROM returns WHERE id = $1::uuid",
                                             r[0].as<std::string>());
            const QString currency = text(ret[0]);
            const auto money = [&](int column) { return Money::of(r[column].as<long long>(), currency); };
            const auto credit = money(2), due = money(3), refund = money(4);
            const auto returned = Money::of(ret[2].as<long long>(), currency);
            if (!credit || !due || !refund || !returned)
                return Error::internal(u"The exchange's amounts could not be read."_s);
            return ExchangeResult{text(r[0]), text(r[1]), *returned, *credit, *due, *refund, text(ret[1])};
        });
    });
}

Result<ReturnReceipt> PgReturns::submitReturn(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                              const QString &reason)
{
    const auto id = orderIdParam(orderId);
    if (!id)
        return Error::notFound(u"The order no longer exists."_s);
    if (auto bad = reasonError(reason))
        return *bad;
    const std::string payload = returnLinesJson(lines);
    return m_session->transact([&](pqxx::work &tx) -> Result<ReturnReceipt> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<ReturnReceipt> {
            const auto r = tx.exec_params1(
                "SELECT x.return_id::text, x.refund_minor, x.method, btrim(o.currency) "
                "  FROM rdk.pos_return($1::uuid, $2::jsonb, $3) x JOIN orders o ON o.id = $1::uuid",
                *id, payload, str(reason.trimmed()));
            ReturnReceipt receipt;
            receipt.returnId = text(r[0]);
            const auto refund = Money::of(r[1].as<long long>(), text(r[3]));
            if (!refund)
                return refund.error();
            receipt.refund = refund.value();
            receipt.method = text(r[2]);
            return receipt;
        });
    });
}

} // namespace rdk::data

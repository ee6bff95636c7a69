#include "data/pgstriperequestqueue.h"

#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {

Result<QList<StripeRequestRow>> PgStripeRequestQueue::claim(int limit)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<StripeRequestRow>> {
        QList<StripeRequestRow> rows;
        for (const auto &r : tx.exec_params("SELECT id, tenant_id::text, order_id::text, kind, amount_minor, attempts "
                                            "FROM rdk.claim_stripe_requests($1) ORDER BY id",
                                            std::max(0, limit))) {
            StripeRequestRow row;
            row.id = r[0].as<qint64>();
            row.tenantId = text(r[1]);
            row.orderId = text(r[2]);
            row.kind = text(r[3]);
            if (!r[4].is_null())
                row.amountMinor = r[4].as<qint64>();
            row.attempts = r[5].is_null() ? 1 : r[5].as<int>();
            rows.append(row);
        }
        return rows;
    });
}

Result<std::optional<StripeRequestOrder>> PgStripeRequestQueue::order(const QString &orderId)
{
    static const QRegularExpression uuid(u"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"_s);
    if (!uuid.match(orderId).hasMatch())
        return std::optional<StripeRequestOrder>();
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<StripeRequestOrder>> {
        const auto rows = tx.exec_params("SELECT order_number, channel, status, currency, total_minor, discount_minor, "
                                         "coalesce(stripe_payment_link_id, ''), coalesce(stripe_payment_intent_id, '') "
                                         "FROM orders WHERE id = $1::uuid",
                                         str(orderId));
        if (rows.empty())
            return std::optional<StripeRequestOrder>();
        StripeRequestOrder o;
        o.orderId = orderId;
        o.orderNumber = rows[0][0].as<qint64>();
        const auto channel = orderChannelFromString(text(rows[0][1]));
        const auto status = orderStatusFromString(text(rows[0][2]));
        if (!channel || !status)
            return Error::internal(u"The order has a channel or status this version of rdk-sync does not know."_s);
        o.channel = *channel;
        o.status = *status;
        o.currency = text(rows[0][3]).trimmed();
        o.totalMinor = rows[0][4].as<qint64>();
        o.discountMinor = rows[0][5].as<qint64>();
        o.paymentLinkId = text(rows[0][6]);
        o.paymentIntentId = text(rows[0][7]);
        for (const auto &r : tx.exec_params("SELECT name, coalesce(size, ''), quantity, unit_price_minor, discount_minor, "
                                            "line_total_minor FROM order_items WHERE order_id = $1::uuid ORDER BY id",
                                            str(orderId)))
            o.lines.append({text(r[0]), text(r[1]), r[2].as<int>(), r[3].as<qint64>(), r[4].as<qint64>(), r[5].as<qint64>()});
        return std::optional<StripeRequestOrder>(o);
    });
}

Status PgStripeRequestQueue::finish(qint64 requestId, bool ok, const QJsonObject &result, const QString &error)
{
    const std::string json = result.isEmpty() ? std::string() : QJsonDocument(result).toJson(QJsonDocument::Compact).toStdString();
    return m_session.transact([&](pqxx::work &tx) -> Status {
        tx.exec_params("SELECT rdk.finish_stripe_request($1, $2, nullif($3, '')::jsonb, nullif($4, ''))", requestId, ok, json,
                       str(error));
        return {};
    });
}

} // namespace rdk::data

#include "data/pgstriperequestqueue.h"

#include "data/pgsessionpqxx.h"

#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {

namespace {

/// An amount of the order's currency, as the database stores it; the schema guarantees the
/// currency's shape, so a failure here means this rdk-sync and the schema disagree.
Result<Money> money(const pqxx::field &minor, const QString &currency)
{
    auto amount = Money::of(minor.as<qint64>(), currency);
    if (!amount)
        return Error::internal(u"An order has an amount in a currency this version of rdk-sync can't read (%1)."_s
                                   .arg(currency.left(8)));
    return amount;
}

} // namespace

Result<QList<StripeRequestRow>> PgStripeRequestQueue::claim(int limit, const QString &claimer)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<StripeRequestRow>> {
        QList<StripeRequestRow> rows;
        QList<qint64> amounts;   // minor units of each row's amount, or -1 for none
        for (const auto &r : tx.exec_params("SELECT id, tenant_id::text, order_id::text, kind, amount_minor, attempts "
                                            "FROM rdk.claim_stripe_requests($1, $2) ORDER BY id",
                                            std::max(0, limit), str(claimer))) {
            StripeRequestRow row;
            row.id = r[0].as<qint64>();
            row.tenantId = text(r[1]);
            row.orderId = text(r[2]);
            row.kind = text(r[3]);
            row.attempts = r[5].is_null() ? 1 : r[5].as<int>();
            rows.append(row);
            amounts.append(r[4].is_null() ? -1 : r[4].as<qint64>());
        }
        // An amount is in its order's currency. Read in a statement of its own: one that also
        // called the claim would see the orders as they were before the claim's own snapshot,
        // and miss the order of a request committed in between.
        QStringList orderIds;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (amounts[i] >= 0)
                orderIds.append(rows[i].orderId);
        }
        if (orderIds.isEmpty())
            return rows;
        QHash<QString, QString> currencies;
        for (const auto &r : tx.exec_params("SELECT id::text, currency FROM orders WHERE id = ANY($1::uuid[])",
                                            textArray(orderIds)))
            currencies.insert(text(r[0]), text(r[1]).trimmed());
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (amounts[i] < 0)
                continue;
            // The foreign key keeps a request in its order's shop, which this login reads.
            auto amount = Money::of(amounts[i], currencies.value(rows[i].orderId));
            if (!amount)
                return Error::internal(u"Stripe request %1 has an amount, but its order's currency can't be read."_s
                                           .arg(rows[i].id));
            rows[i].amount = *amount;
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
        const auto rows = tx.exec_params("SELECT order_number, channel, status, currency, total_minor - credit_minor, discount_minor, "
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
        const QString currency = text(rows[0][3]).trimmed();
        const auto total = money(rows[0][4], currency);
        const auto discount = money(rows[0][5], currency);
        if (!total)
            return total.error();
        if (!discount)
            return discount.error();
        o.total = *total;
        o.discount = *discount;
        o.paymentLinkId = text(rows[0][6]);
        o.paymentIntentId = text(rows[0][7]);
        for (const auto &r : tx.exec_params("SELECT name, coalesce(size, ''), quantity, unit_price_minor, discount_minor, "
                                            "line_total_minor FROM order_items WHERE order_id = $1::uuid ORDER BY id",
                                            str(orderId))) {
            const auto unitPrice = money(r[3], currency);
            const auto lineDiscount = money(r[4], currency);
            const auto lineTotal = money(r[5], currency);
            if (!unitPrice || !lineDiscount || !lineTotal)
                return Error::internal(u"An order line has an amount this version of rdk-sync can't read."_s);
            o.lines.append({text(r[0]), text(r[1]), r[2].as<int>(), *unitPrice, *lineDiscount, *lineTotal});
        }
        return std::optional<StripeRequestOrder>(o);
    });
}

Result<QList<qint64>> PgStripeRequestQueue::renew(const QList<qint64> &requestIds, const QString &claimer)
{
    if (requestIds.isEmpty())
        return QList<qint64>();
    QStringList ids;
    for (qint64 id : requestIds)
        ids.append(QString::number(id));
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<qint64>> {
        QList<qint64> renewed;
        for (const auto &r : tx.exec_params("SELECT id FROM rdk.renew_stripe_requests($1::bigint[], $2) AS id",
                                            textArray(ids), str(claimer)))
            renewed.append(r[0].as<qint64>());
        return renewed;
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

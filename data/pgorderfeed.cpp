#include "data/pgorderfeed.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

constexpr qsizetype kMaxPayload = 8000;  // PostgreSQL's own limit is 8000 bytes

// An order id as the database writes it, or empty.
QString orderIdOf(const QJsonObject &o)
{
    const QString id = o.value(u"order_id"_s).toString();
    if (id.size() != 36 || QUuid::fromString(id).isNull())
        return {};
    return id;
}

} // namespace

PgOrderFeed::PgOrderFeed(Connector connector, std::string connectionString, QString tenantId, QObject *parent)
    : OrderChangeFeed(parent), m_tenantId(std::move(tenantId)),
      m_listener(new PgListener(std::move(connector), std::move(connectionString), {"rdk_orders", "rdk_stripe_requests"},
                                u"order changes"_s, this))
{
    connect(m_listener, &PgListener::notification, this, &PgOrderFeed::handle);
    connect(m_listener, &PgListener::connectionChanged, this, &OrderChangeFeed::connectionChanged);
}

PgOrderFeed::PgOrderFeed(Connector connector, QString tenantId, QObject *parent)
    : PgOrderFeed(std::move(connector), {}, std::move(tenantId), parent)
{
}

PgOrderFeed::PgOrderFeed(std::string connectionString, QString tenantId, QObject *parent)
    : PgOrderFeed(Connector{}, std::move(connectionString), std::move(tenantId), parent)
{
}

PgOrderFeed::~PgOrderFeed() = default;

void PgOrderFeed::handle(const QString &channel, const QByteArray &payload)
{
    if (payload.size() > kMaxPayload || m_tenantId.isEmpty())
        return;
    const QJsonObject o = QJsonDocument::fromJson(payload).object();
    if (o.value(u"tenant"_s).toString() != m_tenantId)
        return;
    const QString orderId = orderIdOf(o);
    if (orderId.isEmpty())
        return;
    if (channel == u"rdk_orders"_s) {
        const QString status = o.value(u"status"_s).toString();
        if (orderStatusFromString(status))
            Q_EMIT orderChanged(orderId, status);
    } else if (channel == u"rdk_stripe_requests"_s) {
        Q_EMIT paymentWorkChanged(orderId);
    }
}

} // namespace rdk::data

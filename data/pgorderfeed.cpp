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

PgOrderFeed::PgOrderFeed(Connector connector, std::string connectionString, QObject *parent)
    : OrderChangeFeed(parent),
      m_listener(new PgListener(std::move(connector), std::move(connectionString), {"orders", "stripe_requests"},
                                u"order changes"_s, this))
{
    connect(m_listener, &PgListener::notification, this, &PgOrderFeed::handle);
    connect(m_listener, &PgListener::connectionChanged, this, &OrderChangeFeed::connectionChanged);
}

PgOrderFeed::PgOrderFeed(Connector connector, QObject *parent) : PgOrderFeed(std::move(connector), {}, parent) {}

PgOrderFeed::PgOrderFeed(std::string connectionString, QObject *parent)
    : PgOrderFeed(Connector{}, std::move(connectionString), parent)
{
}

PgOrderFeed::~PgOrderFeed() = default;

void PgOrderFeed::handle(const QString &kind, const QByteArray &payload)
{
    if (payload.size() > kMaxPayload)
        return;
    // Only the order id is read: a status or anything else in a payload is never believed.
    const QString orderId = orderIdOf(QJsonDocument::fromJson(payload).object());
    if (orderId.isEmpty())
        return;
    if (kind == u"orders"_s)
        Q_EMIT orderChanged(orderId);
    else if (kind == u"stripe_requests"_s)
        Q_EMIT paymentWorkChanged(orderId);
}

} // namespace rdk::data

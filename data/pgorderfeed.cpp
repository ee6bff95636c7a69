#include "data/pgorderfeed.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QUuid>

#include <algorithm>
#include <vector>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcOrderFeed, "rdk.orders.feed")

namespace rdk::data {
namespace {

class OrderFeedReceiver final : public pqxx::notification_receiver {
public:
    OrderFeedReceiver(pqxx::connection_base &connection, const std::string &channel, PgOrderFeed *owner)
        : pqxx::notification_receiver(connection, channel), m_owner(owner)
    {
    }
    void operator()(const std::string &payload, int) override
    {
        m_owner->handle(QString::fromStdString(channel()), QByteArray::fromStdString(payload));
    }

private:
    PgOrderFeed *m_owner;
};

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

struct PgOrderFeed::State {
    std::unique_ptr<PgSession> session;               // opened through the connector
    std::unique_ptr<pqxx::connection> ownConnection;  // opened from the connection string
    pqxx::connection *connection = nullptr;
    std::vector<std::unique_ptr<OrderFeedReceiver>> receivers;
    std::unique_ptr<QSocketNotifier> notifier;
};

PgOrderFeed::PgOrderFeed(std::string connectionString, QString tenantId, QObject *parent)
    : PgOrderFeed(Connector{}, std::move(tenantId), parent)
{
    m_connectionString = std::move(connectionString);
}

PgOrderFeed::PgOrderFeed(Connector connector, QString tenantId, QObject *parent)
    : OrderChangeFeed(parent), m_connector(std::move(connector)), m_tenantId(std::move(tenantId))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (!connectAndListen())
            scheduleRetry();
    });
    m_ping.setInterval(PingMs);
    connect(&m_ping, &QTimer::timeout, this, &PgOrderFeed::checkConnection);
}

PgOrderFeed::~PgOrderFeed() = default;

bool PgOrderFeed::start()
{
    if (connectAndListen())
        return true;
    scheduleRetry();
    return false;
}

bool PgOrderFeed::isListening() const
{
    return m_state && m_state->connection && m_state->connection->is_open();
}

int PgOrderFeed::backendPid() const
{
    return isListening() ? m_state->connection->backendpid() : 0;
}

void PgOrderFeed::scheduleRetry()
{
    m_retry.start(m_retryMs);
    m_retryMs = std::min(m_retryMs * 2, MaxRetryMs);
}

bool PgOrderFeed::connectAndListen()
{
    try {
        auto state = std::make_unique<State>();
        if (m_connector) {
            auto session = m_connector();
            if (!session)
                throw std::runtime_error(session.error().message.toStdString());
            state->session = std::move(session).value();
            state->connection = &state->session->connection();
        } else {
            state->ownConnection = std::make_unique<pqxx::connection>(m_connectionString);
            state->connection = state->ownConnection.get();
        }
        for (const char *channel : {"rdk_orders", "rdk_stripe_requests"})
            state->receivers.push_back(std::make_unique<OrderFeedReceiver>(*state->connection, channel, this));
        state->notifier = std::make_unique<QSocketNotifier>(state->connection->sock(), QSocketNotifier::Read);
        connect(state->notifier.get(), &QSocketNotifier::activated, this, &PgOrderFeed::drain);
        m_state = std::move(state);
    } catch (const std::exception &e) {
        qCWarning(lcOrderFeed).noquote() << "can't listen for order changes yet:" << QString::fromUtf8(e.what()).section(u'\n', 0, 0);
        m_state.reset();
        return false;
    }
    m_retryMs = FirstRetryMs;
    m_ping.start();
    m_reportedUp = true;
    Q_EMIT connectionChanged(true);
    return true;
}

void PgOrderFeed::drain()
{
    if (!m_state)
        return;
    try {
        m_state->connection->get_notifs();
        if (!m_state->connection->is_open())
            lost(u"connection closed"_s);
    } catch (const std::exception &e) {
        lost(QString::fromUtf8(e.what()).section(u'\n', 0, 0));
    }
}

void PgOrderFeed::checkConnection()
{
    if (!m_state)
        return;
    try {
        pqxx::nontransaction tx(*m_state->connection);
        tx.exec("SELECT 1");
        tx.commit();
        m_state->connection->get_notifs();  // anything that arrived during the ping
    } catch (const std::exception &e) {
        lost(QString::fromUtf8(e.what()).section(u'\n', 0, 0));
    }
}

void PgOrderFeed::lost(const QString &why)
{
    qCWarning(lcOrderFeed).noquote() << "order change feed lost:" << why;
    if (m_state && m_state->notifier)
        m_state->notifier->setEnabled(false);
    m_state.reset();
    m_ping.stop();
    if (m_reportedUp) {
        m_reportedUp = false;
        Q_EMIT connectionChanged(false);
    }
    scheduleRetry();
}

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

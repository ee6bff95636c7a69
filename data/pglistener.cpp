#include "data/pglistener.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcListener, "rdk.data.listen")

namespace rdk::data {
namespace {

class Receiver final : public pqxx::notification_receiver {
public:
    Receiver(pqxx::connection_base &connection, const std::string &channel, PgListener *owner)
        : pqxx::notification_receiver(connection, channel), m_owner(owner)
    {
    }
    void operator()(const std::string &payload, int) override
    {
        Q_EMIT m_owner->notification(QString::fromStdString(channel()), QByteArray::fromStdString(payload));
    }

private:
    PgListener *m_owner;
};

QString firstLine(const std::exception &e)
{
    return QString::fromUtf8(e.what()).section(u'\n', 0, 0);
}

} // namespace

struct PgListener::State {
    std::unique_ptr<PgSession> session;               // opened through the connector
    std::unique_ptr<pqxx::connection> ownConnection;  // opened from the connection string
    pqxx::connection *connection = nullptr;
    std::vector<std::unique_ptr<Receiver>> receivers;
    std::unique_ptr<QSocketNotifier> notifier;
};

PgListener::PgListener(Connector connector, std::string connectionString, std::vector<std::string> channels, QString what,
                       QObject *parent)
    : QObject(parent), m_connector(std::move(connector)), m_connectionString(std::move(connectionString)),
      m_channels(std::move(channels)), m_what(std::move(what))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        if (!connectAndListen())
            scheduleRetry();
    });
    m_ping.setInterval(PingMs);
    connect(&m_ping, &QTimer::timeout, this, &PgListener::checkConnection);
}

PgListener::~PgListener() = default;

bool PgListener::start()
{
    if (connectAndListen())
        return true;
    scheduleRetry();
    return false;
}

bool PgListener::isListening() const
{
    return m_state && m_state->connection && m_state->connection->is_open();
}

int PgListener::backendPid() const
{
    return isListening() ? m_state->connection->backendpid() : 0;
}

void PgListener::scheduleRetry()
{
    m_retry.start(m_retryMs);
    m_retryMs = std::min(m_retryMs * 2, MaxRetryMs);
}

bool PgListener::connectAndListen()
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
        for (const std::string &channel : m_channels)
            state->receivers.push_back(std::make_unique<Receiver>(*state->connection, channel, this));
        state->notifier = std::make_unique<QSocketNotifier>(state->connection->sock(), QSocketNotifier::Read);
        connect(state->notifier.get(), &QSocketNotifier::activated, this, &PgListener::drain);
        m_state = std::move(state);
    } catch (const std::exception &e) {
        qCWarning(lcListener).noquote() << "can't listen for" << m_what << "yet:" << firstLine(e);
        m_state.reset();
        return false;
    }
    m_retryMs = FirstRetryMs;
    m_ping.start();
    m_reportedUp = true;
    Q_EMIT connectionChanged(true);
    return true;
}

void PgListener::drain()
{
    if (!m_state)
        return;
    try {
        m_state->connection->get_notifs();
        if (!m_state->connection->is_open())
            lost(u"connection closed"_s);
    } catch (const std::exception &e) {
        lost(firstLine(e));
    }
}

void PgListener::checkConnection()
{
    if (!m_state)
        return;
    try {
        pqxx::nontransaction tx(*m_state->connection);
        tx.exec("SELECT 1");
        tx.commit();
        m_state->connection->get_notifs();  // anything that arrived during the ping
    } catch (const std::exception &e) {
        lost(firstLine(e));
    }
}

void PgListener::lost(const QString &why)
{
    qCWarning(lcListener).noquote() << "lost the feed of" << m_what << ":" << why;
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

} // namespace rdk::data

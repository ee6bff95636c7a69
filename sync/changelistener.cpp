#include "sync/changelistener.h"

#include "data/pglistener.h"
#include "data/pgsession.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcListen, "rdk.sync.listen")

namespace rdk::sync {
namespace {

class Receiver final : public pqxx::notification_receiver {
public:
    Receiver(pqxx::connection_base &connection, const std::string &channel, QString kind, ChangeListener *owner)
        : pqxx::notification_receiver(connection, channel), m_kind(std::move(kind)), m_owner(owner)
    {
    }
    void operator()(const std::string &payload, int) override
    {
        Q_EMIT m_owner->notified(m_kind, QByteArray::fromStdString(payload));
    }

private:
    QString m_kind;
    ChangeListener *m_owner;
};

constexpr int kMaxBackoffMs = 5000;
constexpr int kHealthCheckMs = 5000;

} // namespace

struct ChangeListener::State {
    std::unique_ptr<data::PgSession> session;
    std::vector<std::unique_ptr<Receiver>> receivers;
    std::unique_ptr<QSocketNotifier> notifier;
};

ChangeListener::ChangeListener(std::string connectionString, QString tenantId, QStringList kinds, QObject *parent)
    : QObject(parent), m_connectionString(std::move(connectionString)), m_tenantId(std::move(tenantId)),
      m_kinds(std::move(kinds))
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, [this] {
        if (!connectAndListen())
            scheduleReconnect();
    });
    // A connection can die without its socket saying so right away (a server restart under
    // load); a cheap periodic check notices.
    m_healthTimer.setInterval(kHealthCheckMs);
    connect(&m_healthTimer, &QTimer::timeout, this, &ChangeListener::drain);
}

ChangeListener::~ChangeListener() = default;

bool ChangeListener::start()
{
    if (connectAndListen())
        return true;
    scheduleReconnect();
    return false;
}

bool ChangeListener::isListening() const
{
    return m_state && m_state->session && m_state->session->connection().is_open();
}

bool ChangeListener::connectAndListen()
{
    try {
        auto state = std::make_unique<State>();
        auto session = data::PgSession::open(m_connectionString, m_tenantId);
        if (!session)
            throw std::runtime_error(session.error().message.toStdString());
        state->session = std::move(session).value();
        pqxx::connection &connection = state->session->connection();
        // The channel names are the shop's secret; the database names them on every connect.
        for (const QString &kind : std::as_const(m_kinds)) {
            auto channel = data::privateChannel(*state->session, kind.toStdString());
            if (!channel)
                throw std::runtime_error(channel.error().message.toStdString());
            state->receivers.push_back(std::make_unique<Receiver>(connection, *channel, kind, this));
        }
        state->notifier = std::make_unique<QSocketNotifier>(connection.sock(), QSocketNotifier::Read);
        connect(state->notifier.get(), &QSocketNotifier::activated, this, &ChangeListener::drain);
        m_state = std::move(state);
    } catch (const std::exception &e) {
        qCWarning(lcListen).noquote() << "can't listen for changes yet:" << QString::fromUtf8(e.what()).section(u'\n', 0, 0);
        m_state.reset();
        return false;
    }
    m_backoffMs = 250;
    m_healthTimer.start();
    qCInfo(lcListen).noquote() << "listening for" << m_kinds.join(u", "_s) << "changes";
    if (m_everConnected)
        Q_EMIT reconnected();
    m_everConnected = true;
    return true;
}

void ChangeListener::drain()
{
    if (!m_state)
        return;
    try {
        pqxx::connection &connection = m_state->session->connection();
        connection.get_notifs();
        if (sender() == &m_healthTimer) {
            pqxx::nontransaction ping(connection);
            ping.exec("SELECT 1");
        }
    } catch (const std::exception &e) {
        qCWarning(lcListen).noquote() << "change feed lost:" << QString::fromUtf8(e.what()).section(u'\n', 0, 0);
        dropConnection();
        scheduleReconnect();
    }
}

void ChangeListener::dropConnection()
{
    m_healthTimer.stop();
    if (m_state && m_state->notifier)
        m_state->notifier->setEnabled(false);
    // State's members go in reverse order: notifier, then receivers (their UNLISTEN on a dead
    // connection is caught inside libpqxx), then the connection.
    m_state.reset();
    Q_EMIT disconnected();
}

void ChangeListener::scheduleReconnect()
{
    m_reconnectTimer.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, kMaxBackoffMs);
}

} // namespace rdk::sync

#include "data/pglistener.h"

#include "data/pgsessionpqxx.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcListener, "rdk.data.listen")

namespace rdk::data {
namespace {

class Receiver final : public pqxx::notification_receiver {
public:
    Receiver(pqxx::connection_base &connection, const std::string &channel, const std::string &kind, PgListener *owner)
        : pqxx::notification_receiver(connection, channel), m_kind(QString::fromStdString(kind)), m_owner(owner)
    {
    }
    void operator()(const std::string &payload, int) override
    {
        Q_EMIT m_owner->notification(m_kind, QByteArray::fromStdString(payload));
    }

private:
    QString m_kind;
    PgListener *m_owner;
};

// rdk_<kind>_<32 hex digits>: nothing a LISTEN could misread, whatever quoting libpqxx uses.
bool plainChannelName(const std::string &name, const std::string &kind)
{
    const std::string prefix = "rdk_" + kind + "_";
    if (name.size() != prefix.size() + 32 || name.compare(0, prefix.size(), prefix) != 0)
        return false;
    return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

QString firstLine(const std::exception &e)
{
    return QString::fromUtf8(e.what()).section(u'\n', 0, 0);
}

} // namespace

Result<std::string> privateChannel(PgSession &session, const std::string &kind)
{
    return session.transact([&](pqxx::work &tx) -> Result<std::string> {
        const pqxx::row row = tx.exec_params1("SELECT rdk.notify_channel($1)", kind);
        if (row[0].is_null())
            return Error::forbidden(u"This sign-in belongs to no shop, so it gets no change notifications."_s);
        std::string name = row[0].as<std::string>();
        if (!plainChannelName(name, kind))
            return Error::internal(u"The database named an unexpected notification channel."_s);
        return name;
    });
}

struct PgListener::State {
    std::unique_ptr<PgSession> session;   // through the connector, or from the connection string
    pqxx::connection *connection = nullptr;
    std::vector<std::unique_ptr<Receiver>> receivers;
    std::unique_ptr<QSocketNotifier> notifier;
};

PgListener::PgListener(Connector connector, std::string connectionString, std::vector<std::string> kinds, QString what,
                       QObject *parent)
    : QObject(parent), m_connector(std::move(connector)), m_connectionString(std::move(connectionString)),
      m_kinds(std::move(kinds)), m_what(std::move(what))
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
    m_retry.start(m_backoff.next());
}

bool PgListener::connectAndListen()
{
    try {
        auto state = std::make_unique<State>();
        auto session = m_connector ? m_connector() : PgSession::open(m_connectionString);
        if (!session)
            throw std::runtime_error(session.error().message.toStdString());
        state->session = std::move(session).value();
        state->connection = &state->session->connection();
        // The shop's channel names are asked on every connect: the database is the one that knows.
        for (const std::string &kind : m_kinds) {
            auto channel = privateChannel(*state->session, kind);
            if (!channel)
                throw std::runtime_error(channel.error().message.toStdString());
            state->receivers.push_back(std::make_unique<Receiver>(*state->connection, *channel, kind, this));
        }
        state->notifier = std::make_unique<QSocketNotifier>(state->connection->sock(), QSocketNotifier::Read);
        connect(state->notifier.get(), &QSocketNotifier::activated, this, &PgListener::drain);
        m_state = std::move(state);
    } catch (const std::exception &e) {
        qCWarning(lcListener).noquote() << "can't listen for" << m_what << "yet:" << firstLine(e);
        m_state.reset();
        return false;
    }
    m_backoff.reset();
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

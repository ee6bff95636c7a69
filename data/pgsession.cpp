#include "data/pgsessionpqxx.h"

#include <poll.h>

namespace rdk::data {

Result<std::unique_ptr<PgSession>> PgSession::open(const std::string &connectionString)
{
    try {
        return adopt(std::make_unique<pqxx::connection>(connectionString));
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

std::unique_ptr<PgSession> PgSession::adopt(Connection connection)
{
    return std::unique_ptr<PgSession>(new PgSession(std::make_unique<Connection>(std::move(connection))));
}

PgSession::PgSession(std::unique_ptr<Connection> connection) : m_connection(std::move(connection)) {}

PgSession::~PgSession() = default;

bool PgSession::isOpen() const
{
    return m_connection->pq && m_connection->pq->is_open();
}

bool PgSession::isAlive()
{
    if (!isOpen())
        return false;
    // Between transactions the server has nothing to say to a session that doesn't LISTEN:
    // a readable socket is its "terminating connection" message and the closed end.
    // (libpqxx 6.4's get_notifs() does not notice the closed end.)
    pollfd socket{m_connection->pq->sock(), POLLIN, 0};
    return ::poll(&socket, 1, 0) == 0;
}

void PgSession::replaceConnection(Connection connection)
{
    m_connection = std::make_unique<Connection>(std::move(connection));
}

void setAuditReason(pqxx::work &tx, const QString &reason)
{
    if (!reason.isEmpty())
        tx.exec_params("SELECT set_config('rdk.reason', $1, true)", reason.left(200).toStdString());
}

std::string textArray(const QStringList &items)
{
    QString literal = QStringLiteral("{");
    for (qsizetype i = 0; i < items.size(); ++i) {
        QString item = items[i];
        item.replace(QStringLiteral("\\"), QStringLiteral("\\\\")).replace(QStringLiteral("\""), QStringLiteral("\\\""));
        literal += (i ? QStringLiteral(",\"") : QStringLiteral("\"")) + item + QStringLiteral("\"");
    }
    return (literal + QStringLiteral("}")).toStdString();
}

QString likeContaining(const QString &search)
{
    QString escaped = search.toLower();
    escaped.replace(QStringLiteral("\\"), QStringLiteral("\\\\"))
        .replace(QStringLiteral("%"), QStringLiteral("\\%"))
        .replace(QStringLiteral("_"), QStringLiteral("\\_"));
    return QStringLiteral("%") + escaped + QStringLiteral("%");
}

} // namespace rdk::data

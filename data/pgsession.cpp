#include "data/pgsession.h"

namespace rdk::data {

Result<std::unique_ptr<PgSession>> PgSession::open(const std::string &connectionString)
{
    try {
        auto connection = std::make_unique<pqxx::connection>(connectionString);
        return std::unique_ptr<PgSession>(new PgSession(std::move(connection)));
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

PgSession::PgSession(std::unique_ptr<pqxx::connection> connection)
    : m_connection(std::move(connection))
{
}

std::unique_ptr<PgSession> PgSession::adopt(std::unique_ptr<pqxx::connection> connection)
{
    return std::unique_ptr<PgSession>(new PgSession(std::move(connection)));
}

void PgSession::begin(pqxx::work &tx, const QString &reason)
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

} // namespace rdk::data

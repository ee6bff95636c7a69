#include "data/pgserviceshop.h"

#include "data/pgerror.h"

#include <QRegularExpression>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {

Result<std::optional<ServiceShop>> serviceShop(const std::string &connectionString)
{
    try {
        pqxx::connection conn(connectionString);
        pqxx::read_transaction tx(conn);
        const auto rows = tx.exec("SELECT t.id::text, t.slug, t.name FROM tenants t WHERE t.id = rdk.current_tenant()");
        if (rows.empty())
            return std::optional<ServiceShop>();
        const auto &row = rows[0];
        return std::optional<ServiceShop>(ServiceShop{QString::fromStdString(row[0].as<std::string>()),
                                                      QString::fromStdString(row[1].as<std::string>()),
                                                      QString::fromStdString(row[2].as<std::string>())});
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

bool looksLikeServerText(const QString &message)
{
    static const QRegularExpression serverText(
        uR"((ERROR|DETAIL|HINT|CONTEXT|LINE \d+):|pqxx|SQLSTATE|\bsyntax\b|invalid input|violates|relation "|column "|type \w+:)"_s);
    return serverText.match(message).hasMatch();
}

} // namespace rdk::data

#pragma once

#include "data/pgerror.h"
#include "domain/result.h"

#include <QString>
#include <QStringList>

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <type_traits>

namespace rdk::data {

/// One database connection plus the unit-of-work helper every repository uses: a transaction
/// that commits only when the work succeeded, rolls back otherwise (pqxx::work's destructor),
/// retries serialization failures, and turns exceptions into domain Errors at this edge.
class PgSession final {
public:
    /// The login's shop is fixed by the database (staff by their profile, service logins by
    /// rdk.service_logins, migration 0012): a session never says which shop it works for.
    static Result<std::unique_ptr<PgSession>> open(const std::string &connectionString);

    /// Wraps a connection the caller opened itself (to inspect connect errors first).
    static std::unique_ptr<PgSession> adopt(std::unique_ptr<pqxx::connection> connection);

    pqxx::connection &connection() { return *m_connection; }
    /// Swaps in a new connection after the old one dropped, so repositories that hold this
    /// session keep working after a reconnect.
    void replaceConnection(std::unique_ptr<pqxx::connection> connection) { m_connection = std::move(connection); }

    template <typename Work>
    auto transact(Work &&work, const QString &reason = {}) -> std::invoke_result_t<Work, pqxx::work &>
    {
        using R = std::invoke_result_t<Work, pqxx::work &>;
        constexpr int kAttempts = 3;
        for (int attempt = 1;; ++attempt) {
            try {
                pqxx::work tx(*m_connection);
                begin(tx, reason);
                R result = work(tx);
                if (result.ok())
                    tx.commit();
                return result;
            } catch (const std::exception &e) {
                if (isRetryable(e) && attempt < kAttempts)
                    continue;
                return R(translatePgError(e));
            }
        }
    }

private:
    explicit PgSession(std::unique_ptr<pqxx::connection> connection);
    void begin(pqxx::work &tx, const QString &reason);

    std::unique_ptr<pqxx::connection> m_connection;
};

/// Text of a field, or empty for NULL.
inline QString text(const pqxx::field &f)
{
    return f.is_null() ? QString() : QString::fromStdString(f.as<std::string>());
}

inline std::string str(const QString &s)
{
    return s.toStdString();
}

/// A PostgreSQL array literal of text (`{"a","b"}`) for a `$n::text[]` parameter: libpqxx 6
/// has no container parameters. Every element is quoted and escaped, so any text is safe.
std::string textArray(const QStringList &items);

} // namespace rdk::data

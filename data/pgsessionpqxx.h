#pragma once

// PgSession's libpqxx side, for data/*.cpp (and tests) only: no header that ui/ or sync/ reach
// may include this (scripts/check-layers, docs/ARCHITECTURE.md "Layers").

#include "data/pgerror.h"
#include "data/pgsession.h"
#include "data/pgvalues.h"

#include <QString>

#include <pqxx/pqxx>

#include <memory>
#include <type_traits>
#include <utility>

namespace rdk::data {

struct PgSession::Connection final {
    Connection(std::unique_ptr<pqxx::connection> connection) : pq(std::move(connection)) {}   // NOLINT: implicit on purpose

    std::unique_ptr<pqxx::connection> pq;
};

/// Marks the transaction's changes with `reason` for the audit log (rdk.reason); nothing when empty.
void setAuditReason(pqxx::work &tx, const QString &reason);

inline auto &PgSession::connection()
{
    return *m_connection->pq;
}

template <typename Work>
auto PgSession::transact(Work &&work, const QString &reason)
{
    using R = std::invoke_result_t<Work, pqxx::work &>;
    constexpr int kAttempts = 3;
    for (int attempt = 1;; ++attempt) {
        try {
            pqxx::work tx(connection());
            setAuditReason(tx, reason);
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

template <typename Work>
auto PgSession::statement(Work &&work)
{
    using R = std::invoke_result_t<Work, pqxx::nontransaction &>;
    constexpr int kAttempts = 3;
    for (int attempt = 1;; ++attempt) {
        try {
            pqxx::nontransaction tx(connection());
            return R(work(tx));
        } catch (const std::exception &e) {
            // A failed statement changed nothing (its implicit transaction rolled back).
            if (isRetryable(e) && attempt < kAttempts)
                continue;
            return R(translatePgError(e));
        }
    }
}

} // namespace rdk::data

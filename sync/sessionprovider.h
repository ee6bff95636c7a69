#pragma once

#include "data/pgsession.h"

#include <atomic>

namespace rdk::sync {

/// One database session per worker thread (libpqxx connections are not shared across
/// threads), opened on first use and replaced after the connection broke.
class SessionProvider final {
public:
    SessionProvider(std::string connectionString, QString tenantId);

    Result<data::PgSession *> session();
    /// Drops this thread's session so the next call reconnects (after Unavailable).
    void discard();
    const QString &tenantId() const { return m_tenantId; }
    const std::string &connectionString() const { return m_connectionString; }

private:
    std::string m_connectionString;
    QString m_tenantId;
    quint64 m_id;
};

} // namespace rdk::sync

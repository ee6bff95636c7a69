#pragma once

#include "domain/result.h"

#include <QString>

#include <memory>
#include <string>

namespace rdk::data {

/// One database connection plus the unit-of-work helper every repository uses: a transaction
/// that commits only when the work succeeded, rolls back otherwise (pqxx::work's destructor),
/// retries serialization failures, and turns exceptions into domain Errors at this edge.
///
/// This header names no libpqxx type, so the layers that hold sessions and hand them to
/// repositories (rdk-sync) never parse libpqxx (scripts/check-layers enforces it). The libpqxx
/// side — the connection, transact() and the field helpers — is in data/pgsessionpqxx.h, which
/// only data/*.cpp (and tests) include.
class PgSession final {
public:
    /// libpqxx's connection; complete in data/pgsessionpqxx.h, which converts a
    /// std::unique_ptr<pqxx::connection> into it.
    struct Connection;

    /// The login's shop is fixed by the database (staff by their profile, service logins by
    /// rdk.service_logins, migration 0012): a session never says which shop it works for.
    static Result<std::unique_ptr<PgSession>> open(const std::string &connectionString);

    /// Wraps a connection the caller opened itself (to inspect connect errors first).
    static std::unique_ptr<PgSession> adopt(Connection connection);

    ~PgSession();

    /// False once the connection is closed (it broke, or the server ended it).
    bool isOpen() const;
    /// Like isOpen(), and false too when the server has spoken since the last transaction
    /// (checked without waiting): a backend it terminated (restart, failover,
    /// pg_terminate_backend) is noticed here, before a request fails on it. Not for a
    /// session that LISTENs, whose notices would look the same.
    bool isAlive();

    /// The pqxx::connection, for data/: defined in data/pgsessionpqxx.h.
    auto &connection();
    /// Swaps in a new connection after the old one dropped, so repositories that hold this
    /// session keep working after a reconnect.
    void replaceConnection(Connection connection);

    /// Runs `work(pqxx::work &)` as one transaction and returns its Result: commits only when
    /// it is ok, rolls back otherwise, runs it again after a serialization failure (3 tries),
    /// and turns an exception into an Error (data/pgerror.h). `reason` goes to the audit log.
    /// Defined in data/pgsessionpqxx.h.
    template <typename Work>
    auto transact(Work &&work, const QString &reason = {});

    /// Runs `work(pqxx::nontransaction &)`, which sends exactly ONE statement: PostgreSQL runs
    /// a lone statement in its own implicit transaction (all of it or none of it), so this costs
    /// one round trip where transact() costs four (BEGIN, the audit reason, the statement,
    /// COMMIT). For one call of a database function that sets its own audit reason (the
    /// webhook's rdk.apply_payment_event, ADR 0028). Retries and translates errors like
    /// transact(). Defined in data/pgsessionpqxx.h.
    template <typename Work>
    auto statement(Work &&work);

private:
    explicit PgSession(std::unique_ptr<Connection> connection);

    std::unique_ptr<Connection> m_connection;
};

} // namespace rdk::data

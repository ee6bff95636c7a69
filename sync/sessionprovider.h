#pragma once

#include "data/pgsession.h"

#include <atomic>
#include <type_traits>

namespace rdk::sync {

/// One database session per worker thread (a database connection is not shared across
/// threads), opened on first use and replaced after the connection broke.
class SessionProvider final {
public:
    explicit SessionProvider(std::string connectionString);

    Result<data::PgSession *> session();
    /// Drops this thread's session so the next call reconnects (after Unavailable).
    void discard();

    /// Runs `work(PgSession &)` on this thread's session. When it fails as Unavailable (the
    /// connection died since its last use, e.g. after a database restart), it is run once more
    /// on a fresh connection; a second failure is returned. `work` must be one transaction,
    /// so running it again can't apply anything twice.
    template <typename Work>
    auto run(Work &&work) -> std::invoke_result_t<Work, data::PgSession &>
    {
        using R = std::invoke_result_t<Work, data::PgSession &>;
        for (int attempt = 0;; ++attempt) {
            auto current = session();
            if (!current) {
                discard();
                return R(current.error());
            }
            R result = work(**current);
            if (result.ok() || result.error().code != ErrorCode::Unavailable)
                return result;
            discard();
            if (attempt == 1)
                return result;
        }
    }
    const std::string &connectionString() const { return m_connectionString; }

private:
    std::string m_connectionString;
    quint64 m_id;
};

} // namespace rdk::sync

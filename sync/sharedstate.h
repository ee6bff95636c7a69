#pragma once

#include "sync/http/ratelimiter.h"
#include "sync/visitorcounter.h"

#include <QMutex>

namespace rdk::sync {

class SessionProvider;

/// The rate-limit budgets several rdk-sync processes share, kept in the database
/// (rdk.rate_take, ADR 0029). Each take is one short transaction on the calling thread's session.
class PgSharedRateBudget final : public SharedRateBudget {
public:
    explicit PgSharedRateBudget(SessionProvider &sessions) : m_sessions(sessions) {}
    std::optional<RateDecision> take(RouteFamily family, const QString &clientKey, RateLimitPolicy policy) override;

private:
    SessionProvider &m_sessions;
    QMutex m_mutex;
    QString m_lastError;   // logged once per distinct problem
};

/// The database's salt of the day for VisitorCounter (rdk.visitor_salt), the same in every process.
VisitorCounter::SaltSource sharedVisitorSalt(SessionProvider &sessions);

} // namespace rdk::sync

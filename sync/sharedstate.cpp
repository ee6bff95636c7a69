#include "sync/sharedstate.h"

#include "data/pgsharedstate.h"
#include "sync/sessionprovider.h"

#include <QLoggingCategory>
#include <QMutexLocker>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcShared, "rdk.sync.shared")

namespace rdk::sync {

std::optional<RateDecision> PgSharedRateBudget::take(RouteFamily family, const QString &clientKey, RateLimitPolicy policy)
{
    auto taken = m_sessions.run([&](data::PgSession &s) {
        return data::PgSharedState(s).takeRateToken(QString::fromLatin1(routeFamilyName(family)), clientKey, policy.burst,
                                                    policy.perSecond);
    });
    if (!taken) {
        QMutexLocker lock(&m_mutex);
        if (taken.error().message != m_lastError)
            qCWarning(lcShared).noquote() << "shared rate limits unavailable, using this process's share:" << taken.error().message;
        m_lastError = taken.error().message;
        return std::nullopt;
    }
    {
        QMutexLocker lock(&m_mutex);
        m_lastError.clear();
    }
    RateDecision decision;
    decision.allowed = taken->allowed;
    decision.limit = policy.burst;
    decision.remaining = taken->remaining;
    decision.retryAfterSeconds = taken->retryAfterSeconds;
    decision.resetSeconds = taken->resetSeconds;
    return decision;
}

VisitorCounter::SaltSource sharedVisitorSalt(SessionProvider &sessions)
{
    return [&sessions](const QDate &dayUtc) -> Result<QByteArray> {
        auto salt = sessions.run([&](data::PgSession &s) { return data::PgSharedState(s).visitorSalt(dayUtc); });
        if (!salt)
            qCWarning(lcShared).noquote() << "no visitor salt for" << dayUtc.toString(Qt::ISODate) << "yet:" << salt.error().message;
        return salt;
    };
}

} // namespace rdk::sync

#pragma once

#include "data/pgsession.h"

#include <QByteArray>
#include <QDate>
#include <QString>

namespace rdk::data {

/// What one rdk.rate_take call decided (seconds as the RateLimit headers want them).
struct SharedRateDecision final {
    bool allowed = true;
    int remaining = 0;
    int retryAfterSeconds = 0;
    int resetSeconds = 0;
};

/// The state several rdk-sync processes of one shop share through the database (migration 0024,
/// module scaleout.sql, ADR 0029). Each call is one short transaction of the service login.
class PgSharedState final {
public:
    explicit PgSharedState(PgSession &session) : m_session(session) {}

    /// Takes one request from the shop's shared budget of (`family`, `clientKey`): a token bucket
    /// of `burst`, refilled at `perSecond`. rdk.rate_take, in a transaction of its own that does
    /// not wait for its commit to reach the disk.
    Result<SharedRateDecision> takeRateToken(const QString &family, const QString &clientKey, int burst, double perSecond);

    /// The salt of the visitor hash for the UTC day `day` (yesterday, today or tomorrow by the
    /// database's clock), the same for every process of the shop. rdk.visitor_salt.
    Result<QByteArray> visitorSalt(const QDate &day);

private:
    PgSession &m_session;
};

} // namespace rdk::data

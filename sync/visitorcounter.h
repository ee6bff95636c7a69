#pragma once

#include <QByteArray>
#include <QDate>
#include <QHostAddress>
#include <QMutex>

#include "domain/result.h"

#include <functional>

namespace rdk::sync {

/// Counts storefront visitors without cookies and without keeping addresses: a visitor is
/// HMAC-SHA256(salt of the day, address + user agent), cut to 16 bytes. The salt is random and
/// changes at midnight UTC, so yesterday's ids can't be linked to today's, and no stored value
/// can be turned back into an address without it.
///
/// Without a salt source the salt lives in this process's memory. rdk-sync gives it the
/// database's salt of the day (rdk.visitor_salt, ADR 0029): several processes (and one restarted
/// in the middle of the day) then hash a visitor the same way, so a visitor counts once.
class VisitorCounter final {
public:
    /// The day's salt, shared by every process; an error when it can't be had right now (then
    /// views are not counted, and the source is asked again after a few seconds).
    using SaltSource = std::function<Result<QByteArray>(const QDate &dayUtc)>;
    void setSaltSource(SaltSource source);

    /// The visitor id, or empty for requests that shouldn't count (bots, previews, health checks).
    QByteArray visitorId(const QHostAddress &client, QByteArrayView userAgent, const QDate &todayUtc);

    static bool looksLikeBot(QByteArrayView userAgent);

private:
    QMutex m_mutex;
    QDate m_saltDay;
    QByteArray m_salt;
    SaltSource m_source;
    qint64 m_sourceFailedAtMs = 0;   // the last failed ask, for the pause before the next
};

} // namespace rdk::sync

#pragma once

#include <QByteArray>
#include <QDate>
#include <QHostAddress>
#include <QMutex>

namespace rdk::sync {

/// Counts storefront visitors without cookies and without keeping addresses: a visitor is
/// HMAC-SHA256(salt of the day, address + user agent), cut to 16 bytes. The salt is random,
/// lives only in memory and changes at midnight UTC, so yesterday's ids can't be linked to
/// today's, and no stored value can be turned back into an address.
class VisitorCounter final {
public:
    /// The visitor id, or empty for requests that shouldn't count (bots, previews, health checks).
    QByteArray visitorId(const QHostAddress &client, QByteArrayView userAgent, const QDate &todayUtc);

    static bool looksLikeBot(QByteArrayView userAgent);

private:
    QMutex m_mutex;
    QDate m_saltDay;
    QByteArray m_salt;
};

} // namespace rdk::sync

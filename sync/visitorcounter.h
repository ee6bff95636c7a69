#pragma once

#include <QByteArray>
#include <QDate>
#include <QHash>
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
///
/// visitorId never asks the source (it may run on an HTTP event loop): refreshSalts, called at
/// start and then from a timer on a worker thread, keeps today's and tomorrow's salts at hand, so
/// midnight needs no round trip. A view without its day's salt at hand is not counted.
class VisitorCounter final {
public:
    /// The salt of a UTC day, shared by every process; an error when it can't be had right now.
    using SaltSource = std::function<Result<QByteArray>(const QDate &dayUtc)>;
    void setSaltSource(SaltSource source);

    /// Asks the source for today's and tomorrow's salts when they are not at hand yet (blocking:
    /// call it off the event loop), and forgets older days. After a failure it asks again only
    /// after a few seconds. Does nothing without a source.
    void refreshSalts(const QDate &todayUtc);
    /// True when a source is set and today's or tomorrow's salt is not at hand.
    bool needsSalts(const QDate &todayUtc) const;

    /// The visitor id, or empty for requests that shouldn't count (bots, previews, health checks,
    /// and views whose day's shared salt is not at hand).
    QByteArray visitorId(const QHostAddress &client, QByteArrayView userAgent, const QDate &todayUtc);

    static bool looksLikeBot(QByteArrayView userAgent);

private:
    mutable QMutex m_mutex;
    QDate m_saltDay;                 // without a source: the day of m_salt
    QByteArray m_salt;
    SaltSource m_source;
    QHash<QDate, QByteArray> m_shared;   // with a source: salts at hand, by UTC day
    qint64 m_sourceFailedAtMs = 0;   // the last failed ask, for the pause before the next
};

} // namespace rdk::sync

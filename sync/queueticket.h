#pragma once

// A place in a release's waiting room (issue 15, ADR 0030): a signed, time-ordered ticket kept
// by the shopper's browser in the cookie rdk_q_<first 8 hex of the release id>. No database
// write per visitor: the ticket carries its own join time, and its signature (HMAC-SHA256 with
// the release's secret, which only the database and rdk-sync know) makes it unforgeable. The
// database checks the same signature again when the ticket pays (rdk.checkout_place_order).
//
// ticket = v1.<release uuid>.<join unix ms>.<24 hex random>.<hex HMAC-SHA256(secret, the four
//          fields joined by '.')>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace rdk::sync {

/// A ticket's length is fixed by its format: 2 + 1 + 36 + 1 + 13 + 1 + 24 + 1 + 64.
inline constexpr int kMaxTicketLength = 160;

struct QueueTicket final {
    QString releaseId;      ///< lower-case uuid text
    qint64 joinedAtMs = 0;  ///< unix milliseconds
    QByteArray text;        ///< the whole ticket as the cookie holds it
};

/// Makes a ticket; `random` is 12 random bytes (written as 24 hex).
QByteArray makeQueueTicket(QByteArrayView secret, const QString &releaseId, qint64 joinedAtMs, QByteArrayView random);

/// The ticket when `text` is a well-formed ticket of `releaseId` signed with `secret` (compared
/// in constant time); nullopt for anything else (forged, altered, another release's, garbage).
std::optional<QueueTicket> verifyQueueTicket(QByteArrayView secret, const QString &releaseId, QByteArrayView text);

/// "rdk_q_" + the first 8 hex of the release id.
QByteArray queueCookieName(const QString &releaseId);

/// The value of cookie `name` in a Cookie header (empty when absent).
QByteArray cookieValue(QByteArrayView cookieHeader, QByteArrayView name);

/// Set-Cookie for a ticket: HttpOnly, SameSite=Lax, Path=/ (and Secure behind https). It lives
/// as long as the browser session plus `maxAgeSeconds`.
QByteArray queueSetCookie(const QString &releaseId, QByteArrayView ticket, bool secure, int maxAgeSeconds);

} // namespace rdk::sync

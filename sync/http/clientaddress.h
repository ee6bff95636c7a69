#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QList>

namespace rdk::sync {

/// The address of the shopper behind a request, for rate limits and logs.
///
/// `X-Forwarded-For` is only believed when the TCP peer is one of `trustedProxies` (Caddy on
/// loopback): anyone else can write anything in it. Then the list is walked from the right,
/// skipping hops that are themselves trusted proxies, and the first untrusted hop is the client:
/// everything left of it was written by the client and proves nothing. A hop that is not a
/// plain IP address (`unknown`, a host name, `1.2.3` which inet_aton would read as 1.2.0.3,
/// an unspecified or multicast address) ends the walk: we keep the last hop we could trust.
/// Pass all `X-Forwarded-For` header lines joined with "," in order.
///
/// IPv4-mapped IPv6 addresses come back as IPv4, so one shopper has one spelling everywhere.
QHostAddress clientAddress(const QHostAddress &peer, QByteArrayView forwardedFor,
                           const QList<QHostAddress> &trustedProxies);

/// Whether the TCP peer is one of `trustedProxies` (the edge): only then are the headers the
/// edge writes (X-Forwarded-For, X-Rdk-Edge-Refresh) believed.
bool isTrustedProxy(const QHostAddress &peer, const QList<QHostAddress> &trustedProxies);

/// One X-Forwarded-For hop (`1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`) as an
/// address; a null QHostAddress when it is anything else.
QHostAddress parseForwardedHop(QByteArrayView hop);

/// Whether the TCP peer `peer` may read operational endpoints such as `/metrics`: loopback
/// (127.0.0.0/8, ::1, their IPv4-mapped forms) or one of `allowList`. Always the direct peer,
/// never a forwarded address: a header is the client's word, the socket is not.
bool isOperatorPeer(const QHostAddress &peer, const QList<QHostAddress> &allowList);

} // namespace rdk::sync

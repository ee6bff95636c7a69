#include "sync/http/clientaddress.h"

#include <QString>

#include <algorithm>

namespace rdk::sync {

namespace {

// IPv4-mapped IPv6 (what a dual-stack socket reports for an IPv4 peer) as plain IPv4.
QHostAddress normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4 && address.protocol() == QAbstractSocket::IPv6Protocol)
        return QHostAddress(v4);
    return address;
}

bool isTrusted(const QHostAddress &address, const QList<QHostAddress> &trustedProxies)
{
    const QHostAddress plain = normalized(address);
    return std::any_of(trustedProxies.cbegin(), trustedProxies.cend(),
                       [&plain](const QHostAddress &proxy) { return normalized(proxy).isEqual(plain); });
}

// Four decimal parts of 0-255 without leading zeros: QHostAddress also takes inet_aton forms
// ("1.2.3", "0x7f.1", "010.1.1.1" as octal) that no proxy writes and that would turn garbage
// into somebody's address.
bool isStrictDottedQuad(QByteArrayView text)
{
    int parts = 0;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] != '.')
            continue;
        const QByteArrayView part = text.sliced(start, i - start);
        if (part.isEmpty() || part.size() > 3 || (part.size() > 1 && part.front() == '0'))
            return false;
        if (!std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        if (part.toInt() > 255)
            return false;
        ++parts;
        start = i + 1;
    }
    return parts == 4;
}

bool isPort(QByteArrayView text)
{
    return !text.isEmpty() && text.size() <= 5
        && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

QHostAddress parseForwardedHop(QByteArrayView hop)
{
    hop = hop.trimmed();
    // The longest real hop is a bracketed IPv6 address with a zone and port; more is garbage.
    if (hop.isEmpty() || hop.size() > 64)
        return {};
    QByteArrayView host = hop;
    bool v6 = false;
    if (hop.front() == '[') {
        const qsizetype close = hop.indexOf(']');
        if (close < 0)
            return {};
        const QByteArrayView rest = hop.sliced(close + 1);
        if (!rest.isEmpty() && (rest.front() != ':' || !isPort(rest.sliced(1))))
            return {};
        host = hop.sliced(1, close - 1);
        v6 = true;
    } else if (hop.count(':') == 1) {
        const qsizetype colon = hop.indexOf(':');   // IPv4 with a port
        if (!isPort(hop.sliced(colon + 1)))
            return {};
        host = hop.first(colon);
    } else if (hop.contains(':')) {
        v6 = true;
    }
    if (!v6 && !isStrictDottedQuad(host))
        return {};
    if (v6 && host.isEmpty())
        return {};
    QHostAddress address;
    if (!address.setAddress(QString::fromLatin1(host)))
        return {};
    if (v6 != (address.protocol() == QAbstractSocket::IPv6Protocol))
        return {};
    address = normalized(address);
    const bool unusable = address.isNull() || address.isMulticast() || address.isBroadcast()
        || address == QHostAddress(QHostAddress::AnyIPv4) || address == QHostAddress(QHostAddress::AnyIPv6);
    return unusable ? QHostAddress() : address;
}

QHostAddress clientAddress(const QHostAddress &peer, QByteArrayView forwardedFor,
                           const QList<QHostAddress> &trustedProxies)
{
    QHostAddress client = normalized(peer);
    if (forwardedFor.trimmed().isEmpty() || !isTrusted(peer, trustedProxies))
        return client;
    // A client can send a megabyte of hops; we only ever need a few from the right.
    constexpr int maxHops = 32;
    qsizetype end = forwardedFor.size();
    for (int hops = 0; hops < maxHops && end >= 0; ++hops) {
        const qsizetype comma = end > 0 ? forwardedFor.first(end).lastIndexOf(',') : -1;
        const QHostAddress hop = parseForwardedHop(forwardedFor.sliced(comma + 1, end - comma - 1));
        if (hop.isNull())
            break;
        client = hop;
        if (!isTrusted(hop, trustedProxies))
            break;
        end = comma;
    }
    return client;
}

bool isOperatorPeer(const QHostAddress &peer, const QList<QHostAddress> &allowList)
{
    const QHostAddress plain = normalized(peer);
    return plain.isLoopback() || isTrusted(plain, allowList);
}

bool isTrustedProxy(const QHostAddress &peer, const QList<QHostAddress> &trustedProxies)
{
    return isTrusted(peer, trustedProxies);
}

} // namespace rdk::sync

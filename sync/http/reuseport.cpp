#include "sync/http/reuseport.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {
namespace {

constexpr int kBacklog = 1024;

struct SocketAddress final {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_INET;
};

bool toSocketAddress(const QHostAddress &address, quint16 port, SocketAddress *out, bool *dualStack)
{
    *dualStack = address.protocol() == QAbstractSocket::AnyIPProtocol;   // QHostAddress::Any: IPv6 and IPv4
    if (address.protocol() == QAbstractSocket::IPv6Protocol || *dualStack) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&out->storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        if (!*dualStack) {
            const Q_IPV6ADDR bytes = address.toIPv6Address();
            std::memcpy(&in6->sin6_addr, bytes.c, sizeof(bytes.c));
            in6->sin6_scope_id = address.scopeId().toUInt();
        } // else in6addr_any: all zero
        out->length = sizeof(sockaddr_in6);
        out->family = AF_INET6;
        return true;
    }
    if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&out->storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        out->length = sizeof(sockaddr_in);
        out->family = AF_INET;
        return true;
    }
    return false;
}

Error listenError(const QHostAddress &address, quint16 port, int error)
{
    return Error::unavailable(u"Can't listen on %1:%2 (%3)."_s.arg(address.toString()).arg(port)
                                  .arg(QString::fromLocal8Bit(std::strerror(error))));
}

} // namespace

int boundSocket(const QHostAddress &address, quint16 port, SocketKind kind, bool reusePort, bool listening)
{
    SocketAddress where;
    bool dualStack = false;
    if (!toSocketAddress(address, port, &where, &dualStack)) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    const bool tcp = kind == SocketKind::Tcp;
    const int fd = ::socket(where.family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const int on = 1;
    const int v6only = dualStack ? 0 : 1;
    // SO_REUSEADDR as QTcpServer sets it: a restart isn't refused for connections in TIME_WAIT.
    // Never for UDP: there it would let any later socket with it take the port's datagrams,
    // where SO_REUSEPORT keeps to sockets of this user that all set it.
    bool ok = !tcp || ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0;
    if (ok && reusePort)
        ok = ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == 0;
    if (ok && where.family == AF_INET6)
        ok = ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) == 0;
    ok = ok && ::bind(fd, reinterpret_cast<sockaddr *>(&where.storage), where.length) == 0;
    ok = ok && (!tcp || !listening || ::listen(fd, kBacklog) == 0);
    if (!ok) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

quint16 localPort(qintptr descriptor)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    if (::getsockname(int(descriptor), reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return 0;
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<sockaddr_in6 *>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in *>(&storage)->sin_port);
}

Result<QList<qintptr>> listenReusePort(const QHostAddress &address, quint16 port, int count, quint16 *boundPort)
{
    if (count < 1)
        return Error::invalid(u"At least one listening socket is needed."_s);
    // The plain bind: fails with EADDRINUSE when anyone listens there (with or without
    // SO_REUSEPORT), and picks the port when 0 was asked for. Closed right away; the shared
    // sockets take the port over.
    const int probe = boundSocket(address, port, SocketKind::Tcp, false, false);
    if (probe < 0)
        return listenError(address, port, errno);
    const quint16 chosen = localPort(probe);
    ::close(probe);
    if (chosen == 0)
        return listenError(address, port, EADDRNOTAVAIL);

    QList<qintptr> descriptors;
    for (int i = 0; i < count; ++i) {
        const int fd = boundSocket(address, chosen, SocketKind::Tcp, true, true);
        if (fd < 0) {
            const int saved = errno;
            closeDescriptors(descriptors);
            return listenError(address, chosen, saved);
        }
        descriptors.append(fd);
    }
    if (boundPort)
        *boundPort = chosen;
    return descriptors;
}

void closeDescriptors(const QList<qintptr> &descriptors)
{
    for (const qintptr fd : descriptors)
        ::close(int(fd));
}

} // namespace rdk::sync

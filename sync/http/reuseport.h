#pragma once

#include "domain/result.h"

#include <QHostAddress>
#include <QList>

namespace rdk::sync {

/// Listening sockets for several event loops on one port: `count` TCP sockets bound to the
/// same address and port with SO_REUSEPORT, so the kernel spreads new connections over them
/// (by a hash of the client's address and port) and each event loop accepts only its own.
///
/// `port` 0 picks a free port. The port is first checked with a plain bind (no SO_REUSEPORT):
/// another process already listening there, even one that also uses SO_REUSEPORT, makes this
/// fail as a single listen would, instead of silently sharing the port with it. (Linux only
/// lets sockets of the same user share a port at all.)
///
/// On success the descriptors are non-blocking, close-on-exec and listening; the caller owns
/// them (QTcpServer::setSocketDescriptor takes one each). `boundPort` is the port they share.
Result<QList<qintptr>> listenReusePort(const QHostAddress &address, quint16 port, int count, quint16 *boundPort);

enum class SocketKind { Tcp, Udp };

/// A bound, non-blocking, close-on-exec socket on `address` (QHostAddress::Any: IPv6 and IPv4),
/// listening when `listening` (TCP only); -1 and errno set on failure. TCP sockets get
/// SO_REUSEADDR as QTcpServer's do; `reusePort` adds SO_REUSEPORT. The building block of
/// listenReusePort and of the edge's page-view listener (sync/edgeviews.h).
int boundSocket(const QHostAddress &address, quint16 port, SocketKind kind, bool reusePort, bool listening = false);

/// The local port a bound socket has, or 0.
quint16 localPort(qintptr descriptor);

/// Closes descriptors listenReusePort returned that were never handed to a QTcpServer.
void closeDescriptors(const QList<qintptr> &descriptors);

} // namespace rdk::sync

#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QHostAddress>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <optional>

class QTimer;
class QUdpSocket;

namespace rdk::sync {

class MetricsRegistry;

/// One storefront page view as the keeping edge reports it (ADR 0034): the edge serves most
/// pages from its copies, so rdk-sync never sees those requests, and behind it the edge reports
/// every view, one syslog datagram each.
struct EdgeView final {
    QHostAddress client;   ///< the shopper's address as the edge saw it; IPv4-mapped IPv6 as IPv4
    QByteArray userAgent;  ///< UTF-8, JSON escapes undone; empty when the shopper sent none
    QString path;          ///< decoded path, no query (nginx's $uri)
    QDateTime at;          ///< UTC, to the millisecond
};

/// Limits of one datagram and its fields, in bytes (UTF-8 for the fields).
inline constexpr qsizetype MaxEdgeViewDatagramBytes = 8192;
inline constexpr qsizetype MaxEdgeViewUserAgentBytes = 1024;
inline constexpr qsizetype MaxEdgeViewPathBytes = 2048;

/// Reads one datagram the edge sends for a view, in exactly the form nginx 1.22 writes with
/// `access_log syslog:server=...,tag=rdk_views,nohostname` and the `rdk_views` JSON log format:
///
///     <190>Dec  8 00:02:26 rdk_views: {"t":1796688146.619,"c":"127.0.0.1","ua":"curl/7.88.1","p":"/"}
///
/// The syslog timestamp is the edge's local time and is only checked for shape; the time of the
/// view is "t" (Unix seconds). Anything else is refused with a short reason in `why`: the
/// datagram feeds the shop's analytics, so garbage is not guessed into a view.
std::optional<EdgeView> parseEdgeView(QByteArrayView datagram, QString *why = nullptr);

/// Receives the edge's view datagrams on a loopback UDP port and hands each valid view to a sink.
///
/// The socket has SO_REUSEPORT, so several rdk-sync processes can listen on the one port the edge
/// sends to; the kernel gives each datagram to exactly one of them (chosen by a hash of the
/// sender's address and port, so by nginx worker, not by datagram).
///
/// Refused (counted, and logged at most once per 10 s with the number since the last warning, and
/// once more when the listener is destroyed with refusals not yet logged):
/// a datagram parseEdgeView() refuses, one over MaxEdgeViewDatagramBytes (refused, never
/// accepted cut short), and one from a sender that is not a loopback address.
class EdgeViewListener final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EdgeViewListener)

public:
    /// Whether listen() first makes sure that nobody holds the port yet.
    enum class PortSharing {
        /// A plain bind (no SO_REUSEPORT) is tried first, so a port that anyone holds, even an
        /// rdk-sync started earlier, is refused instead of silently shared. For one process, or
        /// the first listener of a group.
        Exclusive,
        /// Joins the sockets already bound to the port with SO_REUSEPORT by this user: for
        /// several rdk-sync processes on one port. A socket bound without SO_REUSEPORT, or by
        /// another user, still makes listen() fail.
        Shared,
    };

    /// Views handed to the sink (`counted`) and datagrams refused (`refused`).
    struct Stats {
        quint64 counted = 0;
        quint64 refused = 0;
    };

    explicit EdgeViewListener(QObject *parent = nullptr);
    ~EdgeViewListener() override;

    /// Binds a loopback address (127.0.0.0/8 or ::1; any other address is refused) and `port`
    /// (0 picks one). Returns the bound port. Once per listener.
    Result<quint16> listen(const QHostAddress &address, quint16 port, PortSharing sharing = PortSharing::Exclusive);

    /// Called on this object's thread once per accepted view. Set before listen().
    void setSink(std::function<void(const EdgeView &)> sink) { m_sink = std::move(sink); }

    /// Also counts into `rdk_edge_views_total{result="counted"|"refused"}`. Call before listen().
    void countInto(MetricsRegistry *metrics) { m_metrics = metrics; }

    /// Thread-safe.
    Stats stats() const { return Stats{m_counted.load(), m_refused.load()}; }

private:
    void readPending();
    void refuse(const QString &why, const QHostAddress &sender, quint16 senderPort);
    /// Logs the refusals not yet reported, if any.
    void warnRefused();

    QUdpSocket *m_socket = nullptr;
    std::function<void(const EdgeView &)> m_sink;
    MetricsRegistry *m_metrics = nullptr;
    std::atomic<quint64> m_counted{0};
    std::atomic<quint64> m_refused{0};

    QTimer *m_warnWindow;        // running for 10 s after each warning
    quint64 m_unreported = 0;    // refusals since the last warning
    QString m_lastRefusal;       // the latest of them: sender and reason
};

} // namespace rdk::sync

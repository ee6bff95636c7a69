#pragma once

#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <atomic>

class QNetworkAccessManager;
class QNetworkReply;

namespace rdk::sync {

class MetricsRegistry;

/// Asks the HTTP edge in front of rdk-sync to fetch answers again after the catalog changed.
///
/// The edge keeps rdk-sync's public answers for a long time. For each request target named,
/// the refresher sends `GET <base><target>` with `X-Rdk-Edge-Refresh: 1` to the edge's
/// loopback-only refresh listener; the edge passes it to rdk-sync past its cache and stores
/// the fresh answer. The refresher reads and discards the answers. A failed refresh is counted
/// and logged, not retried: the edge's own validity bounds how long the answer stays stale.
///
/// At most one request per target is in flight: a target named while its request runs is sent
/// once more after that one is answered, because two refreshes of one URL can finish out of
/// order at the edge, and the later data must be stored last.
class EdgeRefresher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EdgeRefresher)

public:
    /// Requests started (`sent`), those of them with no usable answer (`failed`: network error,
    /// timeout, status >= 500), and targets never queued (`dropped`: invalid, or the queue full).
    struct Stats {
        quint64 sent = 0;
        quint64 failed = 0;
        quint64 dropped = 0;
    };

    /// base: e.g. http://127.0.0.1:8081 (no trailing path). maxInFlight: requests at once.
    /// maxQueued: targets waiting; beyond it new targets are dropped (counted), because the
    /// edge's own validity bounds how long a missed refresh can leave an answer stale.
    /// timeoutMs: from the start of a request to its last byte.
    explicit EdgeRefresher(const QUrl &base, int maxInFlight = 4, int maxQueued = 10000, int timeoutMs = 10000,
                           QObject *parent = nullptr);

    /// Queues request targets in their wire form ("/products/AJ1-CHI", "/api/products/AJ1-CHI?x=1",
    /// percent-encoded as the edge keys them). A target that is not an origin-form target of at
    /// most MaxTargetBytes visible ASCII characters without '#', or that the URL would rewrite
    /// (and so refresh another answer than the one named), is dropped. Thread-safe and
    /// non-blocking: from another thread the targets are handed to this object's thread.
    void refresh(const QStringList &targets);

    /// Also counts into `rdk_edge_refreshes_total{result}`. Call before the first refresh().
    void countInto(MetricsRegistry *metrics) { m_metrics = metrics; }

    /// Thread-safe.
    Stats stats() const;
    /// Requests running now. On the object's thread (for tests).
    int inFlight() const { return int(m_inFlight.size()); }
    /// Targets waiting, including those to be sent again. On the object's thread (for tests).
    int queued() const { return int(m_queue.size()); }

    static constexpr qsizetype MaxTargetBytes = 2048;

Q_SIGNALS:
    /// Everything queued so far has been sent and answered (or failed): for tests. Emitted when
    /// an answer leaves nothing in flight or waiting, so not for a call whose targets all dropped.
    void idle();

private:
    /// Queues the targets, on the object's thread.
    void take(const QStringList &targets);
    /// The URL of a target on the edge, or an empty URL when the target is not acceptable.
    QUrl urlFor(const QString &target) const;
    /// Starts queued requests while fewer than maxInFlight run.
    void pump();
    void start(const QString &target);
    void finished(QNetworkReply *reply, const QString &target);

    QUrl m_base;
    QString m_prefix;        // m_base as text, empty when the base is unusable
    int m_maxInFlight;
    int m_maxQueued;
    int m_timeoutMs;
    QNetworkAccessManager *m_network;

    QList<QString> m_queue;  // FIFO
    QSet<QString> m_queuedSet;
    QSet<QString> m_inFlight;
    QSet<QString> m_again;   // in flight, and named again meanwhile

    /// Counts a result in stats() and, when set, in the metrics.
    void count(std::atomic<quint64> &counter, const char *result);

    MetricsRegistry *m_metrics = nullptr;
    std::atomic<quint64> m_sent{0};
    std::atomic<quint64> m_failed{0};
    std::atomic<quint64> m_dropped{0};
};

} // namespace rdk::sync

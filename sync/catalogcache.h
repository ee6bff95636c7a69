#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace rdk::sync {

struct CachedResponse final {
    QByteArray body;
    QByteArray contentType;
    QByteArray etag;        ///< strong, quoted
    int edgeKeepSeconds = 0; ///< how long a shared edge may keep this answer (X-Accel-Expires)
};

/// Rendered pages and API answers, tagged ("catalog", "product:AJ1-CHI") so a change
/// invalidates exactly what shows it. Thread-safe.
///
/// An answer tagged clockTag() shows the time it was made (a release's countdown): it is kept
/// for at most kClockBoundMs, so no shopper is shown a clock older than that.
///
/// A reader notes generation() before it queries the database and stores with that number;
/// if an invalidation happened in between, the store is dropped, so an answer computed from
/// data older than a change can never outlive the change.
///
/// An edge in front of rdk-sync may keep the same answers (ADR 0034): each entry says for how
/// long (edgeKeepSeconds) and remembers the request targets it answered, so that when a change
/// drops it the edge can be asked to fetch those targets again (setEdgeRefresh).
class CatalogCache final {
public:
    explicit CatalogCache(int maxEntries = 5000) : m_maxEntries(maxEntries) {}

    static constexpr qint64 kClockBoundMs = 1000;
    static QString clockTag() { return QStringLiteral("clock"); }

    /// The edge keeps an answer that only a product or the shop's settings change this long,
    /// and is asked to fetch it again as soon as a change drops it here.
    static constexpr int kEdgeKeepSeconds = 60;
    /// Catalog lists change with every sale, so they are not fetched again on each change: the
    /// edge keeps them one second and refreshes them in the background while serving the copy.
    static constexpr int kEdgeListSeconds = 1;
    /// Targets remembered per entry ("/products/aj1-chi" and "/products/AJ1-CHI" are one entry).
    static constexpr int kMaxTargetsPerEntry = 4;
    /// 0 for a clock (never kept), kEdgeListSeconds for a list, else kEdgeKeepSeconds.
    static int edgeKeepSeconds(const QStringList &tags);

    /// `target`: the request target being answered, remembered for the edge's refresh (only
    /// when setEdgeRefresh was called: without an edge, nothing is kept per request).
    std::optional<CachedResponse> find(const QString &key, const QString &target = {});
    quint64 generation() const;
    /// False when the store was dropped because a change came while the answer was made.
    bool store(const QString &key, CachedResponse response, const QStringList &tags, quint64 readGeneration,
               const QString &target = {});
    int invalidateTag(const QString &tag);
    int invalidateAll();
    int size() const;

    /// Called, outside the cache's lock, with the targets of the dropped entries an edge keeps
    /// for kEdgeKeepSeconds. Set once, before the cache is shared.
    void setEdgeRefresh(std::function<void(const QStringList &targets)> refresh) { m_edgeRefresh = std::move(refresh); }

    static QByteArray strongEtag(const QByteArray &body);

private:
    struct Entry {
        CachedResponse response;
        QStringList tags;
        QStringList targets;      ///< request targets it answered, at most kMaxTargetsPerEntry
        qint64 expiresAtMs = 0;   ///< 0: kept until a change invalidates it
    };
    void removeLocked(const QString &key, QStringList *edgeTargets = nullptr);
    /// The targets the edge is asked to fetch again when this entry is dropped.
    static QStringList refreshedAtEdge(const Entry &entry);
    void refreshAtEdge(const QStringList &targets) const;

    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries;
    QHash<QString, QSet<QString>> m_keysByTag;
    quint64 m_generation = 0;
    int m_maxEntries;
    std::function<void(const QStringList &)> m_edgeRefresh;
};

} // namespace rdk::sync

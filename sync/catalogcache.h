#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk::sync {

struct CachedResponse final {
    QByteArray body;
    QByteArray contentType;
    QByteArray etag;        ///< strong, quoted
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
class CatalogCache final {
public:
    explicit CatalogCache(int maxEntries = 5000) : m_maxEntries(maxEntries) {}

    static constexpr qint64 kClockBoundMs = 1000;
    static QString clockTag() { return QStringLiteral("clock"); }

    std::optional<CachedResponse> find(const QString &key) const;
    quint64 generation() const;
    void store(const QString &key, CachedResponse response, const QStringList &tags, quint64 readGeneration);
    int invalidateTag(const QString &tag);
    int invalidateAll();
    int size() const;

    static QByteArray strongEtag(const QByteArray &body);

private:
    struct Entry {
        CachedResponse response;
        QStringList tags;
        qint64 expiresAtMs = 0;   ///< 0: kept until a change invalidates it
    };
    void removeLocked(const QString &key);

    mutable QMutex m_mutex;
    QHash<QString, Entry> m_entries;
    QHash<QString, QSet<QString>> m_keysByTag;
    quint64 m_generation = 0;
    int m_maxEntries;
};

} // namespace rdk::sync

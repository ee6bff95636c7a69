#include "sync/catalogcache.h"

#include <QCryptographicHash>
#include <QDateTime>

namespace rdk::sync {

std::optional<CachedResponse> CatalogCache::find(const QString &key) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.constFind(key);
    if (it == m_entries.constEnd())
        return std::nullopt;
    if (it->expiresAtMs != 0 && QDateTime::currentMSecsSinceEpoch() >= it->expiresAtMs)
        return std::nullopt;   // replaced by the next store()
    return it->response;
}

quint64 CatalogCache::generation() const
{
    QMutexLocker lock(&m_mutex);
    return m_generation;
}

void CatalogCache::store(const QString &key, CachedResponse response, const QStringList &tags, quint64 readGeneration)
{
    QMutexLocker lock(&m_mutex);
    if (readGeneration != m_generation)
        return;
    if (m_entries.size() >= m_maxEntries && !m_entries.contains(key)) {
        // Crude but bounded: a full cache starts over; hot entries come back on the next read.
        m_entries.clear();
        m_keysByTag.clear();
    }
    removeLocked(key);
    for (const QString &tag : tags)
        m_keysByTag[tag].insert(key);
    const qint64 expiresAtMs = tags.contains(clockTag()) ? QDateTime::currentMSecsSinceEpoch() + kClockBoundMs : 0;
    m_entries.insert(key, Entry{std::move(response), tags, expiresAtMs});
}

int CatalogCache::invalidateTag(const QString &tag)
{
    QMutexLocker lock(&m_mutex);
    ++m_generation;
    const QSet<QString> keys = m_keysByTag.take(tag);
    for (const QString &key : keys)
        removeLocked(key);
    return int(keys.size());
}

int CatalogCache::invalidateAll()
{
    QMutexLocker lock(&m_mutex);
    ++m_generation;
    const int count = int(m_entries.size());
    m_entries.clear();
    m_keysByTag.clear();
    return count;
}

int CatalogCache::size() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_entries.size());
}

void CatalogCache::removeLocked(const QString &key)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    for (const QString &tag : std::as_const(it->tags)) {
        auto tagged = m_keysByTag.find(tag);
        if (tagged != m_keysByTag.end()) {
            tagged->remove(key);
            if (tagged->isEmpty())
                m_keysByTag.erase(tagged);
        }
    }
    m_entries.erase(it);
}

QByteArray CatalogCache::strongEtag(const QByteArray &body)
{
    return '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(32) + '"';
}

} // namespace rdk::sync

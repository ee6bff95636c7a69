#include "sync/catalogcache.h"

#include <QCryptographicHash>
#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

void remember(QStringList &targets, const QString &target)
{
    if (!target.isEmpty() && targets.size() < CatalogCache::kMaxTargetsPerEntry && !targets.contains(target))
        targets.append(target);
}

} // namespace

int CatalogCache::edgeKeepSeconds(const QStringList &tags)
{
    if (tags.contains(clockTag()))
        return 0;
    return tags.contains(u"catalog"_s) ? kEdgeListSeconds : kEdgeKeepSeconds;
}

std::optional<CachedResponse> CatalogCache::find(const QString &key, const QString &target)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return std::nullopt;
    if (it->expiresAtMs != 0 && QDateTime::currentMSecsSinceEpoch() >= it->expiresAtMs)
        return std::nullopt;   // replaced by the next store()
    if (m_edgeRefresh)
        remember(it->targets, target);
    return it->response;
}

quint64 CatalogCache::generation() const
{
    QMutexLocker lock(&m_mutex);
    return m_generation;
}

bool CatalogCache::store(const QString &key, CachedResponse response, const QStringList &tags, quint64 readGeneration,
                         const QString &target)
{
    QMutexLocker lock(&m_mutex);
    if (readGeneration != m_generation)
        return false;
    if (m_entries.size() >= m_maxEntries && !m_entries.contains(key)) {
        // Crude but bounded: a full cache starts over; hot entries come back on the next read.
        // The edge's copies of what goes here expire by themselves (kEdgeKeepSeconds).
        m_entries.clear();
        m_keysByTag.clear();
    }
    // An answer made again (a refresh from the edge) keeps the targets the old one answered.
    QStringList targets = m_entries.value(key).targets;
    if (m_edgeRefresh)
        remember(targets, target);
    removeLocked(key);
    for (const QString &tag : tags)
        m_keysByTag[tag].insert(key);
    const qint64 expiresAtMs = tags.contains(clockTag()) ? QDateTime::currentMSecsSinceEpoch() + kClockBoundMs : 0;
    response.edgeKeepSeconds = edgeKeepSeconds(tags);
    m_entries.insert(key, Entry{std::move(response), tags, std::move(targets), expiresAtMs});
    return true;
}

int CatalogCache::invalidateTag(const QString &tag)
{
    QStringList edgeTargets;
    int dropped = 0;
    {
        QMutexLocker lock(&m_mutex);
        ++m_generation;
        const QSet<QString> keys = m_keysByTag.take(tag);
        for (const QString &key : keys)
            removeLocked(key, &edgeTargets);
        dropped = int(keys.size());
    }
    refreshAtEdge(edgeTargets);
    return dropped;
}

int CatalogCache::invalidateAll()
{
    QStringList edgeTargets;
    int dropped = 0;
    {
        QMutexLocker lock(&m_mutex);
        ++m_generation;
        dropped = int(m_entries.size());
        for (const Entry &entry : std::as_const(m_entries))
            edgeTargets += refreshedAtEdge(entry);
        m_entries.clear();
        m_keysByTag.clear();
    }
    refreshAtEdge(edgeTargets);
    return dropped;
}

int CatalogCache::size() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_entries.size());
}

void CatalogCache::removeLocked(const QString &key, QStringList *edgeTargets)
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    if (edgeTargets)
        *edgeTargets += refreshedAtEdge(*it);
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

QStringList CatalogCache::refreshedAtEdge(const Entry &entry)
{
    // Lists and clocks are not fetched again: the edge keeps them a second at most.
    return entry.response.edgeKeepSeconds == kEdgeKeepSeconds ? entry.targets : QStringList();
}

void CatalogCache::refreshAtEdge(const QStringList &targets) const
{
    if (m_edgeRefresh && !targets.isEmpty())
        m_edgeRefresh(targets);
}

QByteArray CatalogCache::strongEtag(const QByteArray &body)
{
    return '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(32) + '"';
}

} // namespace rdk::sync

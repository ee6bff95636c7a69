#include "sync/sandbox/idempotencystore.h"

#include <QDateTime>

namespace rdk::sandbox {
namespace {

QString entryKey(const QString &scope, const QString &key)
{
    return scope + QChar(u'\n') + key;
}

} // namespace

IdempotencyStore::IdempotencyStore(Clock clock) : m_clock(std::move(clock))
{
    if (!m_clock)
        m_clock = [] { return QDateTime::currentSecsSinceEpoch(); };
}

void IdempotencyStore::prune()
{
    const qint64 cutoff = m_clock() - kTtlSeconds;
    while (!m_order.empty() && (m_order.front().first <= cutoff || m_entries.size() >= kMaxEntries)) {
        const auto &[storedAt, key] = m_order.front();
        const auto it = m_entries.constFind(key);
        if (it != m_entries.constEnd() && it->storedAt == storedAt)
            m_entries.erase(it);
        m_order.pop_front();
    }
}

IdempotencyStore::Lookup IdempotencyStore::find(const QString &scope, const QString &key, const QByteArray &fingerprint)
{
    prune();
    const auto it = m_entries.constFind(entryKey(scope, key));
    if (it == m_entries.constEnd())
        return {};
    if (it->fingerprint != fingerprint)
        return {Outcome::Mismatch, {}};
    return {Outcome::Replay, it->response};
}

void IdempotencyStore::store(const QString &scope, const QString &key, const QByteArray &fingerprint,
                             const HttpResponse &response)
{
    prune();
    const QString k = entryKey(scope, key);
    const qint64 now = m_clock();
    m_entries.insert(k, Entry{fingerprint, response, now});
    m_order.emplace_back(now, k);
}

} // namespace rdk::sandbox

#include "sync/queueboard.h"

#include <QMutexLocker>

#include <algorithm>

namespace rdk::sync {

QueueStanding queueStanding(qint64 before, qint64 own, int perMinute, qint64 releaseAtMs, qint64 nowMs)
{
    const qint64 through = std::max<qint64>(0, before) + std::max<qint64>(1, own);
    const qint64 admitted = rdk::admittedCount(perMinute, releaseAtMs, nowMs);
    QueueStanding standing;
    standing.admitted = through <= admitted;
    standing.position = std::max<qint64>(0, through - admitted);
    standing.ahead = std::max<qint64>(0, before - admitted);
    if (!standing.admitted) {
        if (perMinute <= 0) {
            standing.estimateSeconds = -1;
        } else {
            // admitted(t) >= through once perMinute * (t - release) / 60000 > through - 1.
            const qint64 readyAtMs = releaseAtMs + ((through - 1) * 60'000) / perMinute + 1;
            standing.estimateSeconds = std::max<qint64>(0, (readyAtMs - nowMs + 999) / 1000);
        }
    }
    return standing;
}

void QueueBoard::recordJoin(const QString &releaseId, qint64 joinedAtMs)
{
    const qint64 bucket = queueBucket(joinedAtMs);
    const QMutexLocker lock(&m_mutex);
    Release &release = m_releases[releaseId];
    release.local[bucket] += 1;
    release.pending[bucket] += 1;
}

QHash<QString, QueueBoard::Histogram> QueueBoard::unpublished() const
{
    const QMutexLocker lock(&m_mutex);
    QHash<QString, Histogram> out;
    for (auto it = m_releases.cbegin(); it != m_releases.cend(); ++it)
        if (!it->pending.isEmpty())
            out.insert(it.key(), it->local);
    return out;
}

void QueueBoard::refreshed(const QString &releaseId, const Histogram *published, const Histogram &summed)
{
    std::vector<std::pair<qint64, qint64>> cumulative;
    cumulative.reserve(size_t(summed.size()));
    qint64 running = 0;
    for (auto it = summed.cbegin(); it != summed.cend(); ++it) {
        running += std::max<qint64>(0, it.value());
        cumulative.emplace_back(it.key(), running);
    }
    const QMutexLocker lock(&m_mutex);
    Release &release = m_releases[releaseId];
    release.cumulative = std::move(cumulative);
    if (published) {
        // Tickets issued while the publish was on its way stay pending for the next one.
        Histogram pending;
        for (auto it = release.local.cbegin(); it != release.local.cend(); ++it) {
            const qint64 missing = it.value() - published->value(it.key());
            if (missing > 0)
                pending.insert(it.key(), missing);
        }
        release.pending = std::move(pending);
    }
}

qint64 QueueBoard::summedUpTo(const Release &release, qint64 bucket, bool inclusive)
{
    const auto &c = release.cumulative;
    // The last entry whose bucket is < bucket (or <= when inclusive).
    auto it = inclusive ? std::upper_bound(c.begin(), c.end(), bucket, [](qint64 b, const auto &e) { return b < e.first; })
                        : std::lower_bound(c.begin(), c.end(), bucket, [](const auto &e, qint64 b) { return e.first < b; });
    return it == c.begin() ? 0 : std::prev(it)->second;
}

qint64 QueueBoard::unpublishedUpTo(const Release &release, qint64 bucket, bool inclusive)
{
    // Only the tickets of about the last second are pending: a short walk.
    qint64 count = 0;
    for (auto it = release.pending.cbegin(); it != release.pending.cend(); ++it) {
        if (it.key() > bucket || (!inclusive && it.key() == bucket))
            break;
        count += it.value();
    }
    return count;
}

QueueStanding QueueBoard::standing(const QString &releaseId, qint64 joinedAtMs, int perMinute, qint64 releaseAtMs,
                                   qint64 nowMs) const
{
    const qint64 bucket = queueBucket(joinedAtMs);
    qint64 before = 0;
    qint64 through = 0;
    {
        const QMutexLocker lock(&m_mutex);
        const auto it = m_releases.constFind(releaseId);
        if (it != m_releases.cend()) {
            before = summedUpTo(*it, bucket, false) + unpublishedUpTo(*it, bucket, false);
            through = summedUpTo(*it, bucket, true) + unpublishedUpTo(*it, bucket, true);
        }
    }
    return queueStanding(before, through - before, perMinute, releaseAtMs, nowMs);
}

qint64 QueueBoard::total(const QString &releaseId) const
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_releases.constFind(releaseId);
    if (it == m_releases.cend())
        return 0;
    const qint64 summed = it->cumulative.empty() ? 0 : it->cumulative.back().second;
    qint64 unpublished = 0;
    for (const qint64 count : it->pending)
        unpublished += count;
    return summed + unpublished;
}

void QueueBoard::forget(const QString &releaseId)
{
    const QMutexLocker lock(&m_mutex);
    m_releases.remove(releaseId);
}

} // namespace rdk::sync

#pragma once

// The waiting room's arithmetic, shared by every rdk-sync process (issue 15, ADR 0030).
//
// Each process counts the tickets it issued per release in 100 ms buckets of join time and
// publishes that histogram once a second (rdk.queue_publish); it reads back the histogram summed
// over every process (rdk.queue_counts). From those alone every process gives the same answer:
//   admitted(t) = ceil(admit_per_minute * max(0, t - release_at) / 60 s)
// and a ticket is admitted when the tickets up to and including its bucket are <= admitted(t).
// The database sees one small write per process per second, never one per visitor.

#include "domain/release.h"   // admittedCount: the arithmetic every process shares

#include <QHash>
#include <QMap>
#include <QMutex>
#include <QString>

#include <vector>

namespace rdk::sync {

inline constexpr qint64 kQueueBucketMs = 100;

/// Where a ticket stands at a moment.
struct QueueStanding final {
    qint64 position = 0;        ///< tickets up to and including this one not yet admitted (0 when admitted)
    qint64 ahead = 0;           ///< tickets of earlier buckets not yet admitted
    qint64 estimateSeconds = 0; ///< until admission at the release's rate (0 when admitted)
    bool admitted = false;
};

/// The start of the 100 ms bucket of a join time.
constexpr qint64 queueBucket(qint64 joinedAtMs)
{
    return joinedAtMs - ((joinedAtMs % kQueueBucketMs) + kQueueBucketMs) % kQueueBucketMs;
}

/// Where a ticket of bucket `bucket` stands, given the tickets of earlier buckets (`before`)
/// and of its own bucket (`own`, counted as at least 1: its own ticket).
QueueStanding queueStanding(qint64 before, qint64 own, int perMinute, qint64 releaseAtMs, qint64 nowMs);

/// Per release: this process's issued-ticket histogram and the summed histogram of every
/// process. Thread-safe.
class QueueBoard final {
public:
    using Histogram = QMap<qint64, qint64>;   // bucket start (unix ms) -> tickets

    /// Counts a ticket this process issued.
    void recordJoin(const QString &releaseId, qint64 joinedAtMs);

    /// The full local histogram of every release with tickets not yet published.
    QHash<QString, Histogram> unpublished() const;
    /// One refresh: `published` (as returned by unpublished(), or nullptr when nothing was
    /// published) reached the database, then `summed` was read back from it (every process,
    /// this one's published counts included). Both take effect at once.
    void refreshed(const QString &releaseId, const Histogram *published, const Histogram &summed);

    /// Where a ticket joined at `joinedAtMs` stands. The summed counts, plus this process's
    /// tickets that are not published yet.
    QueueStanding standing(const QString &releaseId, qint64 joinedAtMs, int perMinute, qint64 releaseAtMs, qint64 nowMs) const;
    /// Tickets known for a release (summed plus this process's unpublished).
    qint64 total(const QString &releaseId) const;
    /// Forgets a release (canceled, or long past).
    void forget(const QString &releaseId);

private:
    struct Release {
        Histogram local;        // issued here, everything since the start
        Histogram pending;      // issued here and not yet in the database: local minus published
        std::vector<std::pair<qint64, qint64>> cumulative;   // summed: (bucket, tickets up to and including it)
    };
    // Tickets issued here but not yet in the summed counts, up to `bucket` (inclusive or not).
    static qint64 unpublishedUpTo(const Release &release, qint64 bucket, bool inclusive);
    static qint64 summedUpTo(const Release &release, qint64 bucket, bool inclusive);

    mutable QMutex m_mutex;
    QHash<QString, Release> m_releases;
};

} // namespace rdk::sync

#pragma once

// Reading a release's schedule as the database returns it, shared by the storefront's reads
// (PgReleases: rdk.storefront_releases) and the desk's (PgReleaseAdmin: rdk.release_overview).

#include "data/pgvalues.h"
#include "domain/release.h"

#include <pqxx/pqxx>

namespace rdk::data {

/// The schedule's columns, in the order readReleaseSchedule() expects them.
inline constexpr const char *kReleaseScheduleColumns =
    "coalesce(array_to_string(sizes, ','), ''), (extract(epoch FROM release_at) * 1000)::bigint, visibility, allocation, "
    "admit_per_minute, limit_per_buyer, pow_bits, (extract(epoch FROM queue_opens_at) * 1000)::bigint, "
    "(extract(epoch FROM entries_close_at) * 1000)::bigint";
inline constexpr int kReleaseScheduleColumnCount = 9;

/// Fills the schedule of `release` (a Release or a ReleaseSummary) from the columns of
/// kReleaseScheduleColumns, starting at `first`.
template <typename ReleaseRow>
void readReleaseSchedule(const pqxx::row &r, int first, ReleaseRow &release)
{
    release.sizes = text(r[first]).split(u',', Qt::SkipEmptyParts);
    release.releaseAt = fromMillis(r[first + 1]);
    release.visibility = releaseVisibilityFromString(text(r[first + 2])).value_or(ReleaseVisibility::ComingSoon);
    release.allocation = releaseAllocationFromString(text(r[first + 3])).value_or(ReleaseAllocation::Queue);
    release.admitPerMinute = r[first + 4].as<int>();
    release.limitPerBuyer = r[first + 5].as<int>();
    release.powBits = r[first + 6].as<int>();
    release.queueOpensAt = fromMillis(r[first + 7]);
    release.entriesCloseAt = fromMillis(r[first + 8]);
}

} // namespace rdk::data

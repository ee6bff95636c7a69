#pragma once

// rdk-sync's side of drop day (migration 0022, module releases.sql, ADR 0026): the releases in
// force with their secrets, the waiting room's published counts, raffle entries, claim links
// and the sweep that moves lapsed winners. Each call is one function of the database, which
// checks the shop (the service login's) and every rule.

#include "data/pgsession.h"
#include "domain/release.h"
#include "domain/result.h"

#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace rdk::data {

class PgReleases final {
public:
    explicit PgReleases(PgSession &session) : m_session(session) {}

    /// The shop's releases that are not canceled and were released less than 7 days ago, with
    /// the secret that signs their challenges and tickets (rdk.storefront_releases).
    Result<QList<Release>> storefrontReleases();

    /// Replaces this process's ticket counts per 100 ms bucket of join time (ms since 1970).
    Status publishQueue(const QString &releaseId, const QString &process, const QMap<qint64, int> &countsByBucketMs);

    /// Tickets per bucket summed over every process, in join order.
    Result<QList<QPair<qint64, qint64>>> queueCounts(const QString &releaseId);

    /// One raffle entry; its id. Refusals (a second entry by the same person, outside the
    /// window, a size not in the raffle) come back with their sentence.
    Result<qint64> enterRaffle(const QString &releaseId, const QString &email, const QString &size);

    /// The entry behind a claim link, or nullopt for an unknown code.
    Result<std::optional<RaffleClaim>> claimStatus(const QString &claimCode);

    /// Lapses winners past their deadline and promotes the next entries; how many moved.
    Result<int> sweep();

    /// A drawn raffle's entries for checking, in draw order, and its seed.
    Result<QPair<QString, QList<RaffleResult>>> results(const QString &releaseId);

private:
    PgSession &m_session;
};

/// The recorded draw of a release (seed, stock at the draw, every entry with its key, rank and
/// outcome) for `rdk-admin raffle verify`; `session` is the owner's (it reads e-mail keys).
/// nullopt for an unknown release.
Result<std::optional<RaffleRecord>> readRaffleRecord(PgSession &session, const QString &releaseId);

/// Whether a raffle's results carry each winner's time to pay by: staff read it from
/// raffle_entries (a column granted to them); rdk-sync publishes the results without it.
enum class ClaimDeadlines { Omit, Read };

/// Reads rdk.raffle_results rows (shared by the service and the desk).
Result<QPair<QString, QList<RaffleResult>>> readRaffleResults(PgSession &session, const QString &releaseId,
                                                              ClaimDeadlines deadlines = ClaimDeadlines::Omit);

} // namespace rdk::data

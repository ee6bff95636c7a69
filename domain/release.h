#pragma once

// Drop day (issue 15, ADR 0026): a scheduled release of a product or some of its sizes, sold
// first come first served through rdk-sync's waiting room or to raffle winners. The database
// (module releases.sql) enforces every rule; what is here is what more than one binary needs
// to compute alike: the waiting room's admission arithmetic and the raffle draw's order.

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include "domain/result.h"

#include <optional>

namespace rdk {

enum class ReleaseVisibility { Hidden, ComingSoon };
enum class ReleaseAllocation { Queue, Raffle };
enum class RaffleEntryState { Entered, Won, Lost, Lapsed, Claimed };

QString toString(ReleaseVisibility v);  ///< "hidden" | "coming_soon"
QString toString(ReleaseAllocation a);  ///< "queue" | "raffle"
QString toString(RaffleEntryState s);   ///< "entered" | "won" | "lost" | "lapsed" | "claimed"
std::optional<ReleaseVisibility> releaseVisibilityFromString(const QString &s);
std::optional<ReleaseAllocation> releaseAllocationFromString(const QString &s);
std::optional<RaffleEntryState> raffleEntryStateFromString(const QString &s);

/// A release as rdk-sync sees it (rdk.storefront_releases): everything the storefront, the
/// waiting room and the raffle pages need, with the secret that signs challenges and tickets.
struct Release final {
    QString id;
    QString productId;
    QString sku;
    QStringList sizes;  ///< empty: every size of the product
    QDateTime releaseAt;
    ReleaseVisibility visibility = ReleaseVisibility::ComingSoon;
    ReleaseAllocation allocation = ReleaseAllocation::Queue;
    int admitPerMinute = 60;
    int limitPerBuyer = 1;
    int powBits = 18;
    QDateTime queueOpensAt;
    QDateTime entriesCloseAt;  ///< raffle only
    QDateTime drawnAt;         ///< raffle, once drawn
    QByteArray secret;         ///< 32 bytes; never logged, never sent to a browser
    QString timeZone;          ///< the shop's (IANA name)

    /// Whether `size` (empty for flat stock) is one the release covers.
    bool covers(const QString &size) const { return sizes.isEmpty() || sizes.contains(size); }
};

/// A release as the desk's Releases screen lists it (rdk.release_overview).
struct ReleaseSummary final {
    QString id;
    QString sku;
    QString productName;
    QStringList sizes;
    QDateTime releaseAt;
    ReleaseVisibility visibility = ReleaseVisibility::ComingSoon;
    ReleaseAllocation allocation = ReleaseAllocation::Queue;
    int admitPerMinute = 60;
    int limitPerBuyer = 1;
    int powBits = 18;
    QDateTime queueOpensAt;
    QDateTime entriesCloseAt;
    int claimHours = 0;
    QDateTime drawnAt;
    QDateTime canceledAt;
    QString timeZone;
    int entries = 0;
    int won = 0;
    int claimed = 0;
    int sold = 0;       ///< pairs in paid orders
    int held = 0;       ///< pairs in orders waiting for payment
    int stockLeft = 0;  ///< on hand minus held, over the release's sizes
};

/// What staff set when scheduling or changing a release (rdk.set_release). Unset optionals
/// take the database's defaults (queue opens 30 min before, 60/min, 1 pair, 18 bits, 48 h).
struct ReleaseSettings final {
    QString sku;
    QStringList sizes;  ///< empty: every size
    QDateTime releaseAt;
    ReleaseVisibility visibility = ReleaseVisibility::ComingSoon;
    ReleaseAllocation allocation = ReleaseAllocation::Queue;
    std::optional<int> admitPerMinute;
    std::optional<int> limitPerBuyer;
    std::optional<int> powBits;
    QDateTime queueOpensAt;    ///< invalid: release time − 30 min
    QDateTime entriesCloseAt;  ///< raffle: required
    std::optional<int> claimHours;
};

/// One line of a drawn raffle as published for checking (rdk.raffle_results).
struct RaffleResult final {
    QString emailHash;  ///< hex sha256 of the entry's e-mail key
    QString size;
    int drawRank = 0;
    RaffleEntryState state = RaffleEntryState::Entered;
    QString drawKey;    ///< hex sha256(seed + ":" + e-mail key)
    QDateTime claimDeadline;   ///< a winner's time to pay by (staff's read only; invalid otherwise)
};

/// The raffle claim link's entry (rdk.raffle_claim_status).
struct RaffleClaim final {
    RaffleEntryState state = RaffleEntryState::Won;
    QString size;
    QDateTime deadline;
    QString productName;
    QString sku;
    QString releaseId;
    QString timeZone;
};

/// Queue tickets let through `now`: ceil(ratePerMinute × max(0, now − releaseAt) / 60 s).
/// Every rdk-sync process computes the same number from the same inputs (times in unix ms).
qint64 admittedCount(int ratePerMinute, qint64 releaseAtMs, qint64 nowMs);
qint64 admittedCount(int ratePerMinute, const QDateTime &releaseAt, const QDateTime &now);

/// The waiting-room ticket's signed part and its check (spec: v1.<release>.<join ms>.<24 hex>.<hmac hex>).
QByteArray ticketPayload(const QString &releaseId, qint64 joinMs, const QString &nonceHex);
QString signTicket(const QByteArray &secret, const QString &releaseId, qint64 joinMs, const QString &nonceHex);

/// THE DRAW's order key of one entry: hex SHA-256 of UTF-8 `seed + ":" + emailKey`.
QString raffleDrawKey(const QString &seed, const QString &emailKey);

/// One entry of a raffle for re-running its draw.
struct RaffleDrawEntry final {
    qint64 id = 0;
    QString emailKey;
    QString size;  ///< empty for flat stock
};

/// One entry's outcome of a (re-)run draw.
struct RaffleDrawOutcome final {
    qint64 id = 0;
    int rank = 0;
    bool won = false;
    QString drawKey;
};

/// Re-runs THE DRAW (docs/DROPS.md): entries in byte order of their draw key (ties, which
/// need equal keys, by id); an entry wins while its size has pairs left in `stock` (size ->
/// pairs at draw time). Returns the outcomes in draw order.
QList<RaffleDrawOutcome> runRaffleDraw(const QString &seed, QList<RaffleDrawEntry> entries,
                                       QList<QPair<QString, int>> stock);

/// A drawn raffle as recorded: what anyone needs to re-run THE DRAW and compare.
struct RaffleRecordEntry final {
    qint64 id = 0;
    QString emailKey;
    QString size;
    int drawRank = 0;
    bool wonAtDraw = false;
};

struct RaffleRecord final {
    QString releaseId;
    QString seed;                      ///< empty: not drawn yet
    QList<QPair<QString, int>> stock;  ///< pairs per size at the draw
    QList<RaffleRecordEntry> entries;
};

/// Re-runs the recorded draw and lists every difference from what was recorded, in sentences
/// ("entry 12: ranked 3, re-run ranks 4"); empty when every rank and every winner matches.
QStringList raffleDrawMismatches(const RaffleRecord &record);

/// The desk's side of releases (ops and admin change them; every staff role reads). The
/// database decides every rule and answers refusals with a sentence.
class ReleaseAdmin {
public:
    virtual ~ReleaseAdmin() = default;
    /// The shop's releases, newest release time first, with their counts.
    virtual Result<QList<ReleaseSummary>> overview() = 0;
    /// Schedules a release (`releaseId` empty) or changes one before it starts; its id.
    virtual Result<QString> save(const QString &releaseId, const ReleaseSettings &settings) = 0;
    virtual Status cancel(const QString &releaseId, const QString &reason) = 0;
    /// Draws a closed raffle once; an empty seed lets the database make a random one. The winners' count.
    virtual Result<int> draw(const QString &releaseId, const QString &seed) = 0;
    /// A drawn raffle's entries for checking, in draw order, and its seed.
    virtual Result<QPair<QString, QList<RaffleResult>>> results(const QString &releaseId) = 0;
};

} // namespace rdk

#pragma once

// Releases as the desk sees them (issue 15, "Drop day"): what the Releases window lists, what
// the New/Edit dialog sends, a raffle's draw and its results. The database decides and checks
// everything (rdk.set_release, rdk.cancel_release, rdk.release_overview, rdk.raffle_draw,
// rdk.raffle_results; module releases.sql); this header holds the shapes the window needs and the
// few rules it shows before anyone presses a button (state, countdown, the proof-of-work hint).

#include "domain/result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <memory>

namespace rdk {

/// First come, first served through the storefront's waiting room, or a raffle.
enum class ReleaseAllocationKind { Queue, Raffle };
/// Before release time: absent from the storefront, or listed with a countdown.
enum class ReleaseVisibilityKind { Hidden, ComingSoon };

QString toString(ReleaseAllocationKind allocation);   ///< "queue", "raffle"
QString toString(ReleaseVisibilityKind visibility);   ///< "hidden", "coming_soon"
/// "First come, first served (queue)", "Raffle".
QString describe(ReleaseAllocationKind allocation);
/// "Hidden until release", "Coming soon with a countdown".
QString describe(ReleaseVisibilityKind visibility);

/// Bounds the database enforces too (rdk.set_release); the dialog's fields use them.
inline constexpr int MinAdmitPerMinute = 1;
inline constexpr int MaxAdmitPerMinute = 100000;
inline constexpr int MinPairsPerBuyer = 1;
inline constexpr int MaxPairsPerBuyer = 10;
inline constexpr int MinProofOfWorkBits = 0;
inline constexpr int MaxProofOfWorkBits = 26;
inline constexpr int DefaultProofOfWorkBits = 18;
inline constexpr int DefaultQueueLeadMinutes = 30;   ///< the waiting room opens this long before
inline constexpr int MinClaimHours = 1;
inline constexpr int MaxClaimHours = 168;
inline constexpr int MaxCancelReasonLength = 200;

/// What the New/Edit release dialog sends. Times are instants (UTC inside); the dialog shows
/// and reads them in the shop's time zone.
struct ReleaseDraft final {
    QString id;                       ///< empty: a new release
    QString sku;
    bool allSizes = true;             ///< every size of the product is in the release
    QStringList sizes;                ///< when !allSizes: only these sizes
    QDateTime releaseAt;
    ReleaseVisibilityKind visibility = ReleaseVisibilityKind::ComingSoon;
    ReleaseAllocationKind allocation = ReleaseAllocationKind::Queue;
    int admitPerMinute = 60;          ///< queue: ticket holders let through per minute
    int limitPerBuyer = 1;            ///< pairs per buyer
    int powBits = DefaultProofOfWorkBits;
    QDateTime queueOpensAt;           ///< invalid: release time − 30 min
    QDateTime entriesCloseAt;         ///< raffle: when entries close (before the draw)
    int claimHours = 24;              ///< raffle: a winner's time to pay
};

/// One release as the Releases window lists it (rdk.release_overview), with its counts.
struct ReleaseSummary final {
    QString id;
    QString productId;
    QString sku;
    QString productName;
    bool allSizes = true;
    QStringList sizes;                ///< the release's sizes when !allSizes
    QDateTime releaseAt;
    ReleaseVisibilityKind visibility = ReleaseVisibilityKind::ComingSoon;
    ReleaseAllocationKind allocation = ReleaseAllocationKind::Queue;
    int admitPerMinute = 0;
    int limitPerBuyer = 1;
    int powBits = DefaultProofOfWorkBits;
    QDateTime queueOpensAt;
    QDateTime entriesCloseAt;
    int claimHours = 24;
    QString drawSeed;                 ///< empty until drawn
    QDateTime drawnAt;                ///< invalid until drawn
    QString drawnBy;
    QDateTime canceledAt;             ///< invalid unless canceled
    int entries = 0;                  ///< raffle entries
    int won = 0;                      ///< winners who have not paid yet
    int claimed = 0;                  ///< winners who paid
    int sold = 0;                     ///< pairs of the release's sizes in paid orders
    int held = 0;                     ///< pairs held by open (unpaid) orders
    int stockLeft = 0;                ///< on hand minus held, over the release's sizes

    /// "All sizes" or "9, 9.5, 10".
    QString sizesText() const;
    /// The draft that edits this release as it stands.
    ReleaseDraft toDraft() const;
};

/// Where a release stands at `now`, as the window's State column says it.
enum class ReleaseStage {
    Upcoming,        ///< before its waiting room / raffle entries open
    QueueOpen,       ///< queue: the waiting room takes tickets; sale not started
    EntriesOpen,     ///< raffle: entries are being taken
    AwaitingDraw,    ///< raffle: entries closed, not drawn yet
    OnSale,          ///< queue: release time passed, pairs left
    Drawn,           ///< raffle: drawn, winners paying
    SoldOut,         ///< release time passed and no pair is left or held
    Ended,           ///< more than a week after release (the storefront stops treating it as one)
    Canceled,
};

/// How long after its release time a release still counts as one (the storefront's rule).
inline constexpr qint64 ReleaseActiveSeconds = 7 * 24 * 3600;

/// The default opening of a release's waiting room: release time − 30 min.
QDateTime defaultQueueOpensAt(const QDateTime &releaseAt);
ReleaseStage releaseStage(const ReleaseSummary &release, const QDateTime &now);
/// "Upcoming", "Queue open", "Entries open", "Waiting for the draw", "On sale", "Drawn",
/// "Sold out", "Ended", "Canceled".
QString describe(ReleaseStage stage);
/// What the window shows next to the state: the time to the next moment that matters
/// ("opens in 1 d 02:10:05", "on sale in 00:04:59", "entries close in 3 h 05 min") or what
/// happened ("released 2 h ago"); empty when nothing more will happen.
QString releaseCountdown(const ReleaseSummary &release, const QDateTime &now);
/// "in 1 d 02:10:05" / "in 00:04:59": seconds as a countdown (negative counts as zero).
QString countdownText(qint64 seconds);

/// A plain-language hint of what `bits` of proof-of-work cost a shopper's browser: expected
/// 2^bits SHA-256 attempts at the rates below. "No proof of work: bots are stopped only by the
/// honeypot and rate limits." for 0.
QString proofOfWorkHint(int bits);
/// The rates the hint assumes (pure-JS SHA-256 in a browser tab; see docs/DROPS-DESK.md).
inline constexpr double PhoneHashesPerSecond = 150'000;
inline constexpr double ComputerHashesPerSecond = 1'000'000;

/// What the dialog can judge before sending (the database checks all of it again and more):
/// a SKU, at least one size when not all, a release time in the future, the ranges above, and
/// for a raffle an entry close between the queue opening and the release time.
Status checkReleaseDraft(const ReleaseDraft &draft, const QDateTime &now);

/// The product a SKU names, with its size run, for the dialog's size boxes.
struct ReleaseProduct final {
    QString productId;
    QString sku;
    QString name;
    QStringList sizes;                ///< empty for flat stock
};

/// What a draw recorded (rdk.raffle_draw).
struct RaffleDrawOutcome final {
    QString seed;
    int won = 0;
    int lost = 0;
    QDateTime drawnAt;
};

enum class RaffleEntryStage { Entered, Won, Lost, Lapsed, Claimed };
/// "entered", "won", "lost", "lapsed", "claimed".
QString toString(RaffleEntryStage stage);
/// Nullopt for anything else.
std::optional<RaffleEntryStage> raffleEntryStageFromString(const QString &text);
/// "Won — not paid yet", "Claimed (paid)", ...
QString describe(RaffleEntryStage stage);

/// One entry as rdk.raffle_results lists it: no e-mail, its hash, so the list can be shared.
struct RaffleResultRow final {
    QString emailHash;
    QString size;
    int rank = 0;
    RaffleEntryStage stage = RaffleEntryStage::Entered;
    QDateTime claimDeadline;          ///< winners only
};

/// The Releases window's store. Each call is one transaction and may block: call it from a
/// worker thread with a store of its own. The database decides who may do what (ops and
/// admins schedule, cancel and draw; every staff member reads) and answers refusals with a
/// sentence in Error::message.
class ReleaseBook {
public:
    virtual ~ReleaseBook() = default;
    /// Upcoming and recent releases, newest release time first.
    virtual Result<QList<ReleaseSummary>> releases() = 0;
    /// The product with this SKU and its sizes. NotFound with a sentence when there is none.
    virtual Result<ReleaseProduct> product(const QString &sku) = 0;
    /// Creates (empty id) or changes a release; returns its id.
    virtual Result<QString> save(const ReleaseDraft &draft) = 0;
    virtual Status cancel(const QString &releaseId, const QString &reason) = 0;
    /// Draws a raffle once its entries have closed, with a seed the database makes.
    virtual Result<RaffleDrawOutcome> draw(const QString &releaseId) = 0;
    virtual Result<QList<RaffleResultRow>> results(const QString &releaseId) = 0;
};

using ReleaseBookFactory = std::function<Result<std::unique_ptr<ReleaseBook>>()>;

} // namespace rdk

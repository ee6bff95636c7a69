#pragma once

// Releases as the desk's Releases window sees them (issue 15, "Drop day"). The types and the
// store are dropdb's (domain/release.h: ReleaseSummary, ReleaseSettings, RaffleResult,
// ReleaseAdmin); this header adds what the window needs on top: the product a SKU names with its
// sizes, and the rules it shows before anyone presses a button (where a release stands and its
// countdown, what proof-of-work costs a shopper, the form's own checks). The database decides
// and checks everything again (module releases.sql).

#include "domain/release.h"
#include "domain/result.h"
#include "domain/staff.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

/// "Queue (first come, first served)", "Raffle".
QString describe(ReleaseAllocation allocation);
/// "Hidden until release", "Coming soon, with a countdown".
QString describe(ReleaseVisibility visibility);
/// "Won, not paid yet", "Claimed (paid)", ...
QString describe(RaffleEntryState state);

/// Bounds and defaults the database enforces too (rdk.set_release); the dialog's fields use them.
inline constexpr int MinAdmitPerMinute = 1;
inline constexpr int MaxAdmitPerMinute = 100000;
inline constexpr int DefaultAdmitPerMinute = 60;
inline constexpr int MinPairsPerBuyer = 1;
inline constexpr int MaxPairsPerBuyer = 10;
inline constexpr int MinProofOfWorkBits = 0;
inline constexpr int MaxProofOfWorkBits = 26;
inline constexpr int DefaultProofOfWorkBits = 18;
inline constexpr int DefaultQueueLeadMinutes = 30;   ///< the waiting room opens this long before
inline constexpr int MinClaimHours = 1;
inline constexpr int MaxClaimHours = 168;
inline constexpr int DefaultClaimHours = 48;
inline constexpr int MaxCancelReasonLength = 200;

/// "All sizes" or "9, 9.5, 10".
QString releaseSizesText(const ReleaseSummary &release);
/// The settings that change this release as it stands.
ReleaseSettings settingsOf(const ReleaseSummary &release);

/// Where a release stands at `now`, as the window's State column says it.
enum class ReleaseStage {
    Upcoming,        ///< before its waiting room / raffle entries open
    QueueOpen,       ///< queue: the waiting room takes tickets; sale not started
    EntriesOpen,     ///< raffle: entries are being taken
    AwaitingDraw,    ///< raffle: entries closed, not drawn yet
    OnSale,          ///< queue: release time passed, pairs left
    Drawn,           ///< raffle: drawn, winners paying
    SoldOut,         ///< release time passed and no pair is left or held
    Ended,           ///< more than a week after release (it no longer counts as a release)
    Canceled,
};

/// How long after its release time a release still counts as one (rdk.release_in_force).
inline constexpr qint64 ReleaseActiveSeconds = 7 * 24 * 3600;

/// The default opening of a release's waiting room: release time − 30 min.
QDateTime defaultQueueOpensAt(const QDateTime &releaseAt);
ReleaseStage releaseStage(const ReleaseSummary &release, const QDateTime &now);
/// True once the release time has passed or the raffle was drawn: the database then only
/// cancels it ("This release has started; it can only be canceled.").
bool releaseStarted(const ReleaseSummary &release, const QDateTime &now);
/// Who may schedule, change, cancel and draw releases: operations staff and administrators
/// (the database's grants on rdk.set_release, rdk.cancel_release and rdk.raffle_draw).
bool mayManageReleases(StaffRole role);
/// "Upcoming", "Queue open", "Entries open", "Waiting for the draw", "On sale", "Drawn",
/// "Sold out", "Ended", "Canceled".
QString describe(ReleaseStage stage);
/// The time to the next moment that matters ("queue opens in 1 d 02:10:05", "on sale in
/// 00:04:59", "entries close in 01:00:00") or what happened ("released 2 h ago"); empty when
/// nothing more will happen.
QString releaseCountdown(const ReleaseSummary &release, const QDateTime &now);
/// "in 1 d 02:10:05" / "in 00:04:59": seconds as a countdown (negative counts as zero).
QString countdownText(qint64 seconds);

/// What `bits` of proof-of-work cost a shopper's browser, in plain words: expected 2^bits
/// SHA-256 attempts at the rates below.
QString proofOfWorkHint(int bits);
/// The rates the hint assumes: pure-JS SHA-256 in a browser tab (drop.js uses no crypto.subtle),
/// a mid-range phone and a laptop. Estimates, not measurements of a shopper's device.
inline constexpr double PhoneHashesPerSecond = 150'000;
inline constexpr double ComputerHashesPerSecond = 1'000'000;

/// What the dialog can judge before sending (the database checks all of it again and more):
/// a SKU, a release time in the future for a new release, the ranges above, a waiting room
/// opening by the release time, and for a raffle an entry close after the opening and by the
/// release time. The error's field names the input at fault.
Status checkReleaseSettings(const ReleaseSettings &settings, bool isNew, const QDateTime &now);

/// The product a SKU names, with the sizes it stocks, for the dialog's size boxes.
struct ReleaseProduct final {
    QString productId;
    QString sku;
    QString name;
    QStringList sizes;                ///< empty for flat stock
};

/// What a draw did, as the window reports it.
struct RaffleDrawSummary final {
    QString seed;
    int won = 0;
    int lost = 0;
};

/// The Releases window's store: dropdb's ReleaseAdmin plus the product lookup of the New/Edit
/// dialog. Each call is one transaction and may block: call it from a worker thread with a store
/// of its own.
class ReleaseBook : public ReleaseAdmin {
public:
    /// The shop's product with this SKU (any case) and its sizes. NotFound with a sentence when
    /// there is none.
    virtual Result<ReleaseProduct> product(const QString &sku) = 0;

    /// Draws with a seed the database makes, then reads the results: the seed and the counts.
    Result<RaffleDrawSummary> drawAndSummarize(const QString &releaseId);
};

using ReleaseBookFactory = std::function<Result<std::unique_ptr<ReleaseBook>>()>;

} // namespace rdk

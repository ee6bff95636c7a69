#pragma once

// Drop day's storefront pages (issue 15): the countdown on a coming-soon product, the waiting
// room, the raffle's entry, confirmation and claim pages. Pure functions like the rest of
// sync/storefront: data in, escaped UTF-8 out, no inline script or style (drop.js does the
// countdown, the proof of work and the polling; every page still reads right without it).

#include "sync/queueboard.h"
#include "sync/storefront/storefrontpages.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk::sync {

/// What the pages need to know about a release.
struct DropView final {
    QString releaseId;
    QString sku;
    QString productName;
    QDateTime releaseAt;        ///< UTC
    QDateTime queueOpensAt;     ///< waiting room or raffle entries open
    QDateTime entriesCloseAt;   ///< raffle only
    QString timeZone;           ///< the shop's IANA zone, for times written out
    bool raffle = false;
    bool comingSoon = true;     ///< false: hidden before release_at (the page is not shown at all)
    QStringList sizes;          ///< the release's sizes; empty = every size of the product
    int limitPerBuyer = 1;
    int admitPerMinute = 0;
    bool drawn = false;
};

/// "/drops/<sku>" (the SKU percent-encoded).
QString dropPath(const QString &sku);

/// "Saturday 12 December 2026, 10:00 (Europe/Berlin)": a time as the shop's clock shows it.
QString formatShopTime(const QDateTime &utc, const QString &timeZone);

/// What a release puts on its product's page at `now`: the countdown and the way into the
/// waiting room or the raffle before the release; after it, the note that release sizes need a
/// turn in the waiting room (queue) or a winning entry (raffle).
ProductPageExtras dropProductExtras(const DropView &drop, const QDateTime &now);

/// GET /drops/{sku}. `standing` is this shopper's place (nullopt: no ticket yet, the join form
/// is shown while the waiting room is open). `notice` explains a refused join (empty: none).
QByteArray renderWaitingRoomPage(const PageContext &context, const DropView &drop, const std::optional<QueueStanding> &standing,
                                 const QDateTime &now, const QString &notice);

/// What a shopper typed into the raffle form, and why it was refused.
struct RaffleEntryForm final {
    QString email;
    QString size;
    QString problem;
};

/// GET /drops/{sku} of a raffle: the entry form (e-mail, size, proof of work) while entries are
/// open; otherwise when they open or that they closed. `sizes` are the sizes one may enter for.
QByteArray renderRaffleEntryPage(const PageContext &context, const DropView &drop, const QStringList &sizes,
                                 const RaffleEntryForm &form, const QDateTime &now);
/// GET /drops/{sku}/entered: the entry is in; when the draw happens and how winners hear.
QByteArray renderRaffleEnteredPage(const PageContext &context, const DropView &drop);

/// A raffle entry as its claim link shows it (rdk.raffle_claim_status).
struct RaffleClaimView final {
    QString code;
    QString state;          ///< entered | won | lost | lapsed | claimed
    QString size;
    QDateTime deadline;     ///< a winner's time to pay
    QString productName;
    QString sku;
};
/// GET /drops/{sku}/claim/{code}: won (with the pay button), lost, lapsed or already claimed.
QByteArray renderRaffleClaimPage(const PageContext &context, const RaffleClaimView &claim, const QString &timeZone,
                                 const QDateTime &now, const QString &notice);

} // namespace rdk::sync

#include "domain/releasebook.h"

#include "domain/sku.h"

#include <QtMath>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString describe(ReleaseAllocation allocation)
{
    return allocation == ReleaseAllocation::Raffle ? u"Raffle"_s
                                                       : u"Queue (first come, first served)"_s;
}

QString describe(ReleaseVisibility visibility)
{
    return visibility == ReleaseVisibility::Hidden ? u"Hidden until release"_s
                                                       : u"Coming soon, with a countdown"_s;
}

QString releaseSizesText(const ReleaseSummary &release)
{
    return release.sizes.isEmpty() ? u"All sizes"_s : release.sizes.join(u", "_s);
}

ReleaseSettings settingsOf(const ReleaseSummary &r)
{
    ReleaseSettings s;
    s.sku = r.sku;
    s.sizes = r.sizes;
    s.releaseAt = r.releaseAt;
    s.visibility = r.visibility;
    s.allocation = r.allocation;
    s.admitPerMinute = r.admitPerMinute > 0 ? r.admitPerMinute : DefaultAdmitPerMinute;
    s.limitPerBuyer = r.limitPerBuyer;
    s.powBits = r.powBits;
    s.queueOpensAt = r.queueOpensAt;
    s.entriesCloseAt = r.entriesCloseAt;
    s.claimHours = r.claimHours > 0 ? r.claimHours : DefaultClaimHours;
    return s;
}

QDateTime defaultQueueOpensAt(const QDateTime &releaseAt)
{
    return releaseAt.addSecs(-qint64(DefaultQueueLeadMinutes) * 60);
}

namespace {

QDateTime opensAt(const ReleaseSummary &r)
{
    return r.queueOpensAt.isValid() ? r.queueOpensAt : defaultQueueOpensAt(r.releaseAt);
}

QString ago(qint64 seconds)
{
    if (seconds < 60)
        return u"just now"_s;
    if (seconds < 3600)
        return u"%1 min ago"_s.arg(seconds / 60);
    if (seconds < 2 * 86400)
        return u"%1 h ago"_s.arg(seconds / 3600);
    return u"%1 days ago"_s.arg(seconds / 86400);
}

} // namespace

ReleaseStage releaseStage(const ReleaseSummary &r, const QDateTime &now)
{
    if (r.canceledAt.isValid())
        return ReleaseStage::Canceled;
    if (r.releaseAt.isValid() && r.releaseAt.secsTo(now) > ReleaseActiveSeconds)
        return ReleaseStage::Ended;
    const bool raffle = r.allocation == ReleaseAllocation::Raffle;
    if (raffle) {
        if (r.drawnAt.isValid())
            return ReleaseStage::Drawn;
        if (now < opensAt(r))
            return ReleaseStage::Upcoming;
        if (!r.entriesCloseAt.isValid() || now < r.entriesCloseAt)
            return ReleaseStage::EntriesOpen;
        return ReleaseStage::AwaitingDraw;
    }
    if (now < opensAt(r))
        return ReleaseStage::Upcoming;
    if (now < r.releaseAt)
        return ReleaseStage::QueueOpen;
    return r.stockLeft <= 0 && r.held <= 0 ? ReleaseStage::SoldOut : ReleaseStage::OnSale;
}

QString describe(ReleaseStage stage)
{
    switch (stage) {
    case ReleaseStage::Upcoming: return u"Upcoming"_s;
    case ReleaseStage::QueueOpen: return u"Queue open"_s;
    case ReleaseStage::EntriesOpen: return u"Entries open"_s;
    case ReleaseStage::AwaitingDraw: return u"Waiting for the draw"_s;
    case ReleaseStage::OnSale: return u"On sale"_s;
    case ReleaseStage::Drawn: return u"Drawn"_s;
    case ReleaseStage::SoldOut: return u"Sold out"_s;
    case ReleaseStage::Ended: return u"Ended"_s;
    case ReleaseStage::Canceled: return u"Canceled"_s;
    }
    return {};
}

QString countdownText(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    const qint64 days = seconds / 86400;
    const qint64 rest = seconds % 86400;
    const QString clock = u"%1:%2:%3"_s.arg(rest / 3600, 2, 10, QChar(u'0'))
                              .arg((rest % 3600) / 60, 2, 10, QChar(u'0'))
                              .arg(rest % 60, 2, 10, QChar(u'0'));
    return days > 0 ? u"in %1 d %2"_s.arg(days).arg(clock) : u"in %1"_s.arg(clock);
}

QString releaseCountdown(const ReleaseSummary &r, const QDateTime &now)
{
    const auto until = [&](const QDateTime &t) { return countdownText(now.secsTo(t)); };
    switch (releaseStage(r, now)) {
    case ReleaseStage::Upcoming:
        return r.allocation == ReleaseAllocation::Raffle ? u"entries open %1"_s.arg(until(opensAt(r)))
                                                             : u"queue opens %1"_s.arg(until(opensAt(r)));
    case ReleaseStage::QueueOpen:
        return u"on sale %1"_s.arg(until(r.releaseAt));
    case ReleaseStage::EntriesOpen:
        return r.entriesCloseAt.isValid() ? u"entries close %1"_s.arg(until(r.entriesCloseAt)) : QString();
    case ReleaseStage::AwaitingDraw:
        return u"entries closed %1"_s.arg(ago(r.entriesCloseAt.secsTo(now)));
    case ReleaseStage::OnSale:
    case ReleaseStage::SoldOut:
        return u"released %1"_s.arg(ago(r.releaseAt.secsTo(now)));
    case ReleaseStage::Drawn:
        return u"drawn %1"_s.arg(ago(r.drawnAt.secsTo(now)));
    case ReleaseStage::Ended:
    case ReleaseStage::Canceled:
        return {};
    }
    return {};
}

namespace {

QString duration(double seconds)
{
    if (seconds < 0.1)
        return u"instant"_s;
    if (seconds < 0.95)
        return u"under a second"_s;
    if (seconds < 1.5)
        return u"about 1 s"_s;
    if (seconds < 90)
        return u"about %1 s"_s.arg(qRound(seconds));
    if (seconds < 5400)
        return u"about %1 min"_s.arg(qRound(seconds / 60));
    return u"about %1 h"_s.arg(qRound(seconds / 3600));
}

} // namespace

QString proofOfWorkHint(int bits)
{
    if (bits <= 0)
        return u"No proof of work: bots are slowed only by the honeypot and rate limits."_s;
    const double attempts = std::ldexp(1.0, bits);
    const double phone = attempts / PhoneHashesPerSecond;
    const double computer = attempts / ComputerHashesPerSecond;
    QString text = u"%1 on a phone, %2 on a computer, per join or entry."_s
                       .arg(duration(phone), duration(computer));
    if (phone > 20)
        text += u' ' + u"Shoppers on older phones may give up."_s;
    else if (phone < 0.2)
        text += u' ' + u"Barely slows a bot down."_s;
    return text.left(1).toUpper() + text.mid(1);
}

bool releaseStarted(const ReleaseSummary &r, const QDateTime &now)
{
    return (r.releaseAt.isValid() && r.releaseAt <= now) || r.drawnAt.isValid();
}

bool mayManageReleases(StaffRole role)
{
    return role == StaffRole::Ops || role == StaffRole::Admin;
}

Status checkReleaseSettings(const ReleaseSettings &d, bool isNew, const QDateTime &now)
{
    if (!normalizeSku(d.sku))
        return Error::invalid(u"Type the SKU of the product to release."_s, u"sku"_s);
    if (!d.releaseAt.isValid())
        return Error::invalid(u"Choose the release time."_s, u"releaseAt"_s);
    if (isNew && d.releaseAt <= now)
        return Error::invalid(u"The release time has passed: choose a time in the future."_s, u"releaseAt"_s);
    const int limit = d.limitPerBuyer.value_or(1);
    if (limit < MinPairsPerBuyer || limit > MaxPairsPerBuyer)
        return Error::invalid(u"Pairs per buyer must be between %1 and %2."_s.arg(MinPairsPerBuyer).arg(MaxPairsPerBuyer),
                              u"limitPerBuyer"_s);
    const int bits = d.powBits.value_or(DefaultProofOfWorkBits);
    if (bits < MinProofOfWorkBits || bits > MaxProofOfWorkBits)
        return Error::invalid(u"Bot friction must be between %1 and %2."_s.arg(MinProofOfWorkBits).arg(MaxProofOfWorkBits),
                              u"powBits"_s);
    const QDateTime opens = d.queueOpensAt.isValid() ? d.queueOpensAt : defaultQueueOpensAt(d.releaseAt);
    if (opens > d.releaseAt)
        return Error::invalid(u"The waiting room must open by the release time."_s, u"queueOpensAt"_s);
    if (d.allocation == ReleaseAllocation::Queue) {
        const int rate = d.admitPerMinute.value_or(DefaultAdmitPerMinute);
        if (rate < MinAdmitPerMinute || rate > MaxAdmitPerMinute)
            return Error::invalid(u"Let between %1 and %2 shoppers through a minute."_s.arg(MinAdmitPerMinute).arg(MaxAdmitPerMinute),
                                  u"admitPerMinute"_s);
        return {};
    }
    if (!d.entriesCloseAt.isValid())
        return Error::invalid(u"Choose when raffle entries close."_s, u"entriesCloseAt"_s);
    if (d.entriesCloseAt <= opens)
        return Error::invalid(u"Raffle entries must close after they open."_s, u"entriesCloseAt"_s);
    if (d.entriesCloseAt > d.releaseAt)
        return Error::invalid(u"Raffle entries must close by the release time, so the draw comes before the sale."_s,
                              u"entriesCloseAt"_s);
    const int hours = d.claimHours.value_or(DefaultClaimHours);
    if (hours < MinClaimHours || hours > MaxClaimHours)
        return Error::invalid(u"A winner's time to pay must be between %1 and %2 hours."_s.arg(MinClaimHours).arg(MaxClaimHours),
                              u"claimHours"_s);
    return {};
}

QString describe(RaffleEntryState state)
{
    switch (state) {
    case RaffleEntryState::Entered: return u"Entered"_s;
    case RaffleEntryState::Won: return u"Won, not paid yet"_s;
    case RaffleEntryState::Lost: return u"Not drawn"_s;
    case RaffleEntryState::Lapsed: return u"Lapsed (didn't pay in time)"_s;
    case RaffleEntryState::Claimed: return u"Claimed (paid)"_s;
    }
    return {};
}

Result<RaffleDrawSummary> ReleaseBook::drawAndSummarize(const QString &releaseId)
{
    auto winners = draw(releaseId, {});
    if (!winners)
        return winners.error();
    auto results = this->results(releaseId);
    if (!results)
        return results.error();
    return RaffleDrawSummary{results->first, *winners, int(results->second.size()) - *winners};
}

} // namespace rdk

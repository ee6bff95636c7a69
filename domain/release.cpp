#include "domain/release.h"

#include <QCryptographicHash>
#include <QHash>
#include <QMessageAuthenticationCode>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString toString(ReleaseVisibility v)
{
    return v == ReleaseVisibility::Hidden ? u"hidden"_s : u"coming_soon"_s;
}

QString toString(ReleaseAllocation a)
{
    return a == ReleaseAllocation::Raffle ? u"raffle"_s : u"queue"_s;
}

QString toString(RaffleEntryState s)
{
    switch (s) {
    case RaffleEntryState::Entered: return u"entered"_s;
    case RaffleEntryState::Won: return u"won"_s;
    case RaffleEntryState::Lost: return u"lost"_s;
    case RaffleEntryState::Lapsed: return u"lapsed"_s;
    case RaffleEntryState::Claimed: return u"claimed"_s;
    }
    return {};
}

std::optional<ReleaseVisibility> releaseVisibilityFromString(const QString &s)
{
    if (s == u"hidden"_s)
        return ReleaseVisibility::Hidden;
    if (s == u"coming_soon"_s)
        return ReleaseVisibility::ComingSoon;
    return std::nullopt;
}

std::optional<ReleaseAllocation> releaseAllocationFromString(const QString &s)
{
    if (s == u"queue"_s)
        return ReleaseAllocation::Queue;
    if (s == u"raffle"_s)
        return ReleaseAllocation::Raffle;
    return std::nullopt;
}

std::optional<RaffleEntryState> raffleEntryStateFromString(const QString &s)
{
    for (RaffleEntryState state : {RaffleEntryState::Entered, RaffleEntryState::Won, RaffleEntryState::Lost,
                                   RaffleEntryState::Lapsed, RaffleEntryState::Claimed})
        if (toString(state) == s)
            return state;
    return std::nullopt;
}

qint64 admittedCount(int ratePerMinute, qint64 releaseAtMs, qint64 nowMs)
{
    if (ratePerMinute <= 0)
        return 0;
    const qint64 elapsedMs = std::max<qint64>(0, nowMs - releaseAtMs);
    // ceil(rate × ms / 60000) in integers: no rounding drift between processes. rate <= 100000
    // and a release lives days, not centuries, so the product stays far inside 64 bits.
    return (qint64(ratePerMinute) * elapsedMs + 59'999) / 60'000;
}

qint64 admittedCount(int ratePerMinute, const QDateTime &releaseAt, const QDateTime &now)
{
    if (!releaseAt.isValid() || !now.isValid())
        return 0;
    return admittedCount(ratePerMinute, releaseAt.toMSecsSinceEpoch(), now.toMSecsSinceEpoch());
}

QByteArray ticketPayload(const QString &releaseId, qint64 joinMs, const QString &nonceHex)
{
    return (u"v1."_s + releaseId + u'.' + QString::number(joinMs) + u'.' + nonceHex).toUtf8();
}

QString signTicket(const QByteArray &secret, const QString &releaseId, qint64 joinMs, const QString &nonceHex)
{
    const QByteArray payload = ticketPayload(releaseId, joinMs, nonceHex);
    const QByteArray mac = QMessageAuthenticationCode::hash(payload, secret, QCryptographicHash::Sha256).toHex();
    return QString::fromUtf8(payload) + u'.' + QString::fromLatin1(mac);
}

QString raffleDrawKey(const QString &seed, const QString &emailKey)
{
    return QString::fromLatin1(QCryptographicHash::hash((seed + u':' + emailKey).toUtf8(), QCryptographicHash::Sha256).toHex());
}

QList<RaffleDrawOutcome> runRaffleDraw(const QString &seed, QList<RaffleDrawEntry> entries, QList<QPair<QString, int>> stock)
{
    QList<RaffleDrawOutcome> order;
    order.reserve(entries.size());
    for (const RaffleDrawEntry &e : entries)
        order.append(RaffleDrawOutcome{e.id, 0, false, raffleDrawKey(seed, e.emailKey)});
    QHash<qint64, QString> sizeOf;
    for (const RaffleDrawEntry &e : entries)
        sizeOf.insert(e.id, e.size);
    // Lower-case hex compares the same as bytes, as the database's COLLATE "C" does.
    std::sort(order.begin(), order.end(), [](const RaffleDrawOutcome &a, const RaffleDrawOutcome &b) {
        const int c = a.drawKey.compare(b.drawKey, Qt::CaseSensitive);
        return c != 0 ? c < 0 : a.id < b.id;
    });
    QHash<QString, int> left;
    for (const auto &s : stock)
        left.insert(s.first, std::max(0, s.second));
    int rank = 0;
    for (RaffleDrawOutcome &o : order) {
        o.rank = ++rank;
        int &pairs = left[sizeOf.value(o.id)];
        o.won = pairs > 0;
        if (o.won)
            --pairs;
    }
    return order;
}

QStringList raffleDrawMismatches(const RaffleRecord &record)
{
    QStringList problems;
    if (record.seed.isEmpty())
        return {QStringLiteral("The raffle has not been drawn.")};
    QList<RaffleDrawEntry> entries;
    QHash<qint64, RaffleRecordEntry> recorded;
    for (const RaffleRecordEntry &e : record.entries) {
        entries.append(RaffleDrawEntry{e.id, e.emailKey, e.size});
        recorded.insert(e.id, e);
    }
    for (const RaffleDrawOutcome &o : runRaffleDraw(record.seed, entries, record.stock)) {
        const RaffleRecordEntry &e = recorded[o.id];
        if (e.drawRank != o.rank)
            problems.append(QStringLiteral("Entry %1 is recorded at place %2; the re-run puts it at %3.").arg(o.id).arg(e.drawRank).arg(o.rank));
        if (e.wonAtDraw != o.won)
            problems.append(QStringLiteral("Entry %1 is recorded as %2; the re-run says it %3.")
                                .arg(o.id)
                                .arg(e.wonAtDraw ? QStringLiteral("a winner") : QStringLiteral("not winning"),
                                     o.won ? QStringLiteral("wins") : QStringLiteral("loses")));
    }
    return problems;
}

} // namespace rdk

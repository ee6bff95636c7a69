#include "domain/returns.h"

#include "domain/moneyformat.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::returns {

namespace {
// Amounts and weights stay far below 2^53 cents, but their product may not: 128 bits (a GCC and
// Clang extension, which -Wpedantic accepts when it is marked so).
__extension__ typedef __int128 Wide;
} // namespace

qint64 floorShare(qint64 amount, qint64 part, qint64 whole)
{
    if (whole <= 0)
        return 0;
    const Wide product = static_cast<Wide>(amount) * part;
    Wide q = product / whole;
    if ((product % whole != 0) && ((product < 0) != (whole < 0)))
        --q;  // floor, not truncation, for negative values
    return static_cast<qint64>(q);
}

void computeLineShares(ReturnableOrder &order)
{
    const qint64 paid = std::max<qint64>(order.totalMinor - order.shippingMinor, 0);
    QList<int> byId(order.lines.size());
    for (int i = 0; i < byId.size(); ++i)
        byId[i] = i;
    std::sort(byId.begin(), byId.end(), [&](int a, int b) { return order.lines[a].itemId < order.lines[b].itemId; });
    qint64 whole = 0;
    for (const auto &l : order.lines)
        whole += l.lineTotalMinor;
    const bool byPairs = whole <= 0;  // every line free: weigh by pairs, as the database does
    if (byPairs) {
        whole = 0;
        for (const auto &l : order.lines)
            whole += l.quantity;
    }
    qint64 upTo = 0;
    for (int i : byId) {
        ReturnableLine &line = order.lines[i];
        const qint64 w = byPairs ? line.quantity : line.lineTotalMinor;
        line.paidMinor = floorShare(paid, upTo + w, whole) - floorShare(paid, upTo, whole);
        upTo += w;
    }
}

qint64 unitsRefund(qint64 paid, int quantity, int already, int take)
{
    return floorShare(paid, already + take, quantity) - floorShare(paid, already, quantity);
}

namespace {
QString itemLabel(const ReturnableLine &l)
{
    return l.size.isEmpty() ? l.name : u"%1 (size %2)"_s.arg(l.name, l.size);
}
} // namespace

Result<qint64> refundFor(const ReturnableOrder &order, const QList<ReturnLineRequest> &lines)
{
    if (lines.isEmpty() || lines.size() > 100)
        return Error::invalid(u"Pick between 1 and 100 lines to return."_s);
    QSet<qint64> seen;
    qint64 total = 0;
    for (const auto &want : lines) {
        if (seen.contains(want.itemId))
            return Error::invalid(u"Item %1 is listed twice in this return."_s.arg(want.itemId));
        seen.insert(want.itemId);
        if (want.quantity < 1)
            return Error::invalid(u"A quantity to return must be at least 1."_s);
        const auto it = std::find_if(order.lines.begin(), order.lines.end(),
                                     [&](const ReturnableLine &l) { return l.itemId == want.itemId; });
        if (it == order.lines.end())
            return Error::invalid(u"Item %1 is not part of %2."_s.arg(want.itemId).arg(order.label()));
        if (want.quantity > it->returnable()) {
            if (it->returnable() == 0)
                return Error::invalid(u"%1 of %2 was already returned in full."_s.arg(itemLabel(*it), order.label()));
            return Error::invalid(u"Only %1 of %2 can still be returned (%3 bought)."_s.arg(it->returnable())
                                      .arg(itemLabel(*it)).arg(it->quantity));
        }
        total += unitsRefund(it->paidMinor, it->quantity, it->returned, want.quantity);
    }
    if (total > order.leftToRefundMinor) {
        return Error::invalid(u"This return would refund %1, but only %2 is left to refund on %3."_s.arg(
            formatMoney(Money::of(total, order.currency).value()),
            formatMoney(Money::of(std::max<qint64>(order.leftToRefundMinor, 0), order.currency).value()), order.label()));
    }
    return total;
}

QString staffRefusal(const ReturnableOrder &order, qint64 refundMinor, const ReturnPolicy &policy, const QDateTime &now)
{
    if (policy.windowDays && order.paidAt.isValid() && order.paidAt.addDays(*policy.windowDays) < now)
        return u"%1 was paid more than %2 days ago, outside the shop's return window; an ops or admin account can still take it back."_s
            .arg(order.label()).arg(*policy.windowDays);
    if (policy.staffLimitMinor && refundMinor > *policy.staffLimitMinor)
        return u"This return would refund %1; returns over %2 need an ops or admin account."_s.arg(
            formatMoney(Money::of(refundMinor, order.currency).value()),
            formatMoney(Money::of(*policy.staffLimitMinor, order.currency).value()));
    return {};
}

ExchangeSplit exchangeSplit(qint64 returnedMinor, qint64 newTotalMinor)
{
    ExchangeSplit split;
    split.credit = std::min(returnedMinor, newTotalMinor);
    split.due = newTotalMinor - split.credit;
    split.refund = returnedMinor - split.credit;
    return split;
}

std::optional<qint64> parseOrderNumber(const QString &text)
{
    static const QRegularExpression pattern(u"^(?:RDK-?)?([0-9]{1,15})$"_s, QRegularExpression::CaseInsensitiveOption);
    const auto m = pattern.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    bool ok = false;
    const qint64 n = m.captured(1).toLongLong(&ok);
    if (!ok || n <= 0)
        return std::nullopt;
    return n;
}

} // namespace rdk::returns

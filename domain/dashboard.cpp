#include "domain/dashboard.h"

#include <QHash>
#include <QTimeZone>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString toString(PeriodKind kind)
{
    switch (kind) {
    case PeriodKind::Today: return u"today"_s;
    case PeriodKind::Last7: return u"7d"_s;
    case PeriodKind::Last30: return u"30d"_s;
    case PeriodKind::Last90: return u"90d"_s;
    case PeriodKind::Year: return u"year"_s;
    case PeriodKind::Custom: return u"custom"_s;
    }
    return {};
}

std::optional<PeriodKind> periodKindFromString(const QString &text)
{
    for (PeriodKind k : {PeriodKind::Today, PeriodKind::Last7, PeriodKind::Last30, PeriodKind::Last90, PeriodKind::Year,
                         PeriodKind::Custom}) {
        if (toString(k) == text)
            return k;
    }
    return std::nullopt;
}

DayRange DayRange::previous() const
{
    const qint64 n = days();
    return {first.addDays(-n), first.addDays(-1)};
}

Result<DayRange> presetRange(PeriodKind kind, const QDate &today)
{
    if (!today.isValid())
        return Error::invalid(u"Today's date is not valid."_s);
    auto lastDays = [&](qint64 n) { return DayRange{today.addDays(-(n - 1)), today}; };
    switch (kind) {
    case PeriodKind::Today: return lastDays(1);
    case PeriodKind::Last7: return lastDays(7);
    case PeriodKind::Last30: return lastDays(30);
    case PeriodKind::Last90: return lastDays(90);
    case PeriodKind::Year: return lastDays(365);
    case PeriodKind::Custom: break;
    }
    return Error::invalid(u"A custom period needs a first and a last day."_s);
}

Result<DayRange> customRange(const QDate &first, const QDate &last)
{
    if (!first.isValid() || !last.isValid())
        return Error::invalid(u"Pick a valid first and last day."_s, u"range"_s);
    if (first > last)
        return Error::invalid(u"The first day must not be after the last day."_s, u"range"_s);
    if (first.daysTo(last) + 1 > kMaxRangeDays)
        return Error::invalid(u"Pick at most %1 days (about ten years)."_s.arg(kMaxRangeDays), u"range"_s);
    return DayRange{first, last};
}

QDate shopToday(const QDateTime &now, const QString &timeZoneId)
{
    const QTimeZone zone(timeZoneId.toUtf8());
    if (!zone.isValid())
        return now.toUTC().date();
    return now.toTimeZone(zone).date();
}

std::optional<double> Figure::changePercent() const
{
    if (previous == 0)
        return std::nullopt;
    return (double(current) - double(previous)) * 100.0 / double(std::abs(previous));
}

namespace {

struct Totals final {
    qint64 orders = 0;
    qint64 onlineOrders = 0;
    qint64 gross = 0;
    qint64 refunded = 0;
    qint64 refundedOrders = 0;
    qint64 net() const { return gross - refunded; }
};

Totals totalsOf(const QList<DailySales> &sales, const DayRange &range)
{
    Totals t;
    for (const DailySales &s : sales) {
        if (!range.contains(s.day))
            continue;
        t.orders += s.orders;
        if (s.channel == u"online"_s)
            t.onlineOrders += s.orders;
        t.gross += s.grossMinor;
        t.refunded += s.refundedMinor;
        t.refundedOrders += s.refundedOrders;
    }
    return t;
}

qint64 visitorsOf(const QList<DailyVisits> &visits, const DayRange &range)
{
    qint64 n = 0;
    for (const DailyVisits &v : visits) {
        if (range.contains(v.day))
            n += v.visitors;
    }
    return n;
}

Figure netRevenue(const QList<DailySales> &sales, const DayRange &range)
{
    return {totalsOf(sales, range).net(), totalsOf(sales, range.previous()).net()};
}

qint64 ratio(qint64 numerator, qint64 denominator, qint64 scale)
{
    // Rounded half up; all inputs are non-negative counts or sums.
    return denominator <= 0 ? 0 : (numerator * scale + denominator / 2) / denominator;
}

} // namespace

DashboardKpis computeKpis(const QList<DailySales> &sales, const QList<DailyVisits> &visits, const QDate &today,
                          const DayRange &selected, const QString &currency)
{
    DashboardKpis k;
    k.currency = currency;
    k.revenueToday = netRevenue(sales, {today, today});
    k.revenue7 = netRevenue(sales, {today.addDays(-6), today});
    k.revenue30 = netRevenue(sales, {today.addDays(-29), today});

    const Totals now = totalsOf(sales, selected);
    const Totals before = totalsOf(sales, selected.previous());
    k.revenue = {now.net(), before.net()};
    k.paidOrders = {now.orders, before.orders};
    k.averageOrderMinor = {ratio(now.gross, now.orders, 1), ratio(before.gross, before.orders, 1)};
    const qint64 visitorsNow = visitorsOf(visits, selected);
    const qint64 visitorsBefore = visitorsOf(visits, selected.previous());
    k.visitors = {visitorsNow, visitorsBefore};
    k.conversionBasisPoints = {ratio(now.onlineOrders, visitorsNow, 10000), ratio(before.onlineOrders, visitorsBefore, 10000)};
    k.refundsMinor = {now.refunded, before.refunded};
    k.refundedOrders = {now.refundedOrders, before.refundedOrders};
    return k;
}

RevenueSeries revenueSeries(const QList<DailySales> &sales, const DayRange &range)
{
    RevenueSeries s;
    const qint64 n = std::max<qint64>(0, range.days());
    for (qint64 i = 0; i < n; ++i)
        s.days.append(range.first.addDays(i));
    s.onlineMinor.fill(0, n);
    s.posMinor.fill(0, n);
    for (const DailySales &d : sales) {
        if (!range.contains(d.day))
            continue;
        const qint64 i = range.first.daysTo(d.day);
        (d.channel == u"pos"_s ? s.posMinor : s.onlineMinor)[i] += d.netMinor();
    }
    return s;
}

VisitsSeries visitsSeries(const QList<DailyVisits> &visits, const DayRange &range)
{
    VisitsSeries s;
    const qint64 n = std::max<qint64>(0, range.days());
    for (qint64 i = 0; i < n; ++i)
        s.days.append(range.first.addDays(i));
    s.visitors.fill(0, n);
    s.pageViews.fill(0, n);
    for (const DailyVisits &v : visits) {
        if (!range.contains(v.day))
            continue;
        const qint64 i = range.first.daysTo(v.day);
        s.visitors[i] += v.visitors;
        s.pageViews[i] += v.pageViews;
    }
    return s;
}

MonthSpan wholeMonths(const DayRange &range)
{
    const QDate firstStart = range.first.day() == 1 ? range.first : QDate(range.first.year(), range.first.month(), 1).addMonths(1);
    const QDate afterLast = range.last.addDays(1);
    const QDate end = QDate(afterLast.year(), afterLast.month(), 1);  // months ending on or before range.last
    if (firstStart >= end)
        return {afterLast, afterLast};
    return {firstStart, end};
}

DayRange salesWindow(const QDate &today, const DayRange &selected)
{
    const QDate kpiFirst = today.addDays(-59);  // last 30 days and the 30 before
    const QDate first = std::min(kpiFirst, selected.previous().first);
    return {first, std::max(today, selected.last)};
}

Result<DashboardSnapshot> loadDashboard(DashboardSource &source, const DashboardRequest &request)
{
    DashboardSnapshot snap;
    snap.request = request;
    auto shop = source.shop();
    if (!shop)
        return shop.error();
    snap.shop = *shop;
    const DayRange &range = request.range;
    if (request.parts & SalesPart) {
        auto sales = source.sales(salesWindow(request.today, range));
        if (!sales)
            return sales.error();
        snap.sales = *sales;
    }
    if (request.parts & VisitsPart) {
        auto visits = source.visits({range.previous().first, range.last});
        if (!visits)
            return visits.error();
        snap.visits = *visits;
    }
    if (request.parts & ItemsPart) {
        struct Want {
            Dimension dimension;
            RankMetric metric;
            QList<RankedItem> *into;
        };
        for (const Want &w : {Want{Dimension::Product, RankMetric::Revenue, &snap.topProductsByRevenue},
                              Want{Dimension::Product, RankMetric::Units, &snap.topProductsByUnits},
                              Want{Dimension::Brand, RankMetric::Revenue, &snap.topBrands},
                              Want{Dimension::Size, RankMetric::Units, &snap.topSizes}}) {
            auto rows = source.top(w.dimension, w.metric, range, request.topLimit);
            if (!rows)
                return rows.error();
            *w.into = *rows;
        }
    }
    if (request.parts & StockPart) {
        auto low = source.lowStock(request.lowStockThreshold, request.lowStockLimit);
        if (!low)
            return low.error();
        snap.lowStock = *low;
    }
    return snap;
}

unsigned partsForSalesChange(const DayRange &changed, const QDate &today, const DayRange &shown)
{
    unsigned parts = 0;
    // KPI windows: the last 30 days and the 30 before them, plus the shown range and its previous.
    if (changed.intersects(salesWindow(today, shown)))
        parts |= SalesPart;
    if (changed.intersects(shown))
        parts |= ItemsPart;
    return parts;
}

} // namespace rdk

#pragma once

#include "domain/money.h"
#include "domain/result.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

// ---------------------------------------------------------------------------------------------
// Periods in shop days (the tenant's time zone)
// ---------------------------------------------------------------------------------------------

enum class PeriodKind { Today, Last7, Last30, Last90, Year, Custom };
QString toString(PeriodKind kind);
std::optional<PeriodKind> periodKindFromString(const QString &text);

/// Inclusive range of shop days.
struct DayRange final {
    QDate first;
    QDate last;

    qint64 days() const { return first.daysTo(last) + 1; }
    bool contains(const QDate &day) const { return day >= first && day <= last; }
    bool intersects(const DayRange &other) const { return first <= other.last && other.first <= last; }
    /// The same number of days right before this range (what "change" compares against).
    DayRange previous() const;
    friend bool operator==(const DayRange &a, const DayRange &b) { return a.first == b.first && a.last == b.last; }
};

/// Longest custom range: ten years, so one slip of the picker can't ask for centuries.
constexpr qint64 kMaxRangeDays = 3660;

/// The range of a preset ending today (Year = the last 365 days). Custom is refused here:
/// use customRange().
Result<DayRange> presetRange(PeriodKind kind, const QDate &today);
/// A range a person picked: both days valid, first <= last, at most kMaxRangeDays long.
Result<DayRange> customRange(const QDate &first, const QDate &last);

/// Today in the shop's time zone ("America/New_York"); an unknown zone falls back to UTC.
QDate shopToday(const QDateTime &now, const QString &timeZoneId);

// ---------------------------------------------------------------------------------------------
// What the aggregates hold
// ---------------------------------------------------------------------------------------------

struct ShopInfo final {
    QString tenantId;
    QString name;
    QString currency;
    QString timezone;
};

/// Sales of one shop day and channel ("online" | "pos"), from the aggregates.
struct DailySales final {
    QDate day;
    QString channel;
    qint64 orders = 0;
    qint64 grossMinor = 0;
    qint64 refundedMinor = 0;
    qint64 refundedOrders = 0;
    qint64 units = 0;
    qint64 netMinor() const { return grossMinor - refundedMinor; }
};

struct DailyVisits final {
    QDate day;
    qint64 pageViews = 0;
    qint64 visitors = 0;
};

enum class Dimension { Product, Brand, Size };
enum class RankMetric { Revenue, Units };

/// One row of a top list: `key` is the product id, brand or size; `label` is for people.
struct RankedItem final {
    QString key;
    QString label;
    QString detail;  ///< SKU for products
    qint64 units = 0;
    qint64 revenueMinor = 0;
};

struct LowStockItem final {
    QString productId;
    QString sku;
    QString name;
    QString size;  ///< empty for flat stock
    int available = 0;
};

// ---------------------------------------------------------------------------------------------
// KPIs (pure functions of the daily rows, so they are tested without a database)
// ---------------------------------------------------------------------------------------------

/// A figure now and in the period before; change() is null when there is nothing to compare.
struct Figure final {
    qint64 current = 0;
    qint64 previous = 0;
    /// Relative change in percent, or nullopt when previous is 0.
    std::optional<double> changePercent() const;
};

struct DashboardKpis final {
    QString currency;
    Figure revenueToday;   ///< net (gross - refunds), minor units, vs yesterday
    Figure revenue7;       ///< last 7 shop days vs the 7 before
    Figure revenue30;
    // The selected period vs the one before:
    Figure revenue;
    Figure paidOrders;
    Figure averageOrderMinor;  ///< gross / paid orders (0 without orders)
    Figure visitors;           ///< unique visitors (sum of daily uniques: the visitor id changes daily)
    Figure conversionBasisPoints;  ///< online paid orders / visitors, in 1/100 %
    Figure refundsMinor;
    Figure refundedOrders;
};

DashboardKpis computeKpis(const QList<DailySales> &sales, const QList<DailyVisits> &visits, const QDate &today,
                          const DayRange &selected, const QString &currency);

/// Net revenue per day of `range` split by channel, zero-filled (index 0 = range.first).
struct RevenueSeries final {
    QList<QDate> days;
    QList<qint64> onlineMinor;
    QList<qint64> posMinor;
};
RevenueSeries revenueSeries(const QList<DailySales> &sales, const DayRange &range);

struct VisitsSeries final {
    QList<QDate> days;
    QList<qint64> visitors;
    QList<qint64> pageViews;
};
VisitsSeries visitsSeries(const QList<DailyVisits> &visits, const DayRange &range);

/// The whole calendar months inside a range: [first, end) as first days of months. Empty
/// (first == end == range.last + 1 day) when no month fits whole.
struct MonthSpan final {
    QDate first;
    QDate end;
};
MonthSpan wholeMonths(const DayRange &range);

/// The days the sales query must cover for the KPI windows and the selected period.
DayRange salesWindow(const QDate &today, const DayRange &selected);

// ---------------------------------------------------------------------------------------------
// Where the figures come from (data/pgdashboard implements it over the aggregates only)
// ---------------------------------------------------------------------------------------------

class DashboardSource {
public:
    virtual ~DashboardSource() = default;
    virtual Result<ShopInfo> shop() = 0;
    virtual Result<QList<DailySales>> sales(const DayRange &range) = 0;
    virtual Result<QList<DailyVisits>> visits(const DayRange &range) = 0;
    virtual Result<QList<RankedItem>> top(Dimension dimension, RankMetric metric, const DayRange &range, int limit) = 0;
    /// Sizes (or flat products) with at most `threshold` units available (stock - reserved).
    virtual Result<QList<LowStockItem>> lowStock(int threshold, int limit) = 0;
};

/// Opens a source on a fresh connection; called on worker threads (one source per thread).
using DashboardSourceFactory = std::function<Result<std::unique_ptr<DashboardSource>>()>;

/// Parts of the dashboard that can be reloaded on their own.
enum DashboardPart : unsigned {
    SalesPart = 1,   ///< KPI tiles and the revenue chart
    ItemsPart = 2,   ///< top products, brands, sizes
    VisitsPart = 4,  ///< visitors chart and visitor KPIs
    StockPart = 8,   ///< low-stock list
    AllParts = 15,
};

struct DashboardRequest final {
    QDate today;
    DayRange range;
    unsigned parts = AllParts;
    int topLimit = 8;
    int lowStockThreshold = 2;
    int lowStockLimit = 12;
};

/// Everything one load fetched; parts not requested stay empty.
struct DashboardSnapshot final {
    DashboardRequest request;
    ShopInfo shop;
    QList<DailySales> sales;
    QList<DailyVisits> visits;
    QList<RankedItem> topProductsByRevenue;
    QList<RankedItem> topProductsByUnits;
    QList<RankedItem> topBrands;
    QList<RankedItem> topSizes;
    QList<LowStockItem> lowStock;
};

/// Runs the queries of `request.parts` against `source` (on whatever thread calls it).
Result<DashboardSnapshot> loadDashboard(DashboardSource &source, const DashboardRequest &request);

/// Database change notifications the dashboard reacts to. data/ implements it (LISTEN);
/// tests and previews can emit the signals themselves.
class DashboardChangeFeed : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
Q_SIGNALS:
    /// Paid orders or refunds changed the sales of the shop days first..last.
    void salesChanged(const QString &tenantId, const QDate &first, const QDate &last);
    /// Stock of a product changed (inventory).
    void stockChanged(const QString &tenantId);
};

/// Which parts a sales change touches for a dashboard showing `shown` with KPI windows up to
/// `today`: none when the changed days are outside everything on screen.
unsigned partsForSalesChange(const DayRange &changed, const QDate &today, const DayRange &shown);

} // namespace rdk

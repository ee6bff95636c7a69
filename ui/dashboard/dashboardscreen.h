#pragma once

#include "domain/dashboard.h"
#include "ui/common/uitaskrunner.h"

#include <QDateTime>
#include <QHash>
#include <QTimer>
#include <QWidget>

#include <functional>

class QChart;
class QChartView;
class QComboBox;
class QDateEdit;
class QLabel;
class QPushButton;
class QTableWidget;

namespace rdk {

class ChartCard;
class KpiTile;

/// The owner's dashboard: KPI tiles, revenue per day by channel, visitors and page views,
/// top products/brands/sizes, low stock per size. Every query runs off the UI thread on a
/// connection from the factory; database notifications (setChangeFeed) reload only the parts
/// a change touches. Reads only what the domain's DashboardSource offers (the aggregates).
class DashboardScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardScreen)

public:
    explicit DashboardScreen(DashboardSourceFactory factory, QWidget *parent = nullptr);
    ~DashboardScreen() override;

    /// For tests and previews: what "now" is (default: the system clock).
    void setClock(std::function<QDateTime()> now);
    /// Live updates; the feed is not owned and must outlive the screen or be reset first.
    void setChangeFeed(DashboardChangeFeed *feed);

    void setPeriod(PeriodKind kind);
    Status setCustomRange(const QDate &first, const QDate &last);
    /// Reloads the given parts (coalesced with a load already running).
    void refresh(unsigned parts = AllParts);

    bool isLoading() const;
    const DashboardSnapshot &snapshot() const { return m_snapshot; }
    /// Text shown in a KPI tile: revenue-today, revenue-7d, revenue-30d, orders, aov, visitors,
    /// conversion, refunds.
    QString kpiText(const QString &id) const;
    /// Chart ids: revenue, visitors, top-products, top-brands, top-sizes, low-stock.
    QStringList chartIds() const;
    QString chartCsv(const QString &chartId) const;
    Status exportChartCsv(const QString &chartId, const QString &path) const;
    Status exportChartPng(const QString &chartId, const QString &path) const;
    /// Loads run so far (tests check that a notification reloads only what changed).
    int loadCount() const { return m_loadCount; }
    unsigned lastLoadedParts() const { return m_lastParts; }

Q_SIGNALS:
    void loaded(unsigned parts);
    void loadFailed(const QString &message);
    void openProductRequested(const QString &productId);

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildUi();
    void startLoad();
    void applyResult(const Result<DashboardSnapshot> &result);
    void render(unsigned parts);
    void renderKpis();
    void renderRevenue();
    void renderVisitors();
    void renderTop(ChartCard *card, QChart *chart, const QList<RankedItem> &items, RankMetric metric);
    void renderLowStock();
    void applyTheme();
    void onSalesChanged(const QString &tenantId, const QDate &first, const QDate &last);
    void onPeriodPicked(int index);
    void exportInteractively(const QString &chartId, bool png);
    QString rangeText(const DayRange &range) const;
    QString money(qint64 minor) const;

    DashboardSourceFactory m_factory;
    std::function<QDateTime()> m_now;
    DashboardChangeFeed *m_feed = nullptr;
    PeriodKind m_period = PeriodKind::Last30;
    DayRange m_custom;
    DashboardSnapshot m_snapshot;
    bool m_haveSnapshot = false;
    unsigned m_pendingParts = 0;
    unsigned m_runningParts = 0;
    int m_loadCount = 0;
    unsigned m_lastParts = 0;
    UiTaskRunner m_loads{UiTaskRunner::Options{QStringLiteral("dashboard")}};
    bool m_loading = false;  ///< a load is out; its answer is not back yet
    QTimer m_debounce;
    QTimer m_visitsTimer;

    QLabel *m_heading = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_error = nullptr;
    QComboBox *m_periodBox = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QPushButton *m_apply = nullptr;
    QHash<QString, KpiTile *> m_tiles;
    QHash<QString, ChartCard *> m_cards;
    QChart *m_revenueChart = nullptr;
    QChart *m_visitsChart = nullptr;
    QChart *m_productsChart = nullptr;
    QChart *m_brandsChart = nullptr;
    QChart *m_sizesChart = nullptr;
    QComboBox *m_productMetric = nullptr;
    QTableWidget *m_lowStock = nullptr;
    bool m_theming = false;
};

} // namespace rdk

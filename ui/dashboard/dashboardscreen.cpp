#include "ui/dashboard/dashboardscreen.h"

#include "domain/csv.h"
#include "domain/moneyformat.h"
#include "ui/dashboard/chartcard.h"
#include "ui/dashboard/dashboardstyle.h"
#include "ui/dashboard/kpitile.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDateEdit>
#include <QDateTimeAxis>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QStackedBarSeries>
#include <QTableWidget>
#include <QTimeZone>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kDebounceMs = 250;
constexpr int kVisitsRefreshMs = 60 * 1000;

const QLocale &numbers()
{
    static const QLocale locale(QLocale::English, QLocale::UnitedStates);
    return locale;
}

QString count(qint64 n)
{
    return numbers().toString(n);
}

/// Bars of the revenue chart: days up to two months, then weeks, then months.
struct Bucket final {
    QString label;
    QDate first;
    QDate last;
    qint64 online = 0;
    qint64 pos = 0;
};

QList<Bucket> bucketize(const RevenueSeries &series)
{
    QList<Bucket> out;
    const qsizetype n = series.days.size();
    const int mode = n <= 62 ? 0 : n <= 400 ? 1 : 2;
    for (qsizetype i = 0; i < n; ++i) {
        const QDate d = series.days[i];
        const bool start = out.isEmpty() || mode == 0 || (mode == 1 && d.dayOfWeek() == 1) || (mode == 2 && d.day() == 1);
        if (start) {
            Bucket b;
            b.first = d;
            b.label = mode == 2 ? d.toString(u"MMM yy"_s) : d.toString(u"M/d"_s);
            out.append(b);
        }
        Bucket &b = out.last();
        b.last = d;
        b.online += series.onlineMinor[i];
        b.pos += series.posMinor[i];
    }
    return out;
}

double major(qint64 minor, const QString &currency)
{
    return double(minor) / std::pow(10.0, Money::minorDigits(currency));
}

/// printf-style axis label format with the currency's symbol: "$%.0f", "%.0f CHF".
QString moneyAxisFormat(const QString &currency)
{
    auto zero = Money::of(0, currency);
    if (!zero)
        return u"%.0f"_s;
    const QString sample = formatMoney(*zero);
    qsizetype first = 0;
    while (first < sample.size() && !sample[first].isDigit())
        ++first;
    qsizetype last = sample.size() - 1;
    while (last >= 0 && !sample[last].isDigit())
        --last;
    QString prefix = sample.left(first);
    QString suffix = sample.mid(last + 1);
    return prefix.replace(u"%"_s, u"%%"_s) + u"%.0f"_s + suffix.replace(u"%"_s, u"%%"_s);
}

QChart *newChart()
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignTop);
    return chart;
}

QChartView *newView(QChart *chart, QWidget *parent)
{
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setFrameShape(QFrame::NoFrame);
    view->setObjectName(u"chart-view"_s);
    // A chart's own size hint follows its longest labels; an explicit minimum lets the grid
    // share a laptop-sized window instead of pushing the page sideways into a scroll bar.
    view->setMinimumSize(200, 240);
    return view;
}

void clearChart(QChart *chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

} // namespace

DashboardScreen::DashboardScreen(DashboardSourceFactory factory, QWidget *parent)
    : QWidget(parent), m_factory(std::move(factory)), m_now([] { return QDateTime::currentDateTimeUtc(); })
{
    setObjectName(u"dashboard"_s);
    buildUi();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &DashboardScreen::startLoad);
    // Page views are too frequent to announce one by one; visitor figures refresh on a timer.
    m_visitsTimer.setInterval(kVisitsRefreshMs);
    connect(&m_visitsTimer, &QTimer::timeout, this, [this] { refresh(VisitsPart); });
    m_visitsTimer.start();
    applyTheme();
    refresh(AllParts);
}

DashboardScreen::~DashboardScreen() = default;

void DashboardScreen::setClock(std::function<QDateTime()> now)
{
    m_now = std::move(now);
}

void DashboardScreen::setChangeFeed(DashboardChangeFeed *feed)
{
    if (m_feed)
        disconnect(m_feed, nullptr, this, nullptr);
    m_feed = feed;
    if (!feed)
        return;
    connect(feed, &DashboardChangeFeed::salesChanged, this, &DashboardScreen::onSalesChanged);
    connect(feed, &DashboardChangeFeed::stockChanged, this, [this](const QString &tenantId) {
        if (m_haveSnapshot && tenantId == m_snapshot.shop.tenantId)
            refresh(StockPart);
    });
}

void DashboardScreen::onSalesChanged(const QString &tenantId, const QDate &first, const QDate &last)
{
    if (!m_haveSnapshot || tenantId != m_snapshot.shop.tenantId)
        return;
    const unsigned parts = partsForSalesChange({first, last}, m_snapshot.request.today, m_snapshot.request.range);
    if (parts)
        refresh(parts);
}

void DashboardScreen::setPeriod(PeriodKind kind)
{
    m_period = kind;
    const int index = m_periodBox->findData(toString(kind));
    if (index >= 0 && index != m_periodBox->currentIndex()) {
        const QSignalBlocker block(m_periodBox);
        m_periodBox->setCurrentIndex(index);
    }
    const bool custom = kind == PeriodKind::Custom;
    m_from->setVisible(custom);
    m_to->setVisible(custom);
    m_apply->setVisible(custom);
    if (!custom)
        refresh(SalesPart | ItemsPart | VisitsPart);
}

Status DashboardScreen::setCustomRange(const QDate &first, const QDate &last)
{
    auto range = customRange(first, last);
    if (!range) {
        m_error->setText(range.error().message);
        m_error->show();
        return range.error();
    }
    m_custom = *range;
    m_from->setDate(first);
    m_to->setDate(last);
    setPeriod(PeriodKind::Custom);
    refresh(SalesPart | ItemsPart | VisitsPart);
    return {};
}

void DashboardScreen::refresh(unsigned parts)
{
    m_pendingParts |= parts;
    if (!m_loading)
        m_debounce.start();
}

bool DashboardScreen::isLoading() const
{
    return m_loading || m_debounce.isActive() || m_pendingParts != 0;
}

void DashboardScreen::startLoad()
{
    if (m_loading || m_pendingParts == 0)
        return;
    m_loading = true;
    m_runningParts = m_pendingParts;
    m_pendingParts = 0;
    m_status->setText(tr("Updating…"));
    const DashboardSourceFactory factory = m_factory;
    const QDateTime now = m_now();
    const PeriodKind period = m_period;
    const DayRange custom = m_custom;
    const unsigned parts = m_runningParts;
    m_loads.run(this, [factory, now, period, custom, parts]() -> Result<DashboardSnapshot> {
        auto source = factory();
        if (!source)
            return source.error();
        auto shop = (*source)->shop();
        if (!shop)
            return shop.error();
        DashboardRequest request;
        request.today = shopToday(now, shop->timezone);
        if (period == PeriodKind::Custom) {
            if (!custom.first.isValid())
                return Error::invalid(QObject::tr("Pick the first and last day of the custom period."));
            request.range = custom;
        } else {
            auto range = presetRange(period, request.today);
            if (!range)
                return range.error();
            request.range = *range;
        }
        request.parts = parts;
        return loadDashboard(**source, request);
    }, [this](const Result<DashboardSnapshot> &result) {
        m_loading = false;
        applyResult(result);
    });
}

void DashboardScreen::applyResult(const Result<DashboardSnapshot> &result)
{
    const unsigned parts = m_runningParts;
    m_runningParts = 0;
    ++m_loadCount;
    if (!result) {
        m_error->setText(tr("The dashboard couldn't load: %1").arg(result.error().message));
        m_error->show();
        m_status->setText(tr("Not up to date"));
        Q_EMIT loadFailed(result.error().message);
    } else {
        const DashboardSnapshot &s = *result;
        const bool rangeMoved = !m_haveSnapshot || !(s.request.range == m_snapshot.request.range)
                                || s.request.today != m_snapshot.request.today;
        m_snapshot.request = s.request;
        m_snapshot.shop = s.shop;
        if (parts & SalesPart)
            m_snapshot.sales = s.sales;
        if (parts & VisitsPart)
            m_snapshot.visits = s.visits;
        if (parts & ItemsPart) {
            m_snapshot.topProductsByRevenue = s.topProductsByRevenue;
            m_snapshot.topProductsByUnits = s.topProductsByUnits;
            m_snapshot.topBrands = s.topBrands;
            m_snapshot.topSizes = s.topSizes;
        }
        if (parts & StockPart)
            m_snapshot.lowStock = s.lowStock;
        m_haveSnapshot = true;
        m_error->hide();
        m_heading->setText(s.shop.name.isEmpty() ? tr("Dashboard") : tr("%1 — Dashboard").arg(s.shop.name));
        m_status->setText(tr("%1 · updated %2%3")
                              .arg(rangeText(s.request.range),
                                   m_now().toTimeZone(QTimeZone(s.shop.timezone.toUtf8())).toString(u"HH:mm:ss"_s),
                                   m_feed ? tr(" · live") : QString()));
        m_lastParts = parts;
        // A partial load after the range moved (midnight) would mix periods: load the rest.
        if (rangeMoved && (parts & (SalesPart | ItemsPart | VisitsPart)) != (SalesPart | ItemsPart | VisitsPart))
            m_pendingParts |= (SalesPart | ItemsPart | VisitsPart) & ~parts;
        render(parts);
        Q_EMIT loaded(parts);
    }
    if (m_pendingParts)
        m_debounce.start();
}

QString DashboardScreen::rangeText(const DayRange &range) const
{
    if (range.first == range.last)
        return range.first.toString(u"ddd, MMM d, yyyy"_s);
    return u"%1 – %2"_s.arg(range.first.toString(u"MMM d, yyyy"_s), range.last.toString(u"MMM d, yyyy"_s));
}

QString DashboardScreen::money(qint64 minor) const
{
    auto m = Money::of(minor, m_snapshot.shop.currency.isEmpty() ? u"USD"_s : m_snapshot.shop.currency);
    return m ? formatMoney(*m) : QString::number(minor);
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

void DashboardScreen::buildUi()
{
    m_heading = new QLabel(tr("Dashboard"), this);
    m_heading->setObjectName(u"heading"_s);
    m_status = new QLabel(tr("Loading…"), this);
    m_status->setObjectName(u"status"_s);
    m_error = new QLabel(this);
    m_error->setObjectName(u"error"_s);
    m_error->setWordWrap(true);
    m_error->hide();

    m_periodBox = new QComboBox(this);
    m_periodBox->setObjectName(u"period"_s);
    const QList<std::pair<PeriodKind, QString>> periods = {
        {PeriodKind::Today, tr("Today")}, {PeriodKind::Last7, tr("Last 7 days")}, {PeriodKind::Last30, tr("Last 30 days")},
        {PeriodKind::Last90, tr("Last 90 days")}, {PeriodKind::Year, tr("Last 12 months")}, {PeriodKind::Custom, tr("Custom…")}};
    for (const auto &[kind, label] : periods)
        m_periodBox->addItem(label, toString(kind));
    m_periodBox->setCurrentIndex(2);
    connect(m_periodBox, &QComboBox::currentIndexChanged, this, &DashboardScreen::onPeriodPicked);
    m_from = new QDateEdit(this);
    m_to = new QDateEdit(this);
    for (QDateEdit *e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(u"yyyy-MM-dd"_s);
        e->setDate(QDate::currentDate());
        e->hide();
    }
    m_from->setObjectName(u"from"_s);
    m_to->setObjectName(u"to"_s);
    m_apply = new QPushButton(tr("Apply"), this);
    m_apply->hide();
    connect(m_apply, &QPushButton::clicked, this, [this] { (void)setCustomRange(m_from->date(), m_to->date()); });
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    connect(refreshButton, &QPushButton::clicked, this, [this] { refresh(AllParts); });

    auto *header = new QHBoxLayout;
    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_heading);
    titles->addWidget(m_status);
    header->addLayout(titles, 1);
    header->addWidget(m_periodBox);
    header->addWidget(m_from);
    header->addWidget(m_to);
    header->addWidget(m_apply);
    header->addWidget(refreshButton);

    struct TileSpec {
        const char16_t *id;
        QString title;
        QString help;
        bool higherIsBetter;
    };
    const QList<TileSpec> specs = {
        {u"revenue-today", tr("REVENUE TODAY"), tr("Paid orders today minus their refunds, in shop time; what buyers paid, sales tax included"), true},
        {u"revenue-7d", tr("REVENUE · 7 DAYS"), tr("Net revenue of the last 7 shop days, sales tax included"), true},
        {u"revenue-30d", tr("REVENUE · 30 DAYS"), tr("Net revenue of the last 30 shop days, sales tax included"), true},
        {u"orders", tr("PAID ORDERS"), tr("Orders paid in the selected period, online and at the counter"), true},
        {u"aov", tr("AVERAGE ORDER"), tr("Gross revenue divided by paid orders in the selected period"), true},
        {u"visitors", tr("UNIQUE VISITORS"), tr("Storefront visitors per day, added up over the selected period"), true},
        {u"conversion", tr("CONVERSION"), tr("Online paid orders divided by storefront visitors"), true},
        {u"refunds", tr("REFUNDS"), tr("Money refunded on orders sold in the selected period"), false},
    };
    auto *tiles = new QGridLayout;
    tiles->setSpacing(12);
    for (int i = 0; i < specs.size(); ++i) {
        const QString id = QString::fromUtf16(specs[i].id);
        auto *tile = new KpiTile(id, specs[i].title, specs[i].help, specs[i].higherIsBetter, this);
        m_tiles.insert(id, tile);
        tiles->addWidget(tile, i / 4, i % 4);
    }

    m_revenueChart = newChart();
    m_visitsChart = newChart();
    m_productsChart = newChart();
    m_brandsChart = newChart();
    m_sizesChart = newChart();
    m_lowStock = new QTableWidget(0, 3, this);
    m_lowStock->setObjectName(u"low-stock-table"_s);
    m_lowStock->setHorizontalHeaderLabels({tr("Product"), tr("Size"), tr("Left")});
    m_lowStock->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_lowStock->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_lowStock->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_lowStock->verticalHeader()->hide();
    m_lowStock->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_lowStock->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_lowStock->setShowGrid(false);
    m_lowStock->setAlternatingRowColors(true);
    m_lowStock->verticalHeader()->setDefaultSectionSize(26);
    m_lowStock->setFrameShape(QFrame::NoFrame);
    m_lowStock->setToolTip(tr("Double-click (or Enter) to open the product"));
    auto openRow = [this](int row) {
        if (row >= 0 && row < m_snapshot.lowStock.size())
            Q_EMIT openProductRequested(m_snapshot.lowStock[row].productId);
    };
    connect(m_lowStock, &QTableWidget::cellActivated, this, [openRow](int row, int) { openRow(row); });
    connect(m_lowStock, &QTableWidget::cellDoubleClicked, this, [openRow](int row, int) { openRow(row); });

    auto addCard = [this](const QString &id, const QString &title, QWidget *content) {
        auto *card = new ChartCard(id, title, content, this);
        m_cards.insert(id, card);
        connect(card, &ChartCard::exportPngRequested, this, [this, id] { exportInteractively(id, true); });
        connect(card, &ChartCard::exportCsvRequested, this, [this, id] { exportInteractively(id, false); });
        return card;
    };
    auto *revenue = addCard(u"revenue"_s, tr("Revenue per day"), newView(m_revenueChart, this));
    auto *visitors = addCard(u"visitors"_s, tr("Visitors and page views"), newView(m_visitsChart, this));
    auto *products = addCard(u"top-products"_s, tr("Top products"), newView(m_productsChart, this));
    auto *brands = addCard(u"top-brands"_s, tr("Top brands by revenue"), newView(m_brandsChart, this));
    auto *sizes = addCard(u"top-sizes"_s, tr("Top sizes by units"), newView(m_sizesChart, this));
    auto *low = addCard(u"low-stock"_s, tr("Low stock"), m_lowStock);
    m_productMetric = new QComboBox(products);
    m_productMetric->setObjectName(u"product-metric"_s);
    m_productMetric->addItem(tr("by revenue"));
    m_productMetric->addItem(tr("by units"));
    products->toolbar()->addWidget(m_productMetric);
    connect(m_productMetric, &QComboBox::currentIndexChanged, this, [this] { render(ItemsPart); });

    // Wide charts on the left, lists on the right (2:1); brands and sizes share the last row
    // half and half. Each card's header sets its minimum, so the split stays readable on a
    // laptop-sized window instead of forcing the page wider than the screen.
    auto *grid = new QGridLayout;
    grid->setSpacing(12);
    grid->addWidget(revenue, 0, 0);
    grid->addWidget(products, 0, 1);
    grid->addWidget(visitors, 1, 0);
    grid->addWidget(low, 1, 1);
    grid->setColumnStretch(0, 2);
    grid->setColumnStretch(1, 1);
    grid->setRowMinimumHeight(0, 300);
    grid->setRowMinimumHeight(1, 280);
    auto *pair = new QHBoxLayout;
    pair->setSpacing(12);
    pair->addWidget(brands, 1);
    pair->addWidget(sizes, 1);
    brands->setMinimumHeight(260);
    sizes->setMinimumHeight(260);
    auto *charts = new QVBoxLayout;
    charts->setSpacing(12);
    charts->addLayout(grid, 2);
    charts->addLayout(pair, 1);

    auto *page = new QWidget;
    page->setObjectName(u"dashboard-page"_s);
    auto *column = new QVBoxLayout(page);
    column->setContentsMargins(20, 16, 20, 20);
    column->setSpacing(14);
    column->addLayout(header);
    column->addWidget(m_error);
    column->addLayout(tiles);
    column->addLayout(charts, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(page);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
}

void DashboardScreen::onPeriodPicked(int index)
{
    const auto kind = periodKindFromString(m_periodBox->itemData(index).toString());
    if (!kind)
        return;
    if (*kind == PeriodKind::Custom && !m_custom.first.isValid() && m_haveSnapshot) {
        m_from->setDate(m_snapshot.request.range.first);
        m_to->setDate(m_snapshot.request.range.last);
    }
    if (*kind == PeriodKind::Custom) {
        m_period = PeriodKind::Custom;
        m_from->show();
        m_to->show();
        m_apply->show();
        return;  // waits for Apply
    }
    setPeriod(*kind);
}

void DashboardScreen::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_theming) {
        applyTheme();
        if (m_haveSnapshot)
            render(AllParts);
    }
}

void DashboardScreen::applyTheme()
{
    // Stylesheets on children send palette events around; never re-enter from them.
    const QScopedValueRollback guard(m_theming, true);
    const DashboardColors c = dashboardColors(palette());
    for (KpiTile *tile : std::as_const(m_tiles))
        tile->setColors(c);
    for (ChartCard *card : std::as_const(m_cards))
        card->setColors(c);
    if (auto *page = findChild<QWidget *>(u"dashboard-page"_s))
        page->setStyleSheet(u"QWidget#dashboard-page { background: %1; }"_s.arg(c.window.name()));
    m_heading->setStyleSheet(u"color: %1; font-size: 22px; font-weight: 800;"_s.arg(c.text.name()));
    m_status->setStyleSheet(u"color: %1; font-size: 12px;"_s.arg(c.muted.name()));
    m_error->setStyleSheet(u"color: %1; background: %2; border: 1px solid %1; border-radius: 6px; padding: 8px;"_s
                               .arg(c.bad.name(), c.card.name()));
    m_lowStock->setStyleSheet(u"QTableWidget { background: %1; color: %2; border: none; }"_s.arg(c.card.name(), c.text.name()));
    for (QChartView *view : findChildren<QChartView *>(u"chart-view"_s))
        view->setBackgroundBrush(c.card);
    for (QChart *chart : {m_revenueChart, m_visitsChart, m_productsChart, m_brandsChart, m_sizesChart}) {
        chart->setPlotAreaBackgroundVisible(false);
        chart->setTheme(c.dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        chart->setBackgroundBrush(c.card);
        chart->setBackgroundPen(Qt::NoPen);
        chart->legend()->setLabelColor(c.text);
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

void DashboardScreen::render(unsigned parts)
{
    if (parts & (SalesPart | VisitsPart))
        renderKpis();
    if (parts & SalesPart)
        renderRevenue();
    if (parts & VisitsPart)
        renderVisitors();
    if (parts & ItemsPart) {
        const bool byUnits = m_productMetric->currentIndex() == 1;
        renderTop(m_cards.value(u"top-products"_s), m_productsChart,
                  byUnits ? m_snapshot.topProductsByUnits : m_snapshot.topProductsByRevenue,
                  byUnits ? RankMetric::Units : RankMetric::Revenue);
        renderTop(m_cards.value(u"top-brands"_s), m_brandsChart, m_snapshot.topBrands, RankMetric::Revenue);
        renderTop(m_cards.value(u"top-sizes"_s), m_sizesChart, m_snapshot.topSizes, RankMetric::Units);
    }
    if (parts & StockPart)
        renderLowStock();
}

void DashboardScreen::renderKpis()
{
    const DashboardRequest &r = m_snapshot.request;
    const DashboardKpis k = computeKpis(m_snapshot.sales, m_snapshot.visits, r.today, r.range, m_snapshot.shop.currency);
    const qint64 n = r.range.days();
    const QString vsPeriod = n == 1 ? tr("the day before") : tr("previous %1 days").arg(n);
    auto tile = [this](const char16_t *id) { return m_tiles.value(QString::fromUtf16(id)); };
    auto exactMoney = [this](const Figure &f) { return tr("%1 (before: %2)").arg(money(f.current), money(f.previous)); };
    tile(u"revenue-today")->setFigure(money(k.revenueToday.current), k.revenueToday, tr("yesterday"), exactMoney(k.revenueToday));
    tile(u"revenue-7d")->setFigure(money(k.revenue7.current), k.revenue7, tr("previous 7 days"), exactMoney(k.revenue7));
    tile(u"revenue-30d")->setFigure(money(k.revenue30.current), k.revenue30, tr("previous 30 days"), exactMoney(k.revenue30));
    tile(u"orders")->setFigure(count(k.paidOrders.current), k.paidOrders, vsPeriod,
                               tr("%1 paid orders (before: %2)").arg(count(k.paidOrders.current), count(k.paidOrders.previous)));
    if (k.paidOrders.current == 0)
        tile(u"aov")->setPlaceholder(u"—"_s, tr("no paid orders in this period"));
    else
        tile(u"aov")->setFigure(money(k.averageOrderMinor.current), k.averageOrderMinor, vsPeriod, exactMoney(k.averageOrderMinor));
    if (k.visitors.current == 0 && k.visitors.previous == 0) {
        tile(u"visitors")->setPlaceholder(u"0"_s, tr("no storefront visits recorded"));
        tile(u"conversion")->setPlaceholder(u"—"_s, tr("needs storefront visitors"));
    } else {
        tile(u"visitors")->setFigure(count(k.visitors.current), k.visitors, vsPeriod,
                                     tr("%1 visitors (before: %2)").arg(count(k.visitors.current), count(k.visitors.previous)));
        const auto pct = [](qint64 bp) { return u"%1 %"_s.arg(QString::number(double(bp) / 100.0, 'f', 2)); };
        tile(u"conversion")->setFigure(pct(k.conversionBasisPoints.current), k.conversionBasisPoints, vsPeriod,
                                       tr("%1 (before: %2)").arg(pct(k.conversionBasisPoints.current), pct(k.conversionBasisPoints.previous)));
    }
    tile(u"refunds")->setFigure(money(k.refundsMinor.current), k.refundsMinor, vsPeriod,
                                tr("%1 on %2 order(s) (before: %3)").arg(money(k.refundsMinor.current), count(k.refundedOrders.current),
                                                                         money(k.refundsMinor.previous)));
}

void DashboardScreen::renderRevenue()
{
    const DashboardColors c = dashboardColors(palette());
    const DayRange range = m_snapshot.request.range;
    const RevenueSeries series = revenueSeries(m_snapshot.sales, range);
    const QList<Bucket> buckets = bucketize(series);
    ChartCard *card = m_cards.value(u"revenue"_s);
    card->setSubtitle(tr("Net of refunds · %1 · online and point of sale").arg(rangeText(range)));
    clearChart(m_revenueChart);
    bool any = false;
    for (const Bucket &b : buckets)
        any = any || b.online != 0 || b.pos != 0;
    if (!any) {
        card->setEmpty(true, tr("No paid orders between %1.\nRevenue shows up here seconds after a customer pays online "
                                "or at the counter.").arg(rangeText(range)));
        return;
    }
    card->setEmpty(false);
    const QString currency = m_snapshot.shop.currency;
    auto *online = new QBarSet(tr("Online"));
    auto *pos = new QBarSet(tr("Point of sale"));
    online->setColor(c.online);
    pos->setColor(c.pos);
    online->setBorderColor(c.online);
    pos->setBorderColor(c.pos);
    QStringList labels;
    double top = 0;
    for (const Bucket &b : buckets) {
        online->append(major(b.online, currency));
        pos->append(major(b.pos, currency));
        labels.append(b.label);
        top = std::max(top, major(b.online + b.pos, currency));
    }
    auto *bars = new QStackedBarSeries;
    bars->append(online);
    bars->append(pos);
    bars->setBarWidth(0.7);
    m_revenueChart->addSeries(bars);
    auto *x = new QBarCategoryAxis;
    x->append(labels);
    x->setLabelsAngle(buckets.size() > 16 ? -90 : 0);
    x->setTruncateLabels(false);
    x->setGridLineVisible(false);
    x->setLabelsColor(c.muted);
    auto *y = new QValueAxis;
    y->setRange(0, top <= 0 ? 1 : top * 1.1);
    y->setLabelFormat(moneyAxisFormat(currency));
    y->setLabelsColor(c.muted);
    y->setGridLineColor(c.grid);
    y->applyNiceNumbers();
    m_revenueChart->addAxis(x, Qt::AlignBottom);
    m_revenueChart->addAxis(y, Qt::AlignLeft);
    bars->attachAxis(x);
    bars->attachAxis(y);
    auto hover = [this, buckets](bool on, int index) {
        if (!on || index < 0 || index >= buckets.size()) {
            QToolTip::hideText();
            return;
        }
        const Bucket &b = buckets[index];
        const QString when = b.first == b.last ? b.first.toString(u"ddd, MMM d, yyyy"_s)
                                               : u"%1 – %2"_s.arg(b.first.toString(u"MMM d"_s), b.last.toString(u"MMM d, yyyy"_s));
        QToolTip::showText(QCursor::pos(), tr("%1\nOnline: %2\nPoint of sale: %3\nTotal: %4")
                                               .arg(when, money(b.online), money(b.pos), money(b.online + b.pos)));
    };
    connect(online, &QBarSet::hovered, this, hover);
    connect(pos, &QBarSet::hovered, this, hover);
}

void DashboardScreen::renderVisitors()
{
    const DashboardColors c = dashboardColors(palette());
    const DayRange range = m_snapshot.request.range;
    const VisitsSeries series = visitsSeries(m_snapshot.visits, range);
    ChartCard *card = m_cards.value(u"visitors"_s);
    card->setSubtitle(tr("Unique visitors and page views per day · %1").arg(rangeText(range)));
    clearChart(m_visitsChart);
    qint64 top = 0;
    for (qsizetype i = 0; i < series.days.size(); ++i)
        top = std::max({top, series.pageViews[i], series.visitors[i]});
    if (top == 0) {
        card->setEmpty(true, tr("No storefront visits between %1.\nrdk-sync counts a visit for every storefront page a "
                                "person opens (no cookies; bots are left out).").arg(rangeText(range)));
        return;
    }
    card->setEmpty(false);
    auto *visitors = new QLineSeries;
    auto *views = new QLineSeries;
    visitors->setName(tr("Unique visitors"));
    views->setName(tr("Page views"));
    visitors->setPen(QPen(c.visitors, 2.2));
    views->setPen(QPen(c.pageViews, 2.2));
    for (qsizetype i = 0; i < series.days.size(); ++i) {
        // QDateTimeAxis (Qt 6.4) labels in local time: noon local keeps each point on its day.
        const qreal x = qreal(QDateTime(series.days[i], QTime(12, 0)).toMSecsSinceEpoch());
        visitors->append(x, qreal(series.visitors[i]));
        views->append(x, qreal(series.pageViews[i]));
    }
    m_visitsChart->addSeries(views);
    m_visitsChart->addSeries(visitors);
    auto *x = new QDateTimeAxis;
    x->setFormat(series.days.size() > 400 ? u"MMM yy"_s : u"MMM d"_s);
    x->setRange(QDateTime(range.first, QTime(0, 0)), QDateTime(range.last, QTime(23, 59)));
    x->setTickCount(std::min<int>(8, int(series.days.size()) + 1));
    x->setLabelsColor(c.muted);
    x->setGridLineColor(c.grid);
    auto *y = new QValueAxis;
    y->setRange(0, double(top) * 1.1);
    y->setLabelFormat(u"%.0f"_s);
    y->setLabelsColor(c.muted);
    y->setGridLineColor(c.grid);
    y->applyNiceNumbers();
    m_visitsChart->addAxis(x, Qt::AlignBottom);
    m_visitsChart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries *s : {visitors, views}) {
        s->attachAxis(x);
        s->attachAxis(y);
        connect(s, &QLineSeries::hovered, this, [this, series](const QPointF &point, bool on) {
            if (!on) {
                QToolTip::hideText();
                return;
            }
            const QDate day = QDateTime::fromMSecsSinceEpoch(qint64(std::llround(point.x()))).date();
            const qsizetype i = series.days.indexOf(day);
            if (i < 0)
                return;
            QToolTip::showText(QCursor::pos(), tr("%1\nUnique visitors: %2\nPage views: %3")
                                                   .arg(day.toString(u"ddd, MMM d, yyyy"_s), count(series.visitors[i]),
                                                        count(series.pageViews[i])));
        });
    }
}

void DashboardScreen::renderTop(ChartCard *card, QChart *chart, const QList<RankedItem> &items, RankMetric metric)
{
    const DashboardColors c = dashboardColors(palette());
    card->setSubtitle(rangeText(m_snapshot.request.range));
    clearChart(chart);
    if (items.isEmpty()) {
        card->setEmpty(true, tr("Nothing sold between %1 yet.\nThe best sellers appear here as orders are paid.")
                                 .arg(rangeText(m_snapshot.request.range)));
        return;
    }
    card->setEmpty(false);
    const QString currency = m_snapshot.shop.currency;
    auto *set = new QBarSet(metric == RankMetric::Revenue ? tr("Revenue") : tr("Units"));
    set->setColor(metric == RankMetric::Revenue ? c.online : c.visitors);
    set->setBorderColor(set->color());
    QStringList labels;
    double top = 0;
    // Horizontal bars grow upwards: add the best seller last so it sits on top.
    for (qsizetype i = items.size() - 1; i >= 0; --i) {
        const RankedItem &item = items[i];
        QString label = item.label.size() > 26 ? item.label.left(25) + u"…"_s : item.label;
        // Categories must be unique, and two products may share a name: the SKU tells them apart.
        if (labels.contains(label) && !item.detail.isEmpty())
            label = label.left(12).trimmed() + u"… · "_s + item.detail.left(11);
        while (labels.contains(label))
            label += u" "_s;
        labels.append(label);
        const double value = metric == RankMetric::Revenue ? major(item.revenueMinor, currency) : double(item.units);
        set->append(value);
        top = std::max(top, value);
    }
    auto *bars = new QHorizontalBarSeries;
    bars->append(set);
    bars->setBarWidth(0.65);
    chart->addSeries(bars);
    chart->legend()->hide();
    auto *y = new QBarCategoryAxis;
    y->append(labels);
    y->setTruncateLabels(false);
    y->setGridLineVisible(false);
    y->setLabelsColor(c.text);
    auto *x = new QValueAxis;
    x->setRange(0, top <= 0 ? 1 : top * 1.1);
    x->setLabelFormat(metric == RankMetric::Revenue ? moneyAxisFormat(currency) : u"%.0f"_s);
    x->setLabelsColor(c.muted);
    x->setGridLineColor(c.grid);
    x->applyNiceNumbers();
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    bars->attachAxis(x);
    bars->attachAxis(y);
    connect(set, &QBarSet::hovered, this, [this, items](bool on, int index) {
        const qsizetype i = items.size() - 1 - index;
        if (!on || i < 0 || i >= items.size()) {
            QToolTip::hideText();
            return;
        }
        const RankedItem &item = items[i];
        QToolTip::showText(QCursor::pos(), tr("%1%2\nRevenue: %3\nUnits: %4")
                                               .arg(item.label, item.detail.isEmpty() ? QString() : u" ("_s + item.detail + u')',
                                                    money(item.revenueMinor), count(item.units)));
    });
}

void DashboardScreen::renderLowStock()
{
    ChartCard *card = m_cards.value(u"low-stock"_s);
    const int threshold = m_snapshot.request.lowStockThreshold;
    card->setSubtitle(tr("Sizes with %1 or fewer left to sell · double-click to open").arg(threshold));
    const auto &rows = m_snapshot.lowStock;
    m_lowStock->setRowCount(int(rows.size()));
    const DashboardColors c = dashboardColors(palette());
    for (int i = 0; i < rows.size(); ++i) {
        const LowStockItem &r = rows[i];
        auto *name = new QTableWidgetItem(r.name);
        name->setToolTip(r.sku);
        auto *size = new QTableWidgetItem(r.size.isEmpty() ? tr("—") : r.size);
        auto *left = new QTableWidgetItem(r.available == 0 ? tr("sold out") : QString::number(r.available));
        left->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        left->setForeground(r.available == 0 ? c.bad : c.pos);
        m_lowStock->setItem(i, 0, name);
        m_lowStock->setItem(i, 1, size);
        m_lowStock->setItem(i, 2, left);
    }
    card->setEmpty(rows.isEmpty(), tr("Every size has more than %1 left.\nSizes running low show up here.").arg(threshold));
}

// ---------------------------------------------------------------------------------------------
// Access for tests and export
// ---------------------------------------------------------------------------------------------

QString DashboardScreen::kpiText(const QString &id) const
{
    const KpiTile *tile = m_tiles.value(id);
    return tile ? tile->valueText() : QString();
}

QStringList DashboardScreen::chartIds() const
{
    return {u"revenue"_s, u"visitors"_s, u"top-products"_s, u"top-brands"_s, u"top-sizes"_s, u"low-stock"_s};
}

QString DashboardScreen::chartCsv(const QString &chartId) const
{
    const QString currency = m_snapshot.shop.currency;
    const DayRange range = m_snapshot.request.range;
    auto plain = [&](qint64 minor) {
        auto m = Money::of(minor, currency.isEmpty() ? u"USD"_s : currency);
        return m ? formatMinorPlain(*m) : QString::number(minor);
    };
    QString csv;
    if (chartId == u"revenue"_s) {
        csv += csvLine({u"day"_s, u"online_net"_s, u"pos_net"_s, u"total_net"_s, u"currency"_s});
        const RevenueSeries s = revenueSeries(m_snapshot.sales, range);
        for (qsizetype i = 0; i < s.days.size(); ++i)
            csv += csvLine({s.days[i].toString(Qt::ISODate), plain(s.onlineMinor[i]), plain(s.posMinor[i]),
                            plain(s.onlineMinor[i] + s.posMinor[i]), currency});
    } else if (chartId == u"visitors"_s) {
        csv += csvLine({u"day"_s, u"unique_visitors"_s, u"page_views"_s});
        const VisitsSeries s = visitsSeries(m_snapshot.visits, range);
        for (qsizetype i = 0; i < s.days.size(); ++i)
            csv += csvLine({s.days[i].toString(Qt::ISODate), QString::number(s.visitors[i]), QString::number(s.pageViews[i])});
    } else if (chartId == u"top-products"_s || chartId == u"top-brands"_s || chartId == u"top-sizes"_s) {
        const QList<RankedItem> &items = chartId == u"top-brands"_s ? m_snapshot.topBrands
                                         : chartId == u"top-sizes"_s ? m_snapshot.topSizes
                                         : m_productMetric->currentIndex() == 1 ? m_snapshot.topProductsByUnits
                                                                                : m_snapshot.topProductsByRevenue;
        csv += csvLine({u"rank"_s, u"name"_s, u"sku"_s, u"units"_s, u"revenue"_s, u"currency"_s, u"from"_s, u"to"_s});
        for (qsizetype i = 0; i < items.size(); ++i)
            csv += csvLine({QString::number(i + 1), items[i].label, items[i].detail, QString::number(items[i].units),
                            plain(items[i].revenueMinor), currency, range.first.toString(Qt::ISODate), range.last.toString(Qt::ISODate)});
    } else if (chartId == u"low-stock"_s) {
        csv += csvLine({u"sku"_s, u"name"_s, u"size"_s, u"available"_s});
        for (const LowStockItem &r : m_snapshot.lowStock)
            csv += csvLine({r.sku, r.name, r.size, QString::number(r.available)});
    }
    return csv;
}

Status DashboardScreen::exportChartCsv(const QString &chartId, const QString &path) const
{
    if (!chartIds().contains(chartId))
        return Error::invalid(tr("There is no chart called '%1'.").arg(chartId.left(40)));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::unavailable(tr("Can't write %1: %2").arg(path, file.errorString()));
    file.write(chartCsv(chartId).toUtf8());
    if (!file.commit())
        return Error::unavailable(tr("Can't write %1: %2").arg(path, file.errorString()));
    return {};
}

Status DashboardScreen::exportChartPng(const QString &chartId, const QString &path) const
{
    const ChartCard *card = m_cards.value(chartId);
    if (!card)
        return Error::invalid(tr("There is no chart called '%1'.").arg(chartId.left(40)));
    if (card->isEmpty())
        return Error::invalid(tr("This chart has nothing to show yet, so there is no picture to save."));
    const QPixmap pixmap = card->content()->grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG"))
        return Error::unavailable(tr("Can't write the picture to %1.").arg(path));
    return {};
}

void DashboardScreen::exportInteractively(const QString &chartId, bool png)
{
    const QString suggested = u"%1-%2-%3.%4"_s.arg(chartId, m_snapshot.request.range.first.toString(Qt::ISODate),
                                                   m_snapshot.request.range.last.toString(Qt::ISODate), png ? u"png"_s : u"csv"_s);
    const QString path = QFileDialog::getSaveFileName(this, png ? tr("Save chart as PNG") : tr("Save figures as CSV"), suggested,
                                                      png ? tr("PNG images (*.png)") : tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    const Status saved = png ? exportChartPng(chartId, path) : exportChartCsv(chartId, path);
    if (!saved) {
        m_error->setText(saved.error().message);
        m_error->show();
    }
}

} // namespace rdk

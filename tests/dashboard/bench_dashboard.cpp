// Dashboard query and paint timings (run by tests/bench/run-dashboard-bench, not a test).
// usage: rdk_dashboard_bench STAFF_DATABASE_URL [ROUNDS]
// Prints one line per figure: name<TAB>p50 ms<TAB>p95 ms<TAB>rows
#include "data/pgdashboard.h"
#include "ui/dashboard/dashboardscreen.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

QTextStream out(stdout);

void report(const QString &name, QList<double> ms, qsizetype rows)
{
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min<qsizetype>(ms.size() - 1, qsizetype(q * double(ms.size() - 1) + 0.5))]; };
    out << name << '\t' << QString::number(at(0.5), 'f', 1) << '\t' << QString::number(at(0.95), 'f', 1) << '\t' << rows << Qt::endl;
}

template <typename F>
void measure(const QString &name, int rounds, F &&query)
{
    QList<double> times;
    qsizetype rows = 0;
    for (int i = 0; i < rounds; ++i) {
        QElapsedTimer t;
        t.start();
        auto result = query();
        times.append(double(t.nsecsElapsed()) / 1e6);
        if (!result) {
            out << name << "\tFAILED\t" << result.error().message << Qt::endl;
            return;
        }
        rows = result->size();
    }
    report(name, times, rows);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    if (argc < 2) {
        QTextStream(stderr) << "usage: rdk_dashboard_bench STAFF_DATABASE_URL [ROUNDS]" << Qt::endl;
        return 64;
    }
    const std::string url = argv[1];
    const int rounds = argc > 2 ? std::max(5, atoi(argv[2])) : 40;
    auto factory = data::PgDashboardSource::factory(url);
    auto source = factory();
    if (!source) {
        QTextStream(stderr) << source.error().message << Qt::endl;
        return 1;
    }
    auto shop = (*source)->shop();
    if (!shop) {
        QTextStream(stderr) << shop.error().message << Qt::endl;
        return 1;
    }
    const QDate today = shopToday(QDateTime::currentDateTimeUtc(), shop->timezone);
    for (PeriodKind kind : {PeriodKind::Last30, PeriodKind::Year}) {
        const DayRange range = *presetRange(kind, today);
        const QString tag = toString(kind);
        DashboardSource &s = **source;
        measure(u"sales %1 (+KPI windows)"_s.arg(tag), rounds, [&] { return s.sales(salesWindow(today, range)); });
        measure(u"visits %1"_s.arg(tag), rounds, [&] { return s.visits({range.previous().first, range.last}); });
        measure(u"top products by revenue %1"_s.arg(tag), rounds, [&] { return s.top(Dimension::Product, RankMetric::Revenue, range, 8); });
        measure(u"top products by units %1"_s.arg(tag), rounds, [&] { return s.top(Dimension::Product, RankMetric::Units, range, 8); });
        measure(u"top brands %1"_s.arg(tag), rounds, [&] { return s.top(Dimension::Brand, RankMetric::Revenue, range, 8); });
        measure(u"top sizes %1"_s.arg(tag), rounds, [&] { return s.top(Dimension::Size, RankMetric::Units, range, 8); });
    }
    measure(u"low stock"_s, rounds, [&] { return (*source)->lowStock(2, 12); });

    // The whole dashboard, from nothing to painted (offscreen), a few times.
    QList<double> paints;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        DashboardScreen screen(factory);
        screen.resize(1440, 1000);
        screen.show();
        while (screen.isLoading())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        const QPixmap pixmap = screen.grab();
        paints.append(double(t.nsecsElapsed()) / 1e6);
        if (pixmap.isNull())
            return 1;
    }
    report(u"dashboard loaded + painted (30 d)"_s, paints, 1);
    return 0;
}

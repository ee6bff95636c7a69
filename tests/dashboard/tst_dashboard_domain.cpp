// Dashboard rules without a database: periods in shop days, KPIs, series, live-update scope.
#include "domain/dashboard.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestDashboardDomain final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void presetRange_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QDate>("first");
        QTest::addColumn<qint64>("days");
        const QDate today(2026, 3, 10);
        QTest::addRow("today") << u"today"_s << today << qint64(1);
        QTest::addRow("7 days") << u"7d"_s << QDate(2026, 3, 4) << qint64(7);
        QTest::addRow("30 days") << u"30d"_s << QDate(2026, 2, 9) << qint64(30);
        QTest::addRow("90 days") << u"90d"_s << QDate(2025, 12, 11) << qint64(90);
        QTest::addRow("year") << u"year"_s << QDate(2025, 3, 11) << qint64(365);
    }
    void presetRange()
    {
        QFETCH(QString, kind);
        QFETCH(QDate, first);
        QFETCH(qint64, days);
        auto range = rdk::presetRange(*periodKindFromString(kind), QDate(2026, 3, 10));
        QVERIFY(range.ok());
        QCOMPARE(range->first, first);
        QCOMPARE(range->last, QDate(2026, 3, 10));
        QCOMPARE(range->days(), days);
        QCOMPARE(range->previous().days(), days);
        QCOMPARE(range->previous().last, first.addDays(-1));
    }

    void customRange_refusesBadInput_data()
    {
        QTest::addColumn<QDate>("first");
        QTest::addColumn<QDate>("last");
        QTest::addRow("reversed") << QDate(2026, 3, 10) << QDate(2026, 3, 1);
        QTest::addRow("invalid first") << QDate() << QDate(2026, 3, 1);
        QTest::addRow("invalid last") << QDate(2026, 3, 1) << QDate(2026, 2, 30);
        QTest::addRow("centuries") << QDate(1900, 1, 1) << QDate(2026, 1, 1);
    }
    void customRange_refusesBadInput()
    {
        QFETCH(QDate, first);
        QFETCH(QDate, last);
        auto range = customRange(first, last);
        QVERIFY(!range.ok());
        QCOMPARE(range.error().field, u"range"_s);
        QVERIFY(!range.error().message.isEmpty());
        QVERIFY(customRange(QDate(2026, 3, 1), QDate(2026, 3, 1)).ok());
        QVERIFY(!rdk::presetRange(PeriodKind::Custom, QDate(2026, 3, 1)).ok());
        QVERIFY(!periodKindFromString(u"fortnight"_s).has_value());
    }

    void shopToday_usesTheShopsZoneAcrossDst()
    {
        // 04:30Z on 2026-03-08 is still Saturday evening in New York (EST, UTC-5)...
        QCOMPARE(shopToday(QDateTime(QDate(2026, 3, 8), QTime(4, 30), Qt::UTC), u"America/New_York"_s), QDate(2026, 3, 7));
        // ...and 04:30Z on 03-09 is already Monday (EDT, UTC-4), though UTC-5 would say Sunday.
        QCOMPARE(shopToday(QDateTime(QDate(2026, 3, 9), QTime(4, 30), Qt::UTC), u"America/New_York"_s), QDate(2026, 3, 9));
        QCOMPARE(shopToday(QDateTime(QDate(2026, 3, 9), QTime(23, 30), Qt::UTC), u"Asia/Tokyo"_s), QDate(2026, 3, 10));
        QCOMPARE(shopToday(QDateTime(QDate(2026, 3, 9), QTime(23, 30), Qt::UTC), u"Not/AZone"_s), QDate(2026, 3, 9));
    }

    void computeKpis_knownFigures()
    {
        const QDate today(2026, 3, 10);
        const QList<DailySales> sales = {
            {today, u"online"_s, 2, 30000, 5000, 1, 3},          // today: net 25,000
            {today, u"pos"_s, 1, 10000, 0, 0, 1},                // today: net 10,000
            {today.addDays(-1), u"online"_s, 1, 8000, 0, 0, 1},   // yesterday: net 8,000
            {today.addDays(-10), u"pos"_s, 4, 40000, 10000, 2, 4},  // within 30 days
            {today.addDays(-40), u"online"_s, 5, 50000, 0, 0, 5},   // previous 30 days
        };
        const QList<DailyVisits> visits = {{today, 100, 40}, {today.addDays(-1), 50, 10}, {today.addDays(-31), 10, 5}};
        const DayRange selected = *rdk::presetRange(PeriodKind::Last30, today);
        const DashboardKpis k = computeKpis(sales, visits, today, selected, u"USD"_s);
        QCOMPARE(k.revenueToday.current, qint64(35000));
        QCOMPARE(k.revenueToday.previous, qint64(8000));
        QCOMPARE(*k.revenueToday.changePercent(), 337.5);
        QCOMPARE(k.revenue7.current, qint64(43000));
        QCOMPARE(k.revenue7.previous, qint64(30000));  // the pos day 10 days ago, net of its refund
        QCOMPARE(k.revenue30.current, qint64(73000));
        QCOMPARE(k.revenue30.previous, qint64(50000));
        QCOMPARE(k.paidOrders.current, qint64(8));
        QCOMPARE(k.averageOrderMinor.current, qint64(11000));  // 88,000 / 8
        QCOMPARE(k.visitors.current, qint64(50));
        QCOMPARE(k.visitors.previous, qint64(5));
        QCOMPARE(k.conversionBasisPoints.current, qint64(600));  // 3 online orders / 50 visitors = 6.00 %
        QCOMPARE(k.refundsMinor.current, qint64(15000));
        QCOMPARE(k.refundedOrders.current, qint64(3));
        const DashboardKpis none = computeKpis({}, {}, today, selected, u"USD"_s);
        QCOMPARE(none.averageOrderMinor.current, qint64(0));
        QCOMPARE(none.conversionBasisPoints.current, qint64(0));
        QVERIFY(!none.revenue7.changePercent().has_value());
    }

    void series_areZeroFilledAndSplitByChannel()
    {
        const DayRange range{QDate(2026, 3, 1), QDate(2026, 3, 5)};
        const RevenueSeries s = revenueSeries({{QDate(2026, 3, 2), u"online"_s, 1, 1000, 100, 1, 1},
                                               {QDate(2026, 3, 2), u"pos"_s, 1, 500, 0, 0, 1},
                                               {QDate(2026, 3, 9), u"pos"_s, 1, 999, 0, 0, 1}},
                                              range);
        QCOMPARE(s.days.size(), 5);
        QCOMPARE(s.onlineMinor, (QList<qint64>{0, 900, 0, 0, 0}));
        QCOMPARE(s.posMinor, (QList<qint64>{0, 500, 0, 0, 0}));
        const VisitsSeries v = visitsSeries({{QDate(2026, 3, 5), 7, 3}}, range);
        QCOMPARE(v.pageViews.last(), qint64(7));
        QCOMPARE(v.visitors.first(), qint64(0));
    }

    void wholeMonths_data()
    {
        QTest::addColumn<QDate>("first");
        QTest::addColumn<QDate>("last");
        QTest::addColumn<QDate>("monthsFirst");
        QTest::addColumn<QDate>("monthsEnd");
        QTest::addRow("one whole month") << QDate(2026, 3, 1) << QDate(2026, 3, 31) << QDate(2026, 3, 1) << QDate(2026, 4, 1);
        QTest::addRow("30 days, no whole month") << QDate(2026, 2, 9) << QDate(2026, 3, 10) << QDate(2026, 3, 11) << QDate(2026, 3, 11);
        QTest::addRow("a year with edges") << QDate(2025, 3, 11) << QDate(2026, 3, 10) << QDate(2025, 4, 1) << QDate(2026, 3, 1);
        QTest::addRow("ends on a month end") << QDate(2025, 12, 15) << QDate(2026, 2, 28) << QDate(2026, 1, 1) << QDate(2026, 3, 1);
        QTest::addRow("leap February") << QDate(2024, 2, 1) << QDate(2024, 2, 29) << QDate(2024, 2, 1) << QDate(2024, 3, 1);
        QTest::addRow("one day") << QDate(2026, 3, 1) << QDate(2026, 3, 1) << QDate(2026, 3, 2) << QDate(2026, 3, 2);
    }
    void wholeMonths()
    {
        QFETCH(QDate, first);
        QFETCH(QDate, last);
        QFETCH(QDate, monthsFirst);
        QFETCH(QDate, monthsEnd);
        const MonthSpan span = rdk::wholeMonths({first, last});
        QCOMPARE(span.first, monthsFirst);
        QCOMPARE(span.end, monthsEnd);
    }

    void salesChange_reloadsOnlyWhatItTouches()
    {
        const QDate today(2026, 3, 10);
        const DayRange last7 = *rdk::presetRange(PeriodKind::Last7, today);
        QCOMPARE(partsForSalesChange({today, today}, today, last7), unsigned(SalesPart | ItemsPart));
        // A refund of a sale 40 days ago changes the "previous 30 days" KPI, not the 7-day charts.
        QCOMPARE(partsForSalesChange({today.addDays(-40), today.addDays(-40)}, today, last7), unsigned(SalesPart));
        QCOMPARE(partsForSalesChange({QDate(2020, 1, 1), QDate(2020, 1, 2)}, today, last7), 0u);
    }
};

QTEST_GUILESS_MAIN(TestDashboardDomain)
#include "tst_dashboard_domain.moc"

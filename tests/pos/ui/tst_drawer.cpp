// The cash drawer's rules without a database (domain/drawer.h): the notes and coins of a
// currency, a count and its total, over/short, and the X/Z report read from the database's JSON
// and laid out for people.
#include "domain/drawer.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

Money usd(qint64 minor)
{
    return Money::of(minor, u"USD"_s).value();
}

// What rdk.drawer_report returns for a closed drawer (trimmed to what the model reads).
const char *const kZReport = R"({
  "session_id": "7d0c5f0e-1111-4222-8333-944444444444", "kind": "Z", "shop": "Kickz Downtown",
  "timezone": "America/New_York", "opened_by": "Dana Cashier", "closed_by": "Morgan Ops",
  "opened_at": "2026-12-06T14:02:00.123456+00:00", "closed_at": "2026-12-06T23:15:30+00:00",
  "until": "2026-12-06T23:15:30+00:00", "currency": "USD", "float_minor": 15000,
  "sales": [{"method": "card", "count": 1, "total_minor": 12000}, {"method": "cash", "count": 2, "total_minor": 17000}],
  "sales_count": 3, "gross_minor": 30000, "discounts_minor": 1000, "tax_minor": 0, "total_minor": 29000,
  "cash_sales_minor": 17000, "cash_refunds_minor": 2000, "cash_refunds_count": 1, "card_refunds_minor": 0,
  "paid_in_minor": 0, "paid_out_minor": 2500, "expected_minor": 27500, "counted_minor": 27250,
  "over_short_minor": -250, "counted": {"10000": 2, "2000": 3, "1000": 1, "25": 10}, "note": "Coins short",
  "movements": [{"at": "2026-12-06T18:00:00+00:00", "kind": "paid_out", "amount_minor": -2500, "reason": "Pizza", "order": null},
                {"at": "2026-12-06T15:00:00+00:00", "kind": "sale", "amount_minor": 5000, "reason": null, "order": "RDK-1001"}]
})";

} // namespace

class TestDrawer final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void denominations_perCurrency_data()
    {
        QTest::addColumn<QString>("currency");
        QTest::addColumn<int>("count");
        QTest::addColumn<qint64>("largest");
        QTest::addColumn<qint64>("smallest");
        QTest::addRow("US dollars") << u"USD"_s << 12 << qint64(10000) << qint64(1);
        QTest::addRow("euros") << u"EUR"_s << 15 << qint64(50000) << qint64(1);
        QTest::addRow("pounds") << u"GBP"_s << 12 << qint64(5000) << qint64(1);
        QTest::addRow("Canadian dollars, no pennies") << u"CAD"_s << 10 << qint64(10000) << qint64(5);
    }

    void denominations_perCurrency()
    {
        QFETCH(QString, currency);
        QFETCH(int, count);
        QFETCH(qint64, largest);
        QFETCH(qint64, smallest);
        const QList<qint64> list = drawerDenominations(currency);
        QCOMPARE(list.size(), count);
        QCOMPARE(list.first(), largest);
        QCOMPARE(list.last(), smallest);
        QVERIFY(std::is_sorted(list.crbegin(), list.crend()));  // largest first
    }

    void denominations_otherCurrency_countedAsOneAmount()
    {
        QVERIFY(drawerDenominations(u"JPY"_s).isEmpty());
        DrawerCount count{u"JPY"_s, {{1000, 1}}};
        auto total = count.total();
        QVERIFY(!total);
        QCOMPARE(total.error().message, u"Count the JPY cash as one amount."_s);
    }

    void denominationLabel_asAtTheTill_data()
    {
        QTest::addColumn<qint64>("minor");
        QTest::addColumn<QString>("currency");
        QTest::addColumn<QString>("label");
        QTest::addRow("note") << qint64(10000) << u"USD"_s << u"$100"_s;
        QTest::addRow("dollar coin") << qint64(100) << u"USD"_s << u"$1"_s;
        QTest::addRow("quarter") << qint64(25) << u"USD"_s << u"25¢"_s;
        QTest::addRow("euro note") << qint64(50000) << u"EUR"_s << u"€500"_s;
        QTest::addRow("two cent") << qint64(2) << u"EUR"_s << u"2c"_s;
        QTest::addRow("pence") << qint64(50) << u"GBP"_s << u"50p"_s;
        QTest::addRow("pound") << qint64(200) << u"GBP"_s << u"£2"_s;
    }

    void denominationLabel_asAtTheTill()
    {
        QFETCH(qint64, minor);
        QFETCH(QString, currency);
        QFETCH(QString, label);
        QCOMPARE(denominationLabel(minor, currency), label);
    }

    void count_total_sumsValueTimesCount()
    {
        DrawerCount count{u"USD"_s, {{2000, 5}, {100, 40}, {25, 40}, {1, 0}}};
        QCOMPARE(count.total().value(), usd(15000));
        QCOMPARE(count.toJson(), uR"({"100":40,"2000":5,"25":40})"_s);  // zero counts left out
    }

    void count_total_refusesWhatIsNotCash_data()
    {
        QTest::addColumn<qint64>("denomination");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("message");
        QTest::addRow("three cent coin") << qint64(3) << 1 << u"3 is not a note or coin of USD."_s;
        QTest::addRow("negative count") << qint64(100) << -1 << u"Count each note or coin as a whole number from 0 to 10000 ($1)."_s;
        QTest::addRow("too many") << qint64(25) << 10001 << u"Count each note or coin as a whole number from 0 to 10000 (25¢)."_s;
    }

    void count_total_refusesWhatIsNotCash()
    {
        QFETCH(qint64, denomination);
        QFETCH(int, count);
        QFETCH(QString, message);
        auto total = DrawerCount{u"USD"_s, {{denomination, count}}}.total();
        QVERIFY(!total);
        QCOMPARE(total.error().message, message);
    }

    void overShort_countedMinusExpected_data()
    {
        QTest::addColumn<qint64>("counted");
        QTest::addColumn<qint64>("expected");
        QTest::addColumn<qint64>("diff");
        QTest::addColumn<QString>("text");
        QTest::addRow("short") << qint64(29525) << qint64(30500) << qint64(-975) << u"Short $9.75"_s;
        QTest::addRow("over") << qint64(10200) << qint64(10000) << qint64(200) << u"Over $2.00"_s;
        QTest::addRow("even") << qint64(10000) << qint64(10000) << qint64(0) << u"Even"_s;
    }

    void overShort_countedMinusExpected()
    {
        QFETCH(qint64, counted);
        QFETCH(qint64, expected);
        QFETCH(qint64, diff);
        QFETCH(QString, text);
        QCOMPARE(overShort(usd(counted), usd(expected)), usd(diff));
        QCOMPARE(overShortText(usd(counted), usd(expected)), text);
    }

    void report_fromJson_readsEveryFigure()
    {
        auto report = DrawerReport::fromJson(QByteArray(kZReport));
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QVERIFY(report->closed);
        QCOMPARE(report->title(), u"Z report — Dana Cashier"_s);
        QCOMPARE(report->openedAt, QDateTime(QDate(2026, 12, 6), QTime(14, 2, 0, 123), QTimeZone::utc()));
        QCOMPARE(report->sales.size(), 2);
        QCOMPARE(report->total, usd(29000));
        QCOMPARE(report->expected, usd(27500));
        QCOMPARE(report->counted.value(), usd(27250));
        QCOMPARE(report->countedBy.value(25), 10);
        QCOMPARE(report->movements.size(), 2);
        QCOMPARE(report->movements[1].order, u"RDK-1001"_s);
    }

    void report_fromJson_refusesAReportWithoutFigures()
    {
        QVERIFY(!DrawerReport::fromJson("not json"));
        QVERIFY(!DrawerReport::fromJson(R"({"currency": "USD", "kind": "X"})"));
        QVERIFY(!DrawerReport::fromJson(R"({"kind": "X", "expected_minor": 1})"));
    }

    void report_lines_inTheShopsTimeZone()
    {
        const auto report = DrawerReport::fromJson(QByteArray(kZReport)).value();
        const auto lines = report.lines();
        const auto value = [&](const QString &label) {
            for (const auto &l : lines)
                if (l.first == label)
                    return l.second;
            return u"(missing)"_s;
        };
        QCOMPARE(lines.first().first, u"Kickz Downtown"_s);
        QCOMPARE(value(u"Opened"_s), u"2026-12-06 09:02"_s);   // New York, not UTC
        QCOMPARE(value(u"Closed"_s), u"2026-12-06 18:15"_s);
        QCOMPARE(value(u"Closed by"_s), u"Morgan Ops"_s);
        QCOMPARE(value(u"Card (payment link) (1)"_s), u"$120.00"_s);
        QCOMPARE(value(u"Cash (2)"_s), u"$170.00"_s);
        QCOMPARE(value(u"Discounts"_s), u"-$10.00"_s);
        QCOMPARE(value(u"Cash refunds (1)"_s), u"-$20.00"_s);
        QCOMPARE(value(u"Expected in drawer"_s), u"$275.00"_s);
        QCOMPARE(value(u"Counted"_s), u"$272.50"_s);
        QCOMPARE(value(u"Short"_s), u"-$2.50"_s);
        QCOMPARE(value(u"$100 × 2"_s), u"$200.00"_s);
        QCOMPARE(value(u"25¢ × 10"_s), u"$2.50"_s);
        QCOMPARE(value(u"13:00 paid out — Pizza"_s), u"-$25.00"_s);
        QCOMPARE(value(u"Note"_s), u"Coins short"_s);
    }
};

QTEST_GUILESS_MAIN(TestDrawer)
#include "tst_drawer.moc"

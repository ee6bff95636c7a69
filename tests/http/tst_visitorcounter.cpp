// The cookieless visitor id: one salt of the day shared by every rdk-sync process makes a
// visitor the same id whichever process served them (ADR 0029); without it each process (and
// each restart) had a salt of its own and counted the same person again.
#include "sync/visitorcounter.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::VisitorCounter;

namespace {

const QByteArray kBrowser = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
const QHostAddress kShopper(u"203.0.113.7"_s);
const QDate kDay(2026, 12, 7);

} // namespace

class TstVisitorCounter final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sharedSalt_twoProcessesGiveOneVisitorOneId()
    {
        QList<QDate> asked;
        const auto database = [&asked](const QDate &day) -> rdk::Result<QByteArray> {
            asked.append(day);
            return QByteArray(32, char(day.day()));
        };
        VisitorCounter first, second;
        first.setSaltSource(database);
        second.setSaltSource(database);
        // Not at hand yet: a view is not counted, and visitorId never asks the database itself.
        QVERIFY(first.needsSalts(kDay));
        QVERIFY(first.visitorId(kShopper, kBrowser, kDay).isEmpty());
        QVERIFY(asked.isEmpty());
        first.refreshSalts(kDay);
        second.refreshSalts(kDay);
        QVERIFY(!first.needsSalts(kDay));
        const QByteArray id = first.visitorId(kShopper, kBrowser, kDay);
        QCOMPARE(id.size(), 16);
        QCOMPARE(second.visitorId(kShopper, kBrowser, kDay), id);
        QVERIFY(second.visitorId(QHostAddress(u"203.0.113.8"_s), kBrowser, kDay) != id);
        // Tomorrow's salt was fetched ahead: midnight needs no round trip.
        QVERIFY(first.visitorId(kShopper, kBrowser, kDay.addDays(1)) != id);   // a new day, a new salt
        QCOMPARE(first.visitorId(kShopper, kBrowser, kDay.addDays(1)), second.visitorId(kShopper, kBrowser, kDay.addDays(1)));
        // One ask per process and day, not one per view; the next day asks only for the day after.
        QCOMPARE(asked, (QList<QDate>{kDay, kDay.addDays(1), kDay, kDay.addDays(1)}));
        first.refreshSalts(kDay.addDays(1));
        QCOMPARE(asked.last(), kDay.addDays(2));
        QCOMPARE(asked.size(), 5);
    }

    void ownSalts_twoProcessesCountOneVisitorTwice()
    {
        // What one process alone did (and still does without a source): each has its own salt.
        VisitorCounter first, second;
        QVERIFY(first.visitorId(kShopper, kBrowser, kDay) != second.visitorId(kShopper, kBrowser, kDay));
        QCOMPARE(first.visitorId(kShopper, kBrowser, kDay), first.visitorId(kShopper, kBrowser, kDay));
    }

    void sourceUnavailable_viewNotCounted_notAskedAgainAtOnce()
    {
        int asks = 0;
        VisitorCounter counter;
        counter.setSaltSource([&asks](const QDate &) -> rdk::Result<QByteArray> {
            ++asks;
            return rdk::Error::unavailable(u"The database can't be reached right now."_s);
        });
        counter.refreshSalts(kDay);
        QVERIFY(counter.visitorId(kShopper, kBrowser, kDay).isEmpty());
        counter.refreshSalts(kDay);
        QVERIFY(counter.visitorId(kShopper, kBrowser, kDay).isEmpty());
        QCOMPARE(asks, 1);   // the next refresh within a few seconds doesn't ask again
        QVERIFY(counter.needsSalts(kDay));
    }

    void bots_neverCounted()
    {
        int asks = 0;
        VisitorCounter counter;
        counter.setSaltSource([&asks](const QDate &) -> rdk::Result<QByteArray> {
            ++asks;
            return QByteArray(32, 'x');
        });
        counter.refreshSalts(kDay);
        QCOMPARE(asks, 2);
        QVERIFY(counter.visitorId(kShopper, "curl/8.0", kDay).isEmpty());
        QVERIFY(counter.visitorId(kShopper, {}, kDay).isEmpty());
        QVERIFY(!counter.visitorId(kShopper, kBrowser, kDay).isEmpty());   // control: a browser counts
        QCOMPARE(asks, 2);
    }
};

QTEST_GUILESS_MAIN(TstVisitorCounter)
#include "tst_visitorcounter.moc"

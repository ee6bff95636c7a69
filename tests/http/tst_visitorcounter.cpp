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
        const QByteArray id = first.visitorId(kShopper, kBrowser, kDay);
        QCOMPARE(id.size(), 16);
        QCOMPARE(second.visitorId(kShopper, kBrowser, kDay), id);
        QVERIFY(second.visitorId(QHostAddress(u"203.0.113.8"_s), kBrowser, kDay) != id);
        QVERIFY(first.visitorId(kShopper, kBrowser, kDay.addDays(1)) != id);   // a new day, a new salt
        QCOMPARE(first.visitorId(kShopper, kBrowser, kDay.addDays(1)), second.visitorId(kShopper, kBrowser, kDay.addDays(1)));
        // One ask per process and day, not one per view.
        QCOMPARE(asked, (QList<QDate>{kDay, kDay, kDay.addDays(1), kDay.addDays(1)}));
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
        QVERIFY(counter.visitorId(kShopper, kBrowser, kDay).isEmpty());
        QVERIFY(counter.visitorId(kShopper, kBrowser, kDay).isEmpty());
        QCOMPARE(asks, 1);   // the next views within a few seconds don't ask again
    }

    void bots_neverCounted_sourceNotAsked()
    {
        int asks = 0;
        VisitorCounter counter;
        counter.setSaltSource([&asks](const QDate &) -> rdk::Result<QByteArray> {
            ++asks;
            return QByteArray(32, 'x');
        });
        QVERIFY(counter.visitorId(kShopper, "curl/8.0", kDay).isEmpty());
        QVERIFY(counter.visitorId(kShopper, {}, kDay).isEmpty());
        QCOMPARE(asks, 0);
    }
};

QTEST_GUILESS_MAIN(TstVisitorCounter)
#include "tst_visitorcounter.moc"

// The rules the Releases window shows before anything is sent (domain/releasebook.h): where a
// release stands at a given moment and what its countdown says, what proof-of-work costs a
// shopper, and the checks of the New/Edit dialog. No database, no widgets.
#include "domain/releasebook.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

Q_DECLARE_METATYPE(rdk::ReleaseStage)
Q_DECLARE_METATYPE(rdk::ReleaseSummary)
Q_DECLARE_METATYPE(rdk::ReleaseSettings)

namespace {

const QDateTime T0 = QDateTime(QDate(2026, 12, 12), QTime(15, 0), Qt::UTC);   // 10:00 in New York

ReleaseSummary queueRelease()
{
    ReleaseSummary r;
    r.id = u"r1"_s;
    r.sku = u"DD1391-100"_s;
    r.productName = u"Dunk Low Panda"_s;
    r.releaseAt = T0;
    r.queueOpensAt = defaultQueueOpensAt(T0);
    r.allocation = ReleaseAllocation::Queue;
    r.admitPerMinute = 120;
    r.stockLeft = 40;
    return r;
}

ReleaseSummary raffleRelease()
{
    ReleaseSummary r = queueRelease();
    r.allocation = ReleaseAllocation::Raffle;
    r.queueOpensAt = T0.addDays(-3);
    r.entriesCloseAt = T0.addSecs(-3600);
    return r;
}

ReleaseSettings goodDraft()
{
    ReleaseSettings d;
    d.sku = u"DD1391-100"_s;
    d.releaseAt = T0;
    return d;
}

} // namespace

class TestReleaseBook final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stage_data()
    {
        QTest::addColumn<ReleaseSummary>("release");
        QTest::addColumn<QDateTime>("now");
        QTest::addColumn<ReleaseStage>("stage");
        QTest::addColumn<QString>("countdown");

        const ReleaseSummary q = queueRelease();
        QTest::addRow("queue an hour before") << q << T0.addSecs(-3600) << ReleaseStage::Upcoming
                                              << u"queue opens in 00:30:00"_s;
        QTest::addRow("queue two days before") << q << T0.addDays(-2) << ReleaseStage::Upcoming
                                               << u"queue opens in 1 d 23:30:00"_s;
        QTest::addRow("queue open") << q << T0.addSecs(-299) << ReleaseStage::QueueOpen << u"on sale in 00:04:59"_s;
        QTest::addRow("release time reached") << q << T0 << ReleaseStage::OnSale << u"released just now"_s;
        QTest::addRow("on sale two hours") << q << T0.addSecs(7200) << ReleaseStage::OnSale << u"released 2 h ago"_s;
        ReleaseSummary gone = q;
        gone.stockLeft = 0;
        QTest::addRow("nothing left") << gone << T0.addSecs(600) << ReleaseStage::SoldOut << u"released 10 min ago"_s;
        gone.held = 2;
        QTest::addRow("nothing left but two held") << gone << T0.addSecs(600) << ReleaseStage::OnSale
                                                   << u"released 10 min ago"_s;
        QTest::addRow("a week and a second later") << q << T0.addSecs(ReleaseActiveSeconds + 1) << ReleaseStage::Ended << QString();
        ReleaseSummary canceled = q;
        canceled.canceledAt = T0.addDays(-1);
        QTest::addRow("canceled") << canceled << T0.addDays(-2) << ReleaseStage::Canceled << QString();

        const ReleaseSummary r = raffleRelease();
        QTest::addRow("raffle before entries") << r << T0.addDays(-4) << ReleaseStage::Upcoming
                                               << u"entries open in 1 d 00:00:00"_s;
        QTest::addRow("raffle entries open") << r << T0.addSecs(-7200) << ReleaseStage::EntriesOpen
                                             << u"entries close in 01:00:00"_s;
        QTest::addRow("raffle closed, not drawn") << r << T0.addSecs(-1800) << ReleaseStage::AwaitingDraw
                                                  << u"entries closed 30 min ago"_s;
        ReleaseSummary drawn = r;
        drawn.drawnAt = T0.addSecs(-1200);
        QTest::addRow("raffle drawn") << drawn << T0.addSecs(-600) << ReleaseStage::Drawn << u"drawn 10 min ago"_s;
    }

    void stage()
    {
        QFETCH(ReleaseSummary, release);
        QFETCH(QDateTime, now);
        QFETCH(ReleaseStage, stage);
        QFETCH(QString, countdown);
        QCOMPARE(releaseStage(release, now), stage);
        QCOMPARE(releaseCountdown(release, now), countdown);
        QVERIFY(!describe(stage).isEmpty());
    }

    void manage_onlyOpsAndAdmins()
    {
        QVERIFY(!mayManageReleases(StaffRole::Staff));
        QVERIFY(mayManageReleases(StaffRole::Ops));
        QVERIFY(mayManageReleases(StaffRole::Admin));
    }

    void countdown_neverNegative()
    {
        QCOMPARE(countdownText(-5), u"in 00:00:00"_s);
        QCOMPARE(countdownText(86400 + 61), u"in 1 d 00:01:01"_s);
    }

    void proofOfWorkHint_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<QString>("hint");
        QTest::addRow("off") << 0 << u"No proof of work: bots are slowed only by the honeypot and rate limits."_s;
        QTest::addRow("12 bits") << 12 << u"Instant on a phone, instant on a computer, per join or entry. Barely slows a bot down."_s;
        QTest::addRow("18 bits (default)") << 18 << u"About 2 s on a phone, under a second on a computer, per join or entry."_s;
        QTest::addRow("20 bits") << 20 << u"About 7 s on a phone, about 1 s on a computer, per join or entry."_s;
        QTest::addRow("26 bits") << 26
                                 << u"About 7 min on a phone, about 67 s on a computer, per join or entry. Shoppers on older phones may give up."_s;
    }

    void proofOfWorkHint()
    {
        QFETCH(int, bits);
        QFETCH(QString, hint);
        QCOMPARE(rdk::proofOfWorkHint(bits), hint);
    }

    void checkDraft_data()
    {
        QTest::addColumn<ReleaseSettings>("draft");
        QTest::addColumn<bool>("isNew");
        QTest::addColumn<QString>("field");   // empty: accepted

        QTest::addRow("queue, good") << goodDraft() << true << QString();
        ReleaseSettings d = goodDraft();
        d.sku = u"  "_s;
        QTest::addRow("no SKU") << d << true << u"sku"_s;
        d = goodDraft();
        d.releaseAt = T0.addDays(-2);
        QTest::addRow("new release in the past") << d << true << u"releaseAt"_s;
        QTest::addRow("an existing release is the database's to judge") << d << false << QString();
        d = goodDraft();
        d.limitPerBuyer = 11;
        QTest::addRow("eleven pairs each") << d << true << u"limitPerBuyer"_s;
        d = goodDraft();
        d.powBits = 27;
        QTest::addRow("27 bits") << d << true << u"powBits"_s;
        d = goodDraft();
        d.admitPerMinute = 0;
        QTest::addRow("nobody let through") << d << true << u"admitPerMinute"_s;
        d = goodDraft();
        d.queueOpensAt = T0.addSecs(60);
        QTest::addRow("queue opens after release") << d << true << u"queueOpensAt"_s;
        d = goodDraft();
        d.allocation = ReleaseAllocation::Raffle;
        d.queueOpensAt = T0.addDays(-3);
        QTest::addRow("raffle without entry close") << d << true << u"entriesCloseAt"_s;
        d.entriesCloseAt = T0.addSecs(-3600);
        QTest::addRow("raffle, good") << d << true << QString();
        d.entriesCloseAt = T0.addSecs(60);
        QTest::addRow("raffle closing after release") << d << true << u"entriesCloseAt"_s;
        d.entriesCloseAt = T0.addDays(-3).addSecs(-60);
        QTest::addRow("raffle closing before it opens") << d << true << u"entriesCloseAt"_s;
        d.entriesCloseAt = T0.addSecs(-3600);
        d.claimHours = 0;
        QTest::addRow("winners get no time to pay") << d << true << u"claimHours"_s;
    }

    void checkDraft()
    {
        QFETCH(ReleaseSettings, draft);
        QFETCH(bool, isNew);
        QFETCH(QString, field);
        const Status checked = checkReleaseSettings(draft, isNew, T0.addDays(-1));
        if (field.isEmpty()) {
            QVERIFY2(checked.ok(), qPrintable(checked ? QString() : checked.error().message));
        } else {
            QVERIFY(!checked.ok());
            QCOMPARE(checked.error().field, field);
            QVERIFY(checked.error().message.endsWith(u'.'));
        }
    }

    void raffleState_describedForStaff()
    {
        QCOMPARE(describe(RaffleEntryState::Won), u"Won, not paid yet"_s);
        QCOMPARE(describe(RaffleEntryState::Lapsed), u"Lapsed (didn't pay in time)"_s);
    }
};

QTEST_GUILESS_MAIN(TestReleaseBook)
#include "tst_releasebook.moc"

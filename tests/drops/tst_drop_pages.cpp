// Drop day's page renderers (sync/storefront/droppages): pure functions, no server. What a
// shopper reads at each moment of a release, everything escaped, nothing inline for the CSP.
#include "sync/storefront/droppages.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::sync;

namespace {

const QDateTime kRelease = QDateTime::fromString(u"2026-12-12T09:00:00Z"_s, Qt::ISODate);

DropView drop(bool raffle = false)
{
    DropView view;
    view.releaseId = u"6f1c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6"_s;
    view.sku = u"AJ1-CHI"_s;
    view.productName = u"Jordan 1 <Chicago> & \"friends\""_s;
    view.releaseAt = kRelease;
    view.queueOpensAt = kRelease.addSecs(-30 * 60);
    view.timeZone = u"Europe/Berlin"_s;
    view.raffle = raffle;
    if (raffle) {
        view.queueOpensAt = kRelease.addDays(-3);
        view.entriesCloseAt = kRelease.addSecs(-3600);
    }
    view.limitPerBuyer = 1;
    view.admitPerMinute = 60;
    return view;
}

const PageContext kContext{u"Real Deal Kickz"_s, u"/drops/AJ1-CHI"_s, 0};

void noInlineCode(const QByteArray &page)
{
    QVERIFY(!page.contains("<script>"));
    QVERIFY(!page.contains(" style=\""));
    QVERIFY(!page.contains(" onclick"));
}

} // namespace

class TestDropPages final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shopTime_isWrittenInTheShopsZone()
    {
        QCOMPARE(formatShopTime(kRelease, u"Europe/Berlin"_s), u"Saturday 12 December 2026, 10:00 (Europe/Berlin)"_s);
        QCOMPARE(formatShopTime(kRelease, u"Not/AZone"_s), u"Saturday 12 December 2026, 09:00 (UTC)"_s);
    }

    void productBeforeTheRoomOpens_showsTheCountdownOnly()
    {
        const ProductPageExtras extras = dropProductExtras(drop(), kRelease.addSecs(-2 * 3600));
        QVERIFY(extras.buyBoxHtml.contains(u"data-release-at=\"2026-12-12T09:00:00.000Z\""_s));
        QVERIFY(extras.buyBoxHtml.contains(u"data-reload-at-release"_s));
        QVERIFY(extras.buyBoxHtml.contains(u"02:00:00"_s));   // written out for browsers without JavaScript
        QVERIFY(extras.buyBoxHtml.contains(u"The waiting room opens Saturday 12 December 2026, 09:30"_s));
        QVERIFY(!extras.buyBoxHtml.contains(u"Join the queue"_s));
        QVERIFY(!extras.keepAddToCart);
        QVERIFY(extras.showsClock);   // the server keeps it for a second at most
        QCOMPARE(extras.scripts, QStringList{u"/static/drop.js"_s});
    }

    void productOnceTheRoomIsOpen_offersTheJoinForm()
    {
        const ProductPageExtras extras = dropProductExtras(drop(), kRelease.addSecs(-600));
        QVERIFY(extras.buyBoxHtml.contains(u"action=\"/drops/AJ1-CHI/join\""_s));
        QVERIFY(extras.buyBoxHtml.contains(u"data-challenge-url=\"/drops/AJ1-CHI/challenge\""_s));
        QVERIFY(extras.buyBoxHtml.contains(u"name=\"website\""_s));   // the honeypot
        QVERIFY(extras.buyBoxHtml.contains(u"Join the queue"_s));
        QVERIFY(!extras.keepAddToCart);
    }

    void productAfterTheRelease_sellsAndPointsToTheRoom()
    {
        const ProductPageExtras extras = dropProductExtras(drop(), kRelease.addSecs(1));
        QVERIFY(extras.keepAddToCart);
        QVERIFY(extras.buyBoxHtml.contains(u"Released."_s));
        QVERIFY(extras.buyBoxHtml.contains(u"href=\"/drops/AJ1-CHI\""_s));
        QVERIFY(!extras.buyBoxHtml.contains(u"data-release-at"_s));
        QVERIFY(!extras.showsClock);   // cached until something changes
    }

    void raffleProduct_linksToTheEntryWhileOpen()
    {
        const ProductPageExtras open = dropProductExtras(drop(true), kRelease.addSecs(-2 * 3600));
        QVERIFY(open.buyBoxHtml.contains(u"Enter the raffle"_s));
        QVERIFY(!open.keepAddToCart);
        const ProductPageExtras after = dropProductExtras(drop(true), kRelease.addSecs(10));
        QVERIFY(!after.buyBoxHtml.contains(u"Enter the raffle"_s));
        QVERIFY(!after.keepAddToCart);   // every size is the raffle's
    }

    void waitingRoom_withoutTicket_offersTheForm_andEscapesTheName()
    {
        const QByteArray page = renderWaitingRoomPage(kContext, drop(), std::nullopt, kRelease.addSecs(-600), u"<b>refused</b>"_s);
        QVERIFY(page.contains("Jordan 1 &lt;Chicago&gt; &amp; &quot;friends&quot;"));
        QVERIFY(!page.contains("<Chicago>"));
        QVERIFY(page.contains("&lt;b&gt;refused&lt;/b&gt;"));
        QVERIFY(page.contains("Join the queue"));
        QVERIFY(page.contains("<script src=\"/static/drop.js\""));
        noInlineCode(page);
    }

    void waitingRoom_withTicket_showsPlaceAndEstimate()
    {
        QueueStanding standing;
        standing.position = 42;
        standing.ahead = 41;
        standing.estimateSeconds = 150;
        const QByteArray page = renderWaitingRoomPage(kContext, drop(), standing, kRelease.addSecs(-60), {});
        QVERIFY(page.contains("data-queue-status-url=\"/drops/AJ1-CHI/status\""));
        QVERIFY(page.contains("<dd data-queue-position>42</dd>"));
        QVERIFY(page.contains("<dd data-queue-ahead>41</dd>"));
        QVERIFY(page.contains("about 3 minutes"));
        QVERIFY(page.contains("<noscript><meta http-equiv=\"refresh\"") || page.contains("http-equiv=\"refresh\""));
        noInlineCode(page);
    }

    void waitingRoom_admitted_linksToTheProduct()
    {
        QueueStanding standing;
        standing.admitted = true;
        const QByteArray page = renderWaitingRoomPage(kContext, drop(), standing, kRelease.addSecs(60), {});
        QVERIFY(page.contains("It\xe2\x80\x99s your turn."));
        QVERIFY(page.contains("href=\"/products/AJ1-CHI\""));
        QVERIFY(!page.contains("data-queue-status-url"));
    }

    void raffleEntry_openClosedAndRefilled()
    {
        const QByteArray open = renderRaffleEntryPage(kContext, drop(true), {u"9"_s, u"10"_s}, {u"a\"b@example.com"_s, u"10"_s, {}},
                                                      kRelease.addSecs(-2 * 3600));
        QVERIFY(open.contains("action=\"/drops/AJ1-CHI/enter\""));
        QVERIFY(open.contains("value=\"a&quot;b@example.com\""));
        QVERIFY(open.contains("value=\"10\" required checked"));
        noInlineCode(open);
        const QByteArray closed = renderRaffleEntryPage(kContext, drop(true), {u"10"_s}, {}, kRelease.addSecs(-60));
        QVERIFY(closed.contains("Entries are closed"));
        QVERIFY(!closed.contains("action=\"/drops/AJ1-CHI/enter\""));
    }

    void claimPage_byState_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<qint64>("deadlineFromNow");
        QTest::addColumn<QString>("sentence");
        QTest::addColumn<bool>("payButton");
        QTest::addRow("won") << u"won"_s << qint64(3600) << u"You won a pair."_s << true;
        QTest::addRow("won, deadline passed") << u"won"_s << qint64(-1) << u"has lapsed"_s << false;
        QTest::addRow("lapsed") << u"lapsed"_s << qint64(-3600) << u"has lapsed"_s << false;
        QTest::addRow("lost") << u"lost"_s << qint64(0) << u"wasn\u2019t drawn"_s << false;
        QTest::addRow("claimed") << u"claimed"_s << qint64(3600) << u"already paid for"_s << false;
        QTest::addRow("not drawn yet") << u"entered"_s << qint64(0) << u"hasn\u2019t happened yet"_s << false;
    }
    void claimPage_byState()
    {
        QFETCH(QString, state);
        QFETCH(qint64, deadlineFromNow);
        QFETCH(QString, sentence);
        QFETCH(bool, payButton);
        const QDateTime now = kRelease.addSecs(3600);
        const RaffleClaimView claim{u"3f0c8f6e-4b5a-4c1d-9e2f-0a1b2c3d4e5f"_s, state, u"10"_s, now.addSecs(deadlineFromNow),
                                    u"Jordan 1 <Chicago>"_s, u"AJ1-CHI"_s};
        const QString page = QString::fromUtf8(renderRaffleClaimPage(kContext, claim, u"Europe/Berlin"_s, now, {}));
        QVERIFY2(page.contains(sentence), qPrintable(page.right(1500)));
        QCOMPARE(page.contains(u"action=\"/drops/AJ1-CHI/claim/3f0c8f6e-4b5a-4c1d-9e2f-0a1b2c3d4e5f\""_s), payButton);
        QVERIFY(!page.contains(u"<Chicago>"_s));
    }
};

QTEST_GUILESS_MAIN(TestDropPages)
#include "tst_drop_pages.moc"

// The rules of drop day that several binaries compute alike (domain/release): the waiting
// room's admission count, the ticket's signature and the raffle draw's order. Expected values
// are computed independently (by hand, or with sha256sum / openssl as docs/DROPS.md shows).
#include "domain/release.h"

#include <QCryptographicHash>
#include <QTest>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestReleaseRules final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void admittedCount_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<qint64>("elapsedMs");
        QTest::addColumn<qint64>("expected");
        QTest::addRow("before the release") << 60 << qint64(-5000) << qint64(0);
        QTest::addRow("at the release") << 60 << qint64(0) << qint64(0);
        QTest::addRow("first millisecond lets one in") << 60 << qint64(1) << qint64(1);
        QTest::addRow("one second at 60/min") << 60 << qint64(1000) << qint64(1);
        QTest::addRow("just over one second") << 60 << qint64(1001) << qint64(2);
        QTest::addRow("a minute at 600/min") << 600 << qint64(60000) << qint64(600);
        QTest::addRow("an hour at 100000/min") << 100000 << qint64(3600000) << qint64(6000000);
        QTest::addRow("no rate") << 0 << qint64(60000) << qint64(0);
    }

    void admittedCount()
    {
        QFETCH(int, rate);
        QFETCH(qint64, elapsedMs);
        QFETCH(qint64, expected);
        const QDateTime release = QDateTime::fromMSecsSinceEpoch(1'796'000'000'000, Qt::UTC);
        QCOMPARE(rdk::admittedCount(rate, release, release.addMSecs(elapsedMs)), expected);
    }

    void signTicket_matchesTheSpecsLayoutAndHmac()
    {
        // The layout of the spec; the MAC is checked against the database's pgcrypto hmac() in
        // tst_releases_db (a ticket signed here buys there).
        const QString ticket = signTicket(QByteArray(32, 'k'), u"1b4e28ba-2fa1-11d2-883f-0016d3cca427"_s, 1796000000000,
                                          u"0123456789abcdef01234567"_s);
        const QStringList parts = ticket.split(u'.');
        QCOMPARE(parts.size(), 5);
        QCOMPARE(parts[0], u"v1"_s);
        QCOMPARE(parts[2], u"1796000000000"_s);
        QCOMPARE(parts[4].size(), 64);
        QCOMPARE(ticketPayload(u"1b4e28ba-2fa1-11d2-883f-0016d3cca427"_s, 1796000000000, u"0123456789abcdef01234567"_s),
                 QByteArray("v1.1b4e28ba-2fa1-11d2-883f-0016d3cca427.1796000000000.0123456789abcdef01234567"));
        // A different key or join time signs differently.
        QVERIFY(signTicket(QByteArray(32, 'j'), u"1b4e28ba-2fa1-11d2-883f-0016d3cca427"_s, 1796000000000, u"0123456789abcdef01234567"_s)
                != ticket);
    }

    void raffleDrawKey_isSha256OfSeedColonKey()
    {
        // printf 'seed:a@example.com' | sha256sum
        QCOMPARE(raffleDrawKey(u"seed"_s, u"a@example.com"_s),
                 QString::fromLatin1(QCryptographicHash::hash("seed:a@example.com", QCryptographicHash::Sha256).toHex()));
        QCOMPARE(raffleDrawKey(u""_s, u""_s), u"e7ac0786668e0ff0f02b62bd04f45ff636fd82db63b1104601c975dc005f3a67"_s);  // sha256(":")
    }

    void runRaffleDraw_ordersByKeyAndRespectsStockPerSize()
    {
        QList<RaffleDrawEntry> entries;
        for (int i = 0; i < 30; ++i)
            entries.append(RaffleDrawEntry{i + 1, QStringLiteral("fan%1@example.com").arg(i), i % 3 == 0 ? u"9"_s : u"10"_s});
        const auto outcomes = runRaffleDraw(u"s33d"_s, entries, {{u"9"_s, 2}, {u"10"_s, 3}, {u"11"_s, 5}});
        QCOMPARE(outcomes.size(), 30);
        int won9 = 0, won10 = 0;
        for (int i = 0; i < outcomes.size(); ++i) {
            QCOMPARE(outcomes[i].rank, i + 1);
            if (i > 0)
                QVERIFY(outcomes[i - 1].drawKey < outcomes[i].drawKey);
            const QString size = entries[int(outcomes[i].id - 1)].size;
            QCOMPARE(outcomes[i].drawKey, raffleDrawKey(u"s33d"_s, entries[int(outcomes[i].id - 1)].emailKey));
            if (outcomes[i].won)
                (size == u"9"_s ? won9 : won10)++;
        }
        QCOMPARE(won9, 2);
        QCOMPARE(won10, 3);
        // The first entries of each size in draw order are the winners.
        for (const QString &size : {u"9"_s, u"10"_s}) {
            bool seenLoser = false;
            for (const auto &o : outcomes) {
                if (entries[int(o.id - 1)].size != size)
                    continue;
                QVERIFY(!(seenLoser && o.won));
                seenLoser = seenLoser || !o.won;
            }
        }
        // The input order does not matter; the seed does.
        std::reverse(entries.begin(), entries.end());
        const auto again = runRaffleDraw(u"s33d"_s, entries, {{u"9"_s, 2}, {u"10"_s, 3}});
        for (int i = 0; i < outcomes.size(); ++i)
            QVERIFY(again[i].id == outcomes[i].id && again[i].won == outcomes[i].won);
        const auto otherSeed = runRaffleDraw(u"other"_s, entries, {{u"9"_s, 2}, {u"10"_s, 3}});
        bool differs = false;
        for (int i = 0; i < outcomes.size(); ++i)
            differs = differs || otherSeed[i].id != outcomes[i].id;
        QVERIFY(differs);
        // No stock: nobody wins.
        for (const auto &o : runRaffleDraw(u"s33d"_s, entries, {}))
            QVERIFY(!o.won);
    }

    void states_roundTrip()
    {
        for (auto s : {RaffleEntryState::Entered, RaffleEntryState::Won, RaffleEntryState::Lost, RaffleEntryState::Lapsed,
                       RaffleEntryState::Claimed})
            QVERIFY(raffleEntryStateFromString(toString(s)) == s);
        QVERIFY(releaseAllocationFromString(u"raffle"_s) == ReleaseAllocation::Raffle);
        QVERIFY(releaseVisibilityFromString(u"hidden"_s) == ReleaseVisibility::Hidden);
        QVERIFY(!releaseAllocationFromString(u"lottery"_s));
    }
};

QTEST_MAIN(TestReleaseRules)
#include "tst_release_rules.moc"

// The waiting room's pure pieces: proof-of-work challenges, queue tickets and the admission
// arithmetic every rdk-sync process shares (issue 15, ADR 0030). No database, no network.
#include "domain/proofofwork.h"
#include "sync/queueboard.h"
#include "sync/queueticket.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::sync;

namespace {

const QByteArray kSecret = QByteArray::fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
const QString kRelease = u"6f1c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6"_s;
const QString kOtherRelease = u"0a1b2c3d-0000-4000-8000-000000000001"_s;
constexpr qint64 kNow = 1'796'000'000;

QByteArray challengeAt(qint64 issuedAt, int bits, const QString &release = kRelease, const QByteArray &secret = kSecret)
{
    return makeChallenge(secret, release, issuedAt, bits, QByteArray::fromHex("0123456789abcdef"));
}

} // namespace

class TestDropTokens final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void challenge_hasTheSpecifiedShape()
    {
        const QByteArray challenge = challengeAt(kNow, 12);
        const QList<QByteArray> parts = challenge.split('.');
        QCOMPARE(parts.size(), 5);
        QCOMPARE(parts[0], kRelease.toLatin1());
        QCOMPARE(parts[1], QByteArray::number(kNow));
        QCOMPARE(parts[2], QByteArray("12"));
        QCOMPARE(parts[3], QByteArray("0123456789abcdef"));
        // The first 32 hex of HMAC-SHA256(secret, the four fields joined by '.').
        const QByteArray signedPart = parts[0] + '.' + parts[1] + '.' + parts[2] + '.' + parts[3];
        QCOMPARE(parts[4], QMessageAuthenticationCode::hash(signedPart, kSecret, QCryptographicHash::Sha256).toHex().left(32));
    }

    void solvedChallenge_isAccepted()
    {
        const QByteArray challenge = challengeAt(kNow, 10);
        const QByteArray nonce = solveChallenge(challenge, 10);
        QVERIFY(!nonce.isEmpty());
        QVERIFY(hasLeadingZeroBits(proofDigest(challenge, nonce), 10));
        ChallengeFields fields;
        QCOMPARE(verifyProof(kSecret, kRelease, 10, challenge, nonce, kNow + 10, &fields), ProofCheck::Ok);
        QCOMPARE(fields.issuedAt, kNow);
        QCOMPARE(fields.bits, 10);
    }

    void badProof_isRefused_data()
    {
        QTest::addColumn<QByteArray>("challenge");
        QTest::addColumn<QByteArray>("nonce");
        QTest::addColumn<int>("minBits");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<int>("expected");
        const QByteArray good = challengeAt(kNow, 10);
        const QByteArray nonce = solveChallenge(good, 10);
        QByteArray tampered = good;
        tampered[tampered.size() - 1] = tampered.back() == 'a' ? 'b' : 'a';
        QByteArray cheaper = good;
        cheaper.replace(".10.", ".02.");
        const QByteArray forged = challengeAt(kNow, 10, kRelease, QByteArray(32, 'x'));
        const QByteArray forgedNonce = solveChallenge(forged, 10);
        const QByteArray other = challengeAt(kNow, 10, kOtherRelease);
        const QByteArray otherNonce = solveChallenge(other, 10);
        QByteArray wrongNonce = "0";
        while (hasLeadingZeroBits(proofDigest(good, wrongNonce), 10))
            wrongNonce = QByteArray::number(wrongNonce.toLongLong() + 1);
        QTest::addRow("no challenge") << QByteArray() << nonce << 10 << kNow << int(ProofCheck::Missing);
        QTest::addRow("no nonce") << good << QByteArray() << 10 << kNow << int(ProofCheck::Missing);
        QTest::addRow("nonce not a number") << good << QByteArray("12a") << 10 << kNow << int(ProofCheck::Malformed);
        QTest::addRow("nonce too long") << good << QByteArray(30, '1') << 10 << kNow << int(ProofCheck::Malformed);
        QTest::addRow("garbage") << QByteArray("<script>alert(1)</script>") << nonce << 10 << kNow << int(ProofCheck::Malformed);
        QTest::addRow("oversized") << QByteArray(10'000, 'a') << nonce << 10 << kNow << int(ProofCheck::Malformed);
        QTest::addRow("four fields") << good.left(good.lastIndexOf('.')) << nonce << 10 << kNow << int(ProofCheck::Malformed);
        QTest::addRow("signature altered") << tampered << nonce << 10 << kNow << int(ProofCheck::BadSignature);
        QTest::addRow("bits lowered") << cheaper << nonce << 2 << kNow << int(ProofCheck::BadSignature);
        QTest::addRow("signed with another key") << forged << forgedNonce << 10 << kNow << int(ProofCheck::BadSignature);
        QTest::addRow("another release") << other << otherNonce << 10 << kNow << int(ProofCheck::OtherRelease);
        QTest::addRow("expired") << good << nonce << 10 << kNow + kChallengeLifetimeSeconds + 1 << int(ProofCheck::Expired);
        QTest::addRow("from the future") << good << nonce << 10 << kNow - 60 << int(ProofCheck::Expired);
        QTest::addRow("release now asks more") << good << nonce << 12 << kNow << int(ProofCheck::TooEasy);
        QTest::addRow("wrong answer") << good << wrongNonce << 10 << kNow << int(ProofCheck::WrongAnswer);
    }
    void badProof_isRefused()
    {
        QFETCH(QByteArray, challenge);
        QFETCH(QByteArray, nonce);
        QFETCH(int, minBits);
        QFETCH(qint64, now);
        QFETCH(int, expected);
        const ProofCheck check = verifyProof(kSecret, kRelease, minBits, challenge, nonce, now);
        QCOMPARE(int(check), expected);
        QVERIFY(!proofCheckMessage(check).isEmpty());
    }

    void lastValidSecond_isAccepted()
    {
        const QByteArray challenge = challengeAt(kNow, 4);
        const QByteArray nonce = solveChallenge(challenge, 4);
        QCOMPARE(verifyProof(kSecret, kRelease, 4, challenge, nonce, kNow + kChallengeLifetimeSeconds), ProofCheck::Ok);
    }

    void leadingZeroBits_countsBitsNotBytes()
    {
        QVERIFY(hasLeadingZeroBits(QByteArray::fromHex("00ff"), 8));
        QVERIFY(!hasLeadingZeroBits(QByteArray::fromHex("00ff"), 9));
        QVERIFY(hasLeadingZeroBits(QByteArray::fromHex("001f"), 11));
        QVERIFY(!hasLeadingZeroBits(QByteArray::fromHex("001f"), 12));
        QVERIFY(hasLeadingZeroBits(QByteArray::fromHex("80"), 0));
        QVERIFY(!hasLeadingZeroBits(QByteArray::fromHex("00"), 9));
    }

    void usedChallenge_isRefusedTheSecondTime()
    {
        UsedChallenges used;
        const QByteArray challenge = challengeAt(kNow, 4);
        QCOMPARE(used.claim(challenge, kNow, kNow), UsedChallenges::Claim::Fresh);
        QCOMPARE(used.claim(challenge, kNow, kNow + 1), UsedChallenges::Claim::Reused);
        QCOMPARE(used.claim(challengeAt(kNow + 1, 4), kNow + 1, kNow + 1), UsedChallenges::Claim::Fresh);
    }

    void usedChallenges_areBoundedAndForgottenOnceExpired()
    {
        UsedChallenges used(3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(used.claim(challengeAt(kNow + i, 4), kNow + i, kNow + i), UsedChallenges::Claim::Fresh);
        QCOMPARE(used.claim(challengeAt(kNow + 3, 4), kNow + 3, kNow + 3), UsedChallenges::Claim::Full);
        QCOMPARE(used.size(), 3);
        // Once the first ones can no longer be accepted anyway, they make room.
        const qint64 later = kNow + kChallengeLifetimeSeconds + 10;
        QCOMPARE(used.claim(challengeAt(later, 4), later, later), UsedChallenges::Claim::Fresh);
        QVERIFY(used.size() <= 2);
    }

    void ticket_hasTheSpecifiedShapeAndVerifies()
    {
        const QByteArray ticket = makeQueueTicket(kSecret, kRelease, 1'796'000'000'123, QByteArray::fromHex("00112233445566778899aabb"));
        const QList<QByteArray> parts = ticket.split('.');
        QCOMPARE(parts.size(), 5);
        QCOMPARE(parts[0], QByteArray("v1"));
        QCOMPARE(parts[2], QByteArray("1796000000123"));
        QCOMPARE(parts[3], QByteArray("00112233445566778899aabb"));
        const QByteArray signedPart = ticket.left(ticket.lastIndexOf('.'));
        QCOMPARE(parts[4], QMessageAuthenticationCode::hash(signedPart, kSecret, QCryptographicHash::Sha256).toHex());
        const auto verified = verifyQueueTicket(kSecret, kRelease, ticket);
        QVERIFY(verified);
        QCOMPARE(verified->joinedAtMs, 1'796'000'000'123);
        QVERIFY(ticket.size() <= kMaxTicketLength);
    }

    void badTicket_isRefused_data()
    {
        QTest::addColumn<QByteArray>("ticket");
        QTest::addColumn<QString>("release");
        const QByteArray random = QByteArray::fromHex("00112233445566778899aabb");
        const QByteArray good = makeQueueTicket(kSecret, kRelease, 1'796'000'000'123, random);
        QByteArray earlier = good;
        earlier.replace(".1796000000123.", ".1795000000123.");   // a forger moving to the front
        QByteArray flipped = good;
        flipped[flipped.size() - 1] = flipped.back() == '0' ? '1' : '0';
        QTest::addRow("join time moved earlier") << earlier << kRelease;
        QTest::addRow("signature altered") << flipped << kRelease;
        QTest::addRow("signed with another key") << makeQueueTicket(QByteArray(32, 'k'), kRelease, 1, random) << kRelease;
        QTest::addRow("another release's ticket") << makeQueueTicket(kSecret, kOtherRelease, 1, random) << kRelease;
        QTest::addRow("used for another release") << good << kOtherRelease;
        QTest::addRow("empty") << QByteArray() << kRelease;
        QTest::addRow("garbage") << QByteArray("v1.x.y.z.w") << kRelease;
        QTest::addRow("upper-case hex") << good.toUpper() << kRelease;
        QTest::addRow("oversized") << (good + QByteArray(5000, 'a')) << kRelease;
        QTest::addRow("no signature") << good.left(good.lastIndexOf('.') + 1) << kRelease;
        QTest::addRow("version 2") << ("v2" + good.mid(2)) << kRelease;
    }
    void badTicket_isRefused()
    {
        QFETCH(QByteArray, ticket);
        QFETCH(QString, release);
        QVERIFY(!verifyQueueTicket(kSecret, release, ticket));
    }

    void queueCookie_isHttpOnlyLaxAndNamedByRelease()
    {
        QCOMPARE(queueCookieName(kRelease), QByteArray("rdk_q_6f1c2a9e"));
        const QByteArray cookie = queueSetCookie(kRelease, "v1.abc", false, 0);
        QCOMPARE(cookie, QByteArray("rdk_q_6f1c2a9e=v1.abc; HttpOnly; SameSite=Lax; Path=/"));
        QVERIFY(queueSetCookie(kRelease, "v1.abc", true, 0).endsWith("; Secure"));
        QCOMPARE(cookieValue("rdk_cart=A~9~1; rdk_q_6f1c2a9e=v1.abc", "rdk_q_6f1c2a9e"), QByteArray("v1.abc"));
        QCOMPARE(cookieValue("xrdk_q_6f1c2a9e=v1.abc", "rdk_q_6f1c2a9e"), QByteArray());
    }

    void admittedCount_followsTheRate_data()
    {
        QTest::addColumn<int>("perMinute");
        QTest::addColumn<qint64>("elapsedMs");
        QTest::addColumn<qint64>("expected");
        QTest::addRow("before release") << 60 << qint64(-5000) << qint64(0);
        QTest::addRow("at release") << 60 << qint64(0) << qint64(0);
        QTest::addRow("first millisecond lets one in") << 60 << qint64(1) << qint64(1);
        QTest::addRow("one second at 60/min") << 60 << qint64(1000) << qint64(1);
        QTest::addRow("just after one second") << 60 << qint64(1001) << qint64(2);
        QTest::addRow("a minute at 600/min") << 600 << qint64(60'000) << qint64(600);
        QTest::addRow("a week at the top rate") << 100'000 << qint64(7LL * 24 * 3600 * 1000) << qint64(1'008'000'000);
        QTest::addRow("rate zero") << 0 << qint64(60'000) << qint64(0);
    }
    void admittedCount_followsTheRate()
    {
        QFETCH(int, perMinute);
        QFETCH(qint64, elapsedMs);
        QFETCH(qint64, expected);
        const qint64 release = 1'796'000'000'000;
        QCOMPARE(admittedCount(perMinute, release, release + elapsedMs), expected);
    }

    void standing_admitsInJoinOrderAtTheRate()
    {
        const qint64 release = 1'796'000'000'000;
        // 5 tickets in bucket A, 3 in bucket B: at 60/min one ticket a second is let through.
        QCOMPARE(queueStanding(0, 5, 60, release, release - 10'000).admitted, false);
        QCOMPARE(queueStanding(0, 5, 60, release, release - 10'000).position, 5);
        QCOMPARE(queueStanding(0, 5, 60, release, release - 10'000).estimateSeconds, 15);   // 14.001 s, rounded up
        QCOMPARE(queueStanding(0, 5, 60, release, release + 4'000).admitted, false);
        QCOMPARE(queueStanding(0, 5, 60, release, release + 4'001).admitted, true);
        const QueueStanding b = queueStanding(5, 3, 60, release, release + 2'000);
        QCOMPARE(b.admitted, false);
        QCOMPARE(b.ahead, 3);
        QCOMPARE(b.position, 6);
        QCOMPARE(b.estimateSeconds, 6);
        QCOMPARE(queueStanding(5, 3, 60, release, release + 7'001).admitted, true);
        QCOMPARE(queueStanding(5, 3, 60, release, release + 7'001).position, 0);
    }

    void board_sumsProcessesAndItsOwnUnpublishedTickets()
    {
        const qint64 release = 1'796'000'000'000;
        QueueBoard board;
        // Another process published 10 tickets at release - 5 s; this one issues 2 at release - 1 s.
        QueueBoard::Histogram others{{release - 5000, 10}};
        board.refreshed(kRelease, nullptr, others);
        board.recordJoin(kRelease, release - 1000 + 42);
        board.recordJoin(kRelease, release - 1000 + 57);
        QCOMPARE(board.total(kRelease), 12);
        QueueStanding mine = board.standing(kRelease, release - 1000 + 57, 60, release, release);
        QCOMPARE(mine.ahead, 10);
        QCOMPARE(mine.position, 12);
        // Published: the database now returns both processes' counts; nothing is counted twice.
        const auto unpublished = board.unpublished();
        QCOMPARE(unpublished.size(), 1);
        const QueueBoard::Histogram published = unpublished.value(kRelease);
        QueueBoard::Histogram summed = others;
        summed[release - 1000] += 2;
        board.refreshed(kRelease, &published, summed);
        QCOMPARE(board.total(kRelease), 12);
        QVERIFY(board.unpublished().isEmpty());
        mine = board.standing(kRelease, release - 1000 + 57, 60, release, release + 11'000);
        QCOMPARE(mine.admitted, false);   // 11 let through, 12 up to this bucket
        QCOMPARE(mine.position, 1);
        mine = board.standing(kRelease, release - 1000 + 57, 60, release, release + 11'001);
        QCOMPARE(mine.admitted, true);
    }

    void board_ticketJoinedAfterPublishWaitsBehindEarlierOnes()
    {
        const qint64 release = 1'796'000'000'000;
        QueueBoard board;
        board.recordJoin(kRelease, release - 3000);
        const QueueBoard::Histogram first = board.unpublished().value(kRelease);
        board.recordJoin(kRelease, release - 2000);   // while the publish is on its way
        board.refreshed(kRelease, &first, QueueBoard::Histogram{{release - 3000, 1}});
        QCOMPARE(board.unpublished().size(), 1);
        QCOMPARE(board.total(kRelease), 2);
        const QueueStanding second = board.standing(kRelease, release - 2000, 60, release, release + 500);
        QCOMPARE(second.ahead, 0);
        QCOMPARE(second.position, 1);
        QCOMPARE(second.admitted, false);
    }
};

QTEST_GUILESS_MAIN(TestDropTokens)
#include "tst_drop_tokens.moc"

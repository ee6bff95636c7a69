// Two-factor codes: base32, HOTP (RFC 4226 Appendix D), TOTP (RFC 6238 Appendix B),
// verification windows and the provisioning URI.
#include "domain/totp.h"

#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace {

const QByteArray RfcSecret = QByteArrayLiteral("12345678901234567890");

} // namespace

class TstTotp final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hotpCode_matchesRfc4226Vectors_data();
    void hotpCode_matchesRfc4226Vectors();
    void totpCode_matchesRfc6238Vectors_data();
    void totpCode_matchesRfc6238Vectors();
    void codes_rejectUnusableParameters();
    void base32Encode_matchesRfc4648Vectors_data();
    void base32Encode_matchesRfc4648Vectors();
    void base32Decode_acceptsHumanCopies_data();
    void base32Decode_acceptsHumanCopies();
    void base32Decode_rejectsBadInput_data();
    void base32Decode_rejectsBadInput();
    void base32_roundTripsRandomSecrets();
    void generateTotpSecret_isRandomOfRequestedSize();
    void verifyTotp_acceptsWithinWindow_data();
    void verifyTotp_acceptsWithinWindow();
    void verifyTotp_rejectsMalformedCodes_data();
    void verifyTotp_rejectsMalformedCodes();
    void matchTotpStep_returnsTheMatchedStep();
    void otpauthUri_isExactAndEncoded();
    void otpauthUri_survivesHostileNames();
};

void TstTotp::hotpCode_matchesRfc4226Vectors_data()
{
    QTest::addColumn<quint64>("counter");
    QTest::addColumn<QString>("code");
    const QStringList codes = {u"755224"_s, u"287082"_s, u"359152"_s, u"969429"_s, u"338314"_s,
                               u"254676"_s, u"287922"_s, u"162583"_s, u"399871"_s, u"520489"_s};
    for (int i = 0; i < codes.size(); ++i)
        QTest::addRow("counter %d", i) << quint64(i) << codes.at(i);
}

void TstTotp::hotpCode_matchesRfc4226Vectors()
{
    QFETCH(quint64, counter);
    QFETCH(QString, code);
    QCOMPARE(rdk::hotpCode(RfcSecret, counter), code);
}

void TstTotp::totpCode_matchesRfc6238Vectors_data()
{
    QTest::addColumn<qint64>("time");
    QTest::addColumn<QString>("code");
    QTest::addRow("59") << qint64(59) << u"94287082"_s;
    QTest::addRow("1111111109") << qint64(1111111109) << u"07081804"_s;
    QTest::addRow("1111111111") << qint64(1111111111) << u"14050471"_s;
    QTest::addRow("1234567890") << qint64(1234567890) << u"89005924"_s;
    QTest::addRow("2000000000") << qint64(2000000000) << u"69279037"_s;
    QTest::addRow("20000000000") << qint64(20000000000) << u"65353130"_s;
}

void TstTotp::totpCode_matchesRfc6238Vectors()
{
    QFETCH(qint64, time);
    QFETCH(QString, code);
    QCOMPARE(rdk::totpCode(RfcSecret, time, 8), code);
    QCOMPARE(rdk::totpCode(RfcSecret, time), code.right(6)); // 6 digits are the same number mod 10^6
}

void TstTotp::codes_rejectUnusableParameters()
{
    QVERIFY(rdk::hotpCode(RfcSecret, 0, 5).isEmpty());
    QVERIFY(rdk::hotpCode(RfcSecret, 0, 9).isEmpty());
    QVERIFY(rdk::hotpCode(QByteArray(), 0).isEmpty());
    QVERIFY(rdk::totpCode(RfcSecret, -1).isEmpty());
    QVERIFY(rdk::totpCode(RfcSecret, 59, 6, 0).isEmpty());
    QCOMPARE(rdk::hotpCode(RfcSecret, std::numeric_limits<quint64>::max()).size(), 6);
}

void TstTotp::base32Encode_matchesRfc4648Vectors_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("encoded");
    QTest::addRow("empty") << QByteArray() << QString();
    QTest::addRow("f") << QByteArray("f") << u"MY"_s;
    QTest::addRow("fo") << QByteArray("fo") << u"MZXQ"_s;
    QTest::addRow("foo") << QByteArray("foo") << u"MZXW6"_s;
    QTest::addRow("foob") << QByteArray("foob") << u"MZXW6YQ"_s;
    QTest::addRow("fooba") << QByteArray("fooba") << u"MZXW6YTB"_s;
    QTest::addRow("foobar") << QByteArray("foobar") << u"MZXW6YTBOI"_s;
    QTest::addRow("rfc 6238 secret") << RfcSecret << u"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"_s;
}

void TstTotp::base32Encode_matchesRfc4648Vectors()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, encoded);
    QCOMPARE(rdk::base32Encode(data), encoded);
    const std::optional<QByteArray> decoded = rdk::base32Decode(encoded);
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, data);
}

void TstTotp::base32Decode_acceptsHumanCopies_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("padded") << u"MZXW6YQ="_s << QByteArray("foob");
    QTest::addRow("fully padded") << u"MY======"_s << QByteArray("f");
    QTest::addRow("lowercase") << u"mzxw6ytboi"_s << QByteArray("foobar");
    QTest::addRow("grouped with spaces") << u"MZXW 6YTB OI"_s << QByteArray("foobar");
    QTest::addRow("empty") << QString() << QByteArray();
}

void TstTotp::base32Decode_acceptsHumanCopies()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, expected);
    const std::optional<QByteArray> decoded = rdk::base32Decode(text);
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, expected);
}

void TstTotp::base32Decode_rejectsBadInput_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("digit one") << u"MZ1W"_s;
    QTest::addRow("digit zero") << u"M0"_s;
    QTest::addRow("digit eight") << u"M8"_s;
    QTest::addRow("punctuation") << u"MZ!W"_s;
    QTest::addRow("dash") << u"MZXW-6YTB"_s;
    QTest::addRow("one symbol") << u"M"_s;
    QTest::addRow("three symbols") << u"MZX"_s;
    QTest::addRow("six symbols") << u"MZXW6Y"_s;
    QTest::addRow("cyrillic M") << u"\u041CZXW"_s;
    QTest::addRow("fullwidth") << u"\uFF2D\uFF39"_s;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"MZ\0W", 4);
    QTest::addRow("tab") << u"MZ\tXQ"_s;
}

void TstTotp::base32Decode_rejectsBadInput()
{
    QFETCH(QString, text);
    QVERIFY(!rdk::base32Decode(text).has_value());
}

void TstTotp::base32_roundTripsRandomSecrets()
{
    for (int size : {1, 2, 3, 4, 5, 10, 20, 32, 64}) {
        const QByteArray secret = rdk::generateTotpSecret(size);
        const std::optional<QByteArray> back = rdk::base32Decode(rdk::base32Encode(secret));
        QVERIFY(back.has_value());
        QCOMPARE(*back, secret);
    }
}

void TstTotp::generateTotpSecret_isRandomOfRequestedSize()
{
    const QByteArray a = rdk::generateTotpSecret();
    const QByteArray b = rdk::generateTotpSecret();
    QCOMPARE(a.size(), 20);
    QVERIFY(a != b);
    QCOMPARE(rdk::generateTotpSecret(32).size(), 32);
    QVERIFY(rdk::generateTotpSecret(-1).isEmpty());
}

void TstTotp::verifyTotp_acceptsWithinWindow_data()
{
    QTest::addColumn<qint64>("codeTime");
    QTest::addColumn<int>("window");
    QTest::addColumn<bool>("accepted");
    constexpr qint64 Now = 1700000010;
    QTest::addRow("current step") << Now << 1 << true;
    QTest::addRow("previous step") << Now - 30 << 1 << true;
    QTest::addRow("next step") << Now + 30 << 1 << true;
    QTest::addRow("two steps back, window 1") << Now - 60 << 1 << false;
    QTest::addRow("two steps ahead, window 1") << Now + 60 << 1 << false;
    QTest::addRow("two steps back, window 2") << Now - 60 << 2 << true;
    QTest::addRow("previous step, window 0") << Now - 30 << 0 << false;
    QTest::addRow("an hour back, huge window is clamped") << Now - 3600 << 1000 << false;
}

void TstTotp::verifyTotp_acceptsWithinWindow()
{
    QFETCH(qint64, codeTime);
    QFETCH(int, window);
    QFETCH(bool, accepted);
    const QByteArray secret = QByteArrayLiteral("a fixed secret for tests");
    const QString code = rdk::totpCode(secret, codeTime);
    QCOMPARE(rdk::verifyTotp(secret, code, 1700000010, window), accepted);
}

void TstTotp::verifyTotp_rejectsMalformedCodes_data()
{
    QTest::addColumn<QString>("code");
    const QString good = rdk::totpCode(RfcSecret, 1111111111);
    QTest::addRow("empty") << QString();
    QTest::addRow("five digits") << good.left(5);
    QTest::addRow("seven digits") << good + u'0';
    QTest::addRow("eight-digit code") << rdk::totpCode(RfcSecret, 1111111111, 8);
    QTest::addRow("leading space") << u' ' + good.left(5);
    QTest::addRow("grouped") << good.left(3) + u' ' + good.mid(3);
    QTest::addRow("letter") << good.left(5) + u'a';
    QTest::addRow("fullwidth digits") << u"\uFF11\uFF14\uFF10\uFF15\uFF10\uFF14"_s;
    QTest::addRow("embedded NUL") << good.left(5) + QChar(u'\0');
    QTest::addRow("wrong code") << QString::number((good.toInt() + 1) % 1000000).rightJustified(6, u'0');
    QTest::addRow("megabyte") << QString(1 << 20, u'1');
}

void TstTotp::verifyTotp_rejectsMalformedCodes()
{
    QFETCH(QString, code);
    QVERIFY(!rdk::verifyTotp(RfcSecret, code, 1111111111));
    QVERIFY(rdk::verifyTotp(RfcSecret, rdk::totpCode(RfcSecret, 1111111111), 1111111111)); // the control
}

void TstTotp::matchTotpStep_returnsTheMatchedStep()
{
    const QString code = rdk::totpCode(RfcSecret, 1111111111 - 30);
    const std::optional<qint64> step = rdk::matchTotpStep(RfcSecret, code, 1111111111);
    QVERIFY(step.has_value());
    QCOMPARE(*step, qint64(1111111111 / 30 - 1));
    QVERIFY(!rdk::matchTotpStep(QByteArray(), code, 1111111111).has_value());
    QVERIFY(!rdk::matchTotpStep(RfcSecret, code, -5).has_value());
}

void TstTotp::otpauthUri_isExactAndEncoded()
{
    QCOMPARE(rdk::otpauthUri(u"Real Deal Kickz"_s, u"alice@shop"_s, RfcSecret),
             u"otpauth://totp/Real%20Deal%20Kickz:alice%40shop?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
             u"&issuer=Real%20Deal%20Kickz&algorithm=SHA1&digits=6&period=30"_s);
}

void TstTotp::otpauthUri_survivesHostileNames()
{
    const QString issuer = u"Evil:Co&issuer=x %3A"_s;
    const QString account = u"bob?secret=AAAA#frag"_s;
    const QUrl url(rdk::otpauthUri(issuer, account, RfcSecret));
    QVERIFY(url.isValid());
    QCOMPARE(url.scheme(), u"otpauth"_s);
    QCOMPARE(url.fragment(), QString());
    const QUrlQuery query(url);
    QCOMPARE(query.queryItemValue(u"secret"_s), u"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"_s);
    QCOMPARE(query.queryItemValue(u"issuer"_s, QUrl::FullyDecoded), issuer);
    QCOMPARE(query.allQueryItemValues(u"issuer"_s).size(), 1);
    QCOMPARE(url.host(), u"totp"_s);
    QCOMPARE(url.path(QUrl::FullyDecoded), u'/' + issuer + u':' + account);
}

QTEST_APPLESS_MAIN(TstTotp)
#include "tst_totp.moc"

// PBKDF2-HMAC-SHA-256 against published vectors, and the SCRAM-SHA-256 verifier in the
// exact form PostgreSQL stores.
#include "domain/scram.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TstScram final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pbkdf2_matchesPublishedVectors_data();
    void pbkdf2_matchesPublishedVectors();
    void pbkdf2_rejectsUnusableParameters();
    void verifier_matchesReferenceImplementation_data();
    void verifier_matchesReferenceImplementation();
    void verifier_hasPostgresFormatWithRandomSalt();
    void verifier_rejectsZeroIterations();
};

void TstScram::pbkdf2_matchesPublishedVectors_data()
{
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<int>("iterations");
    QTest::addColumn<QByteArray>("expectedHex");
    // RFC 7914 section 11.
    QTest::addRow("rfc 7914, c=1") << QByteArray("passwd") << QByteArray("salt") << 1
                                   << QByteArray("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                                                 "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    QTest::addRow("rfc 7914, c=80000") << QByteArray("Password") << QByteArray("NaCl") << 80000
                                       << QByteArray("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                                                     "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    // The widely published SHA-256 counterparts of the RFC 6070 vectors.
    QTest::addRow("c=1, 32 bytes") << QByteArray("password") << QByteArray("salt") << 1
                                   << QByteArray("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    QTest::addRow("c=2, 32 bytes") << QByteArray("password") << QByteArray("salt") << 2
                                   << QByteArray("ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
    QTest::addRow("c=4096, 32 bytes") << QByteArray("password") << QByteArray("salt") << 4096
                                      << QByteArray("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    QTest::addRow("long password and salt, 40 bytes")
        << QByteArray("passwordPASSWORDpassword") << QByteArray("saltSALTsaltSALTsaltSALTsaltSALTsalt") << 4096
        << QByteArray("348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
    QTest::addRow("embedded NUL bytes, 16 bytes") << QByteArray("pass\0word", 9) << QByteArray("sa\0lt", 5) << 4096
                                                  << QByteArray("89b69d0516f829893c696226650a8687");
}

void TstScram::pbkdf2_matchesPublishedVectors()
{
    QFETCH(QByteArray, password);
    QFETCH(QByteArray, salt);
    QFETCH(int, iterations);
    QFETCH(QByteArray, expectedHex);
    const QByteArray key = rdk::pbkdf2HmacSha256(password, salt, iterations, int(expectedHex.size() / 2));
    QCOMPARE(key.toHex(), expectedHex);
}

void TstScram::pbkdf2_rejectsUnusableParameters()
{
    QVERIFY(rdk::pbkdf2HmacSha256("p", "s", 0, 32).isEmpty());
    QVERIFY(rdk::pbkdf2HmacSha256("p", "s", -1, 32).isEmpty());
    QVERIFY(rdk::pbkdf2HmacSha256("p", "s", 1, 0).isEmpty());
    QCOMPARE(rdk::pbkdf2HmacSha256(QByteArray(), QByteArray(), 1, 33).size(), 33);
}

void TstScram::verifier_matchesReferenceImplementation_data()
{
    // Expected values from Python's hashlib/hmac, an implementation independent of ours.
    QTest::addColumn<QString>("password");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<int>("iterations");
    QTest::addColumn<QString>("verifier");
    QTest::addRow("passphrase") << u"correct horse battery"_s << QByteArray("0123456789abcdef") << 4096
                                << u"SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$wGZq2orSMoS4I0HgVdenE8ZGpjGGV2xWgAOgJy3CRKM="
                                   u":N1jjM5Y2/5i9Z0K4WdL22own3GVivPzoDLQF8VQSlFo="_s;
    QTest::addRow("binary salt") << u"pencil"_s << QByteArray::fromHex("00112233445566778899aabbccddeeff") << 4096
                                 << u"SCRAM-SHA-256$4096:ABEiM0RVZneImaq7zN3u/w==$jLIRlGXjc0AI5Pe6HNd3R/DCcrJHY3yiry3viubzY8Y="
                                    u":qcBGvAre1E5f93c1XSEHOqL5GFG4+tzUAPgkJBY8+1s="_s;
    QTest::addRow("non-ASCII is UTF-8") << u"p\u00E4ssw\u00F6rd-\u20AC"_s << QByteArray("0123456789abcdef") << 1
                                        << u"SCRAM-SHA-256$1:MDEyMzQ1Njc4OWFiY2RlZg==$rwsFjy0LkQmGrKzeY87p4tjUDm/GSEBAeiYuGDAsCs4="
                                           u":RpbkpTv2i9w95MSHw8q/9s2swNIsVF3YHKbbmF01lWM="_s;
}

void TstScram::verifier_matchesReferenceImplementation()
{
    QFETCH(QString, password);
    QFETCH(QByteArray, salt);
    QFETCH(int, iterations);
    QFETCH(QString, verifier);
    QCOMPARE(rdk::scramSha256Verifier(password, salt, iterations), verifier);
}

void TstScram::verifier_hasPostgresFormatWithRandomSalt()
{
    static const QRegularExpression format(
        u"^SCRAM-SHA-256\\$4096:([A-Za-z0-9+/]{22}==)\\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$"_s);
    const QString first = rdk::scramSha256Verifier(u"correct horse battery"_s);
    const QString second = rdk::scramSha256Verifier(u"correct horse battery"_s);
    const QRegularExpressionMatch match = format.match(first);
    QVERIFY2(match.hasMatch(), qPrintable(first));
    QVERIFY(format.match(second).hasMatch());
    QCOMPARE(QByteArray::fromBase64(match.captured(1).toLatin1()).size(), 16);
    QVERIFY(first != second); // a fresh salt each time
    QVERIFY(!first.contains(u"correct"_s));
}

void TstScram::verifier_rejectsZeroIterations()
{
    QVERIFY(rdk::scramSha256Verifier(u"correct horse battery"_s, "salt", 0).isEmpty());
    QVERIFY(rdk::scramSha256Verifier(u"correct horse battery"_s, "salt", 1).startsWith(u"SCRAM-SHA-256$1:"_s));
}

QTEST_APPLESS_MAIN(TstScram)
#include "tst_scram.moc"

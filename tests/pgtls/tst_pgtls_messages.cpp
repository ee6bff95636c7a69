// libpq's fixed English texts of TLS refusals (libpq 15, as Debian 12 ships it) become sentences
// people can act on; anything that is not about TLS is left to the other mappings.
#include "data/pgtlserror.h"

#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::data;

class TestPgTlsMessages final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void describe_libpqText_sentence_data();
    void describe_libpqText_sentence();
    void describe_otherFailures_areNotTls_data();
    void describe_otherFailures_areNotTls();
    void sslRootCertOf_readsBothForms();
};

void TestPgTlsMessages::describe_libpqText_sentence_data()
{
    QTest::addColumn<QString>("libpq");
    QTest::addColumn<int>("problem");
    QTest::addColumn<QString>("sentenceStart");
    const QString prefix = u"connection to server at \"db.shop.lan\" (192.168.1.10), port 5432 failed: "_s;
    QTest::addRow("another name")
        << prefix + u"server certificate for \"db.other.lan\" does not match host name \"db.shop.lan\""_s
        << int(TlsProblem::NameMismatch) << u"The database server's certificate is for db.other.lan, not db.shop.lan."_s;
    QTest::addRow("another name, several in the certificate")
        << prefix + u"server certificate for \"db.other.lan\" (and 2 other names) does not match host name \"db.shop.lan\""_s
        << int(TlsProblem::NameMismatch) << u"The database server's certificate is for db.other.lan, not db.shop.lan."_s;
    QTest::addRow("no name at all")
        << prefix + u"could not get server's host name from server certificate"_s << int(TlsProblem::NameMismatch)
        << u"The database server's certificate names no host"_s;
    QTest::addRow("another authority") << prefix + u"SSL error: certificate verify failed"_s
                                       << int(TlsProblem::UntrustedIssuer)
                                       << u"The database server's certificate is not signed by the shop's certificate authority (/etc/rdk/db-ca.crt), or it has expired."_s;
    QTest::addRow("CA file missing")
        << prefix + u"root certificate file \"/etc/rdk/db-ca.crt\" does not exist\nEither provide the file or change sslmode to disable server certificate verification."_s
        << int(TlsProblem::NoCaFile) << u"This computer has no copy of the shop's certificate authority at /etc/rdk/db-ca.crt."_s;
    QTest::addRow("CA file unreadable")
        << prefix + u"could not read root certificate file \"/etc/rdk/db-ca.crt\": no certificate or crl found"_s
        << int(TlsProblem::NoCaFile) << u"The shop's certificate authority file /etc/rdk/db-ca.crt can't be read (no certificate or crl found)."_s;
    QTest::addRow("server without TLS") << prefix + u"server does not support SSL, but SSL was required"_s
                                        << int(TlsProblem::ServerWithoutTls)
                                        << u"The database server does not offer TLS"_s;
    QTest::addRow("hostssl only, rejected")
        << prefix + u"FATAL:  pg_hba.conf rejects connection for host \"192.168.1.20\", user \"anna\", database \"rdk\", no encryption"_s
        << int(TlsProblem::ServerWantsTls) << u"The database server accepts only TLS connections"_s;
    QTest::addRow("hostssl only, no entry")
        << prefix + u"FATAL:  no pg_hba.conf entry for host \"192.168.1.20\", user \"anna\", database \"rdk\", no encryption"_s
        << int(TlsProblem::ServerWantsTls) << u"The database server accepts only TLS connections"_s;
    QTest::addRow("old protocol") << prefix + u"SSL error: tlsv1 alert protocol version"_s << int(TlsProblem::Handshake)
                                  << u"The TLS handshake with the database server failed (tlsv1 alert protocol version)."_s;
}

void TestPgTlsMessages::describe_libpqText_sentence()
{
    QFETCH(QString, libpq);
    QFETCH(int, problem);
    QFETCH(QString, sentenceStart);
    const QByteArray text = libpq.toUtf8();
    const auto described = describeTlsConnectError(std::string_view(text.constData(), size_t(text.size())),
                                                   u"/etc/rdk/db-ca.crt"_s);
    QVERIFY(described);
    QCOMPARE(int(described->problem), problem);
    QVERIFY2(described->message.startsWith(sentenceStart), qPrintable(described->message));
    QVERIFY(!described->message.contains(u"SSL"_s));   // people read "TLS"; libpq's words stay in the log
    QVERIFY(described->message.endsWith(u'.'));
}

void TestPgTlsMessages::describe_otherFailures_areNotTls_data()
{
    QTest::addColumn<QString>("libpq");
    QTest::addRow("wrong password") << u"FATAL:  password authentication failed for user \"anna\""_s;
    QTest::addRow("nothing listens") << u"connection to server at \"127.0.0.1\", port 5 failed: Connection refused"_s;
    QTest::addRow("no database") << u"FATAL:  database \"nope\" does not exist"_s;
    QTest::addRow("hba without TLS wording") << u"FATAL:  no pg_hba.conf entry for host \"10.0.0.1\", user \"a\", database \"rdk\", SSL encryption"_s;
    QTest::addRow("empty") << QString();
}

void TestPgTlsMessages::describe_otherFailures_areNotTls()
{
    QFETCH(QString, libpq);
    const QByteArray text = libpq.toUtf8();
    QVERIFY(!describeTlsConnectError(std::string_view(text.constData(), size_t(text.size()))));
}

void TestPgTlsMessages::sslRootCertOf_readsBothForms()
{
    QCOMPARE(sslRootCertOf("host=db.shop.lan sslmode=verify-full sslrootcert='/etc/rdk/db-ca.crt'"), u"/etc/rdk/db-ca.crt"_s);
    QCOMPARE(sslRootCertOf("postgresql://u:p@db.shop.lan/rdk?sslmode=verify-full&sslrootcert=/etc/rdk/db-ca.crt"),
             u"/etc/rdk/db-ca.crt"_s);
    QCOMPARE(sslRootCertOf("host=db.shop.lan"), QString());
    QCOMPARE(sslRootCertOf("this is = not 'valid"), QString());
}

QTEST_GUILESS_MAIN(TestPgTlsMessages)
#include "tst_pgtls_messages.moc"

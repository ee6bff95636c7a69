// rdk-sync's SMTP client against a real SMTP server on loopback (tests/mail/smtpserver.py on
// Debian's python3-aiosmtpd): plain and STARTTLS with a private CA made here by openssl, AUTH
// PLAIN and LOGIN, a server that refuses, one that fails for now, one that drops the connection
// mid-message, and servers that answer garbage or nothing.
#include "domain/mailmessage.h"
#include "sync/mail/smtpclient.h"
#include "tests/mail/smtpserverprocess.h"

#include <QFutureWatcher>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::SmtpSession;
using rdk::sync::SmtpSettings;

namespace {

const QByteArray kRawMessage = "From: shop@example.com\r\nTo: buyer@example.com\r\nSubject: dots\r\n"
                               "Message-ID: <dots@example.com>\r\n\r\nfirst\r\n.leading dot\r\n.\r\n..two\r\nlast\r\n";

SmtpSettings settingsFor(quint16 port, SmtpSettings::Tls tls = SmtpSettings::Tls::None)
{
    SmtpSettings s;
    s.host = u"127.0.0.1"_s;
    s.port = port;
    s.tls = tls;
    s.timeout = std::chrono::milliseconds(10'000);
    return s;
}

} // namespace

class TestSmtpClient final : public QObject {
    Q_OBJECT

    QTemporaryDir m_tls;
    QString m_cert, m_key;

    rdk::sync::SmtpResult<void> sendOnce(const SmtpSettings &settings, const QByteArray &message = kRawMessage,
                                          const QString &to = u"buyer@example.com"_s)
    {
        SmtpSession session(settings);
        auto sent = session.send(u"shop@example.com"_s, to, message);
        session.close();
        return sent;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tls.isValid());
        m_cert = m_tls.filePath(u"cert.pem"_s);
        m_key = m_tls.filePath(u"key.pem"_s);
        // A throwaway self-signed certificate for 127.0.0.1: the client trusts it only as a CA file.
        QProcess openssl;
        openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"1"_s,
                                      u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1,DNS:localhost"_s,
                                      u"-keyout"_s, m_key, u"-out"_s, m_cert});
        QVERIFY(openssl.waitForFinished(30'000));
        QCOMPARE(openssl.exitCode(), 0);
    }

    void plainServer_takesTheMessage_dotStuffedAndIntact()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({}, &error), qPrintable(error));
        const auto sent = sendOnce(settingsFor(server.port()));
        QVERIFY2(sent, sent ? "" : qPrintable(sent.error().message));
        QTRY_COMPARE(server.accepted().size(), 1);
        QByteArray received = server.message(1);
        received.replace("\r\n", "\n");
        QByteArray expected = kRawMessage;
        expected.replace("\r\n", "\n");
        QCOMPARE(received, expected);
        const QJsonObject event = server.accepted().first();
        QCOMPARE(event.value(u"mail_from"_s).toString(), u"shop@example.com"_s);
        QCOMPARE(event.value(u"rcpt"_s).toArray().first().toString(), u"buyer@example.com"_s);
    }

    void oneSession_sendsSeveralMails()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({}, &error), qPrintable(error));
        SmtpSession session(settingsFor(server.port()));
        for (int i = 0; i < 3; ++i)
            QVERIFY(session.send(u"shop@example.com"_s, u"b%1@example.com"_s.arg(i), kRawMessage));
        session.close();
        QTRY_COMPARE(server.accepted().size(), 3);
    }

    void startTls_withAPrivateCa_andAuth_signsInAndSends_data()
    {
        QTest::addColumn<QString>("mechanism");
        QTest::addRow("AUTH PLAIN") << u"PLAIN"_s;
        QTest::addRow("AUTH LOGIN") << u"LOGIN"_s;
    }

    void startTls_withAPrivateCa_andAuth_signsInAndSends()
    {
        QFETCH(QString, mechanism);
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({u"--starttls"_s, m_cert, m_key, u"--auth"_s, u"mailer:s3cret pass"_s, u"--auth-only"_s, mechanism}, &error),
                 qPrintable(error));
        SmtpSettings s = settingsFor(server.port(), SmtpSettings::Tls::StartTls);
        s.caFile = m_cert;
        s.user = u"mailer"_s;
        s.password = u"s3cret pass"_s;
        SmtpSession session(s);
        const auto opened = session.open();
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        QVERIFY(session.isEncrypted());
        QVERIFY(session.send(u"shop@example.com"_s, u"buyer@example.com"_s, kRawMessage));
        session.close();
        QTRY_COMPARE(server.accepted().size(), 1);
        QVERIFY(server.accepted().first().value(u"tls"_s).toBool());
        QVERIFY(server.accepted().first().value(u"auth"_s).toBool());
    }

    void startTls_untrustedCertificate_isRefused_beforeThePasswordIsSent()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({u"--starttls"_s, m_cert, m_key, u"--auth"_s, u"mailer:s3cret"_s}, &error), qPrintable(error));
        SmtpSettings s = settingsFor(server.port(), SmtpSettings::Tls::StartTls);   // no CA file: not trusted
        s.user = u"mailer"_s;
        s.password = u"s3cret"_s;
        const auto sent = sendOnce(s);
        QVERIFY(!sent);
        QVERIFY2(sent.error().message.contains(u"TLS could not be trusted"_s), qPrintable(sent.error().message));
        QVERIFY(!sent.error().permanent);
        QCOMPARE(server.accepted().size(), 0);
    }

    void startTls_requiredButNotOffered_isRefused()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({}, &error), qPrintable(error));
        const auto sent = sendOnce(settingsFor(server.port(), SmtpSettings::Tls::StartTls));
        QVERIFY(!sent);
        QVERIFY2(sent.error().message.contains(u"does not offer STARTTLS"_s), qPrintable(sent.error().message));
        QCOMPARE(server.accepted().size(), 0);
    }

    void wrongPassword_isRefused_andTheSentenceNeverHoldsThePassword()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({u"--starttls"_s, m_cert, m_key, u"--auth"_s, u"mailer:right"_s}, &error), qPrintable(error));
        SmtpSettings s = settingsFor(server.port(), SmtpSettings::Tls::StartTls);
        s.caFile = m_cert;
        s.user = u"mailer"_s;
        s.password = u"wrong-Pa55word"_s;
        const auto sent = sendOnce(s);
        QVERIFY(!sent);
        QVERIFY2(sent.error().replyCode == 535, qPrintable(sent.error().message));
        QVERIFY2(sent.error().message.contains(u"refused the user name or password"_s), qPrintable(sent.error().message));
        QVERIFY(!sent.error().message.contains(u"wrong-Pa55word"_s));
        QVERIFY(!sent.error().message.contains(QString::fromLatin1(QByteArray("wrong-Pa55word").toBase64())));
        QVERIFY(!sent.error().permanent);   // fixed in .env, then every queued mail goes
        QCOMPARE(server.accepted().size(), 0);
    }

    void refusingServer_isAPermanentFailure()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({u"--refuse"_s}, &error), qPrintable(error));
        const auto sent = sendOnce(settingsFor(server.port()));
        QVERIFY(!sent);
        QVERIFY(sent.error().permanent);
        QCOMPARE(sent.error().replyCode, 550);
        QVERIFY2(sent.error().message.contains(u"refused RCPT TO: 550"_s), qPrintable(sent.error().message));
    }

    void temporaryFailure_isRetryable_andTheNextTryGoesThrough()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({u"--tempfail"_s, u"1"_s}, &error), qPrintable(error));
        const auto first = sendOnce(settingsFor(server.port()));
        QVERIFY(!first);
        QVERIFY(!first.error().permanent);
        QCOMPARE(first.error().replyCode, 451);
        QVERIFY(sendOnce(settingsFor(server.port())));
        QTRY_COMPARE(server.accepted().size(), 1);
    }

    void connectionDroppedMidMessage_isRetryable_andTheSessionReconnects()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({u"--drop"_s, u"1"_s}, &error), qPrintable(error));
        SmtpSession session(settingsFor(server.port()));
        const auto first = session.send(u"shop@example.com"_s, u"buyer@example.com"_s, kRawMessage);
        QVERIFY(!first);
        QVERIFY(!first.error().permanent);
        QVERIFY2(first.error().message.contains(u"closed the connection"_s), qPrintable(first.error().message));
        QVERIFY(session.send(u"shop@example.com"_s, u"buyer@example.com"_s, kRawMessage));   // opens a new connection
        session.close();
        QTRY_COMPARE(server.accepted().size(), 1);
        QCOMPARE(server.events().first().value(u"event"_s).toString(), u"dropped"_s);
    }

    void hostileRecipient_isRefused_beforeAnythingIsSent()
    {
        rdk::test::SmtpServerProcess server;
        QString error;
        QVERIFY2(server.start({}, &error), qPrintable(error));
        const auto sent = sendOnce(settingsFor(server.port()), kRawMessage, u"a@example.com>\r\nRCPT TO:<victim@example.com"_s);
        QVERIFY(!sent);
        QVERIFY(sent.error().permanent);
        QVERIFY(server.events().isEmpty());
    }

    void garbageOrSilentServer_givesAClearError_data()
    {
        QTest::addColumn<QByteArray>("greeting");
        QTest::addColumn<QString>("says");
        QTest::addRow("HTTP server") << QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n") << u"not SMTP"_s;
        QTest::addRow("endless line") << QByteArray(5000, 'x') << u"too long"_s;
        QTest::addRow("silent") << QByteArray() << u"did not answer the greeting in time"_s;
        QTest::addRow("hangs up") << QByteArray("close") << u"closed the connection"_s;
    }

    void garbageOrSilentServer_givesAClearError()
    {
        QFETCH(QByteArray, greeting);
        QFETCH(QString, says);
        QTcpServer fake;
        QVERIFY(fake.listen(QHostAddress::LocalHost, 0));
        QList<QTcpSocket *> peers;
        connect(&fake, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *peer = fake.nextPendingConnection();
            peers.append(peer);
            if (greeting == "close")
                peer->close();
            else if (!greeting.isEmpty())
                peer->write(greeting);
        });
        SmtpSettings s = settingsFor(fake.serverPort());
        s.timeout = std::chrono::milliseconds(1500);
        // The client blocks its thread; this one serves the fake server meanwhile.
        QFuture<QString> future = QtConcurrent::run([s] {
            SmtpSession session(s);
            auto sent = session.send(u"shop@example.com"_s, u"buyer@example.com"_s, kRawMessage);
            return sent ? QString() : sent.error().message;
        });
        QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 15'000);
        QVERIFY2(future.result().contains(says), qPrintable(future.result()));
    }
};

QTEST_GUILESS_MAIN(TestSmtpClient)
#include "tst_smtp_client.moc"

// End to end (ADR 0018): the Stripe sandbox, rdk-sync with its mail sender, and a real SMTP
// server on loopback (tests/mail/smtpserver.py) with STARTTLS and AUTH. An online purchase
// sends exactly one confirmation; a refusing server fails the mail and the desk's data layer
// shows why; a server that fails for now or drops the connection mid-message gets the mail on
// the retry; rdk-sync killed mid-batch and restarted sends every mail, and none that was
// recorded as sent twice.
#include "data/pgmailoutbox.h"
#include "data/pgsession.h"
#include "tests/mail/smtpserverprocess.h"
#include "tests/support/e2efixture.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QElapsedTimer>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using test::HttpReply;

namespace {

constexpr char kWebhookSecret[] = "whsec_mail_sync_test_secret";

} // namespace

class TestMailSync final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    test::Login m_service, m_staff;
    QTemporaryDir m_tls;
    QString m_cert, m_key;
    test::SmtpServerProcess m_smtp;
    quint16 m_smtpPort = 0;
    std::unique_ptr<test::ServiceProcess> m_sandbox, m_sync;
    QNetworkAccessManager m_nam;

    std::string owner(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::work tx(c);
        const auto r = tx.exec(sql);
        tx.commit();
        return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
    }
    long long scalar(const std::string &sql) { return std::stoll(owner(sql)); }

    bool startSync(QString *error)
    {
        m_sync.reset();
        m_sandbox.reset();
        m_sandbox = std::make_unique<test::ServiceProcess>();
        m_sync = std::make_unique<test::ServiceProcess>();
        test::SyncStackOptions options{QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)), u"mail-shop"_s,
                                       QString::fromLatin1(kWebhookSecret), u"sk_test_mail_sync"_s};
        options.syncEnvironment = {{u"RDK_SMTP_HOST"_s, u"127.0.0.1"_s},
                                   {u"RDK_SMTP_PORT"_s, QString::number(m_smtpPort)},
                                   {u"RDK_SMTP_FROM"_s, u"orders@mail-shop.example"_s},
                                   {u"RDK_SMTP_TLS"_s, u"starttls"_s},
                                   {u"RDK_SMTP_CA_FILE"_s, m_cert},
                                   {u"RDK_SMTP_USER"_s, u"mailer"_s},
                                   {u"RDK_SMTP_PASSWORD"_s, u"mail-secret"_s},
                                   {u"RDK_MAIL_SHOP_ADDRESS"_s, u"1 Sneaker Row, Springfield"_s}};
        return test::startSyncStack(*m_sandbox, *m_sync, m_nam, options, error);
    }

    bool startSmtp(const QStringList &behaviour, QString *error)
    {
        m_smtp.stop();
        QStringList options{u"--starttls"_s, m_cert, m_key, u"--auth"_s, u"mailer:mail-secret"_s};
        options += behaviour;
        if (!m_smtp.start(options, error, m_smtpPort))
            return false;
        m_smtpPort = m_smtp.port();
        return true;
    }

    /// An online order of the shop, paid as the webhook would (owner: the trigger fires alike).
    std::string paidOnlineOrder(const std::string &email)
    {
        pqxx::connection c(m_db->urlFor(m_service.login, m_service.password));
        pqxx::work tx(c);
        const std::string order = tx.exec_params1("SELECT rdk.checkout_place_order($1::jsonb, $2, 35)::text",
                                                  std::string(R"([{"sku": "MAIL-E2E", "size": "10", "quantity": 1}])"), email)[0]
                                      .as<std::string>();
        tx.commit();
        owner("UPDATE orders SET status = 'paid', paid_at = now() WHERE id = '" + order + "'");
        return order;
    }

    QString mailState(const std::string &order) { return QString::fromStdString(owner("SELECT state FROM mail_outbox WHERE order_id = '" + order + "'")); }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"mail-shop"_s);
        m_service = m_db->createServiceLogin(m_tenant);
        m_staff = m_db->createStaff(m_tenant, u"staff"_s);
        QString error;
        QVERIFY2(!test::seedProduct(*m_db, {.tenantId = m_tenant, .sku = u"MAIL-E2E"_s, .priceMinor = 15000, .size10 = 100}, &error).isEmpty(),
                 qPrintable(error));
        QVERIFY(m_tls.isValid());
        m_cert = m_tls.filePath(u"cert.pem"_s);
        m_key = m_tls.filePath(u"key.pem"_s);
        QProcess openssl;
        openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"1"_s,
                                      u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s,
                                      u"-keyout"_s, m_key, u"-out"_s, m_cert});
        QVERIFY(openssl.waitForFinished(30'000) && openssl.exitCode() == 0);
        QVERIFY2(startSmtp({}, &error), qPrintable(error));
        QVERIFY2(startSync(&error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_sync.reset();
        m_sandbox.reset();
        m_smtp.stop();
        m_db.reset();
    }

    void readyz_saysTheSenderListens()
    {
        const HttpReply ready = test::httpRequest(m_nam, "GET", m_sync->url(u"/readyz"_s));
        QTRY_COMPARE(test::httpRequest(m_nam, "GET", m_sync->url(u"/readyz"_s)).json().value(u"mail"_s).toString(), u"listening"_s);
        QVERIFY(ready.status == 200 || ready.status == 503);
    }

    void onlinePurchase_sendsExactlyOneConfirmation()
    {
        const QByteArray form = "items%5B0%5D%5Bsku%5D=MAIL-E2E&items%5B0%5D%5Bsize%5D=10&items%5B0%5D%5Bquantity%5D=1&email=buyer%40example.com";
        const HttpReply placed = test::httpRequest(m_nam, "POST", m_sync->url(u"/api/checkout"_s), form,
                                                   {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Forwarded-For", "198.51.100.7"}});
        QCOMPARE(placed.status, 303);
        const QString sessionId = QUrl(QString::fromUtf8(placed.headers.value("location"))).path().section(u'/', -1);
        const int before = int(m_smtp.accepted().size());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(test::httpRequest(m_nam, "POST", m_sandbox->url(u"/_sandbox/checkout/sessions/%1/complete"_s.arg(sessionId))).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_smtp.accepted().size(), before + 1, 15'000);
        // Measured, not asserted: from "pay" in the sandbox to the mail in the SMTP server.
        qInfo("payment to confirmation in the mailbox: %lld ms (webhook, trigger, NOTIFY, STARTTLS+AUTH, DATA)",
              qlonglong(clock.elapsed()));
        const QJsonObject mail = m_smtp.accepted().last();
        QCOMPARE(mail.value(u"rcpt"_s).toArray().first().toString(), u"buyer@example.com"_s);
        QVERIFY(mail.value(u"tls"_s).toBool() && mail.value(u"auth"_s).toBool());
        const std::string order = owner("SELECT id FROM orders WHERE stripe_checkout_session_id = '" + sessionId.toStdString() + "'");
        QTRY_COMPARE(mailState(order), u"sent"_s);
        const QString messageId = u"<rdk.%1@mail-shop.example>"_s.arg(QString::fromStdString(
            owner("SELECT replace(message_id::text, '-', '') FROM mail_outbox WHERE order_id = '" + order + "'")));
        QCOMPARE(mail.value(u"message_id"_s).toString(), messageId);
        const QByteArray raw = m_smtp.message(mail.value(u"n"_s).toInt());
        QVERIFY2(raw.contains("Subject: Your order RDK-") && raw.contains("is confirmed"), raw.left(600).constData());
        QVERIFY(raw.contains("1 Sneaker Row, Springfield"));

        // Stripe delivers the event again: no second mail.
        const HttpReply events = test::httpRequest(m_nam, "GET", m_sandbox->url(u"/_sandbox/events"_s));
        QString eventId;
        for (const QJsonValue &e : events.json().value(u"data"_s).toArray()) {
            if (e.toObject().value(u"type"_s).toString() == u"checkout.session.completed"_s)
                eventId = e.toObject().value(u"id"_s).toString();
        }
        QCOMPARE(test::resendEventAndWait(m_nam, *m_sandbox, eventId), 200);
        QCOMPARE(scalar("SELECT count(*) FROM mail_outbox WHERE order_id = '" + order + "'"), 1);
        QTest::qWait(300);   // proving a negative: a second mail would have arrived by now
        QCOMPARE(m_smtp.accepted().size(), before + 1);
    }

    void refusingServer_failsTheMail_andTheDeskSeesWhy()
    {
        QString error;
        QVERIFY2(startSmtp({u"--refuse"_s}, &error), qPrintable(error));
        const std::string order = paidOnlineOrder("nobody@example.com");
        QTRY_COMPARE_WITH_TIMEOUT(mailState(order), u"failed"_s, 15'000);
        QCOMPARE(scalar("SELECT attempts FROM mail_outbox WHERE order_id = '" + order + "'"), 1);   // 5xx: no retry

        // What the desk's order detail reads, as a cashier: state and reason, not the address.
        auto session = data::PgSession::open(m_db->urlFor(m_staff.login, m_staff.password));
        QVERIFY(session);
        auto mails = data::PgOrderMail(**session).mailsOf(QString::fromStdString(order));
        QVERIFY(mails);
        QCOMPARE(mails->size(), 1);
        QCOMPARE(mails->first().state, u"failed"_s);
        const QString shown = orderMailStateText(mails->first());
        QVERIFY2(shown.startsWith(u"Failed: The mail server refused RCPT TO: 550"_s), qPrintable(shown));
        QVERIFY2(!shown.contains(u"nobody@example.com"_s), qPrintable(shown));
        QVERIFY2(startSmtp({}, &error), qPrintable(error));
    }

    void temporaryFailureOrDropMidMessage_isSentOnTheRetry_once_data()
    {
        QTest::addColumn<QStringList>("behaviour");
        QTest::addRow("451 for now") << QStringList{u"--tempfail"_s, u"1"_s};
        QTest::addRow("connection dropped mid-message") << QStringList{u"--drop"_s, u"1"_s};
    }

    void temporaryFailureOrDropMidMessage_isSentOnTheRetry_once()
    {
        QFETCH(QStringList, behaviour);
        QString error;
        QVERIFY2(startSmtp(behaviour, &error), qPrintable(error));
        const std::string order = paidOnlineOrder("retry@example.com");
        const std::string where = " FROM mail_outbox WHERE order_id = '" + order + "'";
        QTRY_VERIFY_WITH_TIMEOUT(scalar("SELECT count(*)" + where + " AND state = 'queued' AND attempts = 1 AND last_error IS NOT NULL") == 1, 15'000);
        QVERIFY(owner("SELECT next_attempt_at > now() + interval '20 seconds'" + where) == "t");
        QCOMPARE(m_smtp.accepted().size(), 0);
        // The backoff's 30 s pass (the sender is woken by the row's change, as by its poll).
        owner("UPDATE mail_outbox SET next_attempt_at = now() WHERE order_id = '" + order + "'");
        QTRY_COMPARE_WITH_TIMEOUT(mailState(order), u"sent"_s, 15'000);
        QCOMPARE(scalar("SELECT attempts" + where), 2);
        QCOMPARE(m_smtp.accepted().size(), 1);
    }

    void serverDown_keepsEveryMail_forOneAttempt_andSendsThemWhenItIsBack()
    {
        m_smtp.stop();
        const long long before = scalar("SELECT coalesce(max(id), 0) FROM mail_outbox");
        for (int i = 0; i < 3; ++i)
            paidOnlineOrder("down" + std::to_string(i) + "@example.com");
        const std::string batch = " FROM mail_outbox WHERE id > " + std::to_string(before);
        QTRY_VERIFY_WITH_TIMEOUT(scalar("SELECT count(*)" + batch + " AND state = 'queued' AND attempts = 1") == 3, 15'000);
        const QString why = QString::fromStdString(owner("SELECT min(last_error)" + batch));
        QVERIFY2(why.startsWith(u"Could not connect to the mail server 127.0.0.1:"_s), qPrintable(why));
        QString error;
        QVERIFY2(startSmtp({}, &error), qPrintable(error));
        owner("UPDATE mail_outbox SET next_attempt_at = now() WHERE id > " + std::to_string(before));
        QTRY_VERIFY_WITH_TIMEOUT(scalar("SELECT count(*)" + batch + " AND state = 'sent' AND attempts = 2") == 3, 15'000);
        QCOMPARE(m_smtp.accepted().size(), 3);
    }

    void serverAnsweringGarbage_keepsTheMail_withAClearReason()
    {
        m_smtp.stop();
        QTcpServer garbage;
        QVERIFY(garbage.listen(QHostAddress::LocalHost, m_smtpPort));
        connect(&garbage, &QTcpServer::newConnection, this, [&garbage] {
            while (QTcpSocket *peer = garbage.nextPendingConnection())
                peer->write("HTTP/1.1 400 Bad Request\r\n\r\n");
        });
        const std::string order = paidOnlineOrder("garbage@example.com");
        const std::string where = " FROM mail_outbox WHERE order_id = '" + order + "'";
        QTRY_VERIFY_WITH_TIMEOUT(scalar("SELECT count(*)" + where + " AND state = 'queued' AND attempts = 1") == 1, 15'000);
        const QString why = QString::fromStdString(owner("SELECT last_error" + where));
        QVERIFY2(why == u"The mail server answered the greeting with something that is not SMTP."_s, qPrintable(why));
        garbage.close();
        QString error;
        QVERIFY2(startSmtp({}, &error), qPrintable(error));
        owner("UPDATE mail_outbox SET next_attempt_at = now() WHERE order_id = '" + order + "'");
        QTRY_COMPARE_WITH_TIMEOUT(mailState(order), u"sent"_s, 15'000);
        QCOMPARE(m_smtp.accepted().size(), 1);
    }

    void burstOfMails_allGoOut_once()
    {
        const long long before = scalar("SELECT coalesce(max(id), 0) FROM mail_outbox");
        std::vector<std::string> orders;
        for (int i = 0; i < 40; ++i) {
            pqxx::connection c(m_db->urlFor(m_service.login, m_service.password));
            pqxx::work tx(c);
            orders.push_back(tx.exec_params1("SELECT rdk.checkout_place_order($1::jsonb, $2, 35)::text",
                                             std::string(R"([{"sku": "MAIL-E2E", "size": "10", "quantity": 1}])"),
                                             "burst" + std::to_string(i) + "@example.com")[0].as<std::string>());
            tx.commit();
        }
        const int accepted = int(m_smtp.accepted().size());
        QElapsedTimer clock;
        clock.start();
        {
            pqxx::connection c(m_db->ownerUrl());
            pqxx::work tx(c);
            for (const std::string &order : orders)
                tx.exec("UPDATE orders SET status = 'paid', paid_at = now() WHERE id = '" + order + "'");
            tx.commit();   // 40 payments in one transaction: 40 mails queued at once
        }
        const std::string batch = " FROM mail_outbox WHERE id > " + std::to_string(before);
        QTRY_VERIFY_WITH_TIMEOUT(scalar("SELECT count(*)" + batch + " AND state = 'sent'") == 40, 30'000);
        qInfo("40 mails queued in one commit, all in the mailbox after %lld ms (STARTTLS+AUTH once per batch of 20)",
              qlonglong(clock.elapsed()));
        QCOMPARE(int(m_smtp.accepted().size()) - accepted, 40);
        QCOMPARE(scalar("SELECT max(attempts)" + batch), 1);
    }

    void syncKilledMidBatch_andRestarted_sendsEveryMail_andNoneRecordedAsSentTwice()
    {
        QString error;
        QVERIFY2(startSmtp({u"--delay"_s, u"0.4"_s}, &error), qPrintable(error));
        const long long before = scalar("SELECT coalesce(max(id), 0) FROM mail_outbox");
        for (int i = 0; i < 8; ++i)
            paidOnlineOrder("batch" + std::to_string(i) + "@example.com");
        const std::string batch = " FROM mail_outbox WHERE id > " + std::to_string(before);
        QTRY_VERIFY_WITH_TIMEOUT(m_smtp.accepted().size() >= 2, 20'000);
        m_sync->kill();   // as a crash would: mid-batch, maybe mid-DATA
        const QSet<QString> sentBeforeCrash = [&] {
            QSet<QString> ids;
            pqxx::connection c(m_db->ownerUrl());
            pqxx::work tx(c);
            for (const auto &r : tx.exec("SELECT '<rdk.' || replace(message_id::text, '-', '') || '@mail-shop.example>'" + batch + " AND state = 'sent'"))
                ids.insert(QString::fromStdString(r[0].as<std::string>()));
            return ids;
        }();
        const long long leased = scalar("SELECT count(*)" + batch + " AND state = 'sending'");
        QVERIFY2(sentBeforeCrash.size() >= 1 && sentBeforeCrash.size() < 8, qPrintable(QString::number(sentBeforeCrash.size())));
        // The crashed sender's two-minute leases run out (the clock moved on).
        owner("UPDATE mail_outbox SET leased_until = now() - interval '1 second' WHERE state = 'sending'");
        QVERIFY2(startSync(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(scalar("SELECT count(*)" + batch + " AND state = 'sent'") == 8, 30'000);

        QHash<QString, int> received;
        for (const QJsonObject &e : m_smtp.accepted())
            received[e.value(u"message_id"_s).toString()] += 1;
        const QStringList all = [&] {
            QStringList ids;
            pqxx::connection c(m_db->ownerUrl());
            pqxx::work tx(c);
            for (const auto &r : tx.exec("SELECT '<rdk.' || replace(message_id::text, '-', '') || '@mail-shop.example>'" + batch))
                ids.append(QString::fromStdString(r[0].as<std::string>()));
            return ids;
        }();
        int duplicates = 0;
        for (const QString &id : all) {
            QVERIFY2(received.value(id) >= 1, qPrintable(id + u" never arrived"_s));
            if (sentBeforeCrash.contains(id))
                QVERIFY2(received.value(id) == 1, qPrintable(id + u" was recorded as sent and sent again"_s));
            duplicates += received.value(id) - 1;
        }
        // Only a mail the server took in the instant before the kill may come twice, with its
        // one Message-ID: at most the one that was in DATA.
        QVERIFY2(duplicates <= 1, qPrintable(QString::number(duplicates)));
        qInfo("%lld sent before the kill, %lld leased and unrecorded, %d sent twice (same Message-ID)",
              qlonglong(sentBeforeCrash.size()), leased, duplicates);
    }
};

QTEST_GUILESS_MAIN(TestMailSync)
#include "tst_mail_sync.moc"

// Typed configuration: .env parsing and every missing or malformed key reported together.
#include "app/runtime/config.h"
#include "app/runtime/envfile.h"
#include "app/runtime/logging.h"
#include "domain/logcontext.h"
#include "domain/signin.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

QHash<QString, QString> validSync()
{
    return {{u"DATABASE_URL"_s, u"postgresql://sync:pw@127.0.0.1:5432/rdk"_s},
            {u"RDK_TENANT"_s, u"demo"_s},
            {u"RDK_PUBLIC_URL"_s, u"https://shop.example.com"_s},
            {u"STRIPE_SECRET_KEY"_s, u"sk_test_123456789"_s},
            {u"STRIPE_WEBHOOK_SECRET"_s, u"whsec_abcdefgh"_s}};
}

} // namespace

class TestConfig final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parseEnvFile_readsTheUsualForms()
    {
        const EnvFile f = parseEnvFile("# comment\n\nA=1\nexport B = two \nC='lit $x \\n'\nD=\"x\\ny\\\"z\"\nE=plain # trailing\r\nF=\n");
        QVERIFY2(f.errors.isEmpty(), qPrintable(f.errors.join(u'\n')));
        QCOMPARE(f.values.value(u"A"_s), u"1"_s);
        QCOMPARE(f.values.value(u"B"_s), u"two"_s);
        QCOMPARE(f.values.value(u"C"_s), u"lit $x \\n"_s);
        QCOMPARE(f.values.value(u"D"_s), u"x\ny\"z"_s);
        QCOMPARE(f.values.value(u"E"_s), u"plain"_s);
        QVERIFY(f.values.contains(u"F"_s));
    }

    void parseEnvFile_reportsBadLinesWithNumbers_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::addRow("no equals") << QByteArray("A=1\nJUSTTEXT\n") << u"line 2: expected KEY=VALUE"_s;
        QTest::addRow("bad key") << QByteArray("1A=x\n") << u"line 1: '1A' is not a valid variable name"_s;
        QTest::addRow("unterminated quote") << QByteArray("A=\"open\n") << u"line 1: A: unterminated quoted value"_s;
        QTest::addRow("binary") << QByteArray("A=1\0B=2", 7) << u"NUL"_s;
        QTest::addRow("huge line") << (QByteArray("A=") + QByteArray(20000, 'x')) << u"longer than 16 KiB"_s;
    }

    void parseEnvFile_reportsBadLinesWithNumbers()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const EnvFile f = parseEnvFile(content);
        QVERIFY(!f.errors.isEmpty());
        QVERIFY2(f.errors.join(u'\n').contains(expected), qPrintable(f.errors.join(u'\n')));
    }

    void syncConfig_valid_loads()
    {
        auto c = SyncConfig::load(ConfigSource(validSync()));
        QVERIFY2(c.ok(), c.ok() ? "" : qPrintable(c.error().message));
        QCOMPARE(c->listen, u"127.0.0.1:8080"_s);
        QCOMPARE(c->stripeApiBase.toString(), u"https://api.stripe.com"_s);
        QVERIFY(c->log.format == LogFormat::Json);
    }

    void syncConfig_eventLoops_defaultOnePerCore_orTheNumberGiven()
    {
        auto unset = SyncConfig::load(ConfigSource(validSync()));
        QVERIFY(unset.ok());
        QCOMPARE(unset->eventLoops, 0);   // 0: rdk-sync starts one per core
        QHash<QString, QString> values = validSync();
        values.insert(u"RDK_SYNC_EVENT_LOOPS"_s, u"4"_s);
        auto four = SyncConfig::load(ConfigSource(values));
        QVERIFY(four.ok());
        QCOMPARE(four->eventLoops, 4);
    }

    void syncConfig_previousWebhookSecret_optionalAndChecked()
    {
        auto plain = SyncConfig::load(ConfigSource(validSync()));
        QVERIFY(plain.ok());
        QVERIFY(plain->stripeWebhookSecretPrevious.isEmpty());

        QHash<QString, QString> values = validSync();
        values.insert(u"STRIPE_WEBHOOK_SECRET_PREVIOUS"_s, u"whsec_previous1"_s);
        auto rolling = SyncConfig::load(ConfigSource(values));
        QVERIFY2(rolling.ok(), rolling.ok() ? "" : qPrintable(rolling.error().message));
        QCOMPARE(rolling->stripeWebhookSecretPrevious, u"whsec_previous1"_s);
        QCOMPARE(rolling->stripeWebhookSecret, u"whsec_abcdefgh"_s);

        values.insert(u"STRIPE_WEBHOOK_SECRET_PREVIOUS"_s, u"previous-without-prefix"_s);
        auto bad = SyncConfig::load(ConfigSource(values));
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.contains(u"STRIPE_WEBHOOK_SECRET_PREVIOUS:"_s));
        QVERIFY(!bad.error().message.contains(u"previous-without-prefix"_s));
    }

    void syncConfig_everyProblemReportedAtOnce()
    {
        QHash<QString, QString> values = validSync();
        values.remove(u"DATABASE_URL"_s);
        values.insert(u"RDK_TENANT"_s, u"Not A Slug"_s);
        values.insert(u"RDK_SYNC_LISTEN"_s, u"localhost"_s);
        values.insert(u"STRIPE_SECRET_KEY"_s, u"pk_live_oops_public_key"_s);
        values.insert(u"STRIPE_WEBHOOK_SECRET"_s, u"secret-without-prefix"_s);
        values.insert(u"RDK_LOG_LEVEL"_s, u"loud"_s);
        values.insert(u"RDK_LOG_FORMAT"_s, u"xml"_s);
        auto c = SyncConfig::load(ConfigSource(values));
        QVERIFY(!c.ok());
        const QString message = c.error().message;
        for (const QString &key : {u"DATABASE_URL: missing"_s, u"RDK_TENANT:"_s, u"RDK_SYNC_LISTEN:"_s, u"STRIPE_SECRET_KEY:"_s,
                                   u"STRIPE_WEBHOOK_SECRET:"_s, u"RDK_LOG_LEVEL:"_s, u"RDK_LOG_FORMAT:"_s})
            QVERIFY2(message.contains(key), qPrintable(u"missing '%1' in:\n%2"_s.arg(key, message)));
        QCOMPARE(message.count(u'\n'), 6);
        // Secrets are never echoed back.
        QVERIFY(!message.contains(u"pk_live_oops"_s));
        QVERIFY(!message.contains(u"secret-without-prefix"_s));
    }

    void syncConfig_malformedValues_areRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addRow("mysql url") << u"DATABASE_URL"_s << u"mysql://x@y/z"_s;
        QTest::addRow("url without database") << u"DATABASE_URL"_s << u"postgresql://x@127.0.0.1:5432"_s;
        QTest::addRow("ftp public url") << u"RDK_PUBLIC_URL"_s << u"ftp://shop"_s;
        QTest::addRow("port too large") << u"RDK_SYNC_LISTEN"_s << u"127.0.0.1:70000"_s;
        QTest::addRow("oversized value") << u"RDK_TENANT"_s << QString(5000, u'a');
        QTest::addRow("newline in value") << u"RDK_PUBLIC_URL"_s << u"https://a\nb"_s;
        QTest::addRow("api base not http") << u"STRIPE_API_BASE"_s << u"file:///etc/passwd"_s;
        QTest::addRow("event loops negative") << u"RDK_SYNC_EVENT_LOOPS"_s << u"-1"_s;
        QTest::addRow("event loops too many") << u"RDK_SYNC_EVENT_LOOPS"_s << u"65"_s;
        QTest::addRow("event loops not a number") << u"RDK_SYNC_EVENT_LOOPS"_s << u"two"_s;
        QTest::addRow("edge refresh not http") << u"RDK_SYNC_EDGE_REFRESH_URL"_s << u"file:///etc/passwd"_s;
        QTest::addRow("edge refresh with a path") << u"RDK_SYNC_EDGE_REFRESH_URL"_s << u"http://127.0.0.1:8083/refresh"_s;
        QTest::addRow("edge refresh with a query") << u"RDK_SYNC_EDGE_REFRESH_URL"_s << u"http://127.0.0.1:8083?x=1"_s;
        QTest::addRow("edge refresh with a user") << u"RDK_SYNC_EDGE_REFRESH_URL"_s << u"http://u:p@127.0.0.1:8083"_s;
        QTest::addRow("edge views on a public address") << u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s << u"0.0.0.0:8082"_s;
        QTest::addRow("edge views on another host") << u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s << u"203.0.113.5:8082"_s;
        QTest::addRow("edge views without a port") << u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s << u"127.0.0.1"_s;
        QTest::addRow("edge views as a URL") << u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s << u"udp://127.0.0.1:8082"_s;
        QTest::addRow("edge views port too big") << u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s << u"127.0.0.1:70000"_s;
    }

    void syncConfig_edgeRefreshUrl_offByDefault_andTakenAsAnOrigin()
    {
        auto off = SyncConfig::load(ConfigSource(validSync()));
        QVERIFY(off.ok());
        QVERIFY(off->edgeRefreshUrl.isEmpty());
        QHash<QString, QString> values = validSync();
        values.insert(u"RDK_SYNC_EDGE_REFRESH_URL"_s, u"http://127.0.0.1:8083"_s);
        auto on = SyncConfig::load(ConfigSource(values));
        QVERIFY2(on.ok(), on.ok() ? "" : qPrintable(on.error().message));
        QCOMPARE(on->edgeRefreshUrl, QUrl(u"http://127.0.0.1:8083"_s));
    }

    void syncConfig_edgeViews_offByDefault_andOnLoopback()
    {
        auto off = SyncConfig::load(ConfigSource(validSync()));
        QVERIFY(off.ok());
        QVERIFY(off->edgeViewsListen.isEmpty());
        for (const QString &listen : {u"127.0.0.1:8082"_s, u"[::1]:8082"_s}) {
            QHash<QString, QString> values = validSync();
            values.insert(u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s, listen);
            auto on = SyncConfig::load(ConfigSource(values));
            QVERIFY2(on.ok(), on.ok() ? "" : qPrintable(on.error().message));
            QCOMPARE(on->edgeViewsListen, listen);
        }
    }

    void syncConfig_malformedValues_areRefused()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QHash<QString, QString> values = validSync();
        values.insert(key, value);
        auto c = SyncConfig::load(ConfigSource(values));
        QVERIFY(!c.ok());
        QVERIFY2(c.error().message.startsWith(key), qPrintable(c.error().message));
    }

    void syncConfig_mail_offWithoutHost_andOnWithAWorkingSet()
    {
        auto off = SyncConfig::load(ConfigSource(validSync()));
        QVERIFY(off.ok());
        QVERIFY(!off->smtp.enabled());
        QHash<QString, QString> values = validSync();
        values.insert(u"RDK_SMTP_HOST"_s, u"smtp.example.com"_s);
        values.insert(u"RDK_SMTP_FROM"_s, u"orders@example.com"_s);
        values.insert(u"RDK_SMTP_USER"_s, u"mailer"_s);
        values.insert(u"RDK_SMTP_PASSWORD"_s, u"secret"_s);
        auto on = SyncConfig::load(ConfigSource(values));
        QVERIFY2(on.ok(), on.ok() ? "" : qPrintable(on.error().message));
        QVERIFY(on->smtp.enabled());
        QCOMPARE(on->smtp.port, 587);
        QVERIFY(on->smtp.startTls);
        QCOMPARE(on->smtp.from, u"orders@example.com"_s);
    }

    void syncConfig_mail_badSettings_areRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addRow("no sender") << u"RDK_SMTP_FROM"_s << QString();
        QTest::addRow("sender with a name") << u"RDK_SMTP_FROM"_s << u"Shop <orders@example.com>"_s;
        QTest::addRow("unknown TLS mode") << u"RDK_SMTP_TLS"_s << u"ssl"_s;
        QTest::addRow("password in clear to a remote host") << u"RDK_SMTP_TLS"_s << u"none"_s;
        QTest::addRow("user without password") << u"RDK_SMTP_PASSWORD"_s << QString();
        QTest::addRow("port zero") << u"RDK_SMTP_PORT"_s << u"0"_s;
        QTest::addRow("missing CA file") << u"RDK_SMTP_CA_FILE"_s << u"/nonexistent/ca.pem"_s;
        QTest::addRow("host with a space") << u"RDK_SMTP_HOST"_s << u"smtp example.com"_s;
    }

    void syncConfig_mail_badSettings_areRefused()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QHash<QString, QString> values = validSync();
        values.insert(u"RDK_SMTP_HOST"_s, u"smtp.example.com"_s);
        values.insert(u"RDK_SMTP_FROM"_s, u"orders@example.com"_s);
        values.insert(u"RDK_SMTP_USER"_s, u"mailer"_s);
        values.insert(u"RDK_SMTP_PASSWORD"_s, u"secret"_s);
        if (value.isEmpty())
            values.remove(key);
        else
            values.insert(key, value);
        auto c = SyncConfig::load(ConfigSource(values));
        QVERIFY(!c.ok());
        QVERIFY2(c.error().message.contains(key), qPrintable(c.error().message));
        QVERIFY(!c.error().message.contains(u"secret"_s));
    }

    void syncConfig_listenAddress_publicNeedsExplicitFlag_data()
    {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("allowPublic");
        QTest::addColumn<bool>("loads");
        QTest::addRow("loopback v4") << u"127.0.0.1:8081"_s << QString() << true;
        QTest::addRow("other loopback v4") << u"127.0.0.2:8081"_s << QString() << true;
        QTest::addRow("loopback v6") << u"[::1]:8081"_s << QString() << true;
        QTest::addRow("localhost") << u"localhost:8081"_s << QString() << true;
        QTest::addRow("all interfaces refused") << u"0.0.0.0:8080"_s << QString() << false;
        QTest::addRow("all v6 interfaces refused") << u"[::]:8080"_s << QString() << false;
        QTest::addRow("lan address refused") << u"192.168.1.20:8080"_s << QString() << false;
        QTest::addRow("host name refused") << u"shop.example.com:8080"_s << QString() << false;
        QTest::addRow("flag 0 still refuses") << u"0.0.0.0:8080"_s << u"0"_s << false;
        QTest::addRow("explicit flag allows") << u"0.0.0.0:8080"_s << u"1"_s << true;
        QTest::addRow("garbage flag refused") << u"127.0.0.1:8080"_s << u"maybe"_s << false;
    }

    void syncConfig_listenAddress_publicNeedsExplicitFlag()
    {
        QFETCH(QString, listen);
        QFETCH(QString, allowPublic);
        QFETCH(bool, loads);
        QHash<QString, QString> values = validSync();
        values.insert(u"RDK_SYNC_LISTEN"_s, listen);
        if (!allowPublic.isEmpty())
            values.insert(u"RDK_SYNC_ALLOW_PUBLIC_LISTEN"_s, allowPublic);
        auto c = SyncConfig::load(ConfigSource(values));
        QCOMPARE(c.ok(), loads);
        if (!loads)
            QVERIFY2(c.error().message.startsWith(u"RDK_SYNC_"_s), qPrintable(c.error().message));
    }

    void syncConfig_trustedProxies_noneByDefault()
    {
        auto c = SyncConfig::load(ConfigSource(validSync()));
        QVERIFY(c.ok());
        QVERIFY(c->trustedProxies.isEmpty());
        QVERIFY(c->metricsAllow.isEmpty());
        QVERIFY(!c->allowPublicListen);

        QHash<QString, QString> values = validSync();
        values.insert(u"RDK_SYNC_TRUSTED_PROXIES"_s, u"127.0.0.1, ::1"_s);
        values.insert(u"RDK_SYNC_METRICS_ALLOW"_s, u"10.0.0.5"_s);
        c = SyncConfig::load(ConfigSource(values));
        QVERIFY(c.ok());
        QCOMPARE(c->trustedProxies, (QStringList{u"127.0.0.1"_s, u"::1"_s}));
        QCOMPARE(c->metricsAllow, QStringList{u"10.0.0.5"_s});
    }

    void syncConfig_trustedProxies_malformedRefused_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addRow("network range") << u"10.0.0.0/8"_s;
        QTest::addRow("host name") << u"proxy.local"_s;
        QTest::addRow("garbage hop") << u"127.0.0.1,unknown"_s;
    }

    void syncConfig_trustedProxies_malformedRefused()
    {
        QFETCH(QString, value);
        QHash<QString, QString> values = validSync();
        values.insert(u"RDK_SYNC_TRUSTED_PROXIES"_s, value);
        auto c = SyncConfig::load(ConfigSource(values));
        QVERIFY(!c.ok());
        QVERIFY2(c.error().message.startsWith(u"RDK_SYNC_TRUSTED_PROXIES"_s), qPrintable(c.error().message));
    }

    void envFileErrors_failTheLoad()
    {
        auto c = SyncConfig::load(ConfigSource(validSync(), {u".env line 3: expected KEY=VALUE"_s}));
        QVERIFY(!c.ok());
        QVERIFY(c.error().message.contains(u".env line 3"_s));
    }

    void deskConfig_dropsCredentialsAndChecksLockMinutes()
    {
        auto c = DeskConfig::load(ConfigSource({{u"DATABASE_URL"_s, u"postgresql://owner:secret@db.local:5432/rdk"_s}}));
        QVERIFY(c.ok());
        QVERIFY(!c->databaseUrl.contains(u"secret"_s));
        QVERIFY(!c->databaseUrl.contains(u"owner"_s));
        QCOMPARE(c->lockMinutes, 30);
        auto bad = DeskConfig::load(ConfigSource({{u"RDK_LOCK_MINUTES"_s, u"0"_s}}));
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.contains(u"RDK_LOCK_MINUTES"_s));
    }

    void deskConfig_tlsSettings_keptOrRefused()
    {
        // The counter bundle's URL (ADR 0025): sslmode and sslrootcert reach the desk intact.
        auto tls = DeskConfig::load(ConfigSource({{u"RDK_DESK_DATABASE_URL"_s,
                                                   u"postgresql://db.shop.lan:5432/rdk?sslmode=verify-full&sslrootcert=/etc/rdk/db-ca.crt"_s}}));
        QVERIFY(tls.ok());
        const auto server = ServerAddress::fromUrl(tls->databaseUrl);
        QVERIFY(server);
        QCOMPARE(server->host, u"db.shop.lan"_s);
        QCOMPARE(server->sslMode, u"verify-full"_s);
        QCOMPARE(server->sslRootCert, u"/etc/rdk/db-ca.crt"_s);
        QVERIFY(server->verifiesServer());
        // A mistyped mode is a configuration error, not a silent fall-back to the default server.
        auto typo = DeskConfig::load(ConfigSource({{u"RDK_DESK_DATABASE_URL"_s,
                                                    u"postgresql://db.shop.lan:5432/rdk?sslmode=verify_full"_s}}));
        QVERIFY(!typo.ok());
        QVERIFY(typo.error().message.contains(u"RDK_DESK_DATABASE_URL: sslmode must be one of"_s));
        QVERIFY(!ServerAddress::fromUrl(u"postgresql://db.shop.lan:5432/rdk?sslmode=verify_full"_s));
    }

    void deskConfig_pointOfSaleSettings()
    {
        auto defaults = DeskConfig::load(ConfigSource({}));
        QVERIFY(defaults.ok());
        QCOMPARE(defaults->posLinkMinutes, 15);
        QVERIFY(defaults->receiptAddress.isEmpty());
        auto set = DeskConfig::load(ConfigSource({{u"RDK_POS_LINK_MINUTES"_s, u"5"_s},
                                                  {u"RDK_RECEIPT_ADDRESS"_s, u"  12 Canal St, New York  "_s}}));
        QVERIFY(set.ok());
        QCOMPARE(set->posLinkMinutes, 5);
        QCOMPARE(set->receiptAddress, u"12 Canal St, New York"_s);
        // Every problem at once: a zero, a word and an address that would not fit on a receipt.
        for (const QString &minutes : {u"0"_s, u"1441"_s, u"soon"_s, u"-3"_s}) {
            auto bad = DeskConfig::load(ConfigSource({{u"RDK_POS_LINK_MINUTES"_s, minutes},
                                                      {u"RDK_RECEIPT_ADDRESS"_s, QString(500, u'x')}}));
            QVERIFY(!bad.ok());
            QVERIFY2(bad.error().message.contains(u"RDK_POS_LINK_MINUTES"_s), qPrintable(minutes));
            QVERIFY(bad.error().message.contains(u"RDK_RECEIPT_ADDRESS"_s));
        }
    }

    void redactUrl_hidesThePassword()
    {
        QCOMPARE(redactUrl(u"postgresql://u:hunter2@h:5432/d"_s), u"postgresql://u:***@h:5432/d"_s);
        QCOMPARE(redactUrl(u"postgresql://u@h/d"_s), u"postgresql://u@h/d"_s);
    }

    void jsonLogLine_isValidJsonWithContextFields()
    {
        ScopedLogField field(u"request_id"_s, u"abc\"123"_s);
        const QString line = formatJsonLogLine(u"2026-01-01T00:00:00Z"_s, u"info"_s, u"quote \" newline \n tab \t ctl \x01"_s,
                                               u"rdk-sync"_s, u"rdk.sync"_s);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(line));
        const QJsonObject o = doc.object();
        QCOMPARE(o.value(u"msg"_s).toString(), u"quote \" newline \n tab \t ctl \x01"_s);
        QCOMPARE(o.value(u"request_id"_s).toString(), u"abc\"123"_s);
        QCOMPARE(o.value(u"component"_s).toString(), u"rdk-sync"_s);
        QVERIFY(!o.value(u"release"_s).toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"

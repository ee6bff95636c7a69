// `rdk-admin stripe connect` end to end: the real rdk-admin against the Stripe sandbox binary,
// then the real rdk-sync started with the env file it wrote, verifying webhooks signed with the
// stored secret (and, during a roll, with the old one too). Plus the env file editing rules.
#include "app/admin/envfileeditor.h"
#include "sync/stripe/stripeevent.h"
#include "sync/stripe/webhooksignature.h"
#include "tests/support/fakekeys.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kStripeKey[] = "sk_test_connect_e2e_key";

using EnvOverrides = QHash<QString, QString>;

struct Run final {
    int exitCode = -1;
    QString out;
    QString err;
};

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString valueIn(const QByteArray &content, const QString &key)
{
    for (const QByteArray &line : content.split('\n')) {
        if (line.startsWith(key.toUtf8() + '='))
            return QString::fromUtf8(line.mid(key.size() + 1));
    }
    return {};
}

unsigned modeOf(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777u) : 0u;
}

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

} // namespace

class TestStripeConnect final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    test::Login m_service;
    test::ServiceProcess m_sandbox;
    test::ServiceProcess m_sync;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_dir;
    QString m_envFile;
    quint16 m_syncPort = 0;
    QByteArray m_envBefore;

    Run admin(const QStringList &args, const QHash<QString, QString> &extraEnv = {}, const QString &asUser = {})
    {
        QProcess p;
        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
            env.insert(it.key(), it.value());
        p.setProcessEnvironment(env);
        const QString binary = QString::fromUtf8(RDK_ADMIN_BINARY);
        if (asUser.isEmpty())
            p.start(binary, QStringList{u"stripe"_s, u"connect"_s} + args);
        else
            p.start(u"runuser"_s, QStringList{u"-u"_s, asUser, u"--"_s, binary, u"stripe"_s, u"connect"_s} + args);
        Run run;
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            run.err = u"rdk-admin did not finish within 60 s"_s;
            return run;
        }
        run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        run.out = QString::fromUtf8(p.readAllStandardOutput());
        run.err = QString::fromUtf8(p.readAllStandardError());
        return run;
    }

    Run connect(const QStringList &more = {}) { return admin(QStringList{u"--env-file"_s, m_envFile} + more); }

    QJsonArray endpoints()
    {
        const test::HttpReply reply = test::httpRequest(m_nam, "GET", m_sandbox.url(u"/v1/webhook_endpoints?limit=100"_s), {},
                                                        {{"Authorization", "Bearer " + QByteArray(kStripeKey)}});
        return reply.json().value(u"data"_s).toArray();
    }

    bool startSync(QString *error)
    {
        m_sync.stop();
        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"RDK_ENV_FILE"_s, m_envFile);
        env.insert(u"DATABASE_URL"_s, QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)));
        env.insert(u"RDK_TENANT"_s, u"shop-a"_s);
        env.insert(u"RDK_SYNC_LISTEN"_s, u"127.0.0.1:%1"_s.arg(m_syncPort));
        env.insert(u"RDK_LOG_LEVEL"_s, u"warn"_s);
        if (!m_sync.start(QString::fromUtf8(RDK_SYNC_BINARY), env)) {
            *error = u"rdk-sync did not start: "_s + QString::fromUtf8(m_sync.errors());
            return false;
        }
        return true;
    }

    /// A Stripe event rdk-sync acknowledges without acting on it, signed with `secret`.
    int postSigned(const QByteArray &secret)
    {
        static int n = 0;
        const QByteArray body = QByteArrayLiteral("{\n  \"id\": \"evt_connect_") + QByteArray::number(++n)
                                + "_" + QByteArray::number(QDateTime::currentMSecsSinceEpoch())
                                + "\",\n  \"object\": \"event\",\n  \"type\": \"payment_intent.created\",\n"
                                  "  \"data\": {\"object\": {\"id\": \"pi_connect\", \"object\": \"payment_intent\"}}\n}";
        const QByteArray signature = sync::signStripePayload(body, secret, QDateTime::currentSecsSinceEpoch());
        return test::httpRequest(m_nam, "POST", m_sync.url(u"/api/stripe/webhook"_s), body,
                                 {{"Content-Type", "application/json"}, {"Stripe-Signature", signature}})
            .status;
    }

    QByteArray secret(const QString &key = u"STRIPE_WEBHOOK_SECRET"_s) { return valueIn(readFile(m_envFile), key).toUtf8(); }

    /// Makes the sandbox send an event (a session expired) and waits until each of
    /// `endpointIds` got its own copy answered 2xx by rdk-sync.
    bool sandboxDeliversTo(const QStringList &endpointIds, QString *why)
    {
        const QByteArray auth = "Bearer " + QByteArray(kStripeKey);
        const test::HttpReply session = test::httpRequest(
            m_nam, "POST", m_sandbox.url(u"/v1/checkout/sessions"_s),
            "mode=payment&success_url=https%3A%2F%2Fshop.example%2Fok&line_items[0][price_data][currency]=usd"
            "&line_items[0][price_data][unit_amount]=1000&line_items[0][price_data][product_data][name]=Laces"
            "&line_items[0][quantity]=1",
            {{"Authorization", auth},
             {"Content-Type", "application/x-www-form-urlencoded"},
             {"Idempotency-Key", QByteArray::number(QDateTime::currentMSecsSinceEpoch())}});
        const QString id = session.json().value(u"id"_s).toString();
        if (session.status != 200 || id.isEmpty()) {
            *why = u"the sandbox made no session: "_s + QString::fromUtf8(session.body.left(300));
            return false;
        }
        test::httpRequest(m_nam, "POST", m_sandbox.url(u"/_sandbox/checkout/sessions/%1/expire"_s.arg(id)));
        const bool done = QTest::qWaitFor(
            [&] {
                int delivered = 0;
                const QJsonArray events = test::httpRequest(m_nam, "GET", m_sandbox.url(u"/_sandbox/events"_s))
                                              .json()
                                              .value(u"data"_s)
                                              .toArray();
                for (const QJsonValue &e : events) {
                    const QJsonObject o = e.toObject();
                    if (o.value(u"object_id"_s).toString() == id && o.value(u"delivered"_s).toBool()
                        && endpointIds.contains(o.value(u"webhook_endpoint"_s).toString()))
                        ++delivered;
                }
                return delivered == endpointIds.size();
            },
            20000);
        if (!done)
            *why = u"not every endpoint's copy was accepted: "_s
                   + QString::fromUtf8(test::httpRequest(m_nam, "GET", m_sandbox.url(u"/_sandbox/events"_s)).body.left(3000));
        return done;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        RDK_CREATE_TEST_DATABASE(m_db);
        const QString tenant = m_db->createTenant(u"shop-a"_s);
        m_service = m_db->createServiceLogin(tenant);

        QProcessEnvironment sandboxEnv;
        sandboxEnv.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        sandboxEnv.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        sandboxEnv.insert(u"RDK_LOG_LEVEL"_s, u"warn"_s);
        sandboxEnv.insert(u"SANDBOX_LISTEN"_s, u"127.0.0.1:0"_s);
        sandboxEnv.insert(u"SANDBOX_RETRY_BASE_MS"_s, u"100"_s);
        sandboxEnv.insert(u"STRIPE_WEBHOOK_SECRET"_s, u"whsec_sandbox_default_unused"_s);
        QVERIFY2(m_sandbox.start(QString::fromUtf8(RDK_SANDBOX_BINARY), sandboxEnv), m_sandbox.errors().constData());

        m_syncPort = freePort();
        QVERIFY(m_syncPort != 0);
        // The operator's env file, as .env.example has it: a placeholder secret, comments, other keys.
        m_envFile = m_dir.filePath(u"rdk-sync.env"_s);
        m_envBefore = u"# rdk-sync of shop-a\n"
                      "RDK_PUBLIC_URL=http://127.0.0.1:%1\n"
                      "STRIPE_SECRET_KEY=%2\n"
                      "# the sandbox stands in for Stripe\n"
                      "STRIPE_API_BASE=%3\n"
                      "STRIPE_WEBHOOK_SECRET=whsec_replace_me\n"
                      "\n"
                      "RDK_SYNC_METRICS_ALLOW=\n"_s.arg(m_syncPort)
                          .arg(QString::fromLatin1(kStripeKey), m_sandbox.url({}).toString())
                          .toUtf8();
        QFile f(m_envFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_envBefore);
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));  // 0644
    }

    // --- The env file's rules, in-process ----------------------------------------------------

    void applyEnvChanges_keepsEverythingElse_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        const std::optional<QString> none;
        QTest::addRow("replace in place") << QByteArray("# c\nA=1\nSTRIPE_WEBHOOK_SECRET=old\nB=2\n")
                                          << QByteArray("# c\nA=1\nSTRIPE_WEBHOOK_SECRET=whsec_new\nB=2\n");
        QTest::addRow("append when absent") << QByteArray("A=1") << QByteArray("A=1\nSTRIPE_WEBHOOK_SECRET=whsec_new\n");
        QTest::addRow("export form, duplicates dropped")
            << QByteArray("export STRIPE_WEBHOOK_SECRET=a\n#x\nSTRIPE_WEBHOOK_SECRET=b\n")
            << QByteArray("STRIPE_WEBHOOK_SECRET=whsec_new\n#x\n");
        QTest::addRow("empty file") << QByteArray() << QByteArray("STRIPE_WEBHOOK_SECRET=whsec_new\n");
    }
    void applyEnvChanges_keepsEverythingElse()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        const auto out = applyEnvChanges(before, {{u"STRIPE_WEBHOOK_SECRET"_s, u"whsec_new"_s}});
        QVERIFY(out.ok());
        QCOMPARE(*out, after);
    }

    void applyEnvChanges_removeAndRefuseQuotedValues()
    {
        const auto removed = applyEnvChanges("A=1\nSTRIPE_WEBHOOK_SECRET_PREVIOUS=x\n# keep\n",
                                             {{u"STRIPE_WEBHOOK_SECRET_PREVIOUS"_s, std::nullopt}});
        QVERIFY(removed.ok());
        QCOMPARE(*removed, QByteArray("A=1\n# keep\n"));
        QVERIFY(!applyEnvChanges("A=1\n", {{u"A"_s, u"two words"_s}}).ok());
        QVERIFY(!applyEnvChanges("A=1\n", {{u"A"_s, u"line\nbreak"_s}}).ok());
    }

    // --- Bad input: refused with a sentence, nothing made on Stripe, the file untouched -------

    void connect_badInput_refusedAndNothingChanged_data()
    {
        QTest::addColumn<EnvOverrides>("env");
        QTest::addColumn<QString>("sentence");
        QTest::addRow("malformed key") << EnvOverrides{{u"STRIPE_SECRET_KEY"_s, u"sk_test_has space"_s}}
                                       << u"is not a Stripe API key"_s;
        QTest::addRow("publishable key") << EnvOverrides{{u"STRIPE_SECRET_KEY"_s, u"pk_test_abcdefgh12"_s}}
                                         << u"publishable key"_s;
        QTest::addRow("live key, http address")
            << EnvOverrides{{u"STRIPE_SECRET_KEY"_s, test::fakeLiveStripeKey(u"abcdefgh12"_s)},
                                       {u"RDK_PUBLIC_URL"_s, u"http://shop.example.com"_s}}
            << u"A live Stripe key needs an https public address"_s;
        QTest::addRow("public address with a query")
            << EnvOverrides{{u"RDK_PUBLIC_URL"_s, u"https://shop.example.com/?x=1"_s}} << u"without a query"_s;
    }
    void connect_badInput_refusedAndNothingChanged()
    {
        QFETCH(EnvOverrides, env);
        QFETCH(QString, sentence);
        const int endpointsBefore = int(endpoints().size());
        const QByteArray fileBefore = readFile(m_envFile);
        const Run run = admin({u"--env-file"_s, m_envFile}, env);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(sentence), qPrintable(run.err));
        QVERIFY2(!run.err.contains(u"sk_test_has"_s) && !run.err.contains(u"abcdefgh12"_s), "the key was echoed");
        QCOMPARE(int(endpoints().size()), endpointsBefore);
        QCOMPARE(readFile(m_envFile), fileBefore);
    }

    void connect_wrongAccount_refused()
    {
        const Run run = connect({u"--expect-account"_s, u"acct_SomebodyElse1"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"belongs to account acct_"_s) && run.err.contains(u"not acct_SomebodyElse1"_s),
                 qPrintable(run.err));
        QCOMPARE(endpoints().size(), 0);
        QCOMPARE(readFile(m_envFile), m_envBefore);
    }

    void connect_unwritableEnvFile_refusedBeforeStripe()
    {
        // A copy of the env file in a folder the running user can't write: as root, run rdk-admin
        // as nobody (root writes anywhere); otherwise take the folder's write bit away.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(u"locked.env"_s);
        QVERIFY(QFile::copy(m_envFile, path));
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
        const bool root = ::geteuid() == 0;
        const QFile::Permissions readOnlyFolder = QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                                                  | QFile::ReadOther | QFile::ExeOther;
        QVERIFY(QFile::setPermissions(dir.path(), root ? readOnlyFolder | QFile::WriteOwner : readOnlyFolder));
        const Run run = admin({u"--env-file"_s, path}, {}, root ? u"nobody"_s : QString());
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"can't be written"_s) && run.err.contains(u"nothing was changed on Stripe"_s),
                 qPrintable(run.err));
        QCOMPARE(endpoints().size(), 0);
        QCOMPARE(readFile(path), m_envBefore);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);  // no temporary left behind
    }

    void sandbox_unknownEventName_refusedLikeStripe()
    {
        const test::HttpReply reply = test::httpRequest(
            m_nam, "POST", m_sandbox.url(u"/v1/webhook_endpoints"_s),
            "url=https%3A%2F%2Fshop.example.com%2Fapi%2Fstripe%2Fwebhook&enabled_events[0]=charge.refunded"
            "&enabled_events[1]=checkout.session.complete",
            {{"Authorization", "Bearer " + QByteArray(kStripeKey)}, {"Content-Type", "application/x-www-form-urlencoded"},
             {"Idempotency-Key", "connect-unknown-event"}});
        QCOMPARE(reply.status, 400);
        const QJsonObject error = reply.json().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"type"_s).toString(), u"invalid_request_error"_s);
        QCOMPARE(error.value(u"param"_s).toString(), u"enabled_events[1]"_s);
        QVERIFY(error.value(u"message"_s).toString().startsWith(u"Invalid enabled_events[1]: must be one of"_s));
        QCOMPARE(endpoints().size(), 0);
    }

    // --- The honest path: connect, again (no-op), webhooks, roll, finish ------------------------

    void connect_createsOnce_secondRunChangesNothing()
    {
        const Run first = connect();
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QVERIFY2(first.out.contains(u"Created webhook endpoint we_"_s), qPrintable(first.out));
        const QJsonArray made = endpoints();
        QCOMPARE(made.size(), 1);
        const QJsonObject endpoint = made.first().toObject();
        QCOMPARE(endpoint.value(u"url"_s).toString(), u"http://127.0.0.1:%1/api/stripe/webhook"_s.arg(m_syncPort));
        QStringList events;
        for (const QJsonValue &v : endpoint.value(u"enabled_events"_s).toArray())
            events.append(v.toString());
        QCOMPARE(events, sync::handledStripeEventTypes());   // exactly the events rdk-sync handles
        QCOMPARE(endpoint.value(u"api_version"_s).toString(), u"2024-06-20"_s);

        const QByteArray file = readFile(m_envFile);
        const QByteArray stored = secret();
        QVERIFY2(stored.startsWith("whsec_") && stored != "whsec_replace_me", file.constData());
        QVERIFY2(!first.out.contains(QString::fromUtf8(stored)) && !first.err.contains(QString::fromUtf8(stored)),
                 "the secret was printed");
        QCOMPARE(modeOf(m_envFile), 0640u);   // was 0644: others lose read
        // Every other line, comments and blank lines included, is as it was.
        QByteArray expected = m_envBefore;
        expected.replace("STRIPE_WEBHOOK_SECRET=whsec_replace_me", "STRIPE_WEBHOOK_SECRET=" + stored);
        QCOMPARE(file, expected);

        const Run second = connect();
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QVERIFY2(second.out.contains(u"nothing changed"_s), qPrintable(second.out));
        QCOMPARE(readFile(m_envFile), file);
        QCOMPARE(endpoints().size(), 1);
        QCOMPARE(endpoints().first().toObject(), endpoint);
    }

    void sync_acceptsWebhooksSignedWithStoredSecret()
    {
        QString error;
        QVERIFY2(startSync(&error), qPrintable(error));
        QCOMPARE(postSigned(secret()), 200);
        QCOMPARE(postSigned("whsec_not_the_endpoint_secret"), 400);
        // And the sandbox, signing as Stripe would with the endpoint's own secret.
        const QString id = endpoints().first().toObject().value(u"id"_s).toString();
        QVERIFY2(sandboxDeliversTo({id}, &error), qPrintable(error));
    }

    void roll_bothSecretsAcceptedThenOnlyTheNewOne()
    {
        const QByteArray oldSecret = secret();
        const QString oldId = endpoints().first().toObject().value(u"id"_s).toString();
        const Run roll = connect({u"--roll-secret"_s});
        QVERIFY2(roll.exitCode == 0, qPrintable(roll.err));
        const QByteArray newSecret = secret();
        QVERIFY(newSecret.startsWith("whsec_") && newSecret != oldSecret);
        QCOMPARE(secret(u"STRIPE_WEBHOOK_SECRET_PREVIOUS"_s), oldSecret);
        QVERIFY(!roll.out.contains(QString::fromUtf8(newSecret)) && !roll.out.contains(QString::fromUtf8(oldSecret)));
        const QJsonArray both = endpoints();
        QCOMPARE(both.size(), 2);
        const QString newId = both.first().toObject().value(u"id"_s).toString();   // newest first
        QVERIFY(newId != oldId);
        QCOMPARE(modeOf(m_envFile), 0640u);

        // Rolling twice before finishing is refused.
        const Run again = connect({u"--roll-secret"_s});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(u"already in progress"_s), qPrintable(again.err));
        QCOMPARE(endpoints().size(), 2);

        QString error;
        QVERIFY2(startSync(&error), qPrintable(error));
        QCOMPARE(postSigned(oldSecret), 200);
        QCOMPARE(postSigned(newSecret), 200);
        QVERIFY2(sandboxDeliversTo({oldId, newId}, &error), qPrintable(error));

        const Run finish = connect({u"--finish-roll"_s});
        QVERIFY2(finish.exitCode == 0, qPrintable(finish.err));
        QVERIFY2(finish.out.contains(u"Deleted the old webhook endpoint "_s + oldId), qPrintable(finish.out));
        const QJsonArray left = endpoints();
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.first().toObject().value(u"id"_s).toString(), newId);
        QVERIFY(!readFile(m_envFile).contains("STRIPE_WEBHOOK_SECRET_PREVIOUS"));
        QCOMPARE(secret(), newSecret);
        QVERIFY(readFile(m_envFile).startsWith("# rdk-sync of shop-a\n"));

        QVERIFY2(startSync(&error), qPrintable(error));
        QCOMPARE(postSigned(oldSecret), 400);
        QCOMPARE(postSigned(newSecret), 200);

        const Run idle = connect({u"--finish-roll"_s});
        QCOMPARE(idle.exitCode, 0);
        QVERIFY2(idle.out.contains(u"No secret roll is in progress"_s), qPrintable(idle.out));
    }

    void cleanupTestCase()
    {
        m_sync.stop();
        m_sandbox.stop();
    }
};

QTEST_GUILESS_MAIN(TestStripeConnect)
#include "tst_stripe_connect.moc"

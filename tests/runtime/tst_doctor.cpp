// `rdk-admin doctor` (issue 16): every check has a case that passes and one that doesn't. The
// judgements are tested as functions (any clock skew, any disk, any key); then the real binary
// checks a real database, a web server the test runs on loopback and a crash folder.
#include "app/admin/doctorcommands.h"
#include "app/runtime/crashreport.h"
#include "tests/support/fakekeys.h"
#include "tests/support/testdatabase.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using doctor::Verdict;

Q_DECLARE_METATYPE(rdk::doctor::Verdict)

namespace {

struct DoctorRun {
    int exitCode = -1;
    QString out;
};

ConfigSource sourceOf(const QHash<QString, QString> &values)
{
    return ConfigSource(values);
}

} // namespace

class TestDoctor final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QTemporaryDir m_crashDir;

    /// Runs `rdk-admin doctor args` against `databaseUrl`, keeping this event loop turning (the
    /// test's own web server answers from it).
    DoctorRun doctor(const std::string &databaseUrl, const QStringList &args, const QHash<QString, QString> &env = {})
    {
        QProcess process;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        e.insert(u"DATABASE_URL"_s, QString::fromStdString(databaseUrl));
        e.insert(u"RDK_CRASH_DIR"_s, m_crashDir.path());
        for (auto it = env.begin(); it != env.end(); ++it)
            e.insert(it.key(), it.value());
        process.setProcessEnvironment(e);
        process.start(QString::fromUtf8(RDK_ADMIN_BINARY), QStringList{u"doctor"_s} + args);
        if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 30'000))
            process.kill();
        process.waitForFinished(5'000);
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError())};
    }

    /// The line of `check` in the doctor's output (and its fix line), or empty.
    static QString lineOf(const QString &out, const QString &check)
    {
        const QStringList lines = out.split(u'\n');
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (lines[i].mid(9).startsWith(check + u' ')) {
                const bool fix = i + 1 < lines.size() && lines[i + 1].trimmed().startsWith(u"fix: "_s);
                return fix ? lines[i] + u'\n' + lines[i + 1] : lines[i];
            }
        }
        return {};
    }

    std::unique_ptr<test::TestDatabase> freshDatabase()
    {
        QString error;
        auto db = test::TestDatabase::create(&error);
        if (!db)
            qWarning("%s", qPrintable(error));
        return db;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<Verdict>();
        QVERIFY(m_crashDir.isValid());
        RDK_CREATE_TEST_DATABASE(m_db);
    }

    // --- the judgements ---

    void stripeKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("publicUrl");
        QTest::addColumn<QString>("apiBase");
        QTest::addColumn<Verdict>("verdict");
        QTest::addRow("test key, local shop") << u"sk_test_abc123"_s << u"http://127.0.0.1:8080"_s << QString() << Verdict::Ok;
        QTest::addRow("live key, public https shop") << test::fakeLiveStripeKey(u"abc123"_s) << u"https://kickz.example.com"_s << QString() << Verdict::Ok;
        QTest::addRow("restricted live key, public shop") << test::fakeLiveStripeKey(u"abc123"_s, true) << u"https://kickz.example.com"_s
                                                         << u"https://api.stripe.com"_s << Verdict::Ok;
        QTest::addRow("live key, localhost shop") << test::fakeLiveStripeKey(u"abc123"_s) << u"http://localhost:8080"_s << QString() << Verdict::Warning;
        QTest::addRow("test key, public shop") << u"sk_test_abc123"_s << u"https://kickz.example.com"_s << QString() << Verdict::Warning;
        QTest::addRow("live key to the sandbox") << test::fakeLiveStripeKey(u"abc123"_s) << u"https://kickz.example.com"_s
                                                 << u"http://127.0.0.1:12111"_s << Verdict::Problem;
        QTest::addRow("publishable key") << u"pk_live_abc123"_s << u"https://kickz.example.com"_s << QString() << Verdict::Problem;
        QTest::addRow("webhook secret") << u"whsec_abc123"_s << u"https://kickz.example.com"_s << QString() << Verdict::Problem;
        QTest::addRow("missing") << QString() << u"https://kickz.example.com"_s << QString() << Verdict::Problem;
    }

    void stripeKey()
    {
        QFETCH(QString, key);
        QFETCH(QString, publicUrl);
        QFETCH(QString, apiBase);
        QFETCH(Verdict, verdict);
        const auto f = doctor::judgeStripeKey(key, QUrl(publicUrl), QUrl(apiBase));
        QCOMPARE(f.verdict, verdict);
        QCOMPARE(f.fix.isEmpty(), verdict == Verdict::Ok);
        // The key is never printed, not even in part.
        if (key.size() > 8)
            QVERIFY2(!f.what.contains(key.mid(5)) && !f.fix.contains(key.mid(5)), qPrintable(f.what));
    }

    void clockSkew_data()
    {
        QTest::addColumn<qint64>("skewMs");
        QTest::addColumn<qint64>("roundTripMs");
        QTest::addColumn<Verdict>("verdict");
        QTest::addRow("same clock") << qint64(3) << qint64(1) << Verdict::Ok;
        QTest::addRow("2.5 s, but a 2 s round trip") << qint64(2'500) << qint64(2'000) << Verdict::Ok;
        QTest::addRow("server 5 s ahead") << qint64(5'000) << qint64(1) << Verdict::Warning;
        QTest::addRow("server 5 s behind") << qint64(-5'000) << qint64(1) << Verdict::Warning;
        QTest::addRow("server 2 minutes behind") << qint64(-120'000) << qint64(1) << Verdict::Problem;
    }

    void clockSkew()
    {
        QFETCH(qint64, skewMs);
        QFETCH(qint64, roundTripMs);
        QFETCH(Verdict, verdict);
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(1'796'616'000'000, Qt::UTC);
        const auto f = doctor::judgeClockSkew(local.addMSecs(skewMs), local, roundTripMs);
        QCOMPARE(f.verdict, verdict);
        QVERIFY2(f.what.contains(skewMs >= 0 ? u"ahead of"_s : u"behind"_s), qPrintable(f.what));
    }

    void disk_data()
    {
        QTest::addColumn<quint64>("freeMb");
        QTest::addColumn<quint64>("totalMb");
        QTest::addColumn<Verdict>("verdict");
        QTest::addRow("plenty") << quint64(50'000) << quint64(100'000) << Verdict::Ok;
        QTest::addRow("under 10 percent") << quint64(5'000) << quint64(100'000) << Verdict::Warning;
        QTest::addRow("under twice the minimum") << quint64(1'500) << quint64(2'000) << Verdict::Warning;
        QTest::addRow("under the minimum") << quint64(500) << quint64(100'000) << Verdict::Problem;
    }

    void disk()
    {
        QFETCH(quint64, freeMb);
        QFETCH(quint64, totalMb);
        QFETCH(Verdict, verdict);
        constexpr quint64 mb = 1024 * 1024;
        QCOMPARE(doctor::judgeDisk(u"/var/lib/postgresql"_s, freeMb * mb, totalMb * mb, 1024 * mb).verdict, verdict);
    }

    void databaseTls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("ssl");
        QTest::addColumn<QString>("pgSslMode");
        QTest::addColumn<Verdict>("verdict");
        QTest::addRow("loopback, clear") << u"postgresql://o:p@127.0.0.1:5432/rdk"_s << false << QString() << Verdict::Ok;
        QTest::addRow("socket, clear") << u"postgresql:///rdk?host=/run/postgresql"_s << false << QString() << Verdict::Ok;
        QTest::addRow("remote, verified") << u"postgresql://o:p@db.example.com/rdk?sslmode=verify-full"_s << true << QString()
                                          << Verdict::Ok;
        QTest::addRow("remote, verified by PGSSLMODE") << u"postgresql://o:p@db.example.com/rdk"_s << true << u"verify-full"_s
                                                       << Verdict::Ok;
        QTest::addRow("remote, encrypted unverified") << u"postgresql://o:p@db.example.com/rdk?sslmode=require"_s << true
                                                      << QString() << Verdict::Warning;
        QTest::addRow("remote, clear") << u"postgresql://o:p@10.0.0.5/rdk"_s << false << QString() << Verdict::Problem;
    }

    void databaseTls()
    {
        QFETCH(QString, url);
        QFETCH(bool, ssl);
        QFETCH(QString, pgSslMode);
        QFETCH(Verdict, verdict);
        QCOMPARE(doctor::judgeDatabaseTls(url, ssl, ssl ? u"TLSv1.3"_s : QString(), pgSslMode).verdict, verdict);
    }

    void deskTls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<Verdict>("verdict");
        QTest::addRow("not set here") << QString() << Verdict::Ok;
        QTest::addRow("same machine") << u"postgresql://127.0.0.1:5432/rdk"_s << Verdict::Ok;
        QTest::addRow("verify-full") << u"postgresql://db.shop.lan/rdk?sslmode=verify-full&sslrootcert=/etc/rdk/ca.crt"_s << Verdict::Ok;
        QTest::addRow("require") << u"postgresql://db.shop.lan/rdk?sslmode=require"_s << Verdict::Warning;
        QTest::addRow("libpq default") << u"postgresql://db.shop.lan/rdk"_s << Verdict::Problem;
        QTest::addRow("disable") << u"postgresql://192.168.1.10/rdk?sslmode=disable"_s << Verdict::Problem;
    }

    void deskTls()
    {
        QFETCH(QString, url);
        QFETCH(Verdict, verdict);
        QCOMPARE(doctor::judgeDeskTls(url).verdict, verdict);
    }

    void mail_data()
    {
        QTest::addColumn<QStringList>("settings");
        QTest::addColumn<Verdict>("verdict");
        QTest::addColumn<QString>("said");
        QTest::addRow("complete") << QStringList{u"RDK_SMTP_HOST=smtp.example.com"_s, u"RDK_SMTP_USER=shop"_s,
                                                 u"RDK_SMTP_PASSWORD=secret"_s, u"RDK_SMTP_FROM=shop@example.com"_s}
                                  << Verdict::Ok << u"smtp.example.com:587"_s;
        QTest::addRow("off") << QStringList{} << Verdict::Warning << u"off"_s;
        QTest::addRow("no sender address") << QStringList{u"RDK_SMTP_HOST=smtp.example.com"_s} << Verdict::Problem
                                           << u"RDK_SMTP_FROM"_s;
        QTest::addRow("user without password") << QStringList{u"RDK_SMTP_HOST=smtp.example.com"_s, u"RDK_SMTP_USER=shop"_s,
                                                              u"RDK_SMTP_FROM=shop@example.com"_s}
                                               << Verdict::Problem << u"RDK_SMTP_PASSWORD"_s;
        QTest::addRow("password in clear to another host")
            << QStringList{u"RDK_SMTP_HOST=smtp.example.com"_s, u"RDK_SMTP_USER=shop"_s, u"RDK_SMTP_PASSWORD=secret"_s,
                           u"RDK_SMTP_FROM=shop@example.com"_s, u"RDK_SMTP_TLS=none"_s}
            << Verdict::Problem << u"RDK_SMTP_TLS"_s;
    }

    void mail()
    {
        QFETCH(QStringList, settings);
        QFETCH(Verdict, verdict);
        QFETCH(QString, said);
        QHash<QString, QString> values;
        for (const QString &s : settings)
            values.insert(s.section(u'=', 0, 0), s.section(u'=', 1));
        const auto f = doctor::judgeMail(sourceOf(values));
        QCOMPARE(f.verdict, verdict);
        QVERIFY2(f.what.contains(said), qPrintable(f.what));
        QVERIFY2(!f.what.contains(u"secret"_s), qPrintable(f.what));   // the password stays out
    }

    void crashReports()
    {
        QTemporaryDir dir;
        QCOMPARE(doctor::judgeCrashReports(dir.filePath(u"none"_s)).verdict, Verdict::Ok);
        QCOMPARE(doctor::judgeCrashReports(dir.path()).verdict, Verdict::Ok);
        QFile report(dir.filePath(u"rdk-desk-1796616000-42.crash"_s));
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write("crash report of rdk-desk\nsignal: 7 (SIGBUS)\nrelease: v1.2.3\ntime: 2026-12-07T04:00:00Z\npid: 42\n");
        report.close();
        const auto f = doctor::judgeCrashReports(dir.path());
        QCOMPARE(f.verdict, Verdict::Warning);
        QVERIFY2(f.what.contains(u"rdk-desk-1796616000-42.crash"_s) && f.what.contains(u"SIGBUS"_s)
                     && f.what.contains(u"v1.2.3"_s),
                 qPrintable(f.what));
    }

    // Where rdk-sync and rdk-desk write reports, and so where the doctor looks.
    void crashDirectory_followsTheSettings()
    {
        QCOMPARE(crashReportDirectory(sourceOf({{u"RDK_CRASH_DIR"_s, u"/srv/crash/"_s}, {u"STATE_DIRECTORY"_s, u"/var/lib/rdk-sync"_s}})),
                 u"/srv/crash"_s);
        // systemd may list several state directories, separated by colons: the first one.
        QCOMPARE(crashReportDirectory(sourceOf({{u"STATE_DIRECTORY"_s, u"/var/lib/rdk-sync:/var/lib/other"_s}})),
                 u"/var/lib/rdk-sync/crash"_s);
        QVERIFY(crashReportDirectory(sourceOf({})).endsWith(u"/real-deal-kickz/crash"_s));
        QCOMPARE(fatalSignalName(SIGBUS), u"SIGBUS"_s);
        QCOMPARE(fatalSignalName(64), u"signal 64"_s);
    }

    // --- the binary against a real database ---

    void healthyDatabase_databaseChecksPass()
    {
        const DoctorRun run = doctor(m_db->ownerUrl(), {u"--only"_s, u"migrations,privileges,database-tls,clock"_s});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out));
        QVERIFY2(lineOf(run.out, u"migrations"_s).startsWith(u"ok "_s), qPrintable(run.out));
        QVERIFY2(lineOf(run.out, u"privileges"_s).startsWith(u"ok "_s), qPrintable(run.out));
        // The test cluster has no TLS: read from pg_stat_ssl, fine on loopback.
        QVERIFY2(lineOf(run.out, u"database-tls"_s).startsWith(u"ok       database-tls   local connection"_s), qPrintable(run.out));
        // One machine, one clock.
        QVERIFY2(lineOf(run.out, u"clock"_s).startsWith(u"ok "_s), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"4 check(s): 4 ok, 0 warning(s), 0 problem(s)"_s), qPrintable(run.out));
    }

    void databaseOneMigrationBehind_isAProblemWithTheFix()
    {
        auto db = freshDatabase();
        QVERIFY(db);
        db->execOwner("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)");
        const DoctorRun run = doctor(db->ownerUrl(), {u"--only"_s, u"migrations"_s});
        QCOMPARE(run.exitCode, 1);
        const QString line = lineOf(run.out, u"migrations"_s);
        QVERIFY2(line.startsWith(u"problem "_s) && line.contains(u"1 migration(s) pending"_s)
                     && line.contains(u"rdk-admin migrate up"_s),
                 qPrintable(run.out));
    }

    void grantMadeByHand_isAProblemNamingIt()
    {
        auto db = freshDatabase();
        QVERIFY(db);
        db->execOwner("GRANT TRUNCATE ON public.page_views TO rdk_staff");
        const DoctorRun run = doctor(db->ownerUrl(), {u"--only"_s, u"privileges"_s});
        QCOMPARE(run.exitCode, 1);
        const QString line = lineOf(run.out, u"privileges"_s);
        QVERIFY2(line.startsWith(u"problem "_s), qPrintable(run.out));
        QVERIFY2(run.out.contains(u"in the database: | `public.page_views` |"_s), qPrintable(run.out));
    }

    void unreachableDatabase_isAProblem()
    {
        const DoctorRun run = doctor("postgresql://nobody:nothing@127.0.0.1:1/rdk", {u"--only"_s, u"clock"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(lineOf(run.out, u"database"_s).startsWith(u"problem "_s), qPrintable(run.out));
    }

    void webhook_answeringShop_ok_deadShop_problem()
    {
        QTcpServer shop;
        QVERIFY(shop.listen(QHostAddress::LocalHost, 0));
        QByteArray asked;
        connect(&shop, &QTcpServer::newConnection, &shop, [&] {
            QTcpSocket *socket = shop.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [&asked, socket] {
                asked += socket->readAll();
                if (!asked.contains("\r\n\r\n"))
                    return;
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
                socket->disconnectFromHost();
            });
        });
        const QString url = u"http://127.0.0.1:%1/"_s.arg(shop.serverPort());
        DoctorRun run = doctor(m_db->ownerUrl(), {u"--only"_s, u"webhook"_s, u"--public-url"_s, url});
        QVERIFY2(run.exitCode == 0 && lineOf(run.out, u"webhook"_s).startsWith(u"ok "_s), qPrintable(run.out));
        QVERIFY2(asked.startsWith("GET /healthz HTTP/1.1\r\n"), asked.constData());

        // Nobody listens on the port any more: refused at once.
        const quint16 port = shop.serverPort();
        shop.close();
        run = doctor(m_db->ownerUrl(), {u"--only"_s, u"webhook"_s, u"--timeout"_s, u"2"_s},
                     {{u"RDK_PUBLIC_URL"_s, u"http://127.0.0.1:%1"_s.arg(port)}});
        QCOMPARE(run.exitCode, 1);
        const QString line = lineOf(run.out, u"webhook"_s);
        QVERIFY2(line.startsWith(u"problem "_s) && line.contains(u"/api/stripe/webhook"_s), qPrintable(run.out));
    }

    void disk_enoughSpace_ok_tooLittle_problem()
    {
        QTemporaryDir data;
        DoctorRun run = doctor(m_db->ownerUrl(), {u"--only"_s, u"disk"_s, u"--data-dir"_s, data.path(), u"--min-free-mb"_s, u"1"_s});
        QCOMPARE(run.exitCode, 0);   // a full CI disk may warn (under 10 %), never fail at 1 MiB
        QVERIFY2(lineOf(run.out, u"disk"_s).contains(data.path()), qPrintable(run.out));
        run = doctor(m_db->ownerUrl(), {u"--only"_s, u"disk"_s, u"--data-dir"_s, data.path(), u"--min-free-mb"_s, u"1000000000"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(lineOf(run.out, u"disk"_s).startsWith(u"problem "_s), qPrintable(run.out));
    }

    void settingsFromTheEnvironment_areJudged()
    {
        const DoctorRun run = doctor(m_db->ownerUrl(), {u"--only"_s, u"stripe-key,mail,desk-tls,crash-reports"_s},
                                     {{u"STRIPE_SECRET_KEY"_s, test::fakeLiveStripeKey(u"doctor_test"_s)},
                                      {u"RDK_PUBLIC_URL"_s, u"http://localhost:8080"_s},
                                      {u"RDK_DESK_DATABASE_URL"_s, u"postgresql://db.shop.lan/rdk"_s}});
        QCOMPARE(run.exitCode, 1);   // the desk's clear connection
        QVERIFY2(lineOf(run.out, u"stripe-key"_s).startsWith(u"warning  stripe-key     a live secret key with the local shop"_s),
                 qPrintable(run.out));
        QVERIFY2(lineOf(run.out, u"mail"_s).startsWith(u"warning "_s), qPrintable(run.out));
        QVERIFY2(lineOf(run.out, u"desk-tls"_s).startsWith(u"problem "_s), qPrintable(run.out));
        QVERIFY2(lineOf(run.out, u"crash-reports"_s).startsWith(u"ok "_s), qPrintable(run.out));
        QVERIFY2(!run.out.contains(u"doctor_test"_s), qPrintable(run.out));
    }

    void usageErrors_exit64()
    {
        QCOMPARE(doctor(m_db->ownerUrl(), {u"--only"_s, u"everything"_s}).exitCode, 64);
        QCOMPARE(doctor(m_db->ownerUrl(), {u"--timeout"_s, u"0"_s}).exitCode, 64);
        QCOMPARE(doctor(m_db->ownerUrl(), {u"--public-url"_s, u"ftp://x"_s}).exitCode, 64);
    }
};

QTEST_GUILESS_MAIN(TestDoctor)
#include "tst_doctor.moc"

// Crash reports (issue 16): a running rdk-sync that gets a fatal signal leaves a report with the
// signal, its release, a stack trace and its last log lines in RDK_CRASH_DIR, and still dies of
// that signal; `rdk-admin doctor` then finds the report. Sanitizer builds keep the sanitizer's
// own handler (its report is the better one there), which the test checks instead.
#include "app/runtime/crashreport.h"
#include "app/runtime/version.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestCrashReport final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    test::Login m_service;
    QNetworkAccessManager m_nam;

    QStringList reportsIn(const QString &dir) const
    {
        return QDir(dir).entryList({u"*.crash"_s}, QDir::Files, QDir::Name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        const QString tenant = m_db->createTenant(u"crash-shop"_s);
        m_service = m_db->createServiceLogin(tenant);
    }

    void fatalSignal_leavesReportWithStackAndLogLines_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addRow("SIGSEGV") << int(SIGSEGV);
        QTest::addRow("SIGABRT") << int(SIGABRT);
    }

    void fatalSignal_leavesReportWithStackAndLogLines()
    {
        QFETCH(int, signal);
        QTemporaryDir crashes;
        QVERIFY(crashes.isValid());
        const QString crashDir = crashes.filePath(u"crash"_s);   // made by rdk-sync itself

        test::ServiceProcess sandbox;
        test::ServiceProcess sync;
        test::SyncStackOptions options{QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)),
                                       u"crash-shop"_s, u"whsec_crash_report_test"_s, u"sk_test_crash_report"_s};
        options.syncEnvironment.insert(u"RDK_CRASH_DIR"_s, crashDir);
        options.syncEnvironment.insert(u"RDK_LOG_LEVEL"_s, u"info"_s);
        QString error;
        QVERIFY2(test::startSyncStack(sandbox, sync, m_nam, options, &error), qPrintable(error));
        // A request, so the last log lines hold something this run did.
        QCOMPARE(test::httpRequest(m_nam, "GET", sync.url(u"/healthz"_s)).status, 200);

        const qint64 pid = sync.pid();
        QVERIFY(pid > 0);
        QCOMPARE(::kill(pid_t(pid), signal), 0);
        QTRY_VERIFY_WITH_TIMEOUT(sync.pid() == 0, 15'000);
        const QString log = QString::fromUtf8(sync.errors());

        if (builtWithSanitizers()) {
            // ASan's own handler answered; rdk-sync said at start why it wrote no report.
            QVERIFY2(log.contains(u"crash reports are off in a sanitizer build"_s), qPrintable(log.right(2000)));
            QVERIFY(reportsIn(crashDir).isEmpty());
            return;
        }

        // It died of the signal, as without the handler.
        QCOMPARE(sync.exitStatus(), QProcess::CrashExit);
        QCOMPARE(sync.exitCode(), signal);
        const QStringList reports = reportsIn(crashDir);
        QCOMPARE(reports.size(), 1);
        QVERIFY2(reports.first().startsWith(u"rdk-sync-"_s) && reports.first().endsWith(u"-%1.crash"_s.arg(pid)),
                 qPrintable(reports.first()));
        QFile file(QDir(crashDir).filePath(reports.first()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        const QString report = QString::fromUtf8(file.readAll());
        QVERIFY2(log.contains(u"crash report written to "_s + file.fileName()), qPrintable(log.right(2000)));

        const auto section = [&](const QString &from, const QString &to) {
            const qsizetype begin = report.indexOf(from);
            const qsizetype end = report.indexOf(to, begin + 1);
            return begin < 0 || end < 0 ? QString() : report.mid(begin + from.size(), end - begin - from.size());
        };
        QVERIFY2(report.startsWith(u"crash report of rdk-sync\n"_s), qPrintable(report.left(400)));
        QVERIFY2(report.contains(u"\nsignal: %1 (%2)\n"_s.arg(signal).arg(fatalSignalName(signal))), qPrintable(report.left(400)));
        QVERIFY2(report.contains(u"\nrelease: "_s + QString::fromLatin1(releaseString()) + u'\n'), qPrintable(report.left(400)));
        QVERIFY2(report.contains(u"\npid: %1\n"_s.arg(pid)), qPrintable(report.left(400)));
        QVERIFY(QRegularExpression(u"\ntime: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n"_s).match(report).hasMatch());
        // A stack: frames of rdk-sync itself, beginning with the handler that wrote the report.
        const QStringList frames = section(u"\nstack:\n"_s, u"\n\nlast log lines:\n"_s).split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(frames.size() >= 3, qPrintable(report.left(2000)));
        QVERIFY2(std::any_of(frames.begin(), frames.end(), [](const QString &f) { return f.contains(u"rdk-sync"_s); }),
                 qPrintable(frames.join(u'\n')));
        // The last log lines: the start of this run and the request just made.
        const QString lines = section(u"\nlast log lines:\n"_s, u"end of report\n"_s);
        QVERIFY2(lines.contains(u"crash reports go to"_s), qPrintable(lines));
        QVERIFY2(lines.contains(u"/healthz"_s), qPrintable(lines));
        QVERIFY(report.endsWith(u"end of report\n"_s));

        // The doctor finds it, names the signal and says what to do.
        QProcess doctor;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        env.insert(u"DATABASE_URL"_s, QString::fromStdString(m_db->ownerUrl()));
        env.insert(u"RDK_CRASH_DIR"_s, crashDir);
        doctor.setProcessEnvironment(env);
        doctor.start(QString::fromUtf8(RDK_ADMIN_BINARY), {u"doctor"_s, u"--only"_s, u"crash-reports"_s});
        QVERIFY(doctor.waitForFinished(30'000));
        const QString said = QString::fromUtf8(doctor.readAllStandardOutput());
        QVERIFY2(said.contains(u"warning  crash-reports"_s) && said.contains(reports.first())
                     && said.contains(fatalSignalName(signal)),
                 qPrintable(said + QString::fromUtf8(doctor.readAllStandardError())));
    }
};

QTEST_GUILESS_MAIN(TestCrashReport)
#include "tst_crash_report.moc"

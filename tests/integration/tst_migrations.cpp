// The migration runner against a real PostgreSQL: from empty, re-run, drift, concurrency.
#include "data/migrationrunner.h"
#include "tests/support/testdatabase.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class TestMigrations final : public QObject {
    Q_OBJECT

private:
    QList<Migration> compiledIn()
    {
        auto m = loadMigrations();
        if (!m)
            qFatal("%s", qPrintable(m.error().message));
        return m.value();
    }

    QList<MigrationModule> modules()
    {
        auto m = loadModules();
        if (!m)
            qFatal("%s", qPrintable(m.error().message));
        return m.value();
    }

    int appliedCount(const std::string &url)
    {
        pqxx::connection c(url);
        pqxx::read_transaction tx(c);
        return tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int>();
    }

private Q_SLOTS:
    void loadMigrations_findsNumberedFilesInOrder()
    {
        const auto migrations = compiledIn();
        QVERIFY(migrations.size() >= 3);
        for (qsizetype i = 1; i < migrations.size(); ++i)
            QVERIFY(migrations[i - 1].version < migrations[i].version);
        QCOMPARE(migrations.first().version, 1);
        QCOMPARE(migrations.first().checksum.size(), 64);
    }

    void loadMigrations_rejectsBadFolders_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("expected");
        QTest::addRow("duplicate number") << QStringList{u"0001_a.sql"_s, u"0001_b.sql"_s} << u"share the number"_s;
        QTest::addRow("bad name") << QStringList{u"0001_Bad Name.sql"_s} << u"is not named"_s;
        QTest::addRow("missing number") << QStringList{u"create_things.sql"_s} << u"is not named"_s;
    }

    void loadMigrations_rejectsBadFolders()
    {
        QFETCH(QStringList, files);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        for (const QString &f : files) {
            QFile file(dir.filePath(f));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("SELECT 1;");
        }
        const auto result = loadMigrations(dir.path());
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(expected), qPrintable(result.error().message));
    }

    void up_fromEmpty_appliesEverythingThenIsANoOp()
    {
        std::unique_ptr<test::TestDatabase> db;
        QString error;
        db = test::TestDatabase::create(&error, false);
        QVERIFY2(db, qPrintable(error));
        const MigrationRunner runner(db->ownerUrl(), compiledIn(), modules());

        auto before = runner.status();
        QVERIFY(before.ok());
        QCOMPARE(before->pending.size(), compiledIn().size());
        QCOMPARE(before->modules.size(), modules().size());

        auto first = runner.up();
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QCOMPARE(first->changes.size(), compiledIn().size());
        QCOMPARE(first->modules.size(), modules().size());

        auto second = runner.up();
        QVERIFY(second.ok());
        QCOMPARE(second->changes.size(), 0);
        QCOMPARE(second->modules.size(), 0);
        QVERIFY(runner.verify().ok());
        QVERIFY(runner.status()->current());
        QCOMPARE(appliedCount(db->ownerUrl()), compiledIn().size());
    }

    void verify_editedAppliedMigration_failsLoudly()
    {
        std::unique_ptr<test::TestDatabase> db;
        RDK_CREATE_TEST_DATABASE(db);
        QList<Migration> edited = compiledIn();
        edited[1].sql.append("\n-- a quiet edit\n");
        edited[1].checksum = u"0000000000000000000000000000000000000000000000000000000000000000"_s;
        const MigrationRunner runner(db->ownerUrl(), edited, modules());

        const Status verified = runner.verify();
        QVERIFY(!verified.ok());
        QVERIFY2(verified.error().message.contains(edited[1].fileName), qPrintable(verified.error().message));
        QVERIFY(verified.error().message.contains(u"edited after it was applied"_s));

        auto up = runner.up();
        QVERIFY(!up.ok());
        QCOMPARE(up.error().code, ErrorCode::Conflict);
    }

    void status_appliedMigrationMissingFromBuild_isAProblem()
    {
        std::unique_ptr<test::TestDatabase> db;
        RDK_CREATE_TEST_DATABASE(db);
        QList<Migration> fewer = compiledIn();
        const Migration last = fewer.takeLast();
        auto status = MigrationRunner(db->ownerUrl(), fewer, modules()).status();
        QVERIFY(status.ok());
        QCOMPARE(status->problems.size(), 1);
        QVERIFY(status->problems.first().contains(last.name));
    }

    void up_failingMigration_rollsBackAndRecordsNothing()
    {
        std::unique_ptr<test::TestDatabase> db;
        RDK_CREATE_TEST_DATABASE(db);
        QList<Migration> withBroken = compiledIn();
        Migration broken;
        broken.version = 9000;
        broken.name = u"broken"_s;
        broken.fileName = u"9000_broken.sql"_s;
        broken.sql = "CREATE TABLE half_done (id int); SELECT no_such_function();";
        broken.checksum = u"ab"_s.repeated(32);
        withBroken.append(broken);

        auto up = MigrationRunner(db->ownerUrl(), withBroken, modules()).up();
        QVERIFY(!up.ok());
        QVERIFY(up.error().message.contains(u"9000_broken.sql"_s));
        pqxx::connection c(db->ownerUrl());
        pqxx::read_transaction tx(c);
        QCOMPARE(tx.exec1("SELECT to_regclass('half_done') IS NULL")[0].as<bool>(), true);
        QCOMPARE(tx.exec1("SELECT count(*) FROM schema_migrations WHERE version = 9000")[0].as<int>(), 0);
    }

    void up_twoRunnersAtOnce_areSerialized()
    {
        std::unique_ptr<test::TestDatabase> db;
        QString error;
        db = test::TestDatabase::create(&error, false);
        QVERIFY2(db, qPrintable(error));
        const auto migrations = compiledIn();
        const auto mods = modules();
        const std::string url = db->ownerUrl();
        auto runOnce = [url, migrations, mods] { return MigrationRunner(url, migrations, mods).up(); };
        QFuture<Result<MigrationRun>> a = QtConcurrent::run(runOnce);
        QFuture<Result<MigrationRun>> b = QtConcurrent::run(runOnce);
        const auto ra = a.result();
        const auto rb = b.result();
        QVERIFY2(ra.ok(), ra.ok() ? "" : qPrintable(ra.error().message));
        QVERIFY2(rb.ok(), rb.ok() ? "" : qPrintable(rb.error().message));
        // One runner did the work, the other found nothing left to do.
        QCOMPARE(ra->changes.size() + rb->changes.size(), migrations.size());
        QCOMPARE(ra->modules.size() + rb->modules.size(), mods.size());
        QCOMPARE(appliedCount(url), migrations.size());
        pqxx::connection c(url);
        pqxx::read_transaction tx(c);
        QCOMPARE(tx.exec1("SELECT count(*) FROM schema_modules")[0].as<qsizetype>(), mods.size());
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"

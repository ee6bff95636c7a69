// Re-runnable modules (ADR 0011) against a real PostgreSQL: applied once, again only when the
// file or the live definition changed, in LOADORDER; failures roll back; verify sees drift; and
// the compiled-in modules rebuild exactly what the numbered files alone leave behind.
#include "data/migrationrunner.h"
#include "tests/support/testdatabase.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QSet>
#include <QTest>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

namespace {

QList<Migration> numbered()
{
    auto m = loadMigrations();
    if (!m)
        qFatal("%s", qPrintable(m.error().message));
    return m.value();
}

QList<MigrationModule> compiledModules()
{
    auto m = loadModules();
    if (!m)
        qFatal("%s", qPrintable(m.error().message));
    return m.value();
}

// The module files as they were when the functions moved out of the numbered migrations
// (2026-12-06). From then on a function changes by editing its module, so the proofs that
// modules reproduce what the numbered files built can only hold for modules still at these
// checksums: the others' functions (and, once any module changed, the triggers) are left out
// of the comparison instead of freezing every module forever.
const QHash<QString, QString> kModulesAtConversion = {
    {u"session.sql"_s, u"898e901ad18305edccd820a7e297b97d93cd92061e4fce3fa22763dbc98d568b"_s},
    {u"totp.sql"_s, u"c0bbdcab5be2fa4ef6d6e2ceb61d5d7fd49a0881b8010b4461b9798bc56f7998"_s},
    {u"staff.sql"_s, u"9ba9c86fbea4e1b1109d729ec1588c13bfdd56108b0570e54c583b9ee59e13a7"_s},
    {u"audit.sql"_s, u"7ecd7ad452832d43fa4d6fe779ac0dd6f12f531cc3ed022a2d1448b7c35a4919"_s},
    {u"notify.sql"_s, u"b528b55f73baa541578b3cf0fb70079fd3033360f2ec8d28c78d09ac75e923eb"_s},
    {u"dashboard.sql"_s, u"410e67cc241124bd7e74c75213c2f31b16448972ff6c8dfab81cb1d6f30f429a"_s},
    {u"catalog.sql"_s, u"5b0960b4a48bb23841cec88d3689c7dbd0a16f9d7f02bfba7343dc46481adad9"_s},
    {u"orders.sql"_s, u"e907f4baf25fd4c86b15db6a979704a0ae28926ce31cf3bbbd568dfba6c16727"_s},
    {u"stripe_requests.sql"_s, u"c7f4a20d2bf6cb7861a43c0783876dad1424b71e87f53895dc712ea5581fa260"_s},
    {u"money_path.sql"_s, u"0c958b216f8ffbadc50f6c6e076b6694431d4697b2572e54c59b515aba74e566"_s},
};

/// `code` (from schemaCode) without what modules changed since the conversion may define.
QMap<QString, QString> comparableWithTheConversion(QMap<QString, QString> code)
{
    QSet<QString> edited;
    bool anyEdited = false;
    for (const MigrationModule &m : compiledModules()) {
        if (kModulesAtConversion.value(m.fileName) == m.checksum)
            continue;
        anyEdited = true;
        for (const QString &f : m.functions)
            edited.insert(f);
    }
    for (auto it = code.begin(); it != code.end();) {
        const QString &key = it.key();
        const bool trigger = key.startsWith(u"trigger "_s);
        const QString function = key.startsWith(u"function "_s) ? key.mid(9).section(u'(', 0, 0) : QString();
        if ((trigger && anyEdited) || edited.contains(function))
            it = code.erase(it);
        else
            ++it;
    }
    return code;
}

/// A throwaway modules folder: write files and a LOADORDER, then load it.
class ModuleFolder final {
public:
    void write(const QString &name, const QByteArray &sql)
    {
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(sql);
    }
    void order(const QStringList &names) { write(u"LOADORDER"_s, names.join(u'\n').toUtf8() + "\n"); }
    QList<MigrationModule> load() const
    {
        auto m = loadModules(m_dir.path());
        if (!m)
            qFatal("%s", qPrintable(m.error().message));
        return m.value();
    }
    QString path() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
};

QString scalar(const std::string &url, const std::string &sql)
{
    pqxx::connection c(url);
    pqxx::read_transaction tx(c);
    const pqxx::row row = tx.exec1(sql);
    return row[0].is_null() ? QString() : QString::fromStdString(row[0].as<std::string>());
}

// Every function of schema rdk with what a caller can observe of it: its whole definition
// (body, SECURITY DEFINER, pinned search_path, volatility), its comment and who may execute it;
// and every user trigger with its definition and enabled state. Read with search_path pinned
// so both databases print types the same way.
QMap<QString, QString> schemaCode(const std::string &url)
{
    QMap<QString, QString> code;
    pqxx::connection c(url);
    pqxx::work tx(c);
    tx.exec("SELECT pg_catalog.set_config('search_path', 'pg_catalog', true)");
    const pqxx::result functions = tx.exec(R"sql(
SELECT p.oid::regprocedure::text,
       regexp_replace(pg_get_functiondef(p.oid), '\s+$', ''),
       coalesce(obj_description(p.oid, 'pg_proc'), '<no comment>'),
       (SELECT string_agg(r || '=' || has_function_privilege(r, p.oid, 'EXECUTE'), ' ' ORDER BY r)
          FROM unnest(ARRAY['public', 'rdk_staff', 'rdk_ops', 'rdk_admin', 'rdk_sync']) AS r)
  FROM pg_proc p
 WHERE p.pronamespace = 'rdk'::regnamespace)sql");
    for (const auto &row : functions) {
        code.insert(u"function "_s + QString::fromStdString(row[0].as<std::string>()),
                    QString::fromStdString(row[1].as<std::string>()) + u"\n-- comment: "_s
                        + QString::fromStdString(row[2].as<std::string>()) + u"\n-- execute: "_s
                        + QString::fromStdString(row[3].as<std::string>()));
    }
    const pqxx::result triggers = tx.exec(
        "SELECT t.tgrelid::regclass::text || '.' || t.tgname, pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text "
        "FROM pg_trigger t WHERE NOT t.tgisinternal");
    for (const auto &row : triggers)
        code.insert(u"trigger "_s + QString::fromStdString(row[0].as<std::string>()), QString::fromStdString(row[1].as<std::string>()));
    return code;
}

// From 0014 on, functions, procedures and triggers are written in modules only (ADR 0011); a
// numbered change may create a helper in pg_temp for its own use.
constexpr int kFirstChangeWithModules = 14;

bool definesCode(const QByteArray &sql)
{
    static const QRegularExpression code(
        u"CREATE\\s+(OR\\s+REPLACE\\s+)?(FUNCTION|PROCEDURE|TRIGGER)\\s+(?!pg_temp\\.)"_s,
        QRegularExpression::CaseInsensitiveOption);
    return code.match(QString::fromUtf8(sql)).hasMatch();
}

std::unique_ptr<test::TestDatabase> emptyDatabase()
{
    QString error;
    auto db = test::TestDatabase::create(&error, false);
    if (!db)
        qWarning("%s", qPrintable(error));
    return db;
}

} // namespace

class TestMigrationModules final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loadModules_compiledIn_followLoadOrderAndNameTheirFunctions()
    {
        const auto modules = compiledModules();
        QVERIFY(modules.size() >= 5);
        QCOMPARE(modules.first().fileName, u"session.sql"_s);
        for (const auto &m : modules) {
            QCOMPARE(m.checksum.size(), 64);
            QVERIFY2(!m.functions.isEmpty(), qPrintable(m.fileName));
        }
        const auto totp = std::find_if(modules.cbegin(), modules.cend(), [](const auto &m) { return m.fileName == u"totp.sql"_s; });
        QVERIFY(totp != modules.cend());
        QVERIFY(totp->functions.contains(u"rdk.totp_confirm"_s));
    }

    void loadModules_rejectsBadFolders_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QStringList>("order");
        QTest::addColumn<QString>("expected");
        QTest::addRow("file not listed") << QStringList{u"a.sql"_s, u"b.sql"_s} << QStringList{u"a.sql"_s} << u"not listed"_s;
        QTest::addRow("listed file missing") << QStringList{u"a.sql"_s} << QStringList{u"a.sql"_s, u"b.sql"_s} << u"can't be read"_s;
        QTest::addRow("listed twice") << QStringList{u"a.sql"_s} << QStringList{u"a.sql"_s, u"a.sql"_s} << u"twice"_s;
        QTest::addRow("bad name") << QStringList{} << QStringList{u"Bad Name.sql"_s} << u"not named"_s;
        QTest::addRow("no LOADORDER") << QStringList{u"a.sql"_s} << QStringList{} << u"LOADORDER"_s;
    }

    void loadModules_rejectsBadFolders()
    {
        QFETCH(QStringList, files);
        QFETCH(QStringList, order);
        QFETCH(QString, expected);
        ModuleFolder folder;
        for (const QString &f : files)
            folder.write(f, "SELECT 1;");
        if (!order.isEmpty())
            folder.order(order);
        const auto result = loadModules(folder.path());
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(expected), qPrintable(result.error().message));
    }

    void definesCode_spotsFunctionsCopiedIntoAChange_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<bool>("flagged");
        QTest::addRow("function") << QByteArray("CREATE OR REPLACE FUNCTION rdk.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;") << true;
        QTest::addRow("new function") << QByteArray("create function rdk.f() returns int") << true;
        QTest::addRow("trigger") << QByteArray("CREATE TRIGGER t AFTER INSERT ON public.x FOR EACH ROW EXECUTE FUNCTION rdk.f();") << true;
        QTest::addRow("temporary helper") << QByteArray("CREATE FUNCTION pg_temp.backfill() RETURNS void") << false;
        QTest::addRow("schema change") << QByteArray("ALTER TABLE public.orders ADD COLUMN note text;") << false;
    }

    void definesCode_spotsFunctionsCopiedIntoAChange()
    {
        QFETCH(QByteArray, sql);
        QFETCH(bool, flagged);
        QCOMPARE(definesCode(sql), flagged);
    }

    void numberedChanges_fromModulesOn_defineNoFunctionsOrTriggers()
    {
        for (const Migration &m : numbered()) {
            if (m.version >= kFirstChangeWithModules)
                QVERIFY2(!definesCode(m.sql), qPrintable(m.fileName + u" creates a function or trigger: write it in its "
                                                                      "module under migrations/modules instead (ADR 0011)"_s));
        }
    }

    void up_module_appliedOnceThenOnlyWhenItsFileChanges()
    {
        std::unique_ptr<test::TestDatabase> db;
        RDK_CREATE_TEST_DATABASE(db);
        ModuleFolder folder;
        folder.write(u"a.sql"_s, "CREATE OR REPLACE FUNCTION rdk.tst_a() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n");
        folder.write(u"b.sql"_s, "CREATE OR REPLACE FUNCTION rdk.tst_b() RETURNS int LANGUAGE sql AS $$ SELECT 10 $$;\n");
        folder.order({u"a.sql"_s, u"b.sql"_s});

        auto first = MigrationRunner(db->ownerUrl(), numbered(), folder.load()).up();
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QCOMPARE(first->modules.size(), 2);
        QCOMPARE(first->modules[0].fileName, u"a.sql"_s);
        QCOMPARE(first->modules[1].fileName, u"b.sql"_s);
        const QString appliedAt = scalar(db->ownerUrl(), "SELECT applied_at::text FROM schema_modules WHERE name = 'a.sql'");

        auto unchanged = MigrationRunner(db->ownerUrl(), numbered(), folder.load()).up();
        QVERIFY(unchanged.ok());
        QCOMPARE(unchanged->modules.size(), 0);

        folder.write(u"b.sql"_s, "CREATE OR REPLACE FUNCTION rdk.tst_b() RETURNS int LANGUAGE sql AS $$ SELECT 20 $$;\n");
        const MigrationRunner edited(db->ownerUrl(), numbered(), folder.load());
        QCOMPARE(edited.status()->modules[1].state, ModuleStatus::State::Changed);
        auto again = edited.up();
        QVERIFY(again.ok());
        QCOMPARE(again->modules.size(), 1);
        QCOMPARE(again->modules[0].fileName, u"b.sql"_s);
        QCOMPARE(scalar(db->ownerUrl(), "SELECT rdk.tst_b()::text"), u"20"_s);
        QCOMPARE(scalar(db->ownerUrl(), "SELECT applied_at::text FROM schema_modules WHERE name = 'a.sql'"), appliedAt);
        QVERIFY(edited.status()->current());
        QVERIFY(edited.verify().ok());
    }

    void up_modules_runInLoadOrder()
    {
        // b.sql uses a.sql's function while it is applied, so it only works after a.sql.
        const QByteArray a = "CREATE OR REPLACE FUNCTION rdk.tst_a() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n";
        const QByteArray b = "CREATE TABLE IF NOT EXISTS public.tst_seen (v int);\nINSERT INTO public.tst_seen SELECT rdk.tst_a();\n";
        {
            std::unique_ptr<test::TestDatabase> db;
            RDK_CREATE_TEST_DATABASE(db);
            ModuleFolder folder;
            folder.write(u"a.sql"_s, a);
            folder.write(u"b.sql"_s, b);
            folder.order({u"a.sql"_s, u"b.sql"_s});
            auto up = MigrationRunner(db->ownerUrl(), numbered(), folder.load()).up();
            QVERIFY2(up.ok(), up.ok() ? "" : qPrintable(up.error().message));
        }
        {
            std::unique_ptr<test::TestDatabase> db;
            RDK_CREATE_TEST_DATABASE(db);
            ModuleFolder folder;
            folder.write(u"a.sql"_s, a);
            folder.write(u"b.sql"_s, b);
            folder.order({u"b.sql"_s, u"a.sql"_s});
            auto up = MigrationRunner(db->ownerUrl(), numbered(), folder.load()).up();
            QVERIFY(!up.ok());
            QVERIFY2(up.error().message.contains(u"b.sql"_s), qPrintable(up.error().message));
        }
    }

    void up_failingModule_rollsBackReportsItsFileAndKeepsEarlierModules()
    {
        std::unique_ptr<test::TestDatabase> db;
        RDK_CREATE_TEST_DATABASE(db);
        ModuleFolder folder;
        folder.write(u"good.sql"_s, "CREATE OR REPLACE FUNCTION rdk.tst_good() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n");
        folder.write(u"broken.sql"_s, "CREATE OR REPLACE FUNCTION rdk.tst_half() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n"
                                      "SELECT no_such_function();\n");
        folder.order({u"good.sql"_s, u"broken.sql"_s});
        auto up = MigrationRunner(db->ownerUrl(), numbered(), folder.load()).up();
        QVERIFY(!up.ok());
        QVERIFY2(up.error().message.contains(u"Module broken.sql failed and was rolled back"_s), qPrintable(up.error().message));
        QCOMPARE(scalar(db->ownerUrl(), "SELECT to_regprocedure('rdk.tst_half()') IS NULL"), u"t"_s);
        QCOMPARE(scalar(db->ownerUrl(), "SELECT count(*) FROM schema_modules WHERE name = 'broken.sql'"), u"0"_s);
        QCOMPARE(scalar(db->ownerUrl(), "SELECT count(*) FROM schema_modules WHERE name = 'good.sql'"), u"1"_s);
    }

    void verify_moduleFileChangedSinceApplied_isDriftUntilUp()
    {
        std::unique_ptr<test::TestDatabase> db;
        RDK_CREATE_TEST_DATABASE(db);
        QList<MigrationModule> modules = compiledModules();
        MigrationModule &edited = modules.last();
        edited.sql.append("\n-- a later edit\n");
        edited.checksum = u"cd"_s.repeated(32);
        const MigrationRunner runner(db->ownerUrl(), numbered(), modules);

        const Status verified = runner.verify();
        QVERIFY(!verified.ok());
        QVERIFY2(verified.error().message.contains(u"module %1 changed since it was applied"_s.arg(edited.fileName)),
                 qPrintable(verified.error().message));
        QVERIFY(!runner.status()->current());

        auto up = runner.up();
        QVERIFY2(up.ok(), up.ok() ? "" : qPrintable(up.error().message));
        QCOMPARE(up->modules.size(), 1);
        QVERIFY(runner.verify().ok());
    }

    void verify_functionChangedByHand_isDriftAndUpRestoresTheFile()
    {
        std::unique_ptr<test::TestDatabase> db;
        RDK_CREATE_TEST_DATABASE(db);
        const MigrationRunner runner(db->ownerUrl(), numbered(), compiledModules());
        const QString before = scalar(db->ownerUrl(), "SELECT pg_get_functiondef('rdk.order_label(bigint)'::regprocedure)");
        {
            pqxx::connection c(db->ownerUrl());
            pqxx::work tx(c);
            tx.exec("CREATE OR REPLACE FUNCTION rdk.order_label(p_number bigint) RETURNS text LANGUAGE sql IMMUTABLE "
                    "AS $$ SELECT 'hot fix ' || p_number $$");
            tx.commit();
        }
        const Status verified = runner.verify();
        QVERIFY(!verified.ok());
        QVERIFY2(verified.error().message.contains(u"rdk.order_label(bigint)"_s), qPrintable(verified.error().message));
        QVERIFY(verified.error().message.contains(u"orders.sql"_s));

        auto up = runner.up();
        QVERIFY2(up.ok(), up.ok() ? "" : qPrintable(up.error().message));
        QCOMPARE(up->modules.size(), 1);
        QCOMPARE(up->modules.first().fileName, u"orders.sql"_s);
        QCOMPARE(scalar(db->ownerUrl(), "SELECT pg_get_functiondef('rdk.order_label(bigint)'::regprocedure)"), before);
        QVERIFY(runner.verify().ok());
    }

    void verify_recordedModuleLeftTheBuild_isDriftUntilUp()
    {
        std::unique_ptr<test::TestDatabase> db;
        RDK_CREATE_TEST_DATABASE(db);
        QList<MigrationModule> fewer = compiledModules();
        const MigrationModule gone = fewer.takeLast();
        const MigrationRunner runner(db->ownerUrl(), numbered(), fewer);
        const Status verified = runner.verify();
        QVERIFY(!verified.ok());
        QVERIFY2(verified.error().message.contains(gone.fileName), qPrintable(verified.error().message));
        QVERIFY(runner.up().ok());
        QVERIFY(runner.verify().ok());
    }

    // The upgrade every existing database takes: numbered files up to 0013, no modules; then
    // this build's `migrate up` adds 0014 and records every module, and nothing visible changes.
    void up_existingDatabaseAt0013_upgradesInPlace()
    {
        const auto upTo13 = [] {
            QList<Migration> m;
            for (const Migration &x : numbered())
                if (x.version <= 13)
                    m.append(x);
            return m;
        }();
        auto db = emptyDatabase();
        QVERIFY(db);
        auto old = MigrationRunner(db->ownerUrl(), upTo13, {}).up();
        QVERIFY2(old.ok(), old.ok() ? "" : qPrintable(old.error().message));
        const auto before = comparableWithTheConversion(schemaCode(db->ownerUrl()));

        const MigrationRunner runner(db->ownerUrl(), numbered(), compiledModules());
        QVERIFY(runner.verify().ok());   // modules never applied are pending, not drift
        auto up = runner.up();
        QVERIFY2(up.ok(), up.ok() ? "" : qPrintable(up.error().message));
        QCOMPARE(up->changes.size(), numbered().size() - upTo13.size());
        QCOMPARE(up->modules.size(), compiledModules().size());
        QVERIFY(runner.status()->current());
        QVERIFY(runner.verify().ok());
        QCOMPARE(comparableWithTheConversion(schemaCode(db->ownerUrl())), before);
    }

    // The modules hold exactly the live state the numbered files build: same functions (whole
    // definitions), comments, EXECUTE grants for every app role and PUBLIC, and triggers.
    void modules_reproduceTheStateOfTheNumberedFiles()
    {
        auto numberedOnly = emptyDatabase();
        auto withModules = emptyDatabase();
        QVERIFY(numberedOnly && withModules);
        auto a = MigrationRunner(numberedOnly->ownerUrl(), numbered(), {}).up();
        QVERIFY2(a.ok(), a.ok() ? "" : qPrintable(a.error().message));
        auto b = MigrationRunner(withModules->ownerUrl(), numbered(), compiledModules()).up();
        QVERIFY2(b.ok(), b.ok() ? "" : qPrintable(b.error().message));
        QCOMPARE(b->modules.size(), compiledModules().size());

        const auto expected = comparableWithTheConversion(schemaCode(numberedOnly->ownerUrl()));
        const auto actual = comparableWithTheConversion(schemaCode(withModules->ownerUrl()));
        QVERIFY(schemaCode(numberedOnly->ownerUrl()).size() > 100);  // the query itself finds the code
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            QVERIFY2(actual.contains(it.key()), qPrintable(it.key() + u" is missing with modules"_s));
            QCOMPARE(actual.value(it.key()), it.value());
        }
        for (auto it = actual.cbegin(); it != actual.cend(); ++it)
            QVERIFY2(expected.contains(it.key()), qPrintable(it.key() + u" exists only with modules"_s));

        // Every function of schema rdk belongs to exactly one module: the single place to edit it.
        QMap<QString, QString> owner;
        for (const MigrationModule &m : compiledModules()) {
            for (const QString &f : m.functions) {
                QVERIFY2(!owner.contains(f), qPrintable(f + u" is in "_s + owner.value(f) + u" and "_s + m.fileName));
                owner.insert(f, m.fileName);
            }
        }
        pqxx::connection c(withModules->ownerUrl());
        pqxx::read_transaction tx(c);
        for (const auto &row : tx.exec("SELECT DISTINCT 'rdk.' || proname FROM pg_proc WHERE pronamespace = 'rdk'::regnamespace")) {
            const QString name = QString::fromStdString(row[0].as<std::string>());
            QVERIFY2(owner.contains(name), qPrintable(name + u" is in no module"_s));
        }
    }
};

QTEST_GUILESS_MAIN(TestMigrationModules)
#include "tst_migration_modules.moc"

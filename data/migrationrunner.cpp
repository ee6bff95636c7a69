#include "data/migrationrunner.h"

#include "data/pgerror.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcMigrate, "rdk.data.migrate")

namespace rdk::data {
namespace {

// Any fixed number works; it only has to be the same for every runner of this schema.
constexpr long long kMigrationLockKey = 0x52444B4D4947LL; // "RDKMIG"

const char *const kBootstrapSql = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    applied_by  name NOT NULL DEFAULT session_user,
    duration_ms integer NOT NULL DEFAULT 0
))sql";

bool tableExists(pqxx::transaction_base &tx)
{
    return tx.exec1("SELECT to_regclass('public.schema_migrations') IS NOT NULL")[0].as<bool>();
}

QList<AppliedMigration> readApplied(pqxx::transaction_base &tx)
{
    QList<AppliedMigration> applied;
    if (!tableExists(tx))
        return applied;
    const pqxx::result rows = tx.exec(
        "SELECT version, name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "FROM schema_migrations ORDER BY version");
    for (const auto &row : rows) {
        applied.append({row[0].as<int>(), QString::fromStdString(row[1].as<std::string>()),
                        QString::fromStdString(row[2].as<std::string>()),
                        QDateTime::fromString(QString::fromStdString(row[3].as<std::string>()), Qt::ISODate)});
    }
    return applied;
}

MigrationStatus compare(const QList<Migration> &files, const QList<AppliedMigration> &applied)
{
    MigrationStatus status;
    status.applied = applied;
    QHash<int, const AppliedMigration *> byVersion;
    for (const auto &a : applied)
        byVersion.insert(a.version, &a);
    QHash<int, const Migration *> fileByVersion;
    for (const auto &m : files) {
        fileByVersion.insert(m.version, &m);
        const AppliedMigration *a = byVersion.value(m.version);
        if (!a)
            status.pending.append(m);
        else if (a->checksum != m.checksum)
            status.problems.append(u"%1 was edited after it was applied (checksum %2 in the database, %3 on disk); "
                                  "add a new migration instead of changing an applied one"_s
                                      .arg(m.fileName, a->checksum.left(12), m.checksum.left(12)));
    }
    for (const auto &a : applied) {
        if (!fileByVersion.contains(a.version))
            status.problems.append(u"migration %1 (%2) is applied in the database but missing from this build"_s
                                       .arg(a.version, 4, 10, QLatin1Char('0'))
                                       .arg(a.name));
    }
    // A pending file numbered below an applied one means history was rewritten under us.
    const int highestApplied = applied.isEmpty() ? 0 : applied.last().version;
    for (const auto &p : std::as_const(status.pending)) {
        if (p.version < highestApplied)
            status.problems.append(u"%1 is numbered below migrations that are already applied"_s.arg(p.fileName));
    }
    return status;
}

struct RecordedModule final {
    QString checksum;
    QDateTime appliedAt;
    QHash<QString, QString> functionMd5;   ///< regprocedure text -> md5 of its definition
};

bool modulesTableExists(pqxx::transaction_base &tx)
{
    return tx.exec1("SELECT to_regclass('public.schema_modules') IS NOT NULL")[0].as<bool>();
}

// Definitions are read with search_path pinned to pg_catalog, so the text (and its hash) names
// every type with its schema whatever the caller's search_path; `true` keeps it to this
// transaction.
void pinCatalogSearchPath(pqxx::transaction_base &tx)
{
    tx.exec("SELECT pg_catalog.set_config('search_path', 'pg_catalog', true)");
}

// Function names come from a regular expression over the module file and module names from
// LOADORDER's name pattern: plain lowercase identifiers (and ".sql"), safe in an array literal.
std::string arrayLiteral(const QStringList &names)
{
    return (u"{"_s + names.join(u',') + u"}"_s).toStdString();
}

QHash<QString, QString> liveFunctionMd5(pqxx::transaction_base &tx, const QStringList &functions)
{
    QHash<QString, QString> live;
    if (functions.isEmpty())
        return live;
    pinCatalogSearchPath(tx);
    const pqxx::result rows = tx.exec_params(
        "SELECT p.oid::pg_catalog.regprocedure::text, pg_catalog.md5(pg_catalog.pg_get_functiondef(p.oid)) "
        "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.prokind IN ('f', 'p') AND n.nspname OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) p.proname "
        "  OPERATOR(pg_catalog.=) ANY ($1::text[])",
        arrayLiteral(functions));
    for (const auto &row : rows)
        live.insert(QString::fromStdString(row[0].as<std::string>()), QString::fromStdString(row[1].as<std::string>()));
    return live;
}

QHash<QString, RecordedModule> readRecordedModules(pqxx::transaction_base &tx)
{
    QHash<QString, RecordedModule> recorded;
    if (!modulesTableExists(tx))
        return recorded;
    for (const auto &row : tx.exec("SELECT name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                                   "FROM public.schema_modules")) {
        RecordedModule &r = recorded[QString::fromStdString(row[0].as<std::string>())];
        r.checksum = QString::fromStdString(row[1].as<std::string>());
        r.appliedAt = QDateTime::fromString(QString::fromStdString(row[2].as<std::string>()), Qt::ISODate);
    }
    for (const auto &row : tx.exec("SELECT module, function, definition_md5 FROM public.schema_module_functions")) {
        auto it = recorded.find(QString::fromStdString(row[0].as<std::string>()));
        if (it != recorded.end())
            it->functionMd5.insert(QString::fromStdString(row[1].as<std::string>()), QString::fromStdString(row[2].as<std::string>()));
    }
    return recorded;
}

void compareModules(pqxx::transaction_base &tx, const QList<MigrationModule> &modules, MigrationStatus &status)
{
    if (modules.isEmpty())
        return;
    const QHash<QString, RecordedModule> recorded = readRecordedModules(tx);
    QSet<QString> listed;
    for (const MigrationModule &m : modules) {
        listed.insert(m.fileName);
        ModuleStatus ms;
        ms.module = m;
        const auto it = recorded.constFind(m.fileName);
        if (it == recorded.cend()) {
            ms.state = ModuleStatus::State::New;
            status.modules.append(ms);
            continue;
        }
        ms.recordedChecksum = it->checksum;
        ms.appliedAt = it->appliedAt;
        if (it->checksum != m.checksum) {
            ms.state = ModuleStatus::State::Changed;
            status.drift.append(u"module %1 changed since it was applied (checksum %2 in the database, %3 on disk); "
                                "run `rdk-admin migrate up`"_s.arg(m.fileName, it->checksum.left(12), m.checksum.left(12)));
            status.modules.append(ms);
            continue;
        }
        const QHash<QString, QString> live = liveFunctionMd5(tx, m.functions);
        for (auto f = it->functionMd5.cbegin(); f != it->functionMd5.cend(); ++f) {
            const auto l = live.constFind(f.key());
            if (l == live.cend())
                ms.driftedFunctions.append(u"%1 (dropped)"_s.arg(f.key()));
            else if (l.value() != f.value())
                ms.driftedFunctions.append(f.key());
        }
        for (auto l = live.cbegin(); l != live.cend(); ++l) {
            if (!it->functionMd5.contains(l.key()))
                ms.driftedFunctions.append(u"%1 (added)"_s.arg(l.key()));
        }
        ms.driftedFunctions.sort();
        ms.state = ms.driftedFunctions.isEmpty() ? ModuleStatus::State::Current : ModuleStatus::State::Drifted;
        if (!ms.driftedFunctions.isEmpty())
            status.drift.append(u"module %1: %2 changed in the database by hand since the module was applied; "
                                "`rdk-admin migrate up` restores the file's definition (put a wanted change in the file)"_s
                                    .arg(m.fileName, ms.driftedFunctions.join(u", "_s)));
        status.modules.append(ms);
    }
    QStringList gone;
    for (auto it = recorded.cbegin(); it != recorded.cend(); ++it) {
        if (!listed.contains(it.key()))
            gone.append(it.key());
    }
    gone.sort();
    for (const QString &name : std::as_const(gone))
        status.drift.append(u"module %1 is recorded in the database but no longer in this build's LOADORDER; "
                            "`rdk-admin migrate up` forgets it"_s.arg(name));
}

} // namespace

Result<QList<Migration>> loadMigrations(const QString &directory)
{
    const QString dirPath = directory.isEmpty() ? u":/migrations"_s : directory;
    const QDir dir(dirPath);
    if (!dir.exists())
        return Error::notFound(u"Migrations folder %1 does not exist."_s.arg(dirPath));

    static const QRegularExpression pattern(u"^(\\d{4})_([a-z0-9_]+)\\.sql$"_s);
    QList<Migration> migrations;
    QHash<int, QString> seen;
    const QStringList names = dir.entryList({u"*.sql"_s}, QDir::Files, QDir::Name);
    for (const QString &fileName : names) {
        const auto match = pattern.match(fileName);
        if (!match.hasMatch())
            return Error::invalid(u"Migration file %1 is not named NNNN_lowercase_name.sql."_s.arg(fileName));
        const int version = match.captured(1).toInt();
        if (seen.contains(version))
            return Error::invalid(u"Migrations %1 and %2 share the number %3."_s.arg(seen.value(version), fileName).arg(version));
        seen.insert(version, fileName);

        QFile file(dir.filePath(fileName));
        if (!file.open(QIODevice::ReadOnly))
            return Error::internal(u"Can't read %1: %2"_s.arg(fileName, file.errorString()));
        Migration m;
        m.version = version;
        m.name = match.captured(2);
        m.fileName = fileName;
        m.sql = file.readAll();
        m.checksum = QString::fromLatin1(QCryptographicHash::hash(m.sql, QCryptographicHash::Sha256).toHex());
        migrations.append(std::move(m));
    }
    std::sort(migrations.begin(), migrations.end(), [](const Migration &a, const Migration &b) { return a.version < b.version; });
    return migrations;
}

Result<QList<MigrationModule>> loadModules(const QString &directory)
{
    const QString dirPath = directory.isEmpty() ? u":/migrations/modules"_s : directory;
    const QDir dir(dirPath);
    QFile orderFile(dir.filePath(u"LOADORDER"_s));
    if (!orderFile.open(QIODevice::ReadOnly))
        return Error::notFound(u"Module list %1 can't be read: %2"_s.arg(orderFile.fileName(), orderFile.errorString()));

    static const QRegularExpression namePattern(u"^[a-z0-9_]+\\.sql$"_s);
    static const QRegularExpression functionPattern(
        u"CREATE\\s+OR\\s+REPLACE\\s+FUNCTION\\s+([a-z_][a-z0-9_]*)\\.([a-z_][a-z0-9_]*)\\s*\\("_s,
        QRegularExpression::CaseInsensitiveOption);
    QList<MigrationModule> modules;
    QSet<QString> listed;
    const QStringList lines = QString::fromUtf8(orderFile.readAll()).split(u'\n');
    for (QString line : lines) {
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        if (!namePattern.match(line).hasMatch())
            return Error::invalid(u"LOADORDER lists %1, which is not named lowercase_name.sql."_s.arg(line));
        if (listed.contains(line))
            return Error::invalid(u"LOADORDER lists %1 twice."_s.arg(line));
        listed.insert(line);
        QFile file(dir.filePath(line));
        if (!file.open(QIODevice::ReadOnly))
            return Error::invalid(u"LOADORDER lists %1, which can't be read: %2"_s.arg(line, file.errorString()));
        MigrationModule m;
        m.fileName = line;
        m.sql = file.readAll();
        m.checksum = QString::fromLatin1(QCryptographicHash::hash(m.sql, QCryptographicHash::Sha256).toHex());
        auto matches = functionPattern.globalMatch(QString::fromUtf8(m.sql));
        while (matches.hasNext()) {
            const auto match = matches.next();
            const QString name = match.captured(1).toLower() + u'.' + match.captured(2).toLower();
            if (!m.functions.contains(name))
                m.functions.append(name);
        }
        modules.append(std::move(m));
    }
    const QStringList files = dir.entryList({u"*.sql"_s}, QDir::Files, QDir::Name);
    for (const QString &fileName : files) {
        if (!listed.contains(fileName))
            return Error::invalid(u"Module %1 is not listed in LOADORDER."_s.arg(fileName));
    }
    return modules;
}

MigrationRunner::MigrationRunner(std::string connectionString, QList<Migration> migrations, QList<MigrationModule> modules)
    : m_connectionString(std::move(connectionString)), m_migrations(std::move(migrations)), m_modules(std::move(modules))
{
}

Result<MigrationStatus> MigrationRunner::status() const
{
    try {
        pqxx::connection conn(m_connectionString);
        pqxx::read_transaction tx(conn);
        MigrationStatus current = compare(m_migrations, readApplied(tx));
        compareModules(tx, m_modules, current);
        return current;
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

Status MigrationRunner::verify() const
{
    auto current = status();
    if (!current)
        return current.error();
    const QStringList all = current->problems + current->drift;
    if (!all.isEmpty())
        return Error::conflict(all.join(u"\n"_s));
    return {};
}

Result<MigrationRun> MigrationRunner::up(const std::function<void(const QString &)> &onApplied) const
{
    try {
        pqxx::connection conn(m_connectionString);
        {
            pqxx::nontransaction lock(conn);
            lock.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
        }
        // The lock belongs to the session; dropping the connection releases it on any exit path.
        MigrationStatus current;
        {
            pqxx::work tx(conn);
            tx.exec(kBootstrapSql);
            current = compare(m_migrations, readApplied(tx));
            tx.commit();
        }
        if (!current.problems.isEmpty())
            return Error::conflict(current.problems.join(u"\n"_s));

        MigrationRun run;
        for (const Migration &m : std::as_const(current.pending)) {
            QElapsedTimer timer;
            timer.start();
            try {
                pqxx::work tx(conn);
                tx.exec(m.sql.toStdString());
                tx.exec_params("INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
                               m.version, m.name.toStdString(), m.checksum.toStdString(),
                               static_cast<int>(timer.elapsed()));
                tx.commit();
            } catch (const std::exception &e) {
                const Error translated = translatePgError(e);
                return Error{translated.code,
                             u"Migration %1 failed and was rolled back: %2"_s.arg(m.fileName, QString::fromUtf8(e.what()).trimmed()),
                             {}};
            }
            qCInfo(lcMigrate).noquote() << "applied" << m.fileName << "in" << timer.elapsed() << "ms";
            run.changes.append(m);
            if (onApplied)
                onApplied(m.fileName);
        }
        if (m_modules.isEmpty())
            return run;

        // Modules come after every numbered change (ADR 0011), so a module may use any table,
        // and a numbered change never relies on a module.
        QList<ModuleStatus> modules;
        {
            pqxx::read_transaction tx(conn);
            if (!modulesTableExists(tx))
                return Error::conflict(u"schema_modules is missing: the numbered migration that creates it (0014) "
                                       "must be in the build before modules can be applied"_s);
            MigrationStatus afterChanges;
            compareModules(tx, m_modules, afterChanges);
            modules = afterChanges.modules;
        }
        for (const ModuleStatus &ms : std::as_const(modules)) {
            if (ms.state == ModuleStatus::State::Current)
                continue;
            const MigrationModule &m = ms.module;
            QElapsedTimer timer;
            timer.start();
            try {
                pqxx::work tx(conn);
                tx.exec(m.sql.toStdString());
                const QHash<QString, QString> live = liveFunctionMd5(tx, m.functions);
                tx.exec_params("INSERT INTO public.schema_modules (name, checksum, duration_ms) VALUES ($1, $2, $3) "
                               "ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now(), "
                               "applied_by = session_user, duration_ms = excluded.duration_ms",
                               m.fileName.toStdString(), m.checksum.toStdString(), static_cast<int>(timer.elapsed()));
                tx.exec_params("DELETE FROM public.schema_module_functions WHERE module = $1", m.fileName.toStdString());
                for (auto f = live.cbegin(); f != live.cend(); ++f)
                    tx.exec_params("INSERT INTO public.schema_module_functions (module, function, definition_md5) VALUES ($1, $2, $3)",
                                   m.fileName.toStdString(), f.key().toStdString(), f.value().toStdString());
                tx.commit();
            } catch (const std::exception &e) {
                const Error translated = translatePgError(e);
                return Error{translated.code,
                             u"Module %1 failed and was rolled back: %2"_s.arg(m.fileName, QString::fromUtf8(e.what()).trimmed()),
                             {}};
            }
            qCInfo(lcMigrate).noquote() << "applied module" << m.fileName << "in" << timer.elapsed() << "ms";
            run.modules.append(m);
            if (onApplied)
                onApplied(m.fileName);
        }
        {
            QStringList listed;
            for (const MigrationModule &m : m_modules)
                listed.append(m.fileName);
            pqxx::work tx(conn);
            tx.exec_params("DELETE FROM public.schema_modules WHERE name <> ALL ($1::text[])", arrayLiteral(listed));
            tx.commit();
        }
        return run;
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

} // namespace rdk::data

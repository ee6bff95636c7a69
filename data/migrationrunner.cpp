#include "data/migrationrunner.h"

#include "data/pgerror.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>

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

MigrationRunner::MigrationRunner(std::string connectionString, QList<Migration> migrations)
    : m_connectionString(std::move(connectionString)), m_migrations(std::move(migrations))
{
}

Result<MigrationStatus> MigrationRunner::status() const
{
    try {
        pqxx::connection conn(m_connectionString);
        pqxx::read_transaction tx(conn);
        return compare(m_migrations, readApplied(tx));
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

Status MigrationRunner::verify() const
{
    auto current = status();
    if (!current)
        return current.error();
    if (!current->problems.isEmpty())
        return Error::conflict(current->problems.join(u"\n"_s));
    return {};
}

Result<QList<Migration>> MigrationRunner::up(const std::function<void(const Migration &)> &onApplied) const
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

        QList<Migration> appliedNow;
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
            appliedNow.append(m);
            if (onApplied)
                onApplied(m);
        }
        return appliedNow;
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

} // namespace rdk::data

#include "data/pgbackup.h"

#include "data/migrationrunner.h"
#include "data/pgsessionpqxx.h"

#include <QUrl>

#include <string_view>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

constexpr const char *kGroupRoles[] = {"rdk_staff", "rdk_ops", "rdk_admin", "rdk_sync"};

// Every ordinary table of the schemas the migrations create. The owner is not subject to
// row-level security (no table is FORCE RLS), so count(*) sees every shop's rows.
constexpr const char *kTables = R"SQL(
SELECT n.nspname || '.' || c.relname
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'rdk')
 ORDER BY 1
)SQL";

QList<QPair<QString, qint64>> countRows(pqxx::transaction_base &tx)
{
    QList<QPair<QString, qint64>> counts;
    for (const auto &row : tx.exec(kTables)) {
        const std::string qualified = row[0].as<std::string>();
        const auto dot = qualified.find('.');
        const std::string sql = "SELECT count(*) FROM " + tx.quote_name(qualified.substr(0, dot)) + "."
                                + tx.quote_name(qualified.substr(dot + 1));
        counts.append({QString::fromStdString(qualified), tx.exec1(sql)[0].as<qint64>()});
    }
    return counts;
}

int readMigrationLevel(pqxx::transaction_base &tx)
{
    const auto exists = tx.exec1("SELECT to_regclass('public.schema_migrations') IS NOT NULL");
    if (!exists[0].as<bool>())
        return 0;
    return tx.exec1("SELECT coalesce(max(version), 0) FROM public.schema_migrations")[0].as<int>();
}

Error backupError(const QString &doing, const std::exception &e)
{
    const Error base = translatePgError(e);
    return Error{base.code, doing + u": "_s + base.message, {}};
}

} // namespace

struct PgBackupSnapshot::Impl final {
    std::unique_ptr<pqxx::connection> conn;
    std::unique_ptr<pqxx::nontransaction> tx;   // BEGIN ... issued by hand: libpqxx 6.4 has no read-only RR work
};

Result<std::unique_ptr<PgBackupSnapshot>> PgBackupSnapshot::open(const std::string &ownerUrl)
{
    try {
        auto impl = std::make_unique<Impl>();
        impl->conn = std::make_unique<pqxx::connection>(ownerUrl);
        impl->tx = std::make_unique<pqxx::nontransaction>(*impl->conn);
        impl->tx->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const QString snapshot = QString::fromStdString(impl->tx->exec1("SELECT pg_catalog.pg_export_snapshot()")[0].as<std::string>());
        return std::unique_ptr<PgBackupSnapshot>(new PgBackupSnapshot(std::move(impl), snapshot));
    } catch (const std::exception &e) {
        return backupError(u"can't open the database to back it up"_s, e);
    }
}

PgBackupSnapshot::PgBackupSnapshot(std::unique_ptr<Impl> impl, QString snapshot)
    : m_impl(std::move(impl)), m_snapshot(std::move(snapshot))
{
}

PgBackupSnapshot::~PgBackupSnapshot()
{
    try {
        if (m_impl && m_impl->tx)
            m_impl->tx->exec("ROLLBACK");
    } catch (const std::exception &) {
        // The connection is going anyway; a read-only transaction has nothing to lose.
    }
}

Result<BackupFacts> PgBackupSnapshot::facts()
{
    try {
        pqxx::nontransaction &tx = *m_impl->tx;
        BackupFacts f;
        const auto who = tx.exec1("SELECT current_database(), current_user, current_setting('server_version')");
        f.database = QString::fromStdString(who[0].as<std::string>());
        f.owner = QString::fromStdString(who[1].as<std::string>());
        f.serverVersion = QString::fromStdString(who[2].as<std::string>());
        f.migrationLevel = readMigrationLevel(tx);
        f.rowCounts = countRows(tx);
        if (f.migrationLevel > 0) {
            // Staff by their profile, service logins by their binding (migration 0012).
            const auto rows = tx.exec(R"SQL(
                SELECT r.rolname, l.kind, t.slug, r.rolcanlogin,
                       coalesce((SELECT string_agg(g.rolname, ',' ORDER BY g.rolname)
                                   FROM pg_catalog.pg_auth_members m
                                   JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                                  WHERE m.member = r.oid AND g.rolname IN ('rdk_staff', 'rdk_ops', 'rdk_admin', 'rdk_sync')), '')
                  FROM (SELECT p.db_role AS login, 'staff' AS kind, p.tenant_id FROM public.profiles p
                        UNION ALL
                        SELECT s.login, 'service', s.tenant_id FROM rdk.service_logins s) l
                  JOIN pg_catalog.pg_roles r ON r.rolname = l.login
                  JOIN public.tenants t ON t.id = l.tenant_id
                 ORDER BY 1)SQL");
            for (const auto &row : rows) {
                BackupLogin login;
                login.name = QString::fromStdString(row[0].as<std::string>());
                login.kind = QString::fromStdString(row[1].as<std::string>());
                login.shop = QString::fromStdString(row[2].as<std::string>());
                login.canLogin = row[3].as<bool>();
                login.memberOf = QString::fromStdString(row[4].as<std::string>()).split(u',', Qt::SkipEmptyParts);
                f.logins.append(login);
            }
        }
        return f;
    } catch (const std::exception &e) {
        return backupError(u"can't read the database's facts for the manifest"_s, e);
    }
}

PgRestoreTarget::PgRestoreTarget(std::string ownerUrl) : m_url(std::move(ownerUrl)) {}

QString PgRestoreTarget::databaseName() const
{
    return QUrl(QString::fromStdString(m_url)).path().mid(1);
}

std::string PgRestoreTarget::urlOf(const QString &database) const
{
    QUrl u(QString::fromStdString(m_url));
    u.setPath(u'/' + database);
    return u.toString(QUrl::FullyEncoded).toStdString();
}

Result<RestoreTarget> PgRestoreTarget::inspect() const
{
    RestoreTarget t;
    try {
        pqxx::connection conn(urlOf(u"postgres"_s));
        pqxx::read_transaction tx(conn);
        const auto me = tx.exec1("SELECT current_user, rolcreatedb, rolcreaterole, "
                                 "pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') "
                                 "FROM pg_catalog.pg_roles WHERE rolname = current_user");
        t.connectedAs = QString::fromStdString(me[0].as<std::string>());
        t.canCreateDatabases = me[1].as<bool>();
        t.canCreateRoles = me[2].as<bool>();
        t.readsAllStats = me[3].as<bool>();
        t.exists = tx.exec_params1("SELECT count(*) FROM pg_catalog.pg_database WHERE datname = $1",
                                   databaseName().toStdString())[0]
                       .as<int>()
                   > 0;
    } catch (const std::exception &e) {
        // A server set up as docs/INSTALL.md says revokes CONNECT on 'postgres' from PUBLIC:
        // a missing grant, not a network fault, so the sentence says what to grant.
        if (std::string_view(e.what()).find("permission denied for database") != std::string_view::npos) {
            const QString role = QUrl(QString::fromStdString(m_url)).userName();
            return Error::forbidden(
                u"restore works from the server's 'postgres' database (it creates, renames and drops databases "
                "there), which %1 may not connect to. As a superuser, run: GRANT CONNECT ON DATABASE postgres TO %1; "
                "and, if it lacks it, ALTER ROLE %1 CREATEDB;"_s
                    .arg(role.isEmpty() ? u"the owner role"_s : role));
        }
        return backupError(u"can't reach the PostgreSQL server of DATABASE_URL (its database 'postgres')"_s, e);
    }
    if (!t.exists)
        return t;
    try {
        pqxx::connection conn(m_url);
        pqxx::read_transaction tx(conn);
        t.objects = tx.exec1(R"SQL(
            SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
                       AND n.nspname NOT LIKE 'pg\_temp%')
                 + (SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))
                 + (SELECT count(*) FROM pg_catalog.pg_namespace n
                     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
                       AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'))SQL")[0]
                        .as<int>();
    } catch (const std::exception &e) {
        return backupError(u"can't open the database %1 to see whether it is empty"_s.arg(databaseName()), e);
    }
    return t;
}

Result<void> PgRestoreTarget::createDatabase(const QString &name) const
{
    try {
        pqxx::connection conn(urlOf(u"postgres"_s));
        pqxx::nontransaction tx(conn);
        tx.exec("CREATE DATABASE " + tx.quote_name(name.toStdString()) + " TEMPLATE template0 ENCODING 'UTF8'");
        return {};
    } catch (const std::exception &e) {
        return backupError(u"can't create the database %1"_s.arg(name), e);
    }
}

Result<void> PgRestoreTarget::dropDatabase(const QString &name) const
{
    try {
        pqxx::connection conn(urlOf(u"postgres"_s));
        pqxx::nontransaction tx(conn);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name.toStdString()) + " WITH (FORCE)");
        return {};
    } catch (const std::exception &e) {
        return backupError(u"can't drop the database %1"_s.arg(name), e);
    }
}

Result<void> PgRestoreTarget::renameDatabase(const QString &from, const QString &to) const
{
    try {
        pqxx::connection conn(urlOf(u"postgres"_s));
        pqxx::nontransaction tx(conn);
        tx.exec("ALTER DATABASE " + tx.quote_name(from.toStdString()) + " RENAME TO " + tx.quote_name(to.toStdString()));
        return {};
    } catch (const std::exception &e) {
        return backupError(u"can't rename the database %1 to %2"_s.arg(from, to), e);
    }
}

Result<RoleReport> PgRestoreTarget::recreateRoles(const QList<BackupLogin> &logins) const
{
    RoleReport report;
    try {
        pqxx::connection conn(urlOf(u"postgres"_s));
        pqxx::nontransaction tx(conn);
        for (const char *group : kGroupRoles) {
            const auto r = tx.exec_params("SELECT rolcanlogin OR rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb "
                                          "FROM pg_catalog.pg_roles WHERE rolname = $1",
                                          std::string(group));
            if (r.empty()) {
                tx.exec("CREATE ROLE " + tx.quote_name(group) + " NOLOGIN NOINHERIT NOCREATEDB NOCREATEROLE");
                report.createdGroups.append(QString::fromLatin1(group));
            } else if (r[0][0].as<bool>()) {
                dropCreatedRoles(report);
                return Error::conflict(u"the role %1 exists on this server with privileges a group role must not have "
                                       "(login, superuser, bypassrls, createrole or createdb); fix it as a superuser first"_s
                                           .arg(QString::fromLatin1(group)));
            }
        }
        for (const BackupLogin &login : logins) {
            const std::string name = login.name.toStdString();
            const auto r = tx.exec_params("SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb "
                                          "FROM pg_catalog.pg_roles WHERE rolname = $1",
                                          name);
            if (!r.empty()) {
                if (r[0][0].as<bool>()) {
                    dropCreatedRoles(report);
                    return Error::conflict(u"the login %1 exists on this server as a privileged role "
                                           "(superuser, bypassrls, createrole or createdb); a shop login must be a plain one"_s
                                               .arg(login.name));
                }
                report.existingLogins.append(login.name);
            } else {
                // No PASSWORD: with scram-sha-256 in pg_hba nobody can sign in as it until the
                // operator sets one. A disabled login comes back disabled.
                tx.exec("CREATE ROLE " + tx.quote_name(name) + (login.canLogin ? " LOGIN" : " NOLOGIN")
                        + " INHERIT NOCREATEDB NOCREATEROLE");
                report.createdLogins.append(login.name);
            }
            for (const QString &group : login.memberOf) {
                if (std::none_of(std::begin(kGroupRoles), std::end(kGroupRoles),
                                 [&](const char *g) { return group == QLatin1String(g); }))
                    continue;   // the manifest names rdk_* groups only; anything else is not ours to grant
                tx.exec("GRANT " + tx.quote_name(group.toStdString()) + " TO " + tx.quote_name(name));
            }
        }
        return report;
    } catch (const std::exception &e) {
        dropCreatedRoles(report);
        return backupError(u"can't recreate the shop's logins"_s, e);
    }
}

void PgRestoreTarget::dropCreatedRoles(const RoleReport &report) const
{
    if (report.createdLogins.isEmpty() && report.createdGroups.isEmpty())
        return;
    try {
        pqxx::connection conn(urlOf(u"postgres"_s));
        pqxx::nontransaction tx(conn);
        for (const QString &role : report.createdLogins + report.createdGroups)
            tx.exec("DROP ROLE IF EXISTS " + tx.quote_name(role.toStdString()));
    } catch (const std::exception &e) {
        qWarning("could not drop the roles a failed restore created: %s", e.what());
    }
}

Result<bool> PgRestoreTarget::grantDatabaseAccess(const QString &database) const
{
    try {
        pqxx::connection conn(urlOf(database));
        pqxx::nontransaction tx(conn);
        // As migration 0002: only the database's owner may change who connects to it.
        if (!tx.exec1("SELECT d.datdba = r.oid FROM pg_catalog.pg_database d, pg_catalog.pg_roles r "
                      "WHERE d.datname = current_database() AND r.rolname = current_user")[0]
                 .as<bool>())
            return false;
        const std::string db = tx.quote_name(database.toStdString());
        tx.exec("REVOKE CONNECT, TEMPORARY ON DATABASE " + db + " FROM PUBLIC");
        tx.exec("GRANT CONNECT ON DATABASE " + db + " TO rdk_staff, rdk_ops, rdk_admin, rdk_sync");
        return true;
    } catch (const std::exception &e) {
        return backupError(u"can't grant the shop's roles access to the database %1"_s.arg(database), e);
    }
}

Result<QList<QPair<QString, qint64>>> PgRestoreTarget::rowCounts(const QString &database) const
{
    try {
        pqxx::connection conn(urlOf(database));
        pqxx::read_transaction tx(conn);
        return countRows(tx);
    } catch (const std::exception &e) {
        return backupError(u"can't count the restored rows"_s, e);
    }
}

Result<int> PgRestoreTarget::migrationLevel(const QString &database) const
{
    try {
        pqxx::connection conn(urlOf(database));
        pqxx::read_transaction tx(conn);
        return readMigrationLevel(tx);
    } catch (const std::exception &e) {
        return backupError(u"can't read the restored migration level"_s, e);
    }
}

int compiledMigrationLevel()
{
    auto migrations = loadMigrations();
    if (!migrations)
        return 0;
    int level = 0;
    for (const Migration &m : *migrations)
        level = std::max(level, m.version);
    return level;
}

} // namespace rdk::data

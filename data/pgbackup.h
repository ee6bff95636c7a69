#pragma once

// The database side of `rdk-admin backup` and `restore` (ADR 0021): what a backup's manifest
// records about the database, and what a restore does around pg_restore (roles, the database
// itself, the checks after it). pg_dump and pg_restore themselves are run by app/admin.

#include "domain/result.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>

namespace rdk::data {

/// A login role of the shop's database (a staff member or a service login). Roles are
/// cluster-wide, so pg_dump of one database leaves them out; the manifest lists them.
struct BackupLogin final {
    QString name;
    QString kind;          ///< "staff" or "service"
    QString shop;          ///< the shop's slug
    QStringList memberOf;  ///< rdk_* group roles
    bool canLogin = true;  ///< false: disabled (`staff disable`), recreated disabled
};

/// Facts read in the same snapshot that pg_dump dumps.
struct BackupFacts final {
    QString database;
    QString owner;               ///< the role the backup was made as (owns the objects)
    QString serverVersion;
    int migrationLevel = 0;      ///< highest applied numbered migration
    QList<QPair<QString, qint64>> rowCounts;   ///< "schema.table" -> rows, sorted by name
    QList<BackupLogin> logins;
};

/// A read-only REPEATABLE READ transaction held open while pg_dump runs: its snapshot is
/// exported, pg_dump dumps exactly it (--snapshot), and the row counts of the manifest are
/// counted in it, so the manifest describes the dump and not a moment later.
class PgBackupSnapshot final {
public:
    static Result<std::unique_ptr<PgBackupSnapshot>> open(const std::string &ownerUrl);
    ~PgBackupSnapshot();
    PgBackupSnapshot(const PgBackupSnapshot &) = delete;
    PgBackupSnapshot &operator=(const PgBackupSnapshot &) = delete;

    const QString &snapshotId() const { return m_snapshot; }
    Result<BackupFacts> facts();

private:
    struct Impl;
    explicit PgBackupSnapshot(std::unique_ptr<Impl> impl, QString snapshot);
    std::unique_ptr<Impl> m_impl;
    QString m_snapshot;
};

/// Where a restore is going, read before anything is changed.
struct RestoreTarget final {
    bool exists = false;
    int objects = 0;          ///< tables, views, sequences, functions and schemas besides public
    QString connectedAs;      ///< the role of the connection (must be the backup's owner)
    bool canCreateDatabases = false;
    bool canCreateRoles = false;
    bool readsAllStats = false;   ///< member of pg_read_all_stats (2FA session binding)
};

/// What recreating the roles did.
struct RoleReport final {
    QStringList createdGroups;
    QStringList createdLogins;   ///< new, without a password
    QStringList existingLogins;  ///< already in the cluster, kept as they are (password too)
};

/// Restore-time operations, all as the owner role of DATABASE_URL.
class PgRestoreTarget final {
public:
    /// `ownerUrl` names the database to restore into; the maintenance database `postgres` of
    /// the same server is used to create, rename or drop it.
    explicit PgRestoreTarget(std::string ownerUrl);

    QString databaseName() const;
    Result<RestoreTarget> inspect() const;
    /// The same URL with another database name.
    std::string urlOf(const QString &database) const;

    Result<void> createDatabase(const QString &name) const;
    Result<void> dropDatabase(const QString &name) const;
    Result<void> renameDatabase(const QString &from, const QString &to) const;

    /// The four group roles (if missing) and every login of the backup: new logins get no
    /// password (they can't sign in until the operator sets one), existing ones are kept.
    Result<RoleReport> recreateRoles(const QList<BackupLogin> &logins) const;
    /// Drops what recreateRoles created (after a failed restore): its logins, then its groups.
    void dropCreatedRoles(const RoleReport &report) const;

    /// CONNECT for the group roles and none for PUBLIC (migration 0002): database-level
    /// grants are not in a pg_dump of the database's contents. False (nothing changed) when the
    /// database belongs to another role, which must then run them itself.
    Result<bool> grantDatabaseAccess(const QString &database) const;
    Result<QList<QPair<QString, qint64>>> rowCounts(const QString &database) const;
    Result<int> migrationLevel(const QString &database) const;

private:
    std::string m_url;
};

/// The highest numbered migration compiled into this binary.
int compiledMigrationLevel();

} // namespace rdk::data

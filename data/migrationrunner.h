#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>
#include <string>

namespace rdk::data {

/// One NNNN_name.sql file from migrations/.
struct Migration final {
    int version = 0;
    QString name;       ///< file name without the number and extension
    QString fileName;
    QByteArray sql;
    QString checksum;   ///< SHA-256 hex of the file's bytes
};

struct AppliedMigration final {
    int version = 0;
    QString name;
    QString checksum;
    QDateTime appliedAt;
};

struct MigrationStatus final {
    QList<AppliedMigration> applied;
    QList<Migration> pending;
    QStringList problems;   ///< edited applied files, applied versions with no file: each one is fatal

    bool current() const { return pending.isEmpty() && problems.isEmpty(); }
};

/// Reads NNNN_name.sql files from a folder (by default the copy compiled into the binary),
/// sorted by number. Duplicate numbers and badly named files are errors.
Result<QList<Migration>> loadMigrations(const QString &directory = QString());

/// Applies migrations in order, each in its own transaction, recording a checksum per file in
/// schema_migrations. A file that changed after it was applied stops everything. Two runners at
/// once are serialized by a session-level advisory lock.
class MigrationRunner final {
public:
    MigrationRunner(std::string connectionString, QList<Migration> migrations);

    Result<MigrationStatus> status() const;
    Status verify() const;
    /// Applies what is pending; returns the migrations applied by this call.
    Result<QList<Migration>> up(const std::function<void(const Migration &)> &onApplied = {}) const;

private:
    std::string m_connectionString;
    QList<Migration> m_migrations;
};

} // namespace rdk::data

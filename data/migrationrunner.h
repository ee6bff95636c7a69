#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <algorithm>
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

/// One re-runnable file from migrations/modules/ (ADR 0011): functions and their triggers,
/// written with CREATE OR REPLACE, applied whole whenever its checksum changes.
struct MigrationModule final {
    QString fileName;        ///< e.g. "totp.sql"; also its name in schema_modules
    QByteArray sql;
    QString checksum;        ///< SHA-256 hex of the file's bytes
    QStringList functions;   ///< "schema.name" of every CREATE OR REPLACE FUNCTION in the file
};

struct ModuleStatus final {
    enum class State { Current, New, Changed, Drifted };
    MigrationModule module;
    State state = State::New;
    QString recordedChecksum;      ///< empty when never applied
    QDateTime appliedAt;
    QStringList driftedFunctions;  ///< live definition differs from the one recorded at apply time
};

struct MigrationStatus final {
    QList<AppliedMigration> applied;
    QList<Migration> pending;
    QStringList problems;   ///< edited applied files, applied versions with no file: each one is fatal
    QList<ModuleStatus> modules;   ///< in load order
    /// Modules edited since they were applied, functions changed by hand, recorded modules that
    /// left the build: `verify` fails on them, `up` repairs them by applying the files.
    QStringList drift;

    bool modulesCurrent() const
    {
        return std::all_of(modules.cbegin(), modules.cend(), [](const ModuleStatus &m) { return m.state == ModuleStatus::State::Current; });
    }
    bool current() const { return pending.isEmpty() && problems.isEmpty() && drift.isEmpty() && modulesCurrent(); }
};

/// What one `up` call applied.
struct MigrationRun final {
    QList<Migration> changes;
    QList<MigrationModule> modules;
};

/// Reads NNNN_name.sql files from a folder (by default the copy compiled into the binary),
/// sorted by number. Duplicate numbers and badly named files are errors.
Result<QList<Migration>> loadMigrations(const QString &directory = QString());

/// Reads the modules listed in LOADORDER of a folder (by default the compiled-in
/// :/migrations/modules), in that order. A listed file that is missing, a .sql file that is not
/// listed, or a name listed twice is an error.
Result<QList<MigrationModule>> loadModules(const QString &directory = QString());

/// Applies numbered migrations in order, each in its own transaction, recording a checksum per
/// file in schema_migrations. A file that changed after it was applied stops everything. Then
/// applies, in load order and each in its own transaction, every module that is new, whose file
/// changed, or whose functions were changed by hand, recording it in schema_modules. Two runners
/// at once are serialized by a session-level advisory lock. An empty module list leaves modules
/// alone (the schema as the numbered files alone build it).
class MigrationRunner final {
public:
    MigrationRunner(std::string connectionString, QList<Migration> migrations, QList<MigrationModule> modules);

    Result<MigrationStatus> status() const;
    /// Fails on problems and on drift; pending work is not an error.
    Status verify() const;
    /// Applies what is pending; returns what this call applied.
    Result<MigrationRun> up(const std::function<void(const QString &fileName)> &onApplied = {}) const;

private:
    std::string m_connectionString;
    QList<Migration> m_migrations;
    QList<MigrationModule> m_modules;
};

} // namespace rdk::data

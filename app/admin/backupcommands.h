#pragma once

#include "app/runtime/config.h"

#include <QStringList>
#include <QTextStream>

namespace rdk {

/// True for the commands backupcommands.cpp answers (`backup`, `restore`).
bool isBackupCommand(const QString &command);

/// `backup FILE [--settings ENVFILE]`: a pg_dump of DATABASE_URL's database, the service's
/// settings without secrets and a manifest, in one file (app/admin/backuparchive.h).
/// `restore FILE [--replace] [--settings-out ENVFILE]`: checks the file, recreates the logins
/// without passwords, restores into DATABASE_URL's database (created when missing; refused when
/// it is not empty unless --replace), checks the row counts and says what the operator does
/// next. Exit codes: 0 done, 1 refused or failed (nothing changed), 64 usage. ADR 0021.
int runBackupCommand(const QString &command, const QStringList &args, const AdminConfig &config, QTextStream &out,
                     QTextStream &err);

QString backupUsage();

} // namespace rdk

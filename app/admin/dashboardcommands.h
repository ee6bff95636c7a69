#pragma once

#include "app/runtime/config.h"

#include <QStringList>
#include <QTextStream>

namespace rdk {

/// True for the commands dashboardcommands.cpp answers.
bool isDashboardCommand(const QString &command);

/// `aggregates rebuild --tenant SLUG` (exit 0: aggregates were right, 2: differences found and
/// fixed, 1: failed, 64: usage) and `seed-bulk --tenant SLUG --products N --orders N --views N
/// [--days N]` (0 done, 1 failed, 64 usage).
int runDashboardCommand(const QString &command, const QStringList &args, const AdminConfig &config, QTextStream &out,
                        QTextStream &err);

QString dashboardUsage();

} // namespace rdk

#pragma once

#include "app/runtime/config.h"

#include <QStringList>
#include <QTextStream>

namespace rdk {

/// `rdk-admin catalog import FILE --tenant SLUG [--dry-run]` and
/// `rdk-admin catalog export --tenant SLUG [FILE]` (standard output without FILE).
/// Returns the exit code: 0 done, 1 refused (every problem listed on stderr), 64 usage error.
int runCatalogCommand(const AdminConfig &config, const QStringList &args, QTextStream &out, QTextStream &err);

/// The usage lines of the catalog commands, for rdk-admin --help.
QString catalogCommandUsage();

} // namespace rdk

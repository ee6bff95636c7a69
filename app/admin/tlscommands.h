#pragma once

#include <QStringList>
#include <QTextStream>

namespace rdk {

/// `rdk-admin tls make-ca | server-cert | postgres-conf | pg-hba | counter-bundle`: a small
/// private certificate authority for the shop, the PostgreSQL server's certificate signed by
/// it, the server settings that turn TLS on, and what each counter PC needs to check the
/// server (ADR 0025). Needs no database and no configuration. Returns the exit code: 0 done,
/// 1 refused (a sentence on stderr, nothing written), 64 usage error.
int runTlsCommand(const QStringList &args, QTextStream &out, QTextStream &err);

/// The usage lines of the tls commands, for rdk-admin --help.
QString tlsCommandUsage();

} // namespace rdk

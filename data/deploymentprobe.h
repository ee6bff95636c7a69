#pragma once

#include "domain/result.h"

#include <QDateTime>
#include <QString>

#include <string>

namespace rdk::data {

/// What `rdk-admin doctor` learns from one connection to the database.
struct ConnectionFacts final {
    bool ssl = false;            ///< this connection is encrypted (pg_stat_ssl)
    QString sslVersion;          ///< e.g. "TLSv1.3"; empty without TLS
    QString cipher;
    QString serverVersion;       ///< server_version, e.g. "15.10 (Debian 15.10-0+deb12u1)"
    QDateTime serverTime;        ///< clock_timestamp() on the server
    QDateTime localTime;         ///< this machine's clock halfway through the round trip
    qint64 roundTripMs = 0;
    QString dataDirectory;       ///< empty unless the login may read it (superuser, pg_read_all_settings)
};

/// Connects once and reads the facts above. Unavailable when the database can't be reached.
Result<ConnectionFacts> probeConnection(const std::string &connectionString);

} // namespace rdk::data

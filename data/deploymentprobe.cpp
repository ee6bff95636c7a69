#include "data/deploymentprobe.h"

#include "data/pgerror.h"

#include <QElapsedTimer>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {

Result<ConnectionFacts> probeConnection(const std::string &connectionString)
{
    try {
        pqxx::connection conn(connectionString);
        pqxx::read_transaction tx(conn);
        ConnectionFacts facts;
        // data_directory is readable by superusers and pg_read_all_settings only; the CASE keeps
        // current_setting() from raising for everybody else.
        const auto row = tx.exec1(R"sql(
            SELECT coalesce(s.ssl, false), coalesce(s.version, ''), coalesce(s.cipher, ''),
                   pg_catalog.current_setting('server_version'),
                   CASE WHEN r.rolsuper OR pg_catalog.pg_has_role(r.oid, 'pg_read_all_settings', 'USAGE')
                        THEN pg_catalog.current_setting('data_directory') ELSE '' END
              FROM pg_catalog.pg_roles r
              LEFT JOIN pg_catalog.pg_stat_ssl s ON s.pid = pg_catalog.pg_backend_pid()
             WHERE r.rolname = current_user)sql");
        facts.ssl = row[0].as<bool>();
        facts.sslVersion = QString::fromStdString(row[1].as<std::string>());
        facts.cipher = QString::fromStdString(row[2].as<std::string>());
        facts.serverVersion = QString::fromStdString(row[3].as<std::string>());
        facts.dataDirectory = QString::fromStdString(row[4].as<std::string>());

        // The server's clock against ours, taken halfway through the round trip: the error is
        // at most half of it.
        QElapsedTimer trip;
        const QDateTime before = QDateTime::currentDateTimeUtc();
        trip.start();
        const auto clock = tx.exec1("SELECT (extract(epoch FROM pg_catalog.clock_timestamp()) * 1000)::bigint");
        facts.roundTripMs = trip.elapsed();
        facts.localTime = before.addMSecs(facts.roundTripMs / 2);
        facts.serverTime = QDateTime::fromMSecsSinceEpoch(clock[0].as<long long>(), Qt::UTC);
        return facts;
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

} // namespace rdk::data

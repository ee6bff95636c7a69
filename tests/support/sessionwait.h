#pragma once

#include "tests/support/testdatabase.h"

#include <QElapsedTimer>
#include <QThread>

#include <pqxx/pqxx>

namespace rdk::test {

/// Waits (up to `timeoutMs`) until no other session is connected to the test database.
/// A client that just closed its connection leaves a server process behind for a moment; the
/// owner may not terminate a staff login's process, so dropping the database right then fails.
inline void waitForOtherSessionsToEnd(TestDatabase &db, int timeoutMs = 3000)
{
    QElapsedTimer timer;
    timer.start();
    try {
        pqxx::connection conn(db.maintenanceUrl());
        while (timer.elapsed() < timeoutMs) {
            pqxx::nontransaction tx(conn);
            const int others = tx.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
                                               db.name().toStdString())[0].as<int>();
            if (others == 0)
                return;
            tx.commit();
            QThread::msleep(20);
        }
    } catch (const std::exception &) {
        // The drop that follows reports any real problem.
    }
}

} // namespace rdk::test

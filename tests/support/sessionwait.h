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

/// The owner holding locks in an open transaction until release() or the end of the scope, so
/// a test can make the code under test wait inside the database at a chosen point.
class OwnerLockHold final {
public:
    OwnerLockHold(const TestDatabase &db, const std::string &lockStatement) : m_conn(db.ownerUrl()), m_tx(m_conn)
    {
        m_tx.exec(lockStatement);
    }
    void release() { m_tx.commit(); }

private:
    pqxx::connection m_conn;
    pqxx::work m_tx;
};

/// How many sessions of the test database wait for a lock right now. A connection of its own:
/// within one transaction PostgreSQL shows the same pg_stat_activity however long one polls.
inline int sessionsWaitingOnLocks(const TestDatabase &db)
{
    pqxx::connection conn(db.ownerUrl());
    pqxx::nontransaction tx(conn);
    return tx.exec1("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")[0]
        .as<int>();
}

} // namespace rdk::test

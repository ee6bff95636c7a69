#pragma once

#include "data/pgsession.h"
#include "domain/result.h"

#include <QMutex>
#include <QObject>

#include <deque>
#include <memory>

namespace rdk::data {
class DeskConnection;
}

namespace rdk {

/// A worker connection for the calling thread, whatever thread that is. DeskConnection opens
/// worker sessions on the UI thread only (its verified main session vouches for them), while
/// screens ask from their worker threads; so the request is posted to the UI thread and the
/// caller waits for the answer, never longer than `timeoutMs`: a UI thread that is itself
/// waiting for this worker gets a clear error instead of a deadlock.
Result<std::unique_ptr<data::PgSession>> openWorkerSession(data::DeskConnection &connection, int timeoutMs = 15'000);

/// Worker sessions opened ahead of need on the UI thread, so a worker normally gets one at once
/// and never waits for the UI thread (which may itself be waiting for that worker, e.g. a
/// screen being closed while its first load runs). Each one taken is replaced soon after.
/// Sessions opened before a connection loss, or while a fresh second-factor code was still
/// pending (they can only read), are thrown away rather than handed out.
class WorkerSessionPool final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkerSessionPool)

public:
    WorkerSessionPool(data::DeskConnection &connection, int ready, QObject *parent = nullptr);

    /// Thread-safe: a ready session, or one opened through openWorkerSession() when none is.
    Result<std::unique_ptr<data::PgSession>> take();

private:
    struct Ready final {
        std::unique_ptr<data::PgSession> session;
        bool openedWhileCodePending = false;
    };

    void refill();
    void discardAll();

    data::DeskConnection &m_connection;
    int m_target;
    QMutex m_mutex;
    std::deque<Ready> m_ready;
};

} // namespace rdk

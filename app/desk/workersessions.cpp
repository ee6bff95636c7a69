#include "app/desk/workersessions.h"

#include "data/deskconnection.h"

#include <QMetaObject>
#include <QMutex>
#include <QMutexLocker>
#include <QSemaphore>
#include <QThread>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

/// What the UI thread hands back. If the worker gave up waiting, the session opened late is
/// closed instead of leaking.
struct Handoff final {
    QMutex mutex;
    QSemaphore ready;
    std::optional<Result<std::unique_ptr<data::PgSession>>> result;
    bool abandoned = false;
};

} // namespace

Result<std::unique_ptr<data::PgSession>> openWorkerSession(data::DeskConnection &connection, int timeoutMs)
{
    if (QThread::currentThread() == connection.thread())
        return connection.openWorkerSession();

    auto handoff = std::make_shared<Handoff>();
    QMetaObject::invokeMethod(&connection, [handoff, &connection] {
        {
            QMutexLocker lock(&handoff->mutex);
            if (handoff->abandoned)
                return;
        }
        auto opened = connection.openWorkerSession();
        QMutexLocker lock(&handoff->mutex);
        if (handoff->abandoned)
            return;
        handoff->result.emplace(std::move(opened));
        handoff->ready.release();
    }, Qt::QueuedConnection);

    handoff->ready.tryAcquire(1, timeoutMs);
    QMutexLocker lock(&handoff->mutex);
    if (!handoff->result) {
        handoff->abandoned = true;
        return Error::unavailable(u"The database connection is busy; try again in a moment."_s);
    }
    return std::move(*handoff->result);
}

WorkerSessionPool::WorkerSessionPool(data::DeskConnection &connection, int ready, QObject *parent)
    : QObject(parent), m_connection(connection), m_target(ready)
{
    // A lost connection usually takes the pooled backends with it; a restored one may need a
    // fresh code, so what was opened before is of no use either way.
    connect(&m_connection, &DeskSession::connectionLost, this, &WorkerSessionPool::discardAll);
    connect(&m_connection, &DeskSession::connectionRestored, this, [this] {
        discardAll();
        refill();
    });
    refill();
}

void WorkerSessionPool::discardAll()
{
    std::deque<Ready> stale;
    {
        QMutexLocker lock(&m_mutex);
        stale.swap(m_ready);
    }
}

Result<std::unique_ptr<data::PgSession>> WorkerSessionPool::take()
{
    std::unique_ptr<data::PgSession> session;
    {
        // A session opened while the code was pending can't write; once the person has
        // entered the code, a fresh one (vouched for by the now verified main session) can.
        const bool codePendingNow = m_connection.secondFactorPending();
        QMutexLocker lock(&m_mutex);
        while (!m_ready.empty() && !session) {
            Ready ready = std::move(m_ready.front());
            m_ready.pop_front();
            if (!ready.openedWhileCodePending || codePendingNow)
                session = std::move(ready.session);
        }
    }
    QMetaObject::invokeMethod(this, &WorkerSessionPool::refill, Qt::QueuedConnection);
    if (session)
        return session;
    return openWorkerSession(m_connection);
}

void WorkerSessionPool::refill()
{
    for (;;) {
        {
            QMutexLocker lock(&m_mutex);
            if (int(m_ready.size()) >= m_target)
                return;
        }
        const bool codePending = m_connection.secondFactorPending();
        auto session = m_connection.openWorkerSession();
        if (!session)
            return;   // offline: takers open their own once the connection is back
        QMutexLocker lock(&m_mutex);
        m_ready.push_back(Ready{std::move(session).value(), codePending});
    }
}

} // namespace rdk

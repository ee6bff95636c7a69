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
    refill();
}

Result<std::unique_ptr<data::PgSession>> WorkerSessionPool::take()
{
    std::unique_ptr<data::PgSession> session;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_ready.empty()) {
            session = std::move(m_ready.front());
            m_ready.pop_front();
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
        auto session = m_connection.openWorkerSession();
        if (!session)
            return;   // offline: takers open their own once the connection is back
        QMutexLocker lock(&m_mutex);
        m_ready.push_back(std::move(session).value());
    }
}

} // namespace rdk

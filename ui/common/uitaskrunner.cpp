#include "ui/common/uitaskrunner.h"

#include <QLoggingCategory>
#include <QMetaObject>
#include <QMutexLocker>
#include <QThreadPool>

namespace rdk {
namespace {
Q_LOGGING_CATEGORY(lcTasks, "rdk.ui.tasks")
}

LatestRequest::Ticket LatestRequest::ticket(quint64 generation)
{
    quint64 seen = m_latest->load();
    while (seen < generation && !m_latest->compare_exchange_weak(seen, generation)) {
    }
    return Ticket(m_latest, generation);
}

UiTaskRunner::UiTaskRunner(QObject *parent) : UiTaskRunner(Options{}, parent) {}

UiTaskRunner::UiTaskRunner(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_pool(std::make_unique<QThreadPool>()),
      m_outbox(std::make_shared<Outbox>())
{
    m_outbox->runner = this;
    m_pool->setObjectName(m_options.name);
    m_pool->setMaxThreadCount(qMax(1, m_options.maxThreads));
    // Worker threads stay for the runner's life: a LaneResource keeps to one thread.
    m_pool->setExpiryTimeout(-1);
}

UiTaskRunner::~UiTaskRunner()
{
    // Work that can stop (imports, batches of photos) stops at its next check: its screen is gone.
    m_closing->store(true);
    {
        // From here on, answers of jobs still running go nowhere; queued ones already posted
        // die with this object.
        QMutexLocker lock(&m_outbox->mutex);
        m_outbox->runner = nullptr;
    }
    if (!m_pool->waitForDone(m_options.shutdownWaitMs)) {
        // A job is stuck (a slow query, a dead network): don't freeze the window behind it.
        // The pool is left to finish on its own; jobs hold what they use by value.
        qCWarning(lcTasks, "%s: work still running after %d ms; left to finish in the background",
                  qUtf8Printable(m_options.name), m_options.shutdownWaitMs);
        m_pool->setExpiryTimeout(1000);
        (void)m_pool.release();
    }
}

void UiTaskRunner::enqueue(std::function<void()> task)
{
    m_pool->start(std::move(task));
}

void UiTaskRunner::post(const std::shared_ptr<Outbox> &outbox, std::function<void(UiTaskRunner &)> answer)
{
    QMutexLocker lock(&outbox->mutex);
    UiTaskRunner *runner = outbox->runner;
    if (!runner)
        return;
    // Posted while the runner is alive (the destructor takes the same lock first); if it goes
    // before the event is handled, Qt drops the event with it.
    QMetaObject::invokeMethod(runner, [runner, answer = std::move(answer)] { answer(*runner); }, Qt::QueuedConnection);
}

void UiTaskRunner::began()
{
    if (m_pending++ == 0)
        Q_EMIT busyChanged(true);
}

void UiTaskRunner::ended()
{
    if (--m_pending == 0) {
        Q_EMIT busyChanged(false);
        Q_EMIT idle();
    }
}

} // namespace rdk

#pragma once

#include "domain/result.h"

#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

class QThreadPool;

namespace rdk {

namespace detail {
template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};
} // namespace detail

/// A running job's line to the screen that started it (UiTaskRunner::runWithProgress): the job
/// sends values with report() (a count, one file's outcome) and they reach the caller's
/// `progress` callback on the UI thread, in the order sent and before the job's answer. The
/// job asks isCancelRequested() between steps and, when it is true, stops and answers with
/// what it has done: cancelling never drops that answer. Copies share one line; any thread.
template <typename P>
class TaskProgress final {
public:
    /// Sends `value` to the UI thread. Report at a person's pace (per file, per page), not per
    /// byte: each value is one event on the UI thread.
    void report(P value) const { (*m_send)(std::move(value)); }
    /// The person asked to stop (TaskHandle::requestCancel), or the runner is being destroyed
    /// because its screen closed and nobody is left to see the progress.
    bool isCancelRequested() const { return m_cancel->load() || m_runnerClosing->load(); }

private:
    friend class UiTaskRunner;
    TaskProgress(std::shared_ptr<const std::function<void(P)>> send, std::shared_ptr<const std::atomic_bool> cancel,
                 std::shared_ptr<const std::atomic_bool> runnerClosing)
        : m_send(std::move(send)), m_cancel(std::move(cancel)), m_runnerClosing(std::move(runnerClosing))
    {
    }
    std::shared_ptr<const std::function<void(P)>> m_send;
    std::shared_ptr<const std::atomic_bool> m_cancel;
    std::shared_ptr<const std::atomic_bool> m_runnerClosing;
};

/// The caller's hold on a job started with UiTaskRunner::runWithProgress: a Cancel button
/// calls requestCancel(). A default handle belongs to no job and does nothing.
class TaskHandle final {
public:
    TaskHandle() = default;
    /// Asks the job to stop at its next check; its answer (what it did so far) still comes.
    void requestCancel() const
    {
        if (m_cancel)
            m_cancel->store(true);
    }
    bool isCancelRequested() const { return m_cancel && m_cancel->load(); }

private:
    friend class UiTaskRunner;
    explicit TaskHandle(std::shared_ptr<std::atomic_bool> cancel) : m_cancel(std::move(cancel)) {}
    std::shared_ptr<std::atomic_bool> m_cancel;
};

/// "Latest request wins" for one kind of request (a search box, a filter): each new request
/// takes a ticket, and a ticket older than the newest one is stale. Copies share the counter;
/// tickets are checked from any thread.
class LatestRequest final {
public:
    class Ticket final {
    public:
        Ticket() = default;
        quint64 generation() const { return m_generation; }
        /// A newer request was made since this one (a default ticket is never stale).
        bool isStale() const { return m_latest && m_generation < m_latest->load(); }

    private:
        friend class LatestRequest;
        Ticket(std::shared_ptr<const std::atomic<quint64>> latest, quint64 generation)
            : m_latest(std::move(latest)), m_generation(generation)
        {
        }
        std::shared_ptr<const std::atomic<quint64>> m_latest;
        quint64 m_generation = 0;
    };

    /// A new request: every ticket handed out before it is now stale.
    Ticket next() { return Ticket(m_latest, ++*m_latest); }
    /// For callers that number requests themselves (several pages of one query share a
    /// number): raises the newest number to `generation` if it is higher.
    Ticket ticket(quint64 generation);
    quint64 latest() const { return m_latest->load(); }

private:
    std::shared_ptr<std::atomic<quint64>> m_latest = std::make_shared<std::atomic<quint64>>(0);
};

/// The desk's one way to run work off the UI thread. A job (any callable returning an
/// rdk::Result) runs on one of the runner's worker threads; its result comes back on the
/// runner's (UI) thread to `done`, and only while `receiver` still exists, so an answer never
/// reaches a closed dialog. A job that throws answers with Error::internal.
///
/// Jobs must not touch widgets, and must not share a database session with another thread:
/// they open their own (a factory such as screens.cpp's workerFactory) or, on a runner of one
/// thread, keep one in a LaneResource, which the jobs then never use at the same time.
///
/// Work that streams progress or can be cancelled (an import, a batch of photos, an export)
/// uses runWithProgress(): the job gets a TaskProgress, the caller a TaskHandle.
///
/// The destructor waits at most Options::shutdownWaitMs for unfinished jobs; a job still
/// running then is left to finish on its own (its answer is dropped), so closing a screen never
/// freezes the window behind a slow query. Jobs with a TaskProgress are asked to stop first.
class UiTaskRunner final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UiTaskRunner)

public:
    struct Options {
        QString name;             ///< for logs and debuggers
        int maxThreads = 1;       ///< 1: jobs run one at a time, in the order asked
        int shutdownWaitMs = 5000;
    };

    explicit UiTaskRunner(QObject *parent = nullptr);
    explicit UiTaskRunner(Options options, QObject *parent = nullptr);
    ~UiTaskRunner() override;

    /// Runs `job()` on a worker thread, then `done(result)` on this runner's thread if
    /// `receiver` (which must live on that thread) still exists.
    template <typename Job, typename Done>
    void run(QObject *receiver, Job &&job, Done &&done)
    {
        start(receiver, LatestRequest::Ticket(), std::forward<Job>(job), std::forward<Done>(done));
    }

    /// Same, for "latest request wins": skipped when the ticket is stale before the job
    /// starts, and `done` is not called when it is stale once the result is back.
    template <typename Job, typename Done>
    void run(QObject *receiver, LatestRequest::Ticket ticket, Job &&job, Done &&done)
    {
        start(receiver, std::move(ticket), std::forward<Job>(job), std::forward<Done>(done));
    }

    /// Runs `job(progress)` on a worker thread, where `progress` is a TaskProgress<P>; each
    /// value it reports reaches `onProgress(value)` on this runner's thread, then the result
    /// reaches `done(result)`, both only while `receiver` exists. The returned handle asks the
    /// job to stop; a job that stops still answers.
    template <typename P, typename Job, typename Progress, typename Done>
    TaskHandle runWithProgress(QObject *receiver, Job &&job, Progress &&onProgress, Done &&done)
    {
        auto cancel = std::make_shared<std::atomic_bool>(false);
        auto deliver = std::make_shared<std::decay_t<Progress>>(std::forward<Progress>(onProgress));
        QPointer<QObject> target(receiver);
        const bool hasReceiver = receiver != nullptr;
        auto send = std::make_shared<const std::function<void(P)>>([outbox = m_outbox, deliver, target, hasReceiver](P value) {
            post(outbox, [deliver, target, hasReceiver, value = std::move(value)](UiTaskRunner &) {
                if (!hasReceiver || target)
                    (*deliver)(value);
            });
        });
        TaskProgress<P> progress(std::move(send), cancel, m_closing);
        start(receiver, LatestRequest::Ticket(),
              [job = std::decay_t<Job>(std::forward<Job>(job)), progress]() mutable { return job(std::as_const(progress)); },
              std::forward<Done>(done));
        return TaskHandle(std::move(cancel));
    }

    /// Jobs asked for whose answer has not come back yet (delivered or dropped).
    int pendingJobs() const { return m_pending; }
    bool isBusy() const { return m_pending > 0; }

Q_SIGNALS:
    /// The runner went from idle to busy or back: for a busy cursor or a "Saving…" label.
    void busyChanged(bool busy);
    /// Every job asked for has answered.
    void idle();

private:
    /// Shared with the jobs: lets a worker post an answer only while the runner is alive.
    struct Outbox final {
        QMutex mutex;
        UiTaskRunner *runner = nullptr;
    };

    template <typename Job, typename Done>
    void start(QObject *receiver, LatestRequest::Ticket ticket, Job &&job, Done &&done)
    {
        using R = std::invoke_result_t<std::decay_t<Job> &>;
        static_assert(detail::IsResult<R>::value, "a UiTaskRunner job returns an rdk::Result");
        Q_ASSERT(!receiver || receiver->thread() == thread());
        began();
        QPointer<QObject> target(receiver);
        const bool hasReceiver = receiver != nullptr;
        auto doneFn = std::make_shared<std::decay_t<Done>>(std::forward<Done>(done));
        auto jobFn = std::make_shared<std::decay_t<Job>>(std::forward<Job>(job));
        enqueue([outbox = m_outbox, jobFn, doneFn, target, hasReceiver, ticket] {
            std::shared_ptr<R> result;
            if (!ticket.isStale()) {
                try {
                    result = std::make_shared<R>((*jobFn)());
                } catch (const std::exception &e) {
                    result = std::make_shared<R>(Error::internal(
                        QObject::tr("Unexpected error: %1").arg(QString::fromUtf8(e.what()))));
                }
            }
            post(outbox, [result, doneFn, target, hasReceiver, ticket](UiTaskRunner &runner) {
                // The answer first, then idle(): whoever waits for idle sees its effect. `done`
                // may close the screen that owns the runner, hence the guard.
                QPointer<UiTaskRunner> self(&runner);
                if (result && !ticket.isStale() && (!hasReceiver || target))
                    (*doneFn)(std::as_const(*result));
                if (self)
                    self->ended();
            });
        });
    }

    void enqueue(std::function<void()> task);
    static void post(const std::shared_ptr<Outbox> &outbox, std::function<void(UiTaskRunner &)> answer);
    void began();
    void ended();

    Options m_options;
    std::unique_ptr<QThreadPool> m_pool;
    std::shared_ptr<Outbox> m_outbox;
    /// Set when the destructor starts: jobs with a TaskProgress see it as a cancel request.
    std::shared_ptr<std::atomic_bool> m_closing = std::make_shared<std::atomic_bool>(false);
    int m_pending = 0;
};

/// Something the jobs of a one-thread UiTaskRunner share, made on first use on the worker
/// thread: typically a repository with a database session of its own, opened once and reused.
/// Jobs hold it through a shared_ptr, so it outlives any job still running.
template <typename T>
class LaneResource final {
public:
    using Factory = std::function<Result<std::unique_ptr<T>>()>;
    explicit LaneResource(Factory factory) : m_factory(std::move(factory)) {}

    /// On the worker thread: the resource, or why it can't be made (asked again next time).
    Result<T *> get()
    {
        if (!m_value) {
            auto made = m_factory();
            if (!made)
                return made.error();
            m_value = std::move(made).value();
        }
        return m_value.get();
    }

private:
    Factory m_factory;
    std::unique_ptr<T> m_value;
};

} // namespace rdk

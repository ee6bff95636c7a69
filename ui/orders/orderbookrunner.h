#pragma once

#include "domain/orderbook.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace rdk {

/// Makes an OrderBook with a database session of its own. Called once per worker thread, on
/// that thread; an error means "no database" and is reported through every job's result.
using OrderBookFactory = std::function<Result<std::unique_ptr<OrderBook>>()>;

/// Runs OrderBook calls off the UI thread. Two lanes, each a thread with its own book: one
/// for browsing and actions (in the order they were asked), one for exports, so a long
/// export never delays a click. Answers come back on the runner's thread; an answer for a
/// runner that is gone is dropped.
class OrderBookRunner final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrderBookRunner)

public:
    enum class Lane { Browse, Export };

    explicit OrderBookRunner(OrderBookFactory factory, QObject *parent = nullptr);
    ~OrderBookRunner() override;

    /// Runs `job` with the lane's book, then `done` with its result on this object's thread.
    template <typename R>
    void run(std::function<R(OrderBook &)> job, std::function<void(const R &)> done, Lane lane = Lane::Browse)
    {
        QPointer<OrderBookRunner> self(this);
        began();
        post(lane, [self, job = std::move(job), done = std::move(done)](OrderBook *book, const QString &error) {
            auto result = std::make_shared<R>(book ? job(*book) : R(Error::unavailable(error)));
            if (!self)
                return;  // the screen is closing; nobody waits for the answer
            QMetaObject::invokeMethod(self.data(), [self, result, done] {
                if (!self)
                    return;
                done(*result);
                self->finished();
            });
        });
    }

    /// Jobs asked for and not answered yet (tests wait for 0).
    int pendingJobs() const { return m_pending; }

Q_SIGNALS:
    /// Every job asked for has been answered.
    void idle();

private:
    struct Worker;
    using Task = std::function<void(OrderBook *book, const QString &error)>;
    void post(Lane lane, Task task);
    void began() { ++m_pending; }
    void finished();

    std::unique_ptr<Worker> m_browse;
    std::unique_ptr<Worker> m_export;
    int m_pending = 0;
};

} // namespace rdk

#pragma once

#include "domain/orderbook.h"
#include "ui/common/uitaskrunner.h"

#include <QObject>

#include <functional>
#include <memory>

namespace rdk {

/// Makes an OrderBook with a database session of its own. Called once per worker thread, on
/// that thread; an error means "no database" and is reported through every job's result.
using OrderBookFactory = std::function<Result<std::unique_ptr<OrderBook>>()>;

/// Runs OrderBook calls off the UI thread, on the desk's UiTaskRunner. Two lanes, each one
/// worker thread with its own book (made on first use): one for browsing and actions (in the
/// order they were asked), one for exports, so a long export never delays a click. Answers
/// come back on the runner's thread; an answer for a runner that is gone is dropped.
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
        const bool exporting = lane == Lane::Export;
        std::shared_ptr<LaneResource<OrderBook>> books = exporting ? m_exportBook : m_browseBook;
        (exporting ? m_export : m_browse)->run(this, [books, job = std::move(job)]() -> R {
            auto book = books->get();
            if (!book)
                return R(book.error());
            return job(**book);
        }, std::move(done));
    }

    /// Jobs asked for and not answered yet (tests wait for 0).
    int pendingJobs() const;

Q_SIGNALS:
    /// Every job asked for has been answered.
    void idle();

private:
    // Jobs hold the books too: a book lives until the last job of its lane is done.
    std::shared_ptr<LaneResource<OrderBook>> m_browseBook;
    std::shared_ptr<LaneResource<OrderBook>> m_exportBook;
    UiTaskRunner *m_browse;
    UiTaskRunner *m_export;
};

} // namespace rdk

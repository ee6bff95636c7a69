// UiTaskRunner: the desk's one way to run work off the UI thread (offscreen, no database).
#include "ui/common/uitaskrunner.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <optional>
#include <stdexcept>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

/// Blocks a job until the test lets it go (released in the destructor too, so no test hangs).
struct Gate final {
    QSemaphore open;
    ~Gate() { open.release(100); }
    void wait() { open.acquire(); }
};

} // namespace

class TestUiTaskRunner final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void run_deliversResultOnUiThread()
    {
        UiTaskRunner runner;
        QObject receiver;
        QThread *worker = nullptr;
        QThread *answeredOn = nullptr;
        int answer = 0;
        runner.run(&receiver, [&worker]() -> Result<int> {
            worker = QThread::currentThread();
            return 42;
        }, [&](const Result<int> &result) {
            answeredOn = QThread::currentThread();
            answer = result.value();
        });
        QTRY_COMPARE(answer, 42);
        QVERIFY(worker != QThread::currentThread());
        QCOMPARE(answeredOn, QThread::currentThread());
        QCOMPARE(runner.pendingJobs(), 0);
    }

    void run_deliversErrors_data()
    {
        QTest::addColumn<bool>("throws");
        QTest::addColumn<QString>("message");
        QTest::addRow("error result") << false << u"A product with this SKU already exists."_s;
        QTest::addRow("exception becomes internal error") << true << u"Unexpected error: boom"_s;
    }

    void run_deliversErrors()
    {
        QFETCH(bool, throws);
        QFETCH(QString, message);
        UiTaskRunner runner;
        QObject receiver;
        std::optional<Error> error;
        runner.run(&receiver, [throws, message]() -> Result<void> {
            if (throws)
                throw std::runtime_error("boom");
            return Error::conflict(message);
        }, [&](const Result<void> &result) {
            QVERIFY(!result.ok());
            error = result.error();
        });
        QTRY_VERIFY(error.has_value());
        QCOMPARE(error->message, message);
        QCOMPARE(error->code, throws ? ErrorCode::Internal : ErrorCode::Conflict);
    }

    void oneThread_runsJobsInOrder()
    {
        UiTaskRunner runner;
        QObject receiver;
        QList<int> answers;
        for (int i = 0; i < 20; ++i)
            runner.run(&receiver, [i]() -> Result<int> { return i; }, [&](const Result<int> &r) { answers.append(r.value()); });
        QTRY_COMPARE(answers.size(), 20);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(answers.at(i), i);
    }

    void severalThreads_runJobsSideBySide()
    {
        UiTaskRunner runner(UiTaskRunner::Options{u"test"_s, 2, 5000});
        QObject receiver;
        QSemaphore bothStarted;
        Gate gate;
        int answers = 0;
        for (int i = 0; i < 2; ++i) {
            runner.run(&receiver, [&]() -> Result<void> {
                bothStarted.release();
                gate.wait();
                return {};
            }, [&](const Result<void> &) { ++answers; });
        }
        QVERIFY(bothStarted.tryAcquire(2, 5000));
        gate.open.release(2);
        QTRY_COMPARE(answers, 2);
    }

    void latestRequest_staleResultDropped()
    {
        UiTaskRunner runner(UiTaskRunner::Options{u"test"_s, 2, 5000});
        QObject receiver;
        LatestRequest search;
        Gate slow;
        QStringList shown;
        std::atomic<int> ran{0};
        // "ad" is typed, its query is slow; "adidas" overtakes it and answers first.
        runner.run(&receiver, search.next(), [&]() -> Result<QString> {
            ++ran;
            slow.wait();
            return u"ad"_s;
        }, [&](const Result<QString> &r) { shown.append(r.value()); });
        QTRY_COMPARE(ran.load(), 1);
        runner.run(&receiver, search.next(), [&]() -> Result<QString> {
            ++ran;
            return u"adidas"_s;
        }, [&](const Result<QString> &r) { shown.append(r.value()); });
        QTRY_COMPARE(shown, QStringList{u"adidas"_s});
        slow.open.release();
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(ran.load(), 2);
        QCOMPARE(shown, QStringList{u"adidas"_s});  // the late "ad" answer was dropped
    }

    void latestRequest_staleJobSkippedBeforeItStarts()
    {
        UiTaskRunner runner;  // one thread: the second job waits behind the first
        QObject receiver;
        LatestRequest search;
        Gate busy;
        std::atomic<int> ran{0};
        QStringList shown;
        runner.run(&receiver, [&]() -> Result<void> {
            busy.wait();
            return {};
        }, [](const Result<void> &) {});
        runner.run(&receiver, search.next(), [&]() -> Result<QString> {
            ++ran;
            return u"old"_s;
        }, [&](const Result<QString> &r) { shown.append(r.value()); });
        runner.run(&receiver, search.next(), [&]() -> Result<QString> {
            ++ran;
            return u"new"_s;
        }, [&](const Result<QString> &r) { shown.append(r.value()); });
        busy.open.release();
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(ran.load(), 1);
        QCOMPARE(shown, QStringList{u"new"_s});
    }

    void latestRequest_pagesOfOneGenerationAllDelivered()
    {
        UiTaskRunner runner;
        QObject receiver;
        LatestRequest pages;
        QList<int> offsets;
        for (int offset : {0, 50, 100})
            runner.run(&receiver, pages.ticket(7), [offset]() -> Result<int> { return offset; },
                       [&](const Result<int> &r) { offsets.append(r.value()); });
        QTRY_COMPARE(offsets, (QList<int>{0, 50, 100}));
        QVERIFY(pages.ticket(3).isStale());  // an older number never lowers the newest
        QCOMPARE(pages.latest(), quint64(7));
    }

    void receiverDestroyed_noCallback()
    {
        UiTaskRunner runner;
        auto *receiver = new QObject;
        Gate gate;
        bool called = false;
        runner.run(receiver, [&]() -> Result<int> {
            gate.wait();
            return 1;
        }, [&, receiver](const Result<int> &) {
            called = true;
            receiver->setObjectName(u"touched"_s);  // would be a use-after-free
        });
        delete receiver;
        gate.open.release();
        QTRY_VERIFY(!runner.isBusy());
        QVERIFY(!called);
    }

    void runnerDestroyed_waitIsBounded()
    {
        auto gate = std::make_shared<Gate>();
        auto *runner = new UiTaskRunner(UiTaskRunner::Options{u"stuck"_s, 1, 100});
        QObject receiver;
        std::atomic<bool> started{false};
        auto finished = std::make_shared<std::atomic<bool>>(false);
        bool called = false;
        runner->run(&receiver, [gate, &started, finished]() -> Result<int> {
            started = true;
            gate->wait();
            *finished = true;
            return 1;
        }, [&](const Result<int> &) { called = true; });
        QTRY_VERIFY(started.load());
        QElapsedTimer timer;
        timer.start();
        QTest::ignoreMessage(QtWarningMsg, "stuck: work still running after 100 ms; left to finish in the background");
        delete runner;
        QVERIFY2(timer.elapsed() < 2000, "closing waited for the stuck job");
        gate->open.release();
        QTRY_VERIFY(finished->load());
        QTest::qWait(50);  // its answer has nowhere to go
        QVERIFY(!called);
    }

    void busyChanged_reportsStartAndEnd()
    {
        UiTaskRunner runner;
        QObject receiver;
        QSignalSpy busy(&runner, &UiTaskRunner::busyChanged);
        QSignalSpy idle(&runner, &UiTaskRunner::idle);
        Gate gate;
        for (int i = 0; i < 3; ++i)
            runner.run(&receiver, [&]() -> Result<void> {
                gate.wait();
                return {};
            }, [](const Result<void> &) {});
        QVERIFY(runner.isBusy());
        QCOMPARE(runner.pendingJobs(), 3);
        QCOMPARE(busy.size(), 1);
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        gate.open.release(3);
        QTRY_COMPARE(idle.size(), 1);
        QCOMPARE(busy.size(), 2);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
    }

    void runWithProgress_valuesArriveInOrderOnTheUiThreadBeforeTheAnswer()
    {
        UiTaskRunner runner;
        QObject receiver;
        QList<int> seen;
        QList<QThread *> seenOn;
        std::atomic<QThread *> worker{nullptr};
        std::optional<int> answer;
        int seenWhenAnswered = -1;
        const TaskHandle handle = runner.runWithProgress<int>(&receiver, [&worker](const TaskProgress<int> &progress) -> Result<int> {
            worker = QThread::currentThread();
            for (int step = 1; step <= 5; ++step)
                progress.report(step);
            return 5;
        }, [&](int step) {
            seen.append(step);
            seenOn.append(QThread::currentThread());
        }, [&](const Result<int> &r) {
            answer = r.value();
            seenWhenAnswered = int(seen.size());
        });
        QTRY_VERIFY(answer.has_value());
        QCOMPARE(seen, (QList<int>{1, 2, 3, 4, 5}));
        QCOMPARE(seenWhenAnswered, 5);  // every value came before the answer
        QVERIFY(worker.load() != QThread::currentThread());
        for (QThread *thread : std::as_const(seenOn))
            QCOMPARE(thread, QThread::currentThread());
        QVERIFY(!handle.isCancelRequested());
    }

    void runWithProgress_cancel_jobStopsAtItsNextCheckAndStillAnswers()
    {
        UiTaskRunner runner;
        QObject receiver;
        Gate nextStep;
        QList<int> seen;
        std::optional<Result<int>> answer;
        TaskHandle handle;
        // Ten steps, each waiting for the test: Cancel is clicked while step 2 is shown.
        handle = runner.runWithProgress<int>(&receiver, [&nextStep](const TaskProgress<int> &progress) -> Result<int> {
            int done = 0;
            while (done < 10 && !progress.isCancelRequested()) {
                nextStep.wait();
                progress.report(++done);
            }
            return done;
        }, [&](int step) {
            seen.append(step);
            if (step == 2)
                handle.requestCancel();
        }, [&](const Result<int> &r) { answer = r; });
        nextStep.open.release();
        QTRY_COMPARE(seen.size(), 1);
        nextStep.open.release();
        QTRY_VERIFY(handle.isCancelRequested());
        nextStep.open.release();  // the step under way when Cancel came is finished
        QTRY_VERIFY(answer.has_value());
        QVERIFY(answer->ok());
        QCOMPARE(answer->value(), 3);
        QCOMPARE(seen, (QList<int>{1, 2, 3}));
        TaskHandle().requestCancel();  // a handle of no job is harmless
    }

    void runWithProgress_receiverGone_noProgressAndNoAnswer()
    {
        UiTaskRunner runner;
        auto *receiver = new QObject;
        Gate gate;
        bool called = false;
        runner.runWithProgress<int>(receiver, [&gate](const TaskProgress<int> &progress) -> Result<int> {
            gate.wait();
            progress.report(1);
            return 1;
        }, [&called](int) { called = true; }, [&called](const Result<int> &) { called = true; });
        delete receiver;
        gate.open.release();
        QTRY_VERIFY(!runner.isBusy());
        QVERIFY(!called);
    }

    void runnerDestroyed_asksJobsWithProgressToStop()
    {
        auto *runner = new UiTaskRunner;
        QObject receiver;
        std::atomic<bool> started{false};
        auto stoppedAfter = std::make_shared<std::atomic<int>>(-1);
        runner->runWithProgress<int>(&receiver, [&started, stoppedAfter](const TaskProgress<int> &progress) -> Result<int> {
            started = true;
            int steps = 0;
            // Stands for a long batch: it only ends because it is asked to.
            while (!progress.isCancelRequested()) {
                ++steps;
                QThread::msleep(1);
            }
            *stoppedAfter = steps;
            return steps;
        }, [](int) {}, [](const Result<int> &) {});
        QTRY_VERIFY(started.load());
        delete runner;
        // The destructor returned after the job did: a job left running would not have stopped yet.
        QVERIFY(stoppedAfter->load() >= 0);
    }

    void laneResource_madeOnceOnTheWorker()
    {
        UiTaskRunner runner;
        QObject receiver;
        std::atomic<int> made{0};
        std::atomic<QThread *> madeOn{nullptr};
        auto books = std::make_shared<LaneResource<QString>>([&]() -> Result<std::unique_ptr<QString>> {
            if (made++ == 0)
                return Error::unavailable(u"The database is not reachable."_s);
            madeOn = QThread::currentThread();
            return std::make_unique<QString>(u"book"_s);
        });
        QStringList answers;
        for (int i = 0; i < 3; ++i) {
            runner.run(&receiver, [books]() -> Result<QString> {
                auto book = books->get();
                if (!book)
                    return book.error();
                return **book;
            }, [&](const Result<QString> &r) { answers.append(r ? r.value() : r.error().message); });
        }
        QTRY_COMPARE(answers.size(), 3);
        QCOMPARE(answers, (QStringList{u"The database is not reachable."_s, u"book"_s, u"book"_s}));
        QCOMPARE(made.load(), 2);  // a failure is retried, a success kept
        QVERIFY(madeOn.load() != QThread::currentThread());
    }
};

QTEST_GUILESS_MAIN(TestUiTaskRunner)
#include "tst_uitaskrunner.moc"

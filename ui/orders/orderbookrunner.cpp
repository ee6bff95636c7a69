#include "ui/orders/orderbookrunner.h"

#include <QThread>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

/// A thread plus the book that lives (and dies) on it; the book is made on first use, on
/// that thread, and destroyed there, so its connection never crosses threads.
struct OrderBookRunner::Worker {
    Worker(OrderBookFactory f, const QString &name) : factory(std::move(f))
    {
        thread.setObjectName(name);
        context = new QObject;
        context->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, context, [this] {
            book.reset();
            delete context;
        });
        thread.start();
    }

    ~Worker()
    {
        thread.quit();
        thread.wait();
    }

    OrderBook *ensureBook(QString *error)
    {
        if (!book) {
            auto made = factory();
            if (!made) {
                *error = made.error().message;
                return nullptr;
            }
            book = std::move(made).value();
        }
        return book.get();
    }

    OrderBookFactory factory;
    QThread thread;
    QObject *context = nullptr;
    std::unique_ptr<OrderBook> book;
};

OrderBookRunner::OrderBookRunner(OrderBookFactory factory, QObject *parent)
    : QObject(parent),
      m_browse(std::make_unique<Worker>(factory, u"orders-browse"_s)),
      m_export(std::make_unique<Worker>(factory, u"orders-export"_s))
{
}

OrderBookRunner::~OrderBookRunner() = default;

void OrderBookRunner::post(Lane lane, Task task)
{
    Worker *worker = lane == Lane::Export ? m_export.get() : m_browse.get();
    QMetaObject::invokeMethod(worker->context, [worker, task = std::move(task)] {
        QString error;
        OrderBook *book = worker->ensureBook(&error);
        task(book, error);
    });
}

void OrderBookRunner::finished()
{
    if (--m_pending == 0)
        Q_EMIT idle();
}

} // namespace rdk

#include "ui/pos/orderwatcher.h"

#include "domain/backoff.h"

namespace rdk {
namespace {

constexpr int kPollMs = 3000;

} // namespace

OrderWatcher::OrderWatcher(UiTaskRunner &jobs, PosStoreFactory stores, OrderChangeFeed *feed, QObject *parent)
    : QObject(parent), m_jobs(jobs), m_stores(std::move(stores)), m_feed(feed)
{
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (m_waiting)
            refresh();
    });
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &OrderWatcher::refresh);
    if (m_feed) {
        connect(m_feed, &OrderChangeFeed::orderChanged, this, &OrderWatcher::onOrderChanged);
        connect(m_feed, &OrderChangeFeed::paymentWorkChanged, this, &OrderWatcher::onOrderChanged);
        connect(m_feed, &OrderChangeFeed::connectionChanged, this, &OrderWatcher::onConnectionChanged);
    } else {
        m_poll.start();  // no live feed: look now and then while a sale waits
    }
}

void OrderWatcher::watch(const QString &orderId)
{
    if (orderId == m_orderId)
        return;
    ++m_generation;
    m_orderId = orderId;
}

void OrderWatcher::forget()
{
    ++m_generation;
    m_orderId.clear();
    m_waiting = false;
    m_failures = 0;
    m_retryTimer.stop();
}

void OrderWatcher::refresh()
{
    if (m_orderId.isEmpty())
        return;
    if (m_readRunning) {
        m_readAgain = true;
        return;
    }
    m_readRunning = true;
    const int generation = m_generation;
    const QString id = m_orderId;
    runStoreJob<PosOrderState>(m_jobs, this, m_stores, [id](PosStore &store) { return store.orderState(id); },
                               [this, generation](const Result<PosOrderState> &result) {
                                   m_readRunning = false;
                                   if (generation == m_generation) {
                                       if (result)
                                           Q_EMIT orderRead(*result);
                                       else
                                           Q_EMIT readFailed(result.error());
                                   }
                                   if (m_readAgain) {
                                       m_readAgain = false;
                                       refresh();
                                   }
                               });
}

void OrderWatcher::failed()
{
    if (m_orderId.isEmpty())
        return;
    ++m_failures;
    // 1 s, 2 s, 4 s ... up to 30 s: the order's real state is read again until it answers.
    static constexpr Backoff refreshBackoff(std::chrono::seconds(1), std::chrono::seconds(30));
    m_retryTimer.start(refreshBackoff.delay(m_failures));
}

bool OrderWatcher::answered()
{
    const bool hadFailed = m_failures > 0;
    m_failures = 0;
    m_retryTimer.stop();
    return hadFailed;
}

void OrderWatcher::onOrderChanged(const QString &orderId)
{
    if (m_orderId.isEmpty() || orderId != m_orderId)
        return;  // another till's order, or a sale the counter has moved on from
    refresh();
}

void OrderWatcher::onConnectionChanged(bool connected)
{
    if (!connected) {
        m_poll.start();
        Q_EMIT feedLost();
        return;
    }
    m_poll.stop();
    // Notifications sent while the feed was down are gone: read the real state.
    refresh();
}

} // namespace rdk

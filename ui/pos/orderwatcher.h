#pragma once

#include "domain/pos.h"
#include "ui/pos/posstorejobs.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace rdk {

/// Keeps the counter's open order fresh. It re-reads the order whenever the feed says it moved
/// (a wake-up, never a state: a login of the shop can forge a notice, not the database's row),
/// when the feed comes back, every 3 s while the feed is down or absent and a sale waits, and
/// after a failed call with backoff (1 s doubling to 30 s) until the store answers. One read
/// runs at a time (one asked for meanwhile runs after it); an answer about an order it no
/// longer watches is dropped. Part of SaleController; it never touches a widget.
class OrderWatcher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrderWatcher)

public:
    /// `feed` is not owned and may be null (then it polls while polling is wanted).
    OrderWatcher(UiTaskRunner &jobs, PosStoreFactory stores, OrderChangeFeed *feed, QObject *parent = nullptr);

    /// Watches `orderId` from now on (no read yet).
    void watch(const QString &orderId);
    /// Watches nothing: reads in flight are dropped when they answer.
    void forget();
    const QString &orderId() const { return m_orderId; }
    /// Whether a waiting sale wants reads while the feed is down (the owner says).
    void setWaiting(bool waiting) { m_waiting = waiting; }

    /// Reads the order now, or right after the read that is running.
    void refresh();
    /// A call about the order failed: read it again after the next backoff delay.
    void failed();
    /// The store answered about the order (any call): back to the first delay. Returns true
    /// when calls had failed since the last answer.
    bool answered();

Q_SIGNALS:
    void orderRead(const rdk::PosOrderState &state);
    void readFailed(const rdk::Error &error);
    /// The feed was lost: changes are only seen by polling until it is back.
    void feedLost();

private:
    void onOrderChanged(const QString &orderId);
    void onConnectionChanged(bool connected);

    UiTaskRunner &m_jobs;
    PosStoreFactory m_stores;
    QPointer<OrderChangeFeed> m_feed;
    QString m_orderId;
    int m_generation = 0;   // bumps whenever the watched order changes: older answers are stale
    bool m_waiting = false;
    bool m_readRunning = false;
    bool m_readAgain = false;
    int m_failures = 0;
    QTimer m_poll;          // re-reads while the feed is down (or absent)
    QTimer m_retryTimer;    // re-reads after a failed call
};

} // namespace rdk

#pragma once

#include "domain/payment.h"
#include "domain/result.h"
#include "sync/http/metrics.h"
#include "sync/sessionprovider.h"

#include <QMutex>
#include <QWaitCondition>

#include <deque>
#include <optional>
#include <thread>
#include <vector>

namespace rdk::sync {

/// Stripe's webhooks that arrive together are applied together (ADR 0031). A handler hands
/// its event over and waits. A sending thread of the batcher sends everything that waits, up to
/// kMaxBatch, to the database as one transaction (rdk.apply_payment_events), while the events
/// that arrive meanwhile gather for the next send. Every payment of a shop touches the same
/// dashboard rows and takes the database's one notification lock at commit, so per-event
/// transactions queue for each other anyway; in one transaction they pay for that once.
///
/// There are kLanes sending threads, each with its own database connection (ADR 0035). The
/// second sends only while the first is busy and at least kSecondLaneBatch events wait: a
/// shop's payments then use a second core, and a quiet shop still gathers its events into
/// one batch instead of splitting them into two small ones.
///
/// Each event is still answered only after the transaction that applied it committed, and an
/// event that fails leaves the others of its batch applied. Thread-safe.
class WebhookBatcher final {
public:
    static constexpr int kMaxBatch = 32;   ///< what rdk.apply_payment_events takes
    static constexpr int kLanes = 2;                      ///< sending threads (and connections)
    static constexpr int kSecondLaneBatch = kMaxBatch / 2;   ///< waiting events that start another send

    /// `metrics`, when given, observes each send's size (rdk_webhook_batch_events).
    explicit WebhookBatcher(SessionProvider &sessions, MetricsRegistry *metrics = nullptr);
    /// Sends what still waits, then ends the sending thread.
    ~WebhookBatcher();
    WebhookBatcher(const WebhookBatcher &) = delete;
    WebhookBatcher &operator=(const WebhookBatcher &) = delete;

    /// Applies `event` (with whatever else waits) and returns its outcome once committed.
    /// Blocks the calling thread meanwhile.
    Result<EventOutcome> apply(const PaymentEvent &event);

    /// Events handed over and not yet sent to the database.
    int waitingCount() const;

private:
    struct Waiting {
        const PaymentEvent *event;
        std::optional<Result<EventOutcome>> result;
    };
    /// A sending thread: sends up to kMaxBatch waiting events at a time and answers each,
    /// until stopped with nothing left to send.
    void sendLoop();
    /// Whether a sending thread should take what waits now (called with m_mutex held).
    bool worthSending() const;
    /// Applies `events` in one transaction: one outcome per event, or the error of the send.
    Result<QList<Result<EventOutcome>>> send(const QList<PaymentEvent> &events);

    SessionProvider &m_sessions;
    MetricsRegistry *m_metrics;
    mutable QMutex m_mutex;
    QWaitCondition m_arrived;   // sending threads wait here for events
    QWaitCondition m_sent;      // handlers wait here for their answers
    std::deque<Waiting *> m_waiting;
    int m_sending = 0;          // batches in the database now
    bool m_stopping = false;
    std::vector<std::thread> m_senders;   // last: start once the members above exist
};

} // namespace rdk::sync

#pragma once

#include "data/pgstriperequestqueue.h"
#include "domain/money.h"
#include "domain/result.h"
#include "sync/stripe/stripeclient.h"

#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <optional>

namespace rdk::sync {

class MetricsRegistry;
class SessionProvider;
class StripeRequestCalls;

/// One item of a POS payment link: what createPrice gets, and the quantity on the link.
struct PaymentLinkItem final {
    QString name;
    Money unitPrice;
    int quantity = 1;
};

/// The Prices a payment link for `order` needs. Without discounts, one per line ("Air Max 90 —
/// size 10", unit amount, quantity), so the buyer sees what they buy; with any discount (or a
/// total that the lines don't add up to, or more lines than Stripe's 20 per link) ONE price for
/// the whole order ("Order RDK-1001, 3 items"), because Stripe has no per-line discount on a link
/// and the amount paid must equal orders.total_minor for the webhook to accept it. Invalid for an
/// empty or zero order, and for lines whose sum can't be taken (another currency, an overflow).
Result<QList<PaymentLinkItem>> paymentLinkItems(const data::StripeRequestOrder &order);

/// What to refund for `request` of `order`: nullopt for everything not yet refunded (Stripe's
/// default), else the request's amount, which must be more than zero and in the order's currency.
Result<std::optional<Money>> refundAmount(const data::StripeRequestRow &request, const data::StripeRequestOrder &order);

/// Why Stripe could not be reached, in a few words for the staff sentence ("it answered HTTP
/// 503", "no answer in time"), read from the kind of failure and Stripe's status, never from the
/// client's message.
QString unreachableReason(const StripeCallError &error);

/// The sentence staff read when a Stripe call failed while working a request of `kind`
/// (payment_link, deactivate_link, refund): for an unreachable Stripe, why and what it means for
/// the sale; otherwise the client's own sentence (Stripe's refusal, a bad argument).
QString failureSentence(const QString &kind, const StripeCallError &error);

struct StripeRequestWorkerOptions final {
    QString tenantId;                   ///< the shop this service serves: only its requests are touched
    std::chrono::milliseconds pollInterval{3000};   ///< safety net for missed notifications
    int concurrency = 4;                ///< requests worked on at once
    /// Deactivations and refunds that failed as "Stripe unreachable" are tried again until the
    /// request has been attempted this often (counting earlier claims, see attempts).
    int maxAttempts = 4;
    std::chrono::milliseconds retryBackoff{2000};   ///< doubled per retry
    /// This process's name on its claims ("host:pid"): several rdk-sync processes work one queue,
    /// each claim is leased to its claimer for 30 s and renewed every `leaseRenewal` while the
    /// request is worked, so no other process takes it over meanwhile (ADR 0029).
    QString claimer;
    std::chrono::milliseconds leaseRenewal{10'000};
};

/// "host:pid" of this process, as its claims of shared work name it.
QString processClaimerName();

/// Makes the Stripe calls the desk asks for through the stripe_requests table (ADR 0007):
/// payment links for counter sales, their deactivation, and refunds. It looks at the queue when
/// woken (the composition root wakes it on a notice on the shop's private "stripe_requests"
/// channel, migration 0013, and when that LISTEN connection is back after a drop) and also
/// polls, so a missed notification or a request left `working` by a crashed worker is picked up
/// (the database hands those out again after two minutes). Every Stripe call carries an
/// idempotency key derived from our ids, so working a request twice never makes a second link
/// or refund.
///
/// The work runs on a thread pool of its own, never on the HTTP event loop, and blocks on the
/// given Stripe calls. So that stopping the service (which blocks the calling thread in stop())
/// can't deadlock calls in flight, the calls must not need the thread that calls stop():
/// StripeClientRequestCalls runs its client on a thread of its own.
class StripeRequestWorker final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StripeRequestWorker)

public:
    /// `stripe`, `sessions` and `metrics` must outlive the worker.
    StripeRequestWorker(StripeRequestWorkerOptions options, StripeRequestCalls &stripe, SessionProvider &sessions,
                        MetricsRegistry &metrics, QObject *parent = nullptr);
    ~StripeRequestWorker() override;

    /// Takes requests from now on, beginning with whatever was queued while the service was down.
    void start();
    /// Stops taking requests and waits (bounded) for those in flight.
    void stop();

    /// Looks at the queue now (a notice came, or the LISTEN connection is back). A flood of
    /// wake-ups, forged or not, costs at most one claim after the one running: claims never
    /// overlap. Ignored while stopped.
    void wake();

    /// What working one request came to.
    struct Outcome final {
        bool ok = false;
        QJsonObject result;
        QString error;      ///< a sentence for staff when !ok
    };

private:
    void claimBatch();
    /// Extends the leases of the requests in flight, on a thread of its own (the pool's threads
    /// may all be waiting on Stripe).
    void renewLeases();
    void process(const data::StripeRequestRow &row);
    Outcome makePaymentLink(const data::StripeRequestRow &row);
    Outcome deactivateLink(const data::StripeRequestRow &row);
    Outcome refund(const data::StripeRequestRow &row);
    /// Turns the link off, retrying while Stripe is unreachable (bounded).
    StripeCallStatus deactivate(const data::StripeRequestRow &row, const QString &paymentLinkId);
    Result<std::optional<data::StripeRequestOrder>> loadOrder(const QString &orderId);
    /// Waits before retry `attempt` (1-based); false when the worker is stopping.
    bool backoff(int attempt);
    void count(const QString &kind, const char *outcome);

    StripeRequestWorkerOptions m_options;
    StripeRequestCalls &m_stripe;
    SessionProvider &m_sessions;
    MetricsRegistry &m_metrics;
    QThreadPool m_pool;
    QThreadPool m_leasePool;                // one thread: lease renewals
    QTimer m_poll;
    QTimer m_leaseTimer;
    std::atomic_bool m_claiming{false};
    std::atomic_bool m_claimAgain{false};
    std::atomic_bool m_stopping{true};      // until start()
    QMutex m_mutex;
    QSet<qint64> m_inFlight;            // guarded by m_mutex
    QString m_lastClaimError;           // guarded by m_mutex
};

} // namespace rdk::sync

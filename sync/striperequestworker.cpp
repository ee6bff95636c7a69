#include "sync/striperequestworker.h"

#include "domain/backoff.h"
#include "domain/logcontext.h"
#include "domain/order.h"
#include "sync/http/metrics.h"
#include "sync/sessionprovider.h"
#include "sync/stripe/striperequestcalls.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSysInfo>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcStripeWork, "rdk.sync.stripework")

namespace rdk::sync {
namespace {

constexpr char kMetric[] = "rdk_stripe_requests_total";
constexpr qsizetype kMaxPaymentLinkLines = 20;   // Stripe's limit of line items on a payment link

bool awaitingPayment(const data::StripeRequestOrder &order)
{
    return order.status == OrderStatus::Pending || order.status == OrderStatus::AwaitingPayment;
}

QString lineName(const data::StripeOrderLine &line)
{
    return line.size.isEmpty() ? line.name : u"%1 — size %2"_s.arg(line.name, line.size);
}

} // namespace

Result<QList<PaymentLinkItem>> paymentLinkItems(const data::StripeRequestOrder &order)
{
    if (order.lines.isEmpty())
        return Error::invalid(u"The order has no items to charge for."_s);
    if (order.total.minor() <= 0)
        return Error::invalid(u"Nothing to charge: the order's total is zero."_s);
    bool discounted = order.discount.minor() > 0;
    Money undiscounted = Money::zero(order.total.currency());
    int units = 0;
    for (const data::StripeOrderLine &line : order.lines) {
        discounted = discounted || line.discount.minor() > 0;
        auto lineAmount = line.unitPrice.times(line.quantity);
        if (!lineAmount)
            return lineAmount.error();
        auto sum = undiscounted.plus(*lineAmount);
        if (!sum)
            return sum.error();
        undiscounted = *sum;
        units += line.quantity;
    }
    QList<PaymentLinkItem> items;
    if (!discounted && undiscounted == order.total && order.lines.size() <= kMaxPaymentLinkLines) {
        for (const data::StripeOrderLine &line : order.lines)
            items.append({lineName(line), line.unitPrice, line.quantity});
        return items;
    }
    const QString name = units == 1 ? u"Order %1, 1 item"_s.arg(formatOrderNumber(order.orderNumber))
                                    : u"Order %1, %2 items"_s.arg(formatOrderNumber(order.orderNumber)).arg(units);
    items.append({name, order.total, 1});
    return items;
}

Result<std::optional<Money>> refundAmount(const data::StripeRequestRow &request, const data::StripeRequestOrder &order)
{
    if (!request.amount)
        return std::optional<Money>();
    if (request.amount->minor() <= 0)
        return Error::invalid(u"A refund must be more than zero."_s);
    if (request.amount->currency() != order.total.currency())
        return Error::invalid(u"The refund is in %1 but the order was paid in %2."_s.arg(request.amount->currency(),
                                                                                      order.total.currency()));
    return std::optional<Money>(*request.amount);
}

QString processClaimerName()
{
    return u"%1:%2"_s.arg(QSysInfo::machineHostName().left(150)).arg(QCoreApplication::applicationPid());
}

QString unreachableReason(const StripeCallError &error)
{
    switch (error.failure) {
    case StripeFailure::ServerError:
        return u"it answered HTTP %1"_s.arg(error.httpStatus);
    case StripeFailure::RateLimited:
        return u"too many requests"_s;
    case StripeFailure::NoAnswer:
        return u"no answer in time"_s;
    case StripeFailure::ShuttingDown:
        return u"the service was stopping"_s;
    case StripeFailure::NetworkError:
    case StripeFailure::NotSent:
    case StripeFailure::Refused:
    case StripeFailure::BadAnswer:
        break;
    }
    return u"network error"_s;
}

QString failureSentence(const QString &kind, const StripeCallError &error)
{
    if (error.code != ErrorCode::Unavailable)
        return error.message;
    const QString reason = unreachableReason(error);
    if (kind == u"deactivate_link"_s)
        return u"Stripe could not be reached (%1), so the payment link may still work; turn it off in Stripe's "
               "dashboard if the buyer must not pay."_s.arg(reason);
    if (kind == u"refund"_s)
        return u"Stripe could not be reached (%1). No money was refunded; try again."_s.arg(reason);
    return u"Stripe could not be reached (%1). The order keeps its stock; try again."_s.arg(reason);
}

StripeRequestWorker::StripeRequestWorker(StripeRequestWorkerOptions options, StripeRequestCalls &stripe,
                                         SessionProvider &sessions, MetricsRegistry &metrics, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_stripe(stripe), m_sessions(sessions), m_metrics(metrics)
{
    m_metrics.addCounter(kMetric, "Stripe work done for the desk (payment links, deactivations, refunds), by outcome",
                         {"kind", "outcome"});
    m_pool.setMaxThreadCount(std::max(1, m_options.concurrency) + 1);   // + the claiming task
    m_poll.setInterval(m_options.pollInterval);
    connect(&m_poll, &QTimer::timeout, this, &StripeRequestWorker::wake);
    if (m_options.claimer.isEmpty())
        m_options.claimer = processClaimerName();
    m_leasePool.setMaxThreadCount(1);
    m_leasePool.setExpiryTimeout(-1);   // keeps its session open between renewals
    m_leaseTimer.setInterval(m_options.leaseRenewal);
    connect(&m_leaseTimer, &QTimer::timeout, this, &StripeRequestWorker::renewLeases);
}

StripeRequestWorker::~StripeRequestWorker()
{
    stop();
}

void StripeRequestWorker::start()
{
    m_stopping = false;
    m_poll.start();
    m_leaseTimer.start();
    wake();   // whatever was queued while the service was down
}

void StripeRequestWorker::stop()
{
    m_stopping = true;
    m_poll.stop();
    m_leaseTimer.stop();
    // Requests still in flight finish their current Stripe call (bounded by its timeout);
    // one cut short stays `working` and is claimed again later, with the same idempotency keys.
    m_pool.waitForDone(30'000);
    m_leasePool.waitForDone(10'000);
}

void StripeRequestWorker::renewLeases()
{
    QList<qint64> ids;
    {
        QMutexLocker lock(&m_mutex);
        ids = m_inFlight.values();
    }
    if (ids.isEmpty() || m_stopping || m_leasePool.activeThreadCount() > 0)
        return;
    (void)QtConcurrent::run(&m_leasePool, [this, ids] {
        auto renewed = m_sessions.run([&](data::PgSession &s) { return data::PgStripeRequestQueue(s).renew(ids, m_options.claimer); });
        if (!renewed) {
            qCWarning(lcStripeWork).noquote() << "can't renew the claims of" << ids.size() << "Stripe requests yet:"
                                              << renewed.error().message;
            return;
        }
        for (qint64 id : ids) {
            // Finished meanwhile, or taken over after our lease lapsed: the other claimer redoes
            // it with the same idempotency keys, so nothing is made twice at Stripe.
            if (!renewed->contains(id))
                qCDebug(lcStripeWork) << "Stripe request" << id << "is no longer ours to renew";
        }
    });
}

void StripeRequestWorker::wake()
{
    if (m_stopping)
        return;
    if (m_claiming.exchange(true)) {
        m_claimAgain = true;   // the running claim goes round once more
        return;
    }
    (void)QtConcurrent::run(&m_pool, [this] {
        for (;;) {
            do {
                m_claimAgain = false;
                claimBatch();
            } while (m_claimAgain && !m_stopping);
            m_claiming = false;
            // A request for another round that came just after the last check must not be
            // lost: go round again unless someone else took over the claiming meanwhile.
            if (!m_claimAgain || m_stopping || m_claiming.exchange(true))
                break;
        }
    });
}

void StripeRequestWorker::claimBatch()
{
    int free = 0;
    {
        QMutexLocker lock(&m_mutex);
        free = m_options.concurrency - int(m_inFlight.size());
    }
    if (free <= 0 || m_stopping)
        return;
    auto rows = m_sessions.run([&](data::PgSession &s) { return data::PgStripeRequestQueue(s).claim(free, m_options.claimer); });
    if (!rows) {
        // Once per distinct problem, not every poll: a database that is down or behind on
        // migrations would otherwise fill the log every few seconds.
        QMutexLocker lock(&m_mutex);
        if (rows.error().message != m_lastClaimError)
            qCWarning(lcStripeWork).noquote() << "can't claim Stripe requests yet:" << rows.error().message;
        m_lastClaimError = rows.error().message;
        return;
    }
    {
        QMutexLocker lock(&m_mutex);
        if (!m_lastClaimError.isEmpty())
            qCInfo(lcStripeWork) << "claiming Stripe requests again";
        m_lastClaimError.clear();
    }
    for (const data::StripeRequestRow &row : std::as_const(*rows)) {
        if (row.tenantId != m_options.tenantId) {
            // The database scopes claims to our tenant; this is a second lock on the door.
            qCCritical(lcStripeWork).noquote() << "refused Stripe request" << row.id << "of another shop";
            count(row.kind, "foreign");
            continue;
        }
        {
            QMutexLocker lock(&m_mutex);
            if (m_inFlight.contains(row.id))
                continue;   // ours, still being worked (handed out again as "stuck")
            m_inFlight.insert(row.id);
        }
        (void)QtConcurrent::run(&m_pool, [this, row] {
            process(row);
            {
                QMutexLocker lock(&m_mutex);
                m_inFlight.remove(row.id);
            }
            // A slot is free: take the next request now. A burst (every abandoned sale of the
            // day canceled by one sweep) would otherwise wait for the poll, four at a time.
            wake();
        });
    }
    if (rows->size() == free)
        m_claimAgain = true;   // there may be more waiting
}

void StripeRequestWorker::process(const data::StripeRequestRow &row)
{
    const ScopedLogField tenantField(u"tenant"_s, m_options.tenantId);
    const ScopedLogField orderField(u"order_id"_s, row.orderId);
    const ScopedLogField requestField(u"stripe_request_id"_s, QString::number(row.id));
    QElapsedTimer timer;
    timer.start();
    Outcome outcome;
    if (row.kind == u"payment_link"_s)
        outcome = makePaymentLink(row);
    else if (row.kind == u"deactivate_link"_s)
        outcome = deactivateLink(row);
    else if (row.kind == u"refund"_s)
        outcome = refund(row);
    else
        outcome = {false, {}, u"rdk-sync does not know this kind of Stripe request (%1)."_s.arg(row.kind.left(40))};

    // Recorded while the claim is still ours (the lease is renewed meanwhile): a database that
    // is restarting must not hand the request, done at Stripe, to another process to redo.
    Status finished = Error::unavailable(u"not recorded yet"_s);
    for (int attempt = 1;; ++attempt) {
        finished = m_sessions.run([&](data::PgSession &s) {
            return data::PgStripeRequestQueue(s).finish(row.id, outcome.ok, outcome.result, outcome.error);
        });
        if (finished || finished.error().code != ErrorCode::Unavailable || attempt >= m_options.maxAttempts
            || !backoff(attempt))
            break;
        count(row.kind, "retry");
    }
    if (!finished) {
        // Left `working`: handed out again once its lease ran out, and redone with the same keys.
        qCWarning(lcStripeWork).noquote() << "Stripe request" << row.id << "done but not recorded yet:" << finished.error().message;
        count(row.kind, "unrecorded");
        return;
    }
    count(row.kind, outcome.ok ? "done" : "failed");
    if (outcome.ok)
        qCInfo(lcStripeWork).noquote() << row.kind << "request" << row.id << "done in" << timer.elapsed() << "ms";
    else
        qCWarning(lcStripeWork).noquote() << row.kind << "request" << row.id << "failed in" << timer.elapsed()
                                          << "ms:" << outcome.error;
}

Result<std::optional<data::StripeRequestOrder>> StripeRequestWorker::loadOrder(const QString &orderId)
{
    // A database that is restarting is waited for (the claim stays ours meanwhile): giving up
    // would record the request as failed for good, though nothing was tried at Stripe.
    for (int attempt = 1;; ++attempt) {
        auto order = m_sessions.run([&](data::PgSession &s) { return data::PgStripeRequestQueue(s).order(orderId); });
        if (order || order.error().code != ErrorCode::Unavailable || attempt >= m_options.maxAttempts || !backoff(attempt))
            return order;
    }
}

StripeRequestWorker::Outcome StripeRequestWorker::makePaymentLink(const data::StripeRequestRow &row)
{
    auto order = loadOrder(row.orderId);
    if (!order)
        return {false, {}, u"The order could not be read (%1); try again."_s.arg(order.error().message)};
    if (!order->has_value())
        return {false, {}, u"This shop has no such order."_s};
    const data::StripeRequestOrder &o = **order;
    if (o.channel != OrderChannel::Pos)
        return {false, {}, u"Only counter sales are paid through a payment link."_s};
    if (o.status == OrderStatus::Canceled)
        return {false, {}, u"The sale was canceled before its link was made."_s};
    if (!awaitingPayment(o))
        return {false, {}, u"The order is already %1; it needs no payment link."_s.arg(toString(o.status).replace(u'_', u' '))};
    auto items = paymentLinkItems(o);
    if (!items)
        return {false, {}, items.error().message};

    // Keys come from the order id: a retry after any failure gets the same Prices and the
    // same link back from Stripe instead of new ones.
    PaymentLinkRequest request;
    request.orderId = o.orderId;
    request.completedSessionsLimit = 1;
    for (qsizetype i = 0; i < items->size(); ++i) {
        const PaymentLinkItem &item = items->at(i);
        const QString key = u"pos-%1-price-%2"_s.arg(o.orderId).arg(i + 1);
        auto price = m_stripe.createPrice(item.unitPrice, item.name, key);
        if (!price)
            return {false, {}, failureSentence(row.kind, price.error())};
        request.lines.append({*price, item.quantity});
    }
    auto link = m_stripe.createPaymentLink(request, u"pos-%1-link"_s.arg(o.orderId));
    if (!link)
        return {false, {}, failureSentence(row.kind, link.error())};
    // Recorded even when the sale was canceled meanwhile: the order then gets the link id, and
    // the database queues the link's deactivation at once (0010, section 8), so a link made
    // for a canceled sale is turned off within moments instead of being forgotten.
    return {true, {{u"payment_link_id"_s, link->id}, {u"url"_s, link->url.toString()}}, {}};
}

StripeRequestWorker::Outcome StripeRequestWorker::deactivateLink(const data::StripeRequestRow &row)
{
    auto order = loadOrder(row.orderId);
    if (!order)
        return {false, {}, u"The order could not be read (%1); try again."_s.arg(order.error().message)};
    if (!order->has_value())
        return {false, {}, u"This shop has no such order."_s};
    const QString linkId = (*order)->paymentLinkId;
    if (linkId.isEmpty()) {
        // No link was made (yet): a link still being made checks the order when it is done.
        return {true, {{u"active"_s, false}, {u"payment_link_id"_s, QJsonValue::Null}}, {}};
    }
    if (const StripeCallStatus off = deactivate(row, linkId); !off)
        return {false, {{u"payment_link_id"_s, linkId}}, failureSentence(row.kind, off.error())};
    return {true, {{u"payment_link_id"_s, linkId}, {u"active"_s, false}}, {}};
}

StripeCallStatus StripeRequestWorker::deactivate(const data::StripeRequestRow &row, const QString &paymentLinkId)
{
    const QString key = u"pos-%1-deactivate"_s.arg(row.orderId);
    for (int attempt = std::max(1, row.attempts);; ++attempt) {
        StripeCallStatus off = m_stripe.deactivatePaymentLink(paymentLinkId, key);
        if (off || off.error().code != ErrorCode::Unavailable || attempt >= m_options.maxAttempts || !backoff(attempt))
            return off;
        count(row.kind, "retry");
    }
}

StripeRequestWorker::Outcome StripeRequestWorker::refund(const data::StripeRequestRow &row)
{
    auto order = loadOrder(row.orderId);
    if (!order)
        return {false, {}, u"The order could not be read (%1); try again."_s.arg(order.error().message)};
    if (!order->has_value())
        return {false, {}, u"This shop has no such order."_s};
    const data::StripeRequestOrder &o = **order;
    if (o.paymentIntentId.isEmpty())
        return {false, {}, u"The order was not paid by card through Stripe, so Stripe has nothing to refund."_s};
    const auto amount = refundAmount(row, o);
    if (!amount)
        return {false, {}, amount.error().message};
    const QString key = u"refund-%1"_s.arg(row.id);
    for (int attempt = std::max(1, row.attempts);; ++attempt) {
        auto made = m_stripe.createRefund(o.paymentIntentId, *amount, o.orderId, key);
        if (made)
            return {true, {{u"refund_id"_s, made->id}, {u"status"_s, made->status}, {u"amount"_s, double(made->amount)}}, {}};
        if (made.error().code != ErrorCode::Unavailable || attempt >= m_options.maxAttempts || !backoff(attempt))
            return {false, {}, failureSentence(row.kind, made.error())};
        count(row.kind, "retry");
    }
}

bool StripeRequestWorker::backoff(int attempt)
{
    // 2 s, 4 s ... 64 s with the defaults: six doublings at most.
    const auto wait = Backoff(m_options.retryBackoff, m_options.retryBackoff * 32).delay(attempt);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < wait.count()) {
        if (m_stopping)
            return false;
        QThread::msleep(50);
    }
    return !m_stopping;
}

void StripeRequestWorker::count(const QString &kind, const char *outcome)
{
    static const QStringList known{u"payment_link"_s, u"deactivate_link"_s, u"refund"_s};
    m_metrics.increment(kMetric, {known.contains(kind) ? kind.toLatin1() : QByteArray("other"), QByteArray(outcome)});
}

} // namespace rdk::sync

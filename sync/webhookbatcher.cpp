#include "sync/webhookbatcher.h"

#include "data/pgcheckout.h"

#include <QList>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

WebhookBatcher::WebhookBatcher(SessionProvider &sessions, MetricsRegistry *metrics)
    : m_sessions(sessions), m_metrics(metrics)
{
    for (int i = 0; i < kLanes; ++i)
        m_senders.emplace_back([this] { sendLoop(); });
}

WebhookBatcher::~WebhookBatcher()
{
    {
        const QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_arrived.wakeAll();
    }
    for (std::thread &sender : m_senders)
        sender.join();
}

Result<EventOutcome> WebhookBatcher::apply(const PaymentEvent &event)
{
    Waiting me{&event, std::nullopt};
    QMutexLocker lock(&m_mutex);
    m_waiting.push_back(&me);
    m_arrived.wakeOne();
    while (!me.result)
        m_sent.wait(&m_mutex);
    return *me.result;
}

int WebhookBatcher::waitingCount() const
{
    const QMutexLocker lock(&m_mutex);
    return int(m_waiting.size());
}

bool WebhookBatcher::worthSending() const
{
    return !m_waiting.empty() && (m_sending == 0 || m_waiting.size() >= std::size_t(kSecondLaneBatch));
}

void WebhookBatcher::sendLoop()
{
    QMutexLocker lock(&m_mutex);
    for (;;) {
        while (!worthSending() && !m_stopping)
            m_arrived.wait(&m_mutex);
        if (m_waiting.empty())
            return;   // stopping, and everything handed over was answered
        QList<Waiting *> batch;
        QList<PaymentEvent> events;
        while (!m_waiting.empty() && batch.size() < kMaxBatch) {
            batch.append(m_waiting.front());
            events.append(*m_waiting.front()->event);
            m_waiting.pop_front();
        }
        ++m_sending;
        lock.unlock();
        const Result<QList<Result<EventOutcome>>> outcomes = send(events);
        lock.relock();
        --m_sending;
        for (qsizetype i = 0; i < batch.size(); ++i)
            batch[i]->result = outcomes ? outcomes->value(i, Error::internal(u"No answer for this event."_s))
                                        : Result<EventOutcome>(outcomes.error());
        m_sent.wakeAll();
        m_arrived.wakeAll();   // what gathered meanwhile may now be worth a send by the other lane
    }
}

Result<QList<Result<EventOutcome>>> WebhookBatcher::send(const QList<PaymentEvent> &events)
{
    Result<QList<Result<EventOutcome>>> outcomes = Error::internal(u"The payment events were not applied."_s);
    try {
        outcomes = m_sessions.run([&](data::PgSession &session) { return data::PgCheckout(session).applyPaymentEvents(events); });
    } catch (const std::exception &e) {
        // Nothing below throws by design; should it, the waiters still get an answer.
        outcomes = Error::internal(QString::fromUtf8(e.what()));
    }
    if (m_metrics)
        m_metrics->observeWebhookBatch(int(events.size()));
    return outcomes;
}

} // namespace rdk::sync

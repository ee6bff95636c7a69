#include "sync/webhookbatcher.h"

#include "data/pgcheckout.h"

#include <QList>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

Result<EventOutcome> WebhookBatcher::apply(const PaymentEvent &event)
{
    Waiting me{&event, std::nullopt};
    QMutexLocker lock(&m_mutex);
    m_waiting.push_back(&me);
    // Whoever finds nobody sending sends; the rest wait for the send that carries their event.
    while (!me.result) {
        if (m_sending)
            m_sent.wait(&m_mutex);
        else
            sendWaiting(lock);
    }
    return *me.result;
}

int WebhookBatcher::waitingCount() const
{
    const QMutexLocker lock(&m_mutex);
    return int(m_waiting.size());
}

void WebhookBatcher::sendWaiting(QMutexLocker<QMutex> &lock)
{
    m_sending = true;
    QList<Waiting *> batch;
    while (!m_waiting.empty() && batch.size() < kMaxBatch) {
        batch.append(m_waiting.front());
        m_waiting.pop_front();
    }
    QList<PaymentEvent> events;
    for (const Waiting *w : std::as_const(batch))
        events.append(*w->event);
    lock.unlock();

    Result<QList<Result<EventOutcome>>> outcomes = Error::internal(u"The payment events were not applied."_s);
    try {
        outcomes = m_sessions.run([&](data::PgSession &session) { return data::PgCheckout(session).applyPaymentEvents(events); });
    } catch (const std::exception &e) {
        // Nothing below throws by design; should it, the waiters still get an answer.
        outcomes = Error::internal(QString::fromUtf8(e.what()));
    }

    if (m_metrics)
        m_metrics->observeWebhookBatch(int(events.size()));
    lock.relock();
    for (qsizetype i = 0; i < batch.size(); ++i)
        batch[i]->result = outcomes ? outcomes->value(i, Error::internal(u"No answer for this event."_s)) : Result<EventOutcome>(outcomes.error());
    m_sending = false;
    m_sent.wakeAll();
}

} // namespace rdk::sync

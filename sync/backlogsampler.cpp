#include "sync/backlogsampler.h"

#include "data/pgbacklog.h"
#include "sync/http/metrics.h"
#include "sync/sessionprovider.h"

#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcBacklog, "rdk.sync.backlog")

namespace rdk::sync {

BacklogSampler::BacklogSampler(SessionProvider &sessions, MetricsRegistry &metrics, std::chrono::milliseconds interval,
                               QObject *parent)
    : QObject(parent), m_sessions(sessions), m_metrics(metrics)
{
    m_metrics.addGauge("rdk_stripe_requests_waiting", "Stripe work for the desk queued or being worked on.");
    m_metrics.addGauge("rdk_stripe_requests_oldest_waiting_seconds", "Age of the oldest Stripe request still waiting (0: none).");
    m_metrics.addGauge("rdk_mail_outbox_waiting", "Mails to customers queued or being sent.");
    m_metrics.addGauge("rdk_mail_outbox_oldest_waiting_seconds", "Age of the oldest mail still waiting (0: none).");
    m_metrics.addGauge("rdk_reservations_stuck", "Stock holds more than 5 minutes past their expiry, not released.");
    m_metrics.addCounter("rdk_backlog_samples_total", "Reads of the queues behind the rdk_*_waiting gauges, by outcome.",
                         {"outcome"});
    m_pool.setMaxThreadCount(1);
    m_timer.setInterval(interval);
    connect(&m_timer, &QTimer::timeout, this, &BacklogSampler::sample);
}

BacklogSampler::~BacklogSampler()
{
    stop();
}

void BacklogSampler::start()
{
    m_timer.start();
    sample();
}

void BacklogSampler::stop()
{
    m_timer.stop();
    m_pool.waitForDone(10'000);
}

void BacklogSampler::sample()
{
    if (m_busy.exchange(true))
        return;   // the last read is still running: a slow database gets no pile of them
    (void)QtConcurrent::run(&m_pool, [this] {
        const auto sample = m_sessions.run([](data::PgSession &s) { return data::readBacklog(s); });
        if (!sample) {
            m_metrics.increment("rdk_backlog_samples_total", {"error"});
            qCWarning(lcBacklog).noquote() << "can't read the queues for /metrics:" << sample.error().message;
        } else {
            m_metrics.setGauge("rdk_stripe_requests_waiting", {}, double(sample->stripeWaiting));
            m_metrics.setGauge("rdk_stripe_requests_oldest_waiting_seconds", {}, sample->stripeOldestSeconds);
            m_metrics.setGauge("rdk_mail_outbox_waiting", {}, double(sample->mailWaiting));
            m_metrics.setGauge("rdk_mail_outbox_oldest_waiting_seconds", {}, sample->mailOldestSeconds);
            m_metrics.setGauge("rdk_reservations_stuck", {}, double(sample->reservationsStuck));
            m_metrics.increment("rdk_backlog_samples_total", {"ok"});
        }
        m_busy = false;
    });
}

} // namespace rdk::sync

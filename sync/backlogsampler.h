#pragma once

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <chrono>

namespace rdk::sync {

class MetricsRegistry;
class SessionProvider;

/// Reads the shop's queues (data::readBacklog) on a thread of its own every `interval` and
/// publishes them as gauges for the alert rules in docs/alerts.yml:
/// - `rdk_stripe_requests_waiting`, `rdk_stripe_requests_oldest_waiting_seconds`
/// - `rdk_mail_outbox_waiting`, `rdk_mail_outbox_oldest_waiting_seconds`
/// - `rdk_reservations_stuck`
/// - `rdk_backlog_samples_total{outcome="ok|error"}`: a failing read leaves the gauges at
///   their last values, so the error count says whether they are fresh.
class BacklogSampler final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BacklogSampler)

public:
    /// `sessions` and `metrics` must outlive the sampler.
    BacklogSampler(SessionProvider &sessions, MetricsRegistry &metrics, std::chrono::milliseconds interval,
                   QObject *parent = nullptr);
    ~BacklogSampler() override;

    /// Samples now and then every interval.
    void start();
    void stop();

private:
    void sample();

    SessionProvider &m_sessions;
    MetricsRegistry &m_metrics;
    QThreadPool m_pool;
    QTimer m_timer;
    std::atomic_bool m_busy{false};
};

} // namespace rdk::sync

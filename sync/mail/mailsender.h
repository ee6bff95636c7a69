#pragma once

#include "domain/mailtemplates.h"
#include "sync/mail/smtpclient.h"

#include <QMutex>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <chrono>

namespace rdk::data {
struct MailRow;
}

namespace rdk::sync {

class MetricsRegistry;
class SessionProvider;

struct MailSenderOptions final {
    QString tenantId;                   ///< the shop this service serves: only its mails are sent
    SmtpSettings smtp;
    QString from;                       ///< RDK_SMTP_FROM
    MailShopDetails shop;
    std::chrono::milliseconds pollInterval{5000};   ///< due retries and missed notices
    int batchSize = 20;                 ///< mails leased at once (2 minutes each)
};

/// Sends the shop's outbox (ADR 0018). Woken by a notice on the shop's private "mail" channel
/// (and when that LISTEN connection is back), and by a poll for retries whose time has come. One
/// thread, one SMTP connection kept for a batch: it leases due rows (rdk.claim_mail), renders
/// each from its snapshot, sends it with the row's fixed Message-ID and records the outcome
/// right after the server's answer: mail_sent after 250 to DATA, else mail_failed (a 5xx to RCPT
/// or DATA is permanent; everything else is retried with the database's backoff).
///
/// After a crash, rows the sender had leased and not recorded are leased again when their two
/// minutes are over. A mail the server had taken in the instant before the crash is then sent a
/// second time, with the same Message-ID, which receivers use to drop duplicates; rows recorded
/// as sent are never sent again.
class MailSender final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MailSender)

public:
    /// `sessions` and `metrics` must outlive the sender.
    MailSender(MailSenderOptions options, SessionProvider &sessions, MetricsRegistry &metrics, QObject *parent = nullptr);
    ~MailSender() override;

    void start();
    /// Stops after the mail being sent (bounded by the SMTP timeouts).
    void stop();
    /// Looks at the outbox now; floods of wake-ups cost at most one more round.
    void wake();

private:
    void sendDue();
    /// Sends one leased row and records the outcome; false when no SMTP session could be opened
    /// (the rest of the batch is then recorded as failed for now with the same reason).
    bool sendOne(SmtpSession &smtp, const data::MailRow &row);
    void recordFailure(const data::MailRow &row, const QString &error, bool permanent);
    void count(const char *outcome);

    MailSenderOptions m_options;
    SessionProvider &m_sessions;
    MetricsRegistry &m_metrics;
    QThreadPool m_pool;
    QTimer m_poll;
    std::atomic_bool m_running{false};
    std::atomic_bool m_again{false};
    std::atomic_bool m_stopping{true};
    QMutex m_mutex;
    QString m_lastClaimError;           // guarded by m_mutex
    QString m_lastSessionError;         // the sending thread's only
};

} // namespace rdk::sync

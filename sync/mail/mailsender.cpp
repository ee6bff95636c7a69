#include "sync/mail/mailsender.h"

#include "data/pgmailoutbox.h"
#include "domain/logcontext.h"
#include "domain/mailmessage.h"
#include "sync/http/metrics.h"
#include "sync/sessionprovider.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcMail, "rdk.sync.mail")

namespace rdk::sync {
namespace {

constexpr char kMetric[] = "rdk_mail_total";
// rdk.claim_mail leases for 2 minutes; no row is started after 90 s of its batch. A row started
// earlier can still outlive its lease on a server that stalls at every step (each step times
// out after RDK's 30 s): then a second claim may send it again, with the same Message-ID.
constexpr qint64 kLeaseUseMs = 90'000;

} // namespace

MailSender::MailSender(MailSenderOptions options, SessionProvider &sessions, MetricsRegistry &metrics, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_sessions(sessions), m_metrics(metrics)
{
    m_metrics.addCounter(kMetric, "Mails to customers handed to the SMTP server, by outcome", {"outcome"});
    m_pool.setMaxThreadCount(1);
    m_poll.setInterval(m_options.pollInterval);
    connect(&m_poll, &QTimer::timeout, this, &MailSender::wake);
}

MailSender::~MailSender()
{
    stop();
}

void MailSender::start()
{
    m_stopping = false;
    m_poll.start();
    wake();
}

void MailSender::stop()
{
    m_stopping = true;
    m_poll.stop();
    m_pool.waitForDone(int(m_options.smtp.timeout.count()) * 2 + 5'000);
}

void MailSender::wake()
{
    if (m_stopping)
        return;
    if (m_running.exchange(true)) {
        m_again = true;
        return;
    }
    (void)QtConcurrent::run(&m_pool, [this] {
        for (;;) {
            do {
                m_again = false;
                sendDue();
            } while (m_again && !m_stopping);
            m_running = false;
            if (!m_again || m_stopping || m_running.exchange(true))
                break;
        }
    });
}

void MailSender::sendDue()
{
    SmtpSession smtp(m_options.smtp);
    while (!m_stopping) {
        auto rows = m_sessions.run([&](data::PgSession &s) { return data::PgMailOutbox(s).claim(m_options.batchSize); });
        if (!rows) {
            QMutexLocker lock(&m_mutex);
            if (rows.error().message != m_lastClaimError)
                qCWarning(lcMail).noquote() << "can't claim mail yet:" << rows.error().message;
            m_lastClaimError = rows.error().message;
            return;
        }
        {
            QMutexLocker lock(&m_mutex);
            m_lastClaimError.clear();
        }
        if (rows->isEmpty())
            break;
        QElapsedTimer leased;
        leased.start();
        QString noSession;
        for (const data::MailRow &row : std::as_const(*rows)) {
            // Rows left when stopping, or whose lease is nearly over (a slow server), keep their
            // lease and are claimed again when it ends: never sent while another could claim them.
            if (m_stopping || leased.elapsed() > kLeaseUseMs)
                break;
            if (!noSession.isEmpty()) {
                recordFailure(row, noSession, false);
                continue;
            }
            if (!sendOne(smtp, row))
                noSession = m_lastSessionError;
        }
        if (!noSession.isEmpty() || leased.elapsed() > kLeaseUseMs || rows->size() < m_options.batchSize)
            break;
    }
    smtp.close();
}

void MailSender::recordFailure(const data::MailRow &row, const QString &error, bool permanent)
{
    const ScopedLogField tenantField(u"tenant"_s, m_options.tenantId);
    const ScopedLogField mailField(u"mail_id"_s, QString::number(row.id));
    auto state = m_sessions.run([&](data::PgSession &s) { return data::PgMailOutbox(s).failed(row.id, error, permanent); });
    if (!state) {
        qCWarning(lcMail).noquote() << "mail" << row.id << "failed, but that could not be recorded yet:" << state.error().message;
        count("unrecorded");
        return;
    }
    count(*state == u"failed"_s ? "failed" : "retry");
    qCWarning(lcMail).noquote() << row.kind << "mail" << row.id << "attempt" << row.attempts << "not sent (" << *state
                                << "):" << error;
}

bool MailSender::sendOne(SmtpSession &smtp, const data::MailRow &row)
{
    const ScopedLogField tenantField(u"tenant"_s, m_options.tenantId);
    const ScopedLogField orderField(u"order_id"_s, row.orderId);
    const ScopedLogField mailField(u"mail_id"_s, QString::number(row.id));
    const auto record = [&](const QString &error, bool permanent) {
        recordFailure(row, error, permanent);
        return true;
    };

    auto content = renderMail(row.kind, row.payload, m_options.shop);
    if (!content)
        return record(content.error().message, true);
    MailEnvelope envelope;
    envelope.from = m_options.from;
    envelope.fromName = row.payload.value(u"shop"_s).toObject().value(u"name"_s).toString().simplified();
    envelope.to = row.recipient;
    envelope.messageId = mailMessageId(row.messageToken, m_options.from);
    envelope.date = QDateTime::currentDateTimeUtc();
    envelope.content = *content;
    auto message = buildMimeMessage(envelope);
    if (!message)
        return record(message.error().message, true);

    const SmtpResult<void> sent = smtp.send(m_options.from, row.recipient, *message);
    if (!sent) {
        record(sent.error().message, sent.error().permanent);
        if (sent.error().noSession) {
            m_lastSessionError = sent.error().message;
            return false;
        }
        return true;
    }
    // The server has the mail: record it at once, so a crash from here on can't send it again.
    const Status recorded = m_sessions.run([&](data::PgSession &s) { return data::PgMailOutbox(s).sent(row.id); });
    if (!recorded) {
        qCCritical(lcMail).noquote() << "mail" << row.id << "was sent but not recorded:" << recorded.error().message
                                     << "- it will be sent again, with the same Message-ID, when its lease runs out";
        count("unrecorded");
        return true;
    }
    count("sent");
    qCInfo(lcMail).noquote() << row.kind << "mail" << row.id << "sent on attempt" << row.attempts;
    return true;
}

void MailSender::count(const char *outcome)
{
    m_metrics.increment(kMetric, {QByteArray(outcome)});
}

} // namespace rdk::sync

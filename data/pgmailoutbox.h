#pragma once

#include "data/pgsession.h"
#include "domain/ordermail.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>

namespace rdk::data {

/// A mail rdk-sync has leased to send (rdk.claim_mail).
struct MailRow final {
    qint64 id = 0;
    QString orderId;
    QString kind;
    QString recipient;
    QJsonObject payload;    ///< what the mail says: rdk.mail_order_payload at the event
    int attempts = 0;       ///< this one included
    QString messageToken;   ///< the row's fixed Message-ID left part (a uuid)
};

/// The service side of the outbox (migration 0020, module mail.sql); each call is one
/// transaction of the service login, whose shop the database fixes.
class PgMailOutbox final {
public:
    explicit PgMailOutbox(PgSession &session) : m_session(session) {}

    /// Leases up to `limit` due mails for two minutes: rdk.claim_mail.
    Result<QList<MailRow>> claim(int limit);
    /// The server took the mail: rdk.mail_sent (idempotent).
    Status sent(qint64 id);
    /// The mail was not taken: queued again after a backoff, or failed (permanent or out of
    /// attempts). Answers the row's new state.
    Result<QString> failed(qint64 id, const QString &error, bool permanent);

private:
    PgSession &m_session;
};

/// The desk's side: an order's mails and the counter receipt, as the signed-in staff member.
class PgOrderMail final : public OrderMailbox {
public:
    explicit PgOrderMail(PgSession &session) : m_session(&session) {}
    /// Owns the session (a desk worker's, from app/desk's workerFactory).
    explicit PgOrderMail(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<QList<OrderMail>> mailsOf(const QString &orderId) override;
    Result<qint64> emailReceipt(const QString &orderId, const QString &email) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

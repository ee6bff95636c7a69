#pragma once

#include "domain/result.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace rdk {

/// One mail of an order as the desk shows it (mail_outbox, read under row-level security).
struct OrderMail final {
    qint64 id = 0;
    QString kind;           ///< order_paid, order_shipped, order_refunded, counter_receipt
    QString state;          ///< queued, sending, sent, failed
    int attempts = 0;
    QString lastError;      ///< the last failure, a sentence; empty when none
    QDateTime createdAt;
    QDateTime sentAt;       ///< invalid until sent
    QDateTime nextAttemptAt;
};

/// "Order confirmation", "Shipped", "Refund", "Counter receipt".
QString orderMailKindLabel(const QString &kind);
/// What a person reads for the mail's state: "Sent 7 Dec 14:05", "Waiting to retry (attempt 2)",
/// "Failed: <last error>".
QString orderMailStateText(const OrderMail &mail);

/// The desk's side of the mail outbox: what an order's mails came to, and the counter's
/// "E-mail receipt". Implemented in data/ (PgOrderMail).
class OrderMailbox {
public:
    virtual ~OrderMailbox() = default;
    /// The order's mails, oldest first; empty when it has none (or isn't this shop's).
    virtual Result<QList<OrderMail>> mailsOf(const QString &orderId) = 0;
    /// Queues the receipt of a paid counter sale to `email`: rdk.pos_email_receipt.
    virtual Result<qint64> emailReceipt(const QString &orderId, const QString &email) = 0;
};

} // namespace rdk

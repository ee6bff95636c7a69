#pragma once

#include "domain/order.h"
#include "domain/result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <functional>
#include <memory>

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
/// What a person reads for the mail's state: "Sent 7 Dec 14:05" (in `zone`, the shop's),
/// "Waiting to retry (tried 2 times): <last error>", "Failed: <last error>".
QString orderMailStateText(const OrderMail &mail, const QTimeZone &zone = QTimeZone::utc());

/// Why the receipt of an order can't be e-mailed (a sentence for the button's tooltip), or
/// empty when it can: paid counter sales only (the database says the same, rdk.pos_email_receipt).
QString emailReceiptRefusal(OrderChannel channel, OrderStatus status);

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

/// Makes a mailbox on the calling worker thread's session (app/desk's workerFactory).
using OrderMailboxFactory = std::function<Result<std::unique_ptr<OrderMailbox>>()>;

} // namespace rdk

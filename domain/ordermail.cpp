#include "domain/ordermail.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString orderMailKindLabel(const QString &kind)
{
    if (kind == u"order_paid"_s)
        return u"Order confirmation"_s;
    if (kind == u"order_shipped"_s)
        return u"Shipped"_s;
    if (kind == u"order_refunded"_s)
        return u"Refund"_s;
    if (kind == u"counter_receipt"_s)
        return u"Counter receipt"_s;
    return kind;
}

QString orderMailStateText(const OrderMail &mail, const QTimeZone &zone)
{
    const auto when = [&zone](const QDateTime &t) { return QLocale::c().toString(t.toTimeZone(zone), u"d MMM HH:mm"_s); };
    if (mail.state == u"sent"_s)
        return mail.sentAt.isValid() ? u"Sent %1"_s.arg(when(mail.sentAt)) : u"Sent"_s;
    if (mail.state == u"failed"_s)
        return mail.lastError.isEmpty() ? u"Failed"_s : u"Failed: %1"_s.arg(mail.lastError);
    if (mail.state == u"sending"_s)
        return u"Sending (attempt %1)"_s.arg(mail.attempts);
    if (mail.attempts > 0) {
        QString text = u"Waiting to retry (tried %1 times)"_s.arg(mail.attempts);
        if (!mail.lastError.isEmpty())
            text += u": "_s + mail.lastError;
        return text;
    }
    return u"Queued"_s;
}

QString emailReceiptRefusal(OrderChannel channel, OrderStatus status)
{
    if (channel != OrderChannel::Pos)
        return u"Online customers get their order's mails from the storefront; only counter sales are e-mailed from here."_s;
    switch (status) {
    case OrderStatus::Paid:
    case OrderStatus::Fulfilled:
    case OrderStatus::PartiallyRefunded:
    case OrderStatus::Refunded:
        return {};
    case OrderStatus::Canceled:
        return u"The sale was canceled: there is no receipt to e-mail."_s;
    case OrderStatus::Pending:
    case OrderStatus::AwaitingPayment:
    case OrderStatus::Shipped:
        break;
    }
    return u"E-mail the receipt once the sale is paid."_s;
}

} // namespace rdk

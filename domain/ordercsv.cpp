#include "domain/ordercsv.h"

#include "domain/csv.h"
#include "domain/moneyformat.h"

#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

// Amounts in the order's currency; a zero of the default currency becomes the order's.
QString plain(const Money &amount, const QString &currency)
{
    return formatMinorPlain(amount.isZero() ? Money::zero(currency) : amount);
}

} // namespace

QTimeZone shopTimeZone(const QString &ianaId)
{
    if (!ianaId.isEmpty()) {
        QTimeZone zone(ianaId.toUtf8());
        if (zone.isValid())
            return zone;
    }
    return QTimeZone::utc();
}

QString orderCsvHeader(bool withEmail)
{
    QString header = u"order_number,date,channel,status,payment_method,units,subtotal,discount,tax,total,refunded,currency"_s;
    if (withEmail)
        header += u",email"_s;
    return header + u"\r\n"_s;
}

QString orderCsvLine(const OrderSummary &order, const QTimeZone &shopZone, bool withEmail)
{
    const QString currency = order.total.currency();
    QStringList cells = {
        formatOrderNumber(order.orderNumber),
        order.createdAt.toTimeZone(shopZone).toString(u"yyyy-MM-dd HH:mm:ss"_s),
        toString(order.channel),
        toString(order.status),
        toString(order.paymentMethod),
        QString::number(order.units),
        plain(order.subtotal, currency),
        plain(order.discount, currency),
        plain(order.tax, currency),
        plain(order.total, currency),
        plain(order.refunded, currency),
        csvCell(currency),
    };
    if (withEmail)
        cells.append(csvCell(order.customerEmail));
    return cells.join(u',') + u"\r\n"_s;
}

} // namespace rdk

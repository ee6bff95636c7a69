#include "domain/packingslip.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QStringList nonEmptyLines(const QString &text)
{
    QStringList lines;
    for (const QString &line : text.split(u'\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(line.trimmed());
    }
    return lines;
}

} // namespace

PackingSlip buildPackingSlip(const OrderDetail &order, const QString &shopName, const QString &fallbackAddress,
                             const QTimeZone &zone)
{
    PackingSlip slip;
    slip.shopName = shopName;
    const QString ownAddress = order.shipTo ? order.shipTo->shopAddress : QString();
    slip.shopAddress = nonEmptyLines(ownAddress.trimmed().isEmpty() ? fallbackAddress : ownAddress);
    slip.orderLabel = formatOrderNumber(order.summary.orderNumber);
    if (order.summary.createdAt.isValid())
        slip.placed = QLocale::c().toString(order.summary.createdAt.toTimeZone(zone), u"yyyy-MM-dd HH:mm"_s);
    const QString method = order.shippingMethod.isEmpty() && order.shipTo ? order.shipTo->method : order.shippingMethod;
    switch (order.summary.fulfillment) {
    case Fulfillment::Pickup:
        slip.method = u"%1 · picked up at the shop"_s.arg(method.isEmpty() ? u"Local pickup"_s : method);
        break;
    case Fulfillment::Ship:
        slip.method = u"%1 · shipped"_s.arg(method.isEmpty() ? u"Shipping"_s : method);
        break;
    case Fulfillment::Unknown:
        slip.method = method.isEmpty() ? u"Shipping"_s : method;
        break;
    }
    if (order.shipTo) {
        slip.shipTo = shipToLines(*order.shipTo);
        slip.phone = order.shipTo->phone;
    }
    for (const OrderDetailLine &l : order.lines) {
        const int quantity = l.line.quantity - l.refundedQuantity;
        if (quantity <= 0)
            continue;
        slip.items.append({l.line.sku, l.line.name, l.line.size, quantity});
        slip.units += quantity;
    }
    return slip;
}

QStringList PackingSlip::lines() const
{
    QStringList out{shopName};
    out += shopAddress;
    out << u"Packing slip %1"_s.arg(orderLabel);
    if (!placed.isEmpty())
        out << u"Ordered %1"_s.arg(placed);
    out << u"Ship to:"_s;
    out += shipTo.isEmpty() ? QStringList{u"(no address: picked up at the shop)"_s} : shipTo;
    if (!phone.isEmpty())
        out << u"Phone: %1"_s.arg(phone);
    out << u"Method: %1"_s.arg(method);
    for (const Item &item : items)
        out << u"%1 × %2 · %3 · size %4"_s.arg(item.quantity).arg(item.name, item.sku, item.size.isEmpty() ? u"–"_s : item.size);
    out << u"%1 unit(s)"_s.arg(units);
    return out;
}

} // namespace rdk

#include "domain/orderbook.h"

#include "domain/orderlist.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

std::optional<Fulfillment> fulfillmentFromString(const QString &text)
{
    if (text == u"ship"_s)
        return Fulfillment::Ship;
    if (text == u"pickup"_s)
        return Fulfillment::Pickup;
    return std::nullopt;
}

QStringList shipToLines(const ShipTo &shipTo)
{
    QStringList lines;
    if (!shipTo.name.trimmed().isEmpty())
        lines.append(shipTo.name.trimmed());
    for (const QString &line : shipTo.addressLines) {
        if (!line.trimmed().isEmpty())
            lines.append(line.trimmed());
    }
    return lines;
}

Result<OrderDetail> readOrderDetail(OrderBook &book, const QString &orderId)
{
    auto detail = book.detail(orderId);
    // Only orders that were paid have an address (the webhook stores it with the payment).
    if (!detail || detail->summary.channel != OrderChannel::Online || !countsAsSale(detail->summary.status))
        return detail;
    OrderDetail d = std::move(detail).value();
    auto shipTo = book.shipTo(orderId);
    if (shipTo)
        d.shipTo = std::move(shipTo).value();
    else
        d.shipToRefusal = shipTo.error().message;
    return d;
}

} // namespace rdk

#include "domain/orderlist.h"

#include "domain/moneyformat.h"

#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

bool hasControlCharacters(const QString &text)
{
    for (QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return true;
    }
    return false;
}

// Trims `text` and checks it is 1..max printable characters; `what` starts the sentence.
Result<QString> checkedText(const QString &text, int max, const QString &what, const QString &field)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return Error::invalid(u"%1 is required."_s.arg(what), field);
    if (trimmed.size() > max)
        return Error::invalid(u"%1 is too long (at most %2 characters)."_s.arg(what).arg(max), field);
    if (hasControlCharacters(trimmed))
        return Error::invalid(u"%1 contains characters that can't be stored (tabs, line breaks, control characters)."_s.arg(what),
                              field);
    return trimmed;
}

bool isPaidLike(OrderStatus s)
{
    return s == OrderStatus::Paid || s == OrderStatus::Shipped || s == OrderStatus::Fulfilled
           || s == OrderStatus::PartiallyRefunded;
}

} // namespace

QString OrderSearch::emailLikePattern() const
{
    QString escaped;
    escaped.reserve(emailPart.size() + 4);
    for (QChar c : emailPart) {
        if (c == u'\\' || c == u'%' || c == u'_')
            escaped.append(u'\\');
        escaped.append(c);
    }
    return escaped;
}

Result<OrderSearch> parseOrderSearch(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.size() > MaxOrderSearchLength)
        return Error::invalid(u"Search for an order number or part of an email (at most %1 characters)."_s.arg(MaxOrderSearchLength),
                              u"search"_s);
    if (hasControlCharacters(trimmed))
        return Error::invalid(u"The search contains control characters; type an order number or part of an email."_s,
                              u"search"_s);
    OrderSearch search;
    if (trimmed.isEmpty())
        return search;
    if (auto number = parseOrderNumber(trimmed))
        search.orderNumber = number;
    else
        search.emailPart = trimmed.toLower();
    return search;
}

Result<OrderQuery> validateOrderQuery(OrderQuery query)
{
    if (query.limit < 1 || query.limit > MaxOrderPageSize)
        return Error::invalid(u"A page holds 1 to %1 orders."_s.arg(MaxOrderPageSize), u"limit"_s);
    if (query.from && !query.from->isValid())
        return Error::invalid(u"The start date is not a valid date."_s, u"from"_s);
    if (query.to && !query.to->isValid())
        return Error::invalid(u"The end date is not a valid date."_s, u"to"_s);
    if (query.from && query.to && *query.from > *query.to)
        return Error::invalid(u"The start date is after the end date."_s, u"from"_s);
    if (query.beforeOrderNumber && *query.beforeOrderNumber < 1)
        return Error::invalid(u"Invalid page position."_s, u"beforeOrderNumber"_s);
    auto search = parseOrderSearch(query.search);
    if (!search)
        return search.error();
    query.search = query.search.trimmed();
    return query;
}

bool countsAsSale(OrderStatus status)
{
    return isPaidLike(status) || status == OrderStatus::Refunded;
}

bool canSeeCustomerEmail(StaffRole role)
{
    return role == StaffRole::Ops || role == StaffRole::Admin;
}

OrderActions allowedOrderActions(const OrderSummary &order, StaffRole role)
{
    const auto may = [&](OrderAction action) { return orderActionRefusal(action, order, role).isEmpty(); };
    OrderActions a;
    a.ship = may(OrderAction::Ship);
    a.fulfil = may(OrderAction::Fulfil);
    a.cancel = may(OrderAction::Cancel);
    a.refund = may(OrderAction::Refund);
    a.printReceipt = may(OrderAction::PrintReceipt);
    return a;
}

QString orderActionRefusal(OrderAction action, const OrderSummary &order, StaffRole role)
{
    const bool manager = role == StaffRole::Ops || role == StaffRole::Admin;
    const auto transition = [&order](OrderStatus to) {
        const Status legal = checkTransition(order.status, to);
        return legal ? QString() : legal.error().message;
    };
    switch (action) {
    case OrderAction::Ship:
        if (order.channel != OrderChannel::Online)
            return u"Counter sales leave with the customer; only online orders are shipped."_s;
        if (order.fulfillment == Fulfillment::Pickup)
            return u"%1 is picked up at the shop, not shipped; mark it ready for pickup."_s.arg(formatOrderNumber(order.orderNumber));
        return transition(OrderStatus::Shipped);
    case OrderAction::Fulfil:
        if (order.channel == OrderChannel::Online && order.fulfillment == Fulfillment::Ship)
            return u"%1 goes out by post, not over the counter; mark it shipped."_s.arg(formatOrderNumber(order.orderNumber));
        return transition(OrderStatus::Fulfilled);
    case OrderAction::ReadyForPickup:
        if (order.channel != OrderChannel::Online || order.fulfillment != Fulfillment::Pickup)
            return u"Only online orders for local pickup wait at the counter."_s;
        if (order.status != OrderStatus::Paid)
            return u"Only a paid order can wait for pickup; this one is %1."_s.arg(displayName(order.status).toLower());
        if (order.readyForPickup)
            return u"%1 is already waiting to be picked up."_s.arg(formatOrderNumber(order.orderNumber));
        return {};
    case OrderAction::PackingSlip:
        if (order.channel != OrderChannel::Online)
            return u"Counter sales have a receipt, not a packing slip."_s;
        if (!countsAsSale(order.status) || order.status == OrderStatus::Refunded)
            return u"There is a packing slip once the order is paid; this one is %1."_s.arg(displayName(order.status).toLower());
        return {};
    case OrderAction::Cancel:
        if (const QString illegal = transition(OrderStatus::Canceled); !illegal.isEmpty())
            return illegal;
        if (!manager && order.channel != OrderChannel::Pos)
            return u"Online orders are canceled by operations staff or an administrator."_s;
        return {};
    case OrderAction::Refund:
        if (!manager)
            return u"Refunds are given by operations staff or an administrator."_s;
        if (!isPaidLike(order.status))
            return u"Only a paid order can be refunded; this one is %1."_s.arg(displayName(order.status).toLower());
        if (refundableAmount(order).minor() <= 0)
            return u"Everything paid for this order has been refunded."_s;
        return {};
    case OrderAction::PrintReceipt:
        return countsAsSale(order.status) ? QString() : u"There is a receipt once the order is paid."_s;
    }
    return {};
}

Result<Shipment> validateShipment(const QString &carrier, const QString &trackingNumber)
{
    auto c = checkedText(carrier, MaxShipmentFieldLength, u"The carrier"_s, u"carrier"_s);
    if (!c)
        return c.error();
    auto t = checkedText(trackingNumber, MaxShipmentFieldLength, u"The tracking number"_s, u"trackingNumber"_s);
    if (!t)
        return t.error();
    return Shipment{c.value(), t.value()};
}

Result<QString> validateOrderReason(const QString &reason)
{
    return checkedText(reason, MaxOrderReasonLength, u"A reason"_s, u"reason"_s);
}

Money refundableAmount(const OrderSummary &order)
{
    const qint64 left = order.total.minor() - (order.refunded.isZero() ? 0 : order.refunded.minor());
    return Money::of(qMax<qint64>(0, left), order.total.currency()).value();
}

Money refundableAmount(const OrderDetail &order)
{
    qint64 left = refundableAmount(order.summary).minor();
    for (const RefundRequestInfo &r : order.refunds) {
        if (r.state == RefundRequestState::Queued || r.state == RefundRequestState::Working)
            left -= r.amount.minor();
    }
    return Money::of(qMax<qint64>(0, left), order.summary.total.currency()).value();
}

Result<RefundRequest> validateRefund(const OrderDetail &order, const RefundForm &form)
{
    const Money left = refundableAmount(order);
    if (left.isZero())
        return Error::conflict(u"Nothing is left to refund on this order."_s);
    RefundRequest request;
    request.orderId = order.summary.orderId;
    if (!form.full) {
        auto amount = Money::parse(form.amountText, left.currency());
        if (!amount)
            return Error::invalid(u"Enter the refund amount as a number, e.g. 12.50 (%1)."_s.arg(amount.error().message),
                                  u"amount"_s);
        if (amount->minor() <= 0)
            return Error::invalid(u"The refund amount must be above zero."_s, u"amount"_s);
        if (amount->minor() > left.minor())
            return Error::invalid(u"At most %1 is left to refund."_s.arg(formatMoney(left)), u"amount"_s);
        request.amount = amount.value();
    }
    QHash<qint64, const OrderDetailLine *> lines;
    for (const OrderDetailLine &line : order.lines)
        lines.insert(line.itemId, &line);
    for (const RestockLine &r : form.restock) {
        if (r.quantity == 0)
            continue;
        const OrderDetailLine *line = lines.value(r.itemId);
        if (!line)
            return Error::invalid(u"That item is not part of this order."_s, u"restock"_s);
        const int room = line->line.quantity - line->restockedQuantity;
        if (r.quantity < 0 || r.quantity > room)
            return Error::invalid(u"%1: between 0 and %2 units can go back to stock."_s.arg(line->line.sku).arg(room),
                                  u"restock"_s);
        request.restock.append(r);
    }
    auto reason = validateOrderReason(form.reason);
    if (!reason)
        return reason.error();
    request.reason = reason.value();
    return request;
}

} // namespace rdk

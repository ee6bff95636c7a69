#include "domain/order.h"

#include <array>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

constexpr std::array AllStatuses = {
    OrderStatus::Pending, OrderStatus::AwaitingPayment, OrderStatus::Paid, OrderStatus::Shipped,
    OrderStatus::Fulfilled, OrderStatus::Canceled, OrderStatus::Refunded, OrderStatus::PartiallyRefunded};

using S = OrderStatus;
constexpr std::array<std::pair<OrderStatus, OrderStatus>, 15> LegalTransitions = {{
    {S::Pending, S::AwaitingPayment}, {S::Pending, S::Paid}, {S::Pending, S::Canceled},
    {S::AwaitingPayment, S::Paid}, {S::AwaitingPayment, S::Canceled},
    {S::Paid, S::Shipped}, {S::Paid, S::Fulfilled}, {S::Paid, S::Refunded}, {S::Paid, S::PartiallyRefunded},
    {S::PartiallyRefunded, S::PartiallyRefunded}, {S::PartiallyRefunded, S::Refunded},
    {S::Shipped, S::Refunded}, {S::Shipped, S::PartiallyRefunded},
    {S::Fulfilled, S::Refunded}, {S::Fulfilled, S::PartiallyRefunded},
}};

// "A canceled order" / "An order awaiting payment": the subject of a refusal sentence.
QString orderDescribedAs(OrderStatus status)
{
    switch (status) {
    case S::Pending: return u"A pending order"_s;
    case S::AwaitingPayment: return u"An order awaiting payment"_s;
    case S::Paid: return u"A paid order"_s;
    case S::Shipped: return u"A shipped order"_s;
    case S::Fulfilled: return u"A fulfilled order"_s;
    case S::Canceled: return u"A canceled order"_s;
    case S::Refunded: return u"A refunded order"_s;
    case S::PartiallyRefunded: return u"A partially refunded order"_s;
    }
    return {};
}

// "marked paid": what the refused move would have done.
QString moveDescribedAs(OrderStatus status)
{
    switch (status) {
    case S::Pending: return u"moved back to pending"_s;
    case S::AwaitingPayment: return u"marked awaiting payment"_s;
    case S::Paid: return u"marked paid"_s;
    case S::Shipped: return u"marked shipped"_s;
    case S::Fulfilled: return u"marked fulfilled"_s;
    case S::Canceled: return u"canceled"_s;
    case S::Refunded: return u"refunded"_s;
    case S::PartiallyRefunded: return u"partially refunded"_s;
    }
    return {};
}

// Names a line in an error message without letting a hostile name flood the dialog.
QString lineLabel(const OrderLine &line)
{
    constexpr qsizetype MaxShown = 60;
    QString label = !line.sku.isEmpty() ? line.sku : !line.name.isEmpty() ? line.name : u"an item"_s;
    if (label.size() > MaxShown)
        label = label.left(MaxShown) + QChar(0x2026);
    return line.size.isEmpty() ? label : u"%1 (size %2)"_s.arg(label, line.size.left(8));
}

Error mixedCurrencies(const QString &a, const QString &b)
{
    return Error::invalid(u"All amounts of an order must be in one currency (found %1 and %2)"_s.arg(a, b),
                          u"currency"_s);
}

// Brings an amount into the order's currency. A zero amount has no meaningful
// currency, so it is accepted whatever code it carries.
Result<Money> inOrderCurrency(const Money &amount, const QString &currency, const QString &label,
                              const QString &field)
{
    if (amount.isNegative())
        return Error::invalid(u"%1 must not be negative"_s.arg(label), field);
    if (amount.isZero())
        return Money::zero(currency);
    if (amount.currency() != currency)
        return mixedCurrencies(currency, amount.currency());
    return amount;
}

Status addInto(Money &sum, const Money &amount)
{
    Result<Money> added = sum.plus(amount);
    if (!added)
        return added.error();
    sum = added.value();
    return {};
}

Result<Money> grossOf(const OrderLine &line)
{
    if (line.quantity < 1 || line.quantity > MaxLineQuantity)
        return Error::invalid(u"Quantity of %1 must be between 1 and %2"_s.arg(lineLabel(line), QString::number(MaxLineQuantity)),
                              u"quantity"_s);
    if (!Money::isValidCurrency(line.unitPrice.currency()))
        return Error::invalid(u"Price of %1 has no valid currency"_s.arg(lineLabel(line)), u"unitPrice"_s);
    if (line.unitPrice.isNegative())
        return Error::invalid(u"Price of %1 must not be negative"_s.arg(lineLabel(line)), u"unitPrice"_s);
    return line.unitPrice.times(line.quantity);
}

struct LineAmounts {
    Money gross;
    Money discount;
};

Result<LineAmounts> amountsOf(const OrderLine &line)
{
    Result<Money> gross = grossOf(line);
    if (!gross)
        return gross.error();
    const QString &currency = gross->currency();
    Result<Money> discount = inOrderCurrency(line.discount, currency, u"Discount on %1"_s.arg(lineLabel(line)),
                                             u"discount"_s);
    if (!discount)
        return discount.error();
    if (discount->minor() > gross->minor())
        return Error::invalid(u"The discount on %1 is larger than its price"_s.arg(lineLabel(line)), u"discount"_s);
    return LineAmounts{gross.value(), discount.value()};
}

// Sums the lines into totals.subtotal and totals.discount.
Status addLines(const QList<OrderLine> &lines, OrderTotals &totals)
{
    for (const OrderLine &line : lines) {
        if (line.unitPrice.currency() != totals.subtotal.currency())
            return mixedCurrencies(totals.subtotal.currency(), line.unitPrice.currency());
        Result<LineAmounts> amounts = amountsOf(line);
        if (!amounts)
            return amounts.error();
        if (Status s = addInto(totals.subtotal, amounts->gross); !s)
            return s;
        if (Status s = addInto(totals.discount, amounts->discount); !s)
            return s;
    }
    return {};
}

Status addOrderDiscount(const Money &orderDiscount, OrderTotals &totals)
{
    const QString &currency = totals.subtotal.currency();
    Result<Money> discount = inOrderCurrency(orderDiscount, currency, u"The order discount"_s, u"discount"_s);
    if (!discount)
        return discount.error();
    // Line discounts never exceed their lines, so this difference can't overflow.
    if (discount->minor() > totals.subtotal.minor() - totals.discount.minor())
        return Error::invalid(u"The order discount is larger than what is left to pay for the items"_s,
                              u"discount"_s);
    return addInto(totals.discount, discount.value());
}

Status setExtra(const Money &amount, const QString &label, const QString &field, Money &target)
{
    Result<Money> converted = inOrderCurrency(amount, target.currency(), label, field);
    if (!converted)
        return converted.error();
    target = converted.value();
    return {};
}

Status setExtras(const Money &shipping, const Money &fee, const Money &tax, OrderTotals &totals)
{
    if (Status s = setExtra(shipping, u"Shipping"_s, u"shipping"_s, totals.shipping); !s)
        return s;
    if (Status s = setExtra(fee, u"The fee"_s, u"fee"_s, totals.fee); !s)
        return s;
    return setExtra(tax, u"Tax"_s, u"tax"_s, totals.tax);
}

Status sumTotal(OrderTotals &totals)
{
    Result<Money> total = totals.subtotal.minus(totals.discount);
    for (const Money *extra : {&totals.shipping, &totals.fee, &totals.tax}) {
        if (extra == &totals.tax && totals.taxIncluded)
            continue;  // already part of the prices
        if (!total)
            return total.error();
        total = total->plus(*extra);
    }
    if (!total)
        return total.error();
    totals.total = total.value();
    return {};
}

} // namespace

QString toString(OrderStatus status)
{
    switch (status) {
    case S::Pending: return u"pending"_s;
    case S::AwaitingPayment: return u"awaiting_payment"_s;
    case S::Paid: return u"paid"_s;
    case S::Shipped: return u"shipped"_s;
    case S::Fulfilled: return u"fulfilled"_s;
    case S::Canceled: return u"canceled"_s;
    case S::Refunded: return u"refunded"_s;
    case S::PartiallyRefunded: return u"partially_refunded"_s;
    }
    return {};
}

std::optional<OrderStatus> orderStatusFromString(QStringView text)
{
    for (OrderStatus status : AllStatuses) {
        if (text == toString(status))
            return status;
    }
    return std::nullopt;
}

QString displayName(OrderStatus status)
{
    switch (status) {
    case S::Pending: return u"Pending"_s;
    case S::AwaitingPayment: return u"Awaiting payment"_s;
    case S::Paid: return u"Paid"_s;
    case S::Shipped: return u"Shipped"_s;
    case S::Fulfilled: return u"Fulfilled"_s;
    case S::Canceled: return u"Canceled"_s;
    case S::Refunded: return u"Refunded"_s;
    case S::PartiallyRefunded: return u"Partially refunded"_s;
    }
    return {};
}

QString toString(OrderChannel channel)
{
    switch (channel) {
    case OrderChannel::Online: return u"online"_s;
    case OrderChannel::Pos: return u"pos"_s;
    }
    return {};
}

std::optional<OrderChannel> orderChannelFromString(QStringView text)
{
    for (OrderChannel channel : {OrderChannel::Online, OrderChannel::Pos}) {
        if (text == toString(channel))
            return channel;
    }
    return std::nullopt;
}

QString displayName(OrderChannel channel)
{
    switch (channel) {
    case OrderChannel::Online: return u"Online"_s;
    case OrderChannel::Pos: return u"In store"_s;
    }
    return {};
}

bool canTransition(OrderStatus from, OrderStatus to)
{
    for (const auto &[legalFrom, legalTo] : LegalTransitions) {
        if (legalFrom == from && legalTo == to)
            return true;
    }
    return false;
}

Status checkTransition(OrderStatus from, OrderStatus to)
{
    if (canTransition(from, to))
        return {};
    if (from == to)
        return Error::conflict(u"This order is already %1."_s.arg(displayName(to).toLower()));
    return Error::conflict(u"%1 can't be %2."_s.arg(orderDescribedAs(from), moveDescribedAs(to)));
}

bool isTerminal(OrderStatus status)
{
    return status == S::Canceled || status == S::Refunded;
}

int statusRank(OrderStatus status)
{
    switch (status) {
    case S::Pending: return 0;
    case S::AwaitingPayment: return 1;
    case S::Paid: return 2;
    case S::Shipped: return 3;
    case S::Fulfilled: return 4;
    case S::PartiallyRefunded: return 5;
    case S::Refunded: return 6;
    case S::Canceled: return 6;
    }
    return 0;
}

Result<Money> OrderLine::lineTotal() const
{
    Result<LineAmounts> amounts = amountsOf(*this);
    if (!amounts)
        return amounts.error();
    return amounts->gross.minus(amounts->discount);
}

Result<OrderTotals> computeTotals(const QList<OrderLine> &lines, const Money &shipping, const Money &fee,
                                  const Money &orderDiscount, const Money &tax, bool taxIncluded)
{
    if (lines.isEmpty())
        return Error::invalid(u"An order needs at least one item"_s, u"lines"_s);
    const Money zero = Money::zero(lines.first().unitPrice.currency());
    OrderTotals totals{zero, zero, zero, zero, zero, zero, taxIncluded, {}};
    if (Status s = addLines(lines, totals); !s)
        return s.error();
    if (Status s = addOrderDiscount(orderDiscount, totals); !s)
        return s.error();
    if (Status s = setExtras(shipping, fee, tax, totals); !s)
        return s.error();
    if (Status s = sumTotal(totals); !s)
        return s.error();
    return totals;
}

QString formatOrderNumber(qint64 orderNumber)
{
    return u"RDK-"_s + QString::number(orderNumber);
}

std::optional<qint64> parseOrderNumber(QStringView text)
{
    QStringView digits = text.trimmed();
    if (digits.startsWith(u"RDK-", Qt::CaseInsensitive))
        digits = digits.mid(4);
    else if (digits.startsWith(u'#'))
        digits = digits.mid(1);
    if (digits.isEmpty() || digits.size() > 18)
        return std::nullopt;
    qint64 value = 0;
    for (QChar c : digits) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + (c.unicode() - u'0');
    }
    return value >= 1 ? std::optional<qint64>(value) : std::nullopt;
}

} // namespace rdk

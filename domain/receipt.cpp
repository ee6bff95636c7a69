#include "domain/receipt.h"

#include "domain/moneyformat.h"

#include <QLocale>
#include <QTimeZone>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QString dateText(const QDateTime &when, const QString &timeZone)
{
    QTimeZone zone(timeZone.toUtf8());
    const QDateTime local = zone.isValid() ? when.toTimeZone(zone) : when.toUTC();
    // Receipts read the same on every desk, whatever the desktop's language.
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    const QString abbreviation = zone.isValid() ? zone.abbreviation(when) : u"UTC"_s;
    return english.toString(local, u"MMM d, yyyy, h:mm AP"_s) + u' ' + abbreviation;
}

QString negative(const Money &amount)
{
    return u"-"_s + formatMoney(amount);
}

} // namespace

QString describePayment(const PosOrderState &order)
{
    switch (order.paymentMethod) {
    case PaymentMethod::Card:
        return order.paymentReference.isEmpty() ? u"Card"_s : u"Card — %1"_s.arg(order.paymentReference);
    case PaymentMethod::Cash: {
        auto change = order.cashTendered.minus(order.due());  // an exchange's credit paid the rest
        if (order.cashTendered.isZero() || !change || change->isNegative())
            return u"Cash"_s;
        return u"Cash — tendered %1, change %2"_s.arg(formatMoney(order.cashTendered), formatMoney(*change));
    }
    case PaymentMethod::None:
        break;
    }
    return u"Not paid"_s;
}

Result<Receipt> buildReceipt(const PosOrderState &order, const ReceiptShop &shop)
{
    if (order.orderNumber <= 0)
        return Error::invalid(u"This sale has no order number yet."_s);
    if (order.lines.isEmpty())
        return Error::invalid(u"This sale has no items."_s);
    Receipt r;
    r.shopName = shop.name.trimmed().isEmpty() ? u"Real Deal Kickz"_s : shop.name.trimmed();
    r.addressLine = shop.addressLine.trimmed();
    const QDateTime when = order.paidAt.isValid() ? order.paidAt : order.createdAt;
    r.dateText = when.isValid() ? dateText(when, shop.timeZone) : QString();
    r.orderNumber = formatOrderNumber(order.orderNumber);
    for (const OrderLine &line : order.lines) {
        ReceiptLine out;
        out.title = line.name;
        out.detail = line.size.isEmpty() ? line.sku : u"Size %1 · %2"_s.arg(line.size, line.sku);
        out.quantity = line.quantity;
        out.unitPrice = formatMoney(line.unitPrice);
        if (!line.discount.isZero())
            out.discount = negative(line.discount);
        auto total = line.lineTotal();
        out.amount = total ? formatMoney(*total) : QString();
        r.lines.append(out);
    }
    r.totals.append({u"Subtotal"_s, formatMoney(order.totals.subtotal)});
    if (!order.totals.discount.isZero())
        r.totals.append({u"Discount"_s, negative(order.totals.discount)});
    // Tax per rate as charged (counter sales); an online order's tax is one figure from Stripe.
    // Tax added to the prices comes before the total; tax the prices included is noted after it.
    QList<ReceiptRow> taxRows;
    for (const TaxAmount &tax : order.totals.taxes)
        taxRows.append({taxRowLabel(tax, order.totals.taxIncluded), formatMoney(tax.amount)});
    if (taxRows.isEmpty() && !order.totals.tax.isZero())
        taxRows.append({order.totals.taxIncluded ? u"Incl. tax"_s : u"Tax"_s, formatMoney(order.totals.tax)});
    if (!order.totals.taxIncluded)
        r.totals.append(taxRows);
    r.totals.append({u"Total"_s, formatMoney(order.totals.total)});
    if (order.totals.taxIncluded)
        r.totals.append(taxRows);
    // An exchange's new sale (module returns.sql): the returned pairs paid part of it.
    if (!order.credit.isZero()) {
        r.totals.append({u"Exchange credit"_s, negative(order.credit)});
        r.totals.append({u"Paid"_s, formatMoney(order.due())});
    }
    r.discountReason = order.totals.discount.isZero() ? QString() : order.discountReason.trimmed();
    r.payment = describePayment(order);
    r.customer = order.customerName;
    if (order.status == OrderStatus::Paid || order.status == OrderStatus::Fulfilled
        || order.status == OrderStatus::Shipped)
        r.status = u"PAID"_s;
    else
        r.status = u"NOT PAID — %1"_s.arg(displayName(order.status));
    r.footer = u"Thank you for shopping with us!"_s;
    return r;
}

QStringList Receipt::textLines() const
{
    QStringList out{shopName};
    if (!addressLine.isEmpty())
        out.append(addressLine);
    out.append(dateText);
    out.append(u"Order %1"_s.arg(orderNumber));
    if (!customer.isEmpty())
        out.append(u"Customer: %1"_s.arg(customer));
    for (const ReceiptLine &line : lines) {
        out.append(u"%1 × %2  %3"_s.arg(line.quantity).arg(line.title, line.amount));
        out.append(u"  %1 · %2 each"_s.arg(line.detail, line.unitPrice));
        if (!line.discount.isEmpty())
            out.append(u"  Discount %1"_s.arg(line.discount));
    }
    for (const ReceiptRow &row : totals)
        out.append(u"%1  %2"_s.arg(row.label, row.amount));
    if (!discountReason.isEmpty())
        out.append(u"Discount reason: %1"_s.arg(discountReason));
    out.append(payment);
    out.append(status);
    out.append(footer);
    return out;
}

} // namespace rdk

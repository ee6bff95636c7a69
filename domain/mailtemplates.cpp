#include "domain/mailtemplates.h"

#include "domain/money.h"
#include "domain/moneyformat.h"
#include "domain/order.h"

#include <QJsonArray>
#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

struct Line final {
    QString name;
    int quantity = 1;
    QString amount;
};

struct Rendered final {
    QString heading;            ///< first sentence
    QStringList paragraphs;     ///< plain sentences after it
    QList<Line> lines;
    QList<QPair<QString, QString>> totals;   ///< label, amount
};

QString oneLine(const QString &text)
{
    return text.simplified();   // every run of whitespace, line breaks included, is one space
}

QString money(qint64 minor, const QString &currency)
{
    auto m = Money::of(minor, currency);
    return m ? formatMoney(*m) : QString();
}

QString html(const QString &text)
{
    return text.toHtmlEscaped();
}

QString plainText(const Rendered &r, const QString &shopName, const MailShopDetails &shop)
{
    QString out = r.heading + u"\n\n"_s;
    for (const QString &p : r.paragraphs)
        out += p + u"\n\n"_s;
    if (!r.lines.isEmpty()) {
        for (const Line &l : r.lines)
            out += u"  %1 x %2  %3\n"_s.arg(l.quantity).arg(l.name, l.amount);
        out += u"\n"_s;
    }
    for (const auto &[label, amount] : r.totals)
        out += u"  %1: %2\n"_s.arg(label, amount);
    if (!r.totals.isEmpty())
        out += u"\n"_s;
    out += u"-- \n"_s + shopName + u"\n"_s;
    if (!shop.address.isEmpty())
        out += oneLine(shop.address) + u"\n"_s;
    if (!shop.policies.isEmpty())
        out += u"\n"_s + shop.policies.trimmed() + u"\n"_s;
    if (!shop.storefrontUrl.isEmpty()) {
        out += u"Look up your order: %1/orders/lookup\n"_s.arg(shop.storefrontUrl);
        out += u"Shipping: %1/policies/shipping · Returns: %1/policies/returns · Contact: %1/contact\n"_s.arg(shop.storefrontUrl);
    }
    return out;
}

QString htmlText(const Rendered &r, const QString &subject, const QString &shopName, const MailShopDetails &shop)
{
    QString out = u"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1</title></head>\n"
                  "<body style=\"font-family:sans-serif;color:#222;max-width:36em\">\n"
                  "<h1 style=\"font-size:1.3em\">%2</h1>\n<p>%3</p>\n"_s.arg(html(subject), html(shopName), html(r.heading));
    for (const QString &p : r.paragraphs)
        out += u"<p>%1</p>\n"_s.arg(html(p));
    if (!r.lines.isEmpty() || !r.totals.isEmpty()) {
        out += u"<table style=\"border-collapse:collapse;width:100%\">\n"_s;
        for (const Line &l : r.lines)
            out += u"<tr><td>%1 &times; %2</td><td style=\"text-align:right\">%3</td></tr>\n"_s.arg(l.quantity).arg(
                html(l.name), html(l.amount));
        for (const auto &[label, amount] : r.totals)
            out += u"<tr><th style=\"text-align:left\">%1</th><td style=\"text-align:right\">%2</td></tr>\n"_s.arg(
                html(label), html(amount));
        out += u"</table>\n"_s;
    }
    out += u"<hr>\n<p style=\"font-size:0.9em;color:#555\">%1"_s.arg(html(shopName));
    if (!shop.address.isEmpty())
        out += u"<br>"_s + html(oneLine(shop.address));
    out += u"</p>\n"_s;
    if (!shop.policies.isEmpty())
        out += u"<p style=\"font-size:0.9em;color:#555\">%1</p>\n"_s.arg(html(shop.policies.trimmed()));
    if (!shop.storefrontUrl.isEmpty()) {
        const QString url = shop.storefrontUrl + u"/orders/lookup"_s;
        out += u"<p style=\"font-size:0.9em\"><a href=\"%1\">Look up your order</a> &middot; <a href=\"%2/policies/shipping\">"
               "Shipping</a> &middot; <a href=\"%2/policies/returns\">Returns</a> &middot; <a href=\"%2/contact\">Contact</a></p>\n"_s
                   .arg(html(url), html(shop.storefrontUrl));
    }
    out += u"</body></html>\n"_s;
    return out;
}

} // namespace

bool isKnownMailKind(const QString &kind)
{
    return kind == u"order_paid"_s || kind == u"order_shipped"_s || kind == u"order_refunded"_s
           || kind == u"counter_receipt"_s || kind == u"order_ready_for_pickup"_s || kind == u"raffle_won"_s
           || kind == u"raffle_lost"_s;
}

QString formatShopTime(const QString &isoTimestamp, const QString &timeZone)
{
    if (isoTimestamp.isEmpty())
        return {};
    // PostgreSQL writes microseconds ("2026-12-07T01:14:26.123456+00:00"); Qt reads milliseconds.
    static const QRegularExpression micro(u"(\\.\\d{3})\\d+"_s);
    QString iso = isoTimestamp;
    iso.replace(micro, u"\\1"_s);
    QDateTime at = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!at.isValid())
        return {};
    QTimeZone zone(timeZone.toUtf8());
    if (!zone.isValid())
        zone = QTimeZone::utc();
    const QDateTime local = at.toTimeZone(zone);
    QString abbreviation = zone.abbreviation(local);
    if (abbreviation.isEmpty())
        abbreviation = QString::fromUtf8(zone.id());
    return QLocale::c().toString(local, u"d MMM yyyy, HH:mm"_s) + u" "_s + abbreviation;
}

namespace {

// A raffle's result (issue 15): the payload is rdk.raffle_mail's snapshot of the release, the
// product, the entry's size and, for a winner, the claim code and the deadline to pay.
Result<MailContent> renderRaffleMail(const QString &kind, const QJsonObject &payload, const MailShopDetails &shop)
{
    const QJsonObject shopObject = payload.value(u"shop"_s).toObject();
    const QString shopName = oneLine(shopObject.value(u"name"_s).toString());
    const QString timeZone = shopObject.value(u"timezone"_s).toString();
    const QJsonObject product = payload.value(u"product"_s).toObject();
    const QString name = oneLine(product.value(u"name"_s).toString());
    const QString sku = oneLine(product.value(u"sku"_s).toString());
    const QString size = oneLine(payload.value(u"size"_s).toString());
    if (shopName.isEmpty() || name.isEmpty() || sku.isEmpty())
        return Error::invalid(u"The raffle mail's data has no shop name or product."_s);
    MailShopDetails details = shop;
    const QString shopAddress = shopObject.value(u"address"_s).toString().trimmed();
    if (!shopAddress.isEmpty())
        details.address = shopAddress;
    const QString pair = size.isEmpty() ? name : u"%1, size %2"_s.arg(name, size);

    Rendered r;
    QString subject;
    if (kind == u"raffle_won"_s) {
        static const QRegularExpression uuid(u"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"_s);
        const QString code = payload.value(u"claim_code"_s).toString().trimmed().toLower();
        const QString deadline = formatShopTime(payload.value(u"claim_deadline"_s).toString(), timeZone);
        if (!uuid.match(code).hasMatch() || deadline.isEmpty())
            return Error::invalid(u"The raffle mail's data has no claim code or deadline."_s);
        subject = u"You won the raffle for %1 at %2"_s.arg(name, shopName);
        r.heading = u"Good news: your entry won a pair of %1."_s.arg(pair);
        const QString path = u"/drops/%1/claim/%2"_s.arg(QString::fromLatin1(QUrl::toPercentEncoding(sku)), code);
        r.paragraphs.append(shop.storefrontUrl.isEmpty()
                                ? u"Pay for it on the shop's site at %1 before %2."_s.arg(path, deadline)
                                : u"Pay for it here before %1: %2%3"_s.arg(deadline, shop.storefrontUrl, path));
        const qint64 price = product.value(u"price_minor"_s).toInteger(0);
        const QString currency = product.value(u"currency"_s).toString().trimmed();
        if (price > 0 && Money::isValidCurrency(currency))
            r.totals.append({u"Price"_s, money(price, currency)});
        r.paragraphs.append(u"If it isn't paid by then, the pair goes to the next entry in the draw's order. "
                            "The link is yours alone: don't share it."_s);
    } else {
        subject = u"The raffle for %1 at %2: not this time"_s.arg(name, shopName);
        r.heading = u"Thank you for entering the raffle for %1. Your entry wasn't drawn this time."_s.arg(pair);
        r.paragraphs.append(u"If a winner doesn't pay in time, their pair goes to the next entry in the draw's order, "
                            "and we e-mail you if that is you. The draw's seed and order are kept so anyone can check it."_s);
    }
    subject = oneLine(subject);
    return MailContent{subject, plainText(r, shopName, details), htmlText(r, subject, shopName, details)};
}

} // namespace

Result<MailContent> renderMail(const QString &kind, const QJsonObject &payload, const MailShopDetails &shop)
{
    if (!isKnownMailKind(kind))
        return Error::invalid(u"rdk-sync does not know how to write a mail of kind \"%1\"."_s.arg(oneLine(kind).left(40)));
    if (kind == u"raffle_won"_s || kind == u"raffle_lost"_s)
        return renderRaffleMail(kind, payload, shop);
    const QJsonObject shopObject = payload.value(u"shop"_s).toObject();
    const QString shopName = oneLine(shopObject.value(u"name"_s).toString());
    const QString timeZone = shopObject.value(u"timezone"_s).toString();
    const QString currency = payload.value(u"currency"_s).toString().trimmed();
    const qint64 number = payload.value(u"order_number"_s).toInteger(0);
    if (shopName.isEmpty() || number <= 0 || !Money::isValidCurrency(currency))
        return Error::invalid(u"The mail's data has no shop name, order number or currency."_s);
    const QString order = formatOrderNumber(number);
    const auto amount = [&](const char *key) { return money(payload.value(QLatin1StringView(key)).toInteger(0), currency); };
    // The shop's address as it was at the event (shop settings) beats the service's setting.
    MailShopDetails details = shop;
    const QString shopAddress = shopObject.value(u"address"_s).toString().trimmed();
    if (!shopAddress.isEmpty())
        details.address = shopAddress;
    const QString method = oneLine(payload.value(u"shipping_method"_s).toString());
    const bool pickup = payload.value(u"fulfillment"_s).toString() == u"pickup"_s;

    Rendered r;
    QString subject;
    const auto addLinesAndTotals = [&] {
        for (const QJsonValue &v : payload.value(u"lines"_s).toArray()) {
            const QJsonObject l = v.toObject();
            QString name = oneLine(l.value(u"name"_s).toString());
            const QString size = oneLine(l.value(u"size"_s).toString());
            if (!size.isEmpty())
                name += u" — size "_s + size;
            r.lines.append({name, int(l.value(u"quantity"_s).toInteger(1)), money(l.value(u"line_total_minor"_s).toInteger(0), currency)});
        }
        r.totals.append({u"Subtotal"_s, amount("subtotal_minor")});
        if (payload.value(u"discount_minor"_s).toInteger(0) > 0)
            r.totals.append({u"Discount"_s, u"-"_s + amount("discount_minor")});
        if (payload.value(u"shipping_minor"_s).toInteger(0) > 0)
            r.totals.append({u"Shipping"_s, amount("shipping_minor")});
        if (payload.value(u"tax_minor"_s).toInteger(0) > 0)
            r.totals.append({u"Tax"_s, amount("tax_minor")});
        r.totals.append({u"Total"_s, amount("total_minor")});
    };
    const QString paidAt = formatShopTime(payload.value(u"paid_at"_s).toString(), timeZone);
    if (kind == u"order_paid"_s) {
        subject = u"Your order %1 at %2 is confirmed"_s.arg(order, shopName);
        r.heading = u"Thank you for your order. We have your payment and are getting it ready."_s;
        if (!paidAt.isEmpty())
            r.paragraphs.append(u"Order %1, paid %2."_s.arg(order, paidAt));
        if (pickup)
            r.paragraphs.append(u"You chose %1: we'll e-mail you when it's ready to collect."_s.arg(method));
        else if (!method.isEmpty())
            r.paragraphs.append(u"Shipping: %1. We'll e-mail you the tracking number when it leaves the shop."_s.arg(method));
        addLinesAndTotals();
    } else if (kind == u"order_ready_for_pickup"_s) {
        subject = u"Your order %1 is ready to pick up at %2"_s.arg(order, shopName);
        r.heading = u"Your order %1 is ready to pick up."_s.arg(order);
        r.paragraphs.append(details.address.isEmpty()
                                ? u"Bring this e-mail or your order number to the counter."_s
                                : u"Collect it at %1. Bring this e-mail or your order number to the counter."_s.arg(
                                      oneLine(details.address)));
        addLinesAndTotals();
        r.totals.clear();
    } else if (kind == u"order_shipped"_s) {
        subject = u"Your order %1 from %2 is on its way"_s.arg(order, shopName);
        r.heading = u"Your order %1 has shipped."_s.arg(order);
        const QString carrier = oneLine(payload.value(u"carrier"_s).toString());
        const QString tracking = oneLine(payload.value(u"tracking_number"_s).toString());
        if (!tracking.isEmpty())
            r.paragraphs.append(carrier.isEmpty() ? u"Tracking number: %1."_s.arg(tracking)
                                                  : u"Carrier: %1. Tracking number: %2."_s.arg(carrier, tracking));
        addLinesAndTotals();
        r.totals.clear();
    } else if (kind == u"order_refunded"_s) {
        const QString refund = amount("refund_minor");
        subject = u"Refund of %1 for your order %2 at %3"_s.arg(refund, order, shopName);
        r.heading = u"We refunded %1 for your order %2."_s.arg(refund, order);
        r.paragraphs.append(u"It goes back to the card you paid with; banks take a few days to show it."_s);
        r.totals.append({u"Order total"_s, amount("total_minor")});
        r.totals.append({u"Refunded so far"_s, amount("refunded_minor")});
    } else {
        subject = u"Your receipt from %1, %2"_s.arg(shopName, order);
        r.heading = u"Thank you for shopping with us. Here is your receipt."_s;
        r.paragraphs.append(paidAt.isEmpty() ? u"Sale %1."_s.arg(order) : u"Sale %1, paid %2."_s.arg(order, paidAt));
        addLinesAndTotals();
    }
    subject = oneLine(subject);
    return MailContent{subject, plainText(r, shopName, details), htmlText(r, subject, shopName, details)};
}

} // namespace rdk

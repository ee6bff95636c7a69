#include "domain/drawer.h"

#include "domain/moneyformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QList<qint64> drawerDenominations(const QString &currency)
{
    if (currency == u"USD"_s)
        return {10000, 5000, 2000, 1000, 500, 200, 100, 50, 25, 10, 5, 1};
    if (currency == u"EUR"_s)
        return {50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1};
    if (currency == u"GBP"_s)
        return {5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1};
    if (currency == u"CAD"_s)
        return {10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5};
    return {};
}

QString denominationLabel(qint64 minor, const QString &currency)
{
    if (minor >= 100 || Money::minorDigits(currency) != 2) {
        const Money money = Money::of(minor, currency).value();
        QString text = formatMoney(money);
        if (minor % 100 == 0 && text.endsWith(u".00"_s))
            text.chop(3);
        return text;
    }
    if (currency == u"USD"_s || currency == u"CAD"_s)
        return u"%1¢"_s.arg(minor);
    if (currency == u"GBP"_s)
        return u"%1p"_s.arg(minor);
    return u"%1c"_s.arg(minor);
}

Result<Money> DrawerCount::total() const
{
    const QList<qint64> allowed = drawerDenominations(currency);
    if (allowed.isEmpty())
        return Error::invalid(u"Count the %1 cash as one amount."_s.arg(currency));
    Money sum = Money::zero(currency);
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (!allowed.contains(it.key()))
            return Error::invalid(u"%1 is not a note or coin of %2."_s.arg(it.key()).arg(currency));
        if (it.value() < 0 || it.value() > MaxDenominationCount)
            return Error::invalid(u"Count each note or coin as a whole number from 0 to %1 (%2)."_s
                                      .arg(MaxDenominationCount)
                                      .arg(denominationLabel(it.key(), currency)));
        auto part = Money::of(it.key(), currency).value().times(it.value());
        if (!part)
            return part.error();
        auto next = sum.plus(*part);
        if (!next)
            return next.error();
        sum = *next;
    }
    return sum;
}

QString DrawerCount::toJson() const
{
    QJsonObject object;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.value() != 0)
            object.insert(QString::number(it.key()), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Money overShort(const Money &counted, const Money &expected)
{
    auto diff = counted.minus(expected);
    return diff ? *diff : Money::zero(counted.currency());
}

QString overShortText(const Money &counted, const Money &expected)
{
    const Money diff = overShort(counted, expected);
    if (diff.isZero())
        return u"Even"_s;
    if (diff.isNegative())
        return u"Short %1"_s.arg(formatMoney(Money::of(-diff.minor(), diff.currency()).value()));
    return u"Over %1"_s.arg(formatMoney(diff));
}

namespace {

struct Reader {
    const QJsonObject &o;
    QString currency;
    QString missing;

    Money money(const QString &key)
    {
        const QJsonValue v = o.value(key);
        if (!v.isDouble()) {
            if (missing.isEmpty())
                missing = key;
            return Money::zero(currency);
        }
        return Money::of(v.toInteger(), currency).value();
    }
    QDateTime time(const QString &key) const
    {
        return QDateTime::fromString(o.value(key).toString(), Qt::ISODateWithMs);
    }
};

QString methodName(const QString &method)
{
    if (method == u"cash"_s)
        return u"Cash"_s;
    if (method == u"card"_s)
        return u"Card (payment link)"_s;
    return method;
}

} // namespace

Result<DrawerReport> DrawerReport::fromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        return Error::internal(u"The drawer report could not be read."_s);
    const QJsonObject o = doc.object();
    DrawerReport r;
    r.currency = o.value(u"currency"_s).toString().trimmed();
    if (!Money::isValidCurrency(r.currency))
        return Error::internal(u"The drawer report has no currency."_s);
    Reader read{o, r.currency, {}};
    r.closed = o.value(u"kind"_s).toString() == u"Z"_s;
    r.sessionId = o.value(u"session_id"_s).toString();
    r.shop = o.value(u"shop"_s).toString();
    r.timeZone = o.value(u"timezone"_s).toString();
    r.openedBy = o.value(u"opened_by"_s).toString();
    r.closedBy = o.value(u"closed_by"_s).toString();
    r.openedAt = read.time(u"opened_at"_s);
    r.closedAt = read.time(u"closed_at"_s);
    r.until = read.time(u"until"_s);
    for (const QJsonValue &v : o.value(u"sales"_s).toArray()) {
        const QJsonObject line = v.toObject();
        r.sales.append({line.value(u"method"_s).toString(), line.value(u"count"_s).toInt(),
                        Money::of(line.value(u"total_minor"_s).toInteger(), r.currency).value()});
    }
    r.salesCount = o.value(u"sales_count"_s).toInt();
    r.gross = read.money(u"gross_minor"_s);
    r.discounts = read.money(u"discounts_minor"_s);
    r.tax = read.money(u"tax_minor"_s);
    r.total = read.money(u"total_minor"_s);
    r.floatAmount = read.money(u"float_minor"_s);
    r.cashSales = read.money(u"cash_sales_minor"_s);
    r.cashRefunds = read.money(u"cash_refunds_minor"_s);
    r.cashRefundCount = o.value(u"cash_refunds_count"_s).toInt();
    r.cardRefunds = read.money(u"card_refunds_minor"_s);
    r.paidIn = read.money(u"paid_in_minor"_s);
    r.paidOut = read.money(u"paid_out_minor"_s);
    r.expected = read.money(u"expected_minor"_s);
    if (!read.missing.isEmpty())
        return Error::internal(u"The drawer report lacks %1."_s.arg(read.missing));
    if (o.value(u"counted_minor"_s).isDouble())
        r.counted = Money::of(o.value(u"counted_minor"_s).toInteger(), r.currency).value();
    const QJsonObject counted = o.value(u"counted"_s).toObject();
    for (auto it = counted.begin(); it != counted.end(); ++it)
        r.countedBy.insert(it.key().toLongLong(), it.value().toInt());
    r.note = o.value(u"note"_s).toString();
    for (const QJsonValue &v : o.value(u"movements"_s).toArray()) {
        const QJsonObject m = v.toObject();
        r.movements.append({QDateTime::fromString(m.value(u"at"_s).toString(), Qt::ISODateWithMs),
                            m.value(u"kind"_s).toString(),
                            Money::of(m.value(u"amount_minor"_s).toInteger(), r.currency).value(),
                            m.value(u"reason"_s).toString(), m.value(u"order"_s).toString()});
    }
    return r;
}

QString DrawerReport::title() const
{
    return u"%1 report — %2"_s.arg(closed ? u"Z"_s : u"X"_s, openedBy);
}

QList<QPair<QString, QString>> DrawerReport::lines() const
{
    const QTimeZone zone = timeZone.isEmpty() ? QTimeZone::utc() : QTimeZone(timeZone.toUtf8());
    const auto when = [&](const QDateTime &t) {
        return t.isValid() ? t.toTimeZone(zone.isValid() ? zone : QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm"_s) : QString();
    };
    const auto neg = [](const Money &m) { return formatMoney(Money::of(-m.minor(), m.currency()).value()); };
    QList<QPair<QString, QString>> out;
    out.append({shop, {}});
    out.append({closed ? u"Z report (drawer closed)"_s : u"X report (drawer still open)"_s, {}});
    out.append({u"Cashier"_s, openedBy});
    out.append({u"Opened"_s, when(openedAt)});
    if (closed) {
        out.append({u"Closed"_s, when(closedAt)});
        if (!closedBy.isEmpty() && closedBy != openedBy)
            out.append({u"Closed by"_s, closedBy});
    } else {
        out.append({u"As of"_s, when(until)});
    }
    out.append(QPair<QString, QString>());
    out.append({u"SALES"_s, {}});
    if (sales.isEmpty())
        out.append({u"No sales"_s, formatMoney(Money::zero(currency))});
    for (const MethodLine &line : sales)
        out.append({u"%1 (%2)"_s.arg(methodName(line.method)).arg(line.count), formatMoney(line.total)});
    out.append({u"Gross sales"_s, formatMoney(gross)});
    out.append({u"Discounts"_s, neg(discounts)});
    out.append({u"Tax"_s, formatMoney(tax)});
    out.append({salesCount == 1 ? u"Total taken (1 sale)"_s : u"Total taken (%1 sales)"_s.arg(salesCount), formatMoney(total)});
    out.append({u"Card refunds"_s, neg(cardRefunds)});
    out.append({u"Cash refunds (%1)"_s.arg(cashRefundCount), neg(cashRefunds)});
    out.append(QPair<QString, QString>());
    out.append({u"CASH DRAWER"_s, {}});
    out.append({u"Opening float"_s, formatMoney(floatAmount)});
    out.append({u"Cash sales"_s, formatMoney(cashSales)});
    out.append({u"Cash refunds"_s, neg(cashRefunds)});
    out.append({u"Paid in"_s, formatMoney(paidIn)});
    out.append({u"Paid out"_s, neg(paidOut)});
    out.append({u"Expected in drawer"_s, formatMoney(expected)});
    if (counted) {
        out.append({u"Counted"_s, formatMoney(*counted)});
        const Money diff = overShort(*counted, expected);
        out.append({diff.isNegative() ? u"Short"_s : (diff.isZero() ? u"Over/short"_s : u"Over"_s), formatMoney(diff)});
    }
    if (!countedBy.isEmpty()) {
        out.append(QPair<QString, QString>());
        out.append({u"COUNT"_s, {}});
        const QList<qint64> values = countedBy.keys();
        for (auto it = values.crbegin(); it != values.crend(); ++it) {
            const int n = countedBy.value(*it);
            const Money value = Money::of(*it, currency).value().times(n).value();
            out.append({u"%1 × %2"_s.arg(denominationLabel(*it, currency)).arg(n), formatMoney(value)});
        }
    }
    const QList<DrawerMovement> own = [&] {
        QList<DrawerMovement> list;
        for (const DrawerMovement &m : movements)
            if (m.kind == u"paid_in"_s || m.kind == u"paid_out"_s)
                list.append(m);
        return list;
    }();
    if (!own.isEmpty()) {
        out.append(QPair<QString, QString>());
        out.append({u"PAID IN / OUT"_s, {}});
        for (const DrawerMovement &m : own)
            out.append({u"%1 %2 — %3"_s.arg(when(m.at).right(5), m.kind == u"paid_in"_s ? u"paid in"_s : u"paid out"_s, m.reason),
                        formatMoney(m.amount)});
    }
    if (!note.isEmpty()) {
        out.append(QPair<QString, QString>());
        out.append({u"Note"_s, note});
    }
    return out;
}

} // namespace rdk

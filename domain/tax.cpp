#include "domain/tax.h"

#include <QSet>

#include <algorithm>
#include <limits>
#include <numeric>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

// 128-bit intermediates: a net (up to ~9e18) times a rate in parts per million cannot overflow.
__extension__ typedef __int128 Wide;

// a / b rounded halves up, for a >= 0 and b > 0: the SQL side computes the same as
// div(2a + b, 2b) in exact numeric arithmetic.
Wide divRoundHalfUp(Wide a, Wide b)
{
    return (2 * a + b) / (2 * b);
}

bool fitsInt64(Wide v)
{
    return v >= Wide(std::numeric_limits<qint64>::min()) && v <= Wide(std::numeric_limits<qint64>::max());
}

} // namespace

QList<TaxRate> TaxSettings::activeRates() const
{
    QList<TaxRate> out;
    for (const TaxRate &r : rates) {
        if (r.active)
            out.append(r);
    }
    return out;
}

Result<qint64> parseTaxRatePercent(QStringView text)
{
    QStringView t = text.trimmed();
    if (t.endsWith(u'%'))
        t = t.chopped(1).trimmed();
    const Error bad = Error::invalid(u"A tax rate is a percentage from 0 to 100 with at most four decimals, "
                                     "such as 8.875."_s, u"rate"_s);
    if (t.isEmpty())
        return bad;
    const qsizetype dot = t.indexOf(u'.');
    const QStringView whole = dot < 0 ? t : t.left(dot);
    const QStringView fraction = dot < 0 ? QStringView() : t.mid(dot + 1);
    if (whole.isEmpty() || whole.size() > 3 || fraction.size() > 4 || (dot >= 0 && fraction.isEmpty()))
        return bad;
    qint64 ppm = 0;
    for (QChar c : whole) {
        if (c < u'0' || c > u'9')
            return bad;
        ppm = ppm * 10 + (c.unicode() - u'0');
    }
    ppm *= 10'000;
    qint64 scale = 1'000;
    for (QChar c : fraction) {
        if (c < u'0' || c > u'9')
            return bad;
        ppm += (c.unicode() - u'0') * scale;
        scale /= 10;
    }
    if (ppm > TaxRatePpmMax)
        return bad;
    return ppm;
}

QString taxRatePercentText(qint64 ppm)
{
    QString text = QString::number(ppm / 10'000);
    qint64 fraction = ppm % 10'000;
    if (fraction != 0) {
        QString digits = QString::number(fraction).rightJustified(4, u'0');
        while (digits.endsWith(u'0'))
            digits.chop(1);
        text += u'.' + digits;
    }
    return text;
}

QString describeTaxRate(const TaxRate &rate)
{
    return u"%1 %2 %"_s.arg(rate.name, taxRatePercentText(rate.ppm));
}

Result<QList<TaxRate>> checkTaxRates(const QList<TaxRate> &rates)
{
    if (rates.size() > MaxTaxRates)
        return Error::invalid(u"A shop can have at most %1 tax rates."_s.arg(MaxTaxRates), u"rates"_s);
    QList<TaxRate> out;
    QSet<QString> seen;
    for (qsizetype i = 0; i < rates.size(); ++i) {
        TaxRate rate = rates.at(i);
        rate.name = rate.name.trimmed();
        bool control = std::any_of(rate.name.cbegin(), rate.name.cend(), [](QChar c) { return c.category() == QChar::Other_Control; });
        if (rate.name.isEmpty() || rate.name.size() > MaxTaxRateNameLength || control)
            return Error::invalid(u"Tax rate %1 needs a name of 1 to %2 characters."_s.arg(i + 1).arg(MaxTaxRateNameLength),
                                  u"name"_s);
        if (seen.contains(rate.name.toLower()))
            return Error::invalid(u"Two tax rates are named %1."_s.arg(rate.name), u"name"_s);
        seen.insert(rate.name.toLower());
        if (rate.ppm < 0 || rate.ppm > TaxRatePpmMax)
            return Error::invalid(u"The rate of %1 must be a percentage from 0 to 100 with at most four decimals."_s
                                      .arg(rate.name), u"rate"_s);
        out.append(rate);
    }
    return out;
}

Result<TaxSplit> splitTax(const QList<qint64> &nets, qint64 orderDiscount, const QList<qint64> &ratesPpm,
                          bool pricesIncludeTax)
{
    const Error tooLarge = Error::invalid(u"The amounts are too large to compute tax on."_s);
    if (orderDiscount < 0)
        return Error::invalid(u"A discount can't be negative."_s, u"discount"_s);
    Wide sumNets = 0;
    for (qint64 n : nets) {
        if (n < 0)
            return Error::invalid(u"A line can't cost less than nothing."_s);
        sumNets += n;
    }
    if (!fitsInt64(sumNets))
        return tooLarge;
    if (Wide(orderDiscount) > sumNets)
        return Error::invalid(u"The discount is more than the order's total."_s, u"discount"_s);
    Wide sumRates = 0;
    for (qint64 r : ratesPpm) {
        if (r < 0 || r > TaxRatePpmMax)
            return Error::invalid(u"A tax rate must be from 0 to 100 %."_s, u"rate"_s);
        sumRates += r;
    }

    TaxSplit split;
    const qsizetype n = nets.size();
    split.shares.resize(n);
    // 2. Share the cart discount: floor first, then the leftover units by largest remainder.
    QList<Wide> remainders(n);
    Wide given = 0;
    for (qsizetype i = 0; i < n; ++i) {
        if (sumNets == 0)
            break;
        const Wide product = Wide(orderDiscount) * nets.at(i);
        split.shares[i] = qint64(product / sumNets);
        remainders[i] = product % sumNets;
        given += split.shares.at(i);
    }
    QList<qsizetype> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](qsizetype a, qsizetype b) { return remainders.at(a) > remainders.at(b); });
    for (qsizetype k = 0; k < n && Wide(k) < Wide(orderDiscount) - given; ++k)
        split.shares[order.at(k)] += 1;

    // 3. Tax per line per rate.
    const Wide denominator = pricesIncludeTax ? Wide(TaxRatePpmMax) + sumRates : Wide(TaxRatePpmMax);
    split.rateTax = QList<qint64>(ratesPpm.size(), 0);
    Wide total = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const Wide taxable = Wide(nets.at(i)) - split.shares.at(i);
        QList<qint64> perRate;
        Wide lineTax = 0;
        for (qsizetype k = 0; k < ratesPpm.size(); ++k) {
            const Wide tax = divRoundHalfUp(taxable * ratesPpm.at(k), denominator);
            if (!fitsInt64(tax))
                return tooLarge;
            perRate.append(qint64(tax));
            lineTax += tax;
            split.rateTax[k] += qint64(tax);
        }
        if (!fitsInt64(lineTax))
            return tooLarge;
        split.lineRateTax.append(perRate);
        split.lineTax.append(qint64(lineTax));
        total += lineTax;
    }
    if (!fitsInt64(total) || !fitsInt64(total + sumNets))
        return tooLarge;
    split.total = qint64(total);
    return split;
}

QString taxRowLabel(const TaxAmount &tax, bool included)
{
    const QString rate = u"%1 %2 %"_s.arg(tax.name, taxRatePercentText(tax.ppm));
    return included ? u"Incl. tax (%1)"_s.arg(rate) : u"Tax (%1)"_s.arg(rate);
}

Result<TaxExample> taxExample(const TaxSettings &settings, const Money &price)
{
    QList<qint64> ppm;
    for (const TaxRate &rate : settings.activeRates())
        ppm.append(rate.ppm);
    auto split = splitTax({price.minor()}, 0, ppm, settings.pricesIncludeTax);
    if (!split)
        return split.error();
    auto tax = Money::of(split->total, price.currency());
    if (!tax)
        return tax.error();
    if (settings.pricesIncludeTax)
        return TaxExample{*tax, price};
    auto total = price.plus(*tax);
    if (!total)
        return total.error();
    return TaxExample{*tax, *total};
}

} // namespace rdk

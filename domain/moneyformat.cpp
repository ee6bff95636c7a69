#include "domain/moneyformat.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

// Only symbols nobody misreads; "$" alone would be ambiguous for CAD or AUD, so those
// keep their code.
QString symbolFor(QStringView currency)
{
    if (currency == u"USD")
        return u"$"_s;
    if (currency == u"EUR")
        return QString(QChar(0x20AC));
    if (currency == u"GBP")
        return QString(QChar(0x00A3));
    if (currency == u"JPY")
        return QString(QChar(0x00A5));
    return {};
}

// The magnitude as unsigned, so the most negative qint64 doesn't overflow on negation.
quint64 magnitude(qint64 minor)
{
    return minor < 0 ? quint64(0) - quint64(minor) : quint64(minor);
}

quint64 powerOfTen(int exponent)
{
    quint64 result = 1;
    for (int i = 0; i < exponent; ++i)
        result *= 10;
    return result;
}

QString groupThousands(const QString &digits)
{
    QString grouped;
    grouped.reserve(digits.size() + digits.size() / 3);
    for (qsizetype i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            grouped.append(u',');
        grouped.append(digits.at(i));
    }
    return grouped;
}

struct Parts {
    QString whole;
    QString fraction; // empty for zero-decimal currencies
};

Parts splitAmount(const Money &money)
{
    const int digits = Money::minorDigits(money.currency());
    const quint64 scale = powerOfTen(digits);
    const quint64 value = magnitude(money.minor());
    Parts parts{QString::number(value / scale), {}};
    if (digits > 0)
        parts.fraction = QString::number(value % scale).rightJustified(digits, u'0');
    return parts;
}

QString joinParts(const QString &whole, const QString &fraction)
{
    return fraction.isEmpty() ? whole : whole + u'.' + fraction;
}

} // namespace

QString formatMoney(const Money &money)
{
    const Parts parts = splitAmount(money);
    const QString number = joinParts(groupThousands(parts.whole), parts.fraction);
    const QString sign = money.isNegative() ? u"-"_s : QString();
    const QString symbol = symbolFor(money.currency());
    if (!symbol.isEmpty())
        return sign + symbol + number;
    return sign + number + u' ' + money.currency();
}

QString formatMinorPlain(const Money &money)
{
    const Parts parts = splitAmount(money);
    const QString sign = money.isNegative() ? u"-"_s : QString();
    return sign + joinParts(parts.whole, parts.fraction);
}

} // namespace rdk

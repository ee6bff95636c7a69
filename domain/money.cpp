#include "domain/money.h"

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

// Longer input can only be a paste accident or an attack; no real price needs it.
constexpr qsizetype MaxAmountTextLength = 40;

// ISO 4217 currencies whose exponent is not 2 (the list Stripe also uses for
// "zero-decimal" currencies, plus the three-decimal dinars).
constexpr std::array<const char16_t *, 17> ZeroDecimalCurrencies = {
    u"BIF", u"CLP", u"DJF", u"GNF", u"ISK", u"JPY", u"KMF", u"KRW", u"PYG",
    u"RWF", u"UGX", u"UYI", u"VND", u"VUV", u"XAF", u"XOF", u"XPF"};
constexpr std::array<const char16_t *, 7> ThreeDecimalCurrencies = {
    u"BHD", u"IQD", u"JOD", u"KWD", u"LYD", u"OMR", u"TND"};

template <std::size_t N>
bool contains(const std::array<const char16_t *, N> &codes, QStringView currency)
{
    for (const char16_t *code : codes) {
        if (currency == QStringView(code))
            return true;
    }
    return false;
}

Error tooLarge()
{
    return Error::invalid(u"That amount is too large"_s);
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Appends the digits of `text` to `value` (value = value * 10 + digit), checking overflow.
bool appendDigits(QStringView text, qint64 &value)
{
    for (QChar c : text) {
        if (__builtin_mul_overflow(value, qint64(10), &value)
            || __builtin_add_overflow(value, qint64(c.unicode() - u'0'), &value))
            return false;
    }
    return true;
}

bool allDigits(QStringView text)
{
    for (QChar c : text) {
        if (!isAsciiDigit(c))
            return false;
    }
    return true;
}

// Checks the characters before looking at the structure, so "12,50" and "12a" get
// a message about the character rather than about decimals.
Status checkAmountCharacters(QStringView body)
{
    for (QChar c : body) {
        if (c == u',' || c == u'\'' || c == u' ' || c == QChar(0x00A0) || c == QChar(0x202F))
            return Error::invalid(u"Leave out thousands separators: type 1299.99, not 1,299.99"_s);
        if (!isAsciiDigit(c) && c != u'.')
            return Error::invalid(u"An amount may only contain digits, one '.' and a leading '-'"_s);
    }
    return {};
}

// Turns "129.99" into 12999 for a two-decimal currency. `body` holds only digits and dots.
Result<qint64> minorUnitsOf(QStringView body, const QString &currency)
{
    const qsizetype dot = body.indexOf(u'.');
    const QStringView whole = dot < 0 ? body : body.left(dot);
    const QStringView fraction = dot < 0 ? QStringView() : body.mid(dot + 1);
    if (whole.isEmpty() || (dot >= 0 && fraction.isEmpty()))
        return Error::invalid(u"Write amounts like 129.99, with digits on both sides of the '.'"_s);
    if (!allDigits(fraction))
        return Error::invalid(u"An amount may contain only one '.'"_s);
    const int digits = Money::minorDigits(currency);
    if (fraction.size() > digits) {
        if (digits == 0)
            return Error::invalid(u"%1 amounts have no decimals"_s.arg(currency));
        return Error::invalid(u"%1 amounts have at most %2 decimals"_s.arg(currency).arg(digits));
    }
    qint64 minor = 0;
    if (!appendDigits(whole, minor) || !appendDigits(fraction, minor))
        return tooLarge();
    for (qsizetype i = fraction.size(); i < digits; ++i) {
        if (__builtin_mul_overflow(minor, qint64(10), &minor))
            return tooLarge();
    }
    return minor;
}

} // namespace

Result<Money> Money::of(qint64 minor, const QString &currency)
{
    if (!isValidCurrency(currency))
        return Error::invalid(u"Currency must be a three-letter code such as USD"_s, u"currency"_s);
    return Money(minor, currency);
}

bool Money::isValidCurrency(QStringView currency)
{
    if (currency.size() != 3)
        return false;
    for (QChar c : currency) {
        if (c < u'A' || c > u'Z')
            return false;
    }
    return true;
}

int Money::minorDigits(QStringView currency)
{
    if (contains(ZeroDecimalCurrencies, currency))
        return 0;
    if (contains(ThreeDecimalCurrencies, currency))
        return 3;
    return 2;
}

Money Money::zero(const QString &currency)
{
    return Money(0, currency);
}

Result<Money> Money::parse(QStringView text, const QString &currency)
{
    if (!isValidCurrency(currency))
        return Error::invalid(u"Currency must be a three-letter code such as USD"_s, u"currency"_s);
    QStringView body = text.trimmed();
    if (body.size() > MaxAmountTextLength)
        return Error::invalid(u"That amount is too long"_s);
    const bool negative = body.startsWith(u'-');
    if (negative)
        body = body.mid(1);
    if (body.isEmpty())
        return Error::invalid(u"Enter an amount"_s);
    if (Status chars = checkAmountCharacters(body); !chars)
        return chars.error();
    Result<qint64> minor = minorUnitsOf(body, currency);
    if (!minor)
        return minor.error();
    return Money(negative ? -minor.value() : minor.value(), currency);
}

Status Money::checkSameCurrency(const Money &other) const
{
    if (m_currency == other.m_currency)
        return {};
    return Error::invalid(u"Amounts in %1 and %2 can't be combined"_s.arg(m_currency, other.m_currency));
}

Result<Money> Money::plus(const Money &other) const
{
    if (Status same = checkSameCurrency(other); !same)
        return same.error();
    qint64 sum = 0;
    if (__builtin_add_overflow(m_minor, other.m_minor, &sum))
        return tooLarge();
    return Money(sum, m_currency);
}

Result<Money> Money::minus(const Money &other) const
{
    if (Status same = checkSameCurrency(other); !same)
        return same.error();
    qint64 difference = 0;
    if (__builtin_sub_overflow(m_minor, other.m_minor, &difference))
        return tooLarge();
    return Money(difference, m_currency);
}

Result<Money> Money::times(qint64 factor) const
{
    qint64 product = 0;
    if (__builtin_mul_overflow(m_minor, factor, &product))
        return tooLarge();
    return Money(product, m_currency);
}

Result<Money> Money::percent(int basisPoints) const
{
    // Split the amount so no intermediate product can overflow: amount = q * 10000 + r,
    // |r| < 10000, so r * basisPoints stays far inside qint64. q and r share the sign of
    // the amount, which keeps the rounding below symmetric around zero.
    constexpr qint64 Scale = 10000;
    const qint64 q = m_minor / Scale;
    const qint64 r = m_minor % Scale;
    const qint64 partial = r * basisPoints;
    qint64 rounded = partial / Scale;
    const qint64 remainder = partial % Scale;
    if (remainder * 2 >= Scale)
        ++rounded;
    else if (remainder * 2 <= -Scale)
        --rounded;

    qint64 result = 0;
    if (__builtin_mul_overflow(q, qint64(basisPoints), &result)
        || __builtin_add_overflow(result, rounded, &result))
        return tooLarge();
    return Money(result, m_currency);
}

} // namespace rdk

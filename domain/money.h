#pragma once

#include "domain/result.h"

#include <QString>
#include <QStringView>

namespace rdk {

/// An amount of money: integer minor units (cents, yen, fils) plus an ISO 4217 code.
/// Never a float, so sums and refunds add up to the cent. Every operation that could
/// overflow or mix currencies returns a Result instead of a wrong number.
/// Formatting lives in moneyformat.h, not here.
class Money final {
public:
    /// Zero US dollars. Exists so structs holding Money can be default-constructed;
    /// real amounts come from of(), parse() or zero(currency).
    Money() = default;

    /// `currency` must be three capital letters (ISO 4217 shape, e.g. "USD").
    static Result<Money> of(qint64 minor, const QString &currency);

    /// Reads what a person typed: "129.99", "-5", "0.5". Surrounding whitespace is
    /// ignored; an optional leading '-' is allowed. Rejected: empty text, letters,
    /// '+', thousands separators, more than one '.', a '.' without digits on both
    /// sides, more decimals than the currency has, and amounts beyond qint64.
    static Result<Money> parse(QStringView text, const QString &currency);

    /// Decimal places of a currency (ISO 4217 exponent): 0 for JPY, KRW, VND, CLP,
    /// ISK...; 3 for KWD, BHD, JOD, OMR, TND...; 2 for everything else.
    static int minorDigits(QStringView currency);

    /// True for three ASCII capital letters.
    static bool isValidCurrency(QStringView currency);

    /// Zero in `currency`. The code is trusted here (a constant or a stored value);
    /// use of() for anything a person typed.
    static Money zero(const QString &currency);

    qint64 minor() const { return m_minor; }
    const QString &currency() const { return m_currency; }
    bool isZero() const { return m_minor == 0; }
    bool isNegative() const { return m_minor < 0; }

    Result<Money> plus(const Money &other) const;
    Result<Money> minus(const Money &other) const;
    Result<Money> times(qint64 factor) const;

    /// This amount times basisPoints / 10000 (1000 = 10 %, 1 = 0.01 %), rounded to the
    /// nearest minor unit, halves away from zero (0.5 -> 1, -0.5 -> -1), the way a
    /// receipt rounds, so a discount and its negation stay mirror images.
    Result<Money> percent(int basisPoints) const;

    friend bool operator==(const Money &a, const Money &b)
    {
        return a.m_minor == b.m_minor && a.m_currency == b.m_currency;
    }

private:
    Money(qint64 minor, QString currency) : m_minor(minor), m_currency(std::move(currency)) {}

    Status checkSameCurrency(const Money &other) const;

    qint64 m_minor = 0;
    QString m_currency = QStringLiteral("USD");
};

} // namespace rdk

// Money: construction, parsing of typed amounts, checked arithmetic and formatting.
#include "domain/money.h"
#include "domain/moneyformat.h"

#include <QTest>

#include <limits>

using namespace Qt::Literals::StringLiterals;
using rdk::Money;

namespace {

constexpr qint64 MaxMinor = std::numeric_limits<qint64>::max();
constexpr qint64 MinMinor = std::numeric_limits<qint64>::min();

Money money(qint64 minor, const QString &currency = u"USD"_s)
{
    return Money::of(minor, currency).value();
}

} // namespace

class TstMoney final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void of_acceptsIsoShapedCodes();
    void of_rejectsBadCurrency_data();
    void of_rejectsBadCurrency();
    void defaultConstructed_isZeroUsd();
    void zero_isZeroAndNotNegative();
    void minorDigits_followsIso4217_data();
    void minorDigits_followsIso4217();
    void parse_acceptsValidInput_data();
    void parse_acceptsValidInput();
    void parse_rejectsBadInput_data();
    void parse_rejectsBadInput();
    void parse_rejectsBadCurrency();
    void plus_addsSameCurrency();
    void plus_rejectsMixedCurrenciesNamingBoth();
    void minus_rejectsMixedCurrencies();
    void arithmetic_rejectsOverflow_data();
    void arithmetic_rejectsOverflow();
    void times_multiplies_data();
    void times_multiplies();
    void percent_roundsHalfAwayFromZero_data();
    void percent_roundsHalfAwayFromZero();
    void equality_needsSameCurrencyAndAmount();
    void formatMoney_showsSymbolOrCode_data();
    void formatMoney_showsSymbolOrCode();
    void formatMinorPlain_hasNoGrouping_data();
    void formatMinorPlain_hasNoGrouping();
    void formatMinorPlain_parsesBackToSameAmount_data();
    void formatMinorPlain_parsesBackToSameAmount();
};

void TstMoney::of_acceptsIsoShapedCodes()
{
    const rdk::Result<Money> m = Money::of(12999, u"USD"_s);
    QVERIFY(m.ok());
    QCOMPARE(m->minor(), qint64(12999));
    QCOMPARE(m->currency(), u"USD"_s);
    QVERIFY(Money::of(-5, u"XYZ"_s).ok()); // unknown but well-formed codes are allowed
}

void TstMoney::of_rejectsBadCurrency_data()
{
    QTest::addColumn<QString>("currency");
    QTest::addRow("empty") << QString();
    QTest::addRow("lowercase") << u"usd"_s;
    QTest::addRow("two letters") << u"US"_s;
    QTest::addRow("four letters") << u"USDD"_s;
    QTest::addRow("symbol") << u"U$D"_s;
    QTest::addRow("digits") << u"840"_s;
    QTest::addRow("padded") << u" USD"_s;
    QTest::addRow("fullwidth letters") << u"\uFF35\uFF33\uFF24"_s;
    QTest::addRow("cyrillic lookalike S") << u"U\u0405D"_s;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"U\0D", 3);
}

void TstMoney::of_rejectsBadCurrency()
{
    QFETCH(QString, currency);
    const rdk::Result<Money> m = Money::of(100, currency);
    QVERIFY(!m.ok());
    QCOMPARE(m.error().code, rdk::ErrorCode::Invalid);
    QVERIFY(m.error().message.contains(u"three-letter"_s));
    QVERIFY(!Money::isValidCurrency(currency));
}

void TstMoney::defaultConstructed_isZeroUsd()
{
    const Money m;
    QVERIFY(m.isZero());
    QCOMPARE(m.currency(), u"USD"_s);
    QVERIFY(m == Money::zero(u"USD"_s));
}

void TstMoney::zero_isZeroAndNotNegative()
{
    const Money z = Money::zero(u"JPY"_s);
    QVERIFY(z.isZero());
    QVERIFY(!z.isNegative());
    QCOMPARE(z.currency(), u"JPY"_s);
    QVERIFY(money(-1).isNegative());
    QVERIFY(!money(1).isNegative());
}

void TstMoney::minorDigits_followsIso4217_data()
{
    QTest::addColumn<QString>("currency");
    QTest::addColumn<int>("digits");
    QTest::addRow("USD") << u"USD"_s << 2;
    QTest::addRow("EUR") << u"EUR"_s << 2;
    QTest::addRow("GBP") << u"GBP"_s << 2;
    QTest::addRow("JPY") << u"JPY"_s << 0;
    QTest::addRow("KRW") << u"KRW"_s << 0;
    QTest::addRow("VND") << u"VND"_s << 0;
    QTest::addRow("CLP") << u"CLP"_s << 0;
    QTest::addRow("ISK") << u"ISK"_s << 0;
    QTest::addRow("KWD") << u"KWD"_s << 3;
    QTest::addRow("BHD") << u"BHD"_s << 3;
    QTest::addRow("JOD") << u"JOD"_s << 3;
    QTest::addRow("OMR") << u"OMR"_s << 3;
    QTest::addRow("TND") << u"TND"_s << 3;
    QTest::addRow("unknown code") << u"XYZ"_s << 2;
    QTest::addRow("lowercase jpy is not JPY") << u"jpy"_s << 2;
}

void TstMoney::minorDigits_followsIso4217()
{
    QFETCH(QString, currency);
    QFETCH(int, digits);
    QCOMPARE(Money::minorDigits(currency), digits);
}

void TstMoney::parse_acceptsValidInput_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<qint64>("minor");
    QTest::addRow("dollars and cents") << u"129.99"_s << u"USD"_s << qint64(12999);
    QTest::addRow("whole dollars") << u"5"_s << u"USD"_s << qint64(500);
    QTest::addRow("one decimal") << u"5.5"_s << u"USD"_s << qint64(550);
    QTest::addRow("zero") << u"0"_s << u"USD"_s << qint64(0);
    QTest::addRow("negative") << u"-5.25"_s << u"USD"_s << qint64(-525);
    QTest::addRow("negative zero") << u"-0.00"_s << u"USD"_s << qint64(0);
    QTest::addRow("surrounding spaces") << u"  12.00\t"_s << u"USD"_s << qint64(1200);
    QTest::addRow("leading zeros") << u"007.10"_s << u"USD"_s << qint64(710);
    QTest::addRow("yen has no decimals") << u"1500"_s << u"JPY"_s << qint64(1500);
    QTest::addRow("dinar has three decimals") << u"1.250"_s << u"KWD"_s << qint64(1250);
    QTest::addRow("dinar, fewer decimals") << u"1.5"_s << u"KWD"_s << qint64(1500);
    QTest::addRow("largest dollar amount") << u"92233720368547758.07"_s << u"USD"_s << MaxMinor;
    QTest::addRow("most negative accepted") << u"-92233720368547758.07"_s << u"USD"_s << -MaxMinor;
    QTest::addRow("largest yen amount") << u"9223372036854775807"_s << u"JPY"_s << MaxMinor;
}

void TstMoney::parse_acceptsValidInput()
{
    QFETCH(QString, text);
    QFETCH(QString, currency);
    QFETCH(qint64, minor);
    const rdk::Result<Money> m = Money::parse(text, currency);
    QVERIFY2(m.ok(), qPrintable(m.ok() ? QString() : m.error().message));
    QCOMPARE(m->minor(), minor);
    QCOMPARE(m->currency(), currency);
}

void TstMoney::parse_rejectsBadInput_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<QString>("messagePart");
    const QString usd = u"USD"_s;
    QTest::addRow("empty") << QString() << usd << u"Enter an amount"_s;
    QTest::addRow("only spaces") << u"   "_s << usd << u"Enter an amount"_s;
    QTest::addRow("only a minus") << u"-"_s << usd << u"Enter an amount"_s;
    QTest::addRow("letters") << u"abc"_s << usd << u"only contain digits"_s;
    QTest::addRow("trailing letter") << u"12a"_s << usd << u"only contain digits"_s;
    QTest::addRow("currency symbol") << u"$12"_s << usd << u"only contain digits"_s;
    QTest::addRow("exponent") << u"1e5"_s << usd << u"only contain digits"_s;
    QTest::addRow("hex") << u"0x10"_s << usd << u"only contain digits"_s;
    QTest::addRow("NaN") << u"NaN"_s << usd << u"only contain digits"_s;
    QTest::addRow("infinity") << u"inf"_s << usd << u"only contain digits"_s;
    QTest::addRow("plus sign") << u"+5"_s << usd << u"only contain digits"_s;
    QTest::addRow("double minus") << u"--5"_s << usd << u"only contain digits"_s;
    QTest::addRow("trailing minus") << u"5-"_s << usd << u"only contain digits"_s;
    QTest::addRow("minus then space") << u"- 5"_s << usd << u"thousands separators"_s;
    QTest::addRow("comma thousands") << u"1,299.99"_s << usd << u"thousands separators"_s;
    QTest::addRow("space thousands") << u"1 299"_s << usd << u"thousands separators"_s;
    QTest::addRow("no-break space thousands") << u"1\u00A0299"_s << usd << u"thousands separators"_s;
    QTest::addRow("apostrophe thousands") << u"1'299"_s << usd << u"thousands separators"_s;
    QTest::addRow("decimal comma") << u"12,50"_s << usd << u"thousands separators"_s;
    QTest::addRow("two dots") << u"1.2.3"_s << usd << u"only one '.'"_s;
    QTest::addRow("adjacent dots") << u"1..2"_s << usd << u"only one '.'"_s;
    QTest::addRow("leading dot") << u".5"_s << usd << u"both sides"_s;
    QTest::addRow("trailing dot") << u"5."_s << usd << u"both sides"_s;
    QTest::addRow("lone dot") << u"."_s << usd << u"both sides"_s;
    QTest::addRow("three decimals in USD") << u"1.999"_s << usd << u"at most 2 decimals"_s;
    QTest::addRow("decimals in JPY") << u"1.5"_s << u"JPY"_s << u"no decimals"_s;
    QTest::addRow("four decimals in KWD") << u"1.2345"_s << u"KWD"_s << u"at most 3 decimals"_s;
    QTest::addRow("one cent over qint64") << u"92233720368547758.08"_s << usd << u"too large"_s;
    QTest::addRow("qint64 minimum") << u"-92233720368547758.08"_s << usd << u"too large"_s;
    QTest::addRow("twenty digits") << u"99999999999999999999"_s << u"JPY"_s << u"too large"_s;
    QTest::addRow("fullwidth digits") << u"\uFF11\uFF12"_s << usd << u"only contain digits"_s;
    QTest::addRow("arabic-indic digits") << u"\u0661\u0662"_s << usd << u"only contain digits"_s;
    QTest::addRow("superscript two") << u"1\u00B2"_s << usd << u"only contain digits"_s;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"12\0" "3", 4) << usd << u"only contain digits"_s;
    QTest::addRow("megabyte of nines") << QString(1 << 20, u'9') << usd << u"too long"_s;
    QTest::addRow("SQL injection") << u"1; DROP TABLE orders"_s << usd << u"only contain digits"_s;
}

void TstMoney::parse_rejectsBadInput()
{
    QFETCH(QString, text);
    QFETCH(QString, currency);
    QFETCH(QString, messagePart);
    const rdk::Result<Money> m = Money::parse(text, currency);
    QVERIFY(!m.ok());
    QCOMPARE(m.error().code, rdk::ErrorCode::Invalid);
    QVERIFY2(m.error().message.contains(messagePart), qPrintable(m.error().message));
}

void TstMoney::parse_rejectsBadCurrency()
{
    const rdk::Result<Money> m = Money::parse(u"12.00", u"dollars"_s);
    QVERIFY(!m.ok());
    QCOMPARE(m.error().field, u"currency"_s);
}

void TstMoney::plus_addsSameCurrency()
{
    const rdk::Result<Money> sum = money(1050).plus(money(-50));
    QVERIFY(sum.ok());
    QVERIFY(sum.value() == money(1000));
    const rdk::Result<Money> difference = money(1050).minus(money(2000));
    QVERIFY(difference.ok());
    QCOMPARE(difference->minor(), qint64(-950));
}

void TstMoney::plus_rejectsMixedCurrenciesNamingBoth()
{
    const rdk::Result<Money> sum = money(100, u"USD"_s).plus(money(100, u"EUR"_s));
    QVERIFY(!sum.ok());
    QCOMPARE(sum.error().code, rdk::ErrorCode::Invalid);
    QVERIFY(sum.error().message.contains(u"USD"_s));
    QVERIFY(sum.error().message.contains(u"EUR"_s));
}

void TstMoney::minus_rejectsMixedCurrencies()
{
    const rdk::Result<Money> difference = money(0, u"JPY"_s).minus(money(0, u"KRW"_s));
    QVERIFY(!difference.ok());
    QVERIFY(difference.error().message.contains(u"JPY"_s));
    QVERIFY(difference.error().message.contains(u"KRW"_s));
}

void TstMoney::arithmetic_rejectsOverflow_data()
{
    QTest::addColumn<int>("operation"); // 0 plus, 1 minus, 2 times
    QTest::addColumn<qint64>("a");
    QTest::addColumn<qint64>("b");
    QTest::addRow("max plus one") << 0 << MaxMinor << qint64(1);
    QTest::addRow("min plus minus one") << 0 << MinMinor << qint64(-1);
    QTest::addRow("min minus one") << 1 << MinMinor << qint64(1);
    QTest::addRow("max minus minus one") << 1 << MaxMinor << qint64(-1);
    QTest::addRow("zero minus min") << 1 << qint64(0) << MinMinor;
    QTest::addRow("max times two") << 2 << MaxMinor << qint64(2);
    QTest::addRow("min times minus one") << 2 << MinMinor << qint64(-1);
    QTest::addRow("ten billion cents times ten billion") << 2 << qint64(10'000'000'000) << qint64(10'000'000'000);
}

void TstMoney::arithmetic_rejectsOverflow()
{
    QFETCH(int, operation);
    QFETCH(qint64, a);
    QFETCH(qint64, b);
    rdk::Result<Money> result = Money();
    if (operation == 0)
        result = money(a).plus(money(b));
    else if (operation == 1)
        result = money(a).minus(money(b));
    else
        result = money(a).times(b);
    QVERIFY(!result.ok());
    QVERIFY(result.error().message.contains(u"too large"_s));
}

void TstMoney::times_multiplies_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<qint64>("factor");
    QTest::addColumn<qint64>("expected");
    QTest::addRow("three pairs") << qint64(12999) << qint64(3) << qint64(38997);
    QTest::addRow("by zero") << qint64(12999) << qint64(0) << qint64(0);
    QTest::addRow("by minus one") << qint64(500) << qint64(-1) << qint64(-500);
    QTest::addRow("max by one") << MaxMinor << qint64(1) << MaxMinor;
}

void TstMoney::times_multiplies()
{
    QFETCH(qint64, minor);
    QFETCH(qint64, factor);
    QFETCH(qint64, expected);
    const rdk::Result<Money> product = money(minor, u"EUR"_s).times(factor);
    QVERIFY(product.ok());
    QVERIFY(product.value() == money(expected, u"EUR"_s));
}

void TstMoney::percent_roundsHalfAwayFromZero_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<int>("basisPoints");
    QTest::addColumn<qint64>("expected");
    QTest::addRow("10 percent of $10") << qint64(1000) << 1000 << qint64(100);
    QTest::addRow("10 percent of $129.99 rounds up") << qint64(12999) << 1000 << qint64(1300);
    QTest::addRow("half a cent rounds up") << qint64(5) << 1000 << qint64(1);
    QTest::addRow("minus half a cent rounds down") << qint64(-5) << 1000 << qint64(-1);
    QTest::addRow("0.4 cent rounds to zero") << qint64(4) << 1000 << qint64(0);
    QTest::addRow("-0.4 cent rounds to zero") << qint64(-4) << 1000 << qint64(0);
    QTest::addRow("50 percent of 15 is 7.5 -> 8") << qint64(15) << 5000 << qint64(8);
    QTest::addRow("50 percent of -15 is -7.5 -> -8") << qint64(-15) << 5000 << qint64(-8);
    QTest::addRow("8.25 percent tax") << qint64(10000) << 825 << qint64(825);
    QTest::addRow("one basis point") << qint64(12345) << 1 << qint64(1);
    QTest::addRow("negative rate") << qint64(1000) << -1000 << qint64(-100);
    QTest::addRow("zero rate") << qint64(99999) << 0 << qint64(0);
    QTest::addRow("100 percent of max") << MaxMinor << 10000 << MaxMinor;
    QTest::addRow("1 percent of max") << MaxMinor << 100 << qint64(92233720368547758);
    QTest::addRow("1 percent of min") << MinMinor << 100 << qint64(-92233720368547758);
}

void TstMoney::percent_roundsHalfAwayFromZero()
{
    QFETCH(qint64, minor);
    QFETCH(int, basisPoints);
    QFETCH(qint64, expected);
    const rdk::Result<Money> part = money(minor).percent(basisPoints);
    QVERIFY(part.ok());
    QCOMPARE(part->minor(), expected);
    QCOMPARE(part->currency(), u"USD"_s);
}

void TstMoney::equality_needsSameCurrencyAndAmount()
{
    QVERIFY(money(100, u"USD"_s) == money(100, u"USD"_s));
    QVERIFY(!(money(100, u"USD"_s) == money(100, u"EUR"_s)));
    QVERIFY(!(money(100, u"USD"_s) == money(101, u"USD"_s)));
    QVERIFY(!money(MaxMinor).percent(10001).ok()); // 100.01% of the largest amount overflows
}

void TstMoney::formatMoney_showsSymbolOrCode_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<QString>("expected");
    QTest::addRow("dollars with grouping") << qint64(129999) << u"USD"_s << u"$1,299.99"_s;
    QTest::addRow("euros") << qint64(1250) << u"EUR"_s << u"\u20AC12.50"_s;
    QTest::addRow("pounds") << qint64(300) << u"GBP"_s << u"\u00A33.00"_s;
    QTest::addRow("yen without decimals") << qint64(1500) << u"JPY"_s << u"\u00A51,500"_s;
    QTest::addRow("franc gets a code suffix") << qint64(1250) << u"CHF"_s << u"12.50 CHF"_s;
    QTest::addRow("franc with grouping") << qint64(129999) << u"CHF"_s << u"1,299.99 CHF"_s;
    QTest::addRow("dinar with three decimals") << qint64(1250) << u"KWD"_s << u"1.250 KWD"_s;
    QTest::addRow("won without decimals") << qint64(1000000) << u"KRW"_s << u"1,000,000 KRW"_s;
    QTest::addRow("negative") << qint64(-500) << u"USD"_s << u"-$5.00"_s;
    QTest::addRow("zero") << qint64(0) << u"USD"_s << u"$0.00"_s;
    QTest::addRow("five cents") << qint64(5) << u"USD"_s << u"$0.05"_s;
    QTest::addRow("exactly a thousand") << qint64(100000) << u"USD"_s << u"$1,000.00"_s;
    QTest::addRow("a million") << qint64(100000000) << u"USD"_s << u"$1,000,000.00"_s;
    QTest::addRow("qint64 minimum") << MinMinor << u"USD"_s << u"-$92,233,720,368,547,758.08"_s;
}

void TstMoney::formatMoney_showsSymbolOrCode()
{
    QFETCH(qint64, minor);
    QFETCH(QString, currency);
    QFETCH(QString, expected);
    QCOMPARE(rdk::formatMoney(money(minor, currency)), expected);
}

void TstMoney::formatMinorPlain_hasNoGrouping_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<QString>("expected");
    QTest::addRow("dollars") << qint64(129999) << u"USD"_s << u"1299.99"_s;
    QTest::addRow("cents only") << qint64(7) << u"USD"_s << u"0.07"_s;
    QTest::addRow("negative") << qint64(-500) << u"EUR"_s << u"-5.00"_s;
    QTest::addRow("yen") << qint64(1500) << u"JPY"_s << u"1500"_s;
    QTest::addRow("dinar") << qint64(1250) << u"KWD"_s << u"1.250"_s;
    QTest::addRow("qint64 maximum") << MaxMinor << u"USD"_s << u"92233720368547758.07"_s;
}

void TstMoney::formatMinorPlain_hasNoGrouping()
{
    QFETCH(qint64, minor);
    QFETCH(QString, currency);
    QFETCH(QString, expected);
    QCOMPARE(rdk::formatMinorPlain(money(minor, currency)), expected);
}

void TstMoney::formatMinorPlain_parsesBackToSameAmount_data()
{
    QTest::addColumn<qint64>("minor");
    QTest::addColumn<QString>("currency");
    for (const QString &currency : {u"USD"_s, u"JPY"_s, u"KWD"_s}) {
        for (qint64 minor : {qint64(0), qint64(1), qint64(-1), qint64(999), qint64(1000), qint64(123456789), MaxMinor})
            QTest::addRow("%s %lld", qPrintable(currency), static_cast<long long>(minor)) << minor << currency;
    }
}

void TstMoney::formatMinorPlain_parsesBackToSameAmount()
{
    QFETCH(qint64, minor);
    QFETCH(QString, currency);
    const Money original = money(minor, currency);
    const rdk::Result<Money> parsed = Money::parse(rdk::formatMinorPlain(original), currency);
    QVERIFY(parsed.ok());
    QVERIFY(parsed.value() == original);
}

QTEST_APPLESS_MAIN(TstMoney)
#include "tst_money.moc"

// SKU normalization: what a scanner or a person types becomes the stored form, or a
// message a shop owner understands.
#include "domain/sku.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TstSku final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void normalizeSku_acceptsAndUppercases_data();
    void normalizeSku_acceptsAndUppercases();
    void normalizeSku_rejectsBadInput_data();
    void normalizeSku_rejectsBadInput();
    void normalizeSku_isIdempotent();
};

void TstSku::normalizeSku_acceptsAndUppercases_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("expected");
    QTest::addRow("already normalized") << u"AJ1-CHI-85"_s << u"AJ1-CHI-85"_s;
    QTest::addRow("lowercase") << u"aj1-chi-85"_s << u"AJ1-CHI-85"_s;
    QTest::addRow("mixed case") << u"Dd1391-100"_s << u"DD1391-100"_s;
    QTest::addRow("scanner adds newline") << u"DD1391-100\n"_s << u"DD1391-100"_s;
    QTest::addRow("surrounding spaces and tab") << u"  dd1391-100 \t"_s << u"DD1391-100"_s;
    QTest::addRow("shortest") << u"abc"_s << u"ABC"_s;
    QTest::addRow("longest") << QString(40, u'x') << QString(40, u'X');
    QTest::addRow("digits only") << u"123"_s << u"123"_s;
    QTest::addRow("starts with digit") << u"0ab"_s << u"0AB"_s;
    QTest::addRow("trailing dashes") << u"A--"_s << u"A--"_s;
}

void TstSku::normalizeSku_acceptsAndUppercases()
{
    QFETCH(QString, raw);
    QFETCH(QString, expected);
    const rdk::Result<QString> sku = rdk::normalizeSku(raw);
    QVERIFY2(sku.ok(), qPrintable(sku.ok() ? QString() : sku.error().message));
    QCOMPARE(sku.value(), expected);
    // Whatever passes here must pass the database CHECK as well.
    static const QRegularExpression databaseCheck(u"^[A-Z0-9][A-Z0-9-]{2,39}$"_s);
    QVERIFY(databaseCheck.match(sku.value()).hasMatch());
}

void TstSku::normalizeSku_rejectsBadInput_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("message");
    const QString characters = u"SKU may only use letters, digits and dashes"_s;
    QTest::addRow("empty") << QString() << u"Enter a SKU"_s;
    QTest::addRow("only whitespace") << u" \t\n"_s << u"Enter a SKU"_s;
    QTest::addRow("too short") << u"ab"_s << u"SKU must be at least 3 characters"_s;
    QTest::addRow("too long") << QString(41, u'A') << u"SKU must be at most 40 characters"_s;
    QTest::addRow("megabyte long") << QString(1 << 20, u'A') << u"SKU must be at most 40 characters"_s;
    QTest::addRow("leading dash") << u"-ABC"_s << u"SKU must start with a letter or digit"_s;
    QTest::addRow("inner space") << u"AB C"_s << characters;
    QTest::addRow("underscore") << u"AB_C"_s << characters;
    QTest::addRow("slash") << u"AB/C"_s << characters;
    QTest::addRow("inner newline") << u"AB\nC"_s << characters;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"AB\0C", 4) << characters;
    QTest::addRow("zero-width space") << u"AB\u200BC"_s << characters;
    QTest::addRow("umlaut") << u"\u00C4BC"_s << characters;
    QTest::addRow("turkish dotless i uppercases to I") << u"ch\u0131-1"_s << characters;
    QTest::addRow("sharp s uppercases to SS") << u"stra\u00DFe"_s << characters;
    QTest::addRow("long s uppercases to S") << u"\u017FKU1"_s << characters;
    QTest::addRow("kelvin sign lowercases to k") << u"\u212AAB"_s << characters;
    QTest::addRow("fullwidth letters") << u"\uFF21\uFF22\uFF23"_s << characters;
    QTest::addRow("cyrillic lookalikes") << u"\u0410\u0412\u0421"_s << characters;
    QTest::addRow("non-breaking hyphen") << u"AB\u2011C"_s << characters;
    QTest::addRow("emoji") << u"AB\U0001F45F"_s << characters;
    QTest::addRow("SQL injection") << u"A'; DROP TABLE products;--"_s << characters;
    QTest::addRow("lone surrogate") << QString::fromUtf16(u"AB\xD800", 3) << characters;
}

void TstSku::normalizeSku_rejectsBadInput()
{
    QFETCH(QString, raw);
    QFETCH(QString, message);
    const rdk::Result<QString> sku = rdk::normalizeSku(raw);
    QVERIFY(!sku.ok());
    QCOMPARE(sku.error().code, rdk::ErrorCode::Invalid);
    QCOMPARE(sku.error().message, message);
    QCOMPARE(sku.error().field, u"sku"_s);
}

void TstSku::normalizeSku_isIdempotent()
{
    const rdk::Result<QString> once = rdk::normalizeSku(u"  fq8130-002 ");
    QVERIFY(once.ok());
    const rdk::Result<QString> twice = rdk::normalizeSku(once.value());
    QVERIFY(twice.ok());
    QCOMPARE(twice.value(), once.value());
}

QTEST_APPLESS_MAIN(TstSku)
#include "tst_sku.moc"

// Box barcodes (GTIN as UPC-A / EAN-13): what a scanner or a person types becomes the stored
// form, or a sentence that says which rule failed.
#include "domain/gtin.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class TstGtin final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void checkDigit_data();
    void checkDigit();
    void normalize_accepts_data();
    void normalize_accepts();
    void normalize_rejects_data();
    void normalize_rejects();
    void key_makesUpcAndEanOfTheSameBoxEqual();
    void looksLikeGtin_separatesBarcodesFromSkus();
};

void TstGtin::checkDigit_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("expected");
    // Published examples: the UPC-A on a can of soup, the EAN-13 on a highlighter.
    QTest::addRow("UPC-A 03600029145x") << u"03600029145"_s << 2;
    QTest::addRow("EAN-13 400638133393x") << u"400638133393"_s << 1;
    QTest::addRow("all zeros") << u"00000000000"_s << 0;
    QTest::addRow("sum already a multiple of ten") << u"00000000001"_s << 7;
    QTest::addRow("too short") << u"0360002914"_s << -1;
    QTest::addRow("too long") << u"4006381333931"_s << -1;
    QTest::addRow("not digits") << u"0360002914X"_s << -1;
}

void TstGtin::checkDigit()
{
    QFETCH(QString, body);
    QFETCH(int, expected);
    QCOMPARE(rdk::gtinCheckDigit(body), expected);
}

void TstGtin::normalize_accepts_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("expected");
    QTest::addRow("UPC-A") << u"036000291452"_s << u"036000291452"_s;
    QTest::addRow("EAN-13") << u"4006381333931"_s << u"4006381333931"_s;
    QTest::addRow("scanner adds a newline") << u"4006381333931\r\n"_s << u"4006381333931"_s;
    QTest::addRow("surrounding spaces") << u"  036000291452 "_s << u"036000291452"_s;
    QTest::addRow("UPC-A written as EAN-13 stays as scanned") << u"0036000291452"_s << u"0036000291452"_s;
}

void TstGtin::normalize_accepts()
{
    QFETCH(QString, raw);
    QFETCH(QString, expected);
    const auto gtin = rdk::normalizeGtin(raw);
    QVERIFY2(gtin.ok(), qPrintable(gtin.ok() ? QString() : gtin.error().message));
    QCOMPARE(gtin.value(), expected);
    // Normalizing twice changes nothing.
    QCOMPARE(rdk::normalizeGtin(gtin.value()).value(), expected);
}

void TstGtin::normalize_rejects_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("sentence");   // a part of the message staff read
    QTest::addRow("empty") << u""_s << u"Enter the barcode"_s;
    QTest::addRow("only spaces") << u"   "_s << u"Enter the barcode"_s;
    QTest::addRow("wrong check digit") << u"036000291453"_s << u"should end in 2"_s;
    QTest::addRow("one digit swapped") << u"4006383133931"_s << u"wrong check digit"_s;
    QTest::addRow("EAN-8 is not a box code") << u"96385074"_s << u"this one has 8"_s;
    QTest::addRow("GTIN-14 case code") << u"10036000291459"_s << u"this one has 14"_s;
    QTest::addRow("letters") << u"03600029145A"_s << u"digits only"_s;
    QTest::addRow("inner space") << u"036000 291452"_s << u"digits only"_s;
    QTest::addRow("a SKU") << u"DD1391-100"_s << u"digits only"_s;
    QTest::addRow("Arabic-Indic digits") << u"٠٣٦٠٠٠٢٩١٤٥٢"_s << u"digits only"_s;
    QTest::addRow("fullwidth digits") << u"０３６０００２９１４５２"_s << u"digits only"_s;
    QTest::addRow("minus sign") << u"-36000291452"_s << u"digits only"_s;
    QTest::addRow("oversized") << QString(100000, u'7') << u"this one has 100000"_s;
}

void TstGtin::normalize_rejects()
{
    QFETCH(QString, raw);
    QFETCH(QString, sentence);
    const auto gtin = rdk::normalizeGtin(raw);
    QVERIFY(!gtin.ok());
    QCOMPARE(gtin.error().code, rdk::ErrorCode::Invalid);
    QCOMPARE(gtin.error().field, u"gtin"_s);
    QVERIFY2(gtin.error().message.contains(sentence), qPrintable(gtin.error().message));
}

void TstGtin::key_makesUpcAndEanOfTheSameBoxEqual()
{
    QCOMPARE(rdk::gtinKey(u"036000291452"), u"0036000291452"_s);
    QCOMPARE(rdk::gtinKey(u"0036000291452"), u"0036000291452"_s);
    QCOMPARE(rdk::gtinKey(u"4006381333931"), u"4006381333931"_s);
}

void TstGtin::looksLikeGtin_separatesBarcodesFromSkus()
{
    QVERIFY(rdk::looksLikeGtin(u"036000291452"));
    QVERIFY(rdk::looksLikeGtin(u"4006381333931\n"));
    QVERIFY(rdk::looksLikeGtin(u"036000291453"));   // wrong check digit: still a barcode, refused later
    QVERIFY(!rdk::looksLikeGtin(u"DD1391-100"));
    QVERIFY(!rdk::looksLikeGtin(u"12345"));         // a short numeric SKU
    QVERIFY(!rdk::looksLikeGtin(u"10036000291459"));
}

QTEST_GUILESS_MAIN(TstGtin)
#include "tst_gtin.moc"

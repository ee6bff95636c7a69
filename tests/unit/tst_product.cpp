// Product rules: conditions and grades, inventory strategies, stock arithmetic and
// validateProduct(), which must report every problem at once.
#include "domain/condition.h"
#include "domain/product.h"

#include <QTest>

#include <climits>

using namespace Qt::Literals::StringLiterals;
using rdk::Condition;
using rdk::FieldError;
using rdk::InventoryStrategy;
using rdk::Money;
using rdk::Product;
using rdk::SizeStock;
using rdk::SizeSystem;
using rdk::UsedGrade;

namespace {

Money usd(qint64 minor)
{
    return Money::of(minor, u"USD"_s).value();
}

Product flatProduct()
{
    Product p;
    p.sku = u"SOCK-CREW-01"_s;
    p.name = u"Crew socks"_s;
    p.brand = u"Nike"_s;
    p.price = usd(1800);
    p.stock = {SizeStock{QString(), 12, 2}};
    return p;
}

Product perSizeProduct()
{
    Product p;
    p.sku = u"DZ5485-612"_s;
    p.name = u"Air Jordan 1 Retro High OG"_s;
    p.brand = u"Jordan"_s;
    p.colorway = u"Varsity Red/Black"_s;
    p.description = u"Chicago-inspired.\nLeather upper."_s;
    p.price = usd(18000);
    p.inventoryStrategy = InventoryStrategy::PerSize;
    p.sizeSystem = SizeSystem::Mens;
    p.sizeRun = {u"9"_s, u"9.5"_s, u"10"_s};
    p.stock = {SizeStock{u"9"_s, 2, 0}, SizeStock{u"10"_s, 1, 1}};
    return p;
}

template <typename Change>
Product changed(Product p, Change change)
{
    change(p);
    return p;
}

QString describe(const QList<FieldError> &errors)
{
    QStringList lines;
    for (const FieldError &e : errors)
        lines.append(e.field + u": "_s + e.message);
    return lines.join(u"; "_s);
}

} // namespace

class TstProduct final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void condition_roundTripsThroughStrings();
    void usedGrade_roundTripsThroughStrings_data();
    void usedGrade_roundTripsThroughStrings();
    void fromString_rejectsUnknownWords_data();
    void fromString_rejectsUnknownWords();
    void inventoryStrategy_roundTripsThroughStrings();
    void sizeStock_availableNeverNegative_data();
    void sizeStock_availableNeverNegative();
    void totals_sumAllRowsWithoutOverflow();
    void stockLevelLabel_namesTheLevel_data();
    void stockLevelLabel_namesTheLevel();
    void validateProduct_acceptsValidProducts_data();
    void validateProduct_acceptsValidProducts();
    void validateProduct_reportsTheProblem_data();
    void validateProduct_reportsTheProblem();
    void validateProduct_reportsEveryProblemAtOnce();
    void normalizeProduct_producesStorableValues();
};

void TstProduct::condition_roundTripsThroughStrings()
{
    QCOMPARE(rdk::toString(Condition::New), u"new"_s);
    QCOMPARE(rdk::toString(Condition::Used), u"used"_s);
    QCOMPARE(rdk::displayName(Condition::Used), u"Used"_s);
    for (Condition c : {Condition::New, Condition::Used}) {
        const std::optional<Condition> parsed = rdk::conditionFromString(rdk::toString(c));
        QVERIFY(parsed.has_value());
        QVERIFY(*parsed == c);
    }
}

void TstProduct::usedGrade_roundTripsThroughStrings_data()
{
    QTest::addColumn<UsedGrade>("grade");
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("display");
    QTest::addRow("none") << UsedGrade::None << QString() << QString();
    QTest::addRow("like new") << UsedGrade::LikeNew << u"like_new"_s << u"Like new"_s;
    QTest::addRow("good") << UsedGrade::Good << u"good"_s << u"Good"_s;
    QTest::addRow("fair") << UsedGrade::Fair << u"fair"_s << u"Fair"_s;
}

void TstProduct::usedGrade_roundTripsThroughStrings()
{
    QFETCH(UsedGrade, grade);
    QFETCH(QString, stored);
    QFETCH(QString, display);
    QCOMPARE(rdk::toString(grade), stored);
    QCOMPARE(rdk::displayName(grade), display);
    const std::optional<UsedGrade> parsed = rdk::usedGradeFromString(stored);
    QVERIFY(parsed.has_value());
    QVERIFY(*parsed == grade);
}

void TstProduct::fromString_rejectsUnknownWords_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("uppercase") << u"NEW"_s;
    QTest::addRow("display form") << u"Like new"_s;
    QTest::addRow("dash instead of underscore") << u"like-new"_s;
    QTest::addRow("padded") << u" good"_s;
    QTest::addRow("none spelled out") << u"none"_s;
    QTest::addRow("perSize camel case") << u"perSize"_s;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"new\0", 4);
}

void TstProduct::fromString_rejectsUnknownWords()
{
    QFETCH(QString, text);
    QVERIFY(!rdk::conditionFromString(text).has_value());
    QVERIFY(!rdk::usedGradeFromString(text).has_value());
    QVERIFY(!rdk::inventoryStrategyFromString(text).has_value());
}

void TstProduct::inventoryStrategy_roundTripsThroughStrings()
{
    QCOMPARE(rdk::toString(InventoryStrategy::Flat), u"flat"_s);
    QCOMPARE(rdk::toString(InventoryStrategy::PerSize), u"per_size"_s);
    QVERIFY(rdk::inventoryStrategyFromString(u"flat") == InventoryStrategy::Flat);
    QVERIFY(rdk::inventoryStrategyFromString(u"per_size") == InventoryStrategy::PerSize);
}

void TstProduct::sizeStock_availableNeverNegative_data()
{
    QTest::addColumn<int>("quantity");
    QTest::addColumn<int>("reserved");
    QTest::addColumn<int>("available");
    QTest::addRow("nothing reserved") << 5 << 0 << 5;
    QTest::addRow("some reserved") << 5 << 2 << 3;
    QTest::addRow("all reserved") << 5 << 5 << 0;
    QTest::addRow("over-reserved (bad data)") << 1 << 3 << 0;
    QTest::addRow("extremes") << INT_MIN << INT_MAX << 0;
    QTest::addRow("negative reservation (bad data)") << INT_MAX << -1 << INT_MAX;
}

void TstProduct::sizeStock_availableNeverNegative()
{
    QFETCH(int, quantity);
    QFETCH(int, reserved);
    QFETCH(int, available);
    QCOMPARE((SizeStock{QString(), quantity, reserved}.available()), available);
}

void TstProduct::totals_sumAllRowsWithoutOverflow()
{
    const Product p = perSizeProduct();
    QCOMPARE(p.totalStock(), 3);
    QCOMPARE(p.totalAvailable(), 2);
    Product huge;
    huge.stock = {SizeStock{u"9"_s, INT_MAX, 0}, SizeStock{u"10"_s, INT_MAX, 0}};
    QCOMPARE(huge.totalStock(), INT_MAX);
    QCOMPARE(huge.totalAvailable(), INT_MAX);
    QCOMPARE(Product().totalStock(), 0);
}

void TstProduct::stockLevelLabel_namesTheLevel_data()
{
    QTest::addColumn<int>("available");
    QTest::addColumn<int>("threshold");
    QTest::addColumn<QString>("label");
    QTest::addRow("none") << 0 << 2 << u"sold out"_s;
    QTest::addRow("negative") << -3 << 2 << u"sold out"_s;
    QTest::addRow("one") << 1 << 2 << u"low"_s;
    QTest::addRow("at threshold") << 2 << 2 << u"low"_s;
    QTest::addRow("above threshold") << 3 << 2 << u"in stock"_s;
    QTest::addRow("custom threshold") << 5 << 5 << u"low"_s;
}

void TstProduct::stockLevelLabel_namesTheLevel()
{
    QFETCH(int, available);
    QFETCH(int, threshold);
    QFETCH(QString, label);
    QCOMPARE(rdk::stockLevelLabel(available, threshold), label);
}

void TstProduct::validateProduct_acceptsValidProducts_data()
{
    QTest::addColumn<Product>("product");
    QTest::addRow("flat") << flatProduct();
    QTest::addRow("per size") << perSizeProduct();
    QTest::addRow("flat without stock rows") << changed(flatProduct(), [](Product &p) { p.stock.clear(); });
    QTest::addRow("per size without stock rows") << changed(perSizeProduct(), [](Product &p) { p.stock.clear(); });
    QTest::addRow("used with grade") << changed(flatProduct(), [](Product &p) {
        p.condition = Condition::Used;
        p.usedGrade = UsedGrade::Good;
    });
    QTest::addRow("used without grade") << changed(flatProduct(), [](Product &p) { p.condition = Condition::Used; });
    QTest::addRow("lowercase padded sku") << changed(flatProduct(), [](Product &p) { p.sku = u" sock-crew-01 "_s; });
    QTest::addRow("padded name") << changed(flatProduct(), [](Product &p) { p.name = u"  Crew socks  "_s; });
    QTest::addRow("name of 200 characters") << changed(flatProduct(), [](Product &p) { p.name = QString(200, u'n'); });
    QTest::addRow("name of 200 emoji") << changed(flatProduct(), [](Product &p) {
        p.name = u"\U0001F45F"_s.repeated(200); // 400 UTF-16 units, 200 characters for PostgreSQL
    });
    QTest::addRow("accented brand") << changed(flatProduct(), [](Product &p) { p.brand = u"Onitsuka Tiger \u00E9"_s; });
    QTest::addRow("free product") << changed(flatProduct(), [](Product &p) { p.price = usd(0); });
    QTest::addRow("description of 5000") << changed(flatProduct(), [](Product &p) { p.description = QString(5000, u'd'); });
    QTest::addRow("quantity at the limit") << changed(flatProduct(), [](Product &p) {
        p.stock = {SizeStock{QString(), rdk::MaxStockQuantity, rdk::MaxStockQuantity}};
    });
    QTest::addRow("unsorted run") << changed(perSizeProduct(), [](Product &p) { p.sizeRun = {u"10"_s, u"9"_s}; });
    QTest::addRow("box barcodes on sizes") << changed(perSizeProduct(), [](Product &p) {
        p.stock[0].gtin = u"036000291452"_s;   // UPC-A
        p.stock[1].gtin = u" 4006381333931\n"_s;   // EAN-13 as a scanner sends it
    });
    QTest::addRow("box barcode on flat stock") << changed(flatProduct(), [](Product &p) { p.stock[0].gtin = u"036000291452"_s; });
    QTest::addRow("flat with a size run") << changed(flatProduct(), [](Product &p) {
        p.sizeSystem = SizeSystem::Womens;
        p.sizeRun = {u"7"_s};
    });
}

void TstProduct::validateProduct_acceptsValidProducts()
{
    QFETCH(Product, product);
    const QList<FieldError> errors = rdk::validateProduct(product);
    QVERIFY2(errors.isEmpty(), qPrintable(describe(errors)));
}

void TstProduct::validateProduct_reportsTheProblem_data()
{
    QTest::addColumn<Product>("product");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("messagePart");
    auto row = [](const char *name, Product p, const QString &field, const QString &message) {
        QTest::addRow("%s", name) << p << field << message;
    };
    const Product flat = flatProduct();
    const Product sized = perSizeProduct();
    row("empty sku", changed(flat, [](Product &p) { p.sku.clear(); }), u"sku"_s, u"Enter a SKU"_s);
    row("sku with spaces", changed(flat, [](Product &p) { p.sku = u"AB CD"_s; }), u"sku"_s, u"letters, digits and dashes"_s);
    row("sku with lookalike", changed(flat, [](Product &p) { p.sku = u"\u0410BC-1"_s; }), u"sku"_s, u"letters, digits"_s);
    row("empty name", changed(flat, [](Product &p) { p.name.clear(); }), u"name"_s, u"Enter a name"_s);
    row("blank name", changed(flat, [](Product &p) { p.name = u" \t "_s; }), u"name"_s, u"Enter a name"_s);
    row("name of 201", changed(flat, [](Product &p) { p.name = QString(201, u'n'); }), u"name"_s, u"at most 200"_s);
    row("name of 201 emoji", changed(flat, [](Product &p) { p.name = u"\U0001F45F"_s.repeated(201); }), u"name"_s,
        u"at most 200"_s);
    row("megabyte name", changed(flat, [](Product &p) { p.name = QString(1 << 20, u'n'); }), u"name"_s, u"at most 200"_s);
    row("NUL in name", changed(flat, [](Product &p) { p.name = QString::fromUtf16(u"Air\0Max", 7); }), u"name"_s,
        u"control character"_s);
    row("newline in name", changed(flat, [](Product &p) { p.name = u"Air\nMax"_s; }), u"name"_s, u"control character"_s);
    row("bidi override in name", changed(flat, [](Product &p) { p.name = u"Air \u202Exam riA"_s; }), u"name"_s,
        u"control character"_s);
    row("lone surrogate in name", changed(flat, [](Product &p) { p.name = QString::fromUtf16(u"Air\xD800", 4); }),
        u"name"_s, u"broken character"_s);
    row("empty brand", changed(flat, [](Product &p) { p.brand.clear(); }), u"brand"_s, u"Enter a brand"_s);
    row("brand of 81", changed(flat, [](Product &p) { p.brand = QString(81, u'b'); }), u"brand"_s, u"at most 80"_s);
    row("colorway of 121", changed(flat, [](Product &p) { p.colorway = QString(121, u'c'); }), u"colorway"_s,
        u"at most 120"_s);
    row("tab in colorway", changed(flat, [](Product &p) { p.colorway = u"Red\tBlack"_s; }), u"colorway"_s,
        u"control character"_s);
    row("description of 5001", changed(flat, [](Product &p) { p.description = QString(5001, u'd'); }),
        u"description"_s, u"at most 5000"_s);
    row("NUL in description", changed(flat, [](Product &p) { p.description = QString::fromUtf16(u"a\0b", 3); }),
        u"description"_s, u"control character"_s);
    row("negative price", changed(flat, [](Product &p) { p.price = usd(-1); }), u"price"_s,
        u"Price must not be negative"_s);
    row("price without currency", changed(flat, [](Product &p) { p.price = Money::zero(QString()); }), u"price"_s,
        u"three-letter code"_s);
    row("grade on a new pair", changed(flat, [](Product &p) { p.usedGrade = UsedGrade::Fair; }), u"usedGrade"_s,
        u"Only used pairs have a grade"_s);
    row("per size without system", changed(sized, [](Product &p) { p.sizeSystem.reset(); }), u"sizeSystem"_s,
        u"Choose a size system"_s);
    row("flat run without system", changed(flat, [](Product &p) { p.sizeRun = {u"9"_s}; }), u"sizeSystem"_s,
        u"Choose a size system"_s);
    row("per size without run", changed(sized, [](Product &p) {
            p.sizeRun.clear();
            p.stock.clear();
        }), u"sizeRun"_s, u"Pick at least one size"_s);
    row("run outside system", changed(sized, [](Product &p) { p.sizeSystem = SizeSystem::GradeSchool; }),
        u"sizeRun"_s, u"not a Grade school size"_s);
    row("duplicate size in run", changed(sized, [](Product &p) { p.sizeRun.append(u"9"_s); }), u"sizeRun"_s,
        u"listed twice"_s);
    row("stock for size outside run", changed(sized, [](Product &p) { p.stock.append(SizeStock{u"12"_s, 1, 0}); }),
        u"stock"_s, u"Size 12 has stock but is not in the size run"_s);
    row("two rows for one size", changed(sized, [](Product &p) { p.stock.append(SizeStock{u"9"_s, 1, 0}); }),
        u"stock"_s, u"Size 9 has more than one stock row"_s);
    row("per size row without size", changed(sized, [](Product &p) { p.stock.append(SizeStock{}); }), u"stock"_s,
        u"Every stock row needs a size"_s);
    row("flat with two rows", changed(flat, [](Product &p) { p.stock.append(SizeStock{}); }), u"stock"_s,
        u"single stock count"_s);
    row("flat row with size", changed(flat, [](Product &p) { p.stock = {SizeStock{u"10"_s, 1, 0}}; }), u"stock"_s,
        u"has no size"_s);
    row("negative quantity", changed(flat, [](Product &p) { p.stock = {SizeStock{QString(), -1, 0}}; }), u"stock"_s,
        u"between 0 and 100,000"_s);
    row("quantity over the limit", changed(flat, [](Product &p) { p.stock = {SizeStock{QString(), 100001, 0}}; }),
        u"stock"_s, u"between 0 and 100,000"_s);
    row("reserved above quantity", changed(sized, [](Product &p) { p.stock[0].reserved = 3; }), u"stock"_s,
        u"Reserved units for size 9 can't exceed"_s);
    row("negative reserved", changed(flat, [](Product &p) { p.stock[0].reserved = -1; }), u"stock"_s,
        u"can't exceed the quantity"_s);
    row("barcode with a wrong check digit", changed(sized, [](Product &p) { p.stock[0].gtin = u"036000291453"_s; }),
        u"gtin"_s, u"Size 9: Barcode 036000291453 has a wrong check digit (should end in 2)"_s);
    row("barcode of 8 digits", changed(flat, [](Product &p) { p.stock[0].gtin = u"96385074"_s; }), u"gtin"_s,
        u"12 digits (UPC-A) or 13 (EAN-13)"_s);
    row("megabyte barcode", changed(flat, [](Product &p) { p.stock[0].gtin = QString(1 << 20, u'7'); }), u"gtin"_s,
        u"12 digits (UPC-A) or 13 (EAN-13)"_s);
    row("two sizes share a barcode", changed(sized, [](Product &p) {
            p.stock[0].gtin = u"036000291452"_s;
            p.stock[1].gtin = u"0036000291452"_s;   // the same box read as EAN-13
        }), u"gtin"_s, u"Sizes 9 and 10 have the same box barcode"_s);
}

void TstProduct::validateProduct_reportsTheProblem()
{
    QFETCH(Product, product);
    QFETCH(QString, field);
    QFETCH(QString, messagePart);
    const QList<FieldError> errors = rdk::validateProduct(product);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().field, field);
    QVERIFY2(errors.first().message.contains(messagePart), qPrintable(describe(errors)));
    QVERIFY(errors.first().message.size() < 120); // hostile input is never echoed in full
}

void TstProduct::validateProduct_reportsEveryProblemAtOnce()
{
    Product p = perSizeProduct();
    p.sku = u"x"_s;
    p.name.clear();
    p.brand = QString(81, u'b');
    p.colorway = QString(121, u'c');
    p.description = QString(5001, u'd');
    p.price = usd(-100);
    p.usedGrade = UsedGrade::LikeNew;
    p.sizeRun = {u"40"_s};
    p.stock = {SizeStock{u"9"_s, -5, 0}};
    QStringList fields;
    for (const FieldError &e : rdk::validateProduct(p))
        fields.append(e.field);
    fields.removeDuplicates();
    QCOMPARE(fields, (QStringList{u"sku"_s, u"name"_s, u"brand"_s, u"colorway"_s, u"description"_s, u"price"_s,
                                  u"usedGrade"_s, u"sizeRun"_s, u"stock"_s}));
}

void TstProduct::normalizeProduct_producesStorableValues()
{
    Product p = perSizeProduct();
    p.sku = u" dz5485-612 "_s;
    p.name = u"  Air Jordan 1  "_s;
    p.sizeRun = {u"10"_s, u" 9"_s};
    p.stock = {SizeStock{u" 9 "_s, 1, 0, u"036000291452\r\n"_s}};
    const Product n = rdk::normalizeProduct(p);
    QCOMPARE(n.sku, u"DZ5485-612"_s);
    QCOMPARE(n.name, u"Air Jordan 1"_s);
    QCOMPARE(n.sizeRun, (QStringList{u"9"_s, u"10"_s}));
    QCOMPARE(n.stock.first().size, u"9"_s);
    QCOMPARE(n.stock.first().gtin, u"036000291452"_s);
    QVERIFY(rdk::validateProduct(n).isEmpty());
    const Product bad = rdk::normalizeProduct(changed(p, [](Product &q) { q.sku = u"no good!"_s; }));
    QCOMPARE(bad.sku, u"no good!"_s); // left alone so the error message still applies to it
}

QTEST_APPLESS_MAIN(TstProduct)
#include "tst_product.moc"

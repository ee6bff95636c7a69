// Catalog rules without a database: stock reasons, stock quantities as typed, what changed in
// a conflict and how a user's edits are re-applied on someone else's save.
#include "domain/catalog.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

Product base()
{
    Product p;
    p.id = u"7b0c3f4e-0000-4000-8000-000000000001"_s;
    p.sku = u"AJ1-CHI"_s;
    p.name = u"Air Jordan 1"_s;
    p.brand = u"Jordan"_s;
    p.price = Money::of(18000, u"USD"_s).value();
    p.inventoryStrategy = InventoryStrategy::PerSize;
    p.sizeSystem = SizeSystem::Mens;
    p.sizeRun = {u"9"_s, u"10"_s};
    p.stock = {{u"9"_s, 2, 1}, {u"10"_s, 1, 0}};
    p.version = 3;
    return p;
}

} // namespace

class TestCatalogRules final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reasons_roundTripTheirStoredForm()
    {
        for (StockChangeReason r : allStockChangeReasons()) {
            QCOMPARE(toString(*stockChangeReasonFromString(toString(r))), toString(r));
            QVERIFY(!displayName(r).isEmpty());
        }
        QVERIFY(!stockChangeReasonFromString(u"stolen"_s));
        QVERIFY(!stockChangeReasonFromString(u""_s));
    }

    void parseStockQuantity_acceptsWholeNumbersOnly_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("expected");  // -1: refused
        QTest::addRow("plain") << u"12"_s << 12;
        QTest::addRow("padded") << u"  7 "_s << 7;
        QTest::addRow("empty is zero") << u""_s << 0;
        QTest::addRow("negative") << u"-1"_s << -1;
        QTest::addRow("plus sign") << u"+1"_s << -1;
        QTest::addRow("fraction") << u"1.5"_s << -1;
        QTest::addRow("words") << u"ten"_s << -1;
        QTest::addRow("arabic-indic digits") << u"\u0661\u0662"_s << -1;
        QTest::addRow("huge") << u"99999999999999999999"_s << -1;
    }

    void parseStockQuantity_acceptsWholeNumbersOnly()
    {
        QFETCH(QString, text);
        QFETCH(int, expected);
        const Result<int> parsed = parseStockQuantity(text, u"9"_s);
        QCOMPARE(parsed.ok(), expected >= 0);
        if (parsed)
            QCOMPARE(parsed.value(), expected);
        else
            QCOMPARE(parsed.error().field, u"stock"_s);
    }

    void auditReason_requiredOnlyWhenStockChanges()
    {
        Product after = base();
        after.name = u"Renamed"_s;
        QCOMPARE(auditReasonForSave(base(), after, std::nullopt).value(), u"edit"_s);
        after.stock[1].quantity = 0;
        const Result<QString> refused = auditReasonForSave(base(), after, std::nullopt);
        QVERIFY(!refused);
        QCOMPARE(refused.error().field, u"stockReason"_s);
        QCOMPARE(auditReasonForSave(base(), after, StockChangeReason::SoldInStore).value(), u"sold_in_store"_s);
        Product added = base();
        added.stock.append({u"11"_s, 0, 0});  // a new size with nothing on hand is no stock change
        QVERIFY(!stockDiffers(base(), added));
        Product labelled = base();
        labelled.stock[0].gtin = u"036000291452"_s;  // a barcode is no stock change either
        QCOMPARE(auditReasonForSave(base(), labelled, std::nullopt).value(), u"edit"_s);
    }

    void conflict_listsTheirChangesAgainstMine()
    {
        Product mine = base();
        mine.price = Money::of(17500, u"USD"_s).value();
        mine.colorway = u"Lost & Found"_s;
        Product theirs = base();
        theirs.price = Money::of(20000, u"USD"_s).value();
        theirs.stock[0].quantity = 6;
        theirs.version = 4;
        const QList<FieldDifference> diff = conflictingChanges(base(), mine, theirs);
        QCOMPARE(diff.size(), 2);
        QCOMPARE(diff[0].field, u"price"_s);
        QCOMPARE(diff[0].theirs, u"$200.00"_s);
        QCOMPARE(diff[0].yours, u"$175.00"_s);
        QCOMPARE(diff[1].label, u"Stock, size 9"_s);
        QCOMPARE(diff[1].theirs, u"6"_s);
        QCOMPARE(diff[1].yours, u"2"_s);
    }

    void reapply_keepsTheirChangesAndMine()
    {
        Product mine = base();
        mine.colorway = u"Lost & Found"_s;
        mine.stock[1].quantity = 0;  // I sold the size 10
        Product theirs = base();
        theirs.name = u"AJ1 High"_s;
        theirs.stock[0].quantity = 6;  // they received size 9
        theirs.stock[0].reserved = 2;
        theirs.version = 4;
        const Product merged = reapplyEdits(base(), mine, theirs);
        QCOMPARE(merged.name, u"AJ1 High"_s);
        QCOMPARE(merged.colorway, u"Lost & Found"_s);
        QCOMPARE(merged.version, 4);
        QCOMPARE(merged.stock.size(), 2);
        for (const SizeStock &s : merged.stock) {
            if (s.size == u"9"_s) {
                QCOMPARE(s.quantity, 6);
                QCOMPARE(s.reserved, 2);
            } else {
                QCOMPARE(s.quantity, 0);
            }
        }
        QVERIFY(validateProduct(merged).isEmpty());
    }

    void conflictAndReapply_keepBarcodesPerSize()
    {
        Product mine = base();
        mine.stock[0].gtin = u"036000291452"_s;   // I labelled size 9
        Product theirs = base();
        theirs.stock[1].gtin = u"4006381333931"_s;   // they labelled size 10
        theirs.version = 4;
        const QList<FieldDifference> diff = conflictingChanges(base(), mine, theirs);
        QCOMPARE(diff.size(), 1);
        QCOMPARE(diff[0].field, u"gtin"_s);
        QCOMPARE(diff[0].label, u"Box barcode, size 10"_s);
        QCOMPARE(diff[0].theirs, u"4006381333931"_s);
        const Product merged = reapplyEdits(base(), mine, theirs);
        for (const SizeStock &s : merged.stock)
            QCOMPARE(s.gtin, s.size == u"9"_s ? u"036000291452"_s : u"4006381333931"_s);
        QVERIFY(validateProduct(merged).isEmpty());
    }

    void duplicate_clearsIdentityAndStock()
    {
        Product original = base();
        original.stock[0].gtin = u"036000291452"_s;
        const Product copy = duplicateProduct(original);
        for (const SizeStock &s : copy.stock)
            QVERIFY2(s.gtin.isEmpty(), "a box barcode belongs to the original's size only");
        QVERIFY(copy.id.isEmpty());
        QVERIFY(copy.sku.isEmpty());
        QCOMPARE(copy.totalStock(), 0);
        QCOMPARE(copy.name, base().name);
        QCOMPARE(copy.sizeRun, base().sizeRun);
    }
};

QTEST_MAIN(TestCatalogRules)
#include "tst_catalog_rules.moc"

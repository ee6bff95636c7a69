// Catalog CSV format: RFC 4180 reading, per-row validation, limits, formula neutralising.
#include "domain/catalogcsv.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::CatalogCsvImport;
using rdk::parseCatalogCsv;

namespace {

const QByteArray kHeader =
    "sku,name,brand,colorway,description,condition,used_grade,price,currency,published,archived,inventory,size_system,size_run,stock\r\n";

QByteArray file(const QByteArray &rows)
{
    return kHeader + rows;
}

const QByteArray kGoodPerSize = "DD1391-100,Dunk Low Panda,Nike,White/Black,,new,,129.99,USD,true,false,per_size,mens,8;8.5;9,8:2;8.5:1;9:0\r\n";
const QByteArray kGoodFlat = "LACES-01,Spare laces,RDK,,,new,,5,USD,false,false,flat,,,12\r\n";

QString issuesText(const CatalogCsvImport &import)
{
    QStringList lines;
    for (const rdk::CsvIssue &i : import.allIssues())
        lines.append(i.toString());
    return lines.join(u'\n');
}

bool hasIssue(const CatalogCsvImport &import, int line, const QString &column, const QString &fragment)
{
    for (const rdk::CsvIssue &i : import.allIssues()) {
        if (i.line == line && i.column == column && i.message.contains(fragment, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

rdk::Product sample(const QString &sku)
{
    rdk::Product p;
    p.sku = sku;
    p.name = u"Air Jordan 1 \"Chicago\", 1985"_s;
    p.brand = u"Jordan"_s;
    p.colorway = u"Varsity Red"_s;
    p.description = u"Line one\nline two, with comma\r\nline three"_s;
    p.condition = rdk::Condition::Used;
    p.usedGrade = rdk::UsedGrade::Good;
    p.price = rdk::Money::of(1234599, u"USD"_s).value();
    p.inventoryStrategy = rdk::InventoryStrategy::PerSize;
    p.sizeSystem = rdk::SizeSystem::Mens;
    p.sizeRun = {u"9"_s, u"9.5"_s, u"10"_s};
    p.stock = {{u"9"_s, 1, 0, u"036000291452"_s}, {u"9.5"_s, 0, 0}, {u"10"_s, 3, 0, u"4006381333931"_s}};
    p.published = true;
    return p;
}

} // namespace

class TestCatalogCsv final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void goodFile_givesProductsWithExactMinorUnitsAndStock()
    {
        const CatalogCsvImport import = parseCatalogCsv(file(kGoodPerSize + kGoodFlat), u"USD"_s);
        QVERIFY2(import.ok(), qPrintable(issuesText(import)));
        QCOMPARE(import.rows.size(), 2);
        const rdk::Product &dunk = *import.rows[0].product;
        QCOMPARE(import.rows[0].line, 2);
        QCOMPARE(dunk.sku, u"DD1391-100"_s);
        QCOMPARE(dunk.price.minor(), 12999);
        QCOMPARE(dunk.sizeRun, (QStringList{u"8"_s, u"8.5"_s, u"9"_s}));
        QCOMPARE(dunk.stock.size(), 3);
        QCOMPARE(dunk.stock[0].quantity, 2);
        QCOMPARE(dunk.stock[1].quantity, 1);
        QCOMPARE(dunk.stock[2].quantity, 0);
        QVERIFY(dunk.published);
        const rdk::Product &laces = *import.rows[1].product;
        QCOMPARE(laces.price.minor(), 500);
        QCOMPARE(laces.stock.size(), 1);
        QVERIFY(laces.stock[0].size.isEmpty());
        QCOMPARE(laces.stock[0].quantity, 12);
    }

    void rfc4180_quotesCommasNewlinesCrlfAndBom()
    {
        const QByteArray row = "dd1391-101,\"Dunk \"\"Panda\"\", low\",Nike,,\"two\r\nlines\",new,,100,,true,false,per_size,mens,\"9;10\",9:1\n";
        const CatalogCsvImport import = parseCatalogCsv("\xEF\xBB\xBF" + file(row), u"USD"_s);
        QVERIFY2(import.ok(), qPrintable(issuesText(import)));
        const rdk::Product &p = *import.rows[0].product;
        QCOMPARE(p.sku, u"DD1391-101"_s);
        QCOMPARE(p.name, u"Dunk \"Panda\", low"_s);
        QCOMPARE(p.description, u"two\r\nlines"_s);
        QCOMPARE(import.header.first(), u"sku"_s); // the BOM is not part of the first column name
        QCOMPARE(p.stock[1].quantity, 0); // size 10 not listed: zero
    }

    void lineNumbers_countPhysicalLinesInsideQuotedFields()
    {
        const QByteArray first = "AAA-1,\"x\ny\nz\",B,,,new,,1,USD,false,false,flat,,,1\r\n";
        const QByteArray bad = "AAA-2,Name,Brand,,,new,,1.234,USD,false,false,flat,,,1\r\n";
        const CatalogCsvImport import = parseCatalogCsv(file(first + bad), u"USD"_s);
        QVERIFY(!import.ok());
        QVERIFY2(hasIssue(import, 5, u"price"_s, u"decimals"_s), qPrintable(issuesText(import)));
    }

    void badRows_areEachReportedWithLineColumnAndReason_data()
    {
        QTest::addColumn<QByteArray>("row");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("fragment");
        QTest::addRow("price with 3 decimals") << QByteArray("AAA-1,N,B,,,new,,12.345,USD,false,false,flat,,,1") << u"price"_s << u"decimals"_s;
        QTest::addRow("price with letters") << QByteArray("AAA-1,N,B,,,new,,12 dollars,USD,false,false,flat,,,1") << u"price"_s << QString();
        QTest::addRow("negative price") << QByteArray("AAA-1,N,B,,,new,,'-5,USD,false,false,flat,,,1") << u"price"_s << u"negative"_s;
        QTest::addRow("foreign currency") << QByteArray("AAA-1,N,B,,,new,,5,EUR,false,false,flat,,,1") << u"currency"_s << u"USD"_s;
        QTest::addRow("bad sku") << QByteArray("a b!,N,B,,,new,,5,USD,false,false,flat,,,1") << u"sku"_s << QString();
        QTest::addRow("empty name") << QByteArray("AAA-1,,B,,,new,,5,USD,false,false,flat,,,1") << u"name"_s << u"Name"_s;
        QTest::addRow("unknown condition") << QByteArray("AAA-1,N,B,,,mint,,5,USD,false,false,flat,,,1") << u"condition"_s << u"new or used"_s;
        QTest::addRow("grade on a new pair") << QByteArray("AAA-1,N,B,,,new,good,5,USD,false,false,flat,,,1") << u"used_grade"_s << u"used"_s;
        QTest::addRow("bad boolean") << QByteArray("AAA-1,N,B,,,new,,5,USD,maybe,false,flat,,,1") << u"published"_s << u"true or false"_s;
        QTest::addRow("bad inventory") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,lots,,,1") << u"inventory"_s << u"flat or per_size"_s;
        QTest::addRow("size not in run") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,per_size,mens,9;10,9:1;11:2") << u"stock"_s << u"not in the size run"_s;
        QTest::addRow("size not in the system") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,per_size,mens,9;99,9:1") << u"size_run"_s << QString();
        QTest::addRow("per size without system") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,per_size,,9,9:1") << u"size_system"_s << QString();
        QTest::addRow("negative stock") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,per_size,mens,9,9:-1") << u"stock"_s << u"negative"_s;
        QTest::addRow("negative flat stock") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,flat,,,'-3") << u"stock"_s << u"negative"_s;
        QTest::addRow("fractional stock") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,flat,,,2.5") << u"stock"_s << u"whole number"_s;
        QTest::addRow("huge stock") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,flat,,,9999999") << u"stock"_s << u"100,000"_s;
        QTest::addRow("size listed twice") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,per_size,mens,9,9:1;9:2") << u"stock"_s << u"twice"_s;
        QTest::addRow("pairs on a flat product") << QByteArray("AAA-1,N,B,,,new,,5,USD,false,false,flat,,,9:1") << u"stock"_s << u"flat"_s;
        QTest::addRow("too few fields") << QByteArray("AAA-1,N,B") << QString() << u"header has 15"_s;
        QTest::addRow("control character in name") << QByteArray("AAA-1,N\x01x,B,,,new,,5,USD,false,false,flat,,,1") << u"name"_s << u"control"_s;
    }

    void badRows_areEachReportedWithLineColumnAndReason()
    {
        QFETCH(QByteArray, row);
        QFETCH(QString, column);
        QFETCH(QString, fragment);
        const CatalogCsvImport import = parseCatalogCsv(file(kGoodFlat + row + "\r\n" + kGoodPerSize), u"USD"_s);
        QVERIFY(!import.ok());
        QVERIFY(import.fileIssues.isEmpty());
        QCOMPARE(import.rows.size(), 3);
        QVERIFY(import.rows[0].issues.isEmpty());
        QVERIFY(import.rows[2].issues.isEmpty());
        QVERIFY(!import.rows[1].product.has_value());
        QVERIFY2(hasIssue(import, 3, column, fragment), qPrintable(issuesText(import)));
    }

    void severalProblemsInOneRow_areAllReported()
    {
        const CatalogCsvImport import =
            parseCatalogCsv(file("AAA-1,N,B,,,mint,,1.999,USD,maybe,false,flat,,,'-1\r\n"), u"USD"_s);
        QVERIFY(hasIssue(import, 2, u"condition"_s, QString()));
        QVERIFY(hasIssue(import, 2, u"price"_s, QString()));
        QVERIFY(hasIssue(import, 2, u"published"_s, QString()));
        QVERIFY(hasIssue(import, 2, u"stock"_s, u"negative"_s));
    }

    void duplicateSkus_areFlaggedOnTheLaterLine()
    {
        const QByteArray again = "dd1391-100,Other,Nike,,,new,,1,USD,false,false,flat,,,1\r\n";
        const CatalogCsvImport import = parseCatalogCsv(file(kGoodPerSize + kGoodFlat + again), u"USD"_s);
        QVERIFY(!import.ok());
        QVERIFY2(hasIssue(import, 4, u"sku"_s, u"already appears on line 2"_s), qPrintable(issuesText(import)));
        QVERIFY(import.rows[0].issues.isEmpty());
    }

    void zeroDecimalCurrency_takesWholeAmountsOnly()
    {
        const QByteArray row = "AAA-1,N,B,,,new,,15000,JPY,false,false,flat,,,1\r\nAAA-2,N,B,,,new,,150.5,JPY,false,false,flat,,,1\r\n";
        const CatalogCsvImport import = parseCatalogCsv(file(row), u"JPY"_s);
        QCOMPARE(import.rows[0].product->price.minor(), 15000);
        QVERIFY(hasIssue(import, 3, u"price"_s, u"no decimals"_s));
    }

    void malformedQuotes_stopTheFileWithTheLine_data()
    {
        QTest::addColumn<QByteArray>("rows");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("fragment");
        QTest::addRow("quote in unquoted field") << (kGoodFlat + QByteArray("AAA-1,Air \"Max\",B,,,new,,5,USD,false,false,flat,,,1\r\n")) << 3 << u"quote inside unquoted"_s;
        QTest::addRow("text after closing quote") << QByteArray("AAA-1,\"Air\" Max,B,,,new,,5,USD,false,false,flat,,,1\r\n") << 2 << u"after a closing quote"_s;
        QTest::addRow("unterminated quote") << (kGoodFlat + kGoodFlat + QByteArray("AAA-1,\"Air Max,B,,,new,,5,USD,false,false,flat,,,1\r\n")) << 4 << u"never closed"_s;
    }

    void malformedQuotes_stopTheFileWithTheLine()
    {
        QFETCH(QByteArray, rows);
        QFETCH(int, line);
        QFETCH(QString, fragment);
        const CatalogCsvImport import = parseCatalogCsv(file(rows), u"USD"_s);
        QVERIFY(!import.ok());
        QCOMPARE(import.fileIssues.size(), 1);
        QCOMPARE(import.fileIssues.first().line, line);
        QVERIFY2(import.fileIssues.first().message.contains(fragment), qPrintable(issuesText(import)));
        QVERIFY(import.rows.isEmpty());
    }

    void badUtf8_isRefusedNamingTheLine()
    {
        const QByteArray bad = "AAA-1,Caf\xE9 Racer,B,,,new,,5,USD,false,false,flat,,,1\r\n"; // Latin-1 é
        const CatalogCsvImport import = parseCatalogCsv(file(kGoodFlat + bad), u"USD"_s);
        QVERIFY(!import.ok());
        QCOMPARE(import.fileIssues.size(), 1);
        QCOMPARE(import.fileIssues.first().line, 3);
        QVERIFY(import.fileIssues.first().message.contains(u"UTF-8"_s));
        QVERIFY(import.rows.isEmpty());
    }

    void header_wrongOrMissingColumns_stopTheFile_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fragment");
        QTest::addRow("wrong header") << QByteArray("product,title,price\r\nA,B,1\r\n") << u"unknown column"_s;
        QTest::addRow("missing stock column")
            << QByteArray("sku,name,brand,colorway,description,condition,used_grade,price,currency,published,archived,inventory,size_system,size_run\r\n")
            << u"lacks the column(s) stock"_s;
        QTest::addRow("column twice") << QByteArray(kHeader.chopped(2) + ",sku\r\n") << u"twice"_s;
        QTest::addRow("empty file") << QByteArray() << u"empty"_s;
        QTest::addRow("only blank lines") << QByteArray("\r\n\r\n") << u"empty"_s;
        QTest::addRow("header only") << kHeader << u"no products"_s;
    }

    void header_wrongOrMissingColumns_stopTheFile()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fragment);
        const CatalogCsvImport import = parseCatalogCsv(bytes, u"USD"_s);
        QVERIFY(!import.ok());
        QVERIFY(!import.fileIssues.isEmpty());
        QVERIFY2(issuesText(import).contains(fragment), qPrintable(issuesText(import)));
        QVERIFY(import.rows.isEmpty());
    }

    void header_anyOrderAndCase_isAccepted()
    {
        const QByteArray bytes = "Stock,SKU,Name,Brand,Colorway,Description,Condition,Used_Grade,Price,Currency,Published,Archived,Inventory,Size_System,Size_Run\n"
                                 "7,AAA-1,N,B,,,new,,5,USD,false,false,flat,,\n";
        const CatalogCsvImport import = parseCatalogCsv(bytes, u"USD"_s);
        QVERIFY2(import.ok(), qPrintable(issuesText(import)));
        QCOMPARE(import.rows[0].product->stock.first().quantity, 7);
    }

    void oversizedFile_isRefusedBeforeReading()
    {
        rdk::CatalogCsvLimits limits;
        limits.maxBytes = 1000;
        QByteArray big = kHeader;
        while (big.size() <= 1000)
            big += kGoodFlat;
        const CatalogCsvImport import = parseCatalogCsv(big, u"USD"_s, limits);
        QVERIFY(!import.ok());
        QVERIFY(issuesText(import).contains(u"at most"_s));
        QVERIFY(import.rows.isEmpty());
        // The real limit: 20 MB.
        const CatalogCsvImport huge = parseCatalogCsv(QByteArray(20 * 1024 * 1024 + 1, 'a'), u"USD"_s);
        QVERIFY(huge.fileIssues.first().message.contains(u"20.0 MB"_s));
    }

    void tooManyRows_isRefusedWithTheLimit()
    {
        rdk::CatalogCsvLimits limits;
        limits.maxRows = 3;
        QByteArray rows;
        for (int i = 0; i < 4; ++i)
            rows += "AAA-" + QByteArray::number(i) + ",N,B,,,new,,5,USD,false,false,flat,,,1\r\n";
        const CatalogCsvImport import = parseCatalogCsv(file(rows), u"USD"_s, limits);
        QVERIFY(!import.ok());
        QVERIFY2(issuesText(import).contains(u"at most 3 rows"_s), qPrintable(issuesText(import)));
        QCOMPARE(parseCatalogCsv(file(rows.left(rows.lastIndexOf("AAA-3"))), u"USD"_s, limits).rows.size(), 3);
    }

    void formulaCells_areNeutralisedOnExportAndRestoredOnImport_data()
    {
        QTest::addColumn<QString>("cell");
        QTest::addColumn<bool>("prefixed");
        QTest::addRow("equals") << u"=HYPERLINK(\"http://evil\",\"x\")"_s << true;
        QTest::addRow("plus") << u"+1+1"_s << true;
        QTest::addRow("minus") << u"-2+3+cmd|' /C calc'!A0"_s << true;
        QTest::addRow("at") << u"@SUM(A1)"_s << true;
        QTest::addRow("tab") << u"\t=1"_s << true;
        QTest::addRow("already apostrophe") << u"'=1"_s << true;
        QTest::addRow("plain apostrophe") << u"'quoted"_s << false;
        QTest::addRow("plain text") << u"Panda"_s << false;
        QTest::addRow("inner equals") << u"a=b"_s << false;
    }

    void formulaCells_areNeutralisedOnExportAndRestoredOnImport()
    {
        QFETCH(QString, cell);
        QFETCH(bool, prefixed);
        const QString safe = rdk::neutraliseCsvFormula(cell);
        QCOMPARE(safe.startsWith(u'\'') && safe.mid(1) == cell, prefixed);
        QVERIFY(safe.isEmpty() || safe.front() == u'\'' || !QStringLiteral("=+-@\t\r").contains(safe.front()));
        QCOMPARE(rdk::restoreCsvFormula(safe), cell);
    }

    void hostileFormulaInName_isPlainTextAndExportsNeutralised()
    {
        const QByteArray row = "AAA-1,\"=cmd|' /C calc'!A0\",\"@SUM(1)\",,,new,,5,USD,false,false,flat,,,1\r\n";
        const CatalogCsvImport import = parseCatalogCsv(file(row), u"USD"_s);
        QVERIFY2(import.ok(), qPrintable(issuesText(import)));
        rdk::Product p = *import.rows[0].product;
        QCOMPARE(p.name, u"=cmd|' /C calc'!A0"_s);
        const QByteArray exported = rdk::writeCatalogCsv({p});
        QVERIFY(exported.contains(",'=cmd|' /C calc'!A0,"));
        QVERIFY(exported.contains(",'@SUM(1),"));
        QVERIFY(!exported.contains(",=cmd"));
        QCOMPARE(parseCatalogCsv(exported, u"USD"_s).rows[0].product->name, p.name);
    }

    void barcodes_perSizeAndFlat()
    {
        const QByteArray header = kHeader.chopped(2) + ",barcodes\r\n";
        const QByteArray rows = "DD1391-100,Dunk,Nike,,,new,,100,USD,true,false,per_size,mens,8;8.5;9,8:2;9:1,"
                                "8:036000291452; 9 : 4006381333931 \r\n"
                                "LACES-01,Laces,RDK,,,new,,5,USD,false,false,flat,,,12,0012345678905\r\n";
        const CatalogCsvImport import = parseCatalogCsv(header + rows, u"USD"_s);
        QVERIFY2(import.ok(), qPrintable(issuesText(import)));
        QVERIFY(import.hasBarcodes);
        const rdk::Product &dunk = *import.rows[0].product;
        QCOMPARE(dunk.stock[0].gtin, u"036000291452"_s);
        QVERIFY(dunk.stock[1].gtin.isEmpty());   // 8.5 not listed: no barcode
        QCOMPARE(dunk.stock[2].gtin, u"4006381333931"_s);
        QCOMPARE(import.rows[1].product->stock[0].gtin, u"0012345678905"_s);
    }

    void barcodes_columnMissing_leavesThemAlone()
    {
        // A file exported before box barcodes existed: no column, nothing to set.
        const CatalogCsvImport import = parseCatalogCsv(file(kGoodPerSize), u"USD"_s);
        QVERIFY2(import.ok(), qPrintable(issuesText(import)));
        QVERIFY(!import.hasBarcodes);
    }

    void barcodes_badCellsAreReported_data()
    {
        QTest::addColumn<QByteArray>("rows");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("fragment");
        const QByteArray dunk = "DD1391-100,Dunk,Nike,,,new,,100,USD,true,false,per_size,mens,8;9,8:1;9:1,";
        const QByteArray laces = "LACES-01,Laces,RDK,,,new,,5,USD,false,false,flat,,,12,";
        QTest::addRow("wrong check digit") << dunk + "8:036000291453\r\n" << 2 << u"should end in 2"_s;
        QTest::addRow("size not in the run") << dunk + "12:036000291452\r\n" << 2 << u"not in the size run"_s;
        QTest::addRow("size listed twice") << dunk + "8:036000291452;8:4006381333931\r\n" << 2 << u"listed twice"_s;
        QTest::addRow("no size") << dunk + "036000291452\r\n" << 2 << u"size:barcode"_s;
        QTest::addRow("two sizes, one box") << dunk + "8:036000291452;9:0036000291452\r\n" << 2 << u"same box barcode"_s;
        QTest::addRow("pairs on a flat product") << laces + "x:036000291452\r\n" << 2 << u"one barcode"_s;
        QTest::addRow("letters") << laces + "ABC\r\n" << 2 << u"digits only"_s;
        QTest::addRow("formula") << laces + "=1+1\r\n" << 2 << u"digits only"_s;
        QTest::addRow("oversized") << laces + QByteArray(5000, '9') + "\r\n" << 2 << u"this one has 5000"_s;
        QTest::addRow("one barcode on two rows") << dunk + "8:036000291452\r\n" + laces + "0036000291452\r\n" << 3
                                                 << u"also on line 2"_s;
    }

    void barcodes_badCellsAreReported()
    {
        QFETCH(QByteArray, rows);
        QFETCH(int, line);
        QFETCH(QString, fragment);
        const QByteArray header = kHeader.chopped(2) + ",barcodes\r\n";
        const CatalogCsvImport import = parseCatalogCsv(header + rows, u"USD"_s);
        QVERIFY(!import.ok());
        QVERIFY2(hasIssue(import, line, u"barcodes"_s, fragment), qPrintable(issuesText(import)));
        QVERIFY(!import.rows[line - 2].product);   // a row with a problem is never applied
    }

    void export_thenImport_givesTheSameProducts()
    {
        rdk::Product a = sample(u"AJ1-85-CHI"_s);
        rdk::Product flat;
        flat.sku = u"LACES-01"_s;
        flat.name = u"-Laces, waxed"_s;
        flat.brand = u"RDK"_s;
        flat.price = rdk::Money::of(0, u"USD"_s).value();
        flat.stock = {{QString(), 12, 0, u"0012345678905"_s}};
        flat.archived = true;
        const QByteArray csv = rdk::writeCatalogCsv({a, flat});
        QVERIFY(csv.startsWith("\xEF\xBB\xBF"));
        QVERIFY(csv.contains("\r\n"));
        const CatalogCsvImport import = parseCatalogCsv(csv, u"USD"_s);
        QVERIFY2(import.ok(), qPrintable(issuesText(import)));
        QCOMPARE(import.rows.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const rdk::Product &in = i == 0 ? a : flat;
            const rdk::Product &out = *import.rows[i].product;
            QCOMPARE(out.sku, in.sku);
            QCOMPARE(out.name, in.name);
            QCOMPARE(out.brand, in.brand);
            QCOMPARE(out.colorway, in.colorway);
            QCOMPARE(out.description, in.description);
            QCOMPARE(rdk::toString(out.condition), rdk::toString(in.condition));
            QCOMPARE(rdk::toString(out.usedGrade), rdk::toString(in.usedGrade));
            QCOMPARE(out.price.minor(), in.price.minor());
            QCOMPARE(out.published, in.published);
            QCOMPARE(out.archived, in.archived);
            QCOMPARE(out.sizeRun, in.sizeRun);
            QCOMPARE(out.stock.size(), in.stock.size());
            for (qsizetype s = 0; s < in.stock.size(); ++s) {
                QCOMPARE(out.stock[s].size, in.stock[s].size);
                QCOMPARE(out.stock[s].quantity, in.stock[s].quantity);
                QCOMPARE(out.stock[s].gtin, in.stock[s].gtin);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCatalogCsv)
#include "tst_catalogcsv.moc"

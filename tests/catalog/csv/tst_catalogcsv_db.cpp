// Catalog CSV against a real PostgreSQL: all-or-nothing apply, audit reason, round trip.
#include "data/pgcatalogcsv.h"
#include "data/pgrepositories.h"
#include "tests/support/sessionwait.h"
#include "tests/support/testdatabase.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

namespace {

const QByteArray kHeader =
    "sku,name,brand,colorway,description,condition,used_grade,price,currency,published,archived,inventory,size_system,size_run,stock\r\n";
const QByteArray kDunk = "DD1391-100,Dunk Low Panda,Nike,White/Black,\"Leather upper,\nrubber sole\",new,,129.99,USD,true,false,per_size,mens,8;8.5;9,8:2;8.5:1;9:0\r\n";
const QByteArray kLaces = "LACES-01,\"=HYPERLINK(\"\"x\"\")\",RDK,,,new,,5,USD,false,false,flat,,,12\r\n";
const QByteArray kJordan = "AJ1-85-CHI,Air Jordan 1 Chicago,Jordan,Varsity Red,,used,good,1234.50,USD,true,false,per_size,mens,9;10,9:1;10:0\r\n";

// The same products with the optional barcodes column (a valid UPC-A and EAN-13 per size).
const QByteArray kBarcodeHeader = kHeader.chopped(2) + ",barcodes\r\n";
const QByteArray kDunkBarcodes = "DD1391-100,Dunk Low Panda,Nike,White/Black,,new,,129.99,USD,true,false,per_size,mens,8;8.5;9,"
                                 "8:2;8.5:1;9:0,8:036000291452;9:4006381333931\r\n";
const QByteArray kDunkSwapped = "DD1391-100,Dunk Low Panda,Nike,White/Black,,new,,129.99,USD,true,false,per_size,mens,8;8.5;9,"
                                "8:2;8.5:1;9:0,8:4006381333931;9:036000291452\r\n";
const QByteArray kLacesBarcode = "LACES-01,Laces,RDK,,,new,,5,USD,false,false,flat,,,12,0036000291452\r\n";

QString issues(const CatalogCsvImport &import)
{
    QStringList lines;
    for (const CsvIssue &i : import.allIssues())
        lines.append(i.toString());
    return lines.join(u'\n');
}

} // namespace

class TestCatalogCsvDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    std::unique_ptr<PgSession> m_ops;

    int count(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

    std::string scalar(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<std::string>();
    }

    Result<CatalogImportSummary> importBytes(CatalogCsvStore &store, const QByteArray &rows, bool dryRun = false)
    {
        const CatalogCsvImport parsed = parseCatalogCsv(kHeader + rows, u"USD"_s);
        if (!parsed.ok())
            return Error::invalid(issues(parsed));
        return store.apply(parsed, dryRun);
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        const test::Login ops = m_db->createStaff(m_tenant, u"ops"_s);
        auto session = PgSession::open(m_db->urlFor(ops.login, ops.password));
        QVERIFY2(session.ok(), session.ok() ? "" : qPrintable(session.error().message));
        m_ops = std::move(session).value();
    }

    void cleanup()
    {
        m_ops.reset();
        if (m_db)
            test::waitForOtherSessionsToEnd(*m_db);
        m_db.reset();
    }

    void goodFile_isAppliedWithAuditedStock()
    {
        PgCatalogCsvStore store(*m_ops);
        QCOMPARE(store.shopCurrency().value(), u"USD"_s);
        QList<std::pair<int, int>> progress;
        const CatalogCsvImport parsed = parseCatalogCsv(kHeader + kDunk + kLaces, u"USD"_s);
        QVERIFY2(parsed.ok(), qPrintable(issues(parsed)));
        auto summary = store.apply(parsed, false, [&](int done, int total) { progress.append({done, total}); });
        QVERIFY2(summary.ok(), summary.ok() ? "" : qPrintable(summary.error().message));
        QCOMPARE(summary->created, 2);
        QCOMPARE(summary->updated, 0);
        QCOMPARE(progress.last(), (std::pair<int, int>{2, 2}));

        PgProductRepository products(*m_ops);
        auto dunk = products.findBySku(u"DD1391-100"_s);
        QVERIFY(dunk.ok() && dunk->has_value());
        QCOMPARE((*dunk)->price.minor(), 12999);
        QCOMPARE((*dunk)->description, u"Leather upper,\nrubber sole"_s);
        QCOMPARE((*dunk)->totalStock(), 3);
        auto laces = products.findBySku(u"LACES-01"_s);
        QCOMPARE((*laces)->name, u"=HYPERLINK(\"x\")"_s);
        QCOMPARE((*laces)->totalStock(), 12);

        QCOMPARE(count("SELECT count(*) FROM audit_log WHERE entity = 'inventory' AND reason = 'CSV import'"), 4);
        QCOMPARE(count("SELECT count(*) FROM audit_log WHERE entity = 'product' AND action = 'insert' AND reason = 'CSV import'"), 2);
    }

    void oneBadRow_nothingIsApplied()
    {
        PgCatalogCsvStore store(*m_ops);
        const CatalogCsvImport parsed = parseCatalogCsv(
            kHeader + kDunk + "BAD-1,N,B,,,new,,1.999,USD,false,false,flat,,,1\r\n" + kLaces, u"USD"_s);
        QVERIFY(!parsed.ok());
        auto refused = store.apply(parsed, false);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(u"line 4, price"_s), qPrintable(refused.error().message));
        QCOMPARE(count("SELECT count(*) FROM products"), 0);
        QCOMPARE(count("SELECT count(*) FROM audit_log WHERE entity IN ('product', 'inventory')"), 0);
    }

    void rowTheDatabaseRefuses_rollsBackEarlierRows()
    {
        PgCatalogCsvStore store(*m_ops);
        QVERIFY(importBytes(store, kJordan).ok());
        // Two pairs of size 9 are held for an order; the file tries to count only... zero.
        m_db->execOwner("UPDATE inventory SET quantity = 2, reserved = 2 WHERE size = '9'");
        const QByteArray lowered = "AJ1-85-CHI,Air Jordan 1 Chicago,Jordan,Varsity Red,,used,good,1234.50,USD,true,false,per_size,mens,9;10,9:0;10:0\r\n";
        auto refused = importBytes(store, kDunk + lowered);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(u"line 4, stock"_s), qPrintable(refused.error().message));
        QVERIFY(refused.error().message.contains(u"held for pending orders"_s));
        QCOMPARE(count("SELECT count(*) FROM products WHERE sku = 'DD1391-100'"), 0); // lines 2-3 rolled back
        QCOMPARE(count("SELECT quantity FROM inventory WHERE size = '9'"), 2);
    }

    void existingProducts_areUpdatedAndUnchangedOnesLeftAlone()
    {
        PgCatalogCsvStore store(*m_ops);
        QVERIFY(importBytes(store, kDunk + kJordan).ok());
        const int versionBefore = count("SELECT version FROM products WHERE sku = 'AJ1-85-CHI'");
        const QByteArray dunk2 = "DD1391-100,Dunk Low Panda,Nike,White/Black,\"Leather upper,\nrubber sole\",new,,119.00,USD,true,false,per_size,mens,8;8.5;9,8:5;8.5:1;9:0\r\n";
        auto summary = importBytes(store, dunk2 + kJordan);
        QVERIFY2(summary.ok(), summary.ok() ? "" : qPrintable(summary.error().message));
        QCOMPARE(summary->created, 0);
        QCOMPARE(summary->updated, 1);
        QCOMPARE(summary->unchanged, 1);
        QCOMPARE(summary->stockRowsChanged, 1);
        QCOMPARE(count("SELECT price_minor FROM products WHERE sku = 'DD1391-100'"), 11900);
        QCOMPARE(count("SELECT quantity FROM inventory i JOIN products p ON p.id = i.product_id WHERE p.sku = 'DD1391-100' AND size = '8'"), 5);
        QCOMPARE(count("SELECT version FROM products WHERE sku = 'AJ1-85-CHI'"), versionBefore);
        QCOMPARE(scalar("SELECT before->>'quantity' || '->' || (after->>'quantity') FROM audit_log "
                        "WHERE entity = 'inventory' AND action = 'update' AND reason = 'CSV import'"),
                 std::string("2->5"));
    }

    void switchingToFlat_zeroesTheSizeRows()
    {
        PgCatalogCsvStore store(*m_ops);
        QVERIFY(importBytes(store, kDunk).ok());
        auto summary = importBytes(store, "DD1391-100,Dunk Low Panda,Nike,White/Black,,new,,129.99,USD,true,false,flat,,,4\r\n");
        QVERIFY2(summary.ok(), summary.ok() ? "" : qPrintable(summary.error().message));
        PgProductRepository products(*m_ops);
        const Product p = *products.findBySku(u"DD1391-100"_s).value();
        QCOMPARE(p.totalStock(), 4);
        QCOMPARE(toString(p.inventoryStrategy), u"flat"_s);
    }

    void dryRun_reportsButSavesNothing()
    {
        PgCatalogCsvStore store(*m_ops);
        auto summary = importBytes(store, kDunk + kLaces, true);
        QVERIFY2(summary.ok(), summary.ok() ? "" : qPrintable(summary.error().message));
        QVERIFY(summary->dryRun);
        QCOMPARE(summary->created, 2);
        QCOMPARE(count("SELECT count(*) FROM products"), 0);
        QCOMPARE(count("SELECT count(*) FROM audit_log WHERE entity IN ('product', 'inventory')"), 0);
    }

    Result<CatalogImportSummary> importWithBarcodes(CatalogCsvStore &store, const QByteArray &rows, bool dryRun = false)
    {
        const CatalogCsvImport parsed = parseCatalogCsv(kBarcodeHeader + rows, u"USD"_s);
        if (!parsed.ok())
            return Error::invalid(issues(parsed));
        return store.apply(parsed, dryRun);
    }

    std::string barcodeOf(const char *size)
    {
        const QString where = size ? u"size = '%1'"_s.arg(QLatin1StringView(size)) : u"size IS NULL"_s;
        return scalar((u"SELECT coalesce(gtin, '-') FROM inventory WHERE "_s + where).toStdString());
    }

    void barcodes_areSetSwappedAndClearedByTheFile()
    {
        PgCatalogCsvStore store(*m_ops);
        auto applied = importWithBarcodes(store, kDunkBarcodes);
        QVERIFY2(applied.ok(), applied.ok() ? "" : qPrintable(applied.error().message));
        QCOMPARE(barcodeOf("8"), std::string("036000291452"));
        QCOMPARE(barcodeOf("8.5"), std::string("-"));
        QCOMPARE(barcodeOf("9"), std::string("4006381333931"));

        // Two sizes trade barcodes in one file (checked at the end, not row by row).
        auto swapped = importWithBarcodes(store, kDunkSwapped);
        QVERIFY2(swapped.ok(), swapped.ok() ? "" : qPrintable(swapped.error().message));
        QCOMPARE(swapped->updated, 1);
        QCOMPARE(barcodeOf("8"), std::string("4006381333931"));
        QCOMPARE(barcodeOf("9"), std::string("036000291452"));

        // A file without the column (an older export) leaves barcodes alone ...
        QVERIFY(importBytes(store, kDunk).ok());
        QCOMPARE(barcodeOf("8"), std::string("4006381333931"));
        // ... and one with the column but an empty cell clears them.
        const QByteArray none = kDunkBarcodes.left(kDunkBarcodes.lastIndexOf(',') + 1) + "\r\n";
        QVERIFY(importWithBarcodes(store, none).ok());
        QCOMPARE(count("SELECT count(*) FROM inventory WHERE gtin IS NOT NULL"), 0);
    }

    void barcodes_takenByAProductOutsideTheFile_stopTheImport()
    {
        PgCatalogCsvStore store(*m_ops);
        QVERIFY(importWithBarcodes(store, kDunkBarcodes).ok());
        // The laces claim the Dunk's size 8 box (the same code written as EAN-13); the file
        // doesn't list the Dunk, so it can't take the code away: refused with the line to fix,
        // as a dry run and for real, and nothing changes.
        for (const bool dryRun : {true, false}) {
            auto refused = importWithBarcodes(store, kLacesBarcode, dryRun);
            QVERIFY(!refused.ok());
            QCOMPARE(int(refused.error().code), int(ErrorCode::Conflict));
            QVERIFY2(refused.error().message.contains(u"line 2, barcodes: barcode 0036000291452 is already on DD1391-100 size 8"_s),
                     qPrintable(refused.error().message));
        }
        QCOMPARE(count("SELECT count(*) FROM products WHERE sku = 'LACES-01'"), 0);
        // Listing both in one file moves the code: the Dunk's size 8 gives it up.
        const QByteArray moved = kDunkBarcodes;
        QByteArray dunkWithout = moved;
        dunkWithout.replace("8:036000291452;", "");
        auto ok = importWithBarcodes(store, dunkWithout + kLacesBarcode);
        QVERIFY2(ok.ok(), ok.ok() ? "" : qPrintable(ok.error().message));
        QCOMPARE(barcodeOf(nullptr), std::string("0036000291452"));
        QCOMPARE(barcodeOf("8"), std::string("-"));
    }

    void export_thenImport_roundTripsExactly()
    {
        PgCatalogCsvStore store(*m_ops);
        QVERIFY(importBytes(store, kDunk + kLaces + kJordan).ok());
        QVERIFY(importWithBarcodes(store, kDunkBarcodes).ok());
        auto exported = store.exportProducts();
        QVERIFY(exported.ok());
        QCOMPARE(exported->size(), 3);
        const QByteArray first = writeCatalogCsv(*exported);
        QVERIFY(first.contains(",\"'=HYPERLINK(")); // neutralised for spreadsheets

        const CatalogCsvImport again = parseCatalogCsv(first, u"USD"_s);
        QVERIFY2(again.ok(), qPrintable(issues(again)));
        auto summary = store.apply(again, false);
        QVERIFY(summary.ok());
        QCOMPARE(summary->unchanged, 3);
        QCOMPARE(summary->updated + summary->created + summary->stockRowsChanged, 0);

        // Into an empty shop: the same file gives the same catalog.
        const QString other = m_db->createTenant(u"shop-b"_s);
        auto owner = PgSession::open(m_db->ownerUrl());
        PgCatalogCsvStore otherStore(**owner, other);
        auto copied = otherStore.apply(again, false);
        QVERIFY2(copied.ok(), copied.ok() ? "" : qPrintable(copied.error().message));
        QCOMPARE(copied->created, 3);
        const QByteArray second = writeCatalogCsv(otherStore.exportProducts().value());
        QCOMPARE(second, first);
    }

    void staffWithoutCatalogRights_isRefusedAndNothingChanges()
    {
        const test::Login staff = m_db->createStaff(m_tenant, u"staff"_s);
        auto session = PgSession::open(m_db->urlFor(staff.login, staff.password));
        QVERIFY(session.ok());
        PgCatalogCsvStore store(**session);
        auto refused = importBytes(store, kDunk);
        QVERIFY(!refused.ok());
        QCOMPARE(int(refused.error().code), int(ErrorCode::Forbidden));
        QCOMPARE(count("SELECT count(*) FROM products"), 0);
    }

    void otherShopsProducts_areNeverExportedOrTouched()
    {
        const QString other = m_db->createTenant(u"shop-b"_s);
        auto owner = PgSession::open(m_db->ownerUrl());
        PgCatalogCsvStore otherStore(**owner, other);
        QVERIFY(importBytes(otherStore, kDunk).ok());
        PgCatalogCsvStore mine(*m_ops);
        QCOMPARE(mine.exportProducts().value().size(), 0);
        auto summary = importBytes(mine, kDunk); // same SKU, other shop: a new product here
        QVERIFY(summary.ok());
        QCOMPARE(summary->created, 1);
        QCOMPARE(count("SELECT count(*) FROM products WHERE sku = 'DD1391-100'"), 2);
    }
};

QTEST_GUILESS_MAIN(TestCatalogCsvDb)
#include "tst_catalogcsv_db.moc"

// The CSV import dialog and export action, offscreen, against a real database.
#include "data/pgcatalogcsv.h"
#include "tests/support/sessionwait.h"
#include "tests/support/testdatabase.h"
#include "ui/catalog/csvimportdialog.h"

#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

const QByteArray kHeader =
    "sku,name,brand,colorway,description,condition,used_grade,price,currency,published,archived,inventory,size_system,size_run,stock\r\n";
const QByteArray kDunk = "DD1391-100,Dunk Low Panda,Nike,White/Black,,new,,129.99,USD,true,false,per_size,mens,8;8.5;9,8:2;8.5:1;9:0\r\n";
const QByteArray kLaces = "LACES-01,Spare laces,RDK,,,new,,5.00,USD,false,false,flat,,,12\r\n";
// The same with the optional barcodes column, as export writes it.
const QByteArray kBarcodeFile = kHeader.chopped(2) + ",barcodes\r\n" + kDunk.chopped(2) + ",8:036000291452;9:4006381333931\r\n" +
                                kLaces.chopped(2) + ",\r\n";

} // namespace

class TestCsvImportDialog final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    CatalogCsvStoreFactory m_stores;
    QTemporaryDir m_dir;

    int count(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size() ? path : QString();
    }

    static bool load(CsvImportDialog &dialog, const QString &path)
    {
        QSignalSpy ready(&dialog, &CsvImportDialog::previewReady);
        dialog.loadFile(path);
        return ready.wait(20000);
    }

    static QStringList issueLines(CsvImportDialog &dialog)
    {
        QStringList lines;
        auto *list = dialog.findChild<QListWidget *>(u"issueList"_s);
        for (int i = 0; i < list->count(); ++i)
            lines.append(list->item(i)->text());
        return lines;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        RDK_CREATE_TEST_DATABASE(m_db);
        const QString tenant = m_db->createTenant(u"shop-a"_s);
        const test::Login ops = m_db->createStaff(tenant, u"ops"_s);
        const std::string url = m_db->urlFor(ops.login, ops.password);
        m_stores = [url] { return data::PgCatalogCsvStore::open(url); };
    }

    void cleanup()
    {
        if (m_db)
            test::waitForOtherSessionsToEnd(*m_db);
        m_db.reset();
    }

    void badFile_listsEveryProblem_highlightsRows_andApplyStaysDisabled()
    {
        CsvImportDialog dialog(m_stores);
        dialog.show();
        const QString path = write(u"bad.csv"_s, kHeader + kDunk + "BAD-1,N,B,,,new,,1.999,USD,false,false,per_size,mens,9,10:1\r\n"
                                                      + "dd1391-100,Again,Nike,,,new,,1,USD,false,false,flat,,,1\r\n");
        QVERIFY(load(dialog, path));
        auto *apply = dialog.findChild<QPushButton *>(u"applyButton"_s);
        QVERIFY(!apply->isEnabled());
        const QStringList issues = issueLines(dialog);
        QVERIFY2(issues.contains(u"line 3, price: USD amounts have at most 2 decimals"_s), qPrintable(issues.join(u'\n')));
        QVERIFY2(issues.contains(u"line 3, stock: size \"10\" is not in the size run"_s), qPrintable(issues.join(u'\n')));
        QVERIFY2(issues.contains(u"line 4, sku: SKU DD1391-100 already appears on line 2"_s), qPrintable(issues.join(u'\n')));

        auto *table = dialog.findChild<QTableView *>(u"previewTable"_s);
        QAbstractItemModel *model = table->model();
        QCOMPARE(model->rowCount(), 3);
        QCOMPARE(model->headerData(0, Qt::Horizontal).toString(), u"Line"_s);
        QCOMPARE(model->index(1, 0).data().toInt(), 3);
        const int priceColumn = 2 + int(catalogCsvColumns().indexOf(u"price"_s));
        QVERIFY(model->index(1, priceColumn).data(Qt::BackgroundRole).isValid()); // bad cell marked
        QVERIFY(model->index(1, priceColumn).data(Qt::ToolTipRole).toString().contains(u"decimals"_s));
        QVERIFY(!model->index(0, priceColumn).data(Qt::BackgroundRole).isValid()); // good row plain
        QCOMPARE(model->headerData(1, Qt::Horizontal).toString(), u"Problems"_s);
        QVERIFY(model->index(1, 1).data().toString().contains(u"price"_s));
        QVERIFY(model->index(0, 1).data().toString().isEmpty());
        QVERIFY(dialog.findChild<QLabel *>(u"summaryLabel"_s)->text().contains(u"problem"_s));
        if (const QString dir = qEnvironmentVariable("RDK_SCREENSHOT_DIR"); !dir.isEmpty())
            dialog.grab().save(dir + u"/csv-import-dialog.png"_s);

        dialog.apply(); // even when forced, nothing happens
        QTest::qWait(200);   // proves a negative: no import runs in the background either
        QCOMPARE(count("SELECT count(*) FROM products"), 0);
    }

    void malformedOrHugeFile_isRefusedWithAReason()
    {
        CsvImportDialog dialog(m_stores);
        QVERIFY(load(dialog, write(u"quotes.csv"_s, kHeader + "X-1,\"open,B,,,new,,1,USD,false,false,flat,,,1\r\n")));
        QVERIFY(!dialog.findChild<QPushButton *>(u"applyButton"_s)->isEnabled());
        QVERIFY2(issueLines(dialog).join(u'\n').contains(u"line 2: a quoted field is never closed"_s), qPrintable(issueLines(dialog).join(u'\n')));

        const QString huge = m_dir.filePath(u"huge.csv"_s);
        QFile f(huge);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(21 * 1024 * 1024));
        f.close();
        QVERIFY(load(dialog, huge));
        QVERIFY(!dialog.findChild<QPushButton *>(u"applyButton"_s)->isEnabled());
        QVERIFY(dialog.findChild<QLabel *>(u"summaryLabel"_s)->text().contains(u"at most 20 MB"_s));
    }

    void goodFile_appliesAllRows_showsTheSummary_andExportRoundTrips()
    {
        CsvImportDialog dialog(m_stores);
        dialog.show();
        QVERIFY(load(dialog, write(u"good.csv"_s, kBarcodeFile)));
        auto *apply = dialog.findChild<QPushButton *>(u"applyButton"_s);
        QVERIFY(apply->isEnabled());
        QVERIFY(issueLines(dialog).isEmpty());
        QSignalSpy finished(&dialog, &CsvImportDialog::applyFinished);
        auto *bar = dialog.findChild<QProgressBar *>(u"importProgress"_s);
        QSignalSpy progressed(bar, &QProgressBar::valueChanged);
        QTest::mouseClick(apply, Qt::LeftButton);
        QVERIFY(bar->isVisible());
        QCOMPARE(bar->maximum(), 2);
        QVERIFY(finished.wait(20000));
        QVERIFY(finished.first().value(0).toBool());
        // The apply reported its progress up to the last row before it answered.
        QVERIFY(!progressed.isEmpty());
        QCOMPARE(progressed.last().value(0).toInt(), 2);
        QVERIFY(!bar->isVisible());
        QVERIFY2(dialog.findChild<QLabel *>(u"summaryLabel"_s)->text().contains(u"2 created"_s),
                 qPrintable(dialog.findChild<QLabel *>(u"summaryLabel"_s)->text()));
        QVERIFY(!apply->isEnabled()); // applied once, not twice
        QCOMPARE(count("SELECT count(*) FROM products"), 2);
        QCOMPARE(count("SELECT count(*) FROM audit_log WHERE entity = 'inventory' AND reason = 'CSV import'"), 4);

        const QString out = m_dir.filePath(u"export.csv"_s);
        const Result<int> written = exportCatalogCsvTo(out, m_stores);
        QVERIFY(written.ok());
        QCOMPARE(*written, 2);
        QFile exported(out);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        QCOMPARE(exported.readAll(), QByteArray("\xEF\xBB\xBF") + kBarcodeFile);
        QVERIFY(!exportCatalogCsvTo(u"/nonexistent/dir/x.csv"_s, m_stores).ok());
    }
};

QTEST_MAIN(TestCsvImportDialog)
#include "tst_csvimportdialog.moc"

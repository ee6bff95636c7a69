// Price labels: which barcode each label carries, where labels sit on each label stock, and
// that what is drawn (preview image and PDF) scans back to the same codes with zbarimg
// (Debian's zbar-tools; the PDF is rasterised with pdftoppm from poppler-utils).
#include "domain/gtin.h"
#include "domain/labels.h"
#include "ui/catalog/labelsdialog.h"
#include "ui/print/barcodesymbol.h"
#include "ui/print/labelprinter.h"

#include <QComboBox>
#include <QDir>
#include <QProcess>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

Product sneaker()
{
    Product p;
    p.id = u"7b0c3f4e-0000-4000-8000-000000000001"_s;
    p.sku = u"DD1391-100"_s;
    p.name = u"Dunk Low Retro Panda"_s;
    p.brand = u"Nike"_s;
    p.price = Money::of(12999, u"USD"_s).value();
    p.inventoryStrategy = InventoryStrategy::PerSize;
    p.sizeSystem = SizeSystem::Mens;
    p.sizeRun = {u"9"_s, u"9.5"_s, u"10"_s};
    p.stock = {{u"9"_s, 2, 0, u"036000291452"_s}, {u"9.5"_s, 1, 0, u"4006381333931"_s}, {u"10"_s, 0, 0}};
    return p;
}

/// What zbarimg reads in `file`, one code per symbol found.
QStringList decode(const QString &file)
{
    QProcess zbar;
    zbar.start(u"zbarimg"_s, {u"--raw"_s, u"-q"_s, file});
    if (!zbar.waitForFinished(60000))
        return {u"zbarimg did not finish"_s};
    QStringList codes = QString::fromUtf8(zbar.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    for (QString &c : codes)
        c = c.trimmed();
    codes.sort();
    return codes;
}

/// zbarimg reports UPC-A inside EAN-13 (a leading 0): compare in that form.
QStringList asScanned(const QList<LabelContent> &labels)
{
    QStringList codes;
    for (const LabelContent &l : labels)
        codes.append(l.kind == BarcodeKind::UpcA ? gtinKey(l.barcode) : l.barcode);
    codes.sort();
    return codes;
}

class FakeLabelSource final : public LabelSource {
public:
    explicit FakeLabelSource(std::optional<Error> failure = std::nullopt) : m_failure(std::move(failure)) {}
    Result<QList<Product>> products(const QStringList &ids) override
    {
        if (m_failure)
            return *m_failure;
        return ids.contains(sneaker().id) ? QList<Product>{sneaker()} : QList<Product>{};
    }
    Result<QList<LabelRequest>> receivedSince(const QDateTime &since) override
    {
        if (m_failure)
            return *m_failure;
        if (!since.isValid())
            return Error::invalid(u"no start of day"_s);
        return QList<LabelRequest>{{sneaker(), u"9.5"_s, 3}};
    }

private:
    std::optional<Error> m_failure;
};

LabelSourceFactory fakeSources(std::optional<Error> failure = std::nullopt)
{
    return [failure]() -> Result<std::unique_ptr<LabelSource>> {
        return std::unique_ptr<LabelSource>(new FakeLabelSource(failure));
    };
}

} // namespace

class TestLabels final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *tool : {"zbarimg", "pdftoppm"})
            QVERIFY2(!QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty(),
                     qPrintable(u"%1 is missing: scripts/test installs zbar-tools and poppler-utils"_s.arg(QLatin1StringView(tool))));
    }

    void labelFor_usesTheBoxBarcodeOrTheShopCode()
    {
        const Product p = sneaker();
        const LabelContent upc = labelFor(p, u"9"_s);
        QCOMPARE(upc.kind, BarcodeKind::UpcA);
        QCOMPARE(upc.barcode, u"036000291452"_s);
        QCOMPARE(upc.price, u"$129.99"_s);
        QCOMPARE(labelFor(p, u"9.5"_s).kind, BarcodeKind::Ean13);
        const LabelContent own = labelFor(p, u"10"_s);
        QCOMPARE(own.kind, BarcodeKind::Code128);
        QCOMPARE(own.barcode, u"DD1391-100/10"_s);
        const auto back = parseLabelCode(own.barcode);
        QVERIFY(back);
        QCOMPARE(back->sku, u"DD1391-100"_s);
        QCOMPARE(back->size, u"10"_s);
        QVERIFY(!parseLabelCode(u"DD1391-100"));
        QVERIFY(!parseLabelCode(u"/10"));
        QVERIFY(!parseLabelCode(u"A/B/C"));
        QVERIFY(!parseLabelCode(u"DD1391-100/"));
    }

    void labelsForJob_repeatsAndRefusesBadRequests()
    {
        const Product p = sneaker();
        const auto job = labelsForJob({{p, u"9"_s, 2}, {p, u"10"_s, 1}});
        QVERIFY(job);
        QCOMPARE(job->size(), 3);
        QCOMPARE(job->at(1).barcode, u"036000291452"_s);
        QVERIFY(!labelsForJob({{p, u"12"_s, 1}}));   // not a size of the product
        QVERIFY(!labelsForJob({{p, u"9"_s, 0}}));
        QVERIFY(!labelsForJob({{p, u"9"_s, -5}}));
        const auto tooMany = labelsForJob({{p, u"9"_s, MaxLabelsPerJob}, {p, u"10"_s, 1}});
        QVERIFY(!tooMany);
        QVERIFY(tooMany.error().message.contains(u"smaller batches"_s));
    }

    void everyStock_placesEveryLabelInsideThePage()
    {
        for (const LabelStock &stock : labelStocks()) {
            for (int i = 0; i < stock.labelsPerPage() * 2; ++i) {
                const LabelPlacement at = placeLabel(stock, i);
                QCOMPARE(at.page, i / stock.labelsPerPage());
                QVERIFY2(at.xMm >= 0 && at.xMm + stock.labelWidthMm <= stock.pageWidthMm + 0.01, qPrintable(stock.id));
                QVERIFY2(at.yMm >= 0 && at.yMm + stock.labelHeightMm <= stock.pageHeightMm + 0.01, qPrintable(stock.id));
            }
        }
        QCOMPARE(ui::labelPageCount(*labelStockById(u"letter-30"_s), 31), 2);
        QCOMPARE(ui::labelPageCount(*labelStockById(u"thermal-2.25x1.25"_s), 3), 3);
    }

    void encodeBarcode_refusesWhatItCantEncode()
    {
        QVERIFY(ui::encodeBarcode(BarcodeKind::Ean13, u"4006381333931"_s));
        QVERIFY(!ui::encodeBarcode(BarcodeKind::Ean13, u"4006381333932"_s));   // check digit
        QVERIFY(!ui::encodeBarcode(BarcodeKind::UpcA, u"03600029145A"_s));
        QVERIFY(!ui::encodeBarcode(BarcodeKind::Code128, QString()));
        QVERIFY(!ui::encodeBarcode(BarcodeKind::Code128, QString(500, u'A')));
        QVERIFY(!ui::encodeBarcode(BarcodeKind::Code128, u"sneaker 👟"_s));
    }

    // What the preview shows scans: each stock, each kind of code, at 300 dpi.
    void preview_scansBackToTheSameCodes_data()
    {
        QTest::addColumn<QString>("stockId");
        for (const LabelStock &stock : labelStocks())
            QTest::addRow("%s", qPrintable(stock.id)) << stock.id;
    }

    void preview_scansBackToTheSameCodes()
    {
        QFETCH(QString, stockId);
        const LabelStock stock = *labelStockById(stockId);
        const auto labels = labelsForJob({{sneaker(), u"9"_s, 1}, {sneaker(), u"9.5"_s, 1}, {sneaker(), u"10"_s, 1}});
        QVERIFY(labels);
        QTemporaryDir dir;
        QStringList decoded;
        for (int page = 0; page < ui::labelPageCount(stock, labels->size()); ++page) {
            const QString file = qEnvironmentVariableIsSet("RDK_LABEL_SHOTS")
                ? u"%1/%2-page%3.png"_s.arg(qEnvironmentVariable("RDK_LABEL_SHOTS"), stockId).arg(page)
                : dir.filePath(u"page%1.png"_s.arg(page));
            QVERIFY(ui::renderLabelPage(stock, *labels, page, 300).save(file));
            decoded += decode(file);
        }
        decoded.sort();
        QCOMPARE(decoded, asScanned(*labels));
    }

    // What goes to the printer scans: the PDF, rasterised as a printer would, page by page.
    void pdf_scansBackToTheSameCodes()
    {
        const LabelStock stock = *labelStockById(u"letter-30"_s);
        const auto labels = labelsForJob({{sneaker(), u"9"_s, 29}, {sneaker(), u"9.5"_s, 1}, {sneaker(), u"10"_s, 1}});
        QVERIFY(labels);
        QTemporaryDir dir;
        const QString pdf = dir.filePath(u"labels.pdf"_s);
        QVERIFY(ui::writeLabelsPdf(pdf, stock, *labels));
        QProcess raster;
        raster.start(u"pdftoppm"_s, {u"-r"_s, u"300"_s, u"-png"_s, pdf, dir.filePath(u"page"_s)});
        QVERIFY(raster.waitForFinished(60000));
        QCOMPARE(raster.exitCode(), 0);
        const QStringList pages = QDir(dir.path()).entryList({u"page*.png"_s}, QDir::Files, QDir::Name);
        QCOMPARE(pages.size(), 2);   // 31 labels on a 30-label sheet
        // zbar reports equal symbols of one image once: compare each page's distinct codes.
        QCOMPARE(decode(dir.filePath(pages[0])), (QStringList{u"0036000291452"_s, u"4006381333931"_s}));
        QCOMPARE(decode(dir.filePath(pages[1])), QStringList{u"DD1391-100/10"_s});
    }

    void pdf_nothingWrittenForAnEmptyJob()
    {
        QTemporaryDir dir;
        const QString pdf = dir.filePath(u"labels.pdf"_s);
        QVERIFY(!ui::writeLabelsPdf(pdf, labelStocks().first(), {}));
        QVERIFY(!QFile::exists(pdf) || QFileInfo(pdf).size() == 0);
    }

    void dialog_loadsProductsAndSavesAPdf()
    {
        LabelsDialog dialog(fakeSources(), {{sneaker().id}, StaffRole::Ops, u"America/New_York"_s});
        QSignalSpy loaded(&dialog, &LabelsDialog::loaded);
        QVERIFY(loaded.wait(5000));
        auto *table = dialog.findChild<QTableWidget *>(u"labelsTable"_s);
        QCOMPARE(table->rowCount(), 3);
        // One label per pair on hand; a size with none still gets one to put on the shelf.
        QCOMPARE(dialog.requests().at(0).copies, 2);
        QCOMPARE(dialog.requests().at(2).copies, 1);
        qobject_cast<QSpinBox *>(table->cellWidget(2, 3))->setValue(0);   // skip size 10
        QCOMPARE(dialog.requests().size(), 2);
        QVERIFY2(dialog.status().startsWith(u"3 label(s)"_s), qPrintable(dialog.status()));

        auto *received = dialog.findChild<QPushButton *>(u"receivedTodayButton"_s);
        QVERIFY(received->isEnabled());
        received->click();
        QVERIFY(loaded.wait(5000));
        QCOMPARE(table->rowCount(), 4);
        QCOMPARE(dialog.requests().last().copies, 3);

        // RDK_LABEL_SHOTS=/some/dir keeps a picture of the dialog (docs/screenshots/labels-dialog.png).
        if (qEnvironmentVariableIsSet("RDK_LABEL_SHOTS")) {
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            dialog.grab().save(qEnvironmentVariable("RDK_LABEL_SHOTS") + u"/labels-dialog.png"_s);
        }
        dialog.findChild<QComboBox *>(u"labelStockCombo"_s)->setCurrentIndex(2);
        QTemporaryDir dir;
        QVERIFY(dialog.savePdf(dir.filePath(u"today.pdf"_s)));
        QVERIFY(QFileInfo(dir.filePath(u"today.pdf"_s)).size() > 1000);
    }

    void dialog_cashiersCantListDeliveries_andErrorsAreSaid()
    {
        LabelsDialog staff(fakeSources(), {{}, StaffRole::Staff, u"UTC"_s});
        auto *received = staff.findChild<QPushButton *>(u"receivedTodayButton"_s);
        QVERIFY(!received->isEnabled());
        QVERIFY(received->toolTip().contains(u"Operations"_s));

        LabelsDialog failing(fakeSources(Error::unavailable(u"The database is not reachable"_s)),
                             {{sneaker().id}, StaffRole::Admin, u"UTC"_s});
        QSignalSpy loaded(&failing, &LabelsDialog::loaded);
        QVERIFY(loaded.wait(5000));
        QVERIFY2(failing.status().contains(u"not reachable"_s), qPrintable(failing.status()));
        QCOMPARE(failing.requests().size(), 0);
    }
};

QTEST_MAIN(TestLabels)
#include "tst_labels.moc"

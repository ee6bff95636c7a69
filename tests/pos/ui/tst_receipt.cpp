// The POS receipt: what it says (domain/receipt.h) and the PDF it becomes (ui/pos/receiptprinter.h),
// read back with pdftotext.
#include "domain/receipt.h"
#include "tests/pos/ui/postestsupport.h"
#include "ui/pos/receiptprinter.h"

#include <QFile>
#include <QPdfWriter>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::test::usd;

namespace {

PosOrderState paidCardSale()
{
    PosOrderState o;
    o.orderId = u"6d1c4a52-0000-4000-8000-000000000001"_s;
    o.orderNumber = 1042;
    o.status = OrderStatus::Paid;
    o.lines = {{u"p1"_s, u"DNK-LO-PANDA"_s, u"Dunk Low Retro Panda"_s, u"10"_s, 2, usd(11500), usd(1000)},
               {u"p2"_s, u"SOCK-3PK"_s, u"Crew socks 3-pack"_s, QString(), 1, usd(1999), Money()}};
    o.totals = *computeTotals(o.lines, Money(), Money(), usd(500), Money());
    o.discountReason = u"Regular customer"_s;
    o.createdAt = QDateTime(QDate(2026, 3, 10), QTime(15, 58), Qt::UTC);
    o.paidAt = QDateTime(QDate(2026, 3, 10), QTime(16, 1), Qt::UTC);
    o.paymentMethod = PaymentMethod::Card;
    o.paymentReference = u"pi_3PqRsTuV"_s;
    return o;
}

const ReceiptShop shop{u"Real Deal Kickz"_s, u"12 Canal St, New York"_s, u"America/New_York"_s};

} // namespace

class TestReceipt final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void build_cardSale_saysEverything()
    {
        auto r = buildReceipt(paidCardSale(), shop);
        QVERIFY(r);
        QCOMPARE(r->shopName, u"Real Deal Kickz"_s);
        QCOMPARE(r->addressLine, u"12 Canal St, New York"_s);
        QCOMPARE(r->dateText, u"Mar 10, 2026, 12:01 PM EDT"_s);  // paid time, in the shop's zone
        QCOMPARE(r->orderNumber, u"RDK-1042"_s);
        QCOMPARE(r->lines.size(), 2);
        QCOMPARE(r->lines[0].title, u"Dunk Low Retro Panda"_s);
        QCOMPARE(r->lines[0].detail, u"Size 10 · DNK-LO-PANDA"_s);
        QCOMPARE(r->lines[0].quantity, 2);
        QCOMPARE(r->lines[0].unitPrice, u"$115.00"_s);
        QCOMPARE(r->lines[0].discount, u"-$10.00"_s);
        QCOMPARE(r->lines[0].amount, u"$220.00"_s);
        QCOMPARE(r->lines[1].detail, u"SOCK-3PK"_s);
        QCOMPARE(r->lines[1].discount, QString());
        QCOMPARE(r->totals.size(), 3);
        QCOMPARE(r->totals[0].amount, u"$249.99"_s);
        QCOMPARE(r->totals[1].label, u"Discount"_s);
        QCOMPARE(r->totals[1].amount, u"-$15.00"_s);
        QCOMPARE(r->totals[2].label, u"Total"_s);
        QCOMPARE(r->totals[2].amount, u"$234.99"_s);
        QCOMPARE(r->discountReason, u"Regular customer"_s);
        QCOMPARE(r->payment, u"Card — pi_3PqRsTuV"_s);
        QCOMPARE(r->status, u"PAID"_s);
    }

    void build_cashSale_showsTenderedAndChange()
    {
        PosOrderState o = paidCardSale();
        o.paymentMethod = PaymentMethod::Cash;
        o.paymentReference = u"cash"_s;
        o.cashTendered = usd(25000);
        auto r = buildReceipt(o, shop);
        QVERIFY(r);
        QCOMPARE(r->payment, u"Cash — tendered $250.00, change $15.01"_s);
    }

    // An exchange's new sale: the returned pairs' credit and what was paid on top, in cash.
    void build_exchangeSale_showsCreditAndWhatWasPaid()
    {
        PosOrderState o = paidCardSale();
        o.credit = usd(20000);
        o.paymentMethod = PaymentMethod::Cash;
        o.paymentReference = u"cash"_s;
        o.cashTendered = usd(4000);
        auto r = buildReceipt(o, shop);
        QVERIFY(r);
        QCOMPARE(r->totals.size(), 5);
        QCOMPARE(r->totals[3].label, u"Exchange credit"_s);
        QCOMPARE(r->totals[3].amount, u"-$200.00"_s);
        QCOMPARE(r->totals[4].label, u"Paid"_s);
        QCOMPARE(r->totals[4].amount, u"$34.99"_s);
        QCOMPARE(r->payment, u"Cash — tendered $40.00, change $5.01"_s);
    }

    void build_unpaidOrUnknownZone_saysSo()
    {
        PosOrderState o = paidCardSale();
        o.status = OrderStatus::Canceled;
        o.paymentMethod = PaymentMethod::None;
        o.paidAt = {};
        o.discountReason.clear();
        auto r = buildReceipt(o, {QString(), QString(), u"Not/AZone"_s});
        QVERIFY(r);
        QCOMPARE(r->status, u"NOT PAID — Canceled"_s);
        QCOMPARE(r->payment, u"Not paid"_s);
        QCOMPARE(r->dateText, u"Mar 10, 2026, 3:58 PM UTC"_s);  // created time, UTC fallback
        QCOMPARE(r->shopName, u"Real Deal Kickz"_s);
    }

    void build_refusesOrderWithoutNumberOrLines()
    {
        PosOrderState o = paidCardSale();
        o.orderNumber = 0;
        QVERIFY(!buildReceipt(o, shop));
        o = paidCardSale();
        o.lines.clear();
        QVERIFY(!buildReceipt(o, shop));
    }

    void pdf_containsOrderNumberTotalAndPayment()
    {
        if (!rdk::test::havePdfToText())
            QSKIP("pdftotext (poppler-utils) is not installed; scripts/lib/common.sh installs it");
        QTemporaryDir dir;
        const QString path = dir.filePath(u"receipt.pdf"_s);
        ReceiptPrinter printer(*buildReceipt(paidCardSale(), shop));
        QVERIFY(printer.savePdf(path));
        // RDK_KEEP_RECEIPT=/some/file.pdf keeps a copy to look at.
        if (const QString keep = qEnvironmentVariable("RDK_KEEP_RECEIPT"); !keep.isEmpty())
            QFile::copy(path, keep);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
        QString error;
        const QString text = rdk::test::pdfText(path, &error);
        QVERIFY2(!text.isEmpty(), qPrintable(error));
        for (const QString &expected : {u"Real Deal Kickz"_s, u"RDK-1042"_s, u"$234.99"_s, u"Dunk Low Retro Panda"_s,
                                        u"Size 10"_s, u"-$10.00"_s, u"pi_3PqRsTuV"_s, u"PAID"_s, u"Regular customer"_s})
            QVERIFY2(text.contains(expected), qPrintable(expected + u" missing from:\n"_s + text));
    }

    void pdf_taxedSale_printsTaxPerRateBeforeTheTotal()
    {
        if (!rdk::test::havePdfToText())
            QSKIP("pdftotext (poppler-utils) is not installed; scripts/lib/common.sh installs it");
        PosOrderState o = paidCardSale();
        o.totals = *computeTotals(o.lines, Money(), Money(), usd(500), usd(1065));
        o.totals.taxes = {{u"NY State"_s, 40000, usd(480)}, {u"NYC"_s, 48750, usd(585)}};
        QTemporaryDir dir;
        const QString path = dir.filePath(u"receipt.pdf"_s);
        QVERIFY(ReceiptPrinter(*buildReceipt(o, shop)).savePdf(path));
        const QString text = rdk::test::pdfText(path);
        const qsizetype state = text.indexOf(u"Tax (NY State 4 %)"_s);
        const qsizetype city = text.indexOf(u"Tax (NYC 4.875 %)"_s);
        const qsizetype total = text.indexOf(u"Total"_s, qMax(state, city));
        QVERIFY2(state > 0 && city > state && total > city, qPrintable(text));
        QVERIFY2(text.contains(u"$245.64"_s), qPrintable(text));   // 234.99 + 10.65
    }

    // A return starts by scanning the receipt: the order number is printed as a barcode that
    // scans back (the PDF rasterised as a printer would, read by zbarimg).
    void pdf_orderNumberScansBack()
    {
        if (QStandardPaths::findExecutable(u"zbarimg"_s).isEmpty() || QStandardPaths::findExecutable(u"pdftoppm"_s).isEmpty())
            QFAIL("zbarimg and pdftoppm are needed: scripts/test installs zbar-tools and poppler-utils");
        QTemporaryDir dir;
        const QString pdf = dir.filePath(u"receipt.pdf"_s);
        QVERIFY(ReceiptPrinter(*buildReceipt(paidCardSale(), shop)).savePdf(pdf));
        QProcess raster;
        raster.start(u"pdftoppm"_s, {u"-r"_s, u"300"_s, u"-png"_s, u"-singlefile"_s, pdf, dir.filePath(u"receipt"_s)});
        QVERIFY(raster.waitForFinished(60000) && raster.exitCode() == 0);
        QProcess zbar;
        zbar.start(u"zbarimg"_s, {u"--raw"_s, u"-q"_s, dir.filePath(u"receipt.png"_s)});
        QVERIFY(zbar.waitForFinished(60000));
        QCOMPARE(QString::fromUtf8(zbar.readAllStandardOutput()).trimmed(), u"RDK-1042"_s);
    }

    void pdf_isReceiptWidth()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"receipt.pdf"_s);
        QVERIFY(ReceiptPrinter(*buildReceipt(paidCardSale(), shop)).savePdf(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray pdf = file.readAll();
        // 80 mm is 226.77 points: the MediaBox is one roll wide and as long as the receipt.
        const qsizetype box = pdf.indexOf("/MediaBox");
        QVERIFY(box > 0);
        const QList<QByteArray> numbers = pdf.mid(box, 80).split('[').value(1).split(']').value(0).simplified().split(' ');
        QCOMPARE(numbers.size(), 4);
        QVERIFY(qAbs(numbers[2].toDouble() - 226.77) < 1.0);
        QVERIFY2(numbers[3].toDouble() > numbers[2].toDouble(), numbers[3].constData());  // taller than wide
        QVERIFY(numbers[3].toDouble() < 1200);
    }

    void pdf_hostileText_wrapsAndStaysOnPaper()
    {
        if (!rdk::test::havePdfToText())
            QSKIP("pdftotext (poppler-utils) is not installed; scripts/lib/common.sh installs it");
        PosOrderState o = paidCardSale();
        o.lines[0].name = QString(300, u'W');                 // one endless word
        o.lines[1].name = u"Crew socks 👟 <script>alert(1)</script> %1 %2"_s;
        o.discountReason = QString(200, u'r');
        QTemporaryDir dir;
        const QString path = dir.filePath(u"hostile.pdf"_s);
        QVERIFY(ReceiptPrinter(*buildReceipt(o, shop)).savePdf(path));
        const QString text = rdk::test::pdfText(path);
        QVERIFY(text.contains(u"RDK-1042"_s));
        QVERIFY(text.contains(u"<script>alert(1)</script> %1 %2"_s));
        QVERIFY(text.contains(u"$234.99"_s));
        // The endless word wrapped onto several lines instead of running off the paper.
        QVERIFY(text.count(u"WWWWWWWWWW"_s) >= 3);
    }

    void savePdf_unwritablePath_clearError()
    {
        ReceiptPrinter printer(*buildReceipt(paidCardSale(), shop));
        auto saved = printer.savePdf(u"/nonexistent-dir/receipt.pdf"_s);
        QVERIFY(!saved);
        QVERIFY(saved.error().message.contains(u"/nonexistent-dir/receipt.pdf"_s));
    }

    void textLines_listEverything()
    {
        const QStringList lines = buildReceipt(paidCardSale(), shop)->textLines();
        QVERIFY(lines.contains(u"Order RDK-1042"_s));
        QVERIFY(lines.contains(u"Total  $234.99"_s));
        QVERIFY(lines.contains(u"Card — pi_3PqRsTuV"_s));
    }
};

QTEST_MAIN(TestReceipt)
#include "tst_receipt.moc"

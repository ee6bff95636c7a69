// The cash drawer at the counter, offscreen and by the keyboard: a cashier (staff role) opens
// their drawer with a float counted by denomination (F8), sells for cash, pays a delivery out
// (Ctrl+F8), closes short (Shift+F8) and gets the Z report on screen and as a PDF read back with
// pdftotext. The stores are the in-memory PosStore and DrawerStore of this folder.
#include "tests/pos/ui/memorydrawerstore.h"
#include "tests/pos/ui/memoryposstore.h"
#include "tests/pos/ui/postestsupport.h"
#include "ui/pos/drawerdialogs.h"
#include "ui/pos/drawerreportprinter.h"
#include "ui/pos/drawerstrip.h"
#include "ui/pos/posdialogs.h"
#include "ui/pos/posscreen.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPrinter>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::test::usd;

class TestDrawerScreen final : public QObject {
    Q_OBJECT

    std::shared_ptr<test::Shelf> m_shelf;
    std::shared_ptr<test::MemoryDrawer> m_drawer;
    std::unique_ptr<PosScreen> m_screen;
    QDateTime m_clock;

    QLineEdit *scan() const { return m_screen->scanField(); }
    DrawerStrip *strip() const { return m_screen->drawerStrip(); }
    template <typename T>
    T *child(const QString &name) const
    {
        return m_screen->findChild<T *>(name);
    }
    void ok(QDialog *dialog) { dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click(); }

    /// Scans socks ($19.99) and pays cash through F9 and the cash dialog.
    void sellSocksForCash(const QString &tendered)
    {
        QTest::keyClicks(scan(), u"SOCK-3PK"_s);
        QTest::keyClick(scan(), Qt::Key_Return);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QTest::keyClick(scan(), Qt::Key_F9);
        CashTenderDialog *cash = nullptr;
        QTRY_VERIFY((cash = m_screen->findChild<CashTenderDialog *>()));
        cash->amountEdit()->setText(tendered);
        ok(cash);
        QTRY_COMPARE(m_screen->statusText(), u"PAID"_s);
        QTest::keyClick(scan(), Qt::Key_F2);
    }

private Q_SLOTS:
    void init()
    {
        m_clock = QDateTime(QDate(2026, 3, 10), QTime(13, 2), Qt::UTC);  // 09:02 in New York
        m_shelf = std::make_shared<test::Shelf>();
        m_shelf->now = [this] { return m_clock; };
        SellableProduct socks;
        socks.productId = u"p-socks"_s;
        socks.sku = u"SOCK-3PK"_s;
        socks.name = u"Crew socks 3-pack"_s;
        socks.brand = u"Nike"_s;
        socks.price = usd(1999);
        socks.sizes = {{QString(), 0}};
        m_shelf->addProduct(socks, {{QString(), 20}});
        m_drawer = std::make_shared<test::MemoryDrawer>();
        m_drawer->now = [this] { return m_clock; };
        m_drawer->timeZone = u"America/New_York"_s;
        m_shelf->cashDrawer = m_drawer->cashHook();
        PosShop shop{u"Kickz Downtown"_s, {}, u"USD"_s, u"America/New_York"_s, 15};
        m_screen = std::make_unique<PosScreen>(test::MemoryPosStore::factory(m_shelf), nullptr, StaffRole::Staff, shop);
        m_screen->setClock([this] { return m_clock; });
        m_screen->attachDrawer(test::MemoryDrawerStore::factory(m_drawer));
        m_screen->resize(1366, 768);
        m_screen->show();
        QApplication::setActiveWindow(m_screen.get());
        QVERIFY(QTest::qWaitForWindowExposed(m_screen.get()));
        QTRY_VERIFY(!strip()->isBusy());
    }

    void cleanup()
    {
        m_screen.reset();
        m_shelf.reset();
        m_drawer.reset();
    }

    void cashiersDay_openSellPayOutCloseShort_zReportOnScreenAndPdf()
    {
        QCOMPARE(strip()->stateText(), u"Drawer closed — open it (F8) to take cash"_s);
        QVERIFY(!child<QPushButton>(u"charge-cash"_s)->isEnabled());

        // F8: count the float by denomination; the total follows the counts.
        QTest::keyClick(scan(), Qt::Key_F8);
        DrawerCountDialog *open = nullptr;
        QTRY_VERIFY((open = m_screen->findChild<DrawerCountDialog *>()));
        QCOMPARE(open->table()->rowCount(), 12);   // $100 ... 1¢
        QCOMPARE(open->table()->item(0, 0)->text(), u"$100"_s);
        open->setCount(2000, 5);
        open->setCount(1000, 4);
        open->setCount(100, 10);
        QCOMPARE(open->totalText(), u"Float: $150.00"_s);
        ok(open);
        QTRY_VERIFY(strip()->isOpen());
        QTRY_VERIFY(!m_screen->findChild<DrawerCountDialog *>());
        QCOMPARE(strip()->stateText(), u"Drawer open since 09:02 · float $150.00 · in drawer $150.00"_s);
        QVERIFY(m_drawer->isOpen());

        // A cashier takes cash now: $19.99 with $50 tendered, twice.
        sellSocksForCash(u"50"_s);
        sellSocksForCash(u"20"_s);
        QTRY_COMPARE(strip()->stateText(), u"Drawer open since 09:02 · float $150.00 · in drawer $189.98"_s);

        // Ctrl+F8: a delivery paid out, never more than the drawer holds.
        QTest::keyClick(scan(), Qt::Key_F8, Qt::ControlModifier);
        DrawerPayDialog *pay = nullptr;
        QTRY_VERIFY((pay = m_screen->findChild<DrawerPayDialog *>()));
        QTest::keyClicks(pay->amountEdit(), u"200"_s);
        QTest::keyClicks(pay->reasonEdit(), u"Pizza for the stocktake"_s);
        QVERIFY(!pay->canAccept());
        QCOMPARE(pay->errorText(), u"The drawer holds $189.98; you can't pay out more."_s);
        pay->amountEdit()->setText(u"25"_s);
        QVERIFY(pay->canAccept());
        ok(pay);
        QTRY_COMPARE(strip()->stateText(), u"Drawer open since 09:02 · float $150.00 · in drawer $164.98"_s);

        // Shift+F8: count at close, expected vs counted live, short by $4.98.
        m_clock = m_clock.addSecs(8 * 3600);
        QTest::keyClick(scan(), Qt::Key_F8, Qt::ShiftModifier);
        DrawerCountDialog *close = nullptr;
        QTRY_VERIFY((close = m_screen->findChild<DrawerCountDialog *>()));
        QCOMPARE(close->findChild<QLabel *>(u"expected"_s)->text(), u"Expected in the drawer: $164.98"_s);
        close->setCount(10000, 1);
        close->setCount(2000, 3);
        QCOMPARE(close->totalText(), u"Counted: $160.00"_s);
        QCOMPARE(close->overShortText(), u"Short $4.98"_s);
        QTest::keyClicks(close->findChild<QLineEdit *>(u"note"_s), u"Coins missing"_s);
        ok(close);

        // The Z report comes up on screen; cash is off again.
        DrawerReportDialog *z = nullptr;
        QTRY_VERIFY((z = m_screen->findChild<DrawerReportDialog *>()));
        QVERIFY(!strip()->isOpen());
        QTRY_VERIFY(!child<QPushButton>(u"charge-cash"_s)->isEnabled());
        QCOMPARE(z->windowTitle(), u"Z report — Dana Cashier"_s);
        QStringList shown;
        for (int row = 0; row < z->table()->rowCount(); ++row)
            shown << z->table()->item(row, 0)->text() + u" "_s + z->table()->item(row, 1)->text();
        for (const QString &line : {u"Opened 2026-03-10 09:02"_s, u"Closed 2026-03-10 17:02"_s, u"Cash (2) $39.98"_s,
                                    u"Opening float $150.00"_s, u"Paid out -$25.00"_s, u"Expected in drawer $164.98"_s,
                                    u"Counted $160.00"_s, u"Short -$4.98"_s, u"$100 × 1 $100.00"_s, u"Note Coins missing"_s})
            QVERIFY2(shown.contains(line), qPrintable(line + u" not in: "_s + shown.join(u" | "_s)));

        // ... and as a PDF with the same figures.
        if (!test::havePdfToText())
            QSKIP("pdftotext (poppler-utils) is not installed; scripts/lib/common.sh installs it");
        QTemporaryDir dir;
        const QString path = dir.filePath(u"z.pdf"_s);
        QVERIFY(z->savePdf(path));
        QString error;
        const QString text = test::pdfText(path, &error);
        QVERIFY2(!text.isEmpty(), qPrintable(error));
        for (const QString &expected : {u"Kickz Downtown"_s, u"Z report (drawer closed)"_s, u"Dana Cashier"_s, u"$150.00"_s,
                                        u"$39.98"_s, u"-$25.00"_s, u"$164.98"_s, u"$160.00"_s, u"-$4.98"_s, u"Coins missing"_s})
            QVERIFY2(text.contains(expected), qPrintable(expected + u" not in:\n"_s + text));

        // Printed (here to a PDF printer: the same routine draws on a receipt or sheet printer).
        QPrinter printer(QPrinter::HighResolution);
        printer.setOutputFormat(QPrinter::PdfFormat);
        printer.setOutputFileName(dir.filePath(u"printed.pdf"_s));
        QVERIFY(DrawerReportPrinter(z->report()).print(printer));
        const QString printed = test::pdfText(dir.filePath(u"printed.pdf"_s), &error);
        for (const QString &expected : {u"Z report (drawer closed)"_s, u"$164.98"_s, u"-$4.98"_s})
            QVERIFY2(printed.contains(expected), qPrintable(expected + u" not in:\n"_s + printed));
    }

    void manager_closesAColleaguesDrawer_staffSeesWhyNot()
    {
        auto *others = child<QPushButton>(u"drawer-others"_s);
        QVERIFY(!others->isEnabled());   // this screen's cashier is plain staff
        QCOMPARE(others->toolTip(), u"Only ops or admin staff close a colleague's drawer."_s);

        // An ops login at the end of the day, with Casey's drawer still open.
        DrawerSession casey;
        casey.id = u"casey-drawer"_s;
        casey.openedBy = u"Casey Cashier"_s;
        casey.openedAt = m_clock.addSecs(-3600);
        casey.floatAmount = usd(10000);
        casey.cash = usd(23450);
        casey.mine = false;
        m_drawer->colleagues = {casey};
        m_drawer->cashier = u"Morgan Ops"_s;
        m_screen.reset();
        m_screen = std::make_unique<PosScreen>(test::MemoryPosStore::factory(m_shelf), nullptr, StaffRole::Ops,
                                               PosShop{u"Kickz Downtown"_s, {}, u"USD"_s, u"America/New_York"_s, 15});
        m_screen->attachDrawer(test::MemoryDrawerStore::factory(m_drawer));
        m_screen->show();
        QApplication::setActiveWindow(m_screen.get());
        QTRY_VERIFY(!strip()->isBusy());
        QVERIFY(child<QPushButton>(u"drawer-others"_s)->isEnabled());
        QTest::keyClick(scan(), Qt::Key_F8, Qt::ControlModifier | Qt::ShiftModifier);
        DrawerListDialog *list = nullptr;
        QTRY_VERIFY((list = m_screen->findChild<DrawerListDialog *>()));
        QCOMPARE(list->table()->rowCount(), 1);
        QCOMPARE(list->table()->item(0, 0)->text(), u"Casey Cashier"_s);
        QCOMPARE(list->table()->item(0, 3)->text(), u"$234.50"_s);
        list->closeRow(0);
        DrawerCountDialog *count = nullptr;
        QTRY_VERIFY((count = m_screen->findChild<DrawerCountDialog *>()));
        QCOMPARE(count->windowTitle(), u"Close Casey Cashier's cash drawer"_s);
        count->oneAmountBox()->setChecked(true);
        count->amountEdit()->setText(u"234.50"_s);
        QCOMPARE(count->overShortText(), u"Even"_s);
        ok(count);
        DrawerReportDialog *z = nullptr;
        QTRY_VERIFY((z = m_screen->findChild<DrawerReportDialog *>()));
        QCOMPARE(z->windowTitle(), u"Z report — Casey Cashier"_s);
        QCOMPARE(z->report().closedBy, u"Morgan Ops"_s);
        QVERIFY(m_drawer->colleagues.isEmpty());
        QVERIFY(!strip()->isOpen());   // the manager's own drawer was never open, and still is not
    }

    void drawerUnreadable_cashStaysOff_F8ReadsAgain()
    {
        m_drawer->openNow(5000);
        m_drawer->down = true;
        m_screen.reset();
        m_screen = std::make_unique<PosScreen>(test::MemoryPosStore::factory(m_shelf), nullptr, StaffRole::Staff,
                                               PosShop{u"Kickz Downtown"_s, {}, u"USD"_s, u"America/New_York"_s, 15});
        m_screen->attachDrawer(test::MemoryDrawerStore::factory(m_drawer));
        m_screen->show();
        QApplication::setActiveWindow(m_screen.get());
        QTRY_VERIFY(!strip()->isBusy());
        QCOMPARE(strip()->stateText(), u"The drawer could not be read: The database can't be reached."_s);
        QCOMPARE(child<QPushButton>(u"drawer-open"_s)->text(), u"Read again  (F8)"_s);
        QVERIFY(!child<QPushButton>(u"charge-cash"_s)->isEnabled());
        QTest::keyClick(scan(), Qt::Key_F8);   // still down: no dialog, still off
        QTRY_VERIFY(!strip()->isBusy());
        QVERIFY(!m_screen->findChild<DrawerCountDialog *>());
        m_drawer->down = false;
        QTest::keyClick(scan(), Qt::Key_F8);
        QTRY_VERIFY(strip()->isOpen());
        QCOMPARE(strip()->stateText(), u"Drawer open since 09:02 · float $50.00 · in drawer $50.00"_s);
        QVERIFY(!m_screen->findChild<DrawerCountDialog *>());   // reading again opened nothing
    }

    void openDialog_refusesWhatIsNotAFloat_andTheXReportShowsTheDay()
    {
        QTest::keyClick(scan(), Qt::Key_F8);
        DrawerCountDialog *open = nullptr;
        QTRY_VERIFY((open = m_screen->findChild<DrawerCountDialog *>()));
        open->oneAmountBox()->setChecked(true);
        QVERIFY(!open->table()->isEnabled());
        open->amountEdit()->setText(u"-50"_s);
        QVERIFY(!open->canAccept());
        QCOMPARE(open->errorText(), u"The float can't be negative."_s);
        open->amountEdit()->setText(u"lots"_s);
        QVERIFY(!open->canAccept());
        open->amountEdit()->setText(u"100"_s);
        QVERIFY(open->canAccept());
        ok(open);
        QTRY_VERIFY(strip()->isOpen());
        QCOMPARE(m_drawer->cashMinor(), 10000);
        // F8 while open: the X report so far.
        QTest::keyClick(scan(), Qt::Key_F8);
        DrawerReportDialog *x = nullptr;
        QTRY_VERIFY((x = m_screen->findChild<DrawerReportDialog *>()));
        QCOMPARE(x->windowTitle(), u"X report — Dana Cashier"_s);
        QVERIFY(!x->report().closed);
        QCOMPARE(x->report().expected, usd(10000));
    }
};

QTEST_MAIN(TestDrawerScreen)
#include "tst_drawerscreen.moc"

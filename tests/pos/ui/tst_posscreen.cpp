// The point of sale screen offscreen, driven by the keyboard the way a counter is: a scanner
// typing SKUs and Enter, the size picker, discounts by role, Charge -> QR -> PAID, receipt PDF,
// cancel, the link's deadline, a failed link and its retry, cash, hostile scans, and recovery
// after the database or the live feed drops. The store is the in-memory PosStore of
// memoryposstore.h (a real implementation of the contract with real stock arithmetic, written
// for these tests); the test plays rdk-sync and emits the OrderChangeFeed signals itself.
#include "tests/pos/ui/memorydrawerstore.h"
#include "tests/pos/ui/memoryposstore.h"
#include "tests/pos/ui/postestsupport.h"
#include "ui/pos/drawerstrip.h"
#include "ui/pos/posdialogs.h"
#include "ui/pos/posscreen.h"
#include "ui/qrcodewidget.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::test::sellableProduct;
using rdk::test::usd;

namespace {

const QString kLinkUrl = u"http://127.0.0.1:12111/pay/plink_test_1001"_s;

} // namespace

class TestPosScreen final : public QObject {
    Q_OBJECT

    std::shared_ptr<test::Shelf> m_shelf;
    std::shared_ptr<test::MemoryDrawer> m_drawer;   // open with a $150 float unless a test closes it
    std::unique_ptr<OrderChangeFeed> m_feed;
    std::unique_ptr<PosScreen> m_screen;
    QDateTime m_clock;

    void build(StaffRole role, int linkMinutes = 15)
    {
        m_screen.reset();
        PosShop shop{u"Real Deal Kickz"_s, u"12 Canal St, New York"_s, u"USD"_s, u"America/New_York"_s, linkMinutes};
        m_screen = std::make_unique<PosScreen>(test::MemoryPosStore::factory(m_shelf), m_feed.get(), role, shop);
        m_screen->setClock([this] { return m_clock; });
        m_screen->attachDrawer(test::MemoryDrawerStore::factory(m_drawer));
        m_screen->resize(1280, 800);
        m_screen->show();
        QApplication::setActiveWindow(m_screen.get());
        QVERIFY(QTest::qWaitForWindowExposed(m_screen.get()));
        QTRY_VERIFY(!m_screen->drawerStrip()->isBusy());   // the drawer's state is known
    }

    QLineEdit *scan() const { return m_screen->scanField(); }
    template <typename T>
    T *child(const QString &name) const
    {
        return m_screen->findChild<T *>(name);
    }

    /// What a barcode scanner does: the characters, then Enter.
    void scanText(const QString &text, Qt::Key enter = Qt::Key_Return, Qt::KeyboardModifiers mods = Qt::NoModifier)
    {
        QTest::keyClicks(scan(), text);
        QTest::keyClick(scan(), enter, mods);
    }

    bool idle() const { return !m_screen->isBusy(); }

    /// Scans socks, charges, waits for the pending order; returns its id.
    QString chargeSocks()
    {
        scanText(u"SOCK-3PK"_s);
        if (!QTest::qWaitFor([this] { return m_screen->cart().size() == 1; }))
            return {};
        QTest::keyClick(scan(), Qt::Key_F12);
        if (!QTest::qWaitFor([this] { return m_screen->phase() == PosScreen::Phase::Waiting; }))
            return {};
        return m_screen->order()->orderId;
    }

    void makeReady(const QString &id)
    {
        m_shelf->linkReady(id, kLinkUrl);
        Q_EMIT m_feed->paymentWorkChanged(id);
    }

private Q_SLOTS:
    void init()
    {
        m_clock = QDateTime(QDate(2026, 3, 10), QTime(16, 0), Qt::UTC);
        m_shelf = std::make_shared<test::Shelf>();
        m_shelf->now = [this] { return m_clock; };
        m_shelf->addProduct(sellableProduct(u"SOCK-3PK"_s, u"Crew socks 3-pack"_s, QString(), 1999, {QString()}), {{QString(), 5}});
        m_shelf->addProduct(sellableProduct(u"DNK-LO-PANDA"_s, u"Dunk Low Retro"_s, u"Panda"_s, 11500, {u"9"_s, u"10"_s, u"10.5"_s, u"11"_s}),
                            {{u"9"_s, 2}, {u"10"_s, 0}, {u"10.5"_s, 3}, {u"11"_s, 1}});
        m_shelf->addProduct(sellableProduct(u"DNK-LO-FOG"_s, u"Dunk Low Retro"_s, u"Grey Fog"_s, 12000, {u"9"_s, u"10"_s}),
                            {{u"9"_s, 0}, {u"10"_s, 0}});
        m_shelf->addProduct(sellableProduct(u"CRTZ-WVR"_s, u"Cortez"_s, u"White Varsity Red"_s, 9000, {u"8"_s}), {{u"8"_s, 4}});
        m_feed = std::make_unique<OrderChangeFeed>();
        m_drawer = std::make_shared<test::MemoryDrawer>();
        m_drawer->now = [this] { return m_clock; };
        m_drawer->openNow(15000);
        m_shelf->cashDrawer = m_drawer->cashHook();
        build(StaffRole::Ops);
    }

    void cleanup()
    {
        m_screen.reset();
        m_feed.reset();
        m_shelf.reset();
        m_drawer.reset();
    }

    void scanSku_addsLine()
    {
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_screen->cart().lines()[0].sku, u"SOCK-3PK"_s);
        QCOMPARE(child<QLabel>(u"total"_s)->text(), u"$19.99"_s);
        QVERIFY(m_screen->messageText().startsWith(u"Added Crew socks 3-pack"_s));
        QCOMPARE(scan()->text(), QString());  // ready for the next scan
        // Scanning it again merges into the same line.
        scanText(u"sock-3pk"_s);
        QTRY_COMPARE(m_screen->cart().lines()[0].quantity, 2);
        QCOMPARE(m_screen->cart().size(), 1);
        QCOMPARE(child<QLabel>(u"total"_s)->text(), u"$39.98"_s);
    }

    void scanWithKeypadEnter_addsLine()
    {
        scanText(u"CRTZ-WVR"_s, Qt::Key_Enter, Qt::KeypadModifier);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_screen->cart().lines()[0].size, u"8"_s);  // the only size in stock: no question
    }

    void unknownSku_messageAndCartUnchanged()
    {
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        scanText(u"ZZZ-999"_s);
        QTRY_COMPARE(m_screen->messageText(), u"No product with SKU ZZZ-999."_s);
        QCOMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_screen->cart().unitCount(), 1);
        QVERIFY(!QApplication::activeModalWidget());  // a message, never a modal
        QVERIFY(scan()->hasFocus());
    }

    void soldOutSku_messageAndCartUnchanged()
    {
        scanText(u"DNK-LO-FOG"_s);
        QTRY_COMPARE(m_screen->messageText(), u"Dunk Low Retro Grey Fog (DNK-LO-FOG) is sold out."_s);
        QVERIFY(m_screen->cart().isEmpty());
        QVERIFY(!child<QListWidget>(u"picker"_s)->isVisible());
        QVERIFY(!QApplication::activeModalWidget());
    }

    void sizePicker_keyboardOnly()
    {
        scanText(u"DNK-LO-PANDA"_s);
        auto *picker = child<QListWidget>(u"picker"_s);
        QTRY_VERIFY(picker->isVisible());
        QCOMPARE(picker->count(), 4);
        QCOMPARE(picker->item(0)->text(), u"Size 9 — 2 in stock"_s);
        QCOMPARE(picker->item(1)->text(), u"Size 10 — sold out"_s);
        QVERIFY(!(picker->item(1)->flags() & Qt::ItemIsEnabled));
        QCOMPARE(picker->currentRow(), 0);
        // Down skips the sold-out size; Enter on an empty field takes the highlighted one.
        QTest::keyClick(scan(), Qt::Key_Down);
        QCOMPARE(picker->currentRow(), 2);
        QTest::keyClick(scan(), Qt::Key_Return);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_screen->cart().lines()[0].size, u"10.5"_s);
        QVERIFY(!picker->isVisible());

        // Typing the size works too; a sold-out size is refused with a message.
        scanText(u"DNK-LO-PANDA"_s);
        QTRY_VERIFY(picker->isVisible());
        scanText(u"10"_s);
        QCOMPARE(m_screen->messageText(), u"Size 10 of Dunk Low Retro Panda is sold out."_s);
        QCOMPARE(m_screen->cart().size(), 1);
        scanText(u"11"_s);
        QCOMPARE(m_screen->cart().size(), 2);
        QCOMPARE(m_screen->cart().lines()[1].size, u"11"_s);
        // Esc closes the picker without adding anything.
        scanText(u"DNK-LO-PANDA"_s);
        QTRY_VERIFY(picker->isVisible());
        QTest::keyClick(scan(), Qt::Key_Escape);
        QVERIFY(!picker->isVisible());
        QCOMPARE(m_screen->cart().unitCount(), 2);
    }

    void search_picksFromResults()
    {
        scanText(u"cortez"_s);
        auto *picker = child<QListWidget>(u"picker"_s);
        QTRY_VERIFY(picker->isVisible());
        QCOMPARE(picker->count(), 1);
        QVERIFY(picker->item(0)->text().contains(u"CRTZ-WVR"_s));
        QTest::keyClick(scan(), Qt::Key_Return);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_screen->cart().lines()[0].sku, u"CRTZ-WVR"_s);
    }

    void quantityAndRemove_fromTheKeyboard()
    {
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QTest::keyClick(scan(), Qt::Key_Plus, Qt::KeypadModifier);
        QTest::keyClick(scan(), Qt::Key_Plus, Qt::KeypadModifier);
        QCOMPARE(m_screen->cart().lines()[0].quantity, 3);
        QTest::keyClick(scan(), Qt::Key_Minus, Qt::KeypadModifier);
        QCOMPARE(m_screen->cart().lines()[0].quantity, 2);
        // Stock bounds the quantity: 5 on the shelf.
        for (int i = 0; i < 6; ++i)
            QTest::keyClick(scan(), Qt::Key_Plus, Qt::KeypadModifier);
        QCOMPARE(m_screen->cart().lines()[0].quantity, 5);
        QCOMPARE(m_screen->messageText(), u"Only 5 of Crew socks 3-pack in stock."_s);
        QTest::keyClick(scan(), Qt::Key_Delete);
        QVERIFY(m_screen->cart().isEmpty());
        QCOMPARE(child<QLabel>(u"total"_s)->text(), u"$0.00"_s);
    }

    void staff_cannotDiscount_cashWaitsForTheirDrawer()
    {
        m_drawer->close(m_drawer->current().value()->id, usd(15000), std::nullopt, {}).value();
        build(StaffRole::Staff);
        QVERIFY(child<QPushButton>(u"line-discount"_s)->isHidden());
        QVERIFY(child<QPushButton>(u"cart-discount"_s)->isHidden());
        // Cash is there for a cashier, off with the reason until their drawer is open.
        auto *cash = child<QPushButton>(u"charge-cash"_s);
        QVERIFY(!cash->isHidden());
        QVERIFY(!cash->isEnabled());
        QCOMPARE(cash->toolTip(), u"Open your cash drawer first (F8): cash goes into it."_s);
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QTest::keyClick(scan(), Qt::Key_D, Qt::ControlModifier);
        QTest::keyClick(scan(), Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(!m_screen->findChild<DiscountDialog *>());
        auto refused = m_screen->applyLineDiscount(0, PosDiscount::ofPercent(1000), u"friend"_s);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code == ErrorCode::Forbidden, true);
        QCOMPARE(child<QLabel>(u"total"_s)->text(), u"$19.99"_s);
        QTest::keyClick(scan(), Qt::Key_F9);
        QVERIFY(!m_screen->findChild<CashTenderDialog *>());
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Cart, true);
    }

    void ops_cartDiscountThroughDialog()
    {
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QTest::keyClick(scan(), Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
        auto *dialog = m_screen->findChild<DiscountDialog *>();
        QVERIFY(dialog);
        dialog->kindBox()->setCurrentIndex(1);
        QTest::keyClicks(dialog->valueEdit(), u"12.5"_s);
        auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());  // no reason yet
        QTest::keyClicks(dialog->reasonEdit(), u"Price match"_s);
        QVERIFY(ok->isEnabled());
        ok->click();
        QTRY_VERIFY(!m_screen->findChild<DiscountDialog *>());
        // 12.5 % of 19.99 = 2.49875 -> 2.50
        QCOMPARE(child<QLabel>(u"discount"_s)->text(), u"-$2.50"_s);
        QCOMPARE(child<QLabel>(u"total"_s)->text(), u"$17.49"_s);
        QCOMPARE(m_screen->cart().discountReason(), u"Price match"_s);
        const QString id = [this] {
            QTest::keyClick(scan(), Qt::Key_F12);
            return QTest::qWaitFor([this] { return m_screen->phase() == PosScreen::Phase::Waiting; })
                       ? m_screen->order()->orderId
                       : QString();
        }();
        QVERIFY2(!id.isEmpty(), qPrintable(m_screen->messageText()));
        QCOMPARE(m_shelf->order(id).totals.total, usd(1749));
        QCOMPARE(m_shelf->order(id).discountReason, u"Price match"_s);
    }

    void charge_showsQrOnceReady_thenPaidWithin2s()
    {
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        QCOMPARE(m_screen->statusText(), u"Creating payment link…"_s);
        QCOMPARE(m_shelf->available(u"SOCK-3PK"_s, QString()), 4);  // held by the pending order
        auto *qr = child<QrCodeWidget>(u"qr"_s);
        QVERIFY(!qr->isVisible());
        // Scanning during a sale is refused without touching the cart.
        scanText(u"CRTZ-WVR"_s);
        QVERIFY(m_screen->messageText().startsWith(u"Finish this sale first"_s));

        makeReady(id);
        QTRY_VERIFY(qr->isVisible());
        QCOMPARE(qr->text(), kLinkUrl);
        QCOMPARE(child<QLabel>(u"url"_s)->text(), kLinkUrl);
        QCOMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        QCOMPARE(child<QLabel>(u"amount"_s)->text(), u"$19.99"_s);
        QCOMPARE(child<QLabel>(u"order-number"_s)->text(), u"Order RDK-1001"_s);
        QTRY_VERIFY(child<QLabel>(u"countdown"_s)->text().startsWith(u"Link valid for 15:00"_s));
        child<QPushButton>(u"copy"_s)->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), kLinkUrl);
        QVERIFY(!child<QPushButton>(u"save-pdf"_s)->isVisible());
        QVERIFY(!m_screen->saveReceiptPdf(QDir::temp().filePath(u"never.pdf"_s)));  // not paid yet

        QVERIFY(m_shelf->payByCard(id, u"pi_3TestPaid"_s));
        QElapsedTimer clock;
        clock.start();
        Q_EMIT m_feed->orderChanged(id);
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->statusText(), u"PAID"_s, 2000);
        QVERIFY(clock.elapsed() < 2000);
        QVERIFY(!qr->isVisible());
        QTRY_COMPARE(m_screen->order()->paymentReference, u"pi_3TestPaid"_s);
        QVERIFY(child<QPushButton>(u"save-pdf"_s)->isVisible());
        QVERIFY(child<QPushButton>(u"new-sale"_s)->isVisible());
        // E-mail receipt (button or Ctrl+M) asks for the dialog with this sale.
        QVERIFY(child<QPushButton>(u"email-receipt"_s)->isVisible());
        QSignalSpy emailAsked(m_screen.get(), &PosScreen::emailReceiptRequested);
        child<QPushButton>(u"email-receipt"_s)->click();
        QTest::keyClick(scan(), Qt::Key_M, Qt::ControlModifier);
        QCOMPARE(emailAsked.size(), 2);
        QCOMPARE(emailAsked.first().at(0).toString(), id);
        QCOMPARE(emailAsked.first().at(1).toString(), u"RDK-1001"_s);
        QCOMPARE(m_shelf->onHand(u"SOCK-3PK"_s, QString()), 4);    // sold once
        QCOMPARE(m_shelf->available(u"SOCK-3PK"_s, QString()), 4);

        // The receipt PDF names the order and the total.
        if (!rdk::test::havePdfToText())
            QSKIP("pdftotext (poppler-utils) is not installed; scripts/lib/common.sh installs it");
        QTemporaryDir dir;
        const QString path = dir.filePath(u"receipt.pdf"_s);
        QVERIFY(m_screen->saveReceiptPdf(path));
        const QString text = rdk::test::pdfText(path);
        QVERIFY2(text.contains(u"RDK-1001"_s), qPrintable(text));
        QVERIFY2(text.contains(u"$19.99"_s), qPrintable(text));
        QVERIFY2(text.contains(u"pi_3TestPaid"_s), qPrintable(text));

        // F2: a clean counter for the next buyer.
        QTest::keyClick(scan(), Qt::Key_F2);
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Cart, true);
        QVERIFY(m_screen->cart().isEmpty());
        QVERIFY(!m_screen->order());
    }

    void cancel_escThenEnter_releasesStock()
    {
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        makeReady(id);
        QTRY_COMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        QTest::keyClick(scan(), Qt::Key_Escape);
        QVERIFY(child<QFrame>(u"confirm"_s)->isVisible());
        QVERIFY(!QApplication::activeModalWidget());
        QCOMPARE(m_shelf->cancelCalls.load(), 0);
        QTest::keyClick(scan(), Qt::Key_Return);  // empty field: "yes"
        QTRY_COMPARE(m_screen->statusText(), u"Canceled — Canceled at the counter."_s);
        QCOMPARE(m_shelf->cancelCalls.load(), 1);
        QCOMPARE(m_shelf->order(id).status == OrderStatus::Canceled, true);
        QCOMPARE(m_shelf->available(u"SOCK-3PK"_s, QString()), 5);
        QVERIFY(!child<QrCodeWidget>(u"qr"_s)->isVisible());
        // The next scan starts a new sale by itself.
        scanText(u"CRTZ-WVR"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Cart, true);
    }

    void cancel_escThenEsc_keepsSale()
    {
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        QTest::keyClick(scan(), Qt::Key_Escape);
        QTest::keyClick(scan(), Qt::Key_Escape);
        QVERIFY(!child<QFrame>(u"confirm"_s)->isVisible());
        // A scan while the question shows is not a "yes".
        QTest::keyClick(scan(), Qt::Key_Escape);
        scanText(u"SOCK-3PK"_s);
        QTRY_VERIFY(idle());
        QCOMPARE(m_shelf->cancelCalls.load(), 0);
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Waiting, true);
    }

    void deadline_screenCancelsItself()
    {
        build(StaffRole::Ops, 1);
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        makeReady(id);
        QTRY_COMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        QCOMPARE(m_shelf->order(id).reservedUntil, m_clock.addSecs(60));
        m_clock = m_clock.addSecs(59);
        QTRY_COMPARE(child<QLabel>(u"countdown"_s)->text(), u"Link valid for 0:01"_s);
        QCOMPARE(m_shelf->cancelCalls.load(), 0);
        m_clock = m_clock.addSecs(2);
        QTRY_COMPARE(m_screen->statusText(), u"Canceled — The payment link expired before it was paid."_s);
        QCOMPARE(m_shelf->cancelCalls.load(), 1);
        QCOMPARE(m_shelf->available(u"SOCK-3PK"_s, QString()), 5);
        QTest::qWait(600);   // proves a negative over two more ticks (250 ms each)
        QCOMPARE(m_shelf->cancelCalls.load(), 1);  // once
    }

    void linkFailed_retry_sameOrder()
    {
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        m_shelf->linkFailed(id, u"Stripe could not be reached. Try again."_s);
        Q_EMIT m_feed->paymentWorkChanged(id);
        QTRY_COMPARE(m_screen->statusText(), u"Link failed: Stripe could not be reached. Try again."_s);
        auto *retry = child<QPushButton>(u"retry"_s);
        QVERIFY(retry->isVisible());
        QCOMPARE(m_shelf->available(u"SOCK-3PK"_s, QString()), 4);  // still held while it fails
        retry->click();
        QCOMPARE(m_screen->statusText(), u"Creating payment link…"_s);
        QTRY_COMPARE(m_shelf->retryCalls.load(), 1);
        QTRY_VERIFY(idle());
        QCOMPARE(m_shelf->order(id).link.state == PaymentLinkState::Requested, true);
        makeReady(id);
        QTRY_COMPARE(child<QrCodeWidget>(u"qr"_s)->text(), kLinkUrl);
        QCOMPARE(m_shelf->placeCalls.load(), 1);
        QCOMPARE(m_shelf->orderCount(), 1);
        QCOMPARE(m_screen->order()->orderId, id);
    }

    void placeSaleOutOfStock_cartKept()
    {
        scanText(u"DNK-LO-PANDA"_s);
        QTRY_VERIFY(child<QListWidget>(u"picker"_s)->isVisible());
        scanText(u"11"_s);
        QCOMPARE(m_screen->cart().size(), 1);
        // Another till sells the last size 11 meanwhile.
        PosSaleRequest other;
        other.lines = {{u"DNK-LO-PANDA"_s, u"11"_s, 1, Money()}};
        QVERIFY(m_shelf->placeSale(other));
        QTest::keyClick(scan(), Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE(m_screen->messageText(), u"Couldn't start the sale: Only 0 of DNK-LO-PANDA left."_s);
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Cart, true);
        QCOMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_shelf->orderCount(), 1);  // only the other till's
    }

    void cash_withChange()
    {
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QTest::keyClick(scan(), Qt::Key_F9);  // places the sale, then asks for the cash
        CashTenderDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_screen->findChild<CashTenderDialog *>()));
        QTest::keyClicks(dialog->amountEdit(), u"15"_s);
        QVERIFY(!dialog->canAccept());
        QCOMPARE(dialog->errorText(), u"That is less than the total ($19.99)."_s);
        dialog->amountEdit()->setText(u"-50"_s);
        QVERIFY(!dialog->canAccept());
        dialog->amountEdit()->setText(u"lots"_s);
        QVERIFY(!dialog->canAccept());
        dialog->amountEdit()->setText(u"5000"_s);
        QVERIFY(!dialog->canAccept());
        dialog->amountEdit()->setText(u"50"_s);
        QVERIFY(dialog->canAccept());
        QCOMPARE(dialog->changeText(), u"Change: $30.01"_s);
        dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        QTRY_COMPARE(m_screen->statusText(), u"PAID"_s);
        QCOMPARE(m_shelf->cashCalls.load(), 1);
        QCOMPARE(m_screen->order()->paymentMethod == PaymentMethod::Cash, true);
        QCOMPARE(m_screen->receipt()->payment, u"Cash — tendered $50.00, change $30.01"_s);
        QCOMPARE(m_shelf->onHand(u"SOCK-3PK"_s, QString()), 4);
    }

    void cashDialog_closesWhenCardPaysFirst()
    {
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        QTest::keyClick(scan(), Qt::Key_F9);
        QVERIFY(m_screen->findChild<CashTenderDialog *>());
        QVERIFY(m_shelf->payByCard(id, u"pi_first"_s));
        Q_EMIT m_feed->orderChanged(id);
        QTRY_COMPARE(m_screen->order()->paymentReference, u"pi_first"_s);
        QTRY_VERIFY(!m_screen->findChild<CashTenderDialog *>());
        QCOMPARE(m_shelf->cashCalls.load(), 0);
        QCOMPARE(m_screen->statusText(), u"PAID"_s);
    }

    void forgedNotice_rereadsTheOrder_neverShowsPaidOnItsOwn()
    {
        // A login of the shop can send "this order changed" at will (migration 0013): the
        // screen must take it as a reason to look, and show only what the store says.
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        makeReady(id);
        QTRY_COMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        QTRY_VERIFY(idle());
        const int reads = m_shelf->stateCalls.load();
        Q_EMIT m_feed->orderChanged(id);
        Q_EMIT m_feed->paymentWorkChanged(id);
        QTRY_VERIFY(m_shelf->stateCalls.load() > reads);   // it looked
        QTRY_VERIFY(idle());
        QCOMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Waiting, true);
        QCOMPARE(toString(m_screen->order()->status), u"pending"_s);
        QVERIFY(!child<QPushButton>(u"save-pdf"_s)->isVisible());   // no receipt for an unpaid sale

        // Positive control: once the store says paid, the same notice shows PAID.
        QVERIFY(m_shelf->payByCard(id, u"pi_real"_s));
        Q_EMIT m_feed->orderChanged(id);
        QTRY_COMPARE(m_screen->statusText(), u"PAID"_s);
        QCOMPARE(m_screen->order()->paymentReference, u"pi_real"_s);
    }

    void escInCart_asksThenClears()
    {
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QTest::keyClick(scan(), Qt::Key_Escape);
        QVERIFY(child<QFrame>(u"confirm"_s)->isVisible());
        QCOMPARE(child<QLabel>(u"confirm-text"_s)->text(), u"Clear the cart?"_s);
        QCOMPARE(m_screen->cart().size(), 1);
        QTest::keyClick(scan(), Qt::Key_Return);
        QVERIFY(m_screen->cart().isEmpty());
        QCOMPARE(m_shelf->orderCount(), 0);
    }

    void hostileScans_refusedCartUnchanged_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::addRow("10k characters") << QString(10000, u'A') << u"That scan is too long (at most 64 characters)."_s;
        QTest::addRow("65 characters") << QString(65, u'7') << u"That scan is too long (at most 64 characters)."_s;
        QTest::addRow("bell") << u"SOCK\u0007-3PK"_s << u"That scan contains control characters; scan again or type the SKU."_s;
        QTest::addRow("escape sequence") << u"\u001b[2JSOCK-3PK"_s
                                         << u"That scan contains control characters; scan again or type the SKU."_s;
        QTest::addRow("emoji") << u"👟👟"_s << u"Nothing matches “👟👟”."_s;
        QTest::addRow("markup") << u"<b>bold</b>"_s << u"Nothing matches “<b>bold</b>”."_s;
        QTest::addRow("sql") << u"x' OR '1'='1"_s << u"Nothing matches “x' OR '1'='1”."_s;
    }
    void hostileScans_refusedCartUnchanged()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        m_screen->submitScan(text);
        QTRY_COMPARE(m_screen->messageText(), message);
        QCOMPARE(child<QLabel>(u"message"_s)->textFormat(), Qt::PlainText);
        QCOMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_screen->cart().unitCount(), 1);
        QVERIFY(!QApplication::activeModalWidget());
    }

    void hostileTyping_fieldCapped()
    {
        // A stuck key: the field holds at most 256 characters, and the scan is refused.
        QTest::keyClicks(scan(), QString(400, u'9'));
        QCOMPARE(scan()->text().size(), 256);
        QTest::keyClick(scan(), Qt::Key_Return);
        QCOMPARE(m_screen->messageText(), u"That scan is too long (at most 64 characters)."_s);
        QVERIFY(m_screen->cart().isEmpty());
    }

    void feedDrop_missedPayment_recovered()
    {
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        makeReady(id);
        QTRY_COMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        // The LISTEN connection drops; the buyer pays meanwhile and the notification is lost.
        Q_EMIT m_feed->connectionChanged(false);
        QVERIFY(m_screen->messageText().startsWith(u"Live updates paused"_s));
        m_shelf->down = true;
        QVERIFY(m_shelf->payByCard(id, u"pi_whileAway"_s));
        QTest::qWait(200);   // proves a negative: nothing tells the screen while the feed is down
        QCOMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        m_shelf->down = false;
        Q_EMIT m_feed->connectionChanged(true);
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->statusText(), u"PAID"_s, 2000);
        QTRY_COMPARE(m_screen->order()->paymentReference, u"pi_whileAway"_s);
    }

    void failedCall_reReadsUntilItAnswers()
    {
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        m_shelf->down = true;
        makeReady(id);
        QTRY_VERIFY(m_screen->messageText().startsWith(u"Couldn't read the sale: The database can't be reached."_s));
        QCOMPARE(m_screen->statusText(), u"Creating payment link…"_s);
        m_shelf->down = false;
        // No notification comes: the screen asks again by itself.
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->statusText(), u"Waiting for payment"_s, 5000);
        QCOMPARE(m_screen->messageText(), u"Back in touch: the sale is up to date."_s);
        QCOMPARE(child<QrCodeWidget>(u"qr"_s)->text(), kLinkUrl);
    }

    void withoutFeed_pollsWhileWaiting()
    {
        m_screen.reset();
        PosShop shop{u"Real Deal Kickz"_s, QString(), u"USD"_s, u"UTC"_s, 15};
        m_screen = std::make_unique<PosScreen>(test::MemoryPosStore::factory(m_shelf), nullptr, StaffRole::Staff, shop);
        m_screen->setClock([this] { return m_clock; });
        m_screen->show();
        QApplication::setActiveWindow(m_screen.get());
        m_screen->submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        m_screen->charge();
        QTRY_COMPARE(m_screen->phase() == PosScreen::Phase::Waiting, true);
        const QString id = m_screen->order()->orderId;
        m_shelf->linkReady(id, kLinkUrl);
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->statusText(), u"Waiting for payment"_s, 5000);
        QVERIFY(m_shelf->payByCard(id, u"pi_polled"_s));
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->statusText(), u"PAID"_s, 5000);
    }

    void staleAnswers_ignored()
    {
        // Sale A is paid and the counter moves on; late news about A must not touch sale B.
        const QString a = chargeSocks();
        QVERIFY(!a.isEmpty());
        makeReady(a);
        QTRY_COMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        QVERIFY(m_shelf->payByCard(a, u"pi_A"_s));
        Q_EMIT m_feed->orderChanged(a);
        QTRY_COMPARE(m_screen->statusText(), u"PAID"_s);
        m_shelf->delayMs = 400;  // another notice about A: its re-read arrives late
        Q_EMIT m_feed->orderChanged(a);
        QVERIFY(!idle());
        QTest::keyClick(scan(), Qt::Key_F2);
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Cart, true);
        QTRY_VERIFY_WITH_TIMEOUT(idle(), 3000);  // the late answer came and went
        m_shelf->delayMs = 0;
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Cart, true);
        QVERIFY(!m_screen->order());
        QCOMPARE(m_screen->statusText(), QString());
        const int reads = m_shelf->stateCalls.load();
        Q_EMIT m_feed->orderChanged(a);
        Q_EMIT m_feed->paymentWorkChanged(a);
        Q_EMIT m_feed->orderChanged(u"someone-else"_s);
        QTest::qWait(100);   // proves a negative: no re-read for a sale the screen does not show
        QCOMPARE(m_shelf->stateCalls.load(), reads);
        QVERIFY(!m_screen->order());
    }

    void focus_staysOnScanField()
    {
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        child<QPushButton>(u"plus"_s)->click();
        QTest::mouseClick(child<QTableView>(u"cart"_s)->viewport(), Qt::LeftButton);
        QVERIFY(scan()->hasFocus());
        for (QPushButton *b : m_screen->findChildren<QPushButton *>())
            QCOMPARE(b->focusPolicy(), Qt::NoFocus);
    }

    void pendingWork_saysWhatSigningOutWouldLeave()
    {
        QCOMPARE(m_screen->pendingWork(), QString());   // an idle counter: nothing to ask about
        const QString id = chargeSocks();
        QVERIFY(!id.isEmpty());
        QCOMPARE(m_screen->pendingWork(), u"Point of Sale: RDK-1001 is waiting for payment (it stays open in Orders)"_s);
        QVERIFY(m_shelf->payByCard(id, u"pi_3TestPaid"_s));
        Q_EMIT m_feed->orderChanged(id);
        QTRY_COMPARE(m_screen->statusText(), u"PAID"_s);
        QCOMPARE(m_screen->pendingWork(), QString());
        QTest::keyClick(scan(), Qt::Key_F2);
        scanText(u"CRTZ-WVR"_s);
        QTRY_COMPARE(m_screen->cart().size(), 1);
        QCOMPARE(m_screen->pendingWork(), u"Point of Sale: a cart with 1 line, not charged yet"_s);
    }
};

QTEST_MAIN(TestPosScreen)
#include "tst_posscreen.moc"

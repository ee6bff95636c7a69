// The counter's return dialog offscreen, driven through its real widgets: F6 at the counter,
// a receipt's barcode scanned into the dialog, pairs chosen with the keyboard, shelf or damaged,
// the refund shown before confirming, Ctrl+Enter; a cashier's limit and window as a disabled
// Refund button that says why; an unknown order and text that is no order number. Against the
// in-memory store of memoryreturnstore.h (no database).
#include "tests/pos/ui/memoryposstore.h"
#include "tests/returns/memoryreturnstore.h"
#include "ui/pos/posscreen.h"
#include "ui/pos/returndialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestReturnDialog final : public QObject {
    Q_OBJECT

    std::shared_ptr<test::Shelf> m_shelf;
    std::shared_ptr<test::ReturnShop> m_shop;
    std::unique_ptr<OrderChangeFeed> m_feed = std::make_unique<OrderChangeFeed>();
    std::unique_ptr<PosScreen> m_screen;
    QDateTime m_clock = QDateTime::fromString(u"2026-12-07T15:00:00Z"_s, Qt::ISODate);

    void build(StaffRole role, const QString &method = u"card"_s, int paidDaysAgo = 2)
    {
        m_screen.reset();
        m_shelf = std::make_shared<test::Shelf>();
        m_shop = std::make_shared<test::ReturnShop>();
        m_shop->role = role;
        m_shop->now = [this] { return m_clock; };
        m_shop->addOrder(test::sampleOrder(m_clock.addDays(-paidDaysAgo), method));
        m_shop->shelf = m_shelf;
        // New items for exchanges: a jacket at 130.00 and socks at 50.00, flat stock.
        for (const auto &[sku, price] : {std::pair{u"JKT-1"_s, qint64(13000)}, std::pair{u"SOCK-3PK"_s, qint64(5000)}}) {
            SellableProduct p;
            p.productId = u"p-"_s + sku;
            p.sku = sku;
            p.name = sku == u"JKT-1"_s ? u"Track jacket"_s : u"Socks 3-pack"_s;
            p.brand = u"Kickz"_s;
            p.price = Money::of(price, u"USD"_s).value();
            p.inventoryStrategy = InventoryStrategy::Flat;
            p.sizes.append({QString(), 0});
            m_shelf->addProduct(p, {{QString(), 3}});
        }
        PosShop shop{u"Real Deal Kickz"_s, QString(), u"USD"_s, u"America/New_York"_s, 15};
        m_screen = std::make_unique<PosScreen>(test::MemoryPosStore::factory(m_shelf), m_feed.get(), role, shop);
        m_screen->enableReturns(test::MemoryReturnStore::factory(m_shop), role);
        m_screen->resize(1366, 768);
        m_screen->show();
        QApplication::setActiveWindow(m_screen.get());
        QVERIFY(QTest::qWaitForWindowExposed(m_screen.get()));
    }

    // F6 at the counter, then the receipt's barcode (what a scanner types) into the dialog.
    ReturnDialog *openAndScan(const QString &code = u"RDK-1001"_s)
    {
        QTest::keyClick(m_screen->scanField(), Qt::Key_F6);
        ReturnDialog *dialog = m_screen->returnDialog();
        if (!dialog || !dialog->isVisible())
            return nullptr;
        dialog->setClock([this] { return m_clock; });
        QTest::keyClicks(dialog->scanField(), code);
        QTest::keyClick(dialog->scanField(), Qt::Key_Return);
        if (!QTest::qWaitFor([dialog] { return !dialog->isBusy() && (dialog->order() || !dialog->noticeText().isEmpty()); }))
            return nullptr;
        if (!QTest::qWaitFor([dialog] { return !dialog->isBusy(); }))
            return nullptr;
        return dialog;
    }

    QSpinBox *spin(ReturnDialog *d, int row) { return qobject_cast<QSpinBox *>(d->table()->cellWidget(row, 4)); }
    QCheckBox *shelf(ReturnDialog *d, int row) { return qobject_cast<QCheckBox *>(d->table()->cellWidget(row, 5)); }
    QPushButton *refundButton(ReturnDialog *d)
    {
        for (auto *b : d->findChildren<QPushButton *>())
            if (b->text().startsWith(u"Refund"_s))
                return b;
        return nullptr;
    }

    // Scans `sku` into the counter's cart, the way a scanner would.
    bool addToCart(const QString &sku)
    {
        const auto before = m_screen->cart().size();
        QTest::keyClicks(m_screen->scanField(), sku);
        QTest::keyClick(m_screen->scanField(), Qt::Key_Return);
        return QTest::qWaitFor([&] { return m_screen->cart().size() == before + 1 && !m_screen->isBusy(); });
    }

    QString amountText() const
    {
        auto *label = m_screen->findChild<QLabel *>(u"amount"_s);
        return label ? label->text() : QString();
    }

private Q_SLOTS:
    void cleanup() { m_screen.reset(); }

    void scanReceipt_returnOnePair_refundShownThenSentToTheCard()
    {
        build(StaffRole::Staff);
        ReturnDialog *d = openAndScan();
        QVERIFY(d);
        QVERIFY(d->order());
        QCOMPARE(d->table()->rowCount(), 2);
        QCOMPARE(d->table()->item(0, 0)->text(), u"Air Runner — DD1391-100"_s);
        QCOMPARE(spin(d, 0)->maximum(), 2);
        QVERIFY(!refundButton(d)->isEnabled());
        QCOMPARE(refundButton(d)->toolTip(), u"Choose how many pairs come back."_s);

        // One pair with the keyboard (focus starts on the first line's pairs), then the reason.
        QVERIFY(spin(d, 0)->hasFocus() || (spin(d, 0)->setFocus(), true));
        QTest::keyClick(spin(d, 0), Qt::Key_Up);
        QCOMPARE(spin(d, 0)->value(), 1);
        // $245.00 paid for $255.00 of goods: the Runners' share is $230.58, one pair $115.29.
        QCOMPARE(d->refundText(), u"Refund: $115.29 to the card"_s);
        QCOMPARE(d->table()->item(0, 6)->text(), u"$115.29"_s);
        QCOMPARE(refundButton(d)->toolTip(), u"Give a reason."_s);
        QTest::keyClicks(d->findChildren<QLineEdit *>().last(), u"too small"_s);
        QVERIFY(refundButton(d)->isEnabled());

        QTest::keyClick(d, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE(m_shop->submitCalls.load(), 1);
        QTRY_VERIFY(!d->isBusy());
        QCOMPARE(m_shop->lastLines.size(), 1);
        QCOMPARE(m_shop->lastLines.first().itemId, 11);
        QCOMPARE(m_shop->lastLines.first().quantity, 1);
        QCOMPARE(m_shop->lastLines.first().restock, true);
        QCOMPARE(m_shop->lastReason, u"too small"_s);
        QTRY_COMPARE(d->noticeText(), u"Returned. $115.29 goes back to the card (Stripe, usually within a few days)."_s);
        // The order is read again: one pair back, one left.
        QCOMPARE(d->table()->item(0, 3)->text(), u"1"_s);
        QCOMPARE(spin(d, 0)->maximum(), 1);
        QCOMPARE(spin(d, 0)->value(), 0);
    }

    void damagedPairOfACashSale_refundedInCash()
    {
        build(StaffRole::Staff, u"cash"_s);
        ReturnDialog *d = openAndScan(u"1001"_s);
        QVERIFY(d && d->order());
        QTest::mouseClick(shelf(d, 1), Qt::LeftButton, {}, QPoint(5, shelf(d, 1)->height() / 2));
        QCOMPARE(shelf(d, 1)->text(), u"Damaged"_s);
        d->setLine(1, 1, shelf(d, 1)->isChecked());
        QCOMPARE(d->refundText(), u"Refund: $14.42 in cash from the drawer"_s);
        QTest::keyClicks(d->findChildren<QLineEdit *>().last(), u"laces frayed"_s);
        QTest::mouseClick(refundButton(d), Qt::LeftButton);
        QTRY_COMPARE(m_shop->submitCalls.load(), 1);
        QCOMPARE(m_shop->lastLines.first().restock, false);
        QTRY_COMPARE(d->noticeText(), u"Returned. Give the customer $14.42 in cash."_s);
    }

    void cashierAboveLimit_refundDisabledWithTheReason_opsMay_data()
    {
        QTest::addColumn<int>("role");
        QTest::addColumn<bool>("enabled");
        QTest::addRow("staff") << int(StaffRole::Staff) << false;
        QTest::addRow("ops") << int(StaffRole::Ops) << true;
    }
    void cashierAboveLimit_refundDisabledWithTheReason_opsMay()
    {
        QFETCH(int, role);
        QFETCH(bool, enabled);
        build(StaffRole(role));
        ReturnDialog *d = openAndScan();
        QVERIFY(d && d->order());
        d->setLine(0, 2, true);
        d->setLine(1, 1, true);
        QTest::keyClicks(d->findChildren<QLineEdit *>().last(), u"changed mind"_s);
        QCOMPARE(d->refundText(), u"Refund: $245.00 to the card"_s);
        QCOMPARE(refundButton(d)->isEnabled(), enabled);
        if (!enabled) {
            QCOMPARE(refundButton(d)->toolTip(), u"This return would refund $245.00; returns over $200.00 need an ops or admin account."_s);
            QTest::keyClick(d, Qt::Key_Return, Qt::ControlModifier);
            QTest::qWait(50);  // proving a non-event: Ctrl+Enter on a disabled Refund sends nothing
            QCOMPARE(m_shop->submitCalls.load(), 0);
        }
    }

    void cashierOutsideWindow_refundDisabledWithTheReason()
    {
        build(StaffRole::Staff, u"card"_s, 45);
        ReturnDialog *d = openAndScan();
        QVERIFY(d && d->order());
        d->setLine(1, 1, true);
        QTest::keyClicks(d->findChildren<QLineEdit *>().last(), u"late"_s);
        QVERIFY(!refundButton(d)->isEnabled());
        QCOMPARE(refundButton(d)->toolTip(),
                 u"RDK-1001 was paid more than 30 days ago, outside the shop's return window; an ops or admin account can still take it back."_s);
    }

    void unknownOrderAndNotANumber_saySo()
    {
        build(StaffRole::Staff);
        ReturnDialog *d = openAndScan(u"RDK-9999"_s);
        QVERIFY(d);
        QVERIFY(!d->order());
        QCOMPARE(d->noticeText(), u"No order RDK-9999 in this shop."_s);
        QTest::keyClicks(d->scanField(), u"hello"_s);
        QTest::keyClick(d->scanField(), Qt::Key_Return);
        QCOMPARE(d->noticeText(), u"\"hello\" is not an order number; scan the receipt's barcode or type e.g. RDK-1001."_s);
        QVERIFY(!refundButton(d)->isEnabled());
    }

    // The new item costs more than the returned pair: the counter waits for the due only, by
    // link (the QR's amount says so), and turns PAID when the buyer pays it.
    void exchange_newCostsMore_counterAsksForTheDifference()
    {
        build(StaffRole::Staff);
        QVERIFY(addToCart(u"JKT-1"_s));
        ReturnDialog *d = openAndScan();
        QVERIFY(d && d->order());
        QVERIFY(!d->canExchange());
        QCOMPARE(d->exchangeToolTip(), u"Choose how many pairs come back."_s);
        d->setLine(0, 1, true);
        QTest::keyClicks(d->findChildren<QLineEdit *>().last(), u"wants the jacket"_s);
        QCOMPARE(d->exchangeText(), u"Exchange for the cart: 1 item(s), $130.00; credit $115.29; the buyer pays $14.71 (link or cash)."_s);
        QVERIFY(d->canExchange());
        QTest::keyClick(d, Qt::Key_E, Qt::ControlModifier);
        QTRY_COMPARE(m_shop->exchangeCalls.load(), 1);
        QTRY_COMPARE(m_screen->phase() == PosScreen::Phase::Waiting, true);
        QTRY_VERIFY(!m_screen->returnDialog());
        QCOMPARE(m_shop->lastItems.size(), 1);
        QCOMPARE(m_shop->lastItems.first().sku, u"JKT-1"_s);
        QCOMPARE(m_shop->lastLines.first().quantity, 1);
        QCOMPARE(amountText(), u"$14.71 (credit $115.29)"_s);
        QCOMPARE(m_screen->messageText(), u"Exchange: credit $115.29; the buyer pays $14.71."_s);
        const QString id = m_screen->order()->orderId;
        m_shelf->linkReady(id, u"http://127.0.0.1:12111/pay/plink_exchange"_s);
        QVERIFY(m_shelf->payByCard(id, u"pi_exchange"_s));
        Q_EMIT m_feed->orderChanged(id);
        QTRY_COMPARE(m_screen->phase() == PosScreen::Phase::Paid, true);
    }

    // The new item costs less: the sale is paid by the credit at once and the rest goes back to
    // the card; the counter shows PAID straight away.
    void exchange_newCostsLess_differenceBackAndPaidAtOnce()
    {
        build(StaffRole::Staff);
        QVERIFY(addToCart(u"SOCK-3PK"_s));
        ReturnDialog *d = openAndScan();
        QVERIFY(d && d->order());
        d->setLine(0, 1, true);
        QTest::keyClicks(d->findChildren<QLineEdit *>().last(), u"socks instead"_s);
        QCOMPARE(d->exchangeText(), u"Exchange for the cart: 1 item(s), $50.00; credit $50.00; $65.29 goes back to the card."_s);
        QTest::mouseClick(d->findChildren<QPushButton *>().first(), Qt::LeftButton);
        QTRY_COMPARE(m_shop->exchangeCalls.load(), 1);
        QTRY_COMPARE(m_screen->phase() == PosScreen::Phase::Paid, true);
        QCOMPARE(m_screen->messageText(), u"Exchange: credit $50.00; $65.29 back to the card."_s);
    }

    // An empty cart leaves only the return; a discounted cart can't be exchanged for.
    void exchange_emptyOrDiscountedCart_disabledWithTheReason()
    {
        build(StaffRole::Staff);
        ReturnDialog *d = openAndScan();
        QVERIFY(d && d->order());
        d->setLine(0, 1, true);
        QVERIFY(!d->canExchange());
        QCOMPARE(d->exchangeToolTip(), u"Scan the new items into the counter's cart first, then open Return (F6)."_s);
        d->close();
        QTRY_VERIFY(!m_screen->returnDialog());
        build(StaffRole::Ops);
        QVERIFY(addToCart(u"JKT-1"_s));
        QVERIFY(m_screen->applyCartDiscount(PosDiscount::ofAmount(Money::of(1000, u"USD"_s).value()), u"loyal"_s).ok());
        d = openAndScan();
        QVERIFY(d && d->order());
        d->setLine(0, 1, true);
        QVERIFY(!d->canExchange());
        QCOMPARE(d->exchangeToolTip(), u"Exchanges take catalog prices: remove the cart's discounts first."_s);
    }

    void returnButton_atTheCounter_opensTheDialogAndKeepsScanFocus()
    {
        build(StaffRole::Staff);
        QPushButton *button = nullptr;
        for (auto *b : m_screen->findChildren<QPushButton *>())
            if (b->text() == u"Return… (F6)"_s)
                button = b;
        QVERIFY(button);
        QCOMPARE(button->focusPolicy(), Qt::NoFocus);
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(m_screen->returnDialog() && m_screen->returnDialog()->isVisible());
        m_screen->returnDialog()->close();
        QTRY_VERIFY(!m_screen->returnDialog());
    }
};

QTEST_MAIN(TestReturnDialog)
#include "tst_returndialog.moc"

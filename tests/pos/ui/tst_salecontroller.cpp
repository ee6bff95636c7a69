// The counter's sale without any widget: SaleController driven the way the panels drive it,
// against the in-memory PosStore of memoryposstore.h (real stock arithmetic). The application
// is a QCoreApplication, so a widget created anywhere on the way would abort the test: the
// controller needs none. The test plays rdk-sync (link ready or failed, paid) and the feed.
#include "tests/pos/ui/memoryposstore.h"
#include "tests/pos/ui/postestsupport.h"
#include "ui/pos/salecontroller.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::test::sellableProduct;
using rdk::test::usd;
using Phase = SaleController::Phase;
using Tone = SaleController::Tone;

namespace {

const QString kLinkUrl = u"http://127.0.0.1:12111/pay/plink_test_1001"_s;

} // namespace

class TestSaleController final : public QObject {
    Q_OBJECT

    std::shared_ptr<test::Shelf> m_shelf;
    std::unique_ptr<OrderChangeFeed> m_feed;
    std::unique_ptr<SaleController> m_sale;
    QDateTime m_clock;
    QString m_message;   // the last message to staff
    Tone m_tone = Tone::Info;

    void build(StaffRole role, int linkMinutes = 15)
    {
        m_sale.reset();
        PosShop shop{u"Real Deal Kickz"_s, u"12 Canal St, New York"_s, u"USD"_s, u"America/New_York"_s, linkMinutes};
        m_sale = std::make_unique<SaleController>(test::MemoryPosStore::factory(m_shelf), m_feed.get(), role, shop);
        m_sale->setClock([this] { return m_clock; });
        connect(m_sale.get(), &SaleController::message, this, [this](const QString &text, Tone tone) {
            m_message = text;
            m_tone = tone;
        });
        connect(m_sale.get(), &SaleController::messageCleared, this, [this] { m_message.clear(); });
    }

    bool idle() const { return !m_sale->isBusy(); }

    /// Scans the socks and charges; returns the id of the pending order once it holds the stock.
    QString waitingSale()
    {
        m_sale->submitScan(u"SOCK-3PK"_s);
        if (!QTest::qWaitFor([this] { return m_sale->cart().size() == 1; }))
            return {};
        m_sale->charge();
        if (!QTest::qWaitFor([this] { return m_sale->phase() == Phase::Waiting; }))
            return {};
        return m_sale->order()->orderId;
    }

    void announceLinkReady(const QString &id)
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
        m_message.clear();
        build(StaffRole::Ops);
    }

    void cleanup()
    {
        m_sale.reset();
        m_feed.reset();
        m_shelf.reset();
    }

    void scanSku_sizePicker_highlightSkipsSoldOut_enterAdds()
    {
        QSignalSpy added(m_sale.get(), &SaleController::lineAdded);
        QSignalSpy highlight(m_sale.get(), &SaleController::highlightChanged);
        m_sale->submitScan(u"DNK-LO-PANDA"_s);
        QTRY_VERIFY(m_sale->picker().isOpen());
        const PickList &list = m_sale->picker();
        QCOMPARE(list.mode, PickList::Mode::Sizes);
        QCOMPARE(list.count(), 4);
        QCOMPARE(list.highlighted, 0);
        QVERIFY(!list.isAvailable(1));   // size 10 is sold out
        m_sale->moveHighlight(1);
        QCOMPARE(m_sale->picker().highlighted, 2);
        QCOMPARE(highlight.size(), 1);
        m_sale->pick(1);                 // a click on the sold-out size does nothing
        QVERIFY(m_sale->cart().isEmpty());
        m_sale->submitScan(QString());   // Enter on an empty field takes the highlighted size
        QCOMPARE(m_sale->cart().size(), 1);
        QCOMPARE(m_sale->cart().lines()[0].size, u"10.5"_s);
        QVERIFY(!m_sale->picker().isOpen());
        QCOMPARE(added.size(), 1);
        QCOMPARE(added.at(0).at(0).toInt(), 0);
        QCOMPARE(m_message, u"Added Dunk Low Retro Panda, size 10.5 (1 in the cart)."_s);
        QCOMPARE(m_tone, Tone::Info);
    }

    void typedSize_whileSizesShow_takesItOrSaysSoldOut()
    {
        m_sale->submitScan(u"DNK-LO-PANDA"_s);
        QTRY_VERIFY(m_sale->picker().isOpen());
        m_sale->submitScan(u"10"_s);
        QCOMPARE(m_message, u"Size 10 of Dunk Low Retro Panda is sold out."_s);
        QCOMPARE(m_tone, Tone::Error);
        QVERIFY(m_sale->cart().isEmpty());
        QVERIFY(m_sale->picker().isOpen());
        m_sale->submitScan(u"11"_s);
        QCOMPARE(m_sale->cart().size(), 1);
        QCOMPARE(m_sale->cart().lines()[0].size, u"11"_s);
        // Another scan of the same flat item merges into its line.
        m_sale->submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_sale->cart().size(), 2);
        m_sale->submitScan(u"sock-3pk"_s);
        QTRY_COMPARE(m_sale->cart().lines()[1].quantity, 2);
    }

    void search_productPicker_enterOffersTheProduct()
    {
        m_sale->submitScan(u"cortez"_s);
        QTRY_VERIFY(m_sale->picker().isOpen());
        QCOMPARE(m_sale->picker().mode, PickList::Mode::Products);
        QCOMPARE(m_sale->picker().count(), 1);
        QCOMPARE(m_sale->picker().heading, u"1 match(es) for “cortez” (↑/↓ then Enter)"_s);
        m_sale->submitScan(QString());
        QCOMPARE(m_sale->cart().size(), 1);   // one size in stock: no size question
        QCOMPARE(m_sale->cart().lines()[0].sku, u"CRTZ-WVR"_s);
        QCOMPARE(m_sale->cart().lines()[0].size, u"8"_s);
    }

    // A box's barcode or the shop's own label names the size: it goes straight into the cart.
    void boxBarcodeOrShopLabel_addsExactlyThatSize()
    {
        m_shelf->addBarcode(u"036000291452"_s, u"DNK-LO-PANDA"_s, u"11"_s);
        m_sale->submitScan(u"0036000291452"_s);   // the same box read as EAN-13
        QTRY_COMPARE(m_sale->cart().size(), 1);
        QCOMPARE(m_sale->cart().lines()[0].size, u"11"_s);
        QVERIFY(!m_sale->picker().isOpen());
        m_sale->submitScan(u"DNK-LO-PANDA/10.5"_s);
        QTRY_COMPARE(m_sale->cart().size(), 2);
        QCOMPARE(m_sale->cart().lines()[1].size, u"10.5"_s);
        QVERIFY(!m_sale->picker().isOpen());
        QCOMPARE(m_message, u"Added Dunk Low Retro Panda, size 10.5 (1 in the cart)."_s);

        // The box of the last size 11 again: nothing more to sell; an unknown box says so.
        m_sale->submitScan(u"036000291452"_s);
        QTRY_VERIFY(m_tone == Tone::Error);
        QCOMPARE(m_sale->cart().lines()[0].quantity, 1);
        m_sale->submitScan(u"4006381333931"_s);
        QTRY_COMPARE(m_message, u"No product of this shop carries the box barcode 4006381333931; add it to the size in the Catalog."_s);
        m_sale->submitScan(u"DNK-LO-PANDA/10"_s);   // a label of a sold-out size
        QTRY_VERIFY(m_tone == Tone::Error);
        QCOMPARE(m_sale->cart().size(), 2);
    }

    void unknownOrSoldOut_messageAndCartUnchanged_data()
    {
        QTest::addColumn<QString>("scan");
        QTest::addColumn<QString>("message");
        QTest::addColumn<Tone>("tone");
        QTest::addRow("unknown sku") << u"ZZZ-999"_s << u"No product with SKU ZZZ-999."_s << Tone::Warning;
        QTest::addRow("sold out") << u"DNK-LO-FOG"_s << u"Dunk Low Retro Grey Fog (DNK-LO-FOG) is sold out."_s << Tone::Error;
        QTest::addRow("no match") << u"slippers"_s << u"Nothing matches “slippers”."_s << Tone::Warning;
        QTest::addRow("control characters") << u"SOCK\u0007-3PK"_s
                                            << u"That scan contains control characters; scan again or type the SKU."_s
                                            << Tone::Error;
    }
    void unknownOrSoldOut_messageAndCartUnchanged()
    {
        QFETCH(QString, scan);
        QFETCH(QString, message);
        QFETCH(Tone, tone);
        m_sale->submitScan(scan);
        QTRY_COMPARE(m_message, message);
        QCOMPARE(m_tone, tone);
        QTRY_VERIFY(idle());
        QVERIFY(m_sale->cart().isEmpty());
        QVERIFY(!m_sale->picker().isOpen());
    }

    void discounts_opsWithReason_staffRefused()
    {
        m_sale->submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_sale->cart().size(), 1);
        const Status noReason = m_sale->applyLineDiscount(0, PosDiscount::ofPercent(1000), QString());
        QVERIFY(!noReason);
        QCOMPARE(noReason.error().code, ErrorCode::Invalid);
        QVERIFY(m_sale->applyLineDiscount(0, PosDiscount::ofPercent(1000), u"Regular"_s));
        QCOMPARE(m_sale->totals()->total, usd(1799));   // 10 % of 19.99 = 2.00 off
        // A refused discount changes nothing, not even the reason.
        const Status tooMuch = m_sale->applyCartDiscount(PosDiscount::ofAmount(usd(5000)), u"Oops"_s);
        QVERIFY(!tooMuch);
        QCOMPARE(m_sale->cart().discountReason(), u"Regular"_s);
        QCOMPARE(m_sale->totals()->total, usd(1799));
        QVERIFY(m_sale->applyCartDiscount(PosDiscount::ofAmount(usd(99)), u"Regular"_s));
        QCOMPARE(m_sale->totals()->total, usd(1700));
        // Once charged, the cart is the order's.
        m_sale->charge();
        QTRY_COMPARE(m_sale->phase(), Phase::Waiting);
        QCOMPARE(m_shelf->order(m_sale->order()->orderId).totals.total, usd(1700));
        const Status late = m_sale->applyCartDiscount(PosDiscount::ofPercent(5000), u"Regular"_s);
        QCOMPARE(late.error().code, ErrorCode::Conflict);

        build(StaffRole::Staff);
        m_sale->submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_sale->cart().size(), 1);
        const Status refused = m_sale->applyLineDiscount(0, PosDiscount::ofPercent(1000), u"friend"_s);
        QCOMPARE(refused.error().code, ErrorCode::Forbidden);
        QCOMPARE(m_sale->totals()->total, usd(1999));
    }

    void charge_awaitingPayment_paidOnlyWhenTheStoreSaysSo()
    {
        QSignalSpy paid(m_sale.get(), &SaleController::salePaid);
        m_sale->submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_sale->cart().size(), 1);
        m_sale->charge();
        QCOMPARE(m_sale->phase(), Phase::Placing);
        QTRY_COMPARE(m_sale->phase(), Phase::Waiting);
        const QString id = m_sale->order()->orderId;
        QCOMPARE(toString(m_sale->order()->link.state), toString(PaymentLinkState::Requested));
        QCOMPARE(m_shelf->available(u"SOCK-3PK"_s, QString()), 4);   // held while the buyer pays
        QCOMPARE(m_sale->secondsLeft(), std::optional<qint64>(15 * 60));

        announceLinkReady(id);
        QTRY_COMPARE(toString(m_sale->order()->link.state), toString(PaymentLinkState::Ready));
        QCOMPARE(m_sale->order()->link.url, kLinkUrl);
        // A notice is a wake-up, never a verdict: the re-read says pending, so it stays waiting.
        QTRY_VERIFY(idle());
        const int reads = m_shelf->stateCalls.load();
        Q_EMIT m_feed->orderChanged(id);
        QTRY_VERIFY(m_shelf->stateCalls.load() > reads);
        QTRY_VERIFY(idle());
        QCOMPARE(m_sale->phase(), Phase::Waiting);
        QVERIFY(!m_sale->paidReceipt());

        QVERIFY(m_shelf->payByCard(id, u"pi_3TestPaid"_s));
        Q_EMIT m_feed->orderChanged(id);
        QTRY_COMPARE(m_sale->phase(), Phase::Paid);
        QCOMPARE(paid.size(), 1);
        QCOMPARE(paid.at(0).at(0).toString(), id);
        QCOMPARE(m_shelf->onHand(u"SOCK-3PK"_s, QString()), 4);   // sold once
        const auto receipt = m_sale->paidReceipt();
        QVERIFY(receipt);
        QCOMPARE(receipt->payment, u"Card — pi_3TestPaid"_s);
        // Another notice about the paid sale: read again, not paid twice.
        Q_EMIT m_feed->orderChanged(id);
        QTRY_VERIFY(idle());
        QCOMPARE(paid.size(), 1);

        m_sale->newSale();
        QCOMPARE(m_sale->phase(), Phase::Cart);
        QVERIFY(m_sale->cart().isEmpty());
        QVERIFY(!m_sale->order());
    }

    void failedRead_retriedWithBackoff_untilTheStoreAnswers()
    {
        const QString id = waitingSale();
        QVERIFY(!id.isEmpty());
        m_shelf->down = true;
        announceLinkReady(id);
        QTRY_COMPARE(m_message, u"Couldn't read the sale: The database can't be reached. Checking again shortly."_s);
        QCOMPARE(m_tone, Tone::Error);
        QCOMPARE(toString(m_sale->order()->link.state), toString(PaymentLinkState::Requested));
        m_shelf->down = false;
        // No notice comes: the controller asks again by itself (first after 1 s).
        QTRY_COMPARE_WITH_TIMEOUT(toString(m_sale->order()->link.state), toString(PaymentLinkState::Ready), 5000);
        QCOMPARE(m_message, u"Back in touch: the sale is up to date."_s);
    }

    void linkFailed_retry_asksAgainForTheSameOrder()
    {
        const QString id = waitingSale();
        QVERIFY(!id.isEmpty());
        m_shelf->linkFailed(id, u"Stripe could not be reached. Try again."_s);
        Q_EMIT m_feed->paymentWorkChanged(id);
        QTRY_COMPARE(toString(m_sale->order()->link.state), toString(PaymentLinkState::Failed));
        QCOMPARE(m_sale->order()->link.error, u"Stripe could not be reached. Try again."_s);
        m_sale->retryPaymentLink();
        QCOMPARE(toString(m_sale->order()->link.state), toString(PaymentLinkState::Requested));   // shown at once
        QTRY_COMPARE(m_shelf->retryCalls.load(), 1);
        QTRY_VERIFY(idle());
        announceLinkReady(id);
        QTRY_COMPARE(toString(m_sale->order()->link.state), toString(PaymentLinkState::Ready));
        QCOMPARE(m_shelf->placeCalls.load(), 1);
        QCOMPARE(m_shelf->orderCount(), 1);
        QCOMPARE(m_sale->order()->orderId, id);
    }

    void cancel_asksFirst_thenReleasesTheStock()
    {
        const QString id = waitingSale();
        QVERIFY(!id.isEmpty());
        m_sale->requestCancel();
        QCOMPARE(m_sale->question(),
                 u"Cancel this sale? The items go back in stock and the payment link stops working."_s);
        m_sale->submitScan(u"CRTZ-WVR"_s);   // a scan is never a "yes"
        QVERIFY(m_sale->question().isEmpty());
        QCOMPARE(m_shelf->cancelCalls.load(), 0);
        m_sale->requestCancel();
        m_sale->submitScan(QString());       // Enter on an empty field is
        QVERIFY(m_sale->isCanceling());
        QTRY_COMPARE(m_sale->phase(), Phase::Canceled);
        QCOMPARE(m_sale->cancelNote(), u"Canceled at the counter."_s);
        QCOMPARE(m_shelf->cancelCalls.load(), 1);
        QCOMPARE(m_shelf->available(u"SOCK-3PK"_s, QString()), 5);
        // The next scan starts the next buyer's sale.
        m_sale->submitScan(u"CRTZ-WVR"_s);
        QTRY_COMPARE(m_sale->cart().size(), 1);
        QCOMPARE(m_sale->phase(), Phase::Cart);
        QVERIFY(!m_sale->order());
    }

    void clearCart_asksFirst()
    {
        m_sale->submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_sale->cart().size(), 1);
        m_sale->requestCancel();
        QCOMPARE(m_sale->question(), u"Clear the cart?"_s);
        m_sale->dismissQuestion();
        QCOMPARE(m_sale->cart().size(), 1);
        m_sale->requestCancel();
        m_sale->confirmCancel();
        QVERIFY(m_sale->cart().isEmpty());
        QCOMPARE(m_message, u"Cart cleared."_s);
        QCOMPARE(m_shelf->orderCount(), 0);
    }

    void deadline_cancelsTheSaleOnce()
    {
        build(StaffRole::Ops, 1);
        const QString id = waitingSale();
        QVERIFY(!id.isEmpty());
        m_clock = m_clock.addSecs(59);
        QTRY_COMPARE(m_sale->secondsLeft(), std::optional<qint64>(1));
        QCOMPARE(m_shelf->cancelCalls.load(), 0);
        m_clock = m_clock.addSecs(2);
        QTRY_COMPARE(m_sale->phase(), Phase::Canceled);
        QCOMPARE(m_sale->cancelNote(), u"The payment link expired before it was paid."_s);
        QCOMPARE(m_shelf->available(u"SOCK-3PK"_s, QString()), 5);
        QTRY_VERIFY(idle());
        QCOMPARE(m_shelf->cancelCalls.load(), 1);
        QVERIFY(!m_sale->secondsLeft());   // no deadline runs for a canceled sale
    }

    void cash_placesTheSaleFirst_thenAsksForTheCash()
    {
        m_sale->setCashDrawerOpen(true);
        QSignalSpy wanted(m_sale.get(), &SaleController::cashWanted);
        m_sale->submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_sale->cart().size(), 1);
        m_sale->takeCash();
        QTRY_COMPARE(wanted.size(), 1);
        QCOMPARE(m_sale->phase(), Phase::Waiting);
        QCOMPARE(wanted.at(0).at(0).value<Money>(), usd(1999));
        m_sale->recordCash(usd(5000));
        QVERIFY(m_sale->isRecordingCash());
        QTRY_COMPARE(m_sale->phase(), Phase::Paid);
        QVERIFY(!m_sale->isRecordingCash());
        QCOMPARE(m_shelf->cashCalls.load(), 1);
        QCOMPARE(toString(m_sale->order()->paymentMethod), toString(PaymentMethod::Cash));
        QCOMPARE(m_sale->paidReceipt()->payment, u"Cash — tendered $50.00, change $30.01"_s);
        QCOMPARE(m_shelf->onHand(u"SOCK-3PK"_s, QString()), 4);
    }

    void cash_refusedWhileTheDrawerIsClosed_staffTakesItOnceOpen()
    {
        build(StaffRole::Staff);
        QSignalSpy wanted(m_sale.get(), &SaleController::cashWanted);
        QSignalSpy drawer(m_sale.get(), &SaleController::cashDrawerChanged);
        m_sale->submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_sale->cart().size(), 1);
        QVERIFY(!m_sale->isCashDrawerOpen());
        m_sale->takeCash();
        QCOMPARE(m_message, u"Open your cash drawer first (F8): cash goes into it."_s);
        QCOMPARE(m_sale->cashRefusal(), m_message);
        QCOMPARE(m_sale->phase(), Phase::Cart);
        QCOMPARE(wanted.size(), 0);
        QCOMPARE(m_shelf->placeCalls.load(), 0);
        // A cashier (staff role) takes cash once their drawer is open.
        m_sale->setCashDrawerOpen(true);
        QCOMPARE(drawer.size(), 1);
        QVERIFY(m_sale->cashRefusal().isEmpty());
        m_sale->takeCash();
        QTRY_COMPARE(wanted.size(), 1);
        QCOMPARE(m_sale->phase(), Phase::Waiting);
    }

    void outOfStockAtCharge_backToTheCart()
    {
        m_sale->submitScan(u"DNK-LO-PANDA"_s);
        QTRY_VERIFY(m_sale->picker().isOpen());
        m_sale->submitScan(u"11"_s);
        QCOMPARE(m_sale->cart().size(), 1);
        // Another till sells the last size 11 meanwhile.
        PosSaleRequest other;
        other.lines = {{u"DNK-LO-PANDA"_s, u"11"_s, 1, Money()}};
        QVERIFY(m_shelf->placeSale(other));
        m_sale->charge();
        QTRY_COMPARE(m_message, u"Couldn't start the sale: Only 0 of DNK-LO-PANDA left."_s);
        QCOMPARE(m_sale->phase(), Phase::Cart);
        QCOMPARE(m_sale->cart().size(), 1);
        QVERIFY(!m_sale->order());
        QCOMPARE(m_shelf->orderCount(), 1);   // only the other till's
    }

    void feedDown_pollsUntilPaid()
    {
        const QString id = waitingSale();
        QVERIFY(!id.isEmpty());
        Q_EMIT m_feed->connectionChanged(false);
        QVERIFY(m_message.startsWith(u"Live updates paused"_s));
        QVERIFY(m_shelf->payByCard(id, u"pi_whileAway"_s));
        // Nothing announces the payment: the controller finds it by itself (every 3 s).
        QTRY_COMPARE_WITH_TIMEOUT(m_sale->phase(), Phase::Paid, 8000);
        QCOMPARE(m_sale->order()->paymentReference, u"pi_whileAway"_s);
    }

    void lateAnswer_aboutAFinishedSale_ignored()
    {
        const QString a = waitingSale();
        QVERIFY(!a.isEmpty());
        QVERIFY(m_shelf->payByCard(a, u"pi_A"_s));
        Q_EMIT m_feed->orderChanged(a);
        QTRY_COMPARE(m_sale->phase(), Phase::Paid);
        m_shelf->delayMs = 300;   // another notice about A: its re-read answers late
        Q_EMIT m_feed->orderChanged(a);
        QVERIFY(!idle());
        m_sale->newSale();
        QTRY_VERIFY_WITH_TIMEOUT(idle(), 3000);   // the late answer came and went
        QCOMPARE(m_sale->phase(), Phase::Cart);
        QVERIFY(!m_sale->order());
    }
};

QTEST_GUILESS_MAIN(TestSaleController)
#include "tst_salecontroller.moc"

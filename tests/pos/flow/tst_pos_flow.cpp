// The counter end to end: the real PosScreen widget, signed in as a staff login through
// data::PgPos and data::PgOrderFeed, a real rdk-sync that makes the Payment Links, and the
// Stripe sandbox where the buyer pays. Nothing is stubbed: the payment travels sandbox ->
// signed webhook -> rdk-sync -> PostgreSQL -> NOTIFY -> the screen.
#include "data/pgorderfeed.h"
#include "data/pgpos.h"
#include "data/pgreturns.h"
#include "data/pgrepositories.h"
#include "data/pgsession.h"
#include "tests/support/e2efixture.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"
#include "ui/pos/posscreen.h"
#include "ui/pos/returndialog.h"
#include "ui/qrcodewidget.h"

#include <QElapsedTimer>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <pqxx/pqxx>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kWebhookSecret[] = "whsec_test_pos_flow_secret";
constexpr char kStripeKey[] = "sk_test_pos_flow";

/// What `pdftotext` reads from a PDF (empty when it can't).
QString pdfText(const QString &path)
{
    QProcess p;
    p.start(u"pdftotext"_s, {u"-layout"_s, path, u"-"_s});
    if (!p.waitForFinished(15000) || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput());
}

} // namespace

class TestPosFlow final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    test::Login m_staff;
    test::ServiceProcess m_sandbox;
    test::ServiceProcess m_sync;
    QNetworkAccessManager m_nam;
    std::unique_ptr<data::PgOrderFeed> m_feed;
    std::unique_ptr<PosScreen> m_screen;

    std::string staffUrl() const { return m_db->urlFor(m_staff.login, m_staff.password); }

    QString ownerScalar(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        const auto r = tx.exec(sql);
        return r.empty() || r[0][0].is_null() ? QString() : QString::fromStdString(r[0][0].as<std::string>());
    }

    QString stockOf(const QString &sku)
    {
        return ownerScalar("SELECT quantity || '/' || reserved FROM inventory i JOIN products p ON p.id = i.product_id "
                           "WHERE p.sku = '" + sku.toStdString() + "' AND i.size = '10'");
    }

    void addProduct(const QString &sku, qint64 priceMinor, int size10)
    {
        QString error;
        QVERIFY2(!test::seedProduct(*m_db, {.tenantId = m_tenant, .sku = sku, .name = u"Jordan 1 Retro High"_s,
                                            .priceMinor = priceMinor, .size10 = size10}, &error).isEmpty(),
                 qPrintable(error));
    }

    /// Scans `sku` (the scanner types it and Enter), then charges with F12; returns once the
    /// screen shows the QR code of a ready link.
    void scanAndCharge(const QString &sku)
    {
        QLineEdit *scan = m_screen->scanField();
        QTest::keyClicks(scan, sku);
        QTest::keyClick(scan, Qt::Key_Enter, Qt::KeypadModifier);
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->cart().lines().size(), qsizetype(1), 5000);
        QTest::keyClick(scan, Qt::Key_F12);
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->order() && m_screen->order()->link.state == PaymentLinkState::Ready, 15000);
        auto *qr = m_screen->findChild<QrCodeWidget *>();
        QVERIFY(qr);
        QTRY_COMPARE_WITH_TIMEOUT(qr->text(), m_screen->order()->link.url, 2000);
        QVERIFY(qr->text().startsWith(u"http"_s));
    }

    QJsonObject linkAtStripe(const QString &linkId)
    {
        return test::httpRequest(m_nam, "GET", m_sandbox.url(u"/v1/payment_links/"_s + linkId), {},
                                 {{"Authorization", QByteArray("Bearer ") + kStripeKey}})
            .json();
    }

    void newScreen()
    {
        m_screen.reset();
        PosShop shop{u"Real Deal Kickz"_s, u"12 Canal St, New York"_s, u"USD"_s, u"America/New_York"_s, 15};
        const std::string url = staffUrl();
        auto stores = [url]() -> Result<std::unique_ptr<PosStore>> {
            auto session = data::PgSession::open(url);
            if (!session)
                return session.error();
            return std::unique_ptr<PosStore>(new data::PgPos(std::move(session).value()));
        };
        m_screen = std::make_unique<PosScreen>(stores, m_feed.get(), StaffRole::Staff, shop);
        m_screen->resize(1280, 800);
        m_screen->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_screen.get()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"counter"_s);
        const test::Login service = m_db->createServiceLogin(m_tenant);
        m_staff = m_db->createStaff(m_tenant, u"staff"_s);
        addProduct(u"E2E-PAY"_s, 18'000, 3);
        addProduct(u"E2E-CANCEL"_s, 12'500, 2);
        addProduct(u"E2E-DROP"_s, 9'900, 2);
        addProduct(u"E2E-FORGE"_s, 7'500, 2);
        addProduct(u"E2E-SWAP-A"_s, 12'000, 2);
        addProduct(u"E2E-SWAP-B"_s, 18'000, 2);

        QString error;
        QVERIFY2(test::startSyncStack(m_sandbox, m_sync, m_nam,
                                      {QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(service.login, service.password)), u"counter"_s,
                                       QString::fromLatin1(kWebhookSecret), QString::fromLatin1(kStripeKey)},
                                      &error),
                 qPrintable(error));

        m_feed = std::make_unique<data::PgOrderFeed>(staffUrl());
        QVERIFY(m_feed->start());
    }

    void cleanupTestCase()
    {
        m_screen.reset();
        m_feed.reset();
        m_sync.stop();
        QCOMPARE(m_sync.exitCode(), 0);
        m_sandbox.stop();
        m_db.reset();
    }

    void init() { newScreen(); }

    /// A failed flow says what rdk-sync and the sandbox logged meanwhile (the Stripe worker's
    /// side of a link that never came is otherwise lost with the child process).
    void cleanup()
    {
        if (!QTest::currentTestFailed())
            return;
        for (auto *service : {&m_sync, &m_sandbox})
            qWarning().noquote() << QString::fromUtf8(service->output() + service->errors()).right(8000);
    }

    void scan_charge_buyerPays_screenShowsPaid_stockSoldOnce_receipt()
    {
        scanAndCharge(u"E2E-PAY"_s);
        const PosOrderState placed = *m_screen->order();
        QCOMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        QCOMPARE(stockOf(u"E2E-PAY"_s), u"3/1"_s);   // held while the buyer pays

        QElapsedTimer sincePaid;
        const auto paid = test::httpRequest(m_nam, "POST",
                                            m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(placed.link.paymentLinkId)));
        QCOMPARE(paid.status, 200);
        sincePaid.start();
        // The time to PAID is printed, not judged: this machine may be loaded (see the notes of the
        // POS issue for figures); the bound only catches a screen that never learns of it.
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->phase() == PosScreen::Phase::Paid, 10000);
        qInfo("paid at the sandbox -> PAID on the counter screen: %lld ms", static_cast<long long>(sincePaid.elapsed()));
        QCOMPARE(m_screen->statusText(), u"PAID"_s);
        QCOMPARE(stockOf(u"E2E-PAY"_s), u"2/0"_s);

        // A second delivery of the same event changes nothing.
        const QString eventId = ownerScalar("SELECT id FROM stripe_events WHERE order_id = '" + placed.orderId.toStdString() +
                                            "' AND outcome = 'applied'");
        QVERIFY(!eventId.isEmpty());
        QCOMPARE(test::resendEventAndWait(m_nam, m_sandbox, eventId), 200);   // rdk-sync has answered the second delivery
        QCOMPARE(ownerScalar("SELECT count(*) FROM stripe_events WHERE order_id = '" + placed.orderId.toStdString() + "'"), u"1"_s);
        QCOMPARE(stockOf(u"E2E-PAY"_s), u"2/0"_s);
        // The used link no longer takes money.
        QTRY_COMPARE_WITH_TIMEOUT(linkAtStripe(placed.link.paymentLinkId).value(u"active"_s).toBool(true), false, 10000);

        QTRY_VERIFY_WITH_TIMEOUT(m_screen->receipt().has_value(), 5000);
        QTemporaryDir dir;
        const QString pdf = dir.filePath(u"receipt.pdf"_s);
        QVERIFY(m_screen->saveReceiptPdf(pdf).ok());
        const QString text = pdfText(pdf);
        QVERIFY2(!text.isEmpty(), "pdftotext could not read the receipt (scripts install poppler-utils)");
        QVERIFY2(text.contains(formatOrderNumber(placed.orderNumber)), qPrintable(text));
        QVERIFY2(text.contains(u"$180.00"_s), qPrintable(text));
        QVERIFY2(text.contains(u"pi_"_s), qPrintable(text));   // the payment reference from Stripe
    }

    void forgedPaidNotice_counterKeepsWaiting_realPaymentShowsPaid()
    {
        scanAndCharge(u"E2E-FORGE"_s);
        const PosOrderState placed = *m_screen->order();
        QSignalSpy woken(m_feed.get(), &OrderChangeFeed::orderChanged);

        // Attack: the counter's own login (it may ask for the shop's channel) announces the
        // sale as paid, the way the old payloads did.
        {
            pqxx::connection c(staffUrl());
            pqxx::work tx(c);
            tx.exec_params("SELECT pg_notify(rdk.notify_channel('orders'), "
                           "json_build_object('order_id', $1::text, 'status', 'paid')::text)",
                           placed.orderId.toStdString());
            tx.commit();
        }
        QTRY_VERIFY_WITH_TIMEOUT(!woken.isEmpty(), 2000);   // the notice did arrive...
        // The screen's slot ran before the spy's (it connected first) and started the re-read at
        // once, so waiting for the screen to be idle again waits for that re-read.
        QTRY_VERIFY_WITH_TIMEOUT(!m_screen->isBusy(), 5000);
        // ...and the counter re-read the order instead of believing it.
        QCOMPARE(m_screen->phase() == PosScreen::Phase::Waiting, true);
        QCOMPARE(m_screen->statusText(), u"Waiting for payment"_s);
        QCOMPARE(ownerScalar("SELECT status FROM orders WHERE id = '" + placed.orderId.toStdString() + "'"), u"pending"_s);

        // Positive control: the buyer really pays, and the same screen shows PAID.
        QCOMPARE(test::httpRequest(m_nam, "POST",
                                   m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(placed.link.paymentLinkId)))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->phase() == PosScreen::Phase::Paid, 10000);
        QCOMPARE(m_screen->statusText(), u"PAID"_s);
    }

    // Exchange paid by link (issue 13): a pair bought and paid by card comes back for a dearer
    // one. The counter's return dialog finds the sale by its order number, rdk.pos_exchange makes
    // the new sale with the returned pair as credit, rdk-sync makes a link for the difference
    // only, the buyer pays it at the sandbox, and the counter shows PAID. Stock moves once each way.
    void exchange_paidByLink_differenceOnly_screenShowsPaid()
    {
        const std::string url = staffUrl();
        m_screen->enableReturns([url]() -> Result<std::unique_ptr<ReturnStore>> {
            auto session = data::PgSession::open(url);
            if (!session)
                return session.error();
            return std::unique_ptr<ReturnStore>(new data::PgReturns(std::move(session).value()));
        }, StaffRole::Staff);
        // The original sale: one E2E-SWAP-A at 120.00, paid by card.
        scanAndCharge(u"E2E-SWAP-A"_s);
        const PosOrderState original = *m_screen->order();
        QCOMPARE(test::httpRequest(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(original.link.paymentLinkId)))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->phase() == PosScreen::Phase::Paid, 10000);
        QCOMPARE(stockOf(u"E2E-SWAP-A"_s), u"1/0"_s);

        // The buyer comes back: the dearer pair goes into a new cart, then F6 and the receipt.
        QTest::keyClick(m_screen->scanField(), Qt::Key_F2);
        QTest::keyClicks(m_screen->scanField(), u"E2E-SWAP-B"_s);
        QTest::keyClick(m_screen->scanField(), Qt::Key_Enter, Qt::KeypadModifier);
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->cart().lines().size(), qsizetype(1), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_screen->isBusy(), 5000);
        QTest::keyClick(m_screen->scanField(), Qt::Key_F6);
        ReturnDialog *dialog = m_screen->returnDialog();
        QVERIFY(dialog);
        QTest::keyClicks(dialog->scanField(), formatOrderNumber(original.orderNumber));
        QTest::keyClick(dialog->scanField(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->order().has_value() && !dialog->isBusy(), 5000);
        dialog->setLine(0, 1, true);
        QTest::keyClicks(dialog->findChildren<QLineEdit *>().last(), u"wants the other pair"_s);
        QVERIFY2(dialog->canExchange(), qPrintable(dialog->exchangeToolTip()));
        QTest::keyClick(dialog, Qt::Key_E, Qt::ControlModifier);

        // The counter follows the new sale: its link asks for 60.00, the credit is 120.00.
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->order() && m_screen->order()->orderId != original.orderId &&
                                     m_screen->order()->link.state == PaymentLinkState::Ready, 15000);
        const PosOrderState exchange = *m_screen->order();
        QCOMPARE(exchange.totals.total.minor(), 18000);
        QCOMPARE(exchange.due().minor(), 6000);
        QCOMPARE(ownerScalar("SELECT amount_minor FROM stripe_requests WHERE kind = 'payment_link' AND order_id = '" +
                             exchange.orderId.toStdString() + "'"), u"6000"_s);
        QCOMPARE(stockOf(u"E2E-SWAP-A"_s), u"2/0"_s);   // the returned pair is back on the shelf
        QCOMPARE(stockOf(u"E2E-SWAP-B"_s), u"2/1"_s);   // the new pair is held

        QCOMPARE(test::httpRequest(m_nam, "POST", m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(exchange.link.paymentLinkId)))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->phase() == PosScreen::Phase::Paid, 10000);
        QCOMPARE(ownerScalar("SELECT status || ':' || needs_review FROM orders WHERE id = '" + exchange.orderId.toStdString() + "'"),
                 u"paid:false"_s);   // Stripe's 60.00 matched the due, not flagged
        QCOMPARE(ownerScalar("SELECT state FROM returns WHERE exchange_order_id = '" + exchange.orderId.toStdString() + "'"),
                 u"exchanged"_s);
        QCOMPARE(stockOf(u"E2E-SWAP-A"_s), u"2/0"_s);
        QCOMPARE(stockOf(u"E2E-SWAP-B"_s), u"1/0"_s);
        // No money went back on the original: its payment is the credit.
        QCOMPARE(ownerScalar("SELECT count(*) FROM stripe_requests WHERE kind = 'refund' AND order_id = '" +
                             original.orderId.toStdString() + "'"), u"0"_s);
    }

    void cancelAtTheCounter_releasesStock_deactivatesLink()
    {
        scanAndCharge(u"E2E-CANCEL"_s);
        const PosOrderState placed = *m_screen->order();
        QCOMPARE(stockOf(u"E2E-CANCEL"_s), u"2/1"_s);
        QTest::keyClick(m_screen->scanField(), Qt::Key_Escape);
        m_screen->confirmCancel();
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->phase() == PosScreen::Phase::Canceled, 10000);
        QCOMPARE(stockOf(u"E2E-CANCEL"_s), u"2/0"_s);
        QTRY_COMPARE_WITH_TIMEOUT(linkAtStripe(placed.link.paymentLinkId).value(u"active"_s).toBool(true), false, 10000);
        // The buyer scans the old QR code anyway: Stripe refuses, the order stays canceled.
        const auto late = test::httpRequest(m_nam, "POST",
                                            m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(placed.link.paymentLinkId)));
        QVERIFY(late.status >= 400);
        QCOMPARE(ownerScalar("SELECT status FROM orders WHERE id = '" + placed.orderId.toStdString() + "'"), u"canceled"_s);
    }

    void connectionDropsMidSale_screenRecoversAndShowsTheRealState()
    {
        const QByteArray superuser = qgetenv("RDK_TEST_PG_SUPERUSER_URL");
        if (superuser.isEmpty())
            QSKIP("RDK_TEST_PG_SUPERUSER_URL is not set (scripts/test sets it); can't cut the connections");
        scanAndCharge(u"E2E-DROP"_s);
        const PosOrderState placed = *m_screen->order();

        // Every connection of the counter's login dies (a network blip, a server restart)...
        {
            pqxx::connection su(superuser.toStdString());
            pqxx::work tx(su);
            tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                           m_staff.login.toStdString());
            tx.commit();
        }
        // ...and meanwhile the buyer pays. The notification is lost with the connection; the
        // feed reconnects, the screen re-reads the order and shows what really happened.
        QCOMPARE(test::httpRequest(m_nam, "POST",
                                   m_sandbox.url(u"/_sandbox/payment_links/%1/pay"_s.arg(placed.link.paymentLinkId)))
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(ownerScalar("SELECT status FROM orders WHERE id = '" + placed.orderId.toStdString() + "'"),
                                  u"paid"_s, 10000);
        m_feed->checkConnection();
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->phase() == PosScreen::Phase::Paid, 20000);
        QCOMPARE(m_screen->order()->orderId, placed.orderId);
        QCOMPARE(stockOf(u"E2E-DROP"_s), u"1/0"_s);
    }
};

QTEST_MAIN(TestPosFlow)
#include "tst_pos_flow.moc"

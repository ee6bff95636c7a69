// Reservations and payment events against a real PostgreSQL, as the service's own login.
#include "data/pgcheckout.h"
#include "data/pgrepositories.h"
#include "tests/support/testdatabase.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class TestCheckoutPayments final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    test::Login m_service;
    std::unique_ptr<PgSession> m_sync;

    std::unique_ptr<PgSession> serviceSession()
    {
        auto s = PgSession::open(m_db->urlFor(m_service.login, m_service.password), m_tenant);
        return s ? std::move(s).value() : nullptr;
    }

    void addProduct(const QString &sku, int stockOfSize10, bool published = true)
    {
        auto owner = PgSession::open(m_db->ownerUrl());
        Product p;
        p.tenantId = m_tenant;
        p.sku = sku;
        p.name = u"Dunk Low "_s + sku;
        p.brand = u"Nike"_s;
        p.price = Money::of(11000, u"USD"_s).value();
        p.inventoryStrategy = InventoryStrategy::PerSize;
        p.sizeSystem = SizeSystem::Mens;
        p.sizeRun = {u"9"_s, u"10"_s};
        p.stock = {{u"9"_s, 5, 0}, {u"10"_s, stockOfSize10, 0}};
        p.published = published;
        QVERIFY(PgProductRepository(**owner).create(p, {}).ok());
    }

    int scalar(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

    PendingOrder placeOne(const QString &sku, int quantity = 1)
    {
        auto placed = PgCheckout(*m_sync).placeOrder({{{sku, u"10"_s, quantity}}, u"shopper@example.com"_s}, OrderChannel::Online,
                                                     Money::of(995, u"USD"_s).value(), 30);
        if (!placed)
            qFatal("placeOrder failed: %s", qPrintable(placed.error().message));
        return placed.value();
    }

    PaymentEvent paidEvent(const PendingOrder &order, const QString &eventId, qint64 amount = -1)
    {
        PaymentEvent e;
        e.eventId = eventId;
        e.type = u"checkout.session.completed"_s;
        e.orderId = order.orderId;
        e.paymentIntentId = u"pi_"_s + eventId.mid(4);
        e.checkoutSessionId = u"cs_test_"_s + eventId.mid(4);
        e.report = PaymentReport{PaymentSignal::Paid, Money::of(amount < 0 ? order.totals.total.minor() : amount, u"USD"_s).value(), true};
        return e;
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_service = m_db->createServiceLogin();
        m_sync = serviceSession();
        QVERIFY(m_sync);
    }

    void cleanup()
    {
        m_sync.reset();
        m_db.reset();
    }

    void placeOrder_reservesStockAndCreatesAPendingOrder()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 2);
        QVERIFY(order.orderNumber >= 1001);
        QCOMPARE(order.totals.total.minor(), 2 * 11000 + 995);
        QVERIFY(order.reservedUntil > QDateTime::currentDateTimeUtc().addSecs(29 * 60));
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 2);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 3);
        QCOMPARE(scalar("SELECT count(*) FROM stock_reservations WHERE state = 'held'"), 1);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'pending' AND channel = 'online'"), 1);
    }

    void placeOrder_refusesWhatCantBeSold_data()
    {
        QTest::addColumn<QString>("sku");
        QTest::addColumn<QString>("size");
        QTest::addColumn<int>("quantity");
        QTest::addColumn<int>("code");
        QTest::addRow("more than in stock") << u"DUNK-1"_s << u"10"_s << 4 << int(ErrorCode::OutOfStock);
        QTest::addRow("size not stocked") << u"DUNK-1"_s << u"12"_s << 1 << int(ErrorCode::NotFound);
        QTest::addRow("unpublished product") << u"HIDDEN-1"_s << u"10"_s << 1 << int(ErrorCode::NotFound);
        QTest::addRow("unknown product") << u"NOPE-1"_s << u"10"_s << 1 << int(ErrorCode::NotFound);
    }

    void placeOrder_refusesWhatCantBeSold()
    {
        QFETCH(QString, sku);
        QFETCH(QString, size);
        QFETCH(int, quantity);
        QFETCH(int, code);
        addProduct(u"DUNK-1"_s, 3);
        addProduct(u"HIDDEN-1"_s, 3, false);
        auto placed = PgCheckout(*m_sync).placeOrder({{{u"DUNK-1"_s, u"9"_s, 1}, {sku, size, quantity}}, {}}, OrderChannel::Online,
                                                     Money::zero(u"USD"_s), 30);
        QVERIFY(!placed.ok());
        QCOMPARE(int(placed.error().code), code);
        // All or nothing: the first line's hold was rolled back too.
        QCOMPARE(scalar("SELECT sum(reserved)::int FROM inventory"), 0);
        QCOMPARE(scalar("SELECT count(*) FROM orders"), 0);
    }

    void placeOrder_fiftyShoppersForThreePairs_exactlyThreeWin()
    {
        addProduct(u"LAST-3"_s, 3);
        std::atomic<int> won = 0;
        std::atomic<int> soldOut = 0;
        std::atomic<int> other = 0;
        std::vector<std::thread> shoppers;
        for (int i = 0; i < 50; ++i) {
            shoppers.emplace_back([&] {
                auto session = serviceSession();
                if (!session) {
                    ++other;
                    return;
                }
                auto placed = PgCheckout(*session).placeOrder({{{u"LAST-3"_s, u"10"_s, 1}}, {}}, OrderChannel::Online,
                                                              Money::zero(u"USD"_s), 30);
                if (placed.ok())
                    ++won;
                else if (placed.error().code == ErrorCode::OutOfStock)
                    ++soldOut;
                else
                    ++other;
            });
        }
        for (auto &t : shoppers)
            t.join();
        QCOMPARE(won.load(), 3);
        QCOMPARE(soldOut.load(), 47);
        QCOMPARE(other.load(), 0);
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 3);
        QCOMPARE(scalar("SELECT count(*) FROM orders"), 3);
    }

    void paymentEvent_paidTurnsTheHoldIntoASaleOnce()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 2);
        PgCheckout checkout(*m_sync);
        auto first = checkout.applyPaymentEvent(paidEvent(order, u"evt_paid_1"_s));
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QCOMPARE(toString(*first), u"applied"_s);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 1);
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 0);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid' AND paid_at IS NOT NULL AND stripe_payment_intent_id = 'pi_paid_1'"), 1);
        QCOMPARE(scalar("SELECT count(*) FROM audit_log WHERE entity = 'order' AND after->>'status' = 'paid'"), 1);

        auto again = checkout.applyPaymentEvent(paidEvent(order, u"evt_paid_1"_s));
        QCOMPARE(toString(*again), u"duplicate"_s);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 1);

        // A late "expired" never moves a paid order backwards.
        PaymentEvent expired;
        expired.eventId = u"evt_late_expired"_s;
        expired.type = u"checkout.session.expired"_s;
        expired.orderId = order.orderId;
        expired.report = PaymentReport{PaymentSignal::Expired, Money::zero(u"USD"_s), false};
        QCOMPARE(toString(*checkout.applyPaymentEvent(expired)), u"ignored"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid'"), 1);
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 2);
    }

    void paymentEvent_twentyCopiesAtOnce_oneEffect()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 1);
        const PaymentEvent event = paidEvent(order, u"evt_storm"_s);
        std::atomic<int> applied = 0;
        std::atomic<int> duplicates = 0;
        std::vector<std::thread> deliveries;
        for (int i = 0; i < 20; ++i) {
            deliveries.emplace_back([&] {
                auto session = serviceSession();
                auto outcome = session ? PgCheckout(*session).applyPaymentEvent(event) : Result<EventOutcome>(Error::internal({}));
                if (outcome.ok() && *outcome == EventOutcome::Applied)
                    ++applied;
                else if (outcome.ok() && *outcome == EventOutcome::Duplicate)
                    ++duplicates;
            });
        }
        for (auto &t : deliveries)
            t.join();
        QCOMPARE(applied.load(), 1);
        QCOMPARE(duplicates.load(), 19);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 2);
        QCOMPARE(scalar("SELECT count(*) FROM audit_log WHERE entity = 'order' AND after->>'status' = 'paid'"), 1);
    }

    void paymentEvent_wrongAmount_flagsForReviewAndKeepsTheHold()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 1);
        auto outcome = PgCheckout(*m_sync).applyPaymentEvent(paidEvent(order, u"evt_short"_s, 100));
        QCOMPARE(toString(*outcome), u"flagged_for_review"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'pending' AND needs_review"), 1);
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 1);
        QCOMPARE(scalar("SELECT count(*) FROM audit_log WHERE action = 'review'"), 1);
    }

    void paymentEvent_expiredOrFailed_releasesTheStock()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 3);
        PaymentEvent expired;
        expired.eventId = u"evt_expired_1"_s;
        expired.type = u"checkout.session.expired"_s;
        expired.orderId = order.orderId;
        expired.report = PaymentReport{PaymentSignal::Expired, Money::zero(u"USD"_s), false};
        QCOMPARE(toString(*PgCheckout(*m_sync).applyPaymentEvent(expired)), u"applied"_s);
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 0);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 3);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'canceled'"), 1);
        // Money arriving afterwards is flagged, not silently accepted.
        QCOMPARE(toString(*PgCheckout(*m_sync).applyPaymentEvent(paidEvent(order, u"evt_paid_late"_s))), u"flagged_for_review"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'canceled' AND needs_review"), 1);
    }

    void paymentEvent_refundsFoundByPaymentIntent()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 1);
        PgCheckout checkout(*m_sync);
        QVERIFY(checkout.applyPaymentEvent(paidEvent(order, u"evt_pay_r"_s)).ok());
        PaymentEvent refund;
        refund.eventId = u"evt_refund_part"_s;
        refund.type = u"charge.refunded"_s;
        refund.paymentIntentId = u"pi_pay_r"_s;
        refund.report = PaymentReport{PaymentSignal::Refunded, Money::of(5000, u"USD"_s).value(), true};
        QCOMPARE(toString(*checkout.applyPaymentEvent(refund)), u"applied"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'partially_refunded' AND refunded_minor = 5000"), 1);
        refund.eventId = u"evt_refund_full"_s;
        refund.report->amount = order.totals.total;
        QCOMPARE(toString(*checkout.applyPaymentEvent(refund)), u"applied"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'refunded'"), 1);
    }

    void paymentEvent_unknownOrderOrType_isRecordedAndHarmless()
    {
        PaymentEvent stray;
        stray.eventId = u"evt_stray"_s;
        stray.type = u"checkout.session.completed"_s;
        stray.orderId = u"00000000-0000-0000-0000-000000000000"_s;
        stray.report = PaymentReport{PaymentSignal::Paid, Money::of(100, u"USD"_s).value(), true};
        QCOMPARE(toString(*PgCheckout(*m_sync).applyPaymentEvent(stray)), u"unknown_order"_s);
        PaymentEvent other;
        other.eventId = u"evt_other"_s;
        other.type = u"customer.created"_s;
        QCOMPARE(toString(*PgCheckout(*m_sync).applyPaymentEvent(other)), u"ignored"_s);
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 2);
    }

    void releaseExpired_givesStockBackWithoutAnyEvent()
    {
        addProduct(u"DUNK-1"_s, 3);
        placeOne(u"DUNK-1"_s, 2);
        m_db->execOwner("UPDATE stock_reservations SET expires_at = now() - interval '1 minute'");
        auto released = PgCheckout(*m_sync).releaseExpiredReservations();
        QVERIFY2(released.ok(), released.ok() ? "" : qPrintable(released.error().message));
        QCOMPARE(*released, 1);
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 0);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'canceled'"), 1);
    }
};

QTEST_GUILESS_MAIN(TestCheckoutPayments)
#include "tst_checkout_payments.moc"

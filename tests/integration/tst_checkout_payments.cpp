// Reservations and payment events against a real PostgreSQL, as the service's own login; and
// events that arrive together, applied in one transaction (ADR 0031): rdk.apply_payment_events
// through PgCheckout, and rdk-sync's WebhookBatcher gathering what concurrent handlers hand over.
#include "data/pgcheckout.h"
#include "data/pgdashboard.h"
#include "data/pgrepositories.h"
#include "sync/webhookbatcher.h"
#include "tests/support/sessionwait.h"
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
        auto s = PgSession::open(m_db->urlFor(m_service.login, m_service.password));
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

    std::string orderStatus(const QString &orderId)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1("SELECT status FROM orders WHERE id = '" + orderId.toStdString() + "'")[0].as<std::string>();
    }

    PendingOrder placeOne(const QString &sku, int quantity = 1)
    {
        auto placed = PgCheckout(*m_sync).placeOrder({{{sku, u"10"_s, quantity}}, u"shopper@example.com"_s}, 30);
        if (!placed)
            qFatal("placeOrder failed: %s", qPrintable(placed.error().message));
        return placed.value();
    }

    // A fault only the owner can inject: queueing `order`'s paid mail fails, halfway through
    // its payment (after its event row, its order and its stock were written). The trigger is
    // named test_injected_fault, for a test that drops it again.
    void failPaidMailOf(const PendingOrder &order)
    {
        m_db->execOwner("CREATE FUNCTION public.test_injected_fault() RETURNS trigger LANGUAGE plpgsql AS "
                        "$$BEGIN IF NEW.order_id = '" + order.orderId.toStdString() + "' THEN RAISE EXCEPTION 'injected fault'; END IF; "
                        "RETURN NEW; END$$");
        m_db->execOwner("CREATE TRIGGER test_injected_fault BEFORE INSERT ON mail_outbox FOR EACH ROW "
                        "EXECUTE FUNCTION public.test_injected_fault()");
    }

    // rdk-admin's rebuild finds no aggregate that differs from what the orders say.
    void verifyDashboardMatchesOrders()
    {
        auto owner = PgSession::open(m_db->ownerUrl());
        QVERIFY(owner.ok());
        auto report = PgDashboardMaintenance(**owner).rebuild(u"shop-a"_s);
        QVERIFY2(report.ok(), report.ok() ? "" : qPrintable(report.error().message));
        QStringList differences;
        for (const AggregateDifference &d : report->differences)
            differences.append(d.table + u' ' + d.key + u": expected "_s + d.expected + u", found "_s + d.actual);
        QVERIFY2(differences.isEmpty(), qPrintable(differences.join(u'\n')));
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
        m_service = m_db->createServiceLogin(m_tenant);
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
        // Priced by the database from the catalog; nothing else is charged online yet.
        QCOMPARE(order.totals.total.minor(), 2 * 11000);
        QCOMPARE(order.lines.size(), 1);
        QCOMPARE(order.lines.first().unitPrice.minor(), 11000);
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
        auto placed = PgCheckout(*m_sync).placeOrder({{{u"DUNK-1"_s, u"9"_s, 1}, {sku, size, quantity}}, {}}, 30);
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
                auto placed = PgCheckout(*session).placeOrder({{{u"LAST-3"_s, u"10"_s, 1}}, {}}, 30);
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

    void paymentEvent_withoutAmountOrCurrency_flagsForReview()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 1);
        PaymentEvent noAmount = paidEvent(order, u"evt_no_amount"_s);
        noAmount.report->amountKnown = false;
        QCOMPARE(toString(*PgCheckout(*m_sync).applyPaymentEvent(noAmount)), u"flagged_for_review"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'pending' AND needs_review"), 1);
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 1);
        // Positive control: the same order, the amount reported, is paid.
        QCOMPARE(toString(*PgCheckout(*m_sync).applyPaymentEvent(paidEvent(order, u"evt_with_amount"_s))), u"applied"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid'"), 1);
    }

    void paymentEvent_stockBookkeepingOff_stillPaidAndFlagged()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 2);
        // Only the owner can still do this since 0012; before, any staff login could.
        m_db->execOwner("UPDATE inventory SET reserved = 0, quantity = 1 WHERE size = '10'");
        auto outcome = PgCheckout(*m_sync).applyPaymentEvent(paidEvent(order, u"evt_wedged"_s));
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : qPrintable(outcome.error().message));
        QCOMPARE(toString(*outcome), u"applied"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid' AND needs_review"), 1);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 0);
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 0);
    }

    // A webhook is one statement in its own transaction (ADR 0028): when it fails after its
    // event row, the order and the stock were written, none of it stays, the event row
    // included, so Stripe's retry applies it; and the session takes the next event.
    void paymentEvent_failingHalfway_leavesNothingAndTheRetryApplies()
    {
        addProduct(u"DUNK-1"_s, 3);
        const PendingOrder order = placeOne(u"DUNK-1"_s, 1);
        // A fault only the owner can inject: queueing the paid mail fails.
        m_db->execOwner("CREATE FUNCTION public.test_injected_fault() RETURNS trigger LANGUAGE plpgsql AS "
                        "$$BEGIN RAISE EXCEPTION 'injected fault'; END$$");
        m_db->execOwner("CREATE TRIGGER test_injected_fault AFTER INSERT ON mail_outbox FOR EACH ROW "
                        "EXECUTE FUNCTION public.test_injected_fault()");
        PgCheckout checkout(*m_sync);
        auto failed = checkout.applyPaymentEvent(paidEvent(order, u"evt_halfway"_s));
        QVERIFY(!failed.ok());
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 0);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'pending' AND NOT needs_review"), 1);
        QCOMPARE(scalar("SELECT reserved FROM inventory WHERE size = '10'"), 1);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 3);
        QCOMPARE(scalar("SELECT count(*) FROM stock_reservations WHERE state = 'held'"), 1);
        QCOMPARE(scalar("SELECT count(*) FROM audit_log WHERE entity IN ('order', 'inventory', 'customer') AND reason LIKE 'stripe%'"), 0);
        QCOMPARE(scalar("SELECT count(*) FROM customers"), 0);

        m_db->execOwner("DROP TRIGGER test_injected_fault ON mail_outbox");
        auto retried = checkout.applyPaymentEvent(paidEvent(order, u"evt_halfway"_s));
        QVERIFY2(retried.ok(), retried.ok() ? "" : qPrintable(retried.error().message));
        QCOMPARE(toString(*retried), u"applied"_s);
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events WHERE outcome = 'applied'"), 1);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid'"), 1);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 2);
        QCOMPARE(scalar("SELECT count(*) FROM mail_outbox WHERE kind = 'order_paid'"), 1);
        QCOMPARE(toString(*checkout.applyPaymentEvent(paidEvent(order, u"evt_halfway"_s))), u"duplicate"_s);
    }

    // What a payment does to an order is decided by the database (rdk.decide_payment_effect).
    void decidePaymentEffect_followsTheTable_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("signal");
        QTest::addColumn<qint64>("amount");  // -1: none reported
        QTest::addColumn<QString>("currency");
        QTest::addColumn<QString>("expected");
        const QString usd = u"usd"_s;
        QTest::addRow("pending paid in full") << u"pending"_s << u"paid"_s << 10000LL << usd << u"mark_paid"_s;
        QTest::addRow("awaiting then paid") << u"awaiting_payment"_s << u"paid"_s << 10000LL << usd << u"mark_paid"_s;
        QTest::addRow("paid twice") << u"paid"_s << u"paid"_s << 10000LL << usd << u"ignore"_s;
        QTest::addRow("paid after cancel") << u"canceled"_s << u"paid"_s << 10000LL << usd << u"flag_for_review"_s;
        QTest::addRow("paid short") << u"pending"_s << u"paid"_s << 9999LL << usd << u"flag_for_review"_s;
        QTest::addRow("paid other currency") << u"pending"_s << u"paid"_s << 10000LL << u"eur"_s << u"flag_for_review"_s;
        QTest::addRow("paid without amount") << u"pending"_s << u"paid"_s << -1LL << usd << u"flag_for_review"_s;
        QTest::addRow("paid without currency") << u"pending"_s << u"paid"_s << 10000LL << QString() << u"flag_for_review"_s;
        QTest::addRow("pending awaiting") << u"pending"_s << u"awaiting_payment"_s << -1LL << usd << u"mark_awaiting_payment"_s;
        QTest::addRow("paid then awaiting") << u"paid"_s << u"awaiting_payment"_s << -1LL << usd << u"ignore"_s;
        QTest::addRow("pending expired") << u"pending"_s << u"expired"_s << -1LL << usd << u"cancel"_s;
        QTest::addRow("awaiting failed") << u"awaiting_payment"_s << u"failed"_s << -1LL << usd << u"cancel"_s;
        QTest::addRow("paid then expired") << u"paid"_s << u"expired"_s << -1LL << usd << u"ignore"_s;
        QTest::addRow("shipped then failed") << u"shipped"_s << u"failed"_s << -1LL << usd << u"ignore"_s;
        QTest::addRow("canceled expired again") << u"canceled"_s << u"expired"_s << -1LL << usd << u"ignore"_s;
        QTest::addRow("paid partial refund") << u"paid"_s << u"refunded"_s << 2500LL << usd << u"partial_refund"_s;
        QTest::addRow("partial then full") << u"partially_refunded"_s << u"refunded"_s << 10000LL << usd << u"refund"_s;
        QTest::addRow("shipped full refund") << u"shipped"_s << u"refunded"_s << 10000LL << usd << u"refund"_s;
        QTest::addRow("refund repeated") << u"refunded"_s << u"refunded"_s << 10000LL << usd << u"ignore"_s;
        QTest::addRow("refund for unpaid") << u"pending"_s << u"refunded"_s << 10000LL << usd << u"flag_for_review"_s;
        QTest::addRow("refund over total") << u"paid"_s << u"refunded"_s << 10001LL << usd << u"flag_for_review"_s;
        QTest::addRow("refund without amount") << u"paid"_s << u"refunded"_s << -1LL << usd << u"flag_for_review"_s;
    }

    void decidePaymentEffect_followsTheTable()
    {
        QFETCH(QString, status);
        QFETCH(QString, signal);
        QFETCH(qint64, amount);
        QFETCH(QString, currency);
        QFETCH(QString, expected);
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        const auto row = tx.exec_params1("SELECT action, reason FROM rdk.decide_payment_effect($1, 10000, 'USD', $2, $3, $4)",
                                         status.toStdString(), signal.toStdString(),
                                         amount < 0 ? std::nullopt : std::optional<qint64>(amount),
                                         currency.isEmpty() ? std::nullopt : std::optional<std::string>(currency.toStdString()));
        QCOMPARE(QString::fromStdString(row[0].as<std::string>()), expected);
        QVERIFY(!row[1].as<std::string>().empty());
    }

    void decidePaymentEffect_neverMovesAnOrderBackwards()
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        // Every (status, signal) whose action moves the order must be a legal transition.
        const auto illegal = tx.exec(
            "SELECT s, g, d.action FROM unnest(ARRAY['pending','awaiting_payment','paid','shipped','fulfilled','canceled',"
            "                                        'refunded','partially_refunded']) s "
            "CROSS JOIN unnest(ARRAY['paid','awaiting_payment','failed','expired','refunded']) g "
            "CROSS JOIN LATERAL rdk.decide_payment_effect(s, 500, 'USD', g, 500, 'USD') d "
            "WHERE NOT rdk.order_transition_allowed(s, CASE d.action WHEN 'mark_paid' THEN 'paid' "
            "  WHEN 'mark_awaiting_payment' THEN 'awaiting_payment' WHEN 'cancel' THEN 'canceled' "
            "  WHEN 'refund' THEN 'refunded' WHEN 'partial_refund' THEN 'partially_refunded' ELSE s END)");
        QCOMPARE(int(illegal.size()), 0);
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

    // One list: a payment, its copy, an event id that is none, another payment. Each gets its
    // own answer, and the bad one changes nothing of the others.
    void paymentEvents_together_eachIsAnsweredOnItsOwn()
    {
        addProduct(u"BATCH-1"_s, 30);
        const PendingOrder a = placeOne(u"BATCH-1"_s);
        const PendingOrder b = placeOne(u"BATCH-1"_s);
        PaymentEvent bad = paidEvent(b, u"evt_x"_s);
        bad.eventId = u"x'; DROP TABLE orders; --"_s;
        auto outcomes = PgCheckout(*m_sync).applyPaymentEvents({paidEvent(a, u"evt_batch_a"_s), paidEvent(a, u"evt_batch_a"_s), bad,
                                                               paidEvent(b, u"evt_batch_b"_s)});
        QVERIFY2(outcomes.ok(), outcomes.ok() ? "" : qPrintable(outcomes.error().message));
        QCOMPARE(outcomes->size(), 4);
        QCOMPARE(toString(*outcomes->at(0)), u"applied"_s);
        QCOMPARE(toString(*outcomes->at(1)), u"duplicate"_s);
        QVERIFY(!outcomes->at(2).ok());
        QCOMPARE(outcomes->at(2).error().code, ErrorCode::Invalid);
        QVERIFY2(outcomes->at(2).error().message.contains(u"not a Stripe event id"_s), qPrintable(outcomes->at(2).error().message));
        QCOMPARE(toString(*outcomes->at(3)), u"applied"_s);
        QCOMPARE(orderStatus(a.orderId), std::string("paid"));
        QCOMPARE(orderStatus(b.orderId), std::string("paid"));
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 2);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 28);
        QCOMPARE(scalar("SELECT count(*) FROM audit_log WHERE entity = 'order' AND after->>'status' = 'paid'"), 2);
        QCOMPARE(scalar("SELECT count(*) FROM mail_outbox WHERE kind = 'order_paid'"), 2);
    }

    // An event that fails halfway (after its event row, its order and its stock were written)
    // leaves none of that, while the events before and after it in the list stay applied; the
    // retry of the failed one applies it.
    void paymentEvents_oneFailingHalfway_leavesNothingOfItAndTheOthersStay()
    {
        addProduct(u"BATCH-1"_s, 30);
        const PendingOrder a = placeOne(u"BATCH-1"_s);
        const PendingOrder b = placeOne(u"BATCH-1"_s);
        const PendingOrder c = placeOne(u"BATCH-1"_s);
        failPaidMailOf(b);
        auto outcomes = PgCheckout(*m_sync).applyPaymentEvents(
            {paidEvent(a, u"evt_half_a"_s), paidEvent(b, u"evt_half_b"_s), paidEvent(c, u"evt_half_c"_s)});
        QVERIFY(outcomes.ok());
        QCOMPARE(toString(*outcomes->at(0)), u"applied"_s);
        QVERIFY(!outcomes->at(1).ok());
        QVERIFY2(outcomes->at(1).error().message.contains(u"injected fault"_s), qPrintable(outcomes->at(1).error().message));
        QCOMPARE(toString(*outcomes->at(2)), u"applied"_s);
        QCOMPARE(orderStatus(b.orderId), std::string("pending"));
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events WHERE id = 'evt_half_b'"), 0);
        QCOMPARE(scalar("SELECT count(*) FROM stock_reservations WHERE state = 'held'"), 1);
        QCOMPARE(scalar("SELECT count(*) FROM audit_log WHERE entity = 'order' AND after->>'status' = 'paid'"), 2);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 28);

        m_db->execOwner("DROP TRIGGER test_injected_fault ON mail_outbox");
        auto retried = PgCheckout(*m_sync).applyPaymentEvent(paidEvent(b, u"evt_half_b"_s));
        QVERIFY2(retried.ok(), retried.ok() ? "" : qPrintable(retried.error().message));
        QCOMPARE(toString(*retried), u"applied"_s);
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid'"), 3);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 27);
    }

    void paymentEvents_moreThanThirtyTwo_areRefusedWhole()
    {
        addProduct(u"BATCH-1"_s, 30);
        const PendingOrder a = placeOne(u"BATCH-1"_s);
        QList<PaymentEvent> events;
        for (int i = 0; i < 33; ++i)
            events.append(paidEvent(a, u"evt_many_%1"_s.arg(i)));
        auto outcomes = PgCheckout(*m_sync).applyPaymentEvents(events);
        QVERIFY(!outcomes.ok());
        QCOMPARE(outcomes.error().code, ErrorCode::Invalid);
        QVERIFY2(outcomes.error().message.contains(u"1 to 32"_s), qPrintable(outcomes.error().message));
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 0);
        QCOMPARE(orderStatus(a.orderId), std::string("pending"));
        // Positive control: thirty-two go through.
        events.removeLast();
        auto fits = PgCheckout(*m_sync).applyPaymentEvents(events);
        QVERIFY(fits.ok());
        QCOMPARE(toString(*fits->first()), u"applied"_s);
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 32);
    }

    // A list of payments writes the dashboard once, at its end (ADR 0032): in the list's
    // transaction the shop's day row of sales_daily is written once, not once per payment,
    // and the aggregates agree with the orders, a refund in the list and an event that failed
    // halfway (its deltas went with it) included.
    void paymentEvents_dashboardIsWrittenOnceForTheList_andAddsUp()
    {
        addProduct(u"BATCH-1"_s, 30);
        const PendingOrder refunded = placeOne(u"BATCH-1"_s);
        QVERIFY(PgCheckout(*m_sync).applyPaymentEvent(paidEvent(refunded, u"evt_dash_r"_s)).ok());
        const PendingOrder a = placeOne(u"BATCH-1"_s, 2);
        const PendingOrder b = placeOne(u"BATCH-1"_s);
        const PendingOrder c = placeOne(u"BATCH-1"_s);
        failPaidMailOf(b);
        const auto paid = [](const PendingOrder &order, const char *id) {
            return "{\"id\": \"" + std::string(id) + "\", \"type\": \"checkout.session.completed\", \"order\": \"" +
                   order.orderId.toStdString() + "\", \"signal\": \"paid\", \"amount_minor\": \"" +
                   std::to_string(order.totals.total.minor()) + "\", \"currency\": \"usd\"}";
        };
        const std::string refund = "{\"id\": \"evt_dash_refund\", \"type\": \"charge.refunded\", \"payment_intent\": \"pi_dash_r\", "
                                   "\"signal\": \"refunded\", \"amount_minor\": \"" + std::to_string(refunded.totals.total.minor()) +
                                   "\", \"currency\": \"usd\"}";
        pqxx::connection service(m_db->urlFor(m_service.login, m_service.password));
        pqxx::work tx(service);
        const pqxx::result outcomes = tx.exec("SELECT outcome, error_state FROM rdk.apply_payment_events('[" + paid(a, "evt_dash_a") + ", " +
                                              paid(b, "evt_dash_b") + ", " + refund + ", " + paid(c, "evt_dash_c") + "]') ORDER BY event_no");
        QCOMPARE(outcomes[0][0].c_str(), "applied");
        QVERIFY(outcomes[1][0].is_null() && !outcomes[1][1].is_null());
        QCOMPARE(outcomes[2][0].c_str(), "applied");
        QCOMPARE(outcomes[3][0].c_str(), "applied");
        QCOMPARE(tx.exec1("SELECT n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'sales_daily'")[0].as<int>(), 1);
        tx.commit();

        QCOMPARE(scalar("SELECT sum(orders) FROM sales_daily"), 3);
        QCOMPARE(scalar("SELECT sum(units) FROM size_sales_daily WHERE size = '10'"), 3);
        verifyDashboardMatchesOrders();

        // The session's second list reuses what the first one set up, and adds up too.
        const PendingOrder d = placeOne(u"BATCH-1"_s);
        const PendingOrder e = placeOne(u"BATCH-1"_s);
        QVERIFY(PgCheckout(*m_sync).applyPaymentEvents({paidEvent(d, u"evt_dash_d"_s), paidEvent(e, u"evt_dash_e"_s)}).ok());
        QCOMPARE(scalar("SELECT sum(orders) FROM sales_daily"), 5);
        verifyDashboardMatchesOrders();
    }

    // Handlers hand their events over while the database is busy with a first one. They gather
    // into one list; a second lane sends it once kSecondLaneBatch wait (ADR 0035), and what
    // arrives while both lanes are busy gathers for the next send. Each handler gets its own
    // event's answer.
    void webhookBatcher_gathersWhatArrivesWhileTheDatabaseWorks()
    {
        addProduct(u"BATCH-1"_s, 30);
        QList<PendingOrder> orders;
        for (int i = 0; i < 21; ++i)
            orders.append(placeOne(u"BATCH-1"_s));
        // The owner keeps every event's row from being written, so each send waits inside the
        // database.
        test::OwnerLockHold hold(*m_db, "LOCK TABLE stripe_events IN SHARE MODE");

        sync::SessionProvider sessions(m_db->urlFor(m_service.login, m_service.password));
        sync::MetricsRegistry metrics;
        sync::WebhookBatcher batcher(sessions, &metrics);
        QList<Result<EventOutcome>> outcomes(orders.size(), Error::internal({}));
        std::vector<std::thread> handlers;
        const auto hand = [&](int from, int to) {
            for (int i = from; i < to; ++i)
                handlers.emplace_back([&, i] { outcomes[i] = batcher.apply(paidEvent(orders[i], u"evt_gather_%1"_s.arg(i))); });
        };
        hand(0, 1);
        QTRY_COMPARE(test::sessionsWaitingOnLocks(*m_db), 1);
        // Fewer than kSecondLaneBatch wait: they wait for the first lane.
        hand(1, sync::WebhookBatcher::kSecondLaneBatch);
        QTRY_COMPARE(batcher.waitingCount(), sync::WebhookBatcher::kSecondLaneBatch - 1);
        QTest::qWait(200);
        QCOMPARE(test::sessionsWaitingOnLocks(*m_db), 1);
        // One more, and the second lane sends them all.
        hand(sync::WebhookBatcher::kSecondLaneBatch, sync::WebhookBatcher::kSecondLaneBatch + 1);
        QTRY_COMPARE(test::sessionsWaitingOnLocks(*m_db), 2);
        QCOMPARE(batcher.waitingCount(), 0);
        // Both lanes busy: the rest gathers.
        hand(sync::WebhookBatcher::kSecondLaneBatch + 1, int(orders.size()));
        QTRY_COMPARE(batcher.waitingCount(), int(orders.size()) - sync::WebhookBatcher::kSecondLaneBatch - 1);
        hold.release();
        for (auto &t : handlers)
            t.join();

        for (int i = 0; i < orders.size(); ++i)
            QVERIFY2(outcomes[i].ok() && *outcomes[i] == EventOutcome::Applied, qPrintable(QString::number(i)));
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid'"), 21);
        // paid_at is the transaction's start: the first send, the second lane's, the rest.
        QCOMPARE(scalar("SELECT count(DISTINCT paid_at) FROM orders WHERE status = 'paid'"), 3);
        const QByteArrayList exposition = metrics.render().split('\n');
        QVERIFY(exposition.contains("rdk_webhook_batch_events_count 3"_ba));
        QVERIFY(exposition.contains("rdk_webhook_batch_events_sum 21"_ba));
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events WHERE outcome = 'applied'"), 21);
        verifyDashboardMatchesOrders();
    }

    // Two lists of one shop run side by side and name the same two orders in opposite orders.
    // Each takes its orders and stock rows sorted before applying anything
    // (rdk.lock_payment_rows), so neither holds what the other waits for: no deadlock, each
    // order paid once. Taken in the events' order, the second list's first event waits behind
    // the first list's hold of the other order, and PostgreSQL ends one of them with 40P01.
    void paymentLists_sideBySide_takeTheirRowsInOneOrder()
    {
        addProduct(u"SIDE-1"_s, 3);
        addProduct(u"SIDE-2"_s, 3);
        PendingOrder low = placeOne(u"SIDE-1"_s), high = placeOne(u"SIDE-2"_s);
        if (high.orderId < low.orderId)
            std::swap(low, high);
        // The owner holds the higher order, so the list that starts with it waits first.
        test::OwnerLockHold hold(*m_db, "SELECT 1 FROM orders WHERE id = '" + high.orderId.toStdString() + "' FOR UPDATE");

        sync::SessionProvider sessions(m_db->urlFor(m_service.login, m_service.password));
        const auto applyList = [&](const QList<PaymentEvent> &events) {
            return sessions.run([&](PgSession &session) { return PgCheckout(session).applyPaymentEvents(events); });
        };
        Result<QList<Result<EventOutcome>>> first = Error::internal({}), second = Error::internal({});
        std::thread highFirst([&] { first = applyList({paidEvent(high, u"evt_side_a_high"_s), paidEvent(low, u"evt_side_a_low"_s)}); });
        QTRY_COMPARE(test::sessionsWaitingOnLocks(*m_db), 1);
        std::thread lowFirst([&] { second = applyList({paidEvent(low, u"evt_side_b_low"_s), paidEvent(high, u"evt_side_b_high"_s)}); });
        QTRY_COMPARE(test::sessionsWaitingOnLocks(*m_db), 2);
        hold.release();
        highFirst.join();
        lowFirst.join();

        QVERIFY(first.ok());
        QVERIFY(second.ok());
        for (const auto &outcome : *first + *second)
            QVERIFY2(outcome.ok(), qPrintable(outcome ? QString() : outcome.error().message));
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid'"), 2);
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events WHERE outcome = 'applied'"), 2);
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events WHERE outcome = 'ignored'"), 2);
        QCOMPARE(scalar("SELECT count(*) FROM stock_reservations WHERE state = 'sold'"), 2);
        verifyDashboardMatchesOrders();
    }
};

QTEST_GUILESS_MAIN(TestCheckoutPayments)
#include "tst_checkout_payments.moc"

// Payment events that arrive together, applied in one transaction (ADR 0031), against a real
// PostgreSQL as the service's own login: rdk.apply_payment_events through PgCheckout, and
// rdk-sync's WebhookBatcher gathering what concurrent webhook handlers hand over.
#include "data/pgcheckout.h"
#include "data/pgrepositories.h"
#include "sync/webhookbatcher.h"
#include "tests/support/testdatabase.h"

#include <QTest>

#include <pqxx/pqxx>

#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class TestWebhookBatches final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    test::Login m_service;
    std::unique_ptr<PgSession> m_sync;

    int scalar(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

    void addProduct(const QString &sku, int stockOfSize10)
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
        p.sizeRun = {u"10"_s};
        p.stock = {{u"10"_s, stockOfSize10, 0}};
        p.published = true;
        QVERIFY(PgProductRepository(**owner).create(p, {}).ok());
    }

    PendingOrder placeOne(const QString &sku)
    {
        auto placed = PgCheckout(*m_sync).placeOrder({{{sku, u"10"_s, 1}}, u"shopper@example.com"_s}, 30);
        if (!placed)
            qFatal("placeOrder failed: %s", qPrintable(placed.error().message));
        return placed.value();
    }

    static PaymentEvent paidEvent(const PendingOrder &order, const QString &eventId)
    {
        PaymentEvent e;
        e.eventId = eventId;
        e.type = u"checkout.session.completed"_s;
        e.orderId = order.orderId;
        e.paymentIntentId = u"pi_"_s + eventId.mid(4);
        e.report = PaymentReport{PaymentSignal::Paid, order.totals.total, true};
        return e;
    }

    std::string orderStatus(const PendingOrder &order)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1("SELECT status FROM orders WHERE id = '" + order.orderId.toStdString() + "'")[0].as<std::string>();
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_service = m_db->createServiceLogin(m_tenant);
        auto s = PgSession::open(m_db->urlFor(m_service.login, m_service.password));
        QVERIFY(s);
        m_sync = std::move(s).value();
        addProduct(u"BATCH-1"_s, 30);
    }

    void cleanup()
    {
        m_sync.reset();
        m_db.reset();
    }

    // One list: a payment, its copy, an event id that is none, another payment. Each gets its
    // own answer, and the bad one changes nothing of the others.
    void together_eachEventIsAnsweredOnItsOwn()
    {
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
        QCOMPARE(orderStatus(a), std::string("paid"));
        QCOMPARE(orderStatus(b), std::string("paid"));
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 2);
        QCOMPARE(scalar("SELECT quantity FROM inventory WHERE size = '10'"), 28);
        QCOMPARE(scalar("SELECT count(*) FROM audit_log WHERE entity = 'order' AND after->>'status' = 'paid'"), 2);
        QCOMPARE(scalar("SELECT count(*) FROM mail_outbox WHERE kind = 'order_paid'"), 2);
    }

    // An event that fails halfway (after its event row, its order and its stock were written)
    // leaves none of that, while the events before and after it in the list stay applied; the
    // retry of the failed one applies it.
    void oneFailingHalfway_leavesNothingOfItAndTheOthersStay()
    {
        const PendingOrder a = placeOne(u"BATCH-1"_s);
        const PendingOrder b = placeOne(u"BATCH-1"_s);
        const PendingOrder c = placeOne(u"BATCH-1"_s);
        // A fault only the owner can inject: queueing b's paid mail fails.
        m_db->execOwner("CREATE FUNCTION public.test_injected_fault() RETURNS trigger LANGUAGE plpgsql AS "
                        "$$BEGIN IF NEW.order_id = '" + b.orderId.toStdString() + "' THEN RAISE EXCEPTION 'injected fault'; END IF; "
                        "RETURN NEW; END$$");
        m_db->execOwner("CREATE TRIGGER test_injected_fault BEFORE INSERT ON mail_outbox FOR EACH ROW "
                        "EXECUTE FUNCTION public.test_injected_fault()");
        auto outcomes = PgCheckout(*m_sync).applyPaymentEvents(
            {paidEvent(a, u"evt_half_a"_s), paidEvent(b, u"evt_half_b"_s), paidEvent(c, u"evt_half_c"_s)});
        QVERIFY(outcomes.ok());
        QCOMPARE(toString(*outcomes->at(0)), u"applied"_s);
        QVERIFY(!outcomes->at(1).ok());
        QVERIFY2(outcomes->at(1).error().message.contains(u"injected fault"_s), qPrintable(outcomes->at(1).error().message));
        QCOMPARE(toString(*outcomes->at(2)), u"applied"_s);
        QCOMPARE(orderStatus(b), std::string("pending"));
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

    void moreThanThirtyTwo_isRefusedWhole()
    {
        const PendingOrder a = placeOne(u"BATCH-1"_s);
        QList<PaymentEvent> events;
        for (int i = 0; i < 33; ++i)
            events.append(paidEvent(a, u"evt_many_%1"_s.arg(i)));
        auto outcomes = PgCheckout(*m_sync).applyPaymentEvents(events);
        QVERIFY(!outcomes.ok());
        QCOMPARE(outcomes.error().code, ErrorCode::Invalid);
        QVERIFY2(outcomes.error().message.contains(u"1 to 32"_s), qPrintable(outcomes.error().message));
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 0);
        QCOMPARE(orderStatus(a), std::string("pending"));
        // Positive control: thirty-two go through.
        events.removeLast();
        auto fits = PgCheckout(*m_sync).applyPaymentEvents(events);
        QVERIFY(fits.ok());
        QCOMPARE(toString(*fits->first()), u"applied"_s);
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events"), 32);
    }

    // Twenty handlers hand their events over while the database is busy with a first one: they
    // are sent together, in one transaction (one commit time for all twenty orders), and each
    // handler gets its own event's answer.
    void batcher_gathersWhatArrivesWhileTheDatabaseWorks()
    {
        QList<PendingOrder> orders;
        for (int i = 0; i < 21; ++i)
            orders.append(placeOne(u"BATCH-1"_s));
        // The owner holds the shop's batch lock, so the first send waits inside the database.
        pqxx::connection owner(m_db->ownerUrl());
        pqxx::nontransaction hold(owner);
        hold.exec("SELECT pg_advisory_lock(hashtextextended('rdk.apply_payment_events:" + m_tenant.toStdString() + "', 0))");

        sync::SessionProvider sessions(m_db->urlFor(m_service.login, m_service.password));
        sync::WebhookBatcher batcher(sessions);
        QList<Result<EventOutcome>> outcomes(orders.size(), Error::internal({}));
        std::vector<std::thread> handlers;
        handlers.emplace_back([&] { outcomes[0] = batcher.apply(paidEvent(orders[0], u"evt_gather_0"_s)); });
        QTRY_COMPARE(scalar("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' "
                                  "AND datname = current_database()"), 1);
        for (int i = 1; i < orders.size(); ++i)
            handlers.emplace_back([&, i] { outcomes[i] = batcher.apply(paidEvent(orders[i], u"evt_gather_%1"_s.arg(i))); });
        QTRY_COMPARE(batcher.waitingCount(), 20);
        hold.exec("SELECT pg_advisory_unlock_all()");
        for (auto &t : handlers)
            t.join();

        for (int i = 0; i < orders.size(); ++i)
            QVERIFY2(outcomes[i].ok() && *outcomes[i] == EventOutcome::Applied, qPrintable(QString::number(i)));
        QCOMPARE(scalar("SELECT count(*) FROM orders WHERE status = 'paid'"), 21);
        // paid_at is the transaction's start: the first send, then one for the other twenty.
        QCOMPARE(scalar("SELECT count(DISTINCT paid_at) FROM orders WHERE status = 'paid'"), 2);
        QCOMPARE(scalar("SELECT count(*) FROM stripe_events WHERE outcome = 'applied'"), 21);
    }
};

QTEST_GUILESS_MAIN(TestWebhookBatches)
#include "tst_webhook_batches.moc"

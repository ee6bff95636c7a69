// PgOrderFeed against a real PostgreSQL: committed order and payment-link changes arrive as
// signals within a second, other shops' changes and hostile payloads do not, a forged "paid"
// notice from the shop's own login wakes the feed but the order it names stays what the
// database says, and a killed connection is reported and comes back on its own.
#include "data/pgorderfeed.h"
#include "tests/pos/data/posfixture.h"
#include "tests/support/sessionwait.h"

#include <QElapsedTimer>
#include <QSignalSpy>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::data::PgOrderFeed;
using rdk::data::PgPos;
using rdk::data::PgSession;
using namespace rdk::test;
using namespace rdk::test::pos;

class TestOrderFeed final : public QObject {
    Q_OBJECT

    PosFixture m_fx;
    std::unique_ptr<PgSession> m_staffSession;
    std::unique_ptr<PgPos> m_pos;

    PgOrderFeed::Connector connector(const Login &login)
    {
        const std::string url = m_fx.db->urlFor(login.login, login.password);
        return [url]() { return PgSession::open(url); };
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        if (!m_fx.setUp(&error))
            QFAIL(qPrintable(error));
        m_staffSession = m_fx.session(m_fx.staff);
        QVERIFY(m_staffSession);
        m_pos = std::make_unique<PgPos>(*m_staffSession);
    }

    void cleanupTestCase()
    {
        m_pos.reset();
        m_staffSession.reset();
        waitForOtherSessionsToEnd(*m_fx.db);
        m_fx.db.reset();
    }

    void committedChanges_arriveWithinASecond()
    {
        PgOrderFeed feed(connector(m_fx.staff));
        QSignalSpy orders(&feed, &OrderChangeFeed::orderChanged);
        QSignalSpy work(&feed, &OrderChangeFeed::paymentWorkChanged);
        QSignalSpy connection(&feed, &OrderChangeFeed::connectionChanged);
        QVERIFY(feed.start());
        QVERIFY(feed.isListening());
        QCOMPARE(connection.size(), 1);
        QCOMPARE(connection[0][0].toBool(), true);

        QElapsedTimer timer;
        timer.start();
        auto placed = m_pos->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY(placed);
        QTRY_VERIFY_WITH_TIMEOUT(orders.size() >= 1 && work.size() >= 1, 1000);
        QCOMPARE(orders[0][0].toString(), placed->orderId);
        QCOMPARE(work[0][0].toString(), placed->orderId);

        timer.restart();
        QVERIFY(m_pos->cancelSale(placed->orderId, {}));
        QTRY_VERIFY_WITH_TIMEOUT(orders.size() >= 2, 1000);
        qInfo() << "cancel -> orderChanged in" << timer.elapsed() << "ms";
        QCOMPARE(orders.last()[0].toString(), placed->orderId);

        // Another shop's sale is not announced here.
        auto sessionB = m_fx.session(m_fx.staffB);
        PgPos posB(*sessionB);
        const qsizetype before = orders.size();
        auto placedB = posB.placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY(placedB);
        QTest::qWait(300);   // proves a negative: B's notice never reaches A's feed
        QCOMPARE(orders.size(), before);
        QVERIFY(posB.cancelSale(placedB->orderId, {}));
        // A rolled-back change is never announced.
        {
            pqxx::connection conn(m_fx.db->ownerUrl());
            pqxx::work tx(conn);
            tx.exec_params("UPDATE orders SET status = 'canceled' WHERE id = (SELECT id FROM orders WHERE tenant_id = $1::uuid "
                           "AND status = 'pending' LIMIT 1)", str(m_fx.a.tenantId));
            tx.abort();
        }
        QTest::qWait(200);   // proves a negative: a rolled-back change sends nothing
        QCOMPARE(orders.size(), before);
    }

    void terminatedConnection_isReportedAndComesBack()
    {
        PgOrderFeed feed(connector(m_fx.staff));
        QSignalSpy orders(&feed, &OrderChangeFeed::orderChanged);
        QSignalSpy connection(&feed, &OrderChangeFeed::connectionChanged);
        QVERIFY(feed.start());
        const int pid = feed.backendPid();
        QVERIFY(pid > 0);
        connection.clear();

        // A login may end its own backends: the staff member's other session does it.
        auto killer = m_fx.connect(m_fx.staff);
        QCOMPARE(m_fx.as(*killer, "SELECT pg_terminate_backend(" + std::to_string(pid) + ")"), u"t"_s);
        QTRY_VERIFY_WITH_TIMEOUT(connection.size() >= 1, 3000);
        QCOMPARE(connection[0][0].toBool(), false);
        QTRY_VERIFY_WITH_TIMEOUT(connection.size() >= 2, 5000);
        QCOMPARE(connection[1][0].toBool(), true);
        QVERIFY(feed.isListening());
        QVERIFY(feed.backendPid() != pid);

        // And it listens again.
        auto placed = m_pos->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY(placed);
        QTRY_VERIFY_WITH_TIMEOUT(!orders.isEmpty(), 1000);
        QCOMPARE(orders.last()[0].toString(), placed->orderId);
        QVERIFY(m_pos->cancelSale(placed->orderId, {}));

        // A ping finds a dead connection before its socket says so.
        connection.clear();
        QCOMPARE(m_fx.as(*killer, "SELECT pg_terminate_backend(" + std::to_string(feed.backendPid()) + ")"), u"t"_s);
        QTest::qSleep(100);  // no event loop: the socket notifier can't run
        feed.checkConnection();
        QCOMPARE(connection.size(), 1);
        QCOMPARE(connection[0][0].toBool(), false);
        QTRY_VERIFY_WITH_TIMEOUT(connection.size() >= 2, 5000);
        QCOMPARE(connection[1][0].toBool(), true);
        feed.checkConnection();  // alive: nothing to report
        QCOMPARE(connection.size(), 2);
    }

    void unreachableDatabase_isRetried()
    {
        PgOrderFeed feed(PgOrderFeed::Connector([]() -> Result<std::unique_ptr<PgSession>> {
                             return Error::unavailable(u"down"_s);
                         }));
        QSignalSpy connection(&feed, &OrderChangeFeed::connectionChanged);
        QVERIFY(!feed.start());
        QVERIFY(!feed.isListening());
        QTest::qWait(400);   // proves a negative across the first retry (PgListener::FirstRetryMs, 250 ms)
        QCOMPARE(connection.size(), 0);  // never up, so never "lost"
    }

    void hostilePayloads_areIgnored()
    {
        PgOrderFeed feed(connector(m_fx.staff));
        QSignalSpy orders(&feed, &OrderChangeFeed::orderChanged);
        QSignalSpy work(&feed, &OrderChangeFeed::paymentWorkChanged);
        const QString id = u"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"_s;
        const QList<QPair<QString, QByteArray>> hostile = {
            {u"orders"_s, QByteArray("not json")},
            {u"orders"_s, QByteArray("[]")},
            {u"orders"_s, QByteArray("{\"status\": \"paid\"}")},
            {u"orders"_s, QByteArray("{\"order_id\": \"x'; DROP\", \"status\": \"paid\"}")},
            {u"orders"_s, QByteArray("{\"order_id\": 7}")},
            {u"orders"_s, u"{\"order_id\": \"{%1}\"}"_s.arg(id).toUtf8()},
            {u"orders"_s, u"{\"order_id\": \"%1\", \"x\": \"%2\"}"_s.arg(id, QString(9000, u'x')).toUtf8()},
            {u"stripe_requests"_s, QByteArray("{\"order_id\": 12}")},
            {u"rdk_orders"_s, u"{\"order_id\": \"%1\"}"_s.arg(id).toUtf8()},
            {u"dashboard"_s, u"{\"order_id\": \"%1\"}"_s.arg(id).toUtf8()},
        };
        for (const auto &[kind, payload] : hostile)
            feed.handle(kind, payload);
        QCOMPARE(orders.size(), 0);
        QCOMPARE(work.size(), 0);
        // Well-formed: a wake-up naming the order, whatever else the payload claims.
        feed.handle(u"orders"_s, u"{\"order_id\": \"%1\", \"status\": \"paid\"}"_s.arg(id).toUtf8());
        feed.handle(u"stripe_requests"_s, u"{\"order_id\": \"%1\", \"state\": \"done\"}"_s.arg(id).toUtf8());
        QCOMPARE(orders.size(), 1);
        QCOMPARE(orders[0].size(), 1);   // the order id, and no status to believe
        QCOMPARE(orders[0][0].toString(), id);
        QCOMPARE(work.size(), 1);
        QCOMPARE(work[0][0].toString(), id);
    }

    void forgedPaidNotice_wakesTheFeed_orderStaysPending()
    {
        // Attack: a login of the shop itself (it knows the channel) announces a pending sale
        // as paid.
        PgOrderFeed feed(connector(m_fx.staff));
        QSignalSpy orders(&feed, &OrderChangeFeed::orderChanged);
        QVERIFY(feed.start());
        auto placed = m_pos->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY(placed);
        QTRY_VERIFY_WITH_TIMEOUT(!orders.isEmpty(), 1000);
        orders.clear();

        auto forger = m_fx.connect(m_fx.staff);
        const QString sent = m_fx.as(*forger, "SELECT pg_notify(rdk.notify_channel('orders'), json_build_object("
                                              "'order_id', " + lit(placed->orderId) + ", 'status', 'paid')::text)");
        QVERIFY2(!sent.startsWith(u"ERROR"_s), qPrintable(sent));
        // The feed passes it on as what it is: a reason to look, with no status in it...
        QTRY_VERIFY_WITH_TIMEOUT(!orders.isEmpty(), 1000);
        QCOMPARE(orders[0][0].toString(), placed->orderId);
        // ...and looking tells the truth: still waiting for the buyer.
        auto state = m_pos->orderState(placed->orderId);
        QVERIFY(state);
        QCOMPARE(toString(state->status), u"pending"_s);
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", placed->orderId), u"pending"_s);

        // Positive control: the real change (the sale canceled) wakes the feed the same way,
        // and the re-read shows it.
        orders.clear();
        QVERIFY(m_pos->cancelSale(placed->orderId, {}));
        QTRY_VERIFY_WITH_TIMEOUT(!orders.isEmpty(), 1000);
        QCOMPARE(orders[0][0].toString(), placed->orderId);
        state = m_pos->orderState(placed->orderId);
        QVERIFY(state);
        QCOMPARE(toString(state->status), u"canceled"_s);
    }

    void otherShopsLogin_cantForgeOntoTheFeed()
    {
        // Attack: shop B's staff sends on every channel it can name, naming A's order.
        PgOrderFeed feed(connector(m_fx.staff));
        QSignalSpy orders(&feed, &OrderChangeFeed::orderChanged);
        QSignalSpy work(&feed, &OrderChangeFeed::paymentWorkChanged);
        QVERIFY(feed.start());
        auto placed = m_pos->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY(placed);
        QTRY_VERIFY_WITH_TIMEOUT(!orders.isEmpty() && !work.isEmpty(), 1000);
        QTest::qWait(200);   // lets the sale's trailing notices land before counting from zero
        orders.clear();
        work.clear();

        auto forger = m_fx.connect(m_fx.staffB);
        const std::string payload = "json_build_object('order_id', " + lit(placed->orderId) + ", 'status', 'paid')::text";
        for (const std::string channel : {"'rdk_orders'", "'rdk_stripe_requests'", "rdk.notify_channel('orders')",
                                          "rdk.notify_channel('stripe_requests')"}) {
            const QString sent = m_fx.as(*forger, "SELECT pg_notify(" + channel + ", " + payload + ")");
            QVERIFY2(!sent.startsWith(u"ERROR"_s), qPrintable(sent));
        }
        QTest::qWait(300);   // proves a negative: no forged notice reaches the feed
        QCOMPARE(orders.size(), 0);
        QCOMPARE(work.size(), 0);
        // Positive control: A's own change still arrives on the same feed.
        QVERIFY(m_pos->cancelSale(placed->orderId, {}));
        QTRY_VERIFY_WITH_TIMEOUT(!orders.isEmpty(), 1000);
        QCOMPARE(orders[0][0].toString(), placed->orderId);
    }
};

QTEST_GUILESS_MAIN(TestOrderFeed)
#include "tst_order_feed.moc"

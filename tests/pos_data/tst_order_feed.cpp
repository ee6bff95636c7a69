// PgOrderFeed against a real PostgreSQL: committed order and payment-link changes arrive as
// signals within a second, other shops' changes and hostile payloads do not, and a killed
// connection is reported and comes back on its own.
#include "data/pgorderfeed.h"
#include "tests/pos_data/posfixture.h"
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
        PgOrderFeed feed(connector(m_fx.staff), m_fx.a.tenantId);
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
        QCOMPARE(orders[0][1].toString(), u"pending"_s);
        QCOMPARE(work[0][0].toString(), placed->orderId);

        timer.restart();
        QVERIFY(m_pos->cancelSale(placed->orderId, {}));
        QTRY_VERIFY_WITH_TIMEOUT(orders.size() >= 2, 1000);
        qInfo() << "cancel -> orderChanged in" << timer.elapsed() << "ms";
        QCOMPARE(orders.last()[0].toString(), placed->orderId);
        QCOMPARE(orders.last()[1].toString(), u"canceled"_s);

        // Another shop's sale is not announced here.
        auto sessionB = m_fx.session(m_fx.staffB);
        PgPos posB(*sessionB);
        const qsizetype before = orders.size();
        auto placedB = posB.placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY(placedB);
        QTest::qWait(300);
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
        QTest::qWait(200);
        QCOMPARE(orders.size(), before);
    }

    void terminatedConnection_isReportedAndComesBack()
    {
        PgOrderFeed feed(connector(m_fx.staff), m_fx.a.tenantId);
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
                         }),
                         m_fx.a.tenantId);
        QSignalSpy connection(&feed, &OrderChangeFeed::connectionChanged);
        QVERIFY(!feed.start());
        QVERIFY(!feed.isListening());
        QTest::qWait(600);
        QCOMPARE(connection.size(), 0);  // never up, so never "lost"
    }

    void hostilePayloads_areIgnored()
    {
        PgOrderFeed feed(connector(m_fx.staff), m_fx.a.tenantId);
        QSignalSpy orders(&feed, &OrderChangeFeed::orderChanged);
        QSignalSpy work(&feed, &OrderChangeFeed::paymentWorkChanged);
        const QString t = m_fx.a.tenantId;
        const QString id = u"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"_s;
        const QList<QPair<QString, QByteArray>> hostile = {
            {u"rdk_orders"_s, QByteArray("not json")},
            {u"rdk_orders"_s, QByteArray("[]")},
            {u"rdk_orders"_s, u"{\"tenant\": \"%1\", \"order_id\": \"%2\", \"status\": \"paid\"}"_s.arg(m_fx.b.tenantId, id).toUtf8()},
            {u"rdk_orders"_s, u"{\"order_id\": \"%1\", \"status\": \"paid\"}"_s.arg(id).toUtf8()},
            {u"rdk_orders"_s, u"{\"tenant\": \"%1\", \"order_id\": \"x'; DROP\", \"status\": \"paid\"}"_s.arg(t).toUtf8()},
            {u"rdk_orders"_s, u"{\"tenant\": \"%1\", \"order_id\": \"%2\", \"status\": \"stolen\"}"_s.arg(t, id).toUtf8()},
            {u"rdk_orders"_s, u"{\"tenant\": \"%1\", \"order_id\": \"%2\", \"status\": 7}"_s.arg(t, id).toUtf8()},
            {u"rdk_orders"_s, u"{\"tenant\": \"%1\", \"order_id\": \"%2\", \"status\": \"paid\", \"x\": \"%3\"}"_s
                                  .arg(t, id, QString(9000, u'x')).toUtf8()},
            {u"rdk_stripe_requests"_s, u"{\"tenant\": \"%1\", \"order_id\": 12}"_s.arg(t).toUtf8()},
            {u"rdk_other"_s, u"{\"tenant\": \"%1\", \"order_id\": \"%2\", \"status\": \"paid\"}"_s.arg(t, id).toUtf8()},
        };
        for (const auto &[channel, payload] : hostile)
            feed.handle(channel, payload);
        QCOMPARE(orders.size(), 0);
        QCOMPARE(work.size(), 0);
        feed.handle(u"rdk_orders"_s, u"{\"tenant\": \"%1\", \"order_id\": \"%2\", \"status\": \"paid\"}"_s.arg(t, id).toUtf8());
        feed.handle(u"rdk_stripe_requests"_s, u"{\"tenant\": \"%1\", \"id\": 3, \"order_id\": \"%2\", \"kind\": \"refund\", "
                                              "\"state\": \"done\"}"_s.arg(t, id).toUtf8());
        QCOMPARE(orders.size(), 1);
        QCOMPARE(orders[0][1].toString(), u"paid"_s);
        QCOMPARE(work.size(), 1);
        QCOMPARE(work[0][0].toString(), id);
    }
};

QTEST_GUILESS_MAIN(TestOrderFeed)
#include "tst_order_feed.moc"

// The order life cycle enforced by the database trigger, whoever writes: all 64 status
// pairs as a staff login, plus the service and the owner for illegal moves.
#include "securitytest.h"

#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const QStringList Statuses = {u"pending"_s, u"awaiting_payment"_s, u"paid"_s,     u"shipped"_s,
                              u"fulfilled"_s, u"canceled"_s,       u"refunded"_s, u"partially_refunded"_s};

// Written out independently of the trigger, as "from>to". Staying put is a no-op the
// database accepts (the domain layer refuses it before it gets here).
const QSet<QString> LegalMoves = {
    u"pending>awaiting_payment"_s, u"pending>paid"_s, u"pending>canceled"_s,
    u"awaiting_payment>paid"_s, u"awaiting_payment>canceled"_s,
    u"paid>shipped"_s, u"paid>fulfilled"_s, u"paid>refunded"_s, u"paid>partially_refunded"_s,
    u"partially_refunded>partially_refunded"_s, u"partially_refunded>refunded"_s,
    u"shipped>refunded"_s, u"shipped>partially_refunded"_s,
    u"fulfilled>refunded"_s, u"fulfilled>partially_refunded"_s};

} // namespace

class TestStateMachineDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    std::unique_ptr<pqxx::connection> m_owner, m_staff, m_service;
    QString m_tenant;

    std::string orderIn(const QString &status)
    {
        pqxx::work tx(*m_owner);
        const auto id = tx.exec_params1("INSERT INTO orders (tenant_id, channel, currency, status, total_minor, customer_email) "
                                        "VALUES ($1::uuid, 'pos', 'USD', $2, 5000, 'buyer@example.com') RETURNING id::text",
                                        str(m_tenant), str(status))[0].as<std::string>();
        tx.commit();
        return id;
    }

    static std::string moveSql(const std::string &order, const QString &to)
    {
        return "UPDATE orders SET status = '" + str(to) + "' WHERE id = '" + order + "'";
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_owner = std::make_unique<pqxx::connection>(m_db->ownerUrl());
        m_staff = connectAs(*m_db, m_db->createStaff(m_tenant, u"staff"_s));
        m_service = connectAs(*m_db, m_db->createServiceLogin(m_tenant));
    }

    void cleanupTestCase()
    {
        m_staff.reset();
        m_service.reset();
        m_owner.reset();
        m_db.reset();
        QVERIFY(!m_db);
    }

    void transition_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<bool>("legal");
        for (const QString &from : Statuses) {
            for (const QString &to : Statuses) {
                const bool legal = from == to || LegalMoves.contains(from + u'>' + to);
                QTest::newRow(qPrintable(u"%1 -> %2"_s.arg(from, to))) << from << to << legal;
            }
        }
    }

    void transition()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(bool, legal);
        // As the owner: no app login writes orders directly (0012; tst_attacks), and the state
        // machine holds for every writer, the owner included.
        const Outcome out = tryExec(*m_owner, moveSql(orderIn(from), to));
        if (legal) {
            QVERIFY2(out.ok && out.rows == 1, qPrintable(out.describe()));
        } else {
            QVERIFY2(!out.ok, qPrintable(out.describe()));
            QCOMPARE(qstr(out.sqlstate), u"P0001"_s);
            QVERIFY2(out.message.contains(u"illegal order status transition: %1 -> %2"_s.arg(from, to)), qPrintable(out.message));
        }
    }

    void illegalMove_isRefusedForTheServiceAndTheOwnerToo()
    {
        const std::string order = orderIn(u"paid"_s);
        const Outcome service = tryExec(*m_service, moveSql(order, u"pending"_s));
        QVERIFY2(service.refused(), qPrintable(service.describe()));  // no direct writes at all (0012)
        const Outcome owner = tryExec(*m_owner, moveSql(order, u"pending"_s));
        QVERIFY2(!owner.ok && owner.sqlstate == "P0001", qPrintable(owner.describe()));
        QVERIFY2(owner.message.contains(u"paid -> pending"_s), qPrintable(owner.message));
    }

    void legalChain_isAuditedOnce_perRealChange()
    {
        const std::string order = orderIn(u"pending"_s);
        for (const QString &to : {u"awaiting_payment"_s, u"paid"_s, u"paid"_s, u"shipped"_s, u"partially_refunded"_s, u"refunded"_s}) {
            pqxx::work tx(*m_owner);
            tx.exec(moveSql(order, to));
            tx.commit();
        }
        const std::string rows =
            scalarCommitted(*m_owner, "SELECT count(*) FROM audit_log WHERE entity = 'order' AND action = 'status' AND entity_id = '" + order + "'");
        QCOMPARE(qstr(rows), u"5"_s);  // paid -> paid was a no-op
        const Outcome back = tryExec(*m_owner, moveSql(order, u"paid"_s));
        QVERIFY2(!back.ok && back.sqlstate == "P0001", qPrintable(back.describe()));
    }

    void expiredReservations_areReleasedOnce_andTheirOrdersCanceled()
    {
        // Stock with two units held for an order whose hold has expired, one for a live hold.
        std::string inventory, expiredOrder, liveOrder;
        {
            pqxx::work tx(*m_owner);
            const std::string t = str(m_tenant);
            const auto product = tx.exec_params1(
                "INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy) "
                "VALUES ($1::uuid, 'SM-HOLD', 'Held', 'Nike', 'new', 1000, 'USD', 'flat') RETURNING id::text", t)[0].as<std::string>();
            inventory = tx.exec_params1("INSERT INTO inventory (tenant_id, product_id, quantity, reserved) "
                                        "VALUES ($1::uuid, $2::uuid, 5, 3) RETURNING id::text", t, product)[0].as<std::string>();
            expiredOrder = tx.exec_params1("INSERT INTO orders (tenant_id, channel, currency, status) "
                                           "VALUES ($1::uuid, 'online', 'USD', 'awaiting_payment') RETURNING id::text", t)[0].as<std::string>();
            liveOrder = tx.exec_params1("INSERT INTO orders (tenant_id, channel, currency) VALUES ($1::uuid, 'pos', 'USD') RETURNING id::text",
                                        t)[0].as<std::string>();
            tx.exec_params("INSERT INTO stock_reservations (tenant_id, order_id, inventory_id, quantity, expires_at) VALUES "
                           "($1::uuid, $2::uuid, $4::bigint, 2, now() - interval '1 minute'), "
                           "($1::uuid, $3::uuid, $4::bigint, 1, now() + interval '1 hour')",
                           t, expiredOrder, liveOrder, inventory);
            tx.commit();
        }
        // Another tenant's service sees and releases nothing of this tenant.
        const QString otherTenant = m_db->createTenant(u"shop-other"_s);
        {
            auto other = connectAs(*m_db, m_db->createServiceLogin(otherTenant));
            pqxx::work tx(*other);
            QCOMPARE(tx.exec1("SELECT rdk.release_expired_reservations()")[0].as<int>(), 0);
            tx.commit();
        }
        // While one caller holds the rows, a concurrent caller skips them (SKIP LOCKED).
        auto second = connectAs(*m_db, m_db->createStaff(m_tenant, u"staff"_s));
        pqxx::work first(*m_staff);
        QCOMPARE(first.exec1("SELECT rdk.release_expired_reservations()")[0].as<int>(), 1);
        {
            pqxx::work tx(*second);
            QCOMPARE(tx.exec1("SELECT rdk.release_expired_reservations()")[0].as<int>(), 0);
            tx.commit();
        }
        first.commit();
        {
            pqxx::work tx(*second);
            QCOMPARE(tx.exec1("SELECT rdk.release_expired_reservations()")[0].as<int>(), 0);  // nothing left
            tx.commit();
        }
        QCOMPARE(scalarCommitted(*m_owner, "SELECT reserved FROM inventory WHERE id = " + inventory), std::string("1"));
        QCOMPARE(scalarCommitted(*m_owner, "SELECT status FROM orders WHERE id = '" + expiredOrder + "'"), std::string("canceled"));
        QCOMPARE(scalarCommitted(*m_owner, "SELECT status FROM orders WHERE id = '" + liveOrder + "'"), std::string("pending"));
        QCOMPARE(scalarCommitted(*m_owner, "SELECT string_agg(state, ',' ORDER BY id) FROM stock_reservations WHERE inventory_id = " + inventory),
                 std::string("released,held"));
        QCOMPARE(scalarCommitted(*m_owner, "SELECT reason FROM audit_log WHERE entity = 'order' AND entity_id = '" + expiredOrder + "'"),
                 std::string("reservation_expired"));
    }
};

QTEST_GUILESS_MAIN(TestStateMachineDb)
#include "tst_state_machine_db.moc"

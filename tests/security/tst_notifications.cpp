// Change notifications under attack (issue 11, class 6; migration 0013). LISTEN and pg_notify
// need no privilege, so the defence is a channel name another shop can't learn, payloads with
// nothing worth stealing, and clients that believe nothing from a payload. Here, with real
// logins: another shop's staff and service logins can't read the key, can't get the channel
// from rdk.notify_channel, hear nothing on every channel name they can know (the old global
// ones included), and nobody can rewrite the key; each with the positive control that the
// shop's own login hears its real changes. What the clients make of a forged notice from a
// login of the shop itself: tst_order_feed, tst_posscreen, tst_pos_flow, tst_catalogchanges.
#include "securitytest.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

class Collector final : public pqxx::notification_receiver {
public:
    Collector(pqxx::connection_base &conn, const std::string &channel) : pqxx::notification_receiver(conn, channel) {}
    void operator()(const std::string &payload, int /*backendPid*/) override { payloads.push_back(payload); }
    std::vector<std::string> payloads;
};

// Lets `conn` take in what arrives for `ms` milliseconds.
void pump(pqxx::connection &conn, int ms)
{
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired())
        conn.await_notification(0, 50'000);
}

// Waits up to 5 s until `collector` has at least `count` payloads.
bool waitForPayloads(pqxx::connection &conn, const Collector &collector, std::size_t count)
{
    QDeadlineTimer deadline(5000);
    while (collector.payloads.size() < count && !deadline.hasExpired())
        conn.await_notification(0, 100'000);
    return collector.payloads.size() >= count;
}

QJsonObject parseObject(const std::string &json)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

} // namespace

class TestNotifications final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staffA, m_opsA, m_adminA, m_staffB, m_serviceB;
    std::unique_ptr<pqxx::connection> m_owner;

    // Connects as `who`; a service login gets its shop the way rdk-sync sets it.
    struct Eavesdropper {
        QString name;
        Login login;
    };
    QList<Eavesdropper> eavesdroppersOfB() const
    {
        return {{u"staff of B"_s, m_staffB}, {u"service of B"_s, m_serviceB}};
    }

    // B's login, which also names shop A in the session setting that once chose a service
    // login's shop (0012 made the database decide it): the setting must change nothing.
    std::unique_ptr<pqxx::connection> connectClaimingShopA(const Login &login)
    {
        auto conn = connectAs(*m_db, login);
        pqxx::nontransaction tx(*conn);
        tx.exec_params("SELECT set_config('rdk.tenant', $1, false)", str(m_shopA));
        return conn;
    }

    std::string ownerScalar(const std::string &sql)
    {
        return scalarCommitted(*m_owner, sql);
    }

    std::string keyOf(const QString &shop)
    {
        return ownerScalar("SELECT notify_key FROM tenants WHERE id = '" + str(shop) + "'");
    }

    // rdk.notify_channel(kind) as `conn` sees it ("" for NULL).
    static std::string channelAs(pqxx::connection &conn, const std::string &kind)
    {
        pqxx::work tx(conn);
        const pqxx::row row = tx.exec_params1("SELECT rdk.notify_channel($1)", kind);
        tx.commit();
        return row[0].is_null() ? std::string() : row[0].as<std::string>();
    }

    void commit(pqxx::connection &conn, const std::string &sql)
    {
        pqxx::work tx(conn);
        tx.exec(sql);
        tx.commit();
    }

    // One real change of each kind the staff of A make every day: a price and a counter order.
    std::string changeShopA()
    {
        auto ops = connectAs(*m_db, m_opsA);
        commit(*ops, "UPDATE products SET price_minor = price_minor + 1 WHERE sku = 'NTF-A'");
        auto staff = connectAs(*m_db, m_staffA);
        pqxx::work tx(*staff);
        // Since 0012 orders are placed through the money path's functions only.
        const std::string order =
            tx.exec1(R"(SELECT rdk.pos_place_sale('[{"sku": "NTF-A", "quantity": 1}]', 0, NULL, 15)::text)")[0].as<std::string>();
        tx.commit();
        return order;
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"notify-a"_s);
        m_shopB = m_db->createTenant(u"notify-b"_s);
        m_staffA = m_db->createStaff(m_shopA, u"staff"_s);
        m_opsA = m_db->createStaff(m_shopA, u"ops"_s);
        m_adminA = m_db->createStaff(m_shopA, u"admin"_s);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_serviceB = m_db->createServiceLogin(m_shopB);
        m_owner = std::make_unique<pqxx::connection>(m_db->ownerUrl());
        m_db->execOwner("INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy, published) "
                        "VALUES ('" + str(m_shopA) + "', 'NTF-A', 'Runner', 'Nike', 'new', 1000, 'USD', 'flat', true)");
        m_db->execOwner("INSERT INTO inventory (tenant_id, product_id, quantity) SELECT tenant_id, id, 100 FROM products WHERE sku = 'NTF-A'");
    }

    void cleanupTestCase()
    {
        m_owner.reset();
        m_db.reset();
    }

    void existingAndNewShops_haveDistinctRandomKeys()
    {
        const std::string a = keyOf(m_shopA);
        const std::string b = keyOf(m_shopB);
        QCOMPARE(a.size(), std::size_t(32));
        QCOMPARE(b.size(), std::size_t(32));
        QVERIFY(a != b);
    }

    void notifyKey_otherShopCantReadIt_data()
    {
        QTest::addColumn<int>("who");
        QTest::addRow("staff of B") << 0;
        QTest::addRow("service of B") << 1;
    }
    void notifyKey_otherShopCantReadIt()
    {
        QFETCH(int, who);
        const Eavesdropper e = eavesdroppersOfB().at(who);
        auto conn = connectClaimingShopA(e.login);
        // Attack: read every key the tenants table holds. Only B's own row comes back.
        pqxx::work tx(*conn);
        const pqxx::result rows = tx.exec("SELECT id::text, notify_key FROM tenants");
        tx.commit();
        QCOMPARE(int(rows.size()), 1);
        QCOMPARE(qstr(rows[0][0].as<std::string>()), m_shopB);
        QCOMPARE(rows[0][1].as<std::string>(), keyOf(m_shopB));
        QCOMPARE(tryExec(*conn, "SELECT count(*) FROM tenants WHERE notify_key = '" + keyOf(m_shopA) + "'", true).rows, 0LL);
        // Nor through the function: it names the caller's own shop's channel.
        const std::string channel = channelAs(*conn, "orders");
        QCOMPARE(channel, "rdk_orders_" + keyOf(m_shopB));
        // Nor through the triggers' helper, which names any shop's channel: owner only.
        const Outcome helper = tryExec(*conn, "SELECT rdk.tenant_channel('" + str(m_shopA) + "', 'orders')");
        QVERIFY2(helper.refused(), qPrintable(helper.describe()));
    }

    void notifyKey_ownShopReadsIt_positiveControl()
    {
        auto conn = connectAs(*m_db, m_staffA);
        QCOMPARE(scalarCommitted(*conn, "SELECT notify_key FROM tenants"), keyOf(m_shopA));
        for (const std::string kind : {"catalog", "orders", "stripe_requests", "dashboard"})
            QCOMPARE(channelAs(*conn, kind), "rdk_" + kind + "_" + keyOf(m_shopA));
        const Outcome unknown = tryExec(*conn, "SELECT rdk.notify_channel('audit')");
        QCOMPARE(unknown.sqlstate, std::string("22023"));
    }

    void notifyChannel_loginWithoutShop_getsNone()
    {
        // A service login the database binds to no shop (0012) has none: no channel.
        const Login unbound = m_db->createServiceLogin(m_shopB);
        m_db->execOwner("DELETE FROM rdk.service_logins WHERE login = '" + unbound.login.toStdString() + "'");
        auto conn = connectAs(*m_db, unbound);
        QCOMPARE(channelAs(*conn, "orders"), std::string());
    }

    void notifyKey_noRoleMayChangeIt_data()
    {
        QTest::addColumn<QString>("role");
        for (const char *role : {"public", "rdk_staff", "rdk_ops", "rdk_admin", "rdk_sync"})
            QTest::addRow("%s", role) << QString::fromLatin1(role);
    }
    void notifyKey_noRoleMayChangeIt()
    {
        QFETCH(QString, role);
        for (const char *privilege : {"UPDATE", "INSERT"}) {
            const std::string sql = "SELECT has_column_privilege('" + str(role) + "', 'public.tenants', 'notify_key', '" + privilege + "')";
            QVERIFY2(ownerScalar(sql) == "f", qPrintable(role + u" may "_s + QString::fromLatin1(privilege)));
        }
    }

    void notifyKey_adminCantRewriteIt()
    {
        auto admin = connectAs(*m_db, m_adminA);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(*admin, totpNow(m_db->totpSecretOf(m_adminA.login))));
        // Attack: set the key to one an outsider knows.
        const Outcome rewrite = tryExec(*admin, "UPDATE tenants SET notify_key = repeat('0', 32)");
        QVERIFY2(rewrite.refused(), qPrintable(rewrite.describe()));
        // Positive control: the same admin, same session, may rename the shop.
        const Outcome rename = tryExec(*admin, "UPDATE tenants SET name = name || '!'");
        QVERIFY2(rename.ok && rename.rows == 1, qPrintable(rename.describe()));
    }

    void eavesdropper_hearsNothingOfShopA_data()
    {
        QTest::addColumn<int>("who");
        QTest::addRow("staff of B") << 0;
        QTest::addRow("service of B") << 1;
    }
    void eavesdropper_hearsNothingOfShopA()
    {
        QFETCH(int, who);
        const Eavesdropper e = eavesdroppersOfB().at(who);
        auto spy = connectClaimingShopA(e.login);
        // Every channel name B can know: the old global ones, and its own shop's.
        std::vector<std::unique_ptr<Collector>> ears;
        for (const std::string kind : {"catalog", "orders", "stripe_requests", "dashboard"}) {
            ears.push_back(std::make_unique<Collector>(*spy, "rdk_" + kind));
            ears.push_back(std::make_unique<Collector>(*spy, channelAs(*spy, kind)));
        }
        // Positive control: A's staff listens on A's channels, as the desk does.
        auto ownConn = connectAs(*m_db, m_staffA);
        Collector ownOrders(*ownConn, channelAs(*ownConn, "orders"));
        Collector ownCatalog(*ownConn, channelAs(*ownConn, "catalog"));

        const std::string order = changeShopA();

        QVERIFY(waitForPayloads(*ownConn, ownOrders, 1));
        QVERIFY(waitForPayloads(*ownConn, ownCatalog, 1));
        // What A hears names what to re-read, nothing more.
        QCOMPARE(parseObject(ownOrders.payloads.front()), QJsonObject({{u"order_id"_s, qstr(order)}}));
        QCOMPARE(parseObject(ownCatalog.payloads.front()).keys(), QStringList({u"entity"_s, u"id"_s}));
        pump(*spy, 500);
        for (const auto &ear : ears)
            QVERIFY2(ear->payloads.empty(), ear->channel().c_str());
    }

    void forgedNoticeOnTheOldChannels_reachesNoClient()
    {
        // Attack: B's staff forges "A's order is paid" where clients used to listen.
        auto ownConn = connectAs(*m_db, m_staffA);
        Collector ownOrders(*ownConn, channelAs(*ownConn, "orders"));
        auto forger = connectAs(*m_db, m_staffB);
        const std::string fake = "{\"tenant\": \"" + str(m_shopA) + "\", \"order_id\": \"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f\", "
                                 "\"status\": \"paid\"}";
        for (const char *old : {"rdk_orders", "rdk_stripe_requests"}) {
            pqxx::work tx(*forger);
            tx.exec_params("SELECT pg_notify($1, $2)", std::string(old), fake);
            tx.commit();
        }
        pump(*ownConn, 300);
        QVERIFY(ownOrders.payloads.empty());
        // Positive control: a real change of A on the same listener arrives.
        const std::string order = changeShopA();
        QVERIFY(waitForPayloads(*ownConn, ownOrders, 1));
        QCOMPARE(parseObject(ownOrders.payloads.front()).value(u"order_id"_s).toString(), qstr(order));
    }
};

QTEST_GUILESS_MAIN(TestNotifications)
#include "tst_notifications.moc"

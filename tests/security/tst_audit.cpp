// Audit trail and change notifications, written by triggers: the right actor, reason and
// changed columns, no personal data, append-only for everyone, and NOTIFY payloads (on the
// shop's private channels, migration 0013; tst_notifications attacks them).
#include "securitytest.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <functional>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

struct AuditRow {
    QString actor;
    QString actorProfileId;
    QString action;
    QJsonObject before;
    QJsonObject after;
    QString reason;
    bool hasBefore = false;
    bool hasAfter = false;
};

QJsonObject parseObject(const std::string &json)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
}

class Collector final : public pqxx::notification_receiver {
public:
    Collector(pqxx::connection_base &conn, const std::string &channel) : pqxx::notification_receiver(conn, channel) {}
    void operator()(const std::string &payload, int /*backendPid*/) override { payloads.push_back(payload); }
    std::vector<std::string> payloads;
};

// Waits up to 5 s for a payload on `collector` that satisfies `match`.
bool waitForPayload(pqxx::connection &conn, Collector &collector, const std::function<bool(const QJsonObject &)> &match)
{
    QDeadlineTimer deadline(5000);
    std::size_t seen = 0;
    while (true) {
        for (; seen < collector.payloads.size(); ++seen) {
            if (match(parseObject(collector.payloads[seen])))
                return true;
        }
        if (deadline.hasExpired())
            return false;
        conn.await_notification(0, 200000);
    }
}

} // namespace

class TestAudit final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    std::unique_ptr<pqxx::connection> m_owner, m_ops, m_admin, m_staffConn, m_service;
    Login m_opsLogin, m_adminLogin, m_staffLogin, m_serviceLogin;
    QString m_tenant;

    QList<AuditRow> auditOf(const std::string &entity, const std::string &entityId)
    {
        QList<AuditRow> rows;
        pqxx::work tx(*m_owner);
        const auto result = tx.exec_params(
            "SELECT actor, coalesce(actor_profile_id::text, ''), action, before::text, after::text, coalesce(reason, '') "
            "FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id",
            entity, entityId);
        for (const auto &r : result) {
            AuditRow row;
            row.actor = qstr(r[0].as<std::string>());
            row.actorProfileId = qstr(r[1].as<std::string>());
            row.action = qstr(r[2].as<std::string>());
            row.hasBefore = !r[3].is_null();
            row.hasAfter = !r[4].is_null();
            if (row.hasBefore)
                row.before = parseObject(r[3].as<std::string>());
            if (row.hasAfter)
                row.after = parseObject(r[4].as<std::string>());
            row.reason = qstr(r[5].as<std::string>());
            rows.append(row);
        }
        tx.commit();
        return rows;
    }

    // Runs `sql` as `conn` and commits, with an optional rdk.reason.
    void commitAs(pqxx::connection &conn, const std::string &sql, const QString &reason = {})
    {
        pqxx::work tx(conn);
        if (!reason.isEmpty())
            tx.exec_params("SELECT set_config('rdk.reason', $1, true)", str(reason));
        tx.exec(sql);
        tx.commit();
    }

    /// Like commitAs, but reports whether the database accepted it (the transaction is rolled back otherwise).
    bool tryCommitAs(pqxx::connection &conn, const std::string &sql)
    {
        try {
            commitAs(conn, sql);
            return true;
        } catch (const pqxx::sql_error &) {
            return false;
        }
    }

    std::string newProduct(const std::string &sku)
    {
        pqxx::work tx(*m_ops);
        const auto id = tx.exec_params1("INSERT INTO products (sku, name, brand, condition, price_minor, currency, inventory_strategy, published) "
                                        "VALUES ($1, 'Audit runner', 'Nike', 'new', 1000, 'USD', 'flat', true) RETURNING id::text",
                                        sku)[0].as<std::string>();
        tx.commit();
        return id;
    }

    std::string newOrder()
    {
        pqxx::work tx(*m_owner);
        const auto id = tx.exec_params1(
            "INSERT INTO orders (tenant_id, channel, currency, total_minor, customer_email, shipping_address) "
            "VALUES ($1::uuid, 'online', 'USD', 9000, 'secret.buyer@example.com', "
            "        '{\"name\": \"Sherlock Holmes\", \"line1\": \"221B Baker Street\"}') RETURNING id::text",
            str(m_tenant))[0].as<std::string>();
        tx.commit();
        return id;
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_owner = std::make_unique<pqxx::connection>(m_db->ownerUrl());
        m_opsLogin = m_db->createStaff(m_tenant, u"ops"_s);
        m_adminLogin = m_db->createStaff(m_tenant, u"admin"_s);
        m_staffLogin = m_db->createStaff(m_tenant, u"staff"_s);
        m_serviceLogin = m_db->createServiceLogin(m_tenant);
        m_ops = connectAs(*m_db, m_opsLogin);
        m_admin = connectAs(*m_db, m_adminLogin);
        m_staffConn = connectAs(*m_db, m_staffLogin);
        m_service = connectAs(*m_db, m_serviceLogin);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(*m_admin, totpNow(m_db->totpSecretOf(m_adminLogin.login))));
    }

    void cleanupTestCase()
    {
        m_ops.reset();
        m_admin.reset();
        m_staffConn.reset();
        m_service.reset();
        m_owner.reset();
        m_db.reset();
        QVERIFY(!m_db);
    }

    void productInsertUpdateDelete_areAudited()
    {
        const std::string id = newProduct("AUD-001");
        commitAs(*m_ops, "UPDATE products SET price_minor = 1200, version = version + 1 WHERE id = '" + id + "'", u"repricing"_s);
        commitAs(*m_ops, "UPDATE products SET price_minor = 1200 WHERE id = '" + id + "'");  // no change: no row
        commitAs(*m_admin, "DELETE FROM products WHERE id = '" + id + "'", u"discontinued"_s);

        const QList<AuditRow> rows = auditOf("product", id);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0].action, u"insert"_s);
        QCOMPARE(rows[0].actor, m_opsLogin.login);
        QCOMPARE(rows[0].actorProfileId, m_opsLogin.profileId);
        QVERIFY(!rows[0].hasBefore);
        QCOMPARE(rows[0].after.value(u"sku"_s).toString(), u"AUD-001"_s);
        QVERIFY(!rows[0].after.contains(u"search_text"_s));

        QCOMPARE(rows[1].action, u"update"_s);
        QCOMPARE(rows[1].actor, m_opsLogin.login);
        QCOMPARE(rows[1].reason, u"repricing"_s);
        QCOMPARE(rows[1].before, QJsonObject({{u"price_minor"_s, 1000}}));
        QCOMPARE(rows[1].after, QJsonObject({{u"price_minor"_s, 1200}}));  // no version/updated_at/search_text

        QCOMPARE(rows[2].action, u"delete"_s);
        QCOMPARE(rows[2].actor, m_adminLogin.login);
        QCOMPARE(rows[2].actorProfileId, m_adminLogin.profileId);
        QCOMPARE(rows[2].reason, u"discontinued"_s);
        QCOMPARE(rows[2].before.value(u"price_minor"_s).toInt(), 1200);
        QVERIFY(!rows[2].hasAfter);
    }

    void inventoryChanges_carryTheReason()
    {
        const std::string product = newProduct("AUD-INV");
        pqxx::work tx(*m_ops);
        const std::string inventory = tx.exec_params1("INSERT INTO inventory (product_id, quantity) VALUES ($1::uuid, 3) RETURNING id::text",
                                                      product)[0].as<std::string>();
        tx.commit();
        commitAs(*m_ops, "UPDATE inventory SET quantity = 5 WHERE id = " + inventory, u"received"_s);
        // The hold counter moves only inside the database's functions, audited all the same.
        commitAs(*m_service, R"(SELECT rdk.checkout_place_order('[{"sku": "AUD-INV", "quantity": 1}]', NULL, 35))", u"checkout"_s);
        QVERIFY(!tryCommitAs(*m_ops, "UPDATE inventory SET quantity = 4, reserved = 0 WHERE id = " + inventory));
        commitAs(*m_ops, "UPDATE inventory SET quantity = 4 WHERE id = " + inventory, u"damaged"_s);

        const QList<AuditRow> rows = auditOf("inventory", inventory);
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[0].action, u"insert"_s);
        QCOMPARE(rows[1].reason, u"received"_s);
        QCOMPARE(rows[1].actor, m_opsLogin.login);
        QCOMPARE(rows[1].before.value(u"quantity"_s).toInt(), 3);
        QCOMPARE(rows[1].after.value(u"quantity"_s).toInt(), 5);
        QCOMPARE(rows[2].reason, u"checkout"_s);
        QCOMPARE(rows[2].actor, m_serviceLogin.login);
        QVERIFY(rows[2].actorProfileId.isEmpty());
        QCOMPARE(rows[2].after.value(u"reserved"_s).toInt(), 1);
        QCOMPARE(rows[3].reason, u"damaged"_s);
        QCOMPARE(rows[3].after.value(u"quantity"_s).toInt(), 4);
    }

    void roleChange_isAudited()
    {
        const Login member = m_db->createStaff(m_tenant, u"staff"_s);
        commitAs(*m_admin, "SELECT rdk.set_staff_role('" + str(member.login) + "', 'ops')", u"promotion"_s);
        const QList<AuditRow> rows = auditOf("profile", str(member.profileId));
        QVERIFY(!rows.isEmpty());
        const AuditRow &change = rows.last();
        QCOMPARE(change.action, u"update"_s);
        QCOMPARE(change.actor, m_adminLogin.login);
        QCOMPARE(change.reason, u"promotion"_s);
        QCOMPARE(change.before.value(u"role"_s).toString(), u"staff"_s);
        QCOMPARE(change.after.value(u"role"_s).toString(), u"ops"_s);
        QVERIFY(boolCommitted(*m_owner, "SELECT pg_has_role('" + str(member.login) + "', 'rdk_ops', 'MEMBER') "
                                        "AND NOT pg_has_role('" + str(member.login) + "', 'rdk_staff', 'MEMBER')"));
    }

    void orderStatusAndRefund_areAuditedWithoutPersonalData()
    {
        const std::string order = newOrder();
        // Money states come from the payment paths (here the webhook's function); no login
        // edits an order directly (0012), not even its customer's address.
        QVERIFY(!tryCommitAs(*m_staffConn, "UPDATE orders SET status = 'paid' WHERE id = '" + order + "'"));
        QVERIFY(!tryCommitAs(*m_admin, "UPDATE orders SET total_minor = 1 WHERE id = '" + order + "'"));
        QVERIFY(!tryCommitAs(*m_service, "UPDATE orders SET status = 'paid' WHERE id = '" + order + "'"));
        commitAs(*m_service, "SELECT rdk.apply_payment_event('evt_aud_paid', 'checkout.session.completed', '" + order +
                                 "', 'pi_aud', 'paid', 9000, 'usd', NULL, NULL, 'other@example.com', NULL)");
        QVERIFY(!tryCommitAs(*m_admin, "UPDATE orders SET status = 'partially_refunded', refunded_minor = 2000 WHERE id = '"
                                       + order + "'"));
        commitAs(*m_service, "SELECT rdk.apply_payment_event('evt_aud_refund', 'charge.refunded', NULL, 'pi_aud', 'refunded', "
                             "2000, 'usd', NULL, NULL, NULL, NULL)");
        QVERIFY(!tryCommitAs(*m_staffConn, "UPDATE orders SET shipping_address = '{\"line1\": \"10 Downing Street\"}' WHERE id = '" + order + "'"));
        QVERIFY(!tryCommitAs(*m_admin, "UPDATE orders SET customer_email = 'thief@example.com' WHERE id = '" + order + "'"));

        const QList<AuditRow> rows = auditOf("order", order);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].action, u"status"_s);
        QCOMPARE(rows[0].actor, m_serviceLogin.login);
        QCOMPARE(rows[0].before.value(u"status"_s).toString(), u"pending"_s);
        QCOMPARE(rows[0].after.value(u"status"_s).toString(), u"paid"_s);
        QCOMPARE(rows[1].actor, m_serviceLogin.login);
        QVERIFY2(rows[1].reason.startsWith(u"stripe charge.refunded: Refunded 20.00 USD"_s), qPrintable(rows[1].reason));
        QCOMPARE(rows[1].after.value(u"refunded_minor"_s).toInt(), 2000);

        const std::string leaks = scalarCommitted(
            *m_owner, "SELECT count(*) FROM audit_log WHERE coalesce(before::text, '') || coalesce(after::text, '') "
                      "~* '(secret\\.buyer|other@example|Sherlock|Baker|Downing|customer_email|shipping_address)'");
        QCOMPARE(qstr(leaks), u"0"_s);
    }

    void auditLog_isAppendOnly_data()
    {
        QTest::addColumn<bool>("asOwner");
        QTest::addColumn<QString>("statement");
        for (const bool owner : {false, true}) {
            const QString who = owner ? u"owner"_s : u"verified admin"_s;
            QTest::newRow(qPrintable(who + u" update"_s)) << owner << u"UPDATE audit_log SET reason = 'rewritten'"_s;
            QTest::newRow(qPrintable(who + u" delete"_s)) << owner << u"DELETE FROM audit_log"_s;
            QTest::newRow(qPrintable(who + u" truncate"_s)) << owner << u"TRUNCATE audit_log"_s;
        }
    }

    void auditLog_isAppendOnly()
    {
        QFETCH(bool, asOwner);
        QFETCH(QString, statement);
        const std::string before = scalarCommitted(*m_owner, "SELECT count(*) FROM audit_log");
        QVERIFY(std::stoll(before) > 0);
        pqxx::connection &conn = asOwner ? *m_owner : *m_admin;
        const Outcome out = tryExec(conn, str(statement));
        QVERIFY2(out.refused(), qPrintable(out.describe()));
        if (asOwner) {
            // Even after the owner grants itself the rights back, the triggers refuse.
            pqxx::work tx(*m_owner);
            tx.exec("GRANT UPDATE, DELETE, TRUNCATE ON audit_log TO CURRENT_USER");
            bool refused = false;
            try {
                tx.exec(str(statement));
            } catch (const pqxx::sql_error &e) {
                refused = std::string(e.what()).find("append-only") != std::string::npos;
            }
            tx.abort();
            QVERIFY(refused);
        }
        QCOMPARE(scalarCommitted(*m_owner, "SELECT count(*) FROM audit_log"), before);
    }

    // The shop's private channel of `kind`, asked the way the service asks it.
    std::string channelOf(pqxx::connection &conn, const std::string &kind)
    {
        pqxx::work tx(conn);
        tx.exec_params("SELECT set_config('rdk.tenant', $1, true)", str(m_tenant));
        const std::string channel = tx.exec_params1("SELECT rdk.notify_channel($1)", kind)[0].as<std::string>();
        tx.commit();
        return channel;
    }

    void catalogChanges_notifyTheShopsCatalogChannel()
    {
        const std::string product = newProduct("AUD-NTF");
        pqxx::work setup(*m_ops);
        const std::string inventory = setup.exec_params1("INSERT INTO inventory (product_id, quantity) VALUES ($1::uuid, 1) RETURNING id::text",
                                                         product)[0].as<std::string>();
        setup.commit();

        Collector catalog(*m_service, channelOf(*m_service, "catalog"));
        // What to re-read, and nothing else: no SKU, no tenant.
        const auto is = [&](const QString &entity) {
            return [&, entity](const QJsonObject &o) {
                return o.value(u"entity"_s).toString() == entity && o.value(u"id"_s).toString() == qstr(product)
                       && o.keys() == QStringList({u"entity"_s, u"id"_s});
            };
        };
        commitAs(*m_ops, "UPDATE products SET price_minor = 999 WHERE id = '" + product + "'");
        QVERIFY(waitForPayload(*m_service, catalog, is(u"product"_s)));
        commitAs(*m_ops, "UPDATE inventory SET quantity = 2 WHERE id = " + inventory, u"received"_s);
        QVERIFY(waitForPayload(*m_service, catalog, is(u"inventory"_s)));
        commitAs(*m_ops, "INSERT INTO product_images (product_id, content_hash) VALUES ('" + product + "', repeat('e', 64))");
        QVERIFY(waitForPayload(*m_service, catalog, is(u"image"_s)));
        for (const std::string &payload : catalog.payloads)
            QVERIFY(payload.size() < 8000);
    }

    // The policy and contact pages rdk-sync keeps are dropped when an admin saves the shop's
    // settings: the save sends {"entity": "shop"} on the shop's catalog channel (no shop id:
    // payloads name what to re-read, nothing more).
    void shopSettingsSaved_notifyTheShopsCatalogChannel()
    {
        Collector catalog(*m_service, channelOf(*m_service, "catalog"));
        const auto isShop = [&](const QJsonObject &o) {
            return o.value(u"entity"_s).toString() == u"shop"_s && o.keys() == QStringList({u"entity"_s});
        };
        const std::string save = "SELECT rdk.set_shop_settings('{\"returns_policy\": \"30 days, unworn.\"}', '[]')";
        commitAs(*m_admin, save);
        QVERIFY(waitForPayload(*m_service, catalog, isShop));
        // Saving the same settings again changes nothing, and says nothing.
        catalog.payloads.clear();
        commitAs(*m_admin, save);
        commitAs(*m_ops, "UPDATE products SET price_minor = price_minor WHERE sku = 'AUD-NTF'");   // a notice that does come
        QVERIFY(waitForPayload(*m_service, catalog, [](const QJsonObject &o) { return o.value(u"entity"_s).toString() == u"product"_s; }));
        for (const std::string &payload : catalog.payloads)
            QVERIFY2(!isShop(parseObject(payload)), payload.c_str());
    }

    void orderChanges_notifyTheShopsOrdersChannel()
    {
        Collector orders(*m_service, channelOf(*m_service, "orders"));
        pqxx::work tx(*m_owner);
        const std::string order =
            tx.exec_params1("INSERT INTO orders (tenant_id, channel, currency, total_minor, customer_email) "
                            "VALUES ($1::uuid, 'pos', 'USD', 500, 'walkin@example.com') RETURNING id::text",
                            str(m_tenant))[0]
                .as<std::string>();
        tx.commit();
        // Which order to re-read: not its status, channel or shop.
        const auto is = [&](const QJsonObject &o) {
            return o.value(u"order_id"_s).toString() == qstr(order) && o.keys() == QStringList({u"order_id"_s});
        };
        QVERIFY(waitForPayload(*m_service, orders, is));
        orders.payloads.clear();
        commitAs(*m_service, "SELECT rdk.apply_payment_event('evt_aud_ntf', 'checkout.session.completed', '" + order +
                                 "', NULL, 'paid', 500, 'usd', NULL, NULL, NULL, NULL)");
        QVERIFY(waitForPayload(*m_service, orders, is));
        for (const std::string &payload : orders.payloads)
            QVERIFY(payload.find("walkin") == std::string::npos && payload.find("paid") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"

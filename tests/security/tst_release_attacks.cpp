// Attacks on drop day (migration 0022, module releases.sql) as a person with a login and psql
// would try them, after SET ROLE to every role the login reaches: write releases, raffle
// entries, queue counts or an order's release columns by hand, read a release's secret or an
// entrant's address as a cashier, schedule or draw as the storefront's service login, and see or
// touch another shop's release. Each attack has its positive control on the same login.
#include "securitytest.h"

#include "domain/release.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

// Direct writes that would change who may buy what, when, or how many.
const std::vector<std::pair<const char *, std::string>> kDirectWrites = {
    {"insert a release", "INSERT INTO releases (tenant_id, product_id, release_at, queue_opens_at) "
                         "SELECT tenant_id, id, now(), now() FROM products"},
    {"move the release time", "UPDATE releases SET release_at = now() - interval '1 hour'"},
    {"raise the limit", "UPDATE releases SET limit_per_buyer = 10"},
    {"replace the secret", "UPDATE releases SET secret = decode(repeat('00', 32), 'hex')"},
    {"cancel by hand", "UPDATE releases SET canceled_at = now()"},
    {"delete releases", "DELETE FROM releases"},
    // The row lock that makes a release's payments check their buyers one at a time (ADR 0035):
    // held from a session, it would stall them.
    {"hold the release's payments", "SELECT 1 FROM releases FOR NO KEY UPDATE"},
    {"truncate releases", "TRUNCATE releases"},
    {"stuff the raffle", "INSERT INTO raffle_entries (tenant_id, release_id, email, email_key, size) "
                         "SELECT tenant_id, id, 'bot@example.com', 'bot@example.com', '10' FROM releases"},
    {"make oneself win", "UPDATE raffle_entries SET state = 'won', claim_code = gen_random_uuid(), claim_deadline = now() + interval '1 day', draw_rank = 1"},
    {"move the deadline", "UPDATE raffle_entries SET claim_deadline = now() + interval '30 days'"},
    {"delete entries", "DELETE FROM raffle_entries"},
    {"fake queue counts", "INSERT INTO release_queue_counts (tenant_id, release_id, process, bucket_ms, count) "
                          "SELECT tenant_id, id, 'x', 0, 100000 FROM releases"},
    {"wipe queue counts", "DELETE FROM release_queue_counts"},
    {"free a ticket", "UPDATE orders SET release_ticket = NULL"},
    {"leave the release", "UPDATE orders SET release_id = NULL, buyer_key = NULL"},
    {"change the buyer", "UPDATE orders SET buyer_key = 'someone@else.com'"},
    {"forget the card", "UPDATE orders SET card_fingerprint = NULL"},
};

} // namespace

class TestReleaseAttacks final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_admin, m_service, m_serviceB, m_staffB, m_opsB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;
    std::string m_release;  // shop A, queue, on sale
    std::string m_raffle;   // shop A, raffle, entries open
    std::string m_order;    // shop A, an order of m_release

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    void addProduct(const QString &tenant, const std::string &sku)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + sku +
              "', 'Drop', 'Nike', 'Black', 'new', 12000, 'USD', 'per_size', 'mens', '{10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT tenant_id, id, '10', 50 FROM p");
    }

    std::string inAnHour() { return QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate).toStdString(); }

    // Everything the attacks could move, across every shop.
    std::string fingerprint()
    {
        return owner("SELECT concat_ws('|', "
                     "(SELECT string_agg(concat_ws(':', id, release_at, limit_per_buyer, encode(secret, 'hex'), canceled_at, drawn_at), ',' "
                     "  ORDER BY id) FROM releases), "
                     "(SELECT string_agg(concat_ws(':', id, state, claim_code, claim_deadline, draw_rank), ',' ORDER BY id) FROM raffle_entries), "
                     "(SELECT count(*) FROM release_queue_counts), "
                     "(SELECT string_agg(concat_ws(':', id, release_id, release_ticket, buyer_key, card_fingerprint), ',' ORDER BY id) "
                     "  FROM orders))");
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"rel-a"_s);
        m_shopB = m_db->createTenant(u"rel-b"_s);
        addProduct(m_shopA, "REL-Q");
        addProduct(m_shopA, "REL-R");
        addProduct(m_shopB, "REL-B");
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_serviceB = m_db->createServiceLogin(m_shopB);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_opsB = m_db->createStaff(m_shopB, u"ops"_s);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin verified"_s] = connectAs(*m_db, m_admin);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"service B"_s] = connectAs(*m_db, m_serviceB);
        m_conn[u"staff B"_s] = connectAs(*m_db, m_staffB);
        m_conn[u"ops B"_s] = connectAs(*m_db, m_opsB);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(as(u"admin verified"_s), totpNow(m_db->totpSecretOf(m_admin.login))));

        m_release = scalarCommitted(as(u"ops"_s), "SELECT rdk.set_release(NULL, 'REL-Q', '{\"release_at\": \"" + inAnHour() + "\"}')::text");
        m_raffle = scalarCommitted(as(u"admin verified"_s),
                                   "SELECT rdk.set_release(NULL, 'REL-R', '{\"release_at\": \"" + inAnHour() +
                                       "\", \"allocation\": \"raffle\", \"queue_opens_at\": \"" +
                                       QDateTime::currentDateTimeUtc().addSecs(60).toString(Qt::ISODate).toStdString() +
                                       "\", \"entries_close_at\": \"" + QDateTime::currentDateTimeUtc().addSecs(3000).toString(Qt::ISODate).toStdString() +
                                       "\"}')::text");
        scalarCommitted(as(u"ops B"_s), "SELECT rdk.set_release(NULL, 'REL-B', '{\"release_at\": \"" + inAnHour() + "\"}')::text");
        owner("UPDATE releases SET release_at = now() - interval '1 minute', queue_opens_at = now() - interval '1 hour' "
              "WHERE id = '" + m_release + "'");
        owner("UPDATE releases SET queue_opens_at = now() - interval '1 minute' WHERE id = '" + m_raffle + "'");
        scalarCommitted(as(u"service"_s), "SELECT rdk.raffle_enter('" + m_raffle + "', 'fan@example.com', '10')::text");
        scalarCommitted(as(u"service"_s), "SELECT rdk.queue_publish('" + m_release + "', 'sync-1', '{\"1000\": 3}')::text");
        const std::string secret = scalarCommitted(as(u"service"_s), "SELECT encode(secret, 'hex') FROM rdk.storefront_releases() "
                                                                    "WHERE release_id = '" + m_release + "'");
        const std::string ticket = rdk::signTicket(QByteArray::fromHex(QByteArray::fromStdString(secret)), QString::fromStdString(m_release),
                                                   QDateTime::currentMSecsSinceEpoch(), u"000000000000000000000001"_s)
                                       .toStdString();
        m_order = scalarCommitted(as(u"service"_s), "SELECT rdk.checkout_place_order('[{\"sku\": \"REL-Q\", \"size\": \"10\", \"quantity\": 1}]', "
                                                    "'buyer@example.com', 30, '{\"ticket\": \"" + ticket + "\"}')::text");
    }
    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    void directWrites_refusedForEveryReachableRole_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("attack");
        for (const char *who : {"staff", "ops", "admin verified", "service"}) {
            for (const auto &[name, sql] : kDirectWrites)
                QTest::addRow("%s: %s", who, name) << QString::fromLatin1(who) << QString::fromLatin1(name);
        }
    }
    void directWrites_refusedForEveryReachableRole()
    {
        QFETCH(QString, who);
        QFETCH(QString, attack);
        std::string sql;
        for (const auto &[name, statement] : kDirectWrites) {
            if (attack == QLatin1String(name))
                sql = statement;
        }
        const std::string before = fingerprint();
        const QStringList roles = reachableRoles(as(who));
        QVERIFY(roles.size() >= 2);
        for (const QString &role : roles) {
            const Outcome out = tryExec(as(who), setLocalRole(role) + sql);
            QVERIFY2(out.refused() || (out.ok && out.rows == 0), qPrintable(u"%1 as %2: %3"_s.arg(who, role, out.describe())));
        }
        QCOMPARE(fingerprint(), before);
        // Positive control: staff read their shop's releases; the service reads them through its function.
        const Outcome control = tryExec(as(who), who == u"service"_s ? "SELECT count(*) FROM rdk.storefront_releases()"
                                                                     : "SELECT count(*) FROM releases",
                                        true);
        QVERIFY2(control.ok && control.rows == 2, qPrintable(control.describe()));
    }

    void secretAndAddresses_notReadableByCashier()
    {
        for (const QString &role : reachableRoles(as(u"staff"_s))) {
            const std::string set = setLocalRole(role);
            for (const char *sql : {"SELECT secret FROM releases", "SELECT * FROM releases", "SELECT email FROM raffle_entries",
                                    "SELECT email_key FROM raffle_entries", "SELECT claim_code FROM raffle_entries",
                                    "SELECT release_ticket FROM orders", "SELECT buyer_key FROM orders",
                                    "SELECT card_fingerprint FROM orders", "SELECT * FROM release_queue_counts",
                                    "SELECT * FROM rdk.storefront_releases()", "SELECT * FROM rdk.queue_counts(NULL)"}) {
                const Outcome out = tryExec(as(u"staff"_s), set + sql);
                QVERIFY2(out.refused(), qPrintable(u"%1: %2: %3"_s.arg(role, QLatin1String(sql), out.describe())));
            }
            // Raffle mails carry the winner's claim code: cashiers don't see them in the outbox.
            const Outcome mails = tryExec(as(u"staff"_s), set + "SELECT count(*) FROM mail_outbox WHERE raffle_entry_id IS NOT NULL", true);
            QVERIFY2(mails.refused() || (mails.ok && mails.rows == 0), qPrintable(mails.describe()));
        }
        // Positive controls: the release's settings, the entries' outcome and the overview.
        QVERIFY(tryExec(as(u"staff"_s), "SELECT release_at, limit_per_buyer, pow_bits FROM releases").ok);
        const Outcome entries = tryExec(as(u"staff"_s), "SELECT count(*) FROM raffle_entries WHERE state = 'entered'", true);
        QVERIFY2(entries.ok && entries.rows == 1, qPrintable(entries.describe()));
        const Outcome overview = tryExec(as(u"staff"_s), "SELECT count(*) FROM rdk.release_overview()", true);
        QVERIFY2(overview.ok && overview.rows == 2, qPrintable(overview.describe()));
        QVERIFY(tryExec(as(u"staff"_s), "SELECT release_id FROM orders").ok);
        // Ops read the address (they can mail the entrant) but never the secret.
        QVERIFY(tryExec(as(u"ops"_s), "SELECT email FROM raffle_entries").ok);
        QVERIFY(tryExec(as(u"ops"_s), "SELECT secret FROM releases").refused());
    }

    void staffFunctions_refusedToServiceAndCashier_data()
    {
        QTest::addColumn<QString>("who");
        QTest::newRow("service") << u"service"_s;
        QTest::newRow("staff") << u"staff"_s;
    }
    void staffFunctions_refusedToServiceAndCashier()
    {
        QFETCH(QString, who);
        const std::string before = fingerprint();
        for (const QString &role : reachableRoles(as(who))) {
            const std::string set = setLocalRole(role);
            for (const std::string &call :
                 {"SELECT rdk.set_release(NULL, 'REL-Q', '{\"release_at\": \"" + inAnHour() + "\"}')",
                  "SELECT rdk.set_release('" + m_raffle + "', 'REL-R', '{\"release_at\": \"" + inAnHour() + "\"}')",
                  "SELECT rdk.cancel_release('" + m_release + "', 'no reason')",
                  "SELECT rdk.raffle_draw('" + m_raffle + "', 'my seed')"}) {
                const Outcome out = tryExec(as(who), set + call);
                QVERIFY2(out.refused(), qPrintable(u"%1 as %2: %3: %4"_s.arg(who, role, QString::fromStdString(call), out.describe())));
            }
        }
        // Service functions are the service's alone.
        if (who == u"staff"_s) {
            for (const std::string &call : std::vector<std::string>{"SELECT rdk.raffle_enter('" + m_raffle + "', 'cashier@example.com', '10')",
                                            "SELECT rdk.queue_publish('" + m_release + "', 'x', '{}')", "SELECT rdk.release_sweep()",
                                            "SELECT rdk.checkout_place_order('[{\"sku\": \"REL-Q\", \"size\": \"10\", \"quantity\": 1}]', "
                                            "'a@example.com', 30, '{}')"})
                QVERIFY2(tryExec(as(who), call).refused(), call.c_str());
        }
        QCOMPARE(fingerprint(), before);
        // Positive control: ops may cancel (rolled back by tryExec).
        QVERIFY(tryExec(as(u"ops"_s), "SELECT rdk.cancel_release('" + m_release + "', 'control')").ok);
    }

    void otherShop_cantSeeOrTouchARelease_data()
    {
        QTest::addColumn<QString>("who");
        QTest::newRow("service B") << u"service B"_s;
        QTest::newRow("staff B") << u"staff B"_s;
        QTest::newRow("ops B") << u"ops B"_s;
    }
    void otherShop_cantSeeOrTouchARelease()
    {
        QFETCH(QString, who);
        const std::string before = fingerprint();
        for (const QString &role : reachableRoles(as(who))) {
            const std::string set = setLocalRole(role);
            const Outcome seen = tryExec(as(who), set + "SELECT count(*) FROM releases WHERE tenant_id = '" + str(m_shopA) + "'", true);
            QVERIFY2(seen.refused() || (seen.ok && seen.rows == 0), qPrintable(seen.describe()));
            const Outcome entries = tryExec(as(who), set + "SELECT count(*) FROM raffle_entries WHERE tenant_id = '" + str(m_shopA) + "'", true);
            QVERIFY2(entries.refused() || (entries.ok && entries.rows == 0), qPrintable(entries.describe()));
        }
        const std::vector<std::string> calls = who == u"service B"_s
            ? std::vector<std::string>{"SELECT rdk.raffle_enter('" + m_raffle + "', 'b@example.com', '10')",
                                       "SELECT rdk.queue_publish('" + m_release + "', 'evil', '{\"0\": 100000}')",
                                       "SELECT * FROM rdk.queue_counts('" + m_release + "')",
                                       "SELECT * FROM rdk.raffle_results('" + m_raffle + "')"}
            : std::vector<std::string>{"SELECT rdk.cancel_release('" + m_release + "', 'sabotage')",
                                       "SELECT rdk.raffle_draw('" + m_raffle + "', NULL)",
                                       "SELECT rdk.set_release('" + m_release + "', 'REL-Q', '{\"release_at\": \"" + inAnHour() + "\"}')",
                                       "SELECT * FROM rdk.raffle_results('" + m_raffle + "')"};
        for (const std::string &call : calls) {
            const Outcome out = tryExec(as(who), call);
            QVERIFY2(!out.ok && (out.sqlstate == "P0002" || out.refused()), qPrintable(QString::fromStdString(call) + u": "_s + out.describe()));
        }
        if (who == u"service B"_s) {
            const Outcome mine = tryExec(as(who), "SELECT count(*) FROM rdk.storefront_releases()", true);
            QVERIFY2(mine.ok && mine.rows == 1, qPrintable(mine.describe()));  // positive control: its own release only
            QCOMPARE(tryExec(as(who), "SELECT count(*) FROM rdk.storefront_hidden()", true).rows, 0LL);
        } else {
            const Outcome mine = tryExec(as(who), "SELECT count(*) FROM rdk.release_overview()", true);
            QVERIFY2(mine.ok && mine.rows == 1, qPrintable(mine.describe()));
        }
        QCOMPARE(fingerprint(), before);
    }

    void forgedPasses_refusedAndNothingHeld()
    {
        const std::string stock = owner("SELECT string_agg(reserved::text, ',' ORDER BY id) FROM inventory");
        const std::string line = "'[{\"sku\": \"REL-Q\", \"size\": \"10\", \"quantity\": 1}]'";
        for (const std::string &pass : {std::string("NULL"), std::string("'{}'"), std::string("'{\"ticket\": \"v1.x.y.z.w\"}'"),
                                        "'{\"ticket\": \"v1." + m_release + ".1.000000000000000000000001." + std::string(64, '0') + "\"}'",
                                        std::string("'{\"claim\": \"00000000-0000-4000-8000-000000000000\"}'")}) {
            const Outcome out = tryExec(as(u"service"_s), "SELECT rdk.checkout_place_order(" + line + ", 'x@example.com', 30, " + pass + ")");
            QVERIFY2(out.refused(), qPrintable(QString::fromStdString(pass) + u": "_s + out.describe()));
        }
        QCOMPARE(owner("SELECT string_agg(reserved::text, ',' ORDER BY id) FROM inventory"), stock);
        // Positive control: the honest order of initTestCase holds its pair.
        QCOMPARE(owner("SELECT count(*) FROM orders WHERE id = '" + m_order + "' AND release_ticket IS NOT NULL"), std::string("1"));
    }
};

QTEST_MAIN(TestReleaseAttacks)
#include "tst_release_attacks.moc"

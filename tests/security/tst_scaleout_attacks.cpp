// Several rdk-sync processes against one database (migration 0024, modules scaleout.sql,
// stripe_requests.sql and orders.sql; ADR 0029), attacked as a person with a login and psql would:
// read or write the shared rate-limit buckets and visitor salts by hand, take or renew another
// process's (or shop's) claims on Stripe work, spend another shop's budgets. Each attack has its
// positive control on the same login. And the rules that make several processes correct: a
// leased claim is not taken over while its lease holds (even when the claiming session is gone),
// a budget taken from two sessions is one budget, and two sweeps never run at once.
#include "securitytest.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const std::vector<std::pair<const char *, std::string>> kTableAttacks = {
    {"read the buckets", "SELECT count(*) FROM rate_limit_buckets"},
    {"refill a bucket", "UPDATE rate_limit_buckets SET tokens = 1000"},
    {"forget the buckets", "DELETE FROM rate_limit_buckets"},
    {"plant a full bucket", "INSERT INTO rate_limit_buckets (tenant_id, family, client_key, tokens, allowed, updated_at, full_at) "
                            "SELECT id, 'checkout', '4:10.0.0.1', 1000, true, now(), now() FROM tenants LIMIT 1"},
    {"read the visitor salts", "SELECT count(*) FROM visitor_salts"},
    {"choose the salt", "UPDATE visitor_salts SET salt = decode(repeat('00', 32), 'hex')"},
    {"plant a salt", "INSERT INTO visitor_salts (tenant_id, day, salt) "
                     "SELECT id, current_date + 1, decode(repeat('00', 32), 'hex') FROM tenants LIMIT 1"},
    {"steal a claim", "UPDATE stripe_requests SET claimed_by = 'me:1', leased_until = now() + interval '1 day'"},
};

} // namespace

class TestScaleoutAttacks final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_admin, m_service, m_serviceB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;
    QString m_sale;          // shop A, counter, pending
    qint64 m_request = 0;    // its payment link request

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }
    long long count(const std::string &sql) { return std::stoll(owner(sql)); }

    std::string sharedFingerprint()
    {
        return owner("SELECT concat_ws('|', (SELECT string_agg(concat_ws(':', tenant_id, family, client_key, tokens), ',' "
                     "ORDER BY tenant_id, family, client_key) FROM rate_limit_buckets), "
                     "(SELECT string_agg(concat_ws(':', tenant_id, day, encode(salt, 'hex')), ',' ORDER BY tenant_id, day) "
                     "FROM visitor_salts), (SELECT string_agg(concat_ws(':', id, state, attempts, claimed_by, leased_until), ',' "
                     "ORDER BY id) FROM stripe_requests))");
    }

    // A fresh connection of a service login, as a second rdk-sync process has.
    std::unique_ptr<pqxx::connection> secondProcess(const Login &login) { return connectAs(*m_db, login); }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"scale-a"_s);
        m_shopB = m_db->createTenant(u"scale-b"_s);
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(m_shopA) +
              "', 'SCALE-1', 'Runner', 'Nike', 'Black', 'new', 12000, 'USD', 'per_size', 'mens', '{10}', true) "
              "RETURNING id, tenant_id) INSERT INTO inventory (tenant_id, product_id, size, quantity) "
              "SELECT tenant_id, id, '10', 50 FROM p");
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_serviceB = m_db->createServiceLogin(m_shopB);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin verified"_s] = connectAs(*m_db, m_admin);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"service B"_s] = connectAs(*m_db, m_serviceB);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(as(u"admin verified"_s), totpNow(m_db->totpSecretOf(m_admin.login))));
        m_sale = qstr(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_place_sale('[{\"sku\": \"SCALE-1\", \"size\": \"10\", "
                                                      "\"quantity\": 1}]', 0, NULL, 15)::text"));
        m_request = std::stoll(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_request_payment_link('" + str(m_sale) + "')"));
        QVERIFY(m_request > 0);
        // Something in each shared table, so a read that works would see a row.
        scalarCommitted(as(u"service"_s), "SELECT allowed::text FROM rdk.rate_take('checkout', '4:10.0.0.9', 10, 0.2)");
        scalarCommitted(as(u"service"_s), "SELECT length(rdk.visitor_salt((now() AT TIME ZONE 'UTC')::date))::text");
    }
    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    void sharedState_directAccessRefusedForEveryReachableRole_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("attack");
        for (const char *who : {"staff", "ops", "admin verified", "service", "service B"}) {
            for (const auto &[name, sql] : kTableAttacks)
                QTest::addRow("%s: %s", who, name) << QString::fromLatin1(who) << QString::fromLatin1(name);
        }
    }
    void sharedState_directAccessRefusedForEveryReachableRole()
    {
        QFETCH(QString, who);
        QFETCH(QString, attack);
        std::string sql;
        for (const auto &[name, statement] : kTableAttacks) {
            if (attack == QLatin1String(name))
                sql = statement;
        }
        const std::string before = sharedFingerprint();
        const QStringList roles = reachableRoles(as(who));
        QVERIFY(roles.size() >= 2);
        for (const QString &role : roles) {
            const Outcome out = tryExec(as(who), setLocalRole(role) + sql);
            // stripe_requests is readable under RLS, never writable: refused, or no row touched.
            QVERIFY2(out.refused() || (out.ok && out.rows == 0 && sql.rfind("UPDATE stripe_requests", 0) == 0),
                     qPrintable(u"%1 as %2: %3"_s.arg(who, role, out.describe())));
        }
        QCOMPARE(sharedFingerprint(), before);
        // Positive control: the same login's honest path (the functions) works, or, for staff,
        // their own reads of the shop's Stripe requests do.
        if (who.startsWith(u"service"_s)) {
            const Outcome honest = tryExec(as(who), "SELECT count(*) FROM rdk.rate_take('api', '4:10.0.0.8', 5, 1)", true);
            QVERIFY2(honest.ok && honest.rows == 1, qPrintable(honest.describe()));
        } else {
            const Outcome honest = tryExec(as(who), "SELECT count(*) FROM stripe_requests", true);
            QVERIFY2(honest.ok && honest.rows >= 1, qPrintable(honest.describe()));
        }
    }

    void serviceFunctions_refusedToStaffAfterEverySetRole_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("call");
        const char *calls[] = {
            "SELECT count(*) FROM rdk.rate_take('checkout', '4:10.0.0.1', 1000, 1000)",
            "SELECT length(rdk.visitor_salt((now() AT TIME ZONE 'UTC')::date))",
            "SELECT count(*) FROM rdk.claim_stripe_requests(10, 'desk:1')",
            "SELECT count(*) FROM rdk.renew_stripe_requests(ARRAY[1, 2, 3]::bigint[], 'desk:1')",
        };
        for (const char *who : {"staff", "ops", "admin verified"}) {
            for (const char *call : calls)
                QTest::addRow("%s: %s", who, call) << QString::fromLatin1(who) << QString::fromLatin1(call);
        }
    }
    void serviceFunctions_refusedToStaffAfterEverySetRole()
    {
        QFETCH(QString, who);
        QFETCH(QString, call);
        const std::string before = sharedFingerprint();
        for (const QString &role : reachableRoles(as(who))) {
            const Outcome out = tryExec(as(who), setLocalRole(role) + call.toStdString(), true);
            QVERIFY2(out.refused(), qPrintable(u"%1 as %2: %3"_s.arg(who, role, out.describe())));
        }
        QCOMPARE(sharedFingerprint(), before);
        const Outcome honest = tryExec(as(u"service"_s), call.toStdString(), true);
        QVERIFY2(honest.ok, qPrintable(honest.describe()));
    }

    void rateTake_badInput_clearSentenceNothingChanged_data()
    {
        QTest::addColumn<QString>("call");
        QTest::addColumn<QString>("sentence");
        QTest::addRow("webhook family") << u"'webhook', '4:1.2.3.4', 10, 1"_s << u"Unknown route family"_s;
        QTest::addRow("no family") << u"NULL, '4:1.2.3.4', 10, 1"_s << u"Unknown route family"_s;
        QTest::addRow("empty client") << u"'checkout', '', 10, 1"_s << u"A client key is 1 to 64 characters."_s;
        QTest::addRow("huge client") << u"'checkout', repeat('x', 65), 10, 1"_s << u"A client key is 1 to 64 characters."_s;
        QTest::addRow("zero burst") << u"'checkout', '4:1.2.3.4', 0, 1"_s << u"A burst is 1 to 100000 requests."_s;
        QTest::addRow("no refill") << u"'checkout', '4:1.2.3.4', 10, 0"_s << u"A refill rate is more than 0"_s;
        QTest::addRow("negative refill") << u"'checkout', '4:1.2.3.4', 10, -5"_s << u"A refill rate is more than 0"_s;
        QTest::addRow("NaN refill") << u"'checkout', '4:1.2.3.4', 10, 'NaN'"_s << u"A refill rate is more than 0"_s;
    }
    void rateTake_badInput_clearSentenceNothingChanged()
    {
        QFETCH(QString, call);
        QFETCH(QString, sentence);
        const std::string before = sharedFingerprint();
        const Outcome out = tryExec(as(u"service"_s), "SELECT count(*) FROM rdk.rate_take(" + call.toStdString() + ")", true);
        QCOMPARE(QString::fromStdString(out.sqlstate), u"22023"_s);
        QVERIFY2(out.message.contains(sentence), qPrintable(out.message));
        QCOMPARE(sharedFingerprint(), before);
    }

    void rateTake_twoProcessesDrawFromOneBudget_otherClientsAndShopsUntouched()
    {
        auto second = secondProcess(m_service);
        // Burst 3, refill one a day: two processes taking turns get 3 requests, not 6.
        int allowed = 0;
        for (int i = 0; i < 6; ++i) {
            pqxx::connection &process = i % 2 ? *second : as(u"service"_s);
            allowed += scalarCommitted(process, "SELECT allowed::text FROM rdk.rate_take('auth', '4:10.1.1.1', 3, 1.0 / 86400)")
                       == "true";
        }
        QCOMPARE(allowed, 3);
        const std::string refused = scalarCommitted(as(u"service"_s), "SELECT concat_ws(':', allowed, remaining, retry_after_seconds "
                                                                      "> 0) FROM rdk.rate_take('auth', '4:10.1.1.1', 3, 1.0 / 86400)");
        QCOMPARE(refused, std::string("f:0:t"));
        // Another client of the shop, and the same client at another shop, have budgets of their own.
        QCOMPARE(scalarCommitted(*second, "SELECT allowed::text FROM rdk.rate_take('auth', '4:10.1.1.2', 3, 1.0 / 86400)"),
                 std::string("true"));
        QCOMPARE(scalarCommitted(as(u"service B"_s),
                                 "SELECT allowed::text FROM rdk.rate_take('auth', '4:10.1.1.1', 3, 1.0 / 86400)"),
                 std::string("true"));
        QCOMPARE(count("SELECT count(*) FROM rate_limit_buckets WHERE client_key = '4:10.1.1.1'"), 2LL);
    }

    void visitorSalt_sameForEveryProcessOfAShop_otherShopsDiffer()
    {
        auto second = secondProcess(m_service);
        const std::string today = "(now() AT TIME ZONE 'UTC')::date";
        const std::string a1 = scalarCommitted(as(u"service"_s), "SELECT encode(rdk.visitor_salt(" + today + "), 'hex')");
        const std::string a2 = scalarCommitted(*second, "SELECT encode(rdk.visitor_salt(" + today + "), 'hex')");
        const std::string b = scalarCommitted(as(u"service B"_s), "SELECT encode(rdk.visitor_salt(" + today + "), 'hex')");
        QCOMPARE(a1.size(), size_t(64));
        QCOMPARE(a1, a2);
        QVERIFY(a1 != b);
        const std::string tomorrow = scalarCommitted(*second, "SELECT encode(rdk.visitor_salt(" + today + " + 1), 'hex')");
        QVERIFY(tomorrow != a1);
        // Far days are refused with a sentence, and nothing is stored for them.
        for (const char *day : {" - 2", " + 2", " + 400"}) {
            const Outcome out = tryExec(as(u"service"_s), "SELECT length(rdk.visitor_salt(" + today + day + "))", true);
            QCOMPARE(QString::fromStdString(out.sqlstate), u"22023"_s);
            QVERIFY2(out.message.contains(u"yesterday, today and tomorrow"_s), qPrintable(out.message));
        }
        QCOMPARE(count("SELECT count(*) FROM visitor_salts WHERE day NOT BETWEEN " + today + " - 1 AND " + today + " + 1"), 0LL);
        // A salt older than yesterday is gone as soon as a new day's salt is made.
        owner("INSERT INTO visitor_salts (tenant_id, day, salt) VALUES ('" + str(m_shopA) + "', " + today +
              " - 5, gen_random_bytes(32))");
        owner("DELETE FROM visitor_salts WHERE tenant_id = '" + str(m_shopA) + "' AND day = " + today + " - 1");
        scalarCommitted(as(u"service"_s), "SELECT length(rdk.visitor_salt(" + today + " - 1))::text");
        QCOMPARE(count("SELECT count(*) FROM visitor_salts WHERE tenant_id = '" + str(m_shopA) + "' AND day < " + today + " - 1"),
                 0LL);
    }

    void claim_leaseHoldsWhileItsClaimerWorks_thenAnotherProcessTakesOver()
    {
        owner("UPDATE stripe_requests SET state = 'queued', attempts = 0, leased_until = NULL, claimed_by = NULL WHERE id = "
              + std::to_string(m_request));
        const std::string id = std::to_string(m_request);
        {
            auto first = secondProcess(m_service);
            QCOMPARE(scalarCommitted(*first, "SELECT string_agg(id::text, ',') FROM rdk.claim_stripe_requests(10, 'host-a:100')"),
                     id);
        }   // its session is gone, as after a database restart or when a pool thread retires
        QCOMPARE(owner("SELECT claimed_by || ':' || attempts || ':' || (leased_until > now()) FROM stripe_requests WHERE id = " + id),
                 std::string("host-a:100:1:true"));
        // The claiming backend is gone (the old rule handed such rows out at once).
        QTRY_VERIFY_WITH_TIMEOUT(count("SELECT count(*) FROM pg_stat_activity a JOIN stripe_requests r ON a.pid = r.claimed_by_pid "
                                       "WHERE r.id = " + id) == 0, 10'000);
        // Another process doesn't take it: the lease holds although the claiming session is gone.
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT count(*) FROM rdk.claim_stripe_requests(10, 'host-b:200')"),
                 std::string("0"));
        // Its claimer renews it (another shop's service can't, nor can another claimer).
        QCOMPARE(scalarCommitted(as(u"service B"_s), "SELECT count(*) FROM rdk.renew_stripe_requests(ARRAY[" + id +
                                                     "]::bigint[], 'host-a:100')"),
                 std::string("0"));
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT count(*) FROM rdk.renew_stripe_requests(ARRAY[" + id +
                                                   "]::bigint[], 'host-b:200')"),
                 std::string("0"));
        owner("UPDATE stripe_requests SET leased_until = now() + interval '1 second' WHERE id = " + id);
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT string_agg(r::text, ',') FROM rdk.renew_stripe_requests(ARRAY[" + id +
                                                   "]::bigint[], 'host-a:100') r"),
                 id);
        QCOMPARE(owner("SELECT leased_until > now() + interval '20 seconds' FROM stripe_requests WHERE id = " + id),
                 std::string("t"));
        // A claimer that stopped renewing (killed): its lease runs out and the next process takes over.
        owner("UPDATE stripe_requests SET leased_until = now() - interval '1 second' WHERE id = " + id);
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT string_agg(id::text, ',') FROM rdk.claim_stripe_requests(10, 'host-b:200')"),
                 id);
        QCOMPARE(owner("SELECT claimed_by || ':' || attempts FROM stripe_requests WHERE id = " + id), std::string("host-b:200:2"));
        // The old claimer can no longer renew it; the new one can.
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT count(*) FROM rdk.renew_stripe_requests(ARRAY[" + id +
                                                   "]::bigint[], 'host-a:100')"),
                 std::string("0"));
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT count(*) FROM rdk.renew_stripe_requests(ARRAY[" + id +
                                                   "]::bigint[], 'host-b:200')"),
                 std::string("1"));
        // Finishing ends the lease.
        scalarCommitted(as(u"service"_s), "SELECT rdk.finish_stripe_request(" + id + ", false, NULL, 'drained')::text");
        QCOMPARE(owner("SELECT state || ':' || (leased_until IS NULL) FROM stripe_requests WHERE id = " + id),
                 std::string("failed:true"));
    }

    void renew_tooManyIds_clearSentence()
    {
        const Outcome out = tryExec(as(u"service"_s), "SELECT count(*) FROM rdk.renew_stripe_requests("
                                                      "array(SELECT generate_series(1, 1001))::bigint[], 'host-a:100')", true);
        QCOMPARE(QString::fromStdString(out.sqlstate), u"22023"_s);
        QVERIFY2(out.message.contains(u"at most 1000"_s), qPrintable(out.message));
    }

    // Any login may take any advisory lock. The sweep used to claim its shop with one, so a
    // session holding it (shop B's service, or a cashier) made every sweep of shop A skip and
    // abandoned checkouts kept their pairs. It now claims its shop's row of tenants, which only
    // the shop's admins may lock (they may update it).
    void sweep_notStoppedByALoginHoldingLocks()
    {
        const QString sale = qstr(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_place_sale('[{\"sku\": \"SCALE-1\", \"size\": "
                                                                  "\"10\", \"quantity\": 2}]', 0, NULL, 15)::text"));
        owner("UPDATE stock_reservations SET expires_at = now() - interval '1 second' WHERE order_id = '" + str(sale) + "'");
        for (const QString &who : {u"staff"_s, u"ops"_s, u"service"_s, u"service B"_s}) {
            const Outcome claimed = tryExec(as(who), "SELECT id FROM tenants FOR NO KEY UPDATE");
            QVERIFY2(claimed.refused(), qPrintable(who + u": "_s + claimed.describe()));
        }
        auto holder = secondProcess(m_serviceB);
        pqxx::nontransaction hold(*holder);
        hold.exec("SELECT pg_advisory_lock(hashtext('rdk.release_expired_reservations'), 0), "
                  "pg_advisory_lock(hashtext('rdk.release_expired_reservations'), hashtext('" + str(m_shopA) + "'))");
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT rdk.release_expired_reservations()::text"), std::string("1"));
        QCOMPARE(owner("SELECT status FROM orders WHERE id = '" + str(sale) + "'"), std::string("canceled"));
        QCOMPARE(count("SELECT count(*) FROM stock_reservations WHERE order_id = '" + str(sale) + "' AND state = 'held'"), 0LL);
    }

    void sweep_secondSweepAtTheSameTimeReturnsAtOnce_firstDoesTheWork()
    {
        const QString sale = qstr(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_place_sale('[{\"sku\": \"SCALE-1\", \"size\": "
                                                                  "\"10\", \"quantity\": 2}]', 0, NULL, 15)::text"));
        owner("UPDATE stock_reservations SET expires_at = now() - interval '1 second' WHERE order_id = '" + str(sale) + "'");
        auto second = secondProcess(m_service);
        pqxx::work running(as(u"service"_s));
        QCOMPARE(running.exec1("SELECT rdk.release_expired_reservations()")[0].as<int>(), 1);
        // The other process's sweep, meanwhile: it doesn't wait for the first and touches nothing.
        {
            pqxx::work tx(*second);
            tx.exec("SET LOCAL statement_timeout = '5s'");
            QCOMPARE(tx.exec1("SELECT rdk.release_expired_reservations()")[0].as<int>(), 0);
            tx.commit();
        }
        running.commit();
        QCOMPARE(owner("SELECT status FROM orders WHERE id = '" + str(sale) + "'"), std::string("canceled"));
        QCOMPARE(count("SELECT count(*) FROM stock_reservations WHERE order_id = '" + str(sale) + "' AND state = 'held'"), 0LL);
        // Positive control: once the first is done, the other process sweeps as usual.
        QCOMPARE(scalarCommitted(*second, "SELECT rdk.release_expired_reservations()::text"), std::string("0"));
    }
};

QTEST_GUILESS_MAIN(TestScaleoutAttacks)
#include "tst_scaleout_attacks.moc"

// Two real rdk-sync processes of one shop against one PostgreSQL, on loopback (ADR 0029): what
// each process used to keep to itself must now hold across both. A catalog change reaches both
// caches; a visitor counts once whichever process served them (and after a restart); a client's
// checkout budget is one budget, not one per process; each process keeps its share of the cheap
// budgets; a Stripe request left by a killed claimer is taken over once, after its lease, and its
// payment link is made once.
#include "tests/support/e2efixture.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QJsonArray>
#include <QScopeGuard>
#include <QNetworkAccessManager>
#include <QTest>

#include <pqxx/pqxx>

#include <csignal>
#include <sys/types.h>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kWebhookSecret[] = "whsec_test_scaleout_secret";
constexpr char kBrowser[] = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";

} // namespace

class TestScaleout final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    test::Login m_service;
    test::Login m_staff;
    QString m_tenant;
    test::ServiceProcess m_sandbox;
    test::ServiceProcess m_syncA;
    test::ServiceProcess m_syncB;
    QNetworkAccessManager m_nam;

    std::string owner(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::work tx(c);
        const pqxx::result r = tx.exec(sql);
        tx.commit();
        return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
    }
    long long count(const std::string &sql) { return std::stoll(owner(sql)); }

    QProcessEnvironment syncEnvironment() const
    {
        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        env.insert(u"RDK_LOG_LEVEL"_s, u"warn"_s);
        env.insert(u"STRIPE_WEBHOOK_SECRET"_s, QString::fromLatin1(kWebhookSecret));
        env.insert(u"DATABASE_URL"_s, QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)));
        env.insert(u"RDK_TENANT"_s, u"scale-shop"_s);
        env.insert(u"RDK_SYNC_LISTEN"_s, u"127.0.0.1:0"_s);
        env.insert(u"RDK_PUBLIC_URL"_s, u"http://127.0.0.1:9"_s);
        env.insert(u"STRIPE_SECRET_KEY"_s, u"sk_test_scaleout"_s);
        env.insert(u"STRIPE_API_BASE"_s, m_sandbox.url({}).toString());
        // The test plays the edge: it names each shopper in X-Forwarded-For.
        env.insert(u"RDK_SYNC_TRUSTED_PROXIES"_s, u"127.0.0.1"_s);
        env.insert(u"RDK_SYNC_PROCESSES"_s, u"2"_s);
        return env;
    }

    test::HttpReply get(test::ServiceProcess &sync, const QString &path, const QByteArray &client)
    {
        return test::httpRequest(m_nam, "GET", sync.url(path), {}, {{"X-Forwarded-For", client}, {"User-Agent", kBrowser}});
    }
    test::HttpReply postCheckout(test::ServiceProcess &sync, const QByteArray &client, const QByteArray &body)
    {
        return test::httpRequest(m_nam, "POST", sync.url(u"/api/checkout"_s), body,
                                 {{"X-Forwarded-For", client}, {"Content-Type", "application/json"}});
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"scale-shop"_s);
        m_service = m_db->createServiceLogin(m_tenant);
        m_staff = m_db->createStaff(m_tenant, u"staff"_s);
        QString error;
        for (const auto &[sku, pairs] : {std::pair{u"SCALE-CAT"_s, 5}, std::pair{u"SCALE-POS"_s, 3}})
            QVERIFY2(!test::seedProduct(*m_db, {.tenantId = m_tenant, .sku = sku, .size10 = pairs}, &error).isEmpty(),
                     qPrintable(error));
        QVERIFY2(test::startSyncStack(m_sandbox, m_syncA, m_nam,
                                      {QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)),
                                       u"scale-shop"_s, QString::fromLatin1(kWebhookSecret), u"sk_test_scaleout"_s,
                                       {{u"RDK_SYNC_PROCESSES"_s, u"2"_s}}},
                                      &error),
                 qPrintable(error));
        QVERIFY2(m_syncB.start(QString::fromUtf8(RDK_SYNC_BINARY), syncEnvironment()), m_syncB.errors().constData());
        QVERIFY(m_syncA.port() != m_syncB.port());
    }

    void catalogChange_reachesTheCacheOfBothProcesses()
    {
        // Both cache the product first.
        for (test::ServiceProcess *sync : {&m_syncA, &m_syncB}) {
            const test::HttpReply before = get(*sync, u"/api/products/SCALE-CAT"_s, "10.0.1.1");
            QCOMPARE(before.status, 200);
            QVERIFY(!before.body.contains("Renamed in the back office"));
        }
        owner("UPDATE products SET name = 'Renamed in the back office' WHERE sku = 'SCALE-CAT'");
        for (test::ServiceProcess *sync : {&m_syncA, &m_syncB})
            QTRY_VERIFY_WITH_TIMEOUT(get(*sync, u"/api/products/SCALE-CAT"_s, "10.0.1.1").body.contains("Renamed in the back office"),
                                     10'000);
    }

    void sameVisitor_countsOnceWhicheverProcessServesThem_alsoAfterARestart()
    {
        owner("DELETE FROM page_views");
        QCOMPARE(get(m_syncA, u"/products/SCALE-CAT"_s, "10.0.2.1").status, 200);
        QCOMPARE(get(m_syncB, u"/products/SCALE-CAT"_s, "10.0.2.1").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(count("SELECT count(*) FROM page_views"), 2LL, 10'000);
        QCOMPARE(count("SELECT count(DISTINCT visitor_hash) FROM page_views"), 1LL);
        // Control: another shopper is another visitor, on either process.
        QCOMPARE(get(m_syncB, u"/products/SCALE-CAT"_s, "10.0.2.2").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(count("SELECT count(*) FROM page_views"), 3LL, 10'000);
        QCOMPARE(count("SELECT count(DISTINCT visitor_hash) FROM page_views"), 2LL);
        // A process killed and started again in the middle of the day still knows the first shopper.
        m_syncA.kill();
        QVERIFY2(m_syncA.start(QString::fromUtf8(RDK_SYNC_BINARY), syncEnvironment()), m_syncA.errors().constData());
        QCOMPARE(get(m_syncA, u"/products/SCALE-CAT"_s, "10.0.2.1").status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(count("SELECT count(*) FROM page_views"), 4LL, 10'000);
        QCOMPARE(count("SELECT count(DISTINCT visitor_hash) FROM page_views"), 2LL);
        // One salt a day for the shop, today's and tomorrow's (fetched ahead of midnight), however
        // many processes and restarts asked.
        QCOMPARE(count("SELECT count(*) FROM visitor_salts"), 2LL);
        QCOMPARE(count("SELECT count(*) FROM visitor_salts WHERE day IN ((now() AT TIME ZONE 'UTC')::date, "
                       "(now() AT TIME ZONE 'UTC')::date + 1)"), 2LL);
    }

    void checkoutBudget_isOneBudgetAcrossProcesses_notOneEach()
    {
        // The checkout budget is 10 at once, then one every 5 s. A client whose requests alternate
        // between the processes gets 10 in all (plus what refilled meanwhile), not 10 from each.
        QElapsedTimer timer;
        timer.start();
        int passed = 0;
        int refused = 0;
        for (int i = 0; i < 24; ++i) {
            const test::HttpReply reply = postCheckout(i % 2 ? m_syncB : m_syncA, "10.0.3.1", "{}");
            QVERIFY2(reply.status == 400 || reply.status == 429, qPrintable(u"HTTP %1"_s.arg(reply.status)));
            if (reply.status == 429) {
                ++refused;
                QCOMPARE(reply.headers.value("ratelimit-limit"), QByteArray("10"));
                QVERIFY(reply.headers.value("retry-after").toInt() >= 1);
            } else {
                ++passed;
            }
        }
        const qint64 refilled = timer.elapsed() / 5000;   // the budget's own refill: a bound, not a timing
        QVERIFY2(passed >= 10 && passed <= 10 + refilled, qPrintable(u"%1 passed, %2 refused"_s.arg(passed).arg(refused)));
        QVERIFY(refused > 0);
        // Control: another shopper's budget is untouched, at both processes.
        QCOMPARE(postCheckout(m_syncA, "10.0.3.2", "{}").status, 400);
        QCOMPARE(postCheckout(m_syncB, "10.0.3.2", "{}").status, 400);
    }

    void pagesBudget_eachProcessKeepsItsShare()
    {
        // Pages: 60 at once, 20 a second, split between two processes (30 and 10 each): the two
        // shares add up to the budget, however the edge spreads a client's requests.
        const test::HttpReply a = get(m_syncA, u"/healthz"_s, "10.0.4.1");
        const test::HttpReply b = get(m_syncB, u"/healthz"_s, "10.0.4.1");
        QCOMPARE(a.status, 200);
        QCOMPARE(a.headers.value("ratelimit-limit"), QByteArray("30"));
        QCOMPARE(b.headers.value("ratelimit-limit"), QByteArray("30"));
        QElapsedTimer timer;
        timer.start();
        int passed = 2;
        for (int i = 0; i < 100; ++i)
            passed += get(i % 2 ? m_syncB : m_syncA, u"/healthz"_s, "10.0.4.1").status == 200;
        const qint64 refilled = timer.elapsed() * 20 / 1000 + 2;   // the budget's refill over the run
        QVERIFY2(passed <= 60 + refilled, qPrintable(u"%1 of 102 passed in %2 ms"_s.arg(passed).arg(timer.elapsed())));
    }

    void stripeRequestOfAKilledClaimer_takenOverOnceAfterItsLease_linkMadeOnce()
    {
        // A counter sale whose link request a process claimed and then died with: the two live
        // processes are frozen (SIGSTOP) while the sale is placed and the dead claimer's row is
        // written, so neither can claim the request first.
        for (test::ServiceProcess *sync : {&m_syncA, &m_syncB})
            QCOMPARE(::kill(pid_t(sync->pid()), SIGSTOP), 0);
        auto thaw = qScopeGuard([this] {
            for (test::ServiceProcess *sync : {&m_syncA, &m_syncB})
                ::kill(pid_t(sync->pid()), SIGCONT);
        });
        std::string order;
        {
            pqxx::connection staff(m_db->urlFor(m_staff.login, m_staff.password));
            pqxx::work tx(staff);
            order = tx.exec1("SELECT rdk.pos_place_sale('[{\"sku\": \"SCALE-POS\", \"size\": \"10\", \"quantity\": 1}]', "
                             "0, NULL, 15)::text")[0].as<std::string>();
            tx.exec1("SELECT rdk.pos_request_payment_link('" + order + "')");
            tx.commit();
        }
        // Exactly the row a process SIGKILLed after its claim leaves behind.
        const std::string request = owner("UPDATE stripe_requests SET state = 'working', attempts = 1, claimed_by = 'killed-host:4242', "
                                          "leased_until = now() + interval '3 seconds' WHERE order_id = '" + order +
                                          "' AND kind = 'payment_link' AND state = 'queued' RETURNING id::text");
        QVERIFY(!request.empty());
        thaw.dismiss();
        for (test::ServiceProcess *sync : {&m_syncA, &m_syncB})
            QCOMPARE(::kill(pid_t(sync->pid()), SIGCONT), 0);
        // While the lease holds, neither live process takes it over.
        QCOMPARE(owner("SELECT state || ':' || claimed_by FROM stripe_requests WHERE id = " + request),
                 std::string("working:killed-host:4242"));
        // Then one of them does, once, and the link is made.
        QTRY_COMPARE_WITH_TIMEOUT(owner("SELECT state FROM stripe_requests WHERE id = " + request), std::string("done"), 30'000);
        QCOMPARE(count("SELECT attempts FROM stripe_requests WHERE id = " + request), 2LL);
        const QString claimer = QString::fromStdString(owner("SELECT claimed_by FROM stripe_requests WHERE id = " + request));
        const QString pid = claimer.section(u':', -1);
        QVERIFY2(pid == QString::number(m_syncA.pid()) || pid == QString::number(m_syncB.pid()), qPrintable(claimer));
        const test::HttpReply links = test::httpRequest(m_nam, "GET", m_sandbox.url(u"/_sandbox/payment_links"_s));
        int forOrder = 0;
        for (const QJsonValue &link : links.json().value(u"data"_s).toArray())
            forOrder += link.toObject().value(u"metadata"_s).toObject().value(u"order_id"_s).toString() == QString::fromStdString(order);
        QCOMPARE(forOrder, 1);
    }
};

QTEST_GUILESS_MAIN(TestScaleout)
#include "tst_scaleout.moc"

// Drop day in the database (migration 0022, module releases.sql): the release time reached
// while a checkout waits, hidden and coming-soon products in the storefront's reads, waiting
// room tickets forged, replayed or of another release, the per-buyer limit under 50 concurrent
// attempts and at the counter, raffles (one entry per person, the window, a draw anyone can
// re-run, stock per size, claims, lapses, concurrent sweeps) and the webhook's card and
// address checks. Every call is made by the login that makes it in production.
#include "tests/security/securitytest.h"
#include "tests/support/sessionwait.h"

#include "data/pgsession.h"
#include "data/pgreleases.h"
#include "data/pgstorefront.h"
#include "domain/release.h"

#include <QJsonArray>
#include <QProcess>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <QUuid>

#include <atomic>
#include <map>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

std::string line(const char *sku, const char *size, int quantity = 1)
{
    return std::string("[{\"sku\": \"") + sku + "\", \"size\": \"" + size + "\", \"quantity\": " + std::to_string(quantity) + "}]";
}

std::string quoted(const std::string &s)
{
    std::string out = "'";
    for (char c : s) {
        out += c;
        if (c == '\'')
            out += '\'';
    }
    return out + "'";
}

} // namespace

class TestReleasesDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shop, m_shopB;
    Login m_staff, m_ops, m_service, m_serviceB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    /// tryExec, with the message as a person reads it (without libpq's "ERROR:  ").
    static Outcome run(pqxx::connection &conn, const std::string &sql)
    {
        Outcome o = tryExec(conn, sql);
        if (o.message.startsWith(u"ERROR:"_s))
            o.message = o.message.mid(6).trimmed();
        return o;
    }

    void addProduct(const QString &tenant, const std::string &sku, const QList<QPair<const char *, int>> &sizes)
    {
        QStringList runList, stockList;
        for (const auto &s : sizes) {
            runList.append(QString::fromLatin1(s.first));
            stockList.append(QStringLiteral("('%1',%2)").arg(QString::fromLatin1(s.first)).arg(s.second));
        }
        const std::string run = runList.join(u',').toStdString();
        const std::string stock = stockList.join(u',').toStdString();
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + sku +
              "', 'Drop " + sku + "', 'Nike', 'Panda', 'new', 11000, 'USD', 'per_size', 'mens', '{" + run + "}', true) "
              "RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT p.tenant_id, p.id, s.size, s.q FROM p, "
              "(VALUES " + stock + ") AS s(size, q)");
    }

    /// A release by ops, an hour ahead; `extra` are more settings (JSON members).
    std::string makeRelease(const std::string &sku, const std::string &extra = std::string())
    {
        const std::string settings = "{\"release_at\": \"" +
                                     QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate).toStdString() + "\"" +
                                     (extra.empty() ? "" : ", " + extra) + "}";
        return scalarCommitted(as(u"ops"_s), "SELECT rdk.set_release(NULL, " + quoted(sku) + ", " + quoted(settings) + ")::text");
    }

    /// Moves a release's clock as the owner: release time `releaseSecs` from now.
    void releaseIn(const std::string &release, int releaseSecs)
    {
        owner("UPDATE releases SET queue_opens_at = least(queue_opens_at, now() + make_interval(secs => " + std::to_string(releaseSecs) +
              ") - interval '1 hour'), release_at = now() + make_interval(secs => " + std::to_string(releaseSecs) +
              "), entries_close_at = CASE WHEN allocation = 'raffle' THEN now() + make_interval(secs => " +
              std::to_string(releaseSecs) + ") END WHERE id = '" + release + "'");
    }

    QByteArray secretOf(const std::string &release, const QString &who = u"service"_s)
    {
        pqxx::work tx(as(who));
        const auto r = tx.exec_params("SELECT encode(secret, 'hex') FROM rdk.storefront_releases() WHERE release_id = $1::uuid",
                                      release);
        return r.empty() ? QByteArray() : QByteArray::fromHex(QByteArray::fromStdString(r[0][0].as<std::string>()));
    }

    std::string ticketFor(const std::string &release, const QByteArray &secret, const char *nonce = "0123456789abcdef01234567")
    {
        return signTicket(secret, QString::fromStdString(release), QDateTime::currentMSecsSinceEpoch(), QString::fromLatin1(nonce))
            .toStdString();
    }

    static std::string pass(const std::string &key, const std::string &value)
    {
        return quoted("{\"" + key + "\": \"" + value + "\"}");
    }

    Outcome checkout(const std::string &lines, const std::string &email, const std::string &passJson, const QString &who = u"service"_s)
    {
        return run(as(who), "SELECT rdk.checkout_place_order(" + quoted(lines) + ", " + (email.empty() ? "NULL" : quoted(email)) +
                                    ", 30, " + passJson + ")");
    }

    std::string checkoutCommitted(const std::string &lines, const std::string &email, const std::string &passJson)
    {
        return scalarCommitted(as(u"service"_s), "SELECT rdk.checkout_place_order(" + quoted(lines) + ", " + quoted(email) +
                                                     ", 30, " + passJson + ")::text");
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shop = m_db->createTenant(u"drop-a"_s);
        m_shopB = m_db->createTenant(u"drop-b"_s);
        addProduct(m_shop, "DRP-1", {{"9", 5}, {"10", 5}, {"11", 5}});
        addProduct(m_shop, "DRP-2", {{"9", 2}, {"10", 1}});
        addProduct(m_shop, "PLAIN", {{"10", 20}});
        addProduct(m_shop, "DRP-3", {{"10", 5}});
        m_staff = m_db->createStaff(m_shop, u"staff"_s);
        m_ops = m_db->createStaff(m_shop, u"ops"_s);
        m_service = m_db->createServiceLogin(m_shop);
        m_serviceB = m_db->createServiceLogin(m_shopB);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"service B"_s] = connectAs(*m_db, m_serviceB);
    }
    void cleanup()
    {
        m_conn.clear();
        m_db.reset();
    }

    // --- the release time -------------------------------------------------------------

    void checkout_releaseTimeReachedWhileWaiting_refusedBeforeAcceptedAfter()
    {
        const std::string release = makeRelease("DRP-1");
        releaseIn(release, 2);
        const std::string ticket = ticketFor(release, secretOf(release));
        const Outcome early = checkout(line("DRP-1", "10"), "early@example.com", pass("ticket", ticket));
        QVERIFY2(!early.ok && early.sqlstate == "P0001", qPrintable(early.describe()));
        QVERIFY2(early.message.startsWith(u"Drop DRP-1 goes on sale at "_s), qPrintable(early.message));
        QCOMPARE(owner("SELECT count(*) FROM orders WHERE release_id IS NOT NULL"), std::string("0"));
        // The shopper's browser waits; the sale opens by itself, nobody presses a button.
        owner("SELECT pg_sleep(greatest(0, extract(epoch FROM (SELECT release_at FROM releases WHERE id = '" + release +
              "') - now())) + 0.2)");
        const Outcome late = checkout(line("DRP-1", "10"), "early@example.com", pass("ticket", ticket));
        QVERIFY2(late.ok, qPrintable(late.describe()));
    }

    void storefront_hiddenAbsentComingSoonListedWithRelease()
    {
        const std::string hidden = makeRelease("DRP-1", "\"visibility\": \"hidden\"");
        const std::string soon = makeRelease("DRP-2", "\"visibility\": \"coming_soon\", \"sizes\": [\"9\"]");
        auto opened = data::PgSession::open(m_db->urlFor(m_service.login, m_service.password));
        QVERIFY(opened.ok());
        std::unique_ptr<data::PgSession> session = std::move(opened).value();
        data::PgStorefront storefront(*session);
        auto catalog = storefront.catalog(CatalogQuery{});
        QVERIFY(catalog.ok());
        QStringList skus;
        for (const auto &p : catalog->products)
            skus.append(p.sku);
        QVERIFY2(!skus.contains(u"DRP-1"_s) && skus.contains(u"DRP-2"_s) && skus.contains(u"PLAIN"_s), qPrintable(skus.join(u',')));
        QCOMPARE(catalog->total, 3);   // DRP-2, PLAIN and DRP-3
        QVERIFY(!storefront.product(u"DRP-1"_s)->has_value());
        QCOMPARE(storefront.productsBySku({u"DRP-1"_s, u"DRP-2"_s})->size(), 1);
        const auto page = storefront.product(u"DRP-2"_s);
        QVERIFY(page.ok() && page->has_value());
        QVERIFY((*page)->release.has_value());
        QCOMPARE((*page)->release->id, QString::fromStdString(soon));
        QCOMPARE((*page)->release->sizes, QStringList{u"9"_s});
        QVERIFY((*page)->release->secret.isEmpty());
        QVERIFY(!(*page)->release.value().releaseAt.isNull());
        QVERIFY(!storefront.product(u"PLAIN"_s).value()->release.has_value());
        // A hidden release of some sizes only hides those sizes.
        owner("UPDATE releases SET visibility = 'hidden' WHERE id = '" + soon + "'");
        QStringList sizes;
        const auto partly = storefront.product(u"DRP-2"_s);
        QVERIFY(partly.ok() && partly->has_value());
        for (const auto &s : (*partly)->sizes)
            sizes.append(s.size);
        QCOMPARE(sizes, QStringList{u"10"_s});
        // At the release time the hidden product appears by itself.
        releaseIn(hidden, -1);
        QVERIFY(storefront.product(u"DRP-1"_s)->has_value());
        // Another shop's storefront knows nothing of these releases.
        QCOMPARE(scalarCommitted(as(u"service B"_s), "SELECT count(*) FROM rdk.storefront_releases()"), std::string("0"));
    }

    void checkout_hiddenBeforeRelease_answersLikeAnUnknownSku()
    {
        const std::string release = makeRelease("DRP-1", "\"visibility\": \"hidden\"");
        const Outcome o = checkout(line("DRP-1", "10"), "a@example.com", pass("ticket", ticketFor(release, secretOf(release))));
        QCOMPARE(o.sqlstate, std::string("P0002"));
        QCOMPARE(o.message, u"DRP-1 is not available."_s);
    }

    // --- waiting-room tickets ----------------------------------------------------------

    void ticket_forgedReplayedOrOfAnotherRelease_refused()
    {
        const std::string release = makeRelease("DRP-1");
        const std::string other = makeRelease("DRP-2");
        releaseIn(release, -10);
        releaseIn(other, -10);
        const QByteArray secret = secretOf(release);
        QCOMPARE(secret.size(), 32);
        const std::string good = ticketFor(release, secret);

        const Outcome none = checkout(line("DRP-1", "10"), "a@example.com", "NULL");
        QCOMPARE(none.sqlstate, std::string("42501"));
        QCOMPARE(none.message, u"This release is sold through its waiting room."_s);
        const Outcome old = run(as(u"service"_s), "SELECT rdk.checkout_place_order(" + quoted(line("DRP-1", "10")) +
                                                         ", 'a@example.com', 30)");
        QCOMPARE(old.message, u"This release is sold through its waiting room."_s);

        std::string forged = good;
        forged[forged.size() - 1] = forged.back() == '0' ? '1' : '0';
        const Outcome bad = checkout(line("DRP-1", "10"), "a@example.com", pass("ticket", forged));
        QCOMPARE(bad.sqlstate, std::string("42501"));
        QCOMPARE(bad.message, u"That waiting-room ticket is not valid for this release."_s);
        // Signed with the wrong key, or a good signature over a changed join time.
        const std::string wrongKey = ticketFor(release, QByteArray(32, 'k'));
        QCOMPARE(checkout(line("DRP-1", "10"), "a@example.com", pass("ticket", wrongKey)).sqlstate, std::string("42501"));
        std::string moved = good;
        moved.replace(moved.find('.', 3 + 36) + 1, 1, "0");
        QCOMPARE(checkout(line("DRP-1", "10"), "a@example.com", pass("ticket", moved)).sqlstate, std::string("42501"));
        // A genuine ticket of another release buys nothing here.
        const std::string otherTicket = ticketFor(other, secretOf(other));
        QCOMPARE(checkout(line("DRP-1", "10"), "a@example.com", pass("ticket", otherTicket)).sqlstate, std::string("42501"));
        QCOMPARE(owner("SELECT count(*) FROM orders"), std::string("0"));

        // Positive control, then the replay while the first order lives.
        const std::string first = checkoutCommitted(line("DRP-1", "10"), "a@example.com", pass("ticket", good));
        const Outcome replay = checkout(line("DRP-1", "9"), "b@example.com", pass("ticket", good));
        QCOMPARE(replay.sqlstate, std::string("P0001"));
        QCOMPARE(replay.message, u"This waiting-room ticket has already been used for an order."_s);
        // Once the first order is canceled (its checkout expired), the ticket buys again.
        owner("SELECT rdk.settle_reservations('" + first + "', false); UPDATE orders SET status = 'canceled', canceled_at = now() "
              "WHERE id = '" + first + "'");
        const Outcome again = checkout(line("DRP-1", "9"), "b@example.com", pass("ticket", good));
        QVERIFY2(again.ok, qPrintable(again.describe()));
        // Lines outside a release need nothing.
        QVERIFY(checkout(line("PLAIN", "10"), "", "NULL").ok);
    }

    // --- the limit per buyer -----------------------------------------------------------

    void limit_fiftyConcurrentAttempts_exactlyTheLimitSucceeds()
    {
        const std::string release = makeRelease("DRP-1", "\"limit_per_buyer\": 2");
        releaseIn(release, -10);
        const QByteArray secret = secretOf(release);
        constexpr int kAttempts = 50;
        std::vector<std::string> tickets;
        for (int i = 0; i < kAttempts; ++i)
            tickets.push_back(signTicket(secret, QString::fromStdString(release), QDateTime::currentMSecsSinceEpoch(),
                                         QStringLiteral("%1").arg(i, 24, 10, QLatin1Char('0')))
                                  .toStdString());
        std::vector<std::unique_ptr<pqxx::connection>> conns;
        for (int i = 0; i < kAttempts; ++i)
            conns.push_back(connectAs(*m_db, m_service));
        std::atomic<int> ready{0}, placed{0}, refusedLimit{0}, other{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < kAttempts; ++i) {
            threads.emplace_back([&, i] {
                // The same buyer, spelled every way the limit must see through.
                const char *spellings[] = {"Same.Buyer@gmail.com", "samebuyer+drop@googlemail.com", " SAMEBUYER@GMAIL.COM ",
                                           "s.a.m.e.buyer@gmail.com"};
                ++ready;
                while (ready.load() < kAttempts)
                    std::this_thread::yield();
                try {
                    pqxx::work tx(*conns[size_t(i)]);
                    tx.exec("SELECT rdk.checkout_place_order(" + quoted(line("DRP-1", i % 2 ? "9" : "10")) + ", " +
                            quoted(spellings[i % 4]) + ", 30, " + pass("ticket", tickets[size_t(i)]) + ")");
                    tx.commit();
                    ++placed;
                } catch (const pqxx::sql_error &e) {
                    if (QString::fromUtf8(e.what()).contains(u"You can buy at most 2 pairs of this release."_s))
                        ++refusedLimit;
                    else
                        ++other;
                }
            });
        }
        for (auto &t : threads)
            t.join();
        QCOMPARE(placed.load(), 2);
        QCOMPARE(refusedLimit.load(), kAttempts - 2);
        QCOMPARE(other.load(), 0);
        QCOMPARE(owner("SELECT count(*) FROM orders WHERE release_id = '" + release + "' AND buyer_key = 'samebuyer@gmail.com'"),
                 std::string("2"));
        // Another buyer still gets their pairs.
        QVERIFY(checkout(line("DRP-1", "11", 2), "other@example.com", pass("ticket", ticketFor(release, secret))).ok);
        QCOMPARE(checkout(line("DRP-1", "11", 3), "third@example.com", pass("ticket", ticketFor(release, secret))).message,
                 u"You can buy at most 2 pairs of this release."_s);
        QCOMPARE(checkout(line("DRP-1", "11"), "", pass("ticket", ticketFor(release, secret))).message,
                 u"Enter your e-mail address to buy from this release."_s);
    }

    void counter_beforeReleaseAndOverTheLimit_refused_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addRow("staff") << u"staff"_s;
        QTest::addRow("ops") << u"ops"_s;
    }

    void counter_beforeReleaseAndOverTheLimit_refused()
    {
        QFETCH(QString, who);
        const std::string release = makeRelease("DRP-1");
        auto sell = [&](const char *size, const char *email) {
            return run(as(who), "SELECT rdk.pos_place_sale(" + quoted(line("DRP-1", size)) + ", 0, NULL, 15, " +
                                        (email ? quoted(email) : std::string("NULL")) + ")");
        };
        const Outcome early = sell("10", "walkin@example.com");
        QCOMPARE(early.sqlstate, std::string("P0001"));
        QVERIFY2(early.message.startsWith(u"Drop DRP-1 goes on sale at "_s), qPrintable(early.message));
        releaseIn(release, -5);
        QCOMPARE(sell("10", nullptr).message, u"Enter the buyer's e-mail address to sell from this release."_s);
        QCOMPARE(run(as(who), "SELECT rdk.pos_place_sale(" + quoted(line("DRP-1", "10")) + ", 0, NULL, 15)").message,
                 u"Enter the buyer's e-mail address to sell from this release."_s);
        // An online pair of the same buyer counts at the counter too.
        checkoutCommitted(line("DRP-1", "9"), "walkin@example.com", pass("ticket", ticketFor(release, secretOf(release))));
        QCOMPARE(sell("10", "Walkin@Example.com").message, u"You can buy at most 1 pair of this release."_s);
        QVERIFY2(sell("10", "someone.else@example.com").ok, qPrintable(sell("10", "someone.else@example.com").describe()));
        // Lines outside the release sell as before.
        QVERIFY(run(as(who), "SELECT rdk.pos_place_sale(" + quoted(line("PLAIN", "10")) + ", 0, NULL, 15)").ok);
    }

    // --- raffles -----------------------------------------------------------------------

    void raffle_onePerPersonAndWindow()
    {
        const std::string release = makeRelease("DRP-2", "\"allocation\": \"raffle\", \"entries_close_at\": \"" +
                                                             QDateTime::currentDateTimeUtc().addSecs(3000).toString(Qt::ISODate).toStdString() +
                                                             "\"");
        auto enter = [&](const std::string &email, const char *size, const QString &who = u"service"_s) {
            return run(as(who), "SELECT rdk.raffle_enter('" + release + "', " + quoted(email) + ", " + quoted(size) + ")");
        };
        // The window opens 30 minutes before the release by default: an hour ahead, not yet.
        QVERIFY2(enter("jane@example.com", "9").message.startsWith(u"Entries for this raffle open at "_s),
                 qPrintable(enter("jane@example.com", "9").describe()));
        owner("UPDATE releases SET queue_opens_at = now() - interval '1 minute' WHERE id = '" + release + "'");
        QVERIFY(scalarCommitted(as(u"service"_s), "SELECT rdk.raffle_enter('" + release + "', 'Jane.Doe@gmail.com', '9')") != "");
        for (const char *again : {"jane.doe@gmail.com", " JANEDOE@GMAIL.COM", "jane.doe+second@googlemail.com", "j.a.n.e.doe@gmail.com"}) {
            const Outcome o = enter(again, "10");
            QCOMPARE(o.sqlstate, std::string("P0001"));
            QCOMPARE(o.message, u"This e-mail address has already entered this raffle."_s);
        }
        QCOMPARE(enter("other@example.com", "12").message, u"Size 12 is not part of this raffle."_s);
        QCOMPARE(enter("not-an-address", "9").sqlstate, std::string("22023"));
        QCOMPARE(enter("x@example.com", "9", u"service B"_s).message, u"No such release."_s);
        QVERIFY(enter("other@example.com", "10").ok);
        owner("UPDATE releases SET entries_close_at = now() - interval '1 second' WHERE id = '" + release + "'");
        QVERIFY(enter("late@example.com", "9").message.startsWith(u"Entries for this raffle closed at "_s));
        QCOMPARE(owner("SELECT count(*) FROM raffle_entries"), std::string("1"));  // run() rolls back: only Jane's was committed
    }

    void raffle_drawRerunStockClaimLapseAndSweep()
    {
        const std::string release = makeRelease("DRP-2", "\"allocation\": \"raffle\", \"claim_hours\": 2, \"entries_close_at\": \"" +
                                                             QDateTime::currentDateTimeUtc().addSecs(3000).toString(Qt::ISODate).toStdString() +
                                                             "\"");
        owner("UPDATE releases SET queue_opens_at = now() - interval '1 minute' WHERE id = '" + release + "'");
        // 12 entries for size 9 (2 pairs) and 6 for size 10 (1 pair).
        for (int i = 0; i < 18; ++i)
            scalarCommitted(as(u"service"_s), "SELECT rdk.raffle_enter('" + release + "', 'fan" + std::to_string(i) +
                                                  "@example.com', '" + (i < 12 ? "9" : "10") + "')::text");
        const Outcome early = run(as(u"ops"_s), "SELECT rdk.raffle_draw('" + release + "', 'seed')");
        QVERIFY2(early.message.startsWith(u"Entries are open until "_s), qPrintable(early.describe()));
        QCOMPARE(run(as(u"staff"_s), "SELECT rdk.raffle_draw('" + release + "', 'seed')").sqlstate, std::string("42501"));
        owner("UPDATE releases SET entries_close_at = now() - interval '1 second', release_at = now() - interval '1 second' "
              "WHERE id = '" + release + "'");
        QCOMPARE(scalarCommitted(as(u"ops"_s), "SELECT rdk.raffle_draw('" + release + "', 'public seed 2026-12-12')"), std::string("3"));
        QCOMPARE(run(as(u"ops"_s), "SELECT rdk.raffle_draw('" + release + "', 'again')").sqlstate, std::string("P0001"));
        QCOMPARE(owner("SELECT string_agg(size || ':' || n, ',' ORDER BY size) FROM (SELECT size, count(*) n FROM raffle_entries "
                       "WHERE state = 'won' GROUP BY size) x"),
                 std::string("10:1,9:2"));
        QCOMPARE(owner("SELECT count(*) FROM mail_outbox WHERE kind = 'raffle_won'"), std::string("3"));
        QCOMPARE(owner("SELECT count(*) FROM mail_outbox WHERE kind = 'raffle_lost'"), std::string("15"));

        // Re-run in SQL from the published results and the seed alone: same order.
        QCOMPARE(owner("SELECT bool_and(draw_key = encode(sha256(convert_to('public seed 2026-12-12:' || email_key, 'UTF8')), 'hex')) "
                       "FROM raffle_entries"),
                 std::string("t"));
        QCOMPARE(owner("SELECT count(*) FROM (SELECT draw_rank, row_number() OVER (ORDER BY draw_key COLLATE \"C\") rn "
                       "FROM raffle_entries) x WHERE draw_rank <> rn"),
                 std::string("0"));
        // Re-run in C++ (domain/release, as rdk-admin raffle verify does): same winners.
        QList<RaffleDrawEntry> entries;
        {
            pqxx::connection c(m_db->ownerUrl());
            pqxx::work tx(c);
            for (const auto &r : tx.exec("SELECT id, email_key, size FROM raffle_entries ORDER BY id DESC"))
                entries.append(RaffleDrawEntry{r[0].as<qint64>(), QString::fromStdString(r[1].as<std::string>()),
                                               QString::fromStdString(r[2].as<std::string>())});
        }
        const auto outcomes = runRaffleDraw(u"public seed 2026-12-12"_s, entries, {{u"9"_s, 2}, {u"10"_s, 1}});
        QStringList cpp;
        for (const auto &o : outcomes)
            cpp.append(QStringLiteral("%1:%2:%3").arg(o.id).arg(o.rank).arg(o.won ? u"won"_s : u"lost"_s));
        QCOMPARE(cpp.join(u','), QString::fromStdString(owner("SELECT string_agg(id || ':' || draw_rank || ':' || state, ',' "
                                                              "ORDER BY draw_rank) FROM raffle_entries")));
        // Staff and the storefront can read the results; no addresses in them.
        QCOMPARE(scalarCommitted(as(u"staff"_s), "SELECT count(*) FROM rdk.raffle_results('" + release + "')"), std::string("18"));
        QCOMPARE(run(as(u"service B"_s), "SELECT * FROM rdk.raffle_results('" + release + "')").sqlstate, std::string("P0002"));

        // Claims: a winner's code buys their size only, once; a loser's or a made-up code nothing.
        const std::string winner9 = owner("SELECT claim_code::text FROM raffle_entries WHERE state = 'won' AND size = '9' ORDER BY draw_rank LIMIT 1");
        const std::string loser = owner("SELECT id::text FROM raffle_entries WHERE state = 'lost' LIMIT 1");
        QCOMPARE(checkout(line("DRP-2", "9"), "", "NULL").message, u"This release is sold to raffle winners."_s);
        QCOMPARE(checkout(line("DRP-2", "9"), "", pass("claim", "00000000-0000-4000-8000-000000000000")).sqlstate, std::string("42501"));
        QCOMPARE(checkout(line("DRP-2", "10"), "", pass("claim", winner9)).message, u"A raffle win buys one pair in size 9."_s);
        QCOMPARE(checkout(line("DRP-2", "9", 2), "", pass("claim", winner9)).message, u"A raffle win buys one pair in size 9."_s);
        const std::string claimOrder = scalarCommitted(as(u"service"_s), "SELECT rdk.checkout_place_order(" + quoted(line("DRP-2", "9")) +
                                                                             ", NULL, 30, " + pass("claim", winner9) + ")::text");
        QVERIFY(owner("SELECT customer_email FROM orders WHERE id = '" + claimOrder + "'").find("@example.com") != std::string::npos);
        QCOMPARE(checkout(line("DRP-2", "9"), "", pass("claim", winner9)).message, u"This pair is already in a checkout; finish paying there."_s);
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT state FROM rdk.raffle_claim_status('" + winner9 + "')"), std::string("won"));
        QCOMPARE(scalarCommitted(as(u"service B"_s), "SELECT count(*) FROM rdk.raffle_claim_status('" + winner9 + "')"), std::string("0"));
        Q_UNUSED(loser);

        // The counter sells after the draw only what no unpaid winner waits for: size 10's one
        // pair is kept for its winner.
        QCOMPARE(run(as(u"staff"_s), "SELECT rdk.pos_place_sale(" + quoted(line("DRP-2", "10")) + ", 0, NULL, 15, 'walk@example.com')").message,
                 u"Drop DRP-2 (size 10) is kept for raffle winners who have not paid yet."_s);

        // The other size-9 winner and the size-10 winner let their time run out: the next entry
        // of each size moves up, once, however many sweeps run at the same time.
        owner("UPDATE raffle_entries SET claim_deadline = now() - interval '1 second' WHERE state = 'won'");
        const std::string nextUp9 = owner("SELECT id::text FROM raffle_entries WHERE state = 'lost' AND size = '9' ORDER BY draw_rank LIMIT 1");
        const std::string nextUp10 = owner("SELECT id::text FROM raffle_entries WHERE state = 'lost' AND size = '10' ORDER BY draw_rank LIMIT 1");
        auto sweeperA = connectAs(*m_db, m_service);
        auto sweeperB = connectAs(*m_db, m_service);
        std::atomic<int> moved{0};
        std::atomic<int> go{0};
        auto sweep = [&](pqxx::connection &c) {
            ++go;
            while (go.load() < 2)
                std::this_thread::yield();
            for (int round = 0; round < 3; ++round) {
                pqxx::work tx(c);
                moved += tx.exec1("SELECT rdk.release_sweep()")[0].as<int>();
                tx.commit();
            }
        };
        std::thread a([&] { sweep(*sweeperA); });
        std::thread b([&] { sweep(*sweeperB); });
        a.join();
        b.join();
        // Two lapsed (the claim with a live order keeps its pair) and two promoted.
        QCOMPARE(moved.load(), 4);
        QCOMPARE(owner("SELECT count(*) FROM raffle_entries WHERE state = 'lapsed'"), std::string("2"));
        QCOMPARE(owner("SELECT state FROM raffle_entries WHERE id = " + nextUp9), std::string("won"));
        QCOMPARE(owner("SELECT state FROM raffle_entries WHERE id = " + nextUp10), std::string("won"));
        QCOMPARE(owner("SELECT count(*) FROM mail_outbox WHERE kind = 'raffle_won'"), std::string("5"));
        QCOMPARE(owner("SELECT count(*) FROM raffle_entries WHERE state = 'won' AND claim_deadline > now() + interval '119 minutes'"),
                 std::string("2"));
        const std::string lapsedCode = owner("SELECT claim_code::text FROM raffle_entries WHERE state = 'lapsed' LIMIT 1");
        QCOMPARE(checkout(line("DRP-2", owner("SELECT size FROM raffle_entries WHERE state = 'lapsed' LIMIT 1").c_str()), "",
                          pass("claim", lapsedCode)).message,
                 u"The time to claim this pair has run out."_s);
        // rdk-admin raffle verify's check: after lapses and promotions the recorded draw still
        // re-runs to the same places and winners; a record changed by hand does not.
        auto ownerSession = data::PgSession::open(m_db->ownerUrl());
        QVERIFY(ownerSession.ok());
        const auto record = data::readRaffleRecord(**ownerSession, QString::fromStdString(release));
        QVERIFY(record.ok() && record->has_value());
        QCOMPARE((*record)->entries.size(), 18);
        QVERIFY2(raffleDrawMismatches(**record).isEmpty(), qPrintable(raffleDrawMismatches(**record).join(u'\n')));
        auto verify = [&](QString *out) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"DATABASE_URL"_s, QString::fromStdString(m_db->ownerUrl()));
            env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
            env.remove(u"RDK_TENANT"_s);
            p.setProcessEnvironment(env);
            p.start(QString::fromUtf8(RDK_ADMIN_BINARY), {u"raffle"_s, u"verify"_s, QString::fromStdString(release)});
            p.waitForFinished(60000);
            *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
            return p.exitCode();
        };
        QString said;
        QCOMPARE(verify(&said), 0);
        QVERIFY2(said.contains(u"18 entries, 3 winners"_s) && said.contains(u"every place and every winner matches"_s), qPrintable(said));
        owner("UPDATE raffle_entries SET won_at_draw = NOT won_at_draw WHERE id = " + nextUp9);
        const auto tampered = data::readRaffleRecord(**ownerSession, QString::fromStdString(release));
        QCOMPARE(raffleDrawMismatches(**tampered).size(), 1);
        QCOMPARE(verify(&said), 2);
        QVERIFY2(said.contains(u"MISMATCH Entry "_s + QString::fromStdString(nextUp9)), qPrintable(said));
        owner("UPDATE raffle_entries SET won_at_draw = NOT won_at_draw WHERE id = " + nextUp9);
        // Overview counts for the desk.
        QCOMPARE(scalarCommitted(as(u"staff"_s), "SELECT entries || '/' || won || '/' || held FROM rdk.release_overview() "
                                                 "WHERE release_id = '" + release + "'"),
                 std::string("18/3/1"));
    }

    // --- the webhook's card and address checks -----------------------------------------

    void webhook_sameCardOrAddressOverLimit_paidButFlagged()
    {
        const std::string release = makeRelease("DRP-1");
        releaseIn(release, -10);
        const QByteArray secret = secretOf(release);
        auto pay = [&](const std::string &order, const std::string &event, const std::string &fingerprint, const std::string &line1) {
            return scalarCommitted(as(u"service"_s),
                                   "SELECT outcome FROM rdk.apply_payment_event('" + event + "', 'checkout.session.completed', '" +
                                       order + "', 'pi_" + event + "', 'paid', 11000, 'usd', NULL, NULL, NULL, " +
                                       quoted("{\"line1\": \"" + line1 + "\", \"postal_code\": \"10001\", \"country\": \"US\"}") + ", " +
                                       quoted("{\"card_fingerprint\": \"" + fingerprint + "\"}") + ")");
        };
        auto order = [&](const char *email, const char *nonce) {
            return checkoutCommitted(line("DRP-1", "10"), email, pass("ticket", ticketFor(release, secret, nonce)));
        };
        const std::string first = order("one@example.com", "aaaaaaaaaaaaaaaaaaaaaaaa");
        QCOMPARE(pay(first, "evt_first", "fpCARD1", "1 Main St"), std::string("applied"));
        QCOMPARE(owner("SELECT status || ':' || needs_review || ':' || card_fingerprint FROM orders WHERE id = '" + first + "'"),
                 std::string("paid:false:fpCARD1"));
        // Same card, another e-mail: paid, flagged, the other order named.
        const std::string second = order("two@example.com", "bbbbbbbbbbbbbbbbbbbbbbbb");
        QCOMPARE(pay(second, "evt_second", "fpCARD1", "99 Other Rd"), std::string("applied"));
        const std::string firstLabel = owner("SELECT rdk.order_label(order_number) FROM orders WHERE id = '" + first + "'");
        QCOMPARE(owner("SELECT status || ':' || needs_review FROM orders WHERE id = '" + second + "'"), std::string("paid:true"));
        const std::string reason = owner("SELECT review_reason FROM orders WHERE id = '" + second + "'");
        QVERIFY2(reason.find("same card") != std::string::npos && reason.find(firstLabel) != std::string::npos, reason.c_str());
        // Same door, spelled differently, another card.
        const std::string third = order("three@example.com", "cccccccccccccccccccccccc");
        pay(third, "evt_third", "fpCARD3", "1 MAIN ST.");
        QVERIFY(owner("SELECT review_reason FROM orders WHERE id = '" + third + "'").find("same shipping address") != std::string::npos);
        // Positive control: another card to another door is simply paid.
        const std::string fourth = order("four@example.com", "dddddddddddddddddddddddd");
        pay(fourth, "evt_fourth", "fpCARD4", "7 Elm St");
        QCOMPARE(owner("SELECT status || ':' || needs_review FROM orders WHERE id = '" + fourth + "'"), std::string("paid:false"));
        // Orders outside a release are untouched by any of it.
        const std::string plain = checkoutCommitted(line("PLAIN", "10"), "one@example.com", "NULL");
        pay(plain, "evt_plain", "fpCARD1", "1 Main St");
        QCOMPARE(owner("SELECT status || ':' || needs_review || ':' || coalesce(card_fingerprint, '-') FROM orders WHERE id = '" + plain + "'"),
                 std::string("paid:false:-"));
    }

    // Two lists of payments run side by side (ADR 0035). Each pays one pair of the release with
    // the same card, and both reach their end (the dashboard's write, held here by the owner)
    // before either commits. The release's row lock makes the second check wait for the first
    // list's commit, so it sees that order and flags its own. Without it each check saw the
    // other's order as still pending and both went through unflagged.
    void webhook_sameCardInTwoListsAtOnce_oneFlagged()
    {
        const std::string release = makeRelease("DRP-1");
        releaseIn(release, -10);
        const QByteArray secret = secretOf(release);
        const std::string first = checkoutCommitted(line("DRP-1", "10"), "one@example.com",
                                                    pass("ticket", ticketFor(release, secret, "aaaaaaaaaaaaaaaaaaaaaaaa")));
        const std::string second = checkoutCommitted(line("DRP-1", "9"), "two@example.com",
                                                     pass("ticket", ticketFor(release, secret, "bbbbbbbbbbbbbbbbbbbbbbbb")));
        // Two events a list, so each list writes the dashboard at its end.
        const auto list = [](const std::string &order, const std::string &event) {
            return quoted("[{\"id\": \"evt_" + event + "\", \"type\": \"checkout.session.completed\", \"order\": \"" + order +
                          "\", \"signal\": \"paid\", \"amount_minor\": \"11000\", \"currency\": \"usd\", "
                          "\"checkout\": {\"card_fingerprint\": \"fpSAME\"}}, "
                          "{\"id\": \"evt_" + event + "_other\", \"type\": \"checkout.session.completed\", "
                          "\"order\": \"" + QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString() + "\", \"signal\": \"paid\"}]");
        };
        OwnerLockHold hold(*m_db, "LOCK TABLE sales_daily IN SHARE MODE");
        auto serviceA = connectAs(*m_db, m_service), serviceB = connectAs(*m_db, m_service);
        std::string outcomesA, outcomesB;
        std::thread a([&] { outcomesA = scalarCommitted(*serviceA, "SELECT string_agg(coalesce(outcome, error_state), ',' ORDER BY event_no) "
                                                                   "FROM rdk.apply_payment_events(" + list(first, "side_a") + ")"); });
        QTRY_COMPARE(sessionsWaitingOnLocks(*m_db), 1);
        std::thread b([&] { outcomesB = scalarCommitted(*serviceB, "SELECT string_agg(coalesce(outcome, error_state), ',' ORDER BY event_no) "
                                                                   "FROM rdk.apply_payment_events(" + list(second, "side_b") + ")"); });
        QTRY_COMPARE(sessionsWaitingOnLocks(*m_db), 2);
        hold.release();
        a.join();
        b.join();

        QCOMPARE(outcomesA, std::string("applied,unknown_order"));
        QCOMPARE(outcomesB, std::string("applied,unknown_order"));
        QCOMPARE(owner("SELECT status || ':' || needs_review FROM orders WHERE id = '" + first + "'"), std::string("paid:false"));
        QCOMPARE(owner("SELECT status || ':' || needs_review FROM orders WHERE id = '" + second + "'"), std::string("paid:true"));
        QVERIFY(owner("SELECT review_reason FROM orders WHERE id = '" + second + "'").find("same card") != std::string::npos);
    }

    // Stripe names the card only on the charge (charge.succeeded: no payment signal), which may
    // arrive before or after the session's completed event; either way the limit by card holds.
    void webhook_cardFromChargeEvent_beforeOrAfterPayment_flagsSameCard()
    {
        const std::string release = makeRelease("DRP-3");
        releaseIn(release, -10);
        const QByteArray secret = secretOf(release);
        auto event = [&](const std::string &order, const std::string &id, const char *type, const char *signal,
                         const std::string &checkout) {
            return scalarCommitted(as(u"service"_s),
                                   "SELECT outcome FROM rdk.apply_payment_event('" + id + "', '" + type + "', '" + order +
                                       "', 'pi_" + order.substr(0, 8) + "', " + signal + ", 11000, 'usd', NULL, NULL, NULL, NULL, " +
                                       quoted(checkout) + ")");
        };
        auto order = [&](const char *email, const char *nonce) {
            return checkoutCommitted(line("DRP-3", "10"), email, pass("ticket", ticketFor(release, secret, nonce)));
        };
        const std::string card = "{\"card_fingerprint\": \"fpSAME\"}";
        // First buyer: the charge comes first (kept on the pending order), then the payment.
        const std::string first = order("one@example.com", "eeeeeeeeeeeeeeeeeeeeeeee");
        QCOMPARE(event(first, "evt_ch_first", "charge.succeeded", "NULL", card), std::string("applied"));
        QCOMPARE(owner("SELECT status || ':' || card_fingerprint FROM orders WHERE id = '" + first + "'"), std::string("pending:fpSAME"));
        QCOMPARE(event(first, "evt_cs_first", "checkout.session.completed", "'paid'", "{}"), std::string("applied"));
        QCOMPARE(owner("SELECT status || ':' || needs_review FROM orders WHERE id = '" + first + "'"), std::string("paid:false"));
        // Second buyer, same card, charge first: flagged when the payment arrives.
        const std::string second = order("two@example.com", "ffffffffffffffffffffffff");
        QCOMPARE(event(second, "evt_ch_second", "charge.succeeded", "NULL", card), std::string("applied"));
        QCOMPARE(event(second, "evt_cs_second", "checkout.session.completed", "'paid'", "{}"), std::string("applied"));
        QCOMPARE(owner("SELECT status || ':' || needs_review FROM orders WHERE id = '" + second + "'"), std::string("paid:true"));
        // Third buyer, same card, charge after the payment: flagged then, and only once.
        const std::string third = order("three@example.com", "111111111111111111111111");
        QCOMPARE(event(third, "evt_cs_third", "checkout.session.completed", "'paid'", "{}"), std::string("applied"));
        QCOMPARE(owner("SELECT needs_review::text FROM orders WHERE id = '" + third + "'"), std::string("false"));
        QCOMPARE(event(third, "evt_ch_third", "charge.succeeded", "NULL", card), std::string("applied"));
        const std::string reason = owner("SELECT review_reason FROM orders WHERE id = '" + third + "'");
        QVERIFY2(reason.find("same card") != std::string::npos, reason.c_str());
        QCOMPARE(event(third, "evt_ch_third_again", "charge.succeeded", "NULL", card), std::string("applied"));
        QCOMPARE(owner("SELECT review_reason FROM orders WHERE id = '" + third + "'"), reason);
        // Positive control: a charge of an order outside any release is ignored, as before.
        const std::string plain = checkoutCommitted(line("PLAIN", "10"), "one@example.com", "NULL");
        QCOMPARE(event(plain, "evt_ch_plain", "charge.succeeded", "NULL", card), std::string("ignored"));
    }

    // --- staff settings ----------------------------------------------------------------

    void setRelease_badSettings_refusedWithASentence_data()
    {
        QTest::addColumn<QString>("settings");
        QTest::addColumn<QString>("sentence");
        QTest::addRow("in the past") << u"{\"release_at\": \"2020-01-01T10:00:00Z\"}"_s << u"has passed"_s;
        QTest::addRow("no time") << u"{}"_s << u"A release needs its release time."_s;
        QTest::addRow("no offset") << u"{\"release_at\": \"2030-01-01T10:00:00\"}"_s << u"with its offset"_s;
        QTest::addRow("unknown size") << u"{\"release_at\": \"%1\", \"sizes\": [\"13\"]}"_s << u"Size 13 is not a size of Drop DRP-1."_s;
        QTest::addRow("rate") << u"{\"release_at\": \"%1\", \"admit_per_minute\": 0}"_s << u"between 1 and 100000"_s;
        QTest::addRow("limit") << u"{\"release_at\": \"%1\", \"limit_per_buyer\": 11}"_s << u"between 1 and 10 pairs"_s;
        QTest::addRow("pow") << u"{\"release_at\": \"%1\", \"pow_bits\": 27}"_s << u"between 0 and 26 bits"_s;
        QTest::addRow("raffle without close") << u"{\"release_at\": \"%1\", \"allocation\": \"raffle\"}"_s << u"needs the time its entries close"_s;
        QTest::addRow("unknown key") << u"{\"release_at\": \"%1\", \"price\": 1}"_s << u"Unknown release setting \"price\"."_s;
        QTest::addRow("queue after release") << u"{\"release_at\": \"%1\", \"queue_opens_at\": \"2099-01-01T00:00:00Z\"}"_s
                                             << u"must open by the release time"_s;
    }

    void setRelease_badSettings_refusedWithASentence()
    {
        QFETCH(QString, settings);
        QFETCH(QString, sentence);
        const QString json = settings.contains(u"%1"_s) ? settings.arg(QDateTime::currentDateTimeUtc().addDays(2).toString(Qt::ISODate))
                                                         : settings;
        const Outcome o = run(as(u"ops"_s), "SELECT rdk.set_release(NULL, 'DRP-1', " + quoted(json.toStdString()) + ")");
        QVERIFY2(!o.ok && o.sqlstate == "22023" && o.message.contains(sentence), qPrintable(o.describe()));
        QCOMPARE(owner("SELECT count(*) FROM releases"), std::string("0"));
    }

    void setRelease_staffRefused_opsAudited_oneLivePerProduct()
    {
        QCOMPARE(run(as(u"staff"_s), "SELECT rdk.set_release(NULL, 'DRP-1', '{}')").sqlstate, std::string("42501"));
        const std::string release = makeRelease("DRP-1", "\"limit_per_buyer\": 2");
        QCOMPARE(owner("SELECT count(*) FROM audit_log WHERE entity = 'release' AND entity_id = '" + release + "'"), std::string("1"));
        QCOMPARE(owner("SELECT count(*) FROM audit_log WHERE after::text LIKE '%secret%'"), std::string("0"));
        const Outcome twice = run(as(u"ops"_s), "SELECT rdk.set_release(NULL, 'DRP-1', " +
                                                        quoted("{\"release_at\": \"" +
                                                               QDateTime::currentDateTimeUtc().addDays(1).toString(Qt::ISODate).toStdString() +
                                                               "\"}") + ")");
        QVERIFY2(twice.message.contains(u"already has a release"_s), qPrintable(twice.describe()));
        QCOMPARE(run(as(u"ops"_s), "SELECT rdk.cancel_release('" + release + "', '')").sqlstate, std::string("22023"));
        scalarCommitted(as(u"ops"_s), "SELECT rdk.cancel_release('" + release + "', 'Supplier late')::text");
        QCOMPARE(owner("SELECT count(*) FROM audit_log WHERE entity = 'release' AND action = 'cancel'"), std::string("1"));
        QVERIFY(!makeRelease("DRP-1").empty());
        // A canceled release asks nothing at checkout: the product sells as usual.
        owner("UPDATE releases SET canceled_at = now() WHERE product_id = (SELECT id FROM products WHERE sku = 'DRP-1')");
        QVERIFY(checkout(line("DRP-1", "10"), "", "NULL").ok);
    }

    void queue_publishAndCounts_summedOverProcesses()
    {
        const std::string release = makeRelease("DRP-1");
        scalarCommitted(as(u"service"_s), "SELECT rdk.queue_publish('" + release + "', 'sync-a', '{\"1000\": 3, \"1100\": 2}')::text");
        scalarCommitted(as(u"service"_s), "SELECT rdk.queue_publish('" + release + "', 'sync-b', '{\"1000\": 4}')::text");
        // A second publication replaces the process's counts.
        scalarCommitted(as(u"service"_s), "SELECT rdk.queue_publish('" + release + "', 'sync-a', '{\"1000\": 5, \"1200\": 1}')::text");
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT string_agg(bucket_ms || '=' || count, ',' ORDER BY bucket_ms) "
                                                   "FROM rdk.queue_counts('" + release + "')"),
                 std::string("1000=9,1200=1"));
        QCOMPARE(run(as(u"service"_s), "SELECT rdk.queue_publish('" + release + "', 'sync-a', '{\"1050\": 1}')").sqlstate,
                 std::string("22023"));
        QCOMPARE(run(as(u"service"_s), "SELECT rdk.queue_publish('" + release + "', 'sync-a', '{\"1000\": -1}')").sqlstate,
                 std::string("22023"));
        QCOMPARE(run(as(u"service B"_s), "SELECT * FROM rdk.queue_counts('" + release + "')").message, u"No such release."_s);
    }
};

QTEST_MAIN(TestReleasesDb)
#include "tst_releases_db.moc"

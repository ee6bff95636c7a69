// The mail outbox in the database (migration 0020, module mail.sql, ADR 0018): what the order
// events queue and when, the counter receipt, the sender's lease, backoff and give-up, and the
// attacks of a cashier with psql, another shop and the service login, each with its positive
// control. Real logins on a real PostgreSQL (RDK_TEST_PG_URL).
#include "data/pgmailoutbox.h"
#include "data/pgorderbook.h"
#include "data/pgsession.h"
#include "tests/security/securitytest.h"

#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kLine = R"([{"sku": "MAIL-RUN", "size": "10", "quantity": 1}])";

class Collector final : public pqxx::notification_receiver {
public:
    Collector(pqxx::connection_base &conn, const std::string &channel) : pqxx::notification_receiver(conn, channel) {}
    void operator()(const std::string &payload, int /*backendPid*/) override { payloads.push_back(payload); }
    std::vector<std::string> payloads;
};

// Lets `conn` take in what arrives for `ms` milliseconds (proving a notice did or did not come).
void pump(pqxx::connection &conn, int ms)
{
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired())
        conn.await_notification(0, 50'000);
}

} // namespace

class TestMailOutboxDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_service, m_staffB, m_opsB, m_serviceB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }
    long long count(const std::string &sql) { return std::stoll(owner(sql)); }

    void addProduct(const QString &tenant, const QString &sku)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + str(sku) +
              "', 'Runner <b>" + str(sku) + "</b>', 'Nike', 'Black', 'new', 12000, 'USD', 'per_size', 'mens', '{10}', true) "
              "RETURNING id, tenant_id) INSERT INTO inventory (tenant_id, product_id, size, quantity) "
              "SELECT tenant_id, id, '10', 500 FROM p");
    }

    /// An online order of shop A placed by the storefront (awaiting payment) for `email`.
    std::string onlineOrder(const std::string &email)
    {
        return scalarCommitted(as(u"service"_s), "SELECT rdk.checkout_place_order('" + std::string(kLine) + "', " +
                                                      pqxx::connection(m_db->ownerUrl()).quote(email) + ", 35)::text");
    }

    /// The webhook's effect, as the owner (the trigger fires for every writer alike).
    void markPaid(const std::string &order)
    {
        owner("UPDATE orders SET status = 'paid', paid_at = now(), stripe_payment_intent_id = 'pi_" + order.substr(0, 8) +
              "' WHERE id = '" + order + "'");
    }

    /// A paid counter sale of `who`'s shop: placed by that staff login, paid by card through its
    /// payment link (the webhook's effect, as the owner: independent of the cash drawer's rules).
    std::string paidCounterSale(const QString &who)
    {
        const std::string sale = scalarCommitted(as(who), "SELECT rdk.pos_place_sale('" + std::string(who.endsWith(u'B') ? R"([{"sku": "MAIL-B", "size": "10", "quantity": 1}])" : kLine) +
                                                              "', 0, NULL, 15)::text");
        owner("UPDATE orders SET status = 'paid', paid_at = now(), stripe_payment_intent_id = 'pi_" + sale.substr(0, 8) +
              "' WHERE id = '" + sale + "'");
        return sale;
    }

    long long mailsOf(const std::string &order) { return count("SELECT count(*) FROM mail_outbox WHERE order_id = '" + order + "'"); }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"mail-a"_s);
        m_shopB = m_db->createTenant(u"mail-b"_s);
        addProduct(m_shopA, u"MAIL-RUN"_s);
        addProduct(m_shopB, u"MAIL-B"_s);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_opsB = m_db->createStaff(m_shopB, u"ops"_s);
        m_serviceB = m_db->createServiceLogin(m_shopB);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"staff B"_s] = connectAs(*m_db, m_staffB);
        m_conn[u"ops B"_s] = connectAs(*m_db, m_opsB);
        m_conn[u"service B"_s] = connectAs(*m_db, m_serviceB);
    }

    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    void paidOnlineOrder_queuesOneConfirmation_inThePaymentsTransaction()
    {
        const std::string order = onlineOrder("buyer@example.com");
        QCOMPARE(mailsOf(order), 0);   // placing it says nothing yet

        // A payment that rolls back queues nothing.
        {
            pqxx::connection c(m_db->ownerUrl());
            pqxx::work tx(c);
            tx.exec("UPDATE orders SET status = 'paid', paid_at = now() WHERE id = '" + order + "'");
            QCOMPARE(tx.exec1("SELECT count(*) FROM mail_outbox WHERE order_id = '" + order + "'")[0].as<int>(), 1);
            tx.abort();
        }
        QCOMPARE(mailsOf(order), 0);

        markPaid(order);
        QCOMPARE(mailsOf(order), 1);
        owner("UPDATE orders SET status = 'paid' WHERE id = '" + order + "'");   // no change, no second mail
        QCOMPARE(mailsOf(order), 1);
        QCOMPARE(qstr(owner("SELECT kind || ' ' || state || ' ' || recipient || ' ' || attempts FROM mail_outbox WHERE order_id = '" +
                            order + "'")),
                 u"order_paid queued buyer@example.com 0"_s);
        // The snapshot says what the mail will say, and never the customer's address.
        const QString payload = qstr(owner("SELECT payload::text FROM mail_outbox WHERE order_id = '" + order + "'"));
        QVERIFY2(payload.contains(u"\"order_number\""_s) && payload.contains(u"\"timezone\""_s) && payload.contains(u"MAIL-RUN"_s),
                 qPrintable(payload));
        QVERIFY2(!payload.contains(u"buyer@example.com"_s), qPrintable(payload));
    }

    void shippedAndEachRefund_queueOneMailEach()
    {
        const std::string order = onlineOrder("ship@example.com");
        markPaid(order);
        scalarCommitted(as(u"staff"_s), "SELECT rdk.mark_order_shipped('" + order + "', 'UPS', '1Z999AA10123456784')::text");
        QCOMPARE(count("SELECT count(*) FROM mail_outbox WHERE kind = 'order_shipped' AND order_id = '" + order + "'"), 1);
        QVERIFY(owner("SELECT payload->>'tracking_number' FROM mail_outbox WHERE kind = 'order_shipped' AND order_id = '" + order + "'") ==
                "1Z999AA10123456784");
        owner("UPDATE orders SET status = 'partially_refunded', refunded_minor = 2000 WHERE id = '" + order + "'");
        owner("UPDATE orders SET status = 'refunded', refunded_minor = total_minor WHERE id = '" + order + "'");
        QCOMPARE(qstr(owner("SELECT string_agg(event_key || '=' || (payload->>'refund_minor'), ',' ORDER BY id) FROM mail_outbox "
                            "WHERE kind = 'order_refunded' AND order_id = '" + order + "'")),
                 u"refund:2000=2000,refund:%1=%2"_s.arg(qstr(owner("SELECT total_minor FROM orders WHERE id = '" + order + "'")),
                                                      QString::number(std::stoll(owner("SELECT total_minor - 2000 FROM orders WHERE id = '" + order + "'")))));
        QCOMPARE(mailsOf(order), 4);
    }

    void orderWithoutAUsableAddress_isStillPaid_andQueuesNothing()
    {
        const std::string order = onlineOrder("x@example.com");
        owner("UPDATE orders SET customer_email = E'x@example.com\\r\\nBcc: all@example.com' WHERE id = '" + order + "'");
        markPaid(order);
        QCOMPARE(qstr(owner("SELECT status FROM orders WHERE id = '" + order + "'")), u"paid"_s);
        QCOMPARE(mailsOf(order), 0);
    }

    void counterSale_queuesNothing_untilAReceiptIsAsked()
    {
        const std::string sale = paidCounterSale(u"staff"_s);
        QCOMPARE(mailsOf(sale), 0);
        const std::string id = scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + sale + "', '  Buyer@Example.com ')::text");
        // Asked again for the same address while it waits: the same mail.
        QCOMPARE(scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + sale + "', 'buyer@example.com')::text"), id);
        QCOMPARE(mailsOf(sale), 1);
        QCOMPARE(qstr(owner("SELECT kind || ' ' || recipient FROM mail_outbox WHERE id = " + id)), u"counter_receipt Buyer@Example.com"_s);
        QCOMPARE(count("SELECT count(*) FROM audit_log WHERE action = 'email_receipt' AND entity_id = '" + sale + "'"), 1);
        // Another address is another mail; five at most per sale.
        for (int i = 2; i <= 5; ++i)
            scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + sale + "', 'copy" + std::to_string(i) + "@example.com')::text");
        const Outcome sixth = tryExec(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + sale + "', 'six@example.com')");
        QVERIFY2(!sixth.ok && sixth.sqlstate == "P0001" && sixth.message.contains(u"5 times"_s), qPrintable(sixth.describe()));
        QCOMPARE(mailsOf(sale), 5);
    }

    void emailReceipt_badAddress_isRefusedWithASentence_andQueuesNothing_data()
    {
        QTest::addColumn<QString>("email");
        QTest::addRow("header injection") << u"a@example.com\r\nBcc: all@example.com"_s;
        QTest::addRow("bare line feed") << u"a@example.com\nX: y"_s;
        QTest::addRow("two addresses") << u"a@example.com, b@example.com"_s;
        QTest::addRow("display name") << u"Eve <eve@example.com>"_s;
        QTest::addRow("no domain") << u"someone"_s;
        QTest::addRow("no dot in the domain") << u"a@localhost"_s;
        QTest::addRow("non-ASCII") << u"jörg@example.com"_s;
        QTest::addRow("empty") << QString();
        QTest::addRow("too long") << (QString(250, u'a') + u"@example.com"_s);
    }

    void emailReceipt_badAddress_isRefusedWithASentence_andQueuesNothing()
    {
        QFETCH(QString, email);
        const std::string sale = paidCounterSale(u"staff"_s);
        pqxx::connection quote(m_db->ownerUrl());
        const Outcome out = tryExec(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + sale + "', " + quote.quote(str(email)) + ")");
        QVERIFY2(!out.ok && out.sqlstate == "22023", qPrintable(out.describe()));
        QVERIFY2(out.message.contains(u"not an e-mail address a receipt can be sent to"_s), qPrintable(out.message));
        QCOMPARE(mailsOf(sale), 0);
        // Positive control: the same login, the same sale, a good address.
        QVERIFY(tryExec(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + sale + "', 'good@example.com')").ok);
    }

    void emailReceipt_wrongOrder_isRefused()
    {
        const std::string unpaid = scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_place_sale('" + std::string(kLine) + "', 0, NULL, 15)::text");
        Outcome out = tryExec(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + unpaid + "', 'a@example.com')");
        QVERIFY2(!out.ok && out.sqlstate == "P0001" && out.message.contains(u"not paid yet"_s), qPrintable(out.describe()));

        const std::string online = onlineOrder("o@example.com");
        markPaid(online);
        out = tryExec(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + online + "', 'a@example.com')");
        QVERIFY2(!out.ok && out.sqlstate == "22023" && out.message.contains(u"online order"_s), qPrintable(out.describe()));

        // Another shop's cashier can't mail shop A's receipt anywhere, whatever role they reach.
        const std::string saleA = paidCounterSale(u"staff"_s);
        for (const QString &role : reachableRoles(as(u"staff B"_s))) {
            out = tryExec(as(u"staff B"_s), setLocalRole(role) + "SELECT rdk.pos_email_receipt('" + saleA + "', 'thief@example.com')");
            QVERIFY2(!out.ok && (out.sqlstate == "P0002" || out.refused()), qPrintable(role + u": "_s + out.describe()));
        }
        QCOMPARE(mailsOf(saleA), 0);
        // Positive control: staff B mails their own shop's receipt.
        const std::string saleB = paidCounterSale(u"staff B"_s);
        QVERIFY(tryExec(as(u"staff B"_s), "SELECT rdk.pos_email_receipt('" + saleB + "', 'b@example.com')").ok);
    }

    void cashier_cannotWriteTheOutbox_orActAsTheSender_afterAnySetRole()
    {
        const std::string sale = paidCounterSale(u"staff"_s);
        const std::string id = scalarCommitted(as(u"staff"_s), "SELECT rdk.pos_email_receipt('" + sale + "', 'r@example.com')::text");
        const std::vector<std::pair<const char *, std::string>> attacks = {
            {"queue any mail", "INSERT INTO mail_outbox (tenant_id, order_id, kind, event_key, recipient, payload) "
                               "SELECT tenant_id, order_id, kind, 'forged', 'victim@example.com', payload FROM mail_outbox LIMIT 1"},
            {"redirect a mail", "UPDATE mail_outbox SET recipient = 'thief@example.com'"},
            {"mark a mail sent", "UPDATE mail_outbox SET state = 'sent', sent_at = now()"},
            {"erase mail history", "DELETE FROM mail_outbox"},
            {"truncate the outbox", "TRUNCATE mail_outbox"},
            {"claim mail as the sender", "SELECT count(*) FROM rdk.claim_mail(10)"},
            {"report a mail sent", "SELECT rdk.mail_sent(" + id + ")"},
            {"report a mail failed", "SELECT rdk.mail_failed(" + id + ", 'x', true)"},
            {"read the addresses", "SELECT recipient FROM mail_outbox"},
        };
        for (const QString &role : reachableRoles(as(u"staff"_s))) {
            for (const auto &[what, sql] : attacks) {
                const Outcome out = tryExec(as(u"staff"_s), setLocalRole(role) + sql);
                QVERIFY2(out.refused(), qPrintable(u"%1 as %2: %3"_s.arg(QLatin1StringView(what), role, out.describe())));
            }
        }
        QCOMPARE(qstr(owner("SELECT state || ' ' || recipient FROM mail_outbox WHERE id = " + id)), u"queued r@example.com"_s);
        // Positive control: staff see their shop's mails (state, error), without the address.
        const Outcome seen = tryExec(as(u"staff"_s), "SELECT count(*) FROM mail_outbox WHERE id = " + id + " AND state = 'queued' AND last_error IS NULL", true);
        QVERIFY2(seen.ok && seen.rows == 1, qPrintable(seen.describe()));
        // ops read the address, as they read orders.customer_email.
        const Outcome ops = tryExec(as(u"ops"_s), "SELECT count(*) FROM mail_outbox WHERE recipient = 'r@example.com'", true);
        QVERIFY2(ops.ok && ops.rows == 1, qPrintable(ops.describe()));
    }

    void otherShop_seesNoneOfTheMails_andItsSenderCantTouchThem()
    {
        const std::string order = onlineOrder("other@example.com");
        markPaid(order);
        const std::string id = owner("SELECT id FROM mail_outbox WHERE order_id = '" + order + "'");
        for (const QString &who : {u"staff B"_s, u"service B"_s}) {
            const Outcome seen = tryExec(as(who), "SELECT count(*) FROM mail_outbox WHERE order_id = '" + order + "'", true);
            QVERIFY2(seen.ok && seen.rows == 0, qPrintable(who + u": "_s + seen.describe()));
        }
        const Outcome claimed = tryExec(as(u"service B"_s), "SELECT count(*) FROM rdk.claim_mail(100) WHERE order_id = '" + order + "'", true);
        QVERIFY2(claimed.ok && claimed.rows == 0, qPrintable(claimed.describe()));
        for (const std::string &sql : {"SELECT rdk.mail_sent(" + id + ")", "SELECT rdk.mail_failed(" + id + ", 'x', true)"}) {
            const Outcome out = tryExec(as(u"service B"_s), sql);
            QVERIFY2(!out.ok && out.sqlstate == "P0002", qPrintable(out.describe()));
        }
        QCOMPARE(qstr(owner("SELECT state FROM mail_outbox WHERE id = " + id)), u"queued"_s);
        // Positive control: shop A's own service claims it.
        const Outcome own = tryExec(as(u"service"_s), "SELECT count(*) FROM rdk.claim_mail(100) WHERE id = " + id, true);
        QVERIFY2(own.ok && own.rows == 1, qPrintable(own.describe()));
    }

    void serviceLogin_cantQueueArbitraryMail_afterAnySetRole()
    {
        const std::string sale = paidCounterSale(u"staff"_s);
        for (const QString &role : reachableRoles(as(u"service"_s))) {
            for (const std::string &sql :
                 {std::string("INSERT INTO mail_outbox (tenant_id, order_id, kind, event_key, recipient, payload) SELECT tenant_id, id, "
                              "'counter_receipt', 'spam', 'victim@example.com', '{}' FROM orders LIMIT 1"),
                  std::string("UPDATE mail_outbox SET recipient = 'victim@example.com', state = 'queued'"),
                  "SELECT rdk.pos_email_receipt('" + sale + "', 'victim@example.com')"}) {
                const Outcome out = tryExec(as(u"service"_s), setLocalRole(role) + sql);
                QVERIFY2(out.refused(), qPrintable(role + u": "_s + out.describe()));
            }
        }
        QCOMPARE(mailsOf(sale), 0);
    }

    void claim_leasesDueMails_retriesWithBackoff_andGivesUpAfterTheBound()
    {
        owner("UPDATE mail_outbox SET state = 'sent', sent_at = now(), leased_until = NULL WHERE state IN ('queued', 'sending')");
        const std::string order = onlineOrder("lease@example.com");
        markPaid(order);
        const std::string id = owner("SELECT id FROM mail_outbox WHERE order_id = '" + order + "'");
        const auto claim = [&] {
            return qstr(scalarCommitted(as(u"service"_s), "SELECT coalesce(string_agg(id || ':' || attempts, ','), '') FROM rdk.claim_mail(10)"));
        };
        QCOMPARE(claim(), QString::fromStdString(id + ":1"));
        QCOMPARE(claim(), QString());   // leased: nobody else gets it
        QVERIFY(owner("SELECT leased_until BETWEEN now() + interval '110 seconds' AND now() + interval '130 seconds' FROM mail_outbox WHERE id = " + id) == "t");
        // The sender died: once the lease is over, the mail is claimed again.
        owner("UPDATE mail_outbox SET leased_until = now() - interval '1 second' WHERE id = " + id);
        QCOMPARE(claim(), QString::fromStdString(id + ":2"));

        // A temporary failure: queued again, 30 s doubling per attempt; the address never shows.
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT rdk.mail_failed(" + id + ", '451 <lease@example.com> try later', false)"), std::string("queued"));
        QCOMPARE(qstr(owner("SELECT last_error FROM mail_outbox WHERE id = " + id)), u"451 <(the customer's address)> try later"_s);
        QVERIFY(owner("SELECT next_attempt_at BETWEEN now() + interval '55 seconds' AND now() + interval '65 seconds' FROM mail_outbox WHERE id = " + id) == "t");
        QCOMPARE(claim(), QString());   // not due yet
        for (int attempt = 3; attempt <= 8; ++attempt) {
            owner("UPDATE mail_outbox SET next_attempt_at = now() WHERE id = " + id);
            QCOMPARE(claim(), QString::fromStdString(id + ":" + std::to_string(attempt)));
            const std::string state = scalarCommitted(as(u"service"_s), "SELECT rdk.mail_failed(" + id + ", 'no answer in time', false)");
            QCOMPARE(qstr(state), attempt < 8 ? u"queued"_s : u"failed"_s);
        }
        QCOMPARE(qstr(owner("SELECT state || ': ' || last_error FROM mail_outbox WHERE id = " + id)),
                 u"failed: Given up after 8 attempts. no answer in time"_s);
        QCOMPARE(qstr(owner("SELECT rdk.mail_retry_delay(7)::text || ' ' || rdk.mail_retry_delay(20)::text")), u"00:32:00 01:00:00"_s);
        // A late report changes nothing; a sent report for a failed row is refused.
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT rdk.mail_failed(" + id + ", 'late', false)"), std::string("failed"));
        const Outcome lateSent = tryExec(as(u"service"_s), "SELECT rdk.mail_sent(" + id + ")");
        QVERIFY2(!lateSent.ok && lateSent.sqlstate == "P0001", qPrintable(lateSent.describe()));
    }

    void queuedMail_wakesOnlyItsOwnShopsSender_andOnlyOnCommit()
    {
        pqxx::connection listenerA(m_db->urlFor(m_service.login, m_service.password));
        pqxx::connection listenerB(m_db->urlFor(m_serviceB.login, m_serviceB.password));
        const std::string channelA = scalarCommitted(listenerA, "SELECT rdk.notify_channel('mail')");
        const std::string channelB = scalarCommitted(listenerB, "SELECT rdk.notify_channel('mail')");
        QVERIFY(!channelA.empty() && channelA != channelB);
        Collector a(listenerA, channelA);
        Collector b(listenerB, channelB);
        const std::string order = onlineOrder("wake@example.com");
        {
            pqxx::connection c(m_db->ownerUrl());
            pqxx::work tx(c);
            tx.exec("UPDATE orders SET status = 'paid', paid_at = now() WHERE id = '" + order + "'");
            tx.abort();
        }
        pump(listenerA, 300);   // proving a negative: a rolled-back payment wakes nobody
        QCOMPARE(a.payloads.size(), size_t(0));
        markPaid(order);
        QTRY_VERIFY_WITH_TIMEOUT((listenerA.await_notification(0, 50'000), a.payloads.size() == 1), 5000);
        const std::string id = owner("SELECT id FROM mail_outbox WHERE order_id = '" + order + "'");
        QCOMPARE(QString::fromStdString(a.payloads.front()), u"{\"mail_id\" : %1}"_s.arg(QString::fromStdString(id)));
        pump(listenerB, 200);
        QCOMPARE(b.payloads.size(), size_t(0));   // shop B's sender hears nothing of shop A
    }

    void orderDetail_listsTheMails_forACashier_withoutTheAddress()
    {
        const std::string order = onlineOrder("detail@example.com");
        markPaid(order);
        auto session = rdk::data::PgSession::open(m_db->urlFor(m_staff.login, m_staff.password));
        QVERIFY(session);
        auto detail = rdk::data::PgOrderBook(**session).detail(QString::fromStdString(order));
        QVERIFY(detail);
        QCOMPARE(detail->mails.size(), 1);
        QCOMPARE(detail->mails.first().kind, u"order_paid"_s);
        QCOMPARE(detail->mails.first().state, u"queued"_s);
        QCOMPARE(rdk::orderMailStateText(detail->mails.first()), u"Queued"_s);
    }

    void desksMailbox_queuesAReceipt_andShowsTheDatabasesSentence()
    {
        const std::string sale = paidCounterSale(u"staff"_s);
        auto session = rdk::data::PgSession::open(m_db->urlFor(m_staff.login, m_staff.password));
        QVERIFY(session);
        rdk::data::PgOrderMail mailbox(**session);
        const auto refused = mailbox.emailReceipt(QString::fromStdString(sale), u"Eve <eve@example.com>"_s);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, rdk::ErrorCode::Invalid);
        QVERIFY2(refused.error().message.startsWith(u"That is not an e-mail address a receipt can be sent to."_s),
                 qPrintable(refused.error().message));
        const auto queued = mailbox.emailReceipt(QString::fromStdString(sale), u"buyer@example.com"_s);
        QVERIFY(queued);
        const auto mails = mailbox.mailsOf(QString::fromStdString(sale));
        QVERIFY(mails);
        QCOMPARE(mails->size(), 1);
        QCOMPARE(mails->first().id, *queued);
        QCOMPARE(mails->first().kind, u"counter_receipt"_s);
    }

    void sent_isRecordedOnce_andPermanentRefusalsFailAtOnce()
    {
        const std::string a = onlineOrder("sent@example.com");
        const std::string b = onlineOrder("nobody@example.com");
        markPaid(a);
        markPaid(b);
        const std::string idA = owner("SELECT id FROM mail_outbox WHERE order_id = '" + a + "'");
        const std::string idB = owner("SELECT id FROM mail_outbox WHERE order_id = '" + b + "'");
        // Not claimed yet: nothing to report.
        const Outcome early = tryExec(as(u"service"_s), "SELECT rdk.mail_sent(" + idA + ")");
        QVERIFY2(!early.ok && early.sqlstate == "P0001", qPrintable(early.describe()));
        scalarCommitted(as(u"service"_s), "SELECT count(*) FROM rdk.claim_mail(100)");
        scalarCommitted(as(u"service"_s), "SELECT rdk.mail_sent(" + idA + ")::text");
        scalarCommitted(as(u"service"_s), "SELECT rdk.mail_sent(" + idA + ")::text");   // said twice: no change
        QCOMPARE(qstr(owner("SELECT state || ' ' || attempts || ' ' || (sent_at IS NOT NULL) FROM mail_outbox WHERE id = " + idA)), u"sent 1 true"_s);
        // Sent rows are never claimed again, whatever their lease said.
        QCOMPARE(count("SELECT count(*) FROM mail_outbox WHERE id = " + idA + " AND leased_until IS NULL"), 1);
        QCOMPARE(qstr(scalarCommitted(as(u"service"_s), "SELECT count(*) FROM rdk.claim_mail(100) WHERE id = " + idA)), u"0"_s);
        QCOMPARE(scalarCommitted(as(u"service"_s), "SELECT rdk.mail_failed(" + idB + ", '550 5.1.1 Mailbox unavailable', true)"), std::string("failed"));
        QCOMPARE(qstr(owner("SELECT state || ' ' || attempts || ': ' || last_error FROM mail_outbox WHERE id = " + idB)),
                 u"failed 1: 550 5.1.1 Mailbox unavailable"_s);
    }
};

QTEST_GUILESS_MAIN(TestMailOutboxDb)
#include "tst_mail_outbox_db.moc"

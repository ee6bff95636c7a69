// Returns at the counter against a real PostgreSQL, as real staff, ops and admin logins:
// rdk.pos_return through data/pgreturns. The database and the domain agree on the refund of a
// table of cases; partial returns until nothing is left; a card return queues a Stripe refund
// for rdk-sync, a cash return refunds at once; shelf vs damaged stock; the shop's window and
// cashier limit; refusals (more than bought, beyond what is left to refund, bad input) leave
// everything as it was.
#include "data/pgreturns.h"
#include "tests/pos/data/posfixture.h"
#include "tests/returns/returncases.h"

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::data::PgReturns;
using rdk::data::PgSession;
using namespace rdk::test;
using namespace rdk::test::pos;

class TestReturnsData final : public QObject {
    Q_OBJECT

    PosFixture m_fx;
    std::unique_ptr<PgSession> m_staffSession, m_opsSession, m_adminSession, m_staffBSession;
    std::unique_ptr<PgReturns> m_staff, m_ops, m_admin, m_staffB;
    std::unique_ptr<pqxx::connection> m_staffConn;

    // A paid order of shop A made as the owner: lines of POS-RUN size 9 (name "Air Runner"),
    // paid by `method` ('card' gets a payment intent). Returns its id.
    QString paidOrder(const QString &method, const QList<test::returns::CaseLine> &lines, qint64 orderDiscount = 0,
                      qint64 tax = 0, qint64 shipping = 0, const QString &size = u"9"_s)
    {
        test::returns::ReturnCase c{"", lines, orderDiscount, tax, shipping, {}};
        const std::string t = str(m_fx.a.tenantId);
        const QString id = m_fx.scalar(
            "INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, discount_minor, tax_minor, "
            "                    shipping_minor, total_minor, payment_method, stripe_payment_intent_id, paid_at) "
            "VALUES ('" + t + "', 'pos', 'pending', 'USD', " + std::to_string(c.subtotal()) + ", " +
            std::to_string(c.discount()) + ", " + std::to_string(tax) + ", " + std::to_string(shipping) + ", " +
            std::to_string(c.total()) + ", '" + str(method) + "', " +
            (method == u"card"_s ? std::string("'pi_' || md5(random()::text)") : std::string("NULL")) +
            ", now()) RETURNING id::text");
        for (int i = 0; i < lines.size(); ++i) {
            m_fx.exec("INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, "
                      "discount_minor, line_total_minor) VALUES ('" + t + "', '" + str(id) + "', '" + str(m_fx.a.runProductId) +
                      "', 'POS-RUN', 'Air Runner', '" + str(size) + "', " + std::to_string(lines[i].quantity) + ", " +
                      std::to_string(lines[i].unitMinor) + ", " + std::to_string(lines[i].lineDiscountMinor) + ", " +
                      std::to_string(c.lineTotal(i)) + ")");
        }
        m_fx.exec("UPDATE orders SET status = 'paid' WHERE id = '" + str(id) + "'");
        return id;
    }

    qint64 numberOf(const QString &orderId)
    {
        return m_fx.scalar("SELECT order_number FROM orders WHERE id = $1::uuid", orderId).toLongLong();
    }

    QList<qint64> itemsOf(const QString &orderId)
    {
        QList<qint64> out;
        const QString all = m_fx.scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM order_items WHERE order_id = $1::uuid", orderId);
        for (const QString &s : all.split(u','))
            out.append(s.toLongLong());
        return out;
    }

    // Everything a return touches, as one text: "nothing changed" compares two of these.
    QString state()
    {
        return m_fx.scalar(
            "SELECT (SELECT count(*) FROM returns) || '|' || (SELECT count(*) FROM return_lines) || '|' || "
            "       (SELECT count(*) FROM stripe_requests WHERE kind = 'refund') || '|' || "
            "       (SELECT string_agg(status || ':' || refunded_minor, ',' ORDER BY order_number) FROM orders) || '|' || "
            "       (SELECT string_agg(returned_quantity || ':' || restocked_quantity, ',' ORDER BY id) FROM order_items) || '|' || "
            "       (SELECT string_agg(quantity::text, ',' ORDER BY id) FROM inventory) || '|' || "
            "       (SELECT count(*) FROM audit_log WHERE action = 'return')");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fx.setUp(&error), qPrintable(error));
        m_staffSession = m_fx.session(m_fx.staff);
        m_opsSession = m_fx.session(m_fx.ops);
        m_adminSession = m_fx.session(m_fx.admin);
        m_staffBSession = m_fx.session(m_fx.staffB);
        QVERIFY(m_staffSession && m_opsSession && m_adminSession && m_staffBSession);
        m_staff = std::make_unique<PgReturns>(*m_staffSession);
        m_ops = std::make_unique<PgReturns>(*m_opsSession);
        m_admin = std::make_unique<PgReturns>(*m_adminSession);
        m_staffB = std::make_unique<PgReturns>(*m_staffBSession);
        m_staffConn = m_fx.connect(m_fx.staff);
        // Cash refunds leave the caller's open drawer (module drawer.sql): each login opens one
        // with a float large enough for every cash refund of this test.
        auto opsConn = m_fx.connect(m_fx.ops);
        for (pqxx::connection *conn : {m_staffConn.get(), opsConn.get(), &m_adminSession->connection()}) {
            const QString opened = m_fx.as(*conn, "SELECT rdk.drawer_open(5000000, NULL)");
            QVERIFY2(!opened.startsWith(u"ERROR"_s), qPrintable(opened));
        }
    }

    void init()
    {
        // The default policy of a shop (30 days, $200.00 for cashiers) unless a test changes it.
        m_fx.exec("UPDATE tenants SET return_window_days = 30, staff_return_limit_minor = 20000");
        // Enough lace kits and size 10s on the shelf for each test's exchange (stock checks are relative).
        m_fx.exec("UPDATE inventory SET quantity = quantity + 2 WHERE size IS NULL OR size = '10'");
    }

    // Each case's returns as ops through the store: what the database refunds equals what the
    // domain previews (from the order the store reads) and the case's number.
    void caseTable_databaseAgreesWithDomain_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = test::returns::returnCases();
        for (int i = 0; i < cases.size(); ++i)
            QTest::addRow("%s", cases[i].name) << i;
    }
    void caseTable_databaseAgreesWithDomain()
    {
        QFETCH(int, index);
        const auto c = test::returns::returnCases().at(index);
        const QString id = paidOrder(u"card"_s, c.lines, c.orderDiscountMinor, c.taxAddedMinor, c.shippingMinor);
        const QList<qint64> items = itemsOf(id);
        qint64 sum = 0;
        for (const auto &r : c.returns) {
            const auto order = m_ops->findOrder(numberOf(id));
            QVERIFY2(order.ok(), qPrintable(order.ok() ? QString() : order.error().message));
            const QList<ReturnLineRequest> lines{{items[r.line], r.quantity, true}};
            const auto preview = rdk::returns::refundFor(*order, lines);
            QVERIFY(preview.ok());
            const auto done = m_ops->submitReturn(id, lines, u"case table"_s);
            QVERIFY2(done.ok(), qPrintable(done.ok() ? QString() : done.error().message));
            QCOMPARE(done->refund.minor(), *preview);
            QCOMPARE(done->refund.minor(), r.refundMinor);
            QCOMPARE(done->method, u"card"_s);
            sum += r.refundMinor;
        }
        QCOMPARE(m_fx.scalar("SELECT coalesce(sum(amount_minor), 0) FROM stripe_requests WHERE kind = 'refund' AND order_id = $1::uuid", id)
                     .toLongLong(), sum);
    }

    // A cashier returns a cash sale of two pairs one at a time: one back on the shelf, one
    // damaged; the third attempt is refused with a sentence and changes nothing.
    void cashReturns_partialUntilFullyReturned_thenRefused()
    {
        const QString id = paidOrder(u"cash"_s, {{2, 12000, 0}});
        const qint64 item = itemsOf(id).first();
        const QString stockBefore = m_fx.stock(m_fx.a.runProductId, u"9"_s);

        const auto first = m_staff->submitReturn(id, {{item, 1, true}}, u"too small"_s);
        QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
        QCOMPARE(first->refund.minor(), 12000);
        QCOMPARE(first->method, u"cash"_s);
        QCOMPARE(m_fx.scalar("SELECT status || ':' || refunded_minor FROM orders WHERE id = $1::uuid", id), u"partially_refunded:12000"_s);
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"9"_s).section(u'/', 0, 0).toInt(), stockBefore.section(u'/', 0, 0).toInt() + 1);
        // The cash came out of the cashier's own open drawer.
        QCOMPARE(m_fx.scalar("SELECT string_agg(m.amount_minor::text, ',') FROM drawer_movements m "
                             "JOIN drawer_sessions s ON s.id = m.session_id JOIN profiles p ON p.id = s.opened_by "
                             "WHERE m.kind = 'refund' AND m.order_id = $1::uuid AND p.db_role = '" + str(m_fx.staff.login) + "'", id),
                 u"-12000"_s);

        const auto second = m_staff->submitReturn(id, {{item, 1, false}}, u"sole came off"_s);
        QVERIFY2(second.ok(), qPrintable(second.ok() ? QString() : second.error().message));
        QCOMPARE(m_fx.scalar("SELECT status || ':' || refunded_minor FROM orders WHERE id = $1::uuid", id), u"refunded:24000"_s);
        // Damaged: not back in stock.
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"9"_s).section(u'/', 0, 0).toInt(), stockBefore.section(u'/', 0, 0).toInt() + 1);
        QCOMPARE(m_fx.scalar("SELECT returned_quantity || '/' || restocked_quantity FROM order_items WHERE id = " + std::to_string(item)),
                 u"2/1"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE action = 'return' AND entity_id = $1", id), 2);
        QCOMPARE(m_fx.scalar("SELECT string_agg(restock::text || ':' || refund_minor, ',' ORDER BY id) FROM return_lines "
                             "WHERE order_item_id = " + std::to_string(item)), u"true:12000,false:12000"_s);

        const QString before = state();
        const auto third = m_staff->submitReturn(id, {{item, 1, true}}, u"again"_s);
        QVERIFY(!third.ok());
        QCOMPARE(third.error().message, u"RDK-%1 was refunded in full."_s.arg(numberOf(id)));
        QCOMPARE(state(), before);
    }

    // A cashier with no open drawer can't give cash back: the sentence says so, nothing moves.
    void cashReturn_withoutOpenDrawer_refusedNothingChanged()
    {
        const Login other = m_fx.db->createStaff(m_fx.a.tenantId, u"staff"_s);
        auto session = m_fx.session(other);
        QVERIFY(session);
        PgReturns store(*session);
        const QString id = paidOrder(u"cash"_s, {{1, 5000, 0}});
        const QString before = state();
        const auto r = store.submitReturn(id, {{itemsOf(id).first(), 1, true}}, u"no drawer"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Conflict);
        QCOMPARE(r.error().message, u"Open your cash drawer before refunding cash for RDK-%1."_s.arg(numberOf(id)));
        QCOMPARE(state(), before);
    }

    void moreThanBought_refusedWithASentence_nothingChanged()
    {
        const QString id = paidOrder(u"cash"_s, {{2, 12000, 0}});
        const qint64 item = itemsOf(id).first();
        const QString before = state();
        const auto r = m_staff->submitReturn(id, {{item, 3, true}}, u"too many"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Invalid);
        QCOMPARE(r.error().message, u"Only 2 of Air Runner (size 9) can still be returned (2 bought)."_s);
        QCOMPARE(state(), before);
    }

    // $100.00 of a $240.00 order refunded by amount from the Orders screen: returning both pairs
    // ($240.00) would refund more than is left.
    void refundBeyondWhatIsLeft_refusedWithASentence_nothingChanged()
    {
        const QString id = paidOrder(u"cash"_s, {{2, 12000, 0}});
        const qint64 item = itemsOf(id).first();
        auto opsConn = m_fx.connect(m_fx.ops);
        const QString refunded = m_fx.as(*opsConn, "SELECT rdk.request_refund('" + str(id) + "', 10000, NULL, 'goodwill')");
        QVERIFY2(!refunded.startsWith(u"ERROR"_s), qPrintable(refunded));
        const QString before = state();
        const auto order = m_ops->findOrder(numberOf(id));
        QVERIFY(order.ok());
        QCOMPARE(order->leftToRefundMinor, 14000);
        const auto preview = rdk::returns::refundFor(*order, {{item, 2, true}});
        QVERIFY(!preview.ok());
        const auto r = m_ops->submitReturn(id, {{item, 2, true}}, u"both pairs"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Invalid);
        QCOMPARE(r.error().message, u"This return would refund 240.00 USD, but only 140.00 USD is left to refund on RDK-%1."_s.arg(numberOf(id)));
        QCOMPARE(state(), before);
        // One pair still fits.
        QVERIFY(m_ops->submitReturn(id, {{item, 1, true}}, u"one pair"_s).ok());
    }

    void cardReturn_queuesAStripeRefund_stockBackNow()
    {
        const QString id = paidOrder(u"card"_s, {{1, 12000, 0}}, 0, 0, 0, u"10"_s);
        const qint64 item = itemsOf(id).first();
        const int onHand = m_fx.stock(m_fx.a.runProductId, u"10"_s).section(u'/', 0, 0).toInt();
        const auto r = m_staff->submitReturn(id, {{item, 1, true}}, u"wrong colour"_s);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->method, u"card"_s);
        QCOMPARE(m_fx.scalar("SELECT state || ':' || amount_minor || ':' || reason FROM stripe_requests "
                             "WHERE kind = 'refund' AND order_id = $1::uuid", id), u"queued:12000:wrong colour"_s);
        // The order's money moves when Stripe confirms (the webhook), as for the Orders screen.
        QCOMPARE(m_fx.scalar("SELECT status || ':' || refunded_minor FROM orders WHERE id = $1::uuid", id), u"paid:0"_s);
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"10"_s).section(u'/', 0, 0).toInt(), onHand + 1);
        // The queued refund counts as refunded: nothing is left to return or refund.
        const auto again = m_ops->submitReturn(id, {{item, 1, true}}, u"again"_s);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().message, u"Air Runner (size 10) of RDK-%1 was already returned in full."_s.arg(numberOf(id)));
    }

    void window_cashierRefusedAfterIt_opsMayStill()
    {
        const QString id = paidOrder(u"cash"_s, {{1, 5000, 0}});
        m_fx.exec("UPDATE orders SET paid_at = now() - interval '31 days' WHERE id = '" + str(id) + "'");
        const qint64 item = itemsOf(id).first();
        const QString before = state();
        const auto r = m_staff->submitReturn(id, {{item, 1, true}}, u"late"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Forbidden);
        QCOMPARE(r.error().message, u"RDK-%1 was paid more than 30 days ago, outside the shop's return window; an ops or admin account can still take it back."_s.arg(numberOf(id)));
        QCOMPARE(state(), before);
        QVERIFY(m_ops->submitReturn(id, {{item, 1, true}}, u"manager's exception"_s).ok());
    }

    void limit_cashierRefusedAboveIt_opsMayAndAdminSetsIt()
    {
        const QString id = paidOrder(u"cash"_s, {{2, 12000, 0}});
        const qint64 item = itemsOf(id).first();
        const QString before = state();
        const auto r = m_staff->submitReturn(id, {{item, 2, true}}, u"both"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Forbidden);
        QCOMPARE(r.error().message, u"This return would refund 240.00 USD; returns over 200.00 USD need an ops or admin account."_s);
        QCOMPARE(state(), before);

        // The admin raises the limit (audited); the cashier may then.
        QCOMPARE(m_fx.as(m_adminSession->connection(), "SELECT rdk.set_return_policy(14, 30000)"), QString());
        const auto policy = m_staff->policy();
        QVERIFY(policy.ok());
        QCOMPARE(policy->windowDays.value_or(-1), 14);
        QCOMPARE(policy->staffLimitMinor.value_or(-1), 30000);
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE action = 'return_policy'"), 1);
        QVERIFY(m_staff->submitReturn(id, {{item, 2, true}}, u"both"_s).ok());
        // A cashier can't change it (no EXECUTE: only admins hold it).
        QVERIFY(m_fx.as(*m_staffConn, "SELECT rdk.set_return_policy(NULL, NULL)").startsWith(u"ERROR 42501"_s));
        QCOMPARE(m_fx.scalar("SELECT staff_return_limit_minor FROM tenants WHERE id = $1::uuid", m_fx.a.tenantId), u"30000"_s);
    }

    void findOrder_otherShopsOrder_notFound()
    {
        const QString id = paidOrder(u"cash"_s, {{1, 5000, 0}});
        const auto r = m_staffB->findOrder(numberOf(id));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::NotFound);
        QCOMPARE(r.error().message, u"No order RDK-%1 in this shop."_s.arg(numberOf(id)));
        const auto submit = m_staffB->submitReturn(id, {{itemsOf(id).first(), 1, true}}, u"not mine"_s);
        QVERIFY(!submit.ok());
        QCOMPARE(submit.error().code, ErrorCode::NotFound);
        // Positive control: the shop's own cashier finds it, with its line.
        const auto own = m_staff->findOrder(numberOf(id));
        QVERIFY(own.ok());
        QCOMPARE(own->lines.size(), 1);
        QCOMPARE(own->lines.first().paidMinor, 5000);
    }

    // rdk-sync's part: the payment link request of an order finished with a link, then Stripe's
    // payment of `amount` reported through the webhook path (as the service login).
    QString payByLink(const QString &orderId, qint64 amount)
    {
        auto sync = m_fx.connect(m_fx.service);
        const QString request = m_fx.scalar("SELECT max(id) FROM stripe_requests WHERE kind = 'payment_link' AND order_id = $1::uuid", orderId);
        m_fx.exec("UPDATE stripe_requests SET state = 'working' WHERE id = " + str(request));
        const QString finished = m_fx.as(*sync, "SELECT rdk.finish_stripe_request(" + str(request) + ", true, "
                                                "'{\"payment_link_id\": \"plink_x" + str(request) + "\", \"url\": \"https://pay.example/x\"}', NULL)");
        if (!finished.isEmpty())
            return finished;
        return m_fx.as(*sync, "SELECT outcome FROM rdk.apply_payment_event('evt_" + str(request) + "', 'checkout.session.completed', '" +
                                  str(orderId) + "', 'pi_x" + str(request) + "', 'paid', " + std::to_string(amount) +
                                  ", 'usd', NULL, NULL, NULL, NULL)");
    }

    // A real taxed counter sale (the shop's 8.875 % rate added to the price, module tax.sql):
    // returning the pair refunds what was paid, tax included, to the cent.
    void taxedCounterSale_returnRefundsTheTaxToo()
    {
        m_fx.exec("INSERT INTO tax_rates (tenant_id, position, name, rate_percent) VALUES ('" + str(m_fx.a.tenantId) +
                  "', 1, 'NY', 8.875)");
        auto opsConn = m_fx.connect(m_fx.ops);
        const QString id = m_fx.as(*opsConn, "SELECT rdk.pos_place_sale('[{\"sku\": \"POS-FLAT\", \"quantity\": 2}]', 0, NULL, 15)::text");
        m_fx.exec("DELETE FROM tax_rates");
        QVERIFY2(!id.startsWith(u"ERROR"_s), qPrintable(id));
        const QString total = m_fx.scalar("SELECT total_minor FROM orders WHERE id = $1::uuid", id);
        QCOMPARE(m_fx.scalar("SELECT subtotal_minor || '+' || tax_minor FROM orders WHERE id = $1::uuid", id), u"10000+888"_s);
        QCOMPARE(total, u"10888"_s);
        const QString paid = m_fx.as(*opsConn, "SELECT rdk.record_cash_payment('" + str(id) + "', 20000)");
        QVERIFY2(!paid.startsWith(u"ERROR"_s), qPrintable(paid));
        const qint64 item = itemsOf(id).first();
        const auto order = m_ops->findOrder(numberOf(id));
        QVERIFY(order.ok());
        QCOMPARE(rdk::returns::refundFor(*order, {{item, 1, true}}).value(), 5444);
        const auto first = m_ops->submitReturn(id, {{item, 1, true}}, u"one pair"_s);
        QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
        QCOMPARE(first->refund.minor(), 5444);
        const auto second = m_ops->submitReturn(id, {{item, 1, true}}, u"the other"_s);
        QVERIFY(second.ok());
        QCOMPARE(second->refund.minor(), 5444);
        QCOMPARE(m_fx.scalar("SELECT status || ':' || refunded_minor FROM orders WHERE id = $1::uuid", id), u"refunded:10888"_s);
    }

    // Exchange one pair of size 9 (120.00, card) for a size 10 (120.00) and a lace kit (50.00):
    // the new sale asks its link for the 50.00 due; paid, the return is 'exchanged'; nothing of
    // the original order is left to refund; stock moved once each way.
    void exchange_newCostsMore_linkForTheDue_paidThenExchanged()
    {
        const QString original = paidOrder(u"card"_s, {{1, 12000, 0}});
        const qint64 item = itemsOf(original).first();
        const int size9 = m_fx.stock(m_fx.a.runProductId, u"9"_s).section(u'/', 0, 0).toInt();
        const QString size10 = m_fx.stock(m_fx.a.runProductId, u"10"_s);
        const QString flat = m_fx.stock(m_fx.a.flatProductId);
        const auto x = m_staff->submitExchange(original, {{item, 1, true}},
                                               {{u"POS-RUN"_s, u"10"_s, 1}, {u"pos-flat"_s, QString(), 1}}, u"wrong size"_s, 15);
        QVERIFY2(x.ok(), qPrintable(x.ok() ? QString() : x.error().message));
        QCOMPARE(x->returned.minor(), 12000);
        QCOMPARE(x->credit.minor(), 12000);
        QCOMPARE(x->due.minor(), 5000);
        QCOMPARE(x->refund.minor(), 0);
        QCOMPARE(rdk::returns::exchangeSplit(12000, 17000).due, 5000);
        QCOMPARE(m_fx.scalar("SELECT status || ':' || total_minor || ':' || credit_minor FROM orders WHERE id = $1::uuid", x->newOrderId),
                 u"pending:17000:12000"_s);
        QCOMPARE(m_fx.scalar("SELECT amount_minor FROM stripe_requests WHERE kind = 'payment_link' AND order_id = $1::uuid", x->newOrderId),
                 u"5000"_s);
        QCOMPARE(m_fx.scalar("SELECT state FROM returns WHERE id = $1::uuid", x->returnId), u"exchange_pending"_s);
        // Stock: the returned pair is back, the new pairs are held (not yet sold).
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"9"_s).section(u'/', 0, 0).toInt(), size9 + 1);
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"10"_s), size10.section(u'/', 0, 0) + u"/"_s + QString::number(size10.section(u'/', 1).toInt() + 1));
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), flat.section(u'/', 0, 0) + u"/"_s + QString::number(flat.section(u'/', 1).toInt() + 1));
        // No money moved on the original: its payment is the credit; nothing is left to refund.
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE kind = 'refund' AND order_id = $1::uuid", original), 0);
        QCOMPARE(m_fx.scalar("SELECT credited_minor FROM orders WHERE id = $1::uuid", original), u"12000"_s);
        auto ops = m_fx.connect(m_fx.ops);
        QCOMPARE(m_fx.as(*ops, "SELECT rdk.request_refund('" + str(original) + "', NULL, NULL, 'again')"),
                 u"ERROR P0001: Nothing is left to refund on RDK-%1."_s.arg(numberOf(original)));

        // The buyer pays the 50.00 due: paid as exact, not flagged; the return is exchanged.
        QCOMPARE(payByLink(x->newOrderId, 5000), u"applied"_s);
        QCOMPARE(m_fx.scalar("SELECT status || ':' || needs_review FROM orders WHERE id = $1::uuid", x->newOrderId), u"paid:false"_s);
        QCOMPARE(m_fx.scalar("SELECT state FROM returns WHERE id = $1::uuid", x->returnId), u"exchanged"_s);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), QString::number(flat.section(u'/', 0, 0).toInt() - 1) + u"/"_s + flat.section(u'/', 1));
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE action = 'exchange' AND entity_id = $1", original), 1);
    }

    // Exchange one of two cash pairs (120.00) for a lace kit (50.00): the new sale is paid by the
    // credit at once, 70.00 goes back in cash; no link.
    void exchange_newCostsLess_paidByCredit_differenceRefunded()
    {
        const QString original = paidOrder(u"cash"_s, {{2, 12000, 0}});
        const qint64 item = itemsOf(original).first();
        const QString flat = m_fx.stock(m_fx.a.flatProductId);
        const auto x = m_staff->submitExchange(original, {{item, 1, false}}, {{u"POS-FLAT"_s, QString(), 1}}, u"swap for laces"_s, 15);
        QVERIFY2(x.ok(), qPrintable(x.ok() ? QString() : x.error().message));
        QCOMPARE(x->credit.minor(), 5000);
        QCOMPARE(x->due.minor(), 0);
        QCOMPARE(x->refund.minor(), 7000);
        QCOMPARE(x->method, u"cash"_s);
        QCOMPARE(m_fx.scalar("SELECT status || ':' || payment_method || ':' || credit_minor FROM orders WHERE id = $1::uuid", x->newOrderId),
                 u"paid:cash:5000"_s);
        QCOMPARE(m_fx.scalar("SELECT state FROM stripe_requests WHERE kind = 'payment_link' AND order_id = $1::uuid", x->newOrderId), u"failed"_s);
        QCOMPARE(m_fx.scalar("SELECT status || ':' || refunded_minor || ':' || credited_minor FROM orders WHERE id = $1::uuid", original),
                 u"partially_refunded:7000:5000"_s);
        QCOMPARE(m_fx.scalar("SELECT state FROM returns WHERE id = $1::uuid", x->returnId), u"exchanged"_s);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), QString::number(flat.section(u'/', 0, 0).toInt() - 1) + u"/"_s + flat.section(u'/', 1));
        // What is left on the original: 240.00 - 70.00 refunded - 50.00 credited.
        const auto left = m_ops->findOrder(numberOf(original));
        QVERIFY(left.ok());
        QCOMPARE(left->leftToRefundMinor, 12000);
    }

    // The exchange sale is canceled unpaid (Esc, or its link's deadline): the credit goes back to
    // the card as one queued refund, however often the cancel is repeated; the pairs stay returned.
    void exchange_canceledUnpaid_creditRefundedOnce()
    {
        const QString original = paidOrder(u"card"_s, {{1, 12000, 0}});
        const qint64 item = itemsOf(original).first();
        const auto x = m_staff->submitExchange(original, {{item, 1, true}}, {{u"POS-RUN"_s, u"10"_s, 1}, {u"POS-FLAT"_s, QString(), 1}},
                                               u"wrong size"_s, 15);
        QVERIFY2(x.ok(), qPrintable(x.ok() ? QString() : x.error().message));
        QCOMPARE(m_fx.as(*m_staffConn, "SELECT rdk.cancel_order('" + str(x->newOrderId) + "', 'buyer left')"), QString());
        QCOMPARE(m_fx.as(*m_staffConn, "SELECT rdk.cancel_order('" + str(x->newOrderId) + "', 'again')"), QString());
        QCOMPARE(m_fx.scalar("SELECT state FROM returns WHERE id = $1::uuid", x->returnId), u"exchange_canceled"_s);
        QCOMPARE(m_fx.scalar("SELECT string_agg(state || ':' || amount_minor, ',') FROM stripe_requests "
                             "WHERE kind = 'refund' AND order_id = $1::uuid", original), u"queued:12000"_s);
        QCOMPARE(m_fx.scalar("SELECT credited_minor FROM orders WHERE id = $1::uuid", original), u"0"_s);
        QCOMPARE(m_fx.scalar("SELECT returned_quantity FROM order_items WHERE id = " + std::to_string(item)), u"1"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE action = 'exchange_canceled' AND entity_id = $1", original), 1);
        // The queued refund covers everything: nothing more to refund or return.
        const auto left = m_ops->findOrder(numberOf(original));
        QVERIFY(left.ok());
        QCOMPARE(left->leftToRefundMinor, 0);
    }

    // The due of an exchange taken in cash: the tendered amount is checked against the due, not
    // the new sale's total.
    void exchange_dueInCash_checkedAgainstTheDue()
    {
        const QString original = paidOrder(u"card"_s, {{1, 12000, 0}});
        const auto x = m_ops->submitExchange(original, {{itemsOf(original).first(), 1, true}},
                                             {{u"POS-RUN"_s, u"9"_s, 1}, {u"POS-FLAT"_s, QString(), 1}}, u"colour"_s, 15);
        QVERIFY2(x.ok(), qPrintable(x.ok() ? QString() : x.error().message));
        auto ops = m_fx.connect(m_fx.ops);
        QCOMPARE(m_fx.as(*ops, "SELECT rdk.record_cash_payment('" + str(x->newOrderId) + "', 4999)"),
                 u"ERROR 22023: The cash tendered (49.99 USD) is less than the total of RDK-%1 (50.00 USD)."_s
                     .arg(m_fx.scalar("SELECT order_number FROM orders WHERE id = $1::uuid", x->newOrderId)));
        const QString paid = m_fx.as(*ops, "SELECT rdk.record_cash_payment('" + str(x->newOrderId) + "', 5000)");
        QVERIFY2(!paid.startsWith(u"ERROR"_s), qPrintable(paid));
        QCOMPARE(m_fx.scalar("SELECT state FROM returns WHERE id = $1::uuid", x->returnId), u"exchanged"_s);
    }

    void exchange_badInput_refusedNothingChanged()
    {
        const QString original = paidOrder(u"card"_s, {{1, 12000, 0}});
        const qint64 item = itemsOf(original).first();
        const QString before = state();
        const int orders = m_fx.count("SELECT count(*) FROM orders");
        // Out of stock (size 9.5 has none): no sale, no return.
        const auto none = m_staff->submitExchange(original, {{item, 1, true}}, {{u"POS-RUN"_s, u"9.5"_s, 1}}, u"x"_s, 15);
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code, ErrorCode::OutOfStock);
        // More than bought.
        const auto more = m_staff->submitExchange(original, {{item, 2, true}}, {{u"POS-FLAT"_s, QString(), 1}}, u"x"_s, 15);
        QVERIFY(!more.ok());
        QCOMPARE(more.error().message, u"Only 1 of Air Runner (size 9) can still be returned (1 bought)."_s);
        QCOMPARE(state(), before);
        QCOMPARE(m_fx.count("SELECT count(*) FROM orders"), orders);
    }

    void badInput_refusedWithASentence_nothingChanged_data()
    {
        QTest::addColumn<QString>("lines");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");
        QTest::addRow("no lines") << u"[]"_s << u"x"_s << u"ERROR 22023: Pick between 1 and 100 lines to return."_s;
        QTest::addRow("not a list") << u"{\"item_id\": 1}"_s << u"x"_s << u"ERROR 22023: Pick between 1 and 100 lines to return."_s;
        QTest::addRow("no quantity") << u"[{\"item_id\": ITEM, \"restock\": true}]"_s << u"x"_s
                                     << u"ERROR 22023: Each line to return needs an item_id, a whole quantity and whether it goes back on the shelf."_s;
        QTest::addRow("no restock flag") << u"[{\"item_id\": ITEM, \"quantity\": 1}]"_s << u"x"_s
                                         << u"ERROR 22023: Each line to return needs an item_id, a whole quantity and whether it goes back on the shelf."_s;
        QTest::addRow("negative quantity") << u"[{\"item_id\": ITEM, \"quantity\": -1, \"restock\": true}]"_s << u"x"_s
                                           << u"ERROR 22023: Each line to return needs an item_id, a whole quantity and whether it goes back on the shelf."_s;
        QTest::addRow("zero quantity") << u"[{\"item_id\": ITEM, \"quantity\": 0, \"restock\": true}]"_s << u"x"_s
                                       << u"ERROR 22023: A quantity to return must be at least 1."_s;
        QTest::addRow("twice") << u"[{\"item_id\": ITEM, \"quantity\": 1, \"restock\": true}, {\"item_id\": ITEM, \"quantity\": 1, \"restock\": false}]"_s
                               << u"x"_s << u"ERROR 22023: Item ITEM is listed twice in this return."_s;
        QTest::addRow("another order's item") << u"[{\"item_id\": 1, \"quantity\": 1, \"restock\": true}]"_s << u"x"_s
                                              << u"ERROR 22023: Item 1 is not part of LABEL."_s;
        QTest::addRow("no reason") << u"[{\"item_id\": ITEM, \"quantity\": 1, \"restock\": true}]"_s << u"  "_s
                                   << u"ERROR 22023: Give a reason."_s;
        QTest::addRow("an amount of my own is ignored") << u"[{\"item_id\": ITEM, \"quantity\": 1, \"restock\": true, \"refund_minor\": 999999}]"_s
                                                        << u"x"_s << u"OK 5000"_s;
    }
    void badInput_refusedWithASentence_nothingChanged()
    {
        QFETCH(QString, lines);
        QFETCH(QString, reason);
        QFETCH(QString, message);
        const QString id = paidOrder(u"cash"_s, {{1, 5000, 0}});
        const QString item = QString::number(itemsOf(id).first());
        // Item 1 belongs to the first order of the test database, never to this one.
        QVERIFY(item != u"1"_s);
        const QString label = u"RDK-%1"_s.arg(numberOf(id));
        const QString before = state();
        const QString got = m_fx.as(*m_staffConn, "SELECT refund_minor FROM rdk.pos_return('" + str(id) + "', " +
                                                      lit(QString(lines).replace(u"ITEM"_s, item)) + "::jsonb, " + lit(reason) + ")");
        if (message.startsWith(u"OK "_s)) {
            QCOMPARE(got, message.mid(3));
            return;
        }
        QCOMPARE(got, QString(message).replace(u"ITEM"_s, item).replace(u"LABEL"_s, label));
        QCOMPARE(state(), before);
    }
};

QTEST_MAIN(TestReturnsData)
#include "tst_returns_data.moc"

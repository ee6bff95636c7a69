// Timeline sentences from audit entries, and the list/action rules of the Orders screen.

#include "domain/orderlist.h"
#include "domain/ordertimeline.h"

#include <QJsonObject>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

AuditEntry entry(qint64 id, const QString &action, QJsonObject before, QJsonObject after, const QString &reason = {},
                 const QString &actor = u"alice"_s, int minute = 0)
{
    AuditEntry e;
    e.id = id;
    e.at = QDateTime(QDate(2026, 11, 30), QTime(10, minute), Qt::UTC);
    e.actor = actor;
    e.action = action;
    e.entity = u"order"_s;
    e.entityId = u"o1"_s;
    e.before = std::move(before);
    e.after = std::move(after);
    e.reason = reason;
    return e;
}

Money usd(qint64 minor)
{
    return Money::of(minor, u"USD"_s).value();
}

OrderDetail paidOrder()
{
    OrderDetail d;
    d.summary.orderId = u"o1"_s;
    d.summary.orderNumber = 1001;
    d.summary.status = OrderStatus::Paid;
    d.summary.total = usd(10000);
    d.summary.refunded = usd(2000);
    OrderDetailLine line;
    line.itemId = 7;
    line.line.sku = u"AJ1-CHI"_s;
    line.line.quantity = 2;
    line.restockedQuantity = 1;
    d.lines.append(line);
    return d;
}

} // namespace

class TestOrderTimeline final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sentences_data()
    {
        QTest::addColumn<AuditEntry>("entry");
        QTest::addColumn<QString>("summary");
        QTest::addRow("paid") << entry(1, u"status"_s, {{u"status"_s, u"pending"_s}}, {{u"status"_s, u"paid"_s}})
                              << u"Pending → Paid"_s;
        QTest::addRow("shipped") << entry(2, u"status"_s, {{u"status"_s, u"paid"_s}},
                                          {{u"status"_s, u"shipped"_s}, {u"carrier"_s, u"UPS"_s}, {u"tracking_number"_s, u"1Z999"_s}},
                                          u"shipped with UPS 1Z999"_s)
                                 << u"Paid → Shipped (UPS 1Z999)"_s;
        QTest::addRow("canceled with reason")
            << entry(3, u"status"_s, {{u"status"_s, u"pending"_s}}, {{u"status"_s, u"canceled"_s}}, u"customer left"_s)
            << u"Pending → Canceled: customer left"_s;
        QTest::addRow("refund requested")
            << entry(4, u"refund_requested"_s, {}, {{u"amount_minor"_s, 5000}, {u"currency"_s, u"USD"_s}}, u"damaged box"_s)
            << u"Refund of $50.00 requested by alice: damaged box"_s;
        QTest::addRow("refund confirmed")
            << entry(5, u"status"_s, {{u"status"_s, u"paid"_s}, {u"refunded_minor"_s, 0}},
                     {{u"status"_s, u"partially_refunded"_s}, {u"refunded_minor"_s, 5000}, {u"currency"_s, u"USD"_s}})
            << u"Paid → Partially refunded, $50.00 refunded in all"_s;
        QTest::addRow("refund amount only")
            << entry(6, u"update"_s, {{u"refunded_minor"_s, 5000}}, {{u"refunded_minor"_s, 7500}, {u"currency"_s, u"EUR"_s}})
            << u"Refunded: €75.00 in all (was €50.00)"_s;
        QTest::addRow("review") << entry(7, u"review"_s, {{u"needs_review"_s, false}},
                                         {{u"needs_review"_s, true}, {u"review_reason"_s, u"paid after cancel"_s}})
                                << u"Flagged for review: paid after cancel"_s;
        QTest::addRow("cash") << entry(8, u"cash_payment"_s, {},
                                       {{u"tendered_minor"_s, 10000}, {u"change_minor"_s, 500}, {u"currency"_s, u"USD"_s}})
                              << u"Cash payment recorded ($100.00 tendered, $5.00 change)"_s;
        QTest::addRow("discount") << entry(11, u"discount"_s, {},
                                           {{u"discount_minor"_s, 1500}, {u"currency"_s, u"USD"_s}, {u"discount_reason"_s, u"loyal customer"_s}})
                                  << u"Discount of $15.00 given: loyal customer"_s;
        QTest::addRow("return at the counter")
            << entry(12, u"return"_s, {},
                     {{u"refund_minor"_s, 24000}, {u"currency"_s, u"USD"_s}, {u"method"_s, u"cash"_s},
                      {u"lines"_s, QJsonArray{QJsonObject{{u"quantity"_s, 2}}}}},
                     u"return: too small"_s)
            << u"Returned 2 pair(s): $240.00 refunded in cash: too small"_s;
        QTest::addRow("exchange")
            << entry(13, u"exchange"_s, {},
                     {{u"credit_minor"_s, 5000}, {u"refund_minor"_s, 7000}, {u"new_order_number"_s, 1002}, {u"currency"_s, u"USD"_s},
                      {u"method"_s, u"card"_s}, {u"lines"_s, QJsonArray{QJsonObject{{u"quantity"_s, 1}}}}})
            << u"Exchanged 1 pair(s) for RDK-1002: credit $50.00, $70.00 refunded to the card"_s;
        QTest::addRow("exchange canceled")
            << entry(14, u"exchange_canceled"_s, {},
                     {{u"credit_minor"_s, 12000}, {u"new_order_number"_s, 1003}, {u"currency"_s, u"USD"_s}, {u"method"_s, u"card"_s}})
            << u"Exchange RDK-1003 canceled unpaid: credit of $120.00 given back to the card"_s;
        QTest::addRow("unknown status value")
            << entry(9, u"status"_s, {{u"status"_s, u"paid"_s}}, {{u"status"_s, u"<script>"_s}}) << u"Paid → <script>"_s;
        QTest::addRow("unknown action") << entry(10, u"relabel"_s, {{u"label"_s, u"a"_s}}, {{u"label"_s, u"b"_s}})
                                        << u"relabel: label"_s;
    }

    void sentences()
    {
        QFETCH(AuditEntry, entry);
        QFETCH(QString, summary);
        const OrderTimelineEntry t = orderTimelineEntry(entry);
        QCOMPARE(t.summary, summary);
        QCOMPARE(t.actor, entry.actor);
        QCOMPARE(t.action, entry.action);
        QCOMPARE(t.at, entry.at);
    }

    void timeline_isOldestFirst()
    {
        const QList<OrderTimelineEntry> t = buildOrderTimeline(
            {entry(3, u"status"_s, {{u"status"_s, u"paid"_s}}, {{u"status"_s, u"fulfilled"_s}}, {}, u"bob"_s, 30),
             entry(2, u"status"_s, {{u"status"_s, u"pending"_s}}, {{u"status"_s, u"paid"_s}}, {}, u"svc"_s, 5),
             entry(1, u"status"_s, {{u"status"_s, u"paid"_s}}, {{u"status"_s, u"refunded"_s}}, {}, u"x"_s, 30)});
        QCOMPARE(t.size(), 3);
        QCOMPARE(t.at(0).summary, u"Pending → Paid"_s);
        QCOMPARE(t.at(1).actor, u"x"_s);  // same minute: audit id decides
        QCOMPARE(t.at(2).actor, u"bob"_s);
    }

    void factsTimeline_forRolesWithoutTheAuditLog()
    {
        OrderDetail d = paidOrder();
        const QDateTime t0(QDate(2026, 11, 30), QTime(9, 0), Qt::UTC);
        d.summary.createdAt = t0;
        d.summary.channel = OrderChannel::Pos;
        d.summary.paymentMethod = PaymentMethod::Cash;
        d.paidAt = t0.addSecs(60);
        RefundRequestInfo failed;
        failed.amount = usd(2000);
        failed.state = RefundRequestState::Failed;
        failed.error = u"Stripe said no"_s;
        failed.requestedBy = u"bob"_s;
        failed.reason = u"wrong size"_s;
        failed.requestedAt = t0.addSecs(600);
        RefundRequestInfo queued = failed;
        queued.state = RefundRequestState::Queued;
        queued.requestedAt = t0.addSecs(300);
        queued.reason.clear();
        d.refunds = {failed, queued};
        const auto t = orderTimelineFromFacts(d, t0.addSecs(120), {});
        QStringList summaries;
        for (const auto &e : t)
            summaries.append(e.summary);
        QCOMPARE(summaries, (QStringList{u"Order placed (In store)"_s, u"Paid in cash"_s, u"Picked up"_s,
                                         u"Refund of $20.00 requested by bob (waiting for Stripe)"_s,
                                         u"Refund of $20.00 requested by bob: wrong size (failed: Stripe said no)"_s}));
        d.carrier = u"DHL"_s;
        d.trackingNumber = u"JD01"_s;
        d.refunds.clear();
        const auto shipped = orderTimelineFromFacts(d, t0.addSecs(120), t0.addSecs(900));
        QCOMPARE(shipped.at(2).summary, u"Shipped (DHL JD01)"_s);
        QCOMPARE(shipped.at(3).summary, u"Canceled"_s);
    }

    void search_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("number");
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("pattern");
        QTest::addRow("label") << u" RDK-1001 "_s << qint64(1001) << QString() << QString();
        QTest::addRow("hash") << u"#77"_s << qint64(77) << QString() << QString();
        QTest::addRow("email part") << u"Ann@Example"_s << qint64(0) << u"ann@example"_s << u"ann@example"_s;
        QTest::addRow("wildcards") << u"a%b_c\\"_s << qint64(0) << u"a%b_c\\"_s << u"a\\%b\\_c\\\\"_s;
        QTest::addRow("quotes") << u"o'brien\""_s << qint64(0) << u"o'brien\""_s << u"o'brien\""_s;
        QTest::addRow("empty") << u"   "_s << qint64(0) << QString() << QString();
    }

    void search()
    {
        QFETCH(QString, text);
        QFETCH(qint64, number);
        QFETCH(QString, email);
        QFETCH(QString, pattern);
        auto s = parseOrderSearch(text);
        QVERIFY(s.ok());
        QCOMPARE(s->orderNumber.value_or(0), number);
        QCOMPARE(s->emailPart, email);
        QCOMPARE(s->emailLikePattern(), pattern);
    }

    void search_hostile_isRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addRow("10k chars") << QString(10000, u'a');
        QTest::addRow("255 chars") << QString(255, u'b');
        QTest::addRow("control") << u"ann\u0001@x"_s;
        QTest::addRow("nul") << QString(u"a\0b"_s);
        QTest::addRow("tab inside") << u"a\tb"_s;
    }

    void search_hostile_isRefused()
    {
        QFETCH(QString, text);
        auto s = parseOrderSearch(text);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().field, u"search"_s);
        OrderQuery q;
        q.search = text;
        QVERIFY(!validateOrderQuery(q).ok());
    }

    void query_bounds()
    {
        OrderQuery q;
        q.limit = 0;
        QVERIFY(!validateOrderQuery(q).ok());
        q.limit = MaxOrderPageSize + 1;
        QVERIFY(!validateOrderQuery(q).ok());
        q.limit = 50;
        q.from = QDate(2026, 5, 2);
        q.to = QDate(2026, 5, 1);
        QCOMPARE(validateOrderQuery(q).error().field, u"from"_s);
        q.to = QDate(2026, 5, 2);
        QVERIFY(validateOrderQuery(q).ok());
        q.beforeOrderNumber = 0;
        QVERIFY(!validateOrderQuery(q).ok());
    }

    void actions_byRoleAndStatus_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("allowed");  // s f c r p
        QTest::addRow("paid online staff") << u"paid"_s << u"online"_s << u"staff"_s << u"sf--p"_s;
        QTest::addRow("paid online ops") << u"paid"_s << u"online"_s << u"ops"_s << u"sf-rp"_s;
        QTest::addRow("paid pos admin") << u"paid"_s << u"pos"_s << u"admin"_s << u"-f-rp"_s;
        QTest::addRow("pending pos staff") << u"pending"_s << u"pos"_s << u"staff"_s << u"--c--"_s;
        QTest::addRow("pending online staff") << u"pending"_s << u"online"_s << u"staff"_s << u"-----"_s;
        QTest::addRow("pending online ops") << u"pending"_s << u"online"_s << u"ops"_s << u"--c--"_s;
        QTest::addRow("shipped ops") << u"shipped"_s << u"online"_s << u"ops"_s << u"---rp"_s;
        QTest::addRow("refunded admin") << u"refunded"_s << u"online"_s << u"admin"_s << u"----p"_s;
        QTest::addRow("canceled admin") << u"canceled"_s << u"pos"_s << u"admin"_s << u"-----"_s;
    }

    void actions_byRoleAndStatus()
    {
        QFETCH(QString, status);
        QFETCH(QString, channel);
        QFETCH(QString, role);
        QFETCH(QString, allowed);
        OrderSummary o;
        o.status = *orderStatusFromString(status);
        o.channel = *orderChannelFromString(channel);
        o.total = usd(5000);
        const OrderActions a = allowedOrderActions(o, *staffRoleFromString(role));
        const QString got = QString(a.ship ? u's' : u'-') + (a.fulfil ? u'f' : u'-') + (a.cancel ? u'c' : u'-')
                            + (a.refund ? u'r' : u'-') + (a.printReceipt ? u'p' : u'-');
        QCOMPARE(got, allowed);
        // Every refused action has a sentence for its button; allowed ones have none.
        for (const auto action : {OrderAction::Ship, OrderAction::Fulfil, OrderAction::Cancel, OrderAction::Refund,
                                  OrderAction::PrintReceipt}) {
            const QString why = orderActionRefusal(action, o, *staffRoleFromString(role));
            const bool allowedHere = action == OrderAction::Ship ? a.ship
                                     : action == OrderAction::Fulfil ? a.fulfil
                                     : action == OrderAction::Cancel ? a.cancel
                                     : action == OrderAction::Refund ? a.refund
                                                                     : a.printReceipt;
            QCOMPARE(why.isEmpty(), allowedHere);
            QVERIFY(why.isEmpty() || why.endsWith(u'.'));
        }
    }

    void actions_refusalsSayWhy()
    {
        OrderSummary o;
        o.status = OrderStatus::Paid;
        o.channel = OrderChannel::Pos;
        o.total = usd(5000);
        QCOMPARE(orderActionRefusal(OrderAction::Refund, o, StaffRole::Staff),
                 u"Refunds are given by operations staff or an administrator."_s);
        QCOMPARE(orderActionRefusal(OrderAction::Ship, o, StaffRole::Admin),
                 u"Counter sales leave with the customer; only online orders are shipped."_s);
        o.refunded = usd(5000);
        QCOMPARE(orderActionRefusal(OrderAction::Refund, o, StaffRole::Ops), u"Everything paid for this order has been refunded."_s);
        o.status = OrderStatus::Pending;
        o.refunded = Money();
        QCOMPARE(orderActionRefusal(OrderAction::PrintReceipt, o, StaffRole::Ops), u"There is a receipt once the order is paid."_s);
        QCOMPARE(orderActionRefusal(OrderAction::Refund, o, StaffRole::Ops), u"Only a paid order can be refunded; this one is pending."_s);
        o.channel = OrderChannel::Online;
        QCOMPARE(orderActionRefusal(OrderAction::Cancel, o, StaffRole::Staff),
                 u"Online orders are canceled by operations staff or an administrator."_s);
        QVERIFY(orderActionRefusal(OrderAction::Cancel, o, StaffRole::Ops).isEmpty());
    }

    void refund_validation_data()
    {
        QTest::addColumn<bool>("full");
        QTest::addColumn<QString>("amount");
        QTest::addColumn<int>("restock");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("field");  // empty: accepted
        QTest::addRow("full") << true << QString() << 0 << u"damaged"_s << QString();
        QTest::addRow("partial") << false << u"12.50"_s << 1 << u"damaged"_s << QString();
        QTest::addRow("exactly what is left") << false << u"80"_s << 0 << u"x"_s << QString();
        QTest::addRow("above what is left") << false << u"80.01"_s << 0 << u"x"_s << u"amount"_s;
        QTest::addRow("zero") << false << u"0"_s << 0 << u"x"_s << u"amount"_s;
        QTest::addRow("negative") << false << u"-5"_s << 0 << u"x"_s << u"amount"_s;
        QTest::addRow("garbage") << false << u"ten dollars"_s << 0 << u"x"_s << u"amount"_s;
        QTest::addRow("too many decimals") << false << u"1.234"_s << 0 << u"x"_s << u"amount"_s;
        QTest::addRow("restock beyond") << true << QString() << 2 << u"x"_s << u"restock"_s;
        QTest::addRow("no reason") << true << QString() << 0 << u"   "_s << u"reason"_s;
        QTest::addRow("long reason") << true << QString() << 0 << QString(201, u'r') << u"reason"_s;
    }

    void refund_validation()
    {
        QFETCH(bool, full);
        QFETCH(QString, amount);
        QFETCH(int, restock);
        QFETCH(QString, reason);
        QFETCH(QString, field);
        RefundForm form;
        form.full = full;
        form.amountText = amount;
        form.reason = reason;
        if (restock)
            form.restock.append(RestockLine{7, restock});
        auto r = validateRefund(paidOrder(), form);
        if (field.isEmpty()) {
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
            QCOMPARE(r->orderId, u"o1"_s);
            QCOMPARE(r->amount.has_value(), !full);
            QCOMPARE(r->restock.size(), restock ? 1 : 0);
        } else {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().field, field);
        }
    }

    void refund_pendingRequestsReduceWhatIsLeft()
    {
        OrderDetail d = paidOrder();  // $100 total, $20 refunded
        RefundRequestInfo queued;
        queued.amount = usd(5000);
        queued.state = RefundRequestState::Queued;
        RefundRequestInfo failed;
        failed.amount = usd(1000);
        failed.state = RefundRequestState::Failed;
        d.refunds = {queued, failed};
        QCOMPARE(refundableAmount(d), usd(3000));
        RefundForm form;
        form.full = false;
        form.amountText = u"30.01"_s;
        form.reason = u"x"_s;
        QCOMPARE(validateRefund(d, form).error().field, u"amount"_s);
        form.amountText = u"30"_s;
        QVERIFY(validateRefund(d, form).ok());
    }

    void shipment_validation()
    {
        QVERIFY(validateShipment(u" UPS "_s, u"1Z999"_s).ok());
        QCOMPARE(validateShipment(u" UPS "_s, u"1Z999"_s)->carrier, u"UPS"_s);
        QCOMPARE(validateShipment(QString(), u"1Z"_s).error().field, u"carrier"_s);
        QCOMPARE(validateShipment(u"UPS"_s, u"  "_s).error().field, u"trackingNumber"_s);
        QCOMPARE(validateShipment(QString(10000, u'x'), u"1Z"_s).error().field, u"carrier"_s);
        QCOMPARE(validateShipment(u"UPS"_s, u"1Z\n9"_s).error().field, u"trackingNumber"_s);
    }
};

QTEST_GUILESS_MAIN(TestOrderTimeline)
#include "tst_ordertimeline.moc"

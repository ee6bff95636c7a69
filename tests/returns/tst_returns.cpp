// The counter's return arithmetic (domain/returns): line shares, pair by pair refunds that add
// up to what was paid, the refusals it shares with the database, the cashier's window and limit,
// and reading an order number from a receipt's barcode.
#include "domain/returns.h"
#include "tests/returns/returncases.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test::returns;

namespace {

ReturnableOrder orderOf(const ReturnCase &c)
{
    ReturnableOrder o;
    o.orderId = u"00000000-0000-0000-0000-000000000001"_s;
    o.orderNumber = 1001;
    o.status = u"paid"_s;
    o.paymentMethod = u"cash"_s;
    o.totalMinor = c.total();
    o.shippingMinor = c.shippingMinor;
    o.leftToRefundMinor = c.total();
    for (int i = 0; i < c.lines.size(); ++i) {
        ReturnableLine l;
        l.itemId = 100 + i;
        l.name = u"Line %1"_s.arg(i);
        l.quantity = c.lines[i].quantity;
        l.lineTotalMinor = c.lineTotal(i);
        o.lines.append(l);
    }
    returns::computeLineShares(o);
    return o;
}

} // namespace

class TestReturns final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void refunds_caseTable_matchEachReturnAndSumToWhatWasPaid_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = returnCases();
        for (int i = 0; i < cases.size(); ++i)
            QTest::addRow("%s", cases[i].name) << i;
    }
    void refunds_caseTable_matchEachReturnAndSumToWhatWasPaid()
    {
        QFETCH(int, index);
        const ReturnCase c = returnCases().at(index);
        ReturnableOrder o = orderOf(c);
        qint64 shares = 0;
        for (const auto &l : o.lines)
            shares += l.paidMinor;
        QCOMPARE(shares, c.total() - c.shippingMinor);
        qint64 refunded = 0;
        for (const auto &r : c.returns) {
            const auto refund = returns::refundFor(o, {{o.lines[r.line].itemId, r.quantity, true}});
            QVERIFY2(refund.ok(), qPrintable(refund.ok() ? QString() : refund.error().message));
            QCOMPARE(*refund, r.refundMinor);
            o.lines[r.line].returned += r.quantity;
            o.leftToRefundMinor -= *refund;
            refunded += *refund;
        }
        QVERIFY(refunded <= c.total() - c.shippingMinor);
    }

    void lineShares_orderOfLinesInList_doesNotMatter()
    {
        ReturnableOrder o = orderOf(returnCases().at(2));
        ReturnableOrder reversed = o;
        std::reverse(reversed.lines.begin(), reversed.lines.end());
        returns::computeLineShares(reversed);
        QCOMPARE(reversed.lines.last().paidMinor, o.lines.first().paidMinor);
        QCOMPARE(reversed.lines.first().paidMinor, o.lines.last().paidMinor);
    }

    void unitsRefund_everySplitOfALine_addsUpToItsShare_data()
    {
        QTest::addColumn<qint64>("paid");
        QTest::addColumn<int>("quantity");
        QTest::addRow("1 cent over 3 pairs") << qint64(1) << 3;
        QTest::addRow("prime total over 7") << qint64(100003) << 7;
        QTest::addRow("large") << qint64(99999999999) << 100;
        QTest::addRow("zero") << qint64(0) << 4;
    }
    void unitsRefund_everySplitOfALine_addsUpToItsShare()
    {
        QFETCH(qint64, paid);
        QFETCH(int, quantity);
        for (int step = 1; step <= quantity; ++step) {
            qint64 sum = 0;
            int done = 0;
            while (done < quantity) {
                const int take = std::min(step, quantity - done);
                const qint64 r = returns::unitsRefund(paid, quantity, done, take);
                QVERIFY(r >= 0);
                sum += r;
                done += take;
            }
            QCOMPARE(sum, paid);
        }
    }

    void refundFor_badRequests_refusedWithASentence_data()
    {
        QTest::addColumn<qint64>("item");
        QTest::addColumn<int>("quantity");
        QTest::addColumn<int>("alreadyReturned");
        QTest::addColumn<QString>("message");
        QTest::addRow("more than bought") << qint64(100) << 3 << 0 << u"Only 2 of Line 0 can still be returned (2 bought)."_s;
        QTest::addRow("more than left") << qint64(100) << 2 << 1 << u"Only 1 of Line 0 can still be returned (2 bought)."_s;
        QTest::addRow("all back already") << qint64(100) << 1 << 2 << u"Line 0 of RDK-1001 was already returned in full."_s;
        QTest::addRow("not on the order") << qint64(7) << 1 << 0 << u"Item 7 is not part of RDK-1001."_s;
        QTest::addRow("zero pairs") << qint64(100) << 0 << 0 << u"A quantity to return must be at least 1."_s;
    }
    void refundFor_badRequests_refusedWithASentence()
    {
        QFETCH(qint64, item);
        QFETCH(int, quantity);
        QFETCH(int, alreadyReturned);
        QFETCH(QString, message);
        ReturnableOrder o = orderOf(returnCases().at(1));
        o.lines[0].returned = alreadyReturned;
        const auto r = returns::refundFor(o, {{item, quantity, true}});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Invalid);
        QCOMPARE(r.error().message, message);
    }

    void refundFor_beyondWhatIsLeft_refused()
    {
        ReturnableOrder o = orderOf(returnCases().at(0));
        o.leftToRefundMinor = 5000;  // $70.00 already refunded by amount from the Orders screen
        const auto r = returns::refundFor(o, {{100, 1, false}});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, u"This return would refund $120.00, but only $50.00 is left to refund on RDK-1001."_s);
    }

    void refundFor_sameItemTwice_refused()
    {
        const ReturnableOrder o = orderOf(returnCases().at(1));
        const auto r = returns::refundFor(o, {{100, 1, true}, {100, 1, false}});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, u"Item 100 is listed twice in this return."_s);
    }

    void staffRefusal_windowAndLimit()
    {
        ReturnableOrder o = orderOf(returnCases().at(0));
        const QDateTime now = QDateTime::fromString(u"2026-12-07T10:00:00Z"_s, Qt::ISODate);
        o.paidAt = now.addDays(-10);
        const ReturnPolicy policy{30, 20000};
        QCOMPARE(returns::staffRefusal(o, 12000, policy, now), QString());
        QCOMPARE(returns::staffRefusal(o, 20001, policy, now),
                 u"This return would refund $200.01; returns over $200.00 need an ops or admin account."_s);
        o.paidAt = now.addDays(-31);
        QCOMPARE(returns::staffRefusal(o, 100, policy, now),
                 u"RDK-1001 was paid more than 30 days ago, outside the shop's return window; an ops or admin account can still take it back."_s);
        QCOMPARE(returns::staffRefusal(o, 99999999, ReturnPolicy{}, now), QString());
    }

    void parseOrderNumber_receiptScanAndTyping_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("number");
        QTest::addRow("receipt barcode") << u"RDK-1001"_s << qint64(1001);
        QTest::addRow("lower case, spaces") << u"  rdk-1042 "_s << qint64(1042);
        QTest::addRow("digits only") << u"1001"_s << qint64(1001);
        QTest::addRow("no dash") << u"RDK1001"_s << qint64(1001);
        QTest::addRow("a SKU") << u"DD1391-100"_s << qint64(0);
        QTest::addRow("empty") << QString() << qint64(0);
        QTest::addRow("zero") << u"RDK-0"_s << qint64(0);
        QTest::addRow("too long") << u"RDK-12345678901234567"_s << qint64(0);
    }
    void parseOrderNumber_receiptScanAndTyping()
    {
        QFETCH(QString, text);
        QFETCH(qint64, number);
        QCOMPARE(returns::parseOrderNumber(text).value_or(0), number);
    }
};

QTEST_MAIN(TestReturns)
#include "tst_returns.moc"

// The service's rule for the Prices of a POS payment link, without Stripe or a database.
#include "sync/striperequestworker.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

data::StripeOrderLine line(const QString &name, const QString &size, int quantity, qint64 unit, qint64 discount = 0)
{
    return {name, size, quantity, unit, discount, unit * quantity - discount};
}

data::StripeRequestOrder order(QList<data::StripeOrderLine> lines, qint64 orderDiscount = 0)
{
    data::StripeRequestOrder o;
    o.orderId = u"00000000-0000-0000-0000-000000000001"_s;
    o.orderNumber = 1001;
    o.channel = OrderChannel::Pos;
    o.status = OrderStatus::Pending;
    o.currency = u"USD"_s;
    o.lines = std::move(lines);
    o.discountMinor = orderDiscount;
    for (const auto &l : o.lines)
        o.totalMinor += l.lineTotalMinor;
    o.totalMinor -= orderDiscount;
    return o;
}

qint64 charged(const QList<sync::PaymentLinkItem> &items)
{
    qint64 sum = 0;
    for (const auto &item : items)
        sum += item.unitPrice.minor() * item.quantity;
    return sum;
}

} // namespace

class TestPosSyncUnits final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void noDiscount_onePricePerLine_namedWithSize()
    {
        const auto o = order({line(u"Air Max 90"_s, u"10"_s, 2, 14'000), line(u"Socks"_s, {}, 1, 1'500)});
        const auto items = sync::paymentLinkItems(o);
        QVERIFY(items.ok());
        QCOMPARE(items->size(), 2);
        QCOMPARE(items->at(0).name, u"Air Max 90 — size 10"_s);
        QCOMPARE(items->at(0).unitPrice.minor(), 14'000);
        QCOMPARE(items->at(0).quantity, 2);
        QCOMPARE(items->at(1).name, u"Socks"_s);
        QCOMPARE(charged(*items), o.totalMinor);
    }

    void anyDiscount_onePriceForTheWholeOrder_data()
    {
        QTest::addColumn<qint64>("lineDiscount");
        QTest::addColumn<qint64>("orderDiscount");
        QTest::addColumn<QString>("name");
        QTest::addRow("line discount") << qint64(1'000) << qint64(0) << u"Order RDK-1001, 3 items"_s;
        QTest::addRow("cart discount") << qint64(0) << qint64(2'500) << u"Order RDK-1001, 3 items"_s;
        QTest::addRow("both") << qint64(999) << qint64(1) << u"Order RDK-1001, 3 items"_s;
    }

    void anyDiscount_onePriceForTheWholeOrder()
    {
        QFETCH(qint64, lineDiscount);
        QFETCH(qint64, orderDiscount);
        QFETCH(QString, name);
        const auto o = order({line(u"Air Max 90"_s, u"10"_s, 2, 14'000, lineDiscount), line(u"Socks"_s, {}, 1, 1'500)}, orderDiscount);
        const auto items = sync::paymentLinkItems(o);
        QVERIFY(items.ok());
        QCOMPARE(items->size(), 1);
        QCOMPARE(items->first().name, name);
        QCOMPARE(items->first().quantity, 1);
        QCOMPARE(items->first().unitPrice.minor(), o.totalMinor);
        QCOMPARE(charged(*items), o.totalMinor);
    }

    void singleUnit_saysOneItem()
    {
        auto o = order({line(u"Dunk Low"_s, u"9"_s, 1, 11'000, 500)});
        const auto items = sync::paymentLinkItems(o);
        QVERIFY(items.ok());
        QCOMPARE(items->first().name, u"Order RDK-1001, 1 item"_s);
    }

    void totalNotTheSumOfLines_chargesTheTotal()
    {
        auto o = order({line(u"Dunk Low"_s, u"9"_s, 1, 11'000)});
        o.totalMinor = 11'500;   // e.g. a fee the lines don't show
        const auto items = sync::paymentLinkItems(o);
        QVERIFY(items.ok());
        QCOMPARE(charged(*items), 11'500);
        QCOMPARE(items->size(), 1);
    }

    void moreLinesThanStripeAllows_onePriceForTheWholeOrder()
    {
        QList<data::StripeOrderLine> lines;
        for (int i = 0; i < 21; ++i)
            lines.append(line(u"Lace set %1"_s.arg(i), {}, 1, 500));
        const auto o = order(lines);
        const auto items = sync::paymentLinkItems(o);
        QVERIFY(items.ok());
        QCOMPARE(items->size(), 1);
        QCOMPARE(items->first().name, u"Order RDK-1001, 21 items"_s);
        QCOMPARE(charged(*items), 10'500);
        lines.removeLast();
        QCOMPARE(sync::paymentLinkItems(order(lines))->size(), 20);
    }

    void emptyOrFreeOrder_isRefused()
    {
        QVERIFY(!sync::paymentLinkItems(order({})).ok());
        auto free = order({line(u"Sticker"_s, {}, 1, 0)});
        const auto refused = sync::paymentLinkItems(free);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.contains(u"zero"_s));
    }
};

QTEST_GUILESS_MAIN(TestPosSyncUnits)
#include "tst_pos_sync_units.moc"

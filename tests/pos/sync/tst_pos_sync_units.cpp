// The service's rules for Stripe requests without Stripe or a database: the Prices of a POS
// payment link, the amount of a refund, and the sentence staff read when Stripe fails.
#include "sync/stripe/stripeclient.h"
#include "sync/striperequestworker.h"

#include <QTest>

#include <limits>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using sync::StripeCallError;
using sync::StripeFailure;

Q_DECLARE_METATYPE(rdk::sync::StripeFailure)
Q_DECLARE_METATYPE(std::optional<rdk::Money>)

namespace {

Money money(qint64 minor, const QString &currency = u"USD"_s)
{
    return Money::of(minor, currency).value();
}

data::StripeOrderLine line(const QString &name, const QString &size, int quantity, qint64 unit, qint64 discount = 0)
{
    return {name, size, quantity, money(unit), money(discount), money(unit * quantity - discount)};
}

data::StripeRequestOrder order(QList<data::StripeOrderLine> lines, qint64 orderDiscount = 0)
{
    data::StripeRequestOrder o;
    o.orderId = u"00000000-0000-0000-0000-000000000001"_s;
    o.orderNumber = 1001;
    o.channel = OrderChannel::Pos;
    o.status = OrderStatus::Pending;
    o.lines = std::move(lines);
    o.discount = money(orderDiscount);
    qint64 total = -orderDiscount;
    for (const auto &l : o.lines)
        total += l.lineTotal.minor();
    o.total = money(total);
    return o;
}

/// What the buyer pays for `items`, summed as Money.
Money charged(const QList<sync::PaymentLinkItem> &items)
{
    Money sum = Money::zero(items.value(0).unitPrice.currency());
    for (const auto &item : items)
        sum = sum.plus(item.unitPrice.times(item.quantity).value()).value();
    return sum;
}

data::StripeRequestRow refundOf(std::optional<Money> amount)
{
    data::StripeRequestRow row;
    row.id = 7;
    row.kind = u"refund"_s;
    row.amount = std::move(amount);
    return row;
}

StripeCallError stripeError(StripeFailure failure, int httpStatus = 0, Error error = Error::unavailable(u"busy"_s))
{
    return StripeCallError{std::move(error), failure, httpStatus};
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
        QCOMPARE(charged(*items), o.total);
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
        QCOMPARE(items->first().unitPrice, o.total);
        QCOMPARE(charged(*items), o.total);
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
        o.total = money(11'500);   // e.g. a fee the lines don't show
        const auto items = sync::paymentLinkItems(o);
        QVERIFY(items.ok());
        QCOMPARE(charged(*items), money(11'500));
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
        QCOMPARE(charged(*items), money(10'500));
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

    void paymentLinkItems_keepTheOrdersCurrency()
    {
        auto o = order({});
        o.lines = {{u"Dunk Low"_s, u"42"_s, 2, money(950, u"EUR"_s), money(0, u"EUR"_s), money(1'900, u"EUR"_s)}};
        o.total = money(1'900, u"EUR"_s);
        o.discount = money(0, u"EUR"_s);
        const auto items = sync::paymentLinkItems(o);
        QVERIFY(items.ok());
        QCOMPARE(items->first().unitPrice, money(950, u"EUR"_s));
        QCOMPARE(charged(*items), o.total);
    }

    void lineInAnotherCurrency_isRefused_notAddedUp()
    {
        auto o = order({line(u"Dunk Low"_s, u"9"_s, 1, 11'000)});
        o.lines.append({u"Socks"_s, {}, 1, money(500, u"EUR"_s), money(0, u"EUR"_s), money(500, u"EUR"_s)});
        QVERIFY(!sync::paymentLinkItems(o).ok());
    }

    void linesTooLargeToAdd_areRefused_notWrappedAround()
    {
        const qint64 huge = std::numeric_limits<qint64>::max() / 2;
        auto o = order({line(u"Gold sneaker"_s, {}, 1, 100)});
        o.lines = {{u"Gold sneaker"_s, {}, 3, money(huge), money(0), money(100)}};
        QVERIFY(!sync::paymentLinkItems(o).ok());
    }

    void refundAmount_data()
    {
        QTest::addColumn<std::optional<Money>>("asked");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<std::optional<Money>>("refunded");
        QTest::addColumn<QString>("says");
        QTest::addRow("no amount: everything left") << std::optional<Money>() << true << std::optional<Money>() << QString();
        QTest::addRow("part") << std::optional(money(5'000)) << true << std::optional(money(5'000)) << QString();
        QTest::addRow("one cent") << std::optional(money(1)) << true << std::optional(money(1)) << QString();
        QTest::addRow("zero") << std::optional(money(0)) << false << std::optional<Money>() << u"more than zero"_s;
        QTest::addRow("negative") << std::optional(money(-500)) << false << std::optional<Money>() << u"more than zero"_s;
        QTest::addRow("another currency") << std::optional(money(5'000, u"EUR"_s)) << false << std::optional<Money>()
                                          << u"in EUR but the order was paid in USD"_s;
    }

    void refundAmount()
    {
        QFETCH(std::optional<Money>, asked);
        QFETCH(bool, ok);
        QFETCH(std::optional<Money>, refunded);
        QFETCH(QString, says);
        const auto amount = sync::refundAmount(refundOf(asked), order({line(u"Dunk Low"_s, u"9"_s, 1, 18'000)}));
        QCOMPARE(amount.ok(), ok);
        if (ok)
            QCOMPARE(*amount, refunded);
        else
            QVERIFY2(amount.error().message.contains(says), qPrintable(amount.error().message));
    }

    void unreachableReason_data()
    {
        QTest::addColumn<StripeFailure>("failure");
        QTest::addColumn<int>("httpStatus");
        QTest::addColumn<QString>("reason");
        QTest::addRow("server error 500") << StripeFailure::ServerError << 500 << u"it answered HTTP 500"_s;
        QTest::addRow("server error 503") << StripeFailure::ServerError << 503 << u"it answered HTTP 503"_s;
        QTest::addRow("rate limited") << StripeFailure::RateLimited << 429 << u"too many requests"_s;
        QTest::addRow("no answer") << StripeFailure::NoAnswer << 0 << u"no answer in time"_s;
        QTest::addRow("shutting down") << StripeFailure::ShuttingDown << 0 << u"the service was stopping"_s;
        QTest::addRow("network error") << StripeFailure::NetworkError << 0 << u"network error"_s;
    }

    void unreachableReason()
    {
        QFETCH(StripeFailure, failure);
        QFETCH(int, httpStatus);
        QFETCH(QString, reason);
        QCOMPARE(sync::unreachableReason(stripeError(failure, httpStatus)), reason);
    }

    void unreachableReason_readsTheKindNotTheMessage()
    {
        // The client's sentence names HTTP and limits; the kind of failure decides, not those words.
        const auto error = stripeError(StripeFailure::NoAnswer, 0,
                                       Error::unavailable(u"Stripe had a problem (HTTP 502) while limiting us"_s));
        QCOMPARE(sync::unreachableReason(error), u"no answer in time"_s);
    }

    void failureSentence_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("sentence");
        QTest::addRow("payment link") << u"payment_link"_s
                                      << u"Stripe could not be reached (it answered HTTP 503). The order keeps its "
                                         "stock; try again."_s;
        QTest::addRow("deactivation") << u"deactivate_link"_s
                                      << u"Stripe could not be reached (it answered HTTP 503), so the payment link may "
                                         "still work; turn it off in Stripe's dashboard if the buyer must not pay."_s;
        QTest::addRow("refund") << u"refund"_s
                                << u"Stripe could not be reached (it answered HTTP 503). No money was refunded; try "
                                   "again."_s;
    }

    void failureSentence()
    {
        QFETCH(QString, kind);
        QFETCH(QString, sentence);
        QCOMPARE(sync::failureSentence(kind, stripeError(StripeFailure::ServerError, 503)), sentence);
    }

    void failureSentence_stripesRefusal_isTheClientsOwnSentence()
    {
        const auto declined = stripeError(StripeFailure::Refused, 402,
                                          Error::invalid(u"The card was declined: Your card was declined."_s));
        for (const QString &kind : {u"payment_link"_s, u"deactivate_link"_s, u"refund"_s})
            QCOMPARE(sync::failureSentence(kind, declined), declined.message);
    }
};

QTEST_GUILESS_MAIN(TestPosSyncUnits)
#include "tst_pos_sync_units.moc"

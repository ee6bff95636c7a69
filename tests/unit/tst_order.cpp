// Orders: status strings, every one of the 64 status transitions, webhook ranks,
// line and order totals, order numbers.
#include "domain/order.h"

#include <QSet>
#include <QTest>

#include <limits>

using namespace Qt::Literals::StringLiterals;
using rdk::Money;
using rdk::OrderChannel;
using rdk::OrderLine;
using rdk::OrderStatus;
using rdk::OrderTotals;

namespace {

const QList<OrderStatus> AllStatuses = {
    OrderStatus::Pending, OrderStatus::AwaitingPayment, OrderStatus::Paid, OrderStatus::Shipped,
    OrderStatus::Fulfilled, OrderStatus::Canceled, OrderStatus::Refunded, OrderStatus::PartiallyRefunded};

// The legal moves written out independently of the implementation, as "from>to".
const QSet<QString> LegalMoves = {
    u"pending>awaiting_payment"_s, u"pending>paid"_s, u"pending>canceled"_s,
    u"awaiting_payment>paid"_s, u"awaiting_payment>canceled"_s,
    u"paid>shipped"_s, u"paid>fulfilled"_s, u"paid>refunded"_s, u"paid>partially_refunded"_s,
    u"partially_refunded>partially_refunded"_s, u"partially_refunded>refunded"_s,
    u"shipped>refunded"_s, u"shipped>partially_refunded"_s,
    u"fulfilled>refunded"_s, u"fulfilled>partially_refunded"_s};

Money money(qint64 minor, const QString &currency = u"USD"_s)
{
    return Money::of(minor, currency).value();
}

OrderLine line(qint64 unitMinor, int quantity = 1, qint64 discountMinor = 0, const QString &currency = u"USD"_s)
{
    OrderLine l;
    l.sku = u"DZ5485-612"_s;
    l.name = u"Air Jordan 1"_s;
    l.size = u"10"_s;
    l.quantity = quantity;
    l.unitPrice = money(unitMinor, currency);
    l.discount = money(discountMinor, currency);
    return l;
}

struct Extras {
    Money shipping;
    Money fee;
    Money discount;
    Money tax;
};

Extras usdExtras(qint64 shipping = 0, qint64 fee = 0, qint64 discount = 0, qint64 tax = 0)
{
    return {money(shipping), money(fee), money(discount), money(tax)};
}

} // namespace

class TstOrder final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void status_roundTripsThroughStrings_data();
    void status_roundTripsThroughStrings();
    void orderStatusFromString_rejectsUnknown_data();
    void orderStatusFromString_rejectsUnknown();
    void channel_roundTripsThroughStrings();
    void transition_followsTheTable_data();
    void transition_followsTheTable();
    void checkTransition_explainsTheRefusal_data();
    void checkTransition_explainsTheRefusal();
    void isTerminal_meansNoWayOut_data();
    void isTerminal_meansNoWayOut();
    void statusRank_neverGoesBackOnALegalMove_data();
    void statusRank_neverGoesBackOnALegalMove();
    void lineTotal_subtractsLineDiscount_data();
    void lineTotal_subtractsLineDiscount();
    void computeTotals_addsUp_data();
    void computeTotals_addsUp();
    void computeTotals_rejectsBadInput_data();
    void computeTotals_rejectsBadInput();
    void computeTotals_acceptsUnsetAmountsInAnyCurrency();
    void formatOrderNumber_prefixesRdk();
    void parseOrderNumber_readsWhatStaffType_data();
    void parseOrderNumber_readsWhatStaffType();
};

void TstOrder::status_roundTripsThroughStrings_data()
{
    QTest::addColumn<OrderStatus>("status");
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("display");
    QTest::addRow("pending") << OrderStatus::Pending << u"pending"_s << u"Pending"_s;
    QTest::addRow("awaiting payment") << OrderStatus::AwaitingPayment << u"awaiting_payment"_s << u"Awaiting payment"_s;
    QTest::addRow("paid") << OrderStatus::Paid << u"paid"_s << u"Paid"_s;
    QTest::addRow("shipped") << OrderStatus::Shipped << u"shipped"_s << u"Shipped"_s;
    QTest::addRow("fulfilled") << OrderStatus::Fulfilled << u"fulfilled"_s << u"Fulfilled"_s;
    QTest::addRow("canceled") << OrderStatus::Canceled << u"canceled"_s << u"Canceled"_s;
    QTest::addRow("refunded") << OrderStatus::Refunded << u"refunded"_s << u"Refunded"_s;
    QTest::addRow("partially refunded") << OrderStatus::PartiallyRefunded << u"partially_refunded"_s
                                        << u"Partially refunded"_s;
}

void TstOrder::status_roundTripsThroughStrings()
{
    QFETCH(OrderStatus, status);
    QFETCH(QString, stored);
    QFETCH(QString, display);
    QCOMPARE(rdk::toString(status), stored);
    QCOMPARE(rdk::displayName(status), display);
    const std::optional<OrderStatus> parsed = rdk::orderStatusFromString(stored);
    QVERIFY(parsed.has_value());
    QVERIFY(*parsed == status);
}

void TstOrder::orderStatusFromString_rejectsUnknown_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("empty") << QString();
    QTest::addRow("uppercase") << u"PAID"_s;
    QTest::addRow("british spelling") << u"cancelled"_s;
    QTest::addRow("display name") << u"Awaiting payment"_s;
    QTest::addRow("dash") << u"partially-refunded"_s;
    QTest::addRow("padded") << u"paid "_s;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"paid\0", 5);
    QTest::addRow("cyrillic a") << u"p\u0430id"_s;
}

void TstOrder::orderStatusFromString_rejectsUnknown()
{
    QFETCH(QString, text);
    QVERIFY(!rdk::orderStatusFromString(text).has_value());
    QVERIFY(!rdk::orderChannelFromString(text).has_value());
}

void TstOrder::channel_roundTripsThroughStrings()
{
    QCOMPARE(rdk::toString(OrderChannel::Online), u"online"_s);
    QCOMPARE(rdk::toString(OrderChannel::Pos), u"pos"_s);
    QCOMPARE(rdk::displayName(OrderChannel::Pos), u"In store"_s);
    QVERIFY(rdk::orderChannelFromString(u"online") == OrderChannel::Online);
    QVERIFY(rdk::orderChannelFromString(u"pos") == OrderChannel::Pos);
    QVERIFY(!rdk::orderChannelFromString(u"POS").has_value());
}

void TstOrder::transition_followsTheTable_data()
{
    QTest::addColumn<OrderStatus>("from");
    QTest::addColumn<OrderStatus>("to");
    QTest::addColumn<bool>("legal");
    for (OrderStatus from : AllStatuses) {
        for (OrderStatus to : AllStatuses) {
            const QString move = rdk::toString(from) + u'>' + rdk::toString(to);
            QTest::addRow("%s -> %s", qPrintable(rdk::toString(from)), qPrintable(rdk::toString(to)))
                << from << to << LegalMoves.contains(move);
        }
    }
}

void TstOrder::transition_followsTheTable()
{
    QFETCH(OrderStatus, from);
    QFETCH(OrderStatus, to);
    QFETCH(bool, legal);
    QCOMPARE(rdk::canTransition(from, to), legal);
    const rdk::Status status = rdk::checkTransition(from, to);
    QCOMPARE(status.ok(), legal);
    if (!legal) {
        QCOMPARE(status.error().code, rdk::ErrorCode::Conflict);
        QVERIFY(status.error().message.endsWith(u'.'));
        QVERIFY(status.error().message.front().isUpper());
    }
}

void TstOrder::checkTransition_explainsTheRefusal_data()
{
    QTest::addColumn<OrderStatus>("from");
    QTest::addColumn<OrderStatus>("to");
    QTest::addColumn<QString>("message");
    QTest::addRow("canceled to paid") << OrderStatus::Canceled << OrderStatus::Paid
                                      << u"A canceled order can't be marked paid."_s;
    QTest::addRow("refunded to shipped") << OrderStatus::Refunded << OrderStatus::Shipped
                                         << u"A refunded order can't be marked shipped."_s;
    QTest::addRow("paid to pending") << OrderStatus::Paid << OrderStatus::Pending
                                     << u"A paid order can't be moved back to pending."_s;
    QTest::addRow("awaiting payment to shipped") << OrderStatus::AwaitingPayment << OrderStatus::Shipped
                                                 << u"An order awaiting payment can't be marked shipped."_s;
    QTest::addRow("shipped to canceled") << OrderStatus::Shipped << OrderStatus::Canceled
                                         << u"A shipped order can't be canceled."_s;
    QTest::addRow("paid twice") << OrderStatus::Paid << OrderStatus::Paid << u"This order is already paid."_s;
}

void TstOrder::checkTransition_explainsTheRefusal()
{
    QFETCH(OrderStatus, from);
    QFETCH(OrderStatus, to);
    QFETCH(QString, message);
    const rdk::Status status = rdk::checkTransition(from, to);
    QVERIFY(!status.ok());
    QCOMPARE(status.error().message, message);
}

void TstOrder::isTerminal_meansNoWayOut_data()
{
    QTest::addColumn<OrderStatus>("status");
    for (OrderStatus status : AllStatuses)
        QTest::addRow("%s", qPrintable(rdk::toString(status))) << status;
}

void TstOrder::isTerminal_meansNoWayOut()
{
    QFETCH(OrderStatus, status);
    bool hasWayOut = false;
    for (OrderStatus to : AllStatuses)
        hasWayOut = hasWayOut || rdk::canTransition(status, to);
    QCOMPARE(rdk::isTerminal(status), !hasWayOut);
}

void TstOrder::statusRank_neverGoesBackOnALegalMove_data()
{
    QTest::addColumn<OrderStatus>("from");
    QTest::addColumn<OrderStatus>("to");
    for (OrderStatus from : AllStatuses) {
        for (OrderStatus to : AllStatuses) {
            if (rdk::canTransition(from, to))
                QTest::addRow("%s -> %s", qPrintable(rdk::toString(from)), qPrintable(rdk::toString(to))) << from << to;
        }
    }
}

void TstOrder::statusRank_neverGoesBackOnALegalMove()
{
    QFETCH(OrderStatus, from);
    QFETCH(OrderStatus, to);
    const int fromRank = rdk::statusRank(from);
    const int toRank = rdk::statusRank(to);
    if (from == OrderStatus::PartiallyRefunded && to == OrderStatus::PartiallyRefunded)
        QCOMPARE(toRank, fromRank);
    else
        QVERIFY2(toRank > fromRank, "a legal move must go forward so stale webhooks can be dropped");
}

void TstOrder::lineTotal_subtractsLineDiscount_data()
{
    QTest::addColumn<OrderLine>("orderLine");
    QTest::addColumn<qint64>("expected");
    QTest::addRow("one pair") << line(18000) << qint64(18000);
    QTest::addRow("three pairs") << line(18000, 3) << qint64(54000);
    QTest::addRow("with discount") << line(18000, 2, 1000) << qint64(35000);
    QTest::addRow("discount equals line") << line(500, 2, 1000) << qint64(0);
    QTest::addRow("free item") << line(0, 5) << qint64(0);
    QTest::addRow("hundred pairs") << line(18000, 100) << qint64(1800000);
}

void TstOrder::lineTotal_subtractsLineDiscount()
{
    QFETCH(OrderLine, orderLine);
    QFETCH(qint64, expected);
    const rdk::Result<Money> total = orderLine.lineTotal();
    QVERIFY2(total.ok(), qPrintable(total.ok() ? QString() : total.error().message));
    QVERIFY(total.value() == money(expected));
}

void TstOrder::computeTotals_addsUp_data()
{
    QTest::addColumn<QList<OrderLine>>("lines");
    QTest::addColumn<Extras>("extras");
    QTest::addColumn<qint64>("subtotal");
    QTest::addColumn<qint64>("discount");
    QTest::addColumn<qint64>("total");
    QTest::addRow("one line") << QList<OrderLine>{line(18000)} << usdExtras() << qint64(18000) << qint64(0)
                              << qint64(18000);
    QTest::addRow("all the parts") << QList<OrderLine>{line(18000, 2, 1000), line(2500)}
                                   << usdExtras(1500, 300, 500, 1200)
                                   << qint64(38500) << qint64(1500) << qint64(38500 - 1500 + 1500 + 300 + 1200);
    QTest::addRow("discount to zero, shipping still paid") << QList<OrderLine>{line(1000, 1, 400)}
                                                           << usdExtras(800, 0, 600)
                                                           << qint64(1000) << qint64(1000) << qint64(800);
    QTest::addRow("yen") << QList<OrderLine>{line(15000, 2, 0, u"JPY"_s)}
                         << Extras{money(500, u"JPY"_s), Money(), Money(), money(3000, u"JPY"_s)}
                         << qint64(30000) << qint64(0) << qint64(33500);
}

void TstOrder::computeTotals_addsUp()
{
    QFETCH(QList<OrderLine>, lines);
    QFETCH(Extras, extras);
    QFETCH(qint64, subtotal);
    QFETCH(qint64, discount);
    QFETCH(qint64, total);
    const rdk::Result<OrderTotals> totals = rdk::computeTotals(lines, extras.shipping, extras.fee, extras.discount,
                                                               extras.tax);
    QVERIFY2(totals.ok(), qPrintable(totals.ok() ? QString() : totals.error().message));
    const QString currency = lines.first().unitPrice.currency();
    QVERIFY(totals->subtotal == money(subtotal, currency));
    QVERIFY(totals->discount == money(discount, currency));
    QVERIFY(totals->total == money(total, currency));
    QCOMPARE(totals->shipping.minor(), extras.shipping.minor());
    QCOMPARE(totals->fee.minor(), extras.fee.minor());
    QCOMPARE(totals->tax.minor(), extras.tax.minor());
    QCOMPARE(totals->tax.currency(), currency);
}

void TstOrder::computeTotals_rejectsBadInput_data()
{
    QTest::addColumn<QList<OrderLine>>("lines");
    QTest::addColumn<Extras>("extras");
    QTest::addColumn<QString>("messagePart");
    constexpr qint64 Max = std::numeric_limits<qint64>::max();
    OrderLine negativeDiscount = line(1000);
    negativeDiscount.discount = money(-1);
    OrderLine euroDiscount = line(1000);
    euroDiscount.discount = money(100, u"EUR"_s);
    OrderLine hostileName = line(1000, 0);
    hostileName.sku.clear();
    hostileName.name = QString(1 << 16, u'x');
    QTest::addRow("no lines") << QList<OrderLine>() << usdExtras() << u"at least one item"_s;
    QTest::addRow("quantity zero") << QList<OrderLine>{line(1000, 0)} << usdExtras() << u"between 1 and 100"_s;
    QTest::addRow("quantity negative") << QList<OrderLine>{line(1000, -3)} << usdExtras() << u"between 1 and 100"_s;
    QTest::addRow("quantity 101") << QList<OrderLine>{line(1000, 101)} << usdExtras() << u"between 1 and 100"_s;
    QTest::addRow("quantity int max") << QList<OrderLine>{line(1000, std::numeric_limits<int>::max())} << usdExtras()
                                      << u"between 1 and 100"_s;
    QTest::addRow("mixed line currencies") << QList<OrderLine>{line(1000), line(1000, 1, 0, u"EUR"_s)} << usdExtras()
                                           << u"found USD and EUR"_s;
    QTest::addRow("shipping in another currency") << QList<OrderLine>{line(1000)}
                                                  << Extras{money(500, u"EUR"_s), {}, {}, {}} << u"one currency"_s;
    QTest::addRow("line discount in another currency") << QList<OrderLine>{euroDiscount} << usdExtras()
                                                       << u"one currency"_s;
    QTest::addRow("negative unit price") << QList<OrderLine>{line(-1000)} << usdExtras() << u"must not be negative"_s;
    QTest::addRow("negative line discount") << QList<OrderLine>{negativeDiscount} << usdExtras()
                                            << u"must not be negative"_s;
    QTest::addRow("negative shipping") << QList<OrderLine>{line(1000)} << usdExtras(-1) << u"Shipping must not be negative"_s;
    QTest::addRow("negative fee") << QList<OrderLine>{line(1000)} << usdExtras(0, -1) << u"fee must not be negative"_s;
    QTest::addRow("negative order discount") << QList<OrderLine>{line(1000)} << usdExtras(0, 0, -1)
                                             << u"order discount must not be negative"_s;
    QTest::addRow("negative tax") << QList<OrderLine>{line(1000)} << usdExtras(0, 0, 0, -1) << u"Tax must not be negative"_s;
    QTest::addRow("line discount above line") << QList<OrderLine>{line(1000, 2, 2001)} << usdExtras()
                                              << u"larger than its price"_s;
    QTest::addRow("order discount above what is left") << QList<OrderLine>{line(1000, 1, 600)} << usdExtras(0, 0, 401)
                                                       << u"order discount is larger"_s;
    QTest::addRow("line overflows") << QList<OrderLine>{line(Max / 50, 100)} << usdExtras() << u"too large"_s;
    QTest::addRow("subtotal overflows") << QList<OrderLine>{line(Max / 2 + 1), line(Max / 2 + 1)} << usdExtras()
                                        << u"too large"_s;
    QTest::addRow("shipping overflows total") << QList<OrderLine>{line(Max)} << usdExtras(1) << u"too large"_s;
    QTest::addRow("hostile item name is cut") << QList<OrderLine>{hostileName} << usdExtras() << u"between 1 and 100"_s;
}

void TstOrder::computeTotals_rejectsBadInput()
{
    QFETCH(QList<OrderLine>, lines);
    QFETCH(Extras, extras);
    QFETCH(QString, messagePart);
    const rdk::Result<OrderTotals> totals = rdk::computeTotals(lines, extras.shipping, extras.fee, extras.discount,
                                                               extras.tax);
    QVERIFY(!totals.ok());
    QCOMPARE(totals.error().code, rdk::ErrorCode::Invalid);
    QVERIFY2(totals.error().message.contains(messagePart), qPrintable(totals.error().message));
    QVERIFY(totals.error().message.size() < 200);
}

void TstOrder::computeTotals_acceptsUnsetAmountsInAnyCurrency()
{
    // Default-constructed Money is zero USD; it must not block a euro order.
    OrderLine euros = line(9900, 1, 0, u"EUR"_s);
    euros.discount = Money();
    const rdk::Result<OrderTotals> totals = rdk::computeTotals({euros}, Money(), Money(), Money(), Money());
    QVERIFY(totals.ok());
    QVERIFY(totals->total == money(9900, u"EUR"_s));
    QCOMPARE(totals->shipping.currency(), u"EUR"_s);
    QCOMPARE(totals->discount.currency(), u"EUR"_s);
}

void TstOrder::formatOrderNumber_prefixesRdk()
{
    QCOMPARE(rdk::formatOrderNumber(1001), u"RDK-1001"_s);
    QCOMPARE(rdk::formatOrderNumber(987654321), u"RDK-987654321"_s);
}

void TstOrder::parseOrderNumber_readsWhatStaffType_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("expected"); // 0 means "not an order number"
    QTest::addRow("formatted") << u"RDK-1001"_s << qint64(1001);
    QTest::addRow("lowercase") << u"rdk-1001"_s << qint64(1001);
    QTest::addRow("hash") << u"#1001"_s << qint64(1001);
    QTest::addRow("bare") << u" 1001 "_s << qint64(1001);
    QTest::addRow("empty") << QString() << qint64(0);
    QTest::addRow("prefix only") << u"RDK-"_s << qint64(0);
    QTest::addRow("zero") << u"RDK-0"_s << qint64(0);
    QTest::addRow("negative") << u"RDK--5"_s << qint64(0);
    QTest::addRow("letters") << u"RDK-10a1"_s << qint64(0);
    QTest::addRow("fullwidth digits") << u"\uFF11\uFF10\uFF10\uFF11"_s << qint64(0);
    QTest::addRow("too many digits") << u"9999999999999999999"_s << qint64(0);
}

void TstOrder::parseOrderNumber_readsWhatStaffType()
{
    QFETCH(QString, text);
    QFETCH(qint64, expected);
    const std::optional<qint64> number = rdk::parseOrderNumber(text);
    QCOMPARE(number.value_or(0), expected);
}

QTEST_APPLESS_MAIN(TstOrder)
#include "tst_order.moc"

// The accounting export: columns, shop-time dates, plain amounts, RFC 4180 quoting and
// neutralised formulas in customer-typed cells.

#include "domain/ordercsv.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

Money usd(qint64 minor)
{
    return Money::of(minor, u"USD"_s).value();
}

OrderSummary sample()
{
    OrderSummary o;
    o.orderId = u"00000000-0000-0000-0000-000000000001"_s;
    o.orderNumber = 1042;
    o.createdAt = QDateTime(QDate(2026, 3, 1), QTime(4, 30), Qt::UTC);  // 23:30 the day before in New York
    o.channel = OrderChannel::Pos;
    o.status = OrderStatus::PartiallyRefunded;
    o.paymentMethod = PaymentMethod::Card;
    o.units = 3;
    o.subtotal = usd(30000);
    o.discount = usd(1500);
    o.tax = usd(2529);      // 8.875 % of 285.00, added at the counter
    o.total = usd(31029);
    o.refunded = usd(5000);
    o.customerEmail = u"ann@example.com"_s;
    return o;
}

} // namespace

class TestOrderCsv final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void header_hasEmailOnlyWhenAsked()
    {
        QCOMPARE(orderCsvHeader(false),
                 u"order_number,date,channel,status,payment_method,units,subtotal,discount,tax,total,refunded,currency\r\n"_s);
        QVERIFY(orderCsvHeader(true).endsWith(u",currency,email\r\n"_s));
    }

    void line_usesShopTimeAndPlainAmounts()
    {
        const QString line = orderCsvLine(sample(), shopTimeZone(u"America/New_York"_s), true);
        QCOMPARE(line, u"RDK-1042,2026-02-28 23:30:00,pos,partially_refunded,card,3,300.00,15.00,25.29,310.29,50.00,USD,ann@example.com\r\n"_s);
    }

    void line_withoutEmail_leavesTheColumnOut()
    {
        const QString line = orderCsvLine(sample(), shopTimeZone(u"UTC"_s), false);
        QCOMPARE(line, u"RDK-1042,2026-03-01 04:30:00,pos,partially_refunded,card,3,300.00,15.00,25.29,310.29,50.00,USD\r\n"_s);
        QVERIFY(!line.contains(u"example.com"_s));
    }

    void line_zeroAmountsTakeTheOrderCurrency()
    {
        OrderSummary o = sample();
        o.total = Money::of(1500, u"JPY"_s).value();
        o.subtotal = Money::of(1500, u"JPY"_s).value();
        o.discount = Money();  // default zero is USD: must not print as "0.00"
        o.refunded = Money();
        o.tax = Money();
        o.paymentMethod = PaymentMethod::None;
        const QString line = orderCsvLine(o, shopTimeZone(QString()), false);
        QVERIFY2(line.endsWith(u",,3,1500,0,0,1500,0,JPY\r\n"_s), qPrintable(line));
    }

    void email_hostile_isQuotedAndNeutralised_data()
    {
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("cell");
        QTest::addRow("formula") << u"=HYPERLINK(\"http://x\")"_s << u"\"'=HYPERLINK(\"\"http://x\"\")\""_s;
        QTest::addRow("plus") << u"+1@x.io"_s << u"'+1@x.io"_s;
        QTest::addRow("at") << u"@SUM(A1)"_s << u"'@SUM(A1)"_s;
        QTest::addRow("comma") << u"a,b@x.io"_s << u"\"a,b@x.io\""_s;
        QTest::addRow("newline") << u"a\nb@x.io"_s << u"\"a\nb@x.io\""_s;
        QTest::addRow("minus") << u"-2+3@x.io"_s << u"'-2+3@x.io"_s;
    }

    void email_hostile_isQuotedAndNeutralised()
    {
        QFETCH(QString, email);
        QFETCH(QString, cell);
        OrderSummary o = sample();
        o.customerEmail = email;
        const QString line = orderCsvLine(o, shopTimeZone(u"UTC"_s), true);
        QVERIFY2(line.endsWith(u",USD,"_s + cell + u"\r\n"_s), qPrintable(line));
    }

    void shopTimeZone_unknownFallsBackToUtc()
    {
        QCOMPARE(shopTimeZone(u"Not/AZone"_s).id(), QTimeZone::utc().id());
        QCOMPARE(shopTimeZone(QString()).id(), QTimeZone::utc().id());
        QCOMPARE(shopTimeZone(u"Europe/Paris"_s).id(), QByteArray("Europe/Paris"));
    }
};

QTEST_GUILESS_MAIN(TestOrderCsv)
#include "tst_ordercsv.moc"

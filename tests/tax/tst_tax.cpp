// Sales tax in the domain (domain/tax.h): the rule on the shared table of cases, the rounding
// edges, rates as typed, the cart's totals with tax (exclusive and inclusive, discounts shared
// before tax, a shop without rates unchanged) and the receipt's rows per rate.
#include "domain/moneyformat.h"
#include "domain/poscart.h"
#include "domain/receipt.h"
#include "domain/tax.h"
#include "tests/tax/taxcases.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

Q_DECLARE_METATYPE(rdk::test::TaxCase)

namespace {

Money usd(qint64 minor)
{
    return *Money::of(minor, u"USD"_s);
}

SellableProduct product(const QString &sku, qint64 price, const QString &currency = u"USD"_s)
{
    SellableProduct p;
    p.productId = u"p-"_s + sku;
    p.sku = sku;
    p.name = sku;
    p.price = *Money::of(price, currency);
    p.sizes = {{QString(), 50}};
    return p;
}

TaxSettings ny(bool inclusive = false)
{
    return TaxSettings{inclusive, {{u"NY State"_s, 40000, true}, {u"NYC"_s, 48750, true}}};
}

} // namespace

class TestTax final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void splitTax_matchesTable_data()
    {
        QTest::addColumn<rdk::test::TaxCase>("c");
        for (const auto &c : rdk::test::taxCases())
            QTest::addRow("%s", qPrintable(c.name)) << c;
    }
    void splitTax_matchesTable()
    {
        QFETCH(rdk::test::TaxCase, c);
        auto split = splitTax(c.nets, c.orderDiscount, c.ratesPpm, c.inclusive);
        QVERIFY2(split.ok(), split ? "" : qPrintable(split.error().message));
        QCOMPARE(split->shares, c.shares);
        QList<qint64> flat;
        for (const auto &line : split->lineRateTax)
            flat.append(line);
        QCOMPARE(flat, c.lineRateTax);
        QCOMPARE(split->total, c.total);
        qint64 sumLines = 0;
        for (qint64 t : split->lineTax)
            sumLines += t;
        qint64 sumRates = 0;
        for (qint64 t : split->rateTax)
            sumRates += t;
        QCOMPARE(sumLines, c.total);
        QCOMPARE(sumRates, c.total);
        qint64 shares = 0;
        for (qsizetype i = 0; i < c.nets.size(); ++i) {
            QVERIFY(split->shares.at(i) <= c.nets.at(i));
            shares += split->shares.at(i);
        }
        QCOMPARE(shares, c.orderDiscount);
    }

    void splitTax_badInput_refused_data()
    {
        QTest::addColumn<QList<qint64>>("nets");
        QTest::addColumn<qint64>("discount");
        QTest::addColumn<QList<qint64>>("rates");
        QTest::addColumn<QString>("message");
        QTest::addRow("negative line") << QList<qint64>{-1} << qint64(0) << QList<qint64>{100000}
                                       << u"A line can't cost less than nothing."_s;
        QTest::addRow("discount above the lines") << QList<qint64>{100, 200} << qint64(301) << QList<qint64>{100000}
                                                  << u"The discount is more than the order's total."_s;
        QTest::addRow("negative discount") << QList<qint64>{100} << qint64(-1) << QList<qint64>{100000}
                                           << u"A discount can't be negative."_s;
        QTest::addRow("rate above 100 percent") << QList<qint64>{100} << qint64(0) << QList<qint64>{1000001}
                                          << u"A tax rate must be from 0 to 100 %."_s;
        QTest::addRow("sum beyond 64 bits") << QList<qint64>{std::numeric_limits<qint64>::max(), 1} << qint64(0)
                                            << QList<qint64>{100000} << u"The amounts are too large to compute tax on."_s;
    }
    void splitTax_badInput_refused()
    {
        QFETCH(QList<qint64>, nets);
        QFETCH(qint64, discount);
        QFETCH(QList<qint64>, rates);
        QFETCH(QString, message);
        auto split = splitTax(nets, discount, rates, false);
        QVERIFY(!split.ok());
        QCOMPARE(split.error().message, message);
    }

    void parseTaxRatePercent_readsWhatAdminsType_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ppm");   // -1: refused
        QTest::addRow("NY combined") << u"8.875"_s << qint64(88750);
        QTest::addRow("with percent sign") << u" 8.875 % "_s << qint64(88750);
        QTest::addRow("whole") << u"20"_s << qint64(200000);
        QTest::addRow("zero") << u"0"_s << qint64(0);
        QTest::addRow("four decimals") << u"0.0001"_s << qint64(1);
        QTest::addRow("hundred") << u"100"_s << qint64(1000000);
        QTest::addRow("above hundred") << u"100.0001"_s << qint64(-1);
        QTest::addRow("five decimals") << u"8.87501"_s << qint64(-1);
        QTest::addRow("negative") << u"-5"_s << qint64(-1);
        QTest::addRow("empty") << QString() << qint64(-1);
        QTest::addRow("letters") << u"eight"_s << qint64(-1);
        QTest::addRow("no leading digit") << u".5"_s << qint64(-1);
        QTest::addRow("dot without decimals") << u"5."_s << qint64(-1);
        QTest::addRow("exponent") << u"1e2"_s << qint64(-1);
        QTest::addRow("comma") << u"8,875"_s << qint64(-1);
    }
    void parseTaxRatePercent_readsWhatAdminsType()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ppm);
        auto parsed = parseTaxRatePercent(text);
        if (ppm < 0) {
            QVERIFY(!parsed.ok());
            QVERIFY(parsed.error().message.contains(u"from 0 to 100"_s));
            return;
        }
        QVERIFY(parsed.ok());
        QCOMPARE(*parsed, ppm);
        QCOMPARE(*parseTaxRatePercent(taxRatePercentText(ppm)), ppm);  // round trip
    }

    void taxRatePercentText_dropsTrailingZeros()
    {
        QCOMPARE(taxRatePercentText(88750), u"8.875"_s);
        QCOMPARE(taxRatePercentText(200000), u"20"_s);
        QCOMPARE(taxRatePercentText(1), u"0.0001"_s);
        QCOMPARE(taxRatePercentText(0), u"0"_s);
        QCOMPARE(describeTaxRate({u"NYC"_s, 48750, true}), u"NYC 4.875 %"_s);
        QCOMPARE(taxRowLabel({u"VAT"_s, 200000, usd(0)}, true), u"Incl. tax (VAT 20 %)"_s);
    }

    void checkTaxRates_refusesBadLists_data()
    {
        QTest::addColumn<QList<rdk::TaxRate>>("rates");
        QTest::addColumn<QString>("message");
        QList<TaxRate> eleven;
        for (int i = 0; i < 11; ++i)
            eleven.append({u"Rate %1"_s.arg(i), 10000, true});
        QTest::addRow("eleven rates") << eleven << u"A shop can have at most 10 tax rates."_s;
        QTest::addRow("empty name") << QList<TaxRate>{{u"  "_s, 10000, true}} << u"Tax rate 1 needs a name of 1 to 40 characters."_s;
        QTest::addRow("long name") << QList<TaxRate>{{QString(41, u'x'), 10000, true}}
                                   << u"Tax rate 1 needs a name of 1 to 40 characters."_s;
        QTest::addRow("control character") << QList<TaxRate>{{u"NY\tState"_s, 10000, true}}
                                           << u"Tax rate 1 needs a name of 1 to 40 characters."_s;
        QTest::addRow("same name twice") << QList<TaxRate>{{u"NYC"_s, 10000, true}, {u"nyc "_s, 20000, false}}
                                         << u"Two tax rates are named nyc."_s;
        QTest::addRow("rate above 100 percent") << QList<TaxRate>{{u"Odd"_s, 1000001, true}}
                                          << u"The rate of Odd must be a percentage from 0 to 100 with at most four decimals."_s;
    }
    void checkTaxRates_refusesBadLists()
    {
        QFETCH(QList<rdk::TaxRate>, rates);
        QFETCH(QString, message);
        auto checked = checkTaxRates(rates);
        QVERIFY(!checked.ok());
        QCOMPARE(checked.error().message, message);
    }
    void checkTaxRates_trimsNames()
    {
        auto checked = checkTaxRates({{u" NY State "_s, 40000, true}});
        QVERIFY(checked.ok());
        QCOMPARE(checked->first().name, u"NY State"_s);
    }

    void cart_withoutRates_totalsAsBefore()
    {
        PosCart cart(u"USD"_s, StaffRole::Ops);
        QVERIFY(cart.add(product(u"DNK-1"_s, 11500), QString(), 2).ok());
        auto before = cart.totals();
        cart.setTaxSettings(TaxSettings{false, {{u"Off"_s, 88750, false}}});  // an inactive rate only
        auto after = cart.totals();
        QVERIFY(before.ok() && after.ok());
        QCOMPARE(after->total, usd(23000));
        QCOMPARE(after->tax, usd(0));
        QVERIFY(after->taxes.isEmpty());
        QCOMPARE(after->total, before->total);
    }

    void cart_exclusiveRates_taxAddedPerRate()
    {
        PosCart cart(u"USD"_s, StaffRole::Ops);
        cart.setTaxSettings(ny());
        QVERIFY(cart.add(product(u"DNK-1"_s, 11500), QString()).ok());
        QVERIFY(cart.add(product(u"SOCK-3PK"_s, 199), QString(), 3).ok());
        auto t = cart.totals();
        QVERIFY(t.ok());
        // 115.00: 4.60 + 5.60625 -> 5.61; 5.97: 0.2388 -> 0.24 + 0.29104 -> 0.29
        QCOMPARE(t->taxes.size(), 2);
        QCOMPARE(t->taxes.at(0).name, u"NY State"_s);
        QCOMPARE(t->taxes.at(0).amount, usd(460 + 24));
        QCOMPARE(t->taxes.at(1).amount, usd(561 + 29));
        QCOMPARE(t->tax, usd(1074));
        QCOMPARE(t->subtotal, usd(12097));
        QCOMPARE(t->total, usd(12097 + 1074));
        QVERIFY(!t->taxIncluded);
    }

    void cart_discountsBeforeTax_cartDiscountShared()
    {
        PosCart cart(u"USD"_s, StaffRole::Ops);
        cart.setTaxSettings(TaxSettings{false, {{u"Sales tax"_s, 62500, true}}});
        QVERIFY(cart.add(product(u"AAA-1"_s, 10000), QString()).ok());
        QVERIFY(cart.add(product(u"BBB-1"_s, 5000), QString()).ok());
        QVERIFY(cart.setLineDiscount(0, PosDiscount::ofAmount(usd(1000))).ok());
        QVERIFY(cart.setCartDiscount(PosDiscount::ofPercent(1000)).ok());  // 10 % of 140.00 = 14.00
        QVERIFY(cart.setDiscountReason(u"Regular customer"_s).ok());
        auto t = cart.totals();
        QVERIFY(t.ok());
        // Nets 90.00 and 50.00 share 14.00 as 9.00 and 5.00: tax 6.25 % of 81.00 and 45.00.
        QCOMPARE(t->discount, usd(2400));
        QCOMPARE(t->tax, usd(506 + 281));
        QCOMPARE(t->total, usd(15000 - 2400 + 787));
        // The sale request carries intents only: no tax amount travels to the database.
        auto request = cart.toSaleRequest();
        QVERIFY(request.ok());
        QCOMPARE(request->orderDiscount, usd(1400));
    }

    void cart_inclusivePrices_taxExtractedNotAdded()
    {
        PosCart cart(u"EUR"_s, StaffRole::Staff);
        cart.setTaxSettings(TaxSettings{true, {{u"VAT"_s, 200000, true}}});
        QVERIFY(cart.add(product(u"DNK-1"_s, 12000, u"EUR"_s), QString()).ok());
        auto t = cart.totals();
        QVERIFY(t.ok());
        QVERIFY(t->taxIncluded);
        QCOMPARE(t->tax, *Money::of(2000, u"EUR"_s));
        QCOMPARE(t->total, *Money::of(12000, u"EUR"_s));
    }

    void cart_zeroDecimalCurrency_roundsToWholeYen()
    {
        PosCart cart(u"JPY"_s, StaffRole::Staff);
        cart.setTaxSettings(TaxSettings{false, {{u"Consumption tax"_s, 100000, true}}});
        QVERIFY(cart.add(product(u"DNK-1"_s, 1235, u"JPY"_s), QString()).ok());  // ¥1,235: 123.5 -> 124
        auto t = cart.totals();
        QVERIFY(t.ok());
        QCOMPARE(t->tax, *Money::of(124, u"JPY"_s));
        QCOMPARE(t->total, *Money::of(1359, u"JPY"_s));
    }

    void receipt_exclusive_taxRowsBeforeTotal()
    {
        PosOrderState o;
        o.orderNumber = 1001;
        o.status = OrderStatus::Paid;
        o.lines = {{u"p1"_s, u"DNK-1"_s, u"Dunk"_s, QString(), 1, usd(11500), usd(0), usd(1021)}};
        o.totals = *computeTotals(o.lines, Money(), Money(), Money(), usd(1021));
        o.totals.taxes = {{u"NY State"_s, 40000, usd(460)}, {u"NYC"_s, 48750, usd(561)}};
        o.paymentMethod = PaymentMethod::Card;
        o.paymentReference = u"pi_1"_s;
        auto r = buildReceipt(o, {u"Shop"_s, QString(), u"UTC"_s});
        QVERIFY(r.ok());
        QStringList labels;
        for (const auto &row : r->totals)
            labels.append(row.label + u' ' + row.amount);
        QCOMPARE(labels, (QStringList{u"Subtotal $115.00"_s, u"Tax (NY State 4 %) $4.60"_s,
                                      u"Tax (NYC 4.875 %) $5.61"_s, u"Total $125.21"_s}));
    }

    void receipt_inclusive_taxNotedAfterTotal()
    {
        PosOrderState o;
        o.orderNumber = 1002;
        o.status = OrderStatus::Paid;
        o.lines = {{u"p1"_s, u"DNK-1"_s, u"Dunk"_s, QString(), 1, usd(12000), usd(0), usd(2000)}};
        o.totals = *computeTotals(o.lines, Money(), Money(), Money(), usd(2000), true);
        o.totals.taxes = {{u"VAT"_s, 200000, usd(2000)}};
        auto r = buildReceipt(o, {u"Shop"_s, QString(), u"UTC"_s});
        QVERIFY(r.ok());
        QCOMPARE(r->totals.size(), 3);
        QCOMPARE(r->totals.at(1).label, u"Total"_s);
        QCOMPARE(r->totals.at(1).amount, u"$120.00"_s);
        QCOMPARE(r->totals.at(2).label, u"Incl. tax (VAT 20 %)"_s);
        QCOMPARE(r->totals.at(2).amount, u"$20.00"_s);
    }
};

QTEST_APPLESS_MAIN(TestTax)
#include "tst_tax.moc"

// The counter's cart and scan rules (domain/poscart.h): merging, stock and quantity limits,
// discount rounding and permission, reasons, totals, the sale request, and hostile scans.
#include "domain/moneyformat.h"
#include "domain/poscart.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

Money usd(qint64 minor)
{
    return *Money::of(minor, u"USD"_s);
}

SellableProduct dunk()
{
    SellableProduct p;
    p.productId = u"p-dunk"_s;
    p.sku = u"DNK-LO-PANDA"_s;
    p.name = u"Dunk Low Retro"_s;
    p.brand = u"Nike"_s;
    p.colorway = u"Panda"_s;
    p.price = usd(11500);
    p.inventoryStrategy = InventoryStrategy::PerSize;
    p.sizes = {{u"9"_s, 2}, {u"10"_s, 0}, {u"10.5"_s, 150}};
    return p;
}

SellableProduct socks()
{
    SellableProduct p;
    p.productId = u"p-socks"_s;
    p.sku = u"SOCK-3PK"_s;
    p.name = u"Crew socks 3-pack"_s;
    p.price = usd(199);
    p.sizes = {{QString(), 5}};
    return p;
}

} // namespace

class TestPosCart final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void classifyScan_sortsInput_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::addRow("sku with dashes") << u"DNK-LO-PANDA"_s << u"sku"_s << u"DNK-LO-PANDA"_s;
        QTest::addRow("lowercase sku, spaces") << u"  dnk-lo-panda \t"_s << u"sku"_s << u"DNK-LO-PANDA"_s;
        QTest::addRow("sku with a digit") << u"aj1"_s << u"sku"_s << u"AJ1"_s;
        QTest::addRow("scanner CR LF") << u"SOCK-3PK\r\n"_s << u"sku"_s << u"SOCK-3PK"_s;
        QTest::addRow("plain word searches") << u"panda"_s << u"search"_s << u"panda"_s;
        QTest::addRow("words search") << u" dunk low "_s << u"search"_s << u"dunk low"_s;
        QTest::addRow("digits and spaces search") << u"air max 90"_s << u"search"_s << u"air max 90"_s;
        QTest::addRow("unicode lookalike searches") << u"DNK-LO-PANDı"_s << u"search"_s << u"DNK-LO-PANDı"_s;
        QTest::addRow("emoji searches") << u"👟 dunk"_s << u"search"_s << u"👟 dunk"_s;
        QTest::addRow("empty") << QString() << u"empty"_s << QString();
        QTest::addRow("only spaces") << u"   \t "_s << u"empty"_s << QString();
        QTest::addRow("control character") << u"DNK\u0007LO"_s << u"rejected"_s << QString();
        QTest::addRow("escape sequence") << u"\u001b[31mDNK"_s << u"rejected"_s << QString();
        QTest::addRow("nul") << QString(u"AB\0C"_s) << u"rejected"_s << QString();
        QTest::addRow("zero-width joiner") << u"DNK\u200dLO"_s << u"rejected"_s << QString();
        QTest::addRow("65 characters") << QString(65, u'A') << u"rejected"_s << QString();
        QTest::addRow("10k characters") << QString(10000, u'7') << u"rejected"_s << QString();
        QTest::addRow("64 characters search") << QString(64, u'a') << u"search"_s << QString(64, u'a');
        QTest::addRow("UPC-A box") << u"036000291452"_s << u"barcode"_s << u"036000291452"_s;
        QTest::addRow("EAN-13 box, CR LF") << u"4006381333931\r\n"_s << u"barcode"_s << u"4006381333931"_s;
        QTest::addRow("12 digits, wrong check digit: a SKU") << u"036000291453"_s << u"sku"_s << u"036000291453"_s;
        QTest::addRow("shop label") << u"dnk-lo-panda/10.5"_s << u"shopcode"_s << u"DNK-LO-PANDA"_s;
        QTest::addRow("two slashes search") << u"a/b/c"_s << u"search"_s << u"a/b/c"_s;
    }
    void classifyScan_sortsInput()
    {
        QFETCH(QString, raw);
        QFETCH(QString, kind);
        QFETCH(QString, text);
        const ScanInput in = classifyScan(raw);
        const QString got = in.kind == ScanKind::Sku        ? u"sku"_s
                            : in.kind == ScanKind::Search   ? u"search"_s
                            : in.kind == ScanKind::Empty    ? u"empty"_s
                            : in.kind == ScanKind::Barcode  ? u"barcode"_s
                            : in.kind == ScanKind::ShopCode ? u"shopcode"_s
                                                            : u"rejected"_s;
        QCOMPARE(got, kind);
        QCOMPARE(in.text, text);
        QCOMPARE(in.message.isEmpty(), kind != u"rejected"_s);
    }

    void add_sameSkuAndSize_mergesIntoOneLine()
    {
        PosCart cart(u"USD"_s, StaffRole::Staff);
        QCOMPARE(*cart.add(dunk(), u"9"_s), 0);
        QCOMPARE(*cart.add(socks(), QString()), 1);
        QCOMPARE(*cart.add(dunk(), u"10.5"_s), 2);
        QCOMPARE(*cart.add(dunk(), u"9"_s), 0);
        QCOMPARE(cart.size(), 3);
        QCOMPARE(cart.lines()[0].quantity, 2);
        QCOMPARE(cart.unitCount(), 4);
        QCOMPARE(cart.totals()->total, usd(2 * 11500 + 199 + 11500));
    }

    void add_refusals_leaveCartUnchanged_data()
    {
        QTest::addColumn<QString>("size");
        QTest::addColumn<int>("quantity");
        QTest::addColumn<QString>("message");
        QTest::addRow("sold-out size") << u"10"_s << 1 << u"Dunk Low Retro Panda size 10 is sold out."_s;
        QTest::addRow("unknown size") << u"11"_s << 1 << u"DNK-LO-PANDA doesn't come in size 11."_s;
        QTest::addRow("no size for a sized product") << QString() << 1 << u"Pick a size of Dunk Low Retro Panda."_s;
        QTest::addRow("more than in stock") << u"9"_s << 3 << u"Only 2 of Dunk Low Retro Panda size 9 in stock."_s;
        QTest::addRow("above the line maximum") << u"10.5"_s << 101 << u"At most 100 of one item per sale."_s;
        QTest::addRow("int max") << u"10.5"_s << std::numeric_limits<int>::max() << u"At most 100 of one item per sale."_s;
        QTest::addRow("zero") << u"9"_s << 0 << u"Quantity must be at least 1. Use Remove to take the item out."_s;
        QTest::addRow("negative") << u"9"_s << -5 << u"Quantity must be at least 1. Use Remove to take the item out."_s;
    }
    void add_refusals_leaveCartUnchanged()
    {
        QFETCH(QString, size);
        QFETCH(int, quantity);
        QFETCH(QString, message);
        PosCart cart(u"USD"_s, StaffRole::Admin);
        QVERIFY(cart.add(socks(), QString()));
        auto added = cart.add(dunk(), size, quantity);
        QVERIFY(!added);
        QCOMPARE(added.error().message, message);
        QCOMPARE(cart.size(), 1);
        QCOMPARE(cart.totals()->total, usd(199));
    }

    void add_otherCurrency_refused()
    {
        PosCart cart(u"EUR"_s, StaffRole::Staff);
        auto added = cart.add(socks(), QString());
        QVERIFY(!added);
        QVERIFY(cart.isEmpty());
    }

    void quantity_boundedByStockAndMaximum()
    {
        PosCart cart(u"USD"_s, StaffRole::Staff);
        QVERIFY(cart.add(dunk(), u"9"_s));
        QVERIFY(cart.increment(0));
        auto third = cart.increment(0);
        QVERIFY(!third);
        QCOMPARE(third.error().message, u"Only 2 of Dunk Low Retro Panda size 9 in stock."_s);
        QCOMPARE(cart.lines()[0].quantity, 2);
        QVERIFY(cart.decrement(0));
        auto zero = cart.decrement(0);
        QVERIFY(!zero);
        QCOMPARE(cart.lines()[0].quantity, 1);
        // 150 in stock, but one sale holds at most 100 of an item.
        QVERIFY(cart.add(dunk(), u"10.5"_s));
        QVERIFY(cart.setQuantity(1, 100));
        QVERIFY(!cart.setQuantity(1, 101));
        QVERIFY(!cart.increment(1));
        QCOMPARE(cart.lines()[1].quantity, 100);
        QVERIFY(!cart.setQuantity(7, 1));
        QVERIFY(!cart.remove(-1));
    }

    void remove_takesLineOut()
    {
        PosCart cart(u"USD"_s, StaffRole::Staff);
        QVERIFY(cart.add(dunk(), u"9"_s));
        QVERIFY(cart.add(socks(), QString()));
        QVERIFY(cart.remove(0));
        QCOMPARE(cart.size(), 1);
        QCOMPARE(cart.lines()[0].sku, u"SOCK-3PK"_s);
        QVERIFY(cart.remove(0));
        QVERIFY(cart.isEmpty());
        QCOMPARE(cart.totals()->total, usd(0));
    }

    void parsePercent_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("basisPoints");  // -1: refused
        QTest::addRow("whole") << u"10"_s << 1000;
        QTest::addRow("one decimal") << u"12.5"_s << 1250;
        QTest::addRow("two decimals, sign") << u" 7.25 % "_s << 725;
        QTest::addRow("hundred") << u"100"_s << 10000;
        QTest::addRow("smallest") << u"0.01"_s << 1;
        QTest::addRow("zero") << u"0"_s << -1;
        QTest::addRow("above hundred") << u"100.01"_s << -1;
        QTest::addRow("three decimals") << u"1.125"_s << -1;
        QTest::addRow("negative") << u"-5"_s << -1;
        QTest::addRow("letters") << u"ten"_s << -1;
        QTest::addRow("trailing dot") << u"5."_s << -1;
        QTest::addRow("leading dot") << u".5"_s << -1;
        QTest::addRow("huge") << u"99999999999999999999"_s << -1;
        QTest::addRow("empty") << QString() << -1;
        QTest::addRow("only sign") << u"%"_s << -1;
    }
    void parsePercent()
    {
        QFETCH(QString, text);
        QFETCH(int, basisPoints);
        auto parsed = rdk::parsePercent(text);
        if (basisPoints < 0) {
            QVERIFY(!parsed);
            QVERIFY(!parsed.error().message.isEmpty());
        } else {
            QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
            QCOMPARE(*parsed, basisPoints);
        }
    }

    // Percent discounts become minor units rounded to the nearest cent, halves up
    // (Money::percent); a line's percentage applies to the line, a cart's to what is left.
    void percentRounding_data()
    {
        QTest::addColumn<qint64>("base");
        QTest::addColumn<int>("basisPoints");
        QTest::addColumn<qint64>("off");
        QTest::addRow("10 pct of 0.05 is half a cent: up") << qint64(5) << 1000 << qint64(1);
        QTest::addRow("10 pct of 0.04 rounds down") << qint64(4) << 1000 << qint64(0);
        QTest::addRow("12.5 pct of 1.99") << qint64(199) << 1250 << qint64(25);
        QTest::addRow("33.33 pct of 10.00") << qint64(1000) << 3333 << qint64(333);
        QTest::addRow("15 pct of 115.00") << qint64(11500) << 1500 << qint64(1725);
        QTest::addRow("100 pct of 2.30") << qint64(230) << 10000 << qint64(230);
        QTest::addRow("0.01 pct of 49.99") << qint64(4999) << 1 << qint64(0);
        QTest::addRow("0.01 pct of 50.00") << qint64(5000) << 1 << qint64(1);
    }
    void percentRounding()
    {
        QFETCH(qint64, base);
        QFETCH(int, basisPoints);
        QFETCH(qint64, off);
        auto amount = discountAmount(PosDiscount::ofPercent(basisPoints), usd(base));
        QVERIFY(amount);
        QCOMPARE(amount->minor(), off);
    }

    void discounts_lineThenCart_totalsAddUp()
    {
        PosCart cart(u"USD"_s, StaffRole::Ops);
        QVERIFY(cart.add(dunk(), u"9"_s, 2));          // 230.00
        QVERIFY(cart.add(socks(), QString()));         // 1.99
        QVERIFY(cart.setLineDiscount(0, PosDiscount::ofAmount(usd(1000))));   // -10.00 -> 220.00
        QVERIFY(cart.setLineDiscount(1, PosDiscount::ofPercent(1250)));       // -0.25 -> 1.74
        QVERIFY(cart.setCartDiscount(PosDiscount::ofPercent(1000)));          // 10% of 221.74 = 22.174 -> 22.17
        QCOMPARE(cart.lineTotal(0)->minor(), 22000);
        QCOMPARE(cart.lineTotal(1)->minor(), 174);
        QCOMPARE(cart.cartDiscountAmount()->minor(), 2217);
        const OrderTotals t = *cart.totals();
        QCOMPARE(t.subtotal, usd(23199));
        QCOMPARE(t.discount, usd(1000 + 25 + 2217));
        QCOMPARE(t.total, usd(23199 - 3242));

        QVERIFY(!cart.toSaleRequest());  // no reason yet
        QCOMPARE(cart.toSaleRequest().error().message, u"Give a reason for the discount."_s);
        QVERIFY(cart.setDiscountReason(u"  Loyal customer  "_s));
        auto sale = cart.toSaleRequest(20);
        QVERIFY(sale);
        QCOMPARE(sale->lines.size(), 2);
        QCOMPARE(sale->lines[0].sku, u"DNK-LO-PANDA"_s);
        QCOMPARE(sale->lines[0].size, u"9"_s);
        QCOMPARE(sale->lines[0].quantity, 2);
        QCOMPARE(sale->lines[0].discount, usd(1000));
        QCOMPARE(sale->lines[1].discount, usd(25));
        QCOMPARE(sale->orderDiscount, usd(2217));
        QCOMPARE(sale->discountReason, u"Loyal customer"_s);
        QCOMPARE(sale->linkMinutes, 20);
        // The request the store gets computes to the same totals on its side.
        QList<OrderLine> lines;
        for (qsizetype i = 0; i < cart.size(); ++i) {
            const PosCartLine &l = cart.lines()[i];
            lines.append({l.productId, l.sku, l.name, l.size, l.quantity, l.unitPrice, sale->lines[i].discount});
        }
        const auto zero = Money::zero(u"USD"_s);
        QCOMPARE(computeTotals(lines, zero, zero, sale->orderDiscount, zero)->total, t.total);
    }

    void discounts_staffRefused()
    {
        PosCart cart(u"USD"_s, StaffRole::Staff);
        QVERIFY(cart.add(dunk(), u"9"_s));
        auto line = cart.setLineDiscount(0, PosDiscount::ofAmount(usd(500)));
        QVERIFY(!line);
        QCOMPARE(line.error().code == ErrorCode::Forbidden, true);
        QVERIFY(!cart.setCartDiscount(PosDiscount::ofPercent(1000)));
        QVERIFY(!cart.hasDiscount());
        QCOMPARE(cart.totals()->total, usd(11500));
        QVERIFY(cart.setCartDiscount(PosDiscount::none()));  // clearing is harmless
        QVERIFY(!mayGiveDiscounts(StaffRole::Staff));
        QVERIFY(mayGiveDiscounts(StaffRole::Ops));
        QVERIFY(mayGiveDiscounts(StaffRole::Admin));
    }

    void discounts_tooLarge_refusedAndUnchanged()
    {
        PosCart cart(u"USD"_s, StaffRole::Admin);
        QVERIFY(cart.add(socks(), QString(), 2));  // 3.98
        QVERIFY(!cart.setLineDiscount(0, PosDiscount::ofAmount(usd(399))));
        QVERIFY(!cart.setLineDiscount(0, PosDiscount::ofAmount(*Money::of(100, u"EUR"_s))));
        QVERIFY(!cart.setLineDiscount(0, PosDiscount::ofPercent(10001)));
        QVERIFY(!cart.setLineDiscount(0, PosDiscount::ofAmount(usd(-100))));
        QVERIFY(cart.setLineDiscount(0, PosDiscount::ofAmount(usd(300))));
        // Lowering the quantity would leave the fixed discount above the line: refused.
        QVERIFY(!cart.setQuantity(0, 1));
        QCOMPARE(cart.lines()[0].quantity, 2);
        QVERIFY(!cart.setCartDiscount(PosDiscount::ofAmount(usd(99))));
        QVERIFY(cart.setCartDiscount(PosDiscount::ofAmount(usd(98))));
        QCOMPARE(cart.totals()->total, usd(0));
        QVERIFY(cart.setDiscountReason(u"Damaged box"_s));
        auto sale = cart.toSaleRequest();
        QVERIFY(!sale);
        QCOMPARE(sale.error().message, u"The total is zero: there is nothing to charge."_s);
    }

    void parseDiscount_data()
    {
        QTest::addColumn<bool>("percent");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addRow("amount") << false << u"12.50"_s << true;
        QTest::addRow("amount zero") << false << u"0"_s << false;
        QTest::addRow("amount negative") << false << u"-5"_s << false;
        QTest::addRow("amount too many decimals") << false << u"1.999"_s << false;
        QTest::addRow("amount garbage") << false << u"5 dollars"_s << false;
        QTest::addRow("amount overflow") << false << u"999999999999999999999"_s << false;
        QTest::addRow("percent") << true << u"15"_s << true;
        QTest::addRow("percent garbage") << true << u"1e3"_s << false;
    }
    void parseDiscount()
    {
        QFETCH(bool, percent);
        QFETCH(QString, text);
        QFETCH(bool, ok);
        auto d = rdk::parseDiscount(percent ? DiscountKind::Percent : DiscountKind::Amount, text, u"USD"_s);
        QCOMPARE(bool(d), ok);
    }

    void discountReason_hostile_refused()
    {
        PosCart cart(u"USD"_s, StaffRole::Ops);
        QVERIFY(!cart.setDiscountReason(QString(201, u'x')));
        QVERIFY(!cart.setDiscountReason(u"ok\u0000then"_s));
        QVERIFY(cart.discountReason().isEmpty());
        QVERIFY(cart.setDiscountReason(u"Price match 👟"_s));
        QCOMPARE(cart.discountReason(), u"Price match 👟"_s);
    }

    void describeDiscount_formats()
    {
        QCOMPARE(describeDiscount(PosDiscount::ofPercent(1000)), u"10 %"_s);
        QCOMPARE(describeDiscount(PosDiscount::ofPercent(1250)), u"12.5 %"_s);
        QCOMPARE(describeDiscount(PosDiscount::ofPercent(725)), u"7.25 %"_s);
        QCOMPARE(describeDiscount(PosDiscount::ofPercent(5)), u"0.05 %"_s);
        QCOMPARE(describeDiscount(PosDiscount::ofAmount(usd(1250))), u"$12.50"_s);
        QCOMPARE(describeDiscount(PosDiscount::none()), QString());
    }

    void emptyCart_saleRefused()
    {
        PosCart cart(u"USD"_s, StaffRole::Admin);
        QCOMPARE(cart.toSaleRequest().error().message, u"The cart is empty: scan an item first."_s);
        QVERIFY(!cart.setCartDiscount(PosDiscount::ofPercent(500)));
    }

    void cashTendered_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("total");
        QTest::addColumn<qint64>("tendered");  // -1: refused
        QTest::addRow("exact") << u"187.50"_s << qint64(18750) << qint64(18750);
        QTest::addRow("a 200 note") << u"200"_s << qint64(18750) << qint64(20000);
        QTest::addRow("a 100 note for 0.99") << u"100"_s << qint64(99) << qint64(10000);
        QTest::addRow("less than total") << u"187.49"_s << qint64(18750) << qint64(-1);
        QTest::addRow("negative") << u"-200"_s << qint64(18750) << qint64(-1);
        QTest::addRow("garbage") << u"two hundred"_s << qint64(18750) << qint64(-1);
        QTest::addRow("empty") << QString() << qint64(18750) << qint64(-1);
        QTest::addRow("slipped decimal point") << u"20000"_s << qint64(18750) << qint64(-1);
        QTest::addRow("overflow") << u"92233720368547758.07"_s << qint64(18750) << qint64(-1);
        QTest::addRow("too many decimals") << u"200.001"_s << qint64(18750) << qint64(-1);
    }
    void cashTendered()
    {
        QFETCH(QString, text);
        QFETCH(qint64, total);
        QFETCH(qint64, tendered);
        auto got = checkCashTendered(text, usd(total));
        if (tendered < 0) {
            QVERIFY(!got);
            QVERIFY(!got.error().message.isEmpty());
        } else {
            QVERIFY2(got, qPrintable(got ? QString() : got.error().message));
            QCOMPARE(got->minor(), tendered);
            QCOMPARE(cashChange(*got, usd(total)).minor(), tendered - total);
        }
    }
};

QTEST_GUILESS_MAIN(TestPosCart)
#include "tst_poscart.moc"

// Sales tax in the database: the rule of module tax.sql gives the domain's answer on every case
// of the shared table; a counter sale stores and charges the tax of the shop's rates (or
// extracts it when prices include it, or charges nothing extra without rates); the tax
// settings store loads the signed-in shop's rates and only an administrator (second factor
// verified) saves them, audited, with bad input refused in a sentence and nothing changed.
// Everything under test runs as the real logins.
#include "data/pgorderbook.h"
#include "data/pgtaxsettings.h"
#include "domain/poscart.h"
#include "domain/tax.h"
#include "tests/pos/data/posfixture.h"
#include "tests/tax/taxcases.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test::pos;
using rdk::test::Login;

Q_DECLARE_METATYPE(rdk::test::TaxCase)

namespace {

std::string bigintArray(const QList<qint64> &values)
{
    QStringList parts;
    for (qint64 v : values)
        parts.append(QString::number(v));
    return "'{" + parts.join(u',').toStdString() + "}'::bigint[]";
}

TaxSettings nyRates(bool inclusive = false)
{
    return TaxSettings{inclusive, {{u"NY State"_s, 40000, true}, {u"NYC"_s, 48750, true}, {u"Old rate"_s, 10000, false}}};
}

} // namespace

class TestTaxDb final : public QObject {
    Q_OBJECT

    PosFixture f;
    // One second-factor-verified admin session per test: a TOTP code is taken once per step.
    std::unique_ptr<data::PgSession> m_admin;

    data::PgSession &adminSession()
    {
        if (!m_admin)
            m_admin = f.session(f.admin);
        return *m_admin;
    }
    Status saveAs(const Login &login, const TaxSettings &settings, bool verify = true)
    {
        if (login.login == f.admin.login && verify)
            return data::PgTaxSettings(adminSession()).save(settings);
        auto session = f.session(login, verify);
        if (!session)
            return Error::unavailable(u"no session"_s);
        data::PgTaxSettings store(std::move(session));
        return store.save(settings);
    }
    Result<PosOrderState> sellAs(const Login &login, const PosSaleRequest &sale)
    {
        auto session = f.session(login);
        if (!session)
            return Error::unavailable(u"no session"_s);
        data::PgPos pos(std::move(session));
        return pos.placeSale(sale);
    }

private Q_SLOTS:
    void init()
    {
        QString error;
        if (!f.setUp(&error))
            QFAIL(qPrintable(error));
    }
    void cleanup()
    {
        m_admin.reset();
        f.db.reset();
    }

    void taxSplit_databaseRule_sameAsDomain_data()
    {
        QTest::addColumn<rdk::test::TaxCase>("c");
        for (const auto &c : rdk::test::taxCases())
            QTest::addRow("%s", qPrintable(c.name)) << c;
    }
    void taxSplit_databaseRule_sameAsDomain()
    {
        QFETCH(rdk::test::TaxCase, c);
        auto domain = splitTax(c.nets, c.orderDiscount, c.ratesPpm, c.inclusive);
        QVERIFY(domain.ok());
        pqxx::connection conn(f.db->ownerUrl());
        pqxx::work tx(conn);
        const auto rows = tx.exec("SELECT line_no, share_minor, rate_no, tax_minor FROM rdk.tax_split("
                                  + bigintArray(c.nets) + ", " + std::to_string(c.orderDiscount) + ", "
                                  + bigintArray(c.ratesPpm) + ", " + (c.inclusive ? "true" : "false") + ")");
        QList<qint64> flat;
        qint64 total = 0;
        for (const auto &r : rows) {
            const int line = r[0].as<int>() - 1;
            QCOMPARE(r[1].as<qint64>(), domain->shares.at(line));
            QCOMPARE(r[3].as<qint64>(), domain->lineRateTax.at(line).at(r[2].as<int>() - 1));
            flat.append(r[3].as<qint64>());
            total += r[3].as<qint64>();
        }
        QCOMPARE(flat, c.lineRateTax);
        QCOMPARE(total, domain->total);
        QCOMPARE(total, c.total);
    }

    void placeSale_shopWithoutRates_totalsAsBefore()
    {
        auto order = sellAs(f.staff, saleOf({{u"POS-FLAT"_s, QString(), 2, Money()}}));
        QVERIFY2(order.ok(), order ? "" : qPrintable(order.error().message));
        QCOMPARE(order->totals.total, usd(10000));
        QCOMPARE(order->totals.tax, usd(0));
        QVERIFY(order->totals.taxes.isEmpty());
        QVERIFY(!order->totals.taxIncluded);
        QCOMPARE(f.count("SELECT count(*) FROM order_taxes"), 0);
        QCOMPARE(f.scalar("SELECT amount_minor FROM stripe_requests WHERE order_id = $1::uuid AND kind = 'payment_link'",
                          order->orderId), u"10000"_s);
    }

    void placeSale_exclusiveRates_chargesWhatTheCartShowed()
    {
        QVERIFY(saveAs(f.admin, nyRates()).ok());
        // The cart as the counter builds it, with a line and a cart discount, and the tax it shows.
        PosCart cart(u"USD"_s, StaffRole::Ops);
        cart.setTaxSettings(nyRates());
        SellableProduct flat{f.a.flatProductId, u"POS-FLAT"_s, u"Lace kit"_s, u"Kickz"_s, u"White"_s, usd(5000),
                             InventoryStrategy::Flat, {{QString(), 3}}};
        SellableProduct run{f.a.runProductId, u"POS-RUN"_s, u"Air Runner"_s, u"Nike"_s, u"Black/Red"_s, usd(12000),
                            InventoryStrategy::PerSize, {{u"9"_s, 2}}};
        QVERIFY(cart.add(flat, QString(), 3).ok());
        QVERIFY(cart.add(run, u"9"_s, 1).ok());
        QVERIFY(cart.setLineDiscount(0, PosDiscount::ofAmount(usd(333))).ok());
        QVERIFY(cart.setCartDiscount(PosDiscount::ofPercent(1250)).ok());
        QVERIFY(cart.setDiscountReason(u"Regular"_s).ok());
        auto shown = cart.totals();
        QVERIFY(shown.ok());
        QVERIFY(!shown->tax.isZero());

        auto request = cart.toSaleRequest();
        QVERIFY(request.ok());
        auto order = sellAs(f.ops, *request);
        QVERIFY2(order.ok(), order ? "" : qPrintable(order.error().message));
        QCOMPARE(order->totals.tax, shown->tax);
        QCOMPARE(order->totals.total, shown->total);
        QCOMPARE(order->totals.taxes.size(), 2);   // the inactive rate is not charged
        for (int k = 0; k < 2; ++k) {
            QCOMPARE(order->totals.taxes.at(k).name, shown->taxes.at(k).name);
            QCOMPARE(order->totals.taxes.at(k).ppm, shown->taxes.at(k).ppm);
            QCOMPARE(order->totals.taxes.at(k).amount, shown->taxes.at(k).amount);
        }
        qint64 lines = 0;
        for (const OrderLine &l : order->lines)
            lines += l.tax.minor();
        QCOMPARE(lines, order->totals.tax.minor());
        // The payment link asks the buyer for the total with tax.
        QCOMPARE(f.scalar("SELECT amount_minor FROM stripe_requests WHERE order_id = $1::uuid AND kind = 'payment_link'",
                          order->orderId), QString::number(shown->total.minor()));
    }

    void placeSale_pricesIncludeTax_taxExtractedTotalUnchanged()
    {
        QVERIFY(saveAs(f.admin, TaxSettings{true, {{u"VAT"_s, 200000, true}}}).ok());
        auto order = sellAs(f.staff, saleOf({{u"POS-RUN"_s, u"9"_s, 1, Money()}}));
        QVERIFY2(order.ok(), order ? "" : qPrintable(order.error().message));
        QCOMPARE(order->totals.total, usd(12000));
        QCOMPARE(order->totals.tax, usd(2000));
        QVERIFY(order->totals.taxIncluded);
        QCOMPARE(order->totals.taxes.size(), 1);
        QCOMPARE(order->totals.taxes.first().amount, usd(2000));
    }

    void placeSale_extraTaxKeyInLines_ignoredDatabaseComputes()
    {
        QVERIFY(saveAs(f.admin, TaxSettings{false, {{u"Sales tax"_s, 100000, true}}}).ok());
        auto conn = f.connect(f.staff);
        const QString id = f.as(*conn, "SELECT rdk.pos_place_sale('[{\"sku\":\"POS-FLAT\",\"quantity\":1,\"tax_minor\":0}]'::jsonb, 0, NULL, 15)");
        QVERIFY2(!id.startsWith(u"ERROR"_s), qPrintable(id));
        QCOMPARE(f.scalar("SELECT tax_minor || '/' || total_minor FROM orders WHERE id = $1::uuid", id), u"500/5500"_s);
    }

    void taxDaily_paidSalesOfTheShopOnly()
    {
        QVERIFY(saveAs(f.admin, TaxSettings{false, {{u"Sales tax"_s, 88750, true}}}).ok());
        auto placed = sellAs(f.ops, saleOf({{u"POS-FLAT"_s, QString(), 1, Money()}}));
        QVERIFY2(placed.ok(), placed ? "" : qPrintable(placed.error().message));
        QCOMPARE(placed->totals.tax, usd(444));   // 50.00 x 8.875 % = 4.4375
        auto staff = f.connect(f.staff);
        QCOMPARE(f.as(*staff, "SELECT count(*) FROM tax_daily"), u"0"_s);   // pending: not a sale yet
        auto session = f.session(f.ops);
        QVERIFY(session);
        QVERIFY(!f.openDrawer(*session, 10000).startsWith(u"ERROR"_s));   // cash goes into an open drawer
        auto paid = data::PgPos(std::move(session)).recordCashPayment(placed->orderId, usd(6000));
        QVERIFY2(paid.ok(), paid ? "" : qPrintable(paid.error().message));
        QCOMPARE(f.as(*staff, "SELECT day = (now() AT TIME ZONE 'UTC')::date AND channel = 'pos' AND orders = 1 "
                              "AND tax_minor = 444 AND total_minor = 5444 FROM tax_daily"), u"t"_s);
        auto other = f.connect(f.staffB);
        QCOMPARE(f.as(*other, "SELECT count(*) FROM tax_daily"), u"0"_s);
        auto service = f.connect(f.service);
        QVERIFY(f.as(*service, "SELECT count(*) FROM tax_daily").startsWith(u"ERROR 42501"_s));
    }

    void ordersScreen_detailAndListCarryTheTaxAsCharged()
    {
        QVERIFY(saveAs(f.admin, nyRates()).ok());
        auto placed = sellAs(f.staff, saleOf({{u"POS-RUN"_s, u"9"_s, 1, Money()}}));
        QVERIFY2(placed.ok(), placed ? "" : qPrintable(placed.error().message));
        // The admin changes the rates afterwards: the order keeps what it was charged.
        QVERIFY(saveAs(f.admin, TaxSettings{false, {{u"Flat"_s, 10000, true}}}).ok());
        auto session = f.session(f.staff);
        QVERIFY(session);
        data::PgOrderBook book(std::move(session));
        auto detail = book.detail(placed->orderId);
        QVERIFY2(detail.ok(), detail ? "" : qPrintable(detail.error().message));
        QCOMPARE(detail->totals.tax, usd(480 + 585));   // 120.00 x 4 % and x 4.875 %
        QCOMPARE(detail->totals.taxes.size(), 2);
        QCOMPARE(detail->totals.taxes.at(1).name, u"NYC"_s);
        QCOMPARE(detail->totals.taxes.at(1).ppm, qint64(48750));
        QCOMPARE(detail->totals.taxes.at(1).amount, usd(585));
        QCOMPARE(detail->lines.first().line.tax, usd(1065));
        QCOMPARE(detail->summary.tax, usd(1065));
        auto page = book.list(OrderQuery{});
        QVERIFY(page.ok());
        QCOMPARE(page->items.size(), 1);
        QCOMPARE(page->items.first().tax, usd(1065));
        QCOMPARE(page->items.first().total, usd(13065));
    }

    void load_signedInShopOnly()
    {
        QVERIFY(saveAs(f.admin, nyRates(true)).ok());
        auto mine = f.session(f.staff);
        QVERIFY(mine);
        auto own = data::PgTaxSettings(std::move(mine)).load();
        QVERIFY(own.ok());
        QCOMPARE(*own, nyRates(true));
        auto other = f.session(f.staffB);
        QVERIFY(other);
        auto theirs = data::PgTaxSettings(std::move(other)).load();
        QVERIFY(theirs.ok());
        QVERIFY(theirs->rates.isEmpty());
        QVERIFY(!theirs->pricesIncludeTax);
    }

    void save_byStaffOrOps_refusedNothingChanged_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addRow("staff") << u"staff"_s;
        QTest::addRow("ops") << u"ops"_s;
    }
    void save_byStaffOrOps_refusedNothingChanged()
    {
        QFETCH(QString, who);
        QVERIFY(saveAs(f.admin, nyRates()).ok());   // positive control: the admin can
        const Login &login = who == u"staff"_s ? f.staff : f.ops;
        Status s = saveAs(login, TaxSettings{true, {}});
        POS_EXPECT_ERROR(s, ErrorCode::Forbidden);
        QCOMPARE(s.error().message, u"Only an administrator can change the shop's tax rates."_s);
        QCOMPARE(f.count("SELECT count(*) FROM tax_rates"), 3);
        QCOMPARE(f.scalar("SELECT prices_include_tax::text FROM tenants WHERE id = $1::uuid", f.a.tenantId), u"false"_s);
    }

    void save_adminWithoutSecondFactor_refused()
    {
        Status s = saveAs(f.admin, nyRates(), false);
        POS_EXPECT_ERROR(s, ErrorCode::Forbidden);
        QCOMPARE(s.error().message, u"Enter your two-factor code first."_s);
        QCOMPARE(f.count("SELECT count(*) FROM tax_rates"), 0);
    }

    void save_admin_auditedWithBeforeAndAfter()
    {
        QVERIFY(saveAs(f.admin, nyRates()).ok());
        QVERIFY(saveAs(f.admin, TaxSettings{true, {{u"NY State"_s, 40000, true}}}).ok());
        QCOMPARE(f.count("SELECT count(*) FROM audit_log WHERE entity = 'tax_rates'"), 2);
        QCOMPARE(f.scalar("SELECT after -> 'rates' -> 0 ->> 'rate_percent' FROM audit_log WHERE entity = 'tax_rates' "
                          "ORDER BY id DESC LIMIT 1"), u"4.0000"_s);
        QCOMPARE(f.scalar("SELECT jsonb_array_length(before -> 'rates') FROM audit_log WHERE entity = 'tax_rates' "
                          "ORDER BY id DESC LIMIT 1"), u"3"_s);
        QCOMPARE(f.count("SELECT count(*) FROM audit_log WHERE entity = 'tenant' AND after ? 'prices_include_tax'"), 1);
        // Saving the same again changes nothing and writes nothing.
        QVERIFY(saveAs(f.admin, TaxSettings{true, {{u"NY State"_s, 40000, true}}}).ok());
        QCOMPARE(f.count("SELECT count(*) FROM audit_log WHERE entity IN ('tax_rates', 'tenant')"), 3);
    }

    void setTaxSettings_badInput_sentenceNothingChanged_data()
    {
        QTest::addColumn<QString>("rates");
        QTest::addColumn<QString>("message");
        QTest::addRow("not a list") << u"{}"_s << u"The tax rates must be a list."_s;
        QTest::addRow("rate as a number") << u"[{\"name\":\"A\",\"rate_percent\":8.875}]"_s << u"Tax rate 1 is malformed."_s;
        QTest::addRow("above 100") << u"[{\"name\":\"A\",\"rate_percent\":\"100.5\"}]"_s
                                   << u"The rate of A must be a percentage from 0 to 100 with at most four decimals."_s;
        QTest::addRow("negative") << u"[{\"name\":\"A\",\"rate_percent\":\"-1\"}]"_s
                                  << u"The rate of A must be a percentage from 0 to 100 with at most four decimals."_s;
        QTest::addRow("five decimals") << u"[{\"name\":\"A\",\"rate_percent\":\"1.00001\"}]"_s
                                       << u"The rate of A must be a percentage from 0 to 100 with at most four decimals."_s;
        QTest::addRow("empty name") << u"[{\"name\":\" \",\"rate_percent\":\"5\"}]"_s
                                    << u"Tax rate 1 needs a name of 1 to 40 characters."_s;
        QTest::addRow("same name twice") << u"[{\"name\":\"NYC\",\"rate_percent\":\"5\"},{\"name\":\"nyc\",\"rate_percent\":\"1\"}]"_s
                                         << u"Two tax rates are named nyc."_s;
        QStringList eleven;
        for (int i = 0; i < 11; ++i)
            eleven.append(u"{\"name\":\"R%1\",\"rate_percent\":\"1\"}"_s.arg(i));
        QTest::addRow("eleven rates") << u"["_s + eleven.join(u',') + u"]"_s << u"A shop can have at most 10 tax rates."_s;
    }
    void setTaxSettings_badInput_sentenceNothingChanged()
    {
        QFETCH(QString, rates);
        QFETCH(QString, message);
        QVERIFY(saveAs(f.admin, nyRates()).ok());
        pqxx::connection *conn = &adminSession().connection();
        const QString out = f.as(*conn, "SELECT rdk.set_tax_settings(true, " + lit(rates) + "::jsonb)");
        QCOMPARE(out, u"ERROR 22023: "_s + message);
        QCOMPARE(f.count("SELECT count(*) FROM tax_rates"), 3);
        QCOMPARE(f.scalar("SELECT prices_include_tax::text FROM tenants WHERE id = $1::uuid", f.a.tenantId), u"false"_s);
        // Positive control on the same connection: a good list is taken.
        QCOMPARE(f.as(*conn, "SELECT rdk.set_tax_settings(true, '[{\"name\":\"VAT\",\"rate_percent\":\"20\"}]'::jsonb)"),
                 QString());
        QCOMPARE(f.count("SELECT count(*) FROM tax_rates"), 1);
    }
};

QTEST_GUILESS_MAIN(TestTaxDb)
#include "tst_tax_db.moc"

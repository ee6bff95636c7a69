// Aggregates of migration 0006 against a real PostgreSQL: they must equal a direct computation
// from raw rows (done here in C++ with Qt's time zones, independent of the SQL), across a shop
// day boundary and the 2026 DST change in New York; rebuild finds and fixes broken rows; tenant
// isolation through the dashboard queries and through RLS; concurrent payments on one day row.
#include "data/pgdashboard.h"
#include "tests/dashboard/dashboardfixture.h"

#include <QElapsedTimer>
#include <QMap>
#include <QProcess>
#include <QSet>
#include <QTimeZone>

#include <atomic>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

namespace {

using Row = QList<qint64>;
using Table = QMap<QString, Row>;

void dropZeroRows(Table &t)
{
    for (auto it = t.begin(); it != t.end();) {
        bool zero = true;
        for (qint64 v : it.value())
            zero = zero && v == 0;
        it = zero ? t.erase(it) : std::next(it);
    }
}

QString dump(const Table &t)
{
    QStringList lines;
    for (auto it = t.cbegin(); it != t.cend(); ++it) {
        QStringList v;
        for (qint64 x : it.value())
            v.append(QString::number(x));
        lines.append(it.key() + u" = "_s + v.join(u' '));
    }
    return lines.join(u'\n');
}

} // namespace

class TestDashboardAggregates final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<test::DashboardFixture> m_fx;
    test::Login m_service;
    QString m_shop;
    QString m_other;
    QHash<QString, QString> m_orders;

    std::unique_ptr<pqxx::connection> service()
    {
        return std::make_unique<pqxx::connection>(m_db->urlFor(m_service.login, m_service.password));
    }

    /// The figures straight from raw rows, computed here (Qt time zones, C++ arithmetic).
    struct Expected {
        Table sales, products, brands, sizes, visits, productMonths;
    };
    Expected expectedFromRaw(const QString &tenant)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        const QTimeZone zone(tx.exec_params1("SELECT timezone FROM tenants WHERE id = $1::uuid", tenant.toStdString())[0]
                                 .as<std::string>().c_str());
        auto dayOf = [&](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toTimeZone(zone).date().toString(Qt::ISODate); };
        Expected e;
        QHash<QString, std::pair<QString, QString>> counted;  // order -> (day, status)
        const auto orders = tx.exec_params(
            "SELECT id::text, status, channel, (extract(epoch FROM coalesce(paid_at, created_at)) * 1000)::bigint, total_minor, refunded_minor "
            "FROM orders WHERE tenant_id = $1::uuid", tenant.toStdString());
        const QSet<QString> countedStatuses{u"paid"_s, u"shipped"_s, u"fulfilled"_s, u"partially_refunded"_s, u"refunded"_s};
        for (const auto &o : orders) {
            const QString status = QString::fromStdString(o[1].as<std::string>());
            if (!countedStatuses.contains(status))
                continue;
            const QString day = dayOf(o[3].as<qint64>());
            counted.insert(QString::fromStdString(o[0].as<std::string>()), {day, status});
            Row &r = e.sales[day + u' ' + QString::fromStdString(o[2].as<std::string>())];
            r.resize(5);
            r[0] += 1;
            r[1] += o[4].as<qint64>();
            r[2] += o[5].as<qint64>();
            r[3] += o[5].as<qint64>() > 0 ? 1 : 0;
        }
        const auto items = tx.exec_params(
            "SELECT i.order_id::text, i.product_id::text, coalesce(i.size, ''), i.quantity, i.refunded_quantity, i.line_total_minor, "
            "p.brand, o.channel FROM order_items i JOIN products p ON p.id = i.product_id JOIN orders o ON o.id = i.order_id "
            "WHERE i.tenant_id = $1::uuid", tenant.toStdString());
        for (const auto &i : items) {
            const auto it = counted.constFind(QString::fromStdString(i[0].as<std::string>()));
            if (it == counted.cend())
                continue;
            const auto &[day, status] = *it;
            const qint64 qty = i[3].as<qint64>(), refundedQty = i[4].as<qint64>(), line = i[5].as<qint64>();
            e.sales[day + u' ' + QString::fromStdString(i[7].as<std::string>())][4] += qty;
            const qint64 units = status == u"refunded"_s ? 0 : qty - refundedQty;
            const qint64 revenue = status == u"refunded"_s ? 0 : line * (qty - refundedQty) / qty;
            for (auto [table, key] : {std::pair{&e.products, QString::fromStdString(i[1].as<std::string>())},
                                      std::pair{&e.brands, QString::fromStdString(i[6].as<std::string>())},
                                      std::pair{&e.sizes, QString::fromStdString(i[2].as<std::string>())}}) {
                Row &r = (*table)[day + u' ' + key];
                r.resize(2);
                r[0] += units;
                r[1] += revenue;
            }
        }
        QHash<QString, QSet<QByteArray>> seen;
        const auto views = tx.exec_params("SELECT (extract(epoch FROM viewed_at) * 1000)::bigint, visitor_hash FROM page_views "
                                          "WHERE tenant_id = $1::uuid", tenant.toStdString());
        for (const auto &v : views) {
            const QString day = dayOf(v[0].as<qint64>());
            Row &r = e.visits[day];
            r.resize(2);
            r[0] += 1;
            seen[day].insert(QByteArray::fromStdString(v[1].as<std::string>()));
        }
        for (auto it = seen.cbegin(); it != seen.cend(); ++it)
            e.visits[it.key()][1] = it.value().size();
        for (auto it = e.products.cbegin(); it != e.products.cend(); ++it) {
            // "YYYY-MM-DD product" -> "YYYY-MM-01 product"
            Row &r = e.productMonths[it.key().left(8) + u"01"_s + it.key().mid(10)];
            r.resize(2);
            r[0] += it.value()[0];
            r[1] += it.value()[1];
        }
        for (Table *t : {&e.sales, &e.products, &e.brands, &e.sizes, &e.visits, &e.productMonths})
            dropZeroRows(*t);
        return e;
    }

    Expected aggregates(const QString &tenant)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        Expected a;
        auto load = [&](Table &t, const std::string &sql) {
            for (const auto &r : tx.exec_params(sql, tenant.toStdString())) {
                Row row;
                for (pqxx::row::size_type i = 1; i < r.size(); ++i)
                    row.append(r[i].as<qint64>());
                t.insert(QString::fromStdString(r[0].as<std::string>()), row);
            }
            dropZeroRows(t);
        };
        load(a.sales, "SELECT day::text || ' ' || channel, sum(orders), sum(gross_minor), sum(refunded_minor), sum(refunded_orders), "
                      "sum(units) FROM sales_daily WHERE tenant_id = $1::uuid GROUP BY day, channel");
        load(a.products, "SELECT day::text || ' ' || product_id, sum(units), sum(revenue_minor) FROM product_sales_daily "
                         "WHERE tenant_id = $1::uuid GROUP BY day, product_id");
        load(a.productMonths, "SELECT month::text || ' ' || product_id, sum(units), sum(revenue_minor) FROM product_sales_monthly "
                              "WHERE tenant_id = $1::uuid GROUP BY month, product_id");
        load(a.brands, "SELECT day::text || ' ' || brand, sum(units), sum(revenue_minor) FROM brand_sales_daily "
                       "WHERE tenant_id = $1::uuid GROUP BY day, brand");
        load(a.sizes, "SELECT day::text || ' ' || size, sum(units), sum(revenue_minor) FROM size_sales_daily "
                      "WHERE tenant_id = $1::uuid GROUP BY day, size");
        load(a.visits, "SELECT day::text, sum(page_views), sum(visitors) FROM visits_daily WHERE tenant_id = $1::uuid GROUP BY day");
        return a;
    }

    void verifyMatchesRaw(const QString &tenant)
    {
        const Expected e = expectedFromRaw(tenant);
        const Expected a = aggregates(tenant);
        QCOMPARE(dump(a.sales), dump(e.sales));
        QCOMPARE(dump(a.products), dump(e.products));
        QCOMPARE(dump(a.brands), dump(e.brands));
        QCOMPARE(dump(a.sizes), dump(e.sizes));
        QCOMPARE(dump(a.visits), dump(e.visits));
        QCOMPARE(dump(a.productMonths), dump(e.productMonths));
    }

    /// The known mix around the DST change. Times are UTC; New York was UTC-5 until
    /// 2026-03-08 07:00Z and UTC-4 after.
    void buildMix(const QString &tenant, const QString &prefix)
    {
        const QString p1 = m_fx->addProduct(tenant, prefix + u"-P1"_s, u"Nike"_s, true);
        const QString p2 = m_fx->addProduct(tenant, prefix + u"-P2"_s, u"Adidas"_s, false);
        using L = test::DashboardFixture::Line;
        auto order = [&](const QString &key, const QString &channel, const QString &at, const QList<L> &lines) {
            m_orders.insert(prefix + key, m_fx->placeOrder(tenant, channel, at, lines));
        };
        // 23:30 EST on Saturday 03-07: the shop's Saturday, although it is already Sunday in UTC.
        order(u"o1"_s, u"online"_s, u"2026-03-08 04:00Z"_s, {{p1, u"10"_s, 2, 10000}});
        m_fx->pay(tenant, m_orders[prefix + u"o1"_s], u"2026-03-08 04:30Z"_s);
        // 00:30 EST on Sunday 03-08.
        order(u"o2"_s, u"pos"_s, u"2026-03-08 05:29Z"_s, {{p2, {}, 1, 5000}});
        m_fx->pay(tenant, m_orders[prefix + u"o2"_s], u"2026-03-08 05:30Z"_s);
        // 00:30 EDT on Monday 03-09 (with the winter offset it would still be Sunday).
        order(u"o3"_s, u"online"_s, u"2026-03-09 04:20Z"_s, {{p1, u"9"_s, 1, 10000}, {p2, {}, 2, 5000}});
        m_fx->pay(tenant, m_orders[prefix + u"o3"_s], u"2026-03-09 04:30Z"_s);
        // Paid, then partly refunded twice, then fully: counts on its sale day with all refunded.
        order(u"o4"_s, u"online"_s, u"2026-03-09 15:00Z"_s, {{p1, u"11"_s, 1, 12000}});
        m_fx->pay(tenant, m_orders[prefix + u"o4"_s], u"2026-03-09 15:01Z"_s);
        m_fx->setStatus(tenant, m_orders[prefix + u"o4"_s], u"partially_refunded"_s, 2000);
        m_fx->setStatus(tenant, m_orders[prefix + u"o4"_s], u"partially_refunded"_s, 5000);
        // Paid and partly refunded (stays).
        order(u"o5"_s, u"pos"_s, u"2026-03-08 18:00Z"_s, {{p1, u"9"_s, 3, 9000}});
        m_fx->pay(tenant, m_orders[prefix + u"o5"_s], u"2026-03-08 18:00Z"_s);
        m_fx->setStatus(tenant, m_orders[prefix + u"o5"_s], u"partially_refunded"_s, 9000);
        // Paid, then fully refunded.
        order(u"o6"_s, u"online"_s, u"2026-03-08 20:00Z"_s, {{p2, {}, 1, 5000}});
        m_fx->pay(tenant, m_orders[prefix + u"o6"_s], u"2026-03-08 20:05Z"_s);
        m_fx->setStatus(tenant, m_orders[prefix + u"o6"_s], u"refunded"_s, 5995);
        // Never paid: canceled, and still pending.
        order(u"o7"_s, u"online"_s, u"2026-03-08 21:00Z"_s, {{p1, u"10"_s, 1, 10000}});
        m_fx->setStatus(tenant, m_orders[prefix + u"o7"_s], u"canceled"_s);
        order(u"o8"_s, u"pos"_s, u"2026-03-09 21:00Z"_s, {{p2, {}, 1, 5000}});
        // Shipped and fulfilled orders still count.
        order(u"o9"_s, u"online"_s, u"2026-03-07 16:00Z"_s, {{p1, u"10"_s, 1, 10000}});
        m_fx->pay(tenant, m_orders[prefix + u"o9"_s], u"2026-03-07 16:00Z"_s);
        m_fx->setStatus(tenant, m_orders[prefix + u"o9"_s], u"shipped"_s);
        // An item refund (one of three units), which only the owner can record today.
        m_db->execOwner("UPDATE order_items SET refunded_quantity = 1 WHERE order_id = '" + m_orders[prefix + u"o5"_s].toStdString() + "'");
        // Visits: visitor 1 at 23:59 EST and 00:01 EST (two shop days), visitor 2 three times on
        // Monday, visitor 3 once; several in one statement.
        m_fx->views(tenant, {{u"2026-03-08 04:59Z"_s, u"1"_s}, {u"2026-03-08 05:01Z"_s, u"1"_s}});
        m_fx->views(tenant, {{u"2026-03-09 04:10Z"_s, u"2"_s}, {u"2026-03-09 12:00Z"_s, u"2"_s}, {u"2026-03-09 13:00Z"_s, u"3"_s}});
        m_fx->views(tenant, {{u"2026-03-09 20:00Z"_s, u"2"_s}});
    }

    qint64 ownerScalar(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<qint64>();
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_fx = std::make_unique<test::DashboardFixture>(*m_db);
        m_shop = m_fx->createShop(u"ny-shop"_s);
        m_service = m_db->createServiceLogin(m_shop);
        m_other = m_fx->createShop(u"la-shop"_s, u"America/Los_Angeles"_s);
        m_orders.clear();
        buildMix(m_shop, u"NY"_s);
        buildMix(m_other, u"LA"_s);
    }

    void cleanup()
    {
        m_fx.reset();
        m_db.reset();
    }

    void mixOfPaidRefundedCanceled_equalsRawComputation()
    {
        verifyMatchesRaw(m_shop);
        verifyMatchesRaw(m_other);
    }

    void shopDays_followTheTimeZoneAcrossDst()
    {
        // Hand-computed: o9 (03-07 11:00 EST) and o1 (03-07 23:30 EST) are Saturday's online sales.
        QCOMPARE(ownerScalar("SELECT sum(orders) FROM sales_daily s JOIN tenants t ON t.id = s.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-07' AND channel = 'online'"), qint64(2));
        QCOMPARE(ownerScalar("SELECT sum(gross_minor) FROM sales_daily s JOIN tenants t ON t.id = s.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-07' AND channel = 'online'"), qint64(20995 + 10995));
        // o3 at 04:30Z on 03-09 is 00:30 EDT Monday: the summer offset applies after the change.
        QCOMPARE(ownerScalar("SELECT sum(orders) FROM sales_daily s JOIN tenants t ON t.id = s.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-09' AND channel = 'online'"), qint64(2));
        // Visitor 1 is counted on both sides of midnight; visitor 2's three views are one visitor.
        QCOMPARE(ownerScalar("SELECT sum(visitors) FROM visits_daily v JOIN tenants t ON t.id = v.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-07'"), qint64(1));
        QCOMPARE(ownerScalar("SELECT sum(page_views) FROM visits_daily v JOIN tenants t ON t.id = v.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-09'"), qint64(4));
        QCOMPARE(ownerScalar("SELECT sum(visitors) FROM visits_daily v JOIN tenants t ON t.id = v.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-09'"), qint64(2));
    }

    void refundsAndCancels_changeTheRightDay()
    {
        // o5 (pos, Sunday): 3 units, one refunded; 9,000 of 27,000 refunded.
        QCOMPARE(ownerScalar("SELECT sum(refunded_minor) FROM sales_daily s JOIN tenants t ON t.id = s.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-08' AND channel = 'pos'"), qint64(9000));
        // Fully refunding o4 (Monday) moves all of its money to refunds, keeps it a paid order.
        m_fx->setStatus(m_shop, m_orders[u"NYo4"_s], u"refunded"_s, 12995);
        verifyMatchesRaw(m_shop);
        QCOMPARE(ownerScalar("SELECT sum(units) FROM brand_sales_daily b JOIN tenants t ON t.id = b.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-09' AND brand = 'Nike'"), qint64(1));
        // Paying the pending counter order and canceling nothing else keeps everything equal.
        m_fx->pay(m_shop, m_orders[u"NYo8"_s], u"2026-03-10 01:59Z"_s);  // 21:59 EDT Monday
        verifyMatchesRaw(m_shop);
        QCOMPARE(ownerScalar("SELECT sum(orders) FROM sales_daily s JOIN tenants t ON t.id = s.tenant_id "
                             "WHERE t.slug = 'ny-shop' AND day = '2026-03-09' AND channel = 'pos'"), qint64(1));
    }

    void illegalTransition_leavesAggregatesUntouched()
    {
        const Expected before = aggregates(m_shop);
        bool refused = false;
        try {
            m_fx->setStatus(m_shop, m_orders[u"NYo7"_s], u"paid"_s);  // canceled -> paid is illegal
        } catch (const std::exception &) {
            refused = true;
        }
        QVERIFY(refused);
        QCOMPARE(dump(aggregates(m_shop).sales), dump(before.sales));
    }

    void dashboardQueries_seeOnlyTheirShop_throughRls()
    {
        const test::Login staff = m_db->createStaff(m_shop, u"staff"_s);
        auto session = PgSession::open(m_db->urlFor(staff.login, staff.password));
        QVERIFY(session.ok());
        PgDashboardSource source(std::move(session).value());
        const DayRange days{QDate(2026, 3, 1), QDate(2026, 3, 31)};
        auto sales = source.sales(days);
        QVERIFY2(sales.ok(), qPrintable(sales.ok() ? QString() : sales.error().message));
        qint64 orders = 0;
        for (const DailySales &d : *sales)
            orders += d.orders;
        QCOMPARE(orders, qint64(7));  // NY's paid orders only (LA has 7 more)
        auto visits = source.visits(days);
        QVERIFY(visits.ok());
        qint64 views = 0;
        for (const DailyVisits &v : *visits)
            views += v.pageViews;
        QCOMPARE(views, qint64(6));
        auto brands = source.top(Dimension::Brand, RankMetric::Revenue, days, 10);
        QVERIFY(brands.ok());
        QCOMPARE(brands->size(), 2);
        // Top products from whole months (monthly table) and from days (daily table) agree.
        auto byMonth = source.top(Dimension::Product, RankMetric::Revenue, {QDate(2026, 2, 15), QDate(2026, 4, 10)}, 10);
        auto byDay = source.top(Dimension::Product, RankMetric::Revenue, {QDate(2026, 3, 6), QDate(2026, 3, 11)}, 10);
        QVERIFY(byMonth.ok() && byDay.ok());
        QCOMPARE(byMonth->size(), byDay->size());
        for (qsizetype i = 0; i < byDay->size(); ++i) {
            QCOMPARE(byMonth->at(i).key, byDay->at(i).key);
            QCOMPARE(byMonth->at(i).revenueMinor, byDay->at(i).revenueMinor);
            QCOMPARE(byMonth->at(i).units, byDay->at(i).units);
        }
        auto shop = source.shop();
        QVERIFY(shop.ok());
        QCOMPARE(shop->tenantId, m_shop);

        // Straight SQL with the staff member's own login: no other shop's rows, no writes.
        pqxx::connection c(m_db->urlFor(staff.login, staff.password));
        {
            pqxx::read_transaction tx(c);
            QCOMPARE(tx.exec_params1("SELECT count(*) FROM sales_daily WHERE tenant_id = $1::uuid", m_other.toStdString())[0].as<int>(), 0);
            QCOMPARE(tx.exec_params1("SELECT count(*) FROM visits_daily WHERE tenant_id = $1::uuid", m_other.toStdString())[0].as<int>(), 0);
            QVERIFY(tx.exec1("SELECT count(*) FROM sales_daily")[0].as<int>() > 0);
        }
        for (const char *sql : {"INSERT INTO sales_daily (tenant_id, day, channel) VALUES (rdk.current_tenant(), '2026-01-01', 'pos')",
                                "UPDATE sales_daily SET gross_minor = 0", "DELETE FROM visits_daily", "SELECT * FROM visitor_days"}) {
            bool refused = false;
            try {
                pqxx::work tx(c);
                tx.exec(sql);
                tx.commit();
            } catch (const std::exception &) {
                refused = true;
            }
            QVERIFY2(refused, sql);
        }
        // The service writes only through the triggers: it can't read or write the aggregates.
        auto s = service();
        for (const char *sql : {"SELECT count(*) FROM sales_daily", "INSERT INTO visits_daily (tenant_id, day) VALUES (rdk.current_tenant(), '2026-01-01')"}) {
            bool refused = false;
            try {
                pqxx::work tx(*s);
                tx.exec(sql);
                tx.commit();
            } catch (const std::exception &) {
                refused = true;
            }
            QVERIFY2(refused, sql);
        }
    }

    void rebuild_findsAndFixesBrokenAggregates()
    {
        m_db->execOwner("UPDATE sales_daily SET gross_minor = gross_minor + 7 WHERE (tenant_id, day, channel) = "
                        "('" + m_shop.toStdString() + "', '2026-03-08', 'pos')");
        m_db->execOwner("DELETE FROM brand_sales_daily WHERE tenant_id = '" + m_shop.toStdString() + "' AND brand = 'Adidas'");
        m_db->execOwner("INSERT INTO visits_daily (tenant_id, day, slot, page_views, visitors) VALUES ('" + m_shop.toStdString() +
                        "', '2025-12-25', 0, 40, 4)");
        const qint64 otherBefore = ownerScalar("SELECT sum(gross_minor) FROM sales_daily WHERE tenant_id = '" + m_other.toStdString() + "'");
        auto owner = PgSession::open(m_db->ownerUrl());
        QVERIFY(owner.ok());
        PgDashboardMaintenance maintenance(**owner);
        auto report = maintenance.rebuild(u"ny-shop"_s);
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        QStringList keys;
        for (const AggregateDifference &d : report->differences)
            keys.append(d.table + u' ' + d.key);
        QVERIFY2(keys.contains(u"sales_daily 2026-03-08 pos"_s), qPrintable(keys.join(u'\n')));
        QVERIFY2(keys.contains(u"visits_daily 2025-12-25"_s), qPrintable(keys.join(u'\n')));
        QVERIFY2(std::any_of(keys.cbegin(), keys.cend(), [](const QString &k) { return k.startsWith(u"item sales brand "_s) && k.endsWith(u"Adidas"_s); }),
                 qPrintable(keys.join(u'\n')));
        verifyMatchesRaw(m_shop);
        QCOMPARE(ownerScalar("SELECT sum(gross_minor) FROM sales_daily WHERE tenant_id = '" + m_other.toStdString() + "'"), otherBefore);
        auto again = maintenance.rebuild(u"ny-shop"_s);
        QVERIFY(again.ok());
        QCOMPARE(again->differences.size(), 0);
        auto unknown = maintenance.rebuild(u"no-such-shop"_s);
        QVERIFY(!unknown.ok());
        QCOMPARE(int(unknown.error().code), int(ErrorCode::NotFound));
    }

    void rebuildCommand_exitCodeSaysWhetherSomethingDiffered()
    {
        auto run = [&](const QStringList &args) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"DATABASE_URL"_s, QString::fromStdString(m_db->ownerUrl()));
            env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
            env.remove(u"RDK_TENANT"_s);
            p.setProcessEnvironment(env);
            p.start(QString::fromUtf8(RDK_ADMIN_BINARY), args);
            p.waitForFinished(120000);
            return std::pair{p.exitCode(), QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
        };
        QCOMPARE(run({u"aggregates"_s, u"rebuild"_s, u"--tenant"_s, u"ny-shop"_s}).first, 0);
        m_db->execOwner("UPDATE size_sales_daily SET units = units + 100 WHERE tenant_id = '" + m_shop.toStdString() + "' AND size = '9'");
        const auto broken = run({u"aggregates"_s, u"rebuild"_s, u"--tenant"_s, u"ny-shop"_s});
        QCOMPARE(broken.first, 2);
        QVERIFY2(broken.second.contains(u"DIFF item sales size 2026-03-08 9"_s), qPrintable(broken.second));
        QCOMPARE(run({u"aggregates"_s, u"rebuild"_s, u"--tenant"_s, u"ny-shop"_s}).first, 0);
        // Bad input: usage errors (64) or a clear failure (1); nothing changes.
        QCOMPARE(run({u"aggregates"_s, u"rebuild"_s}).first, 64);
        QCOMPARE(run({u"aggregates"_s, u"frobnicate"_s, u"--tenant"_s, u"ny-shop"_s}).first, 64);
        QCOMPARE(run({u"aggregates"_s, u"rebuild"_s, u"--tenant"_s, u"ny-shop"_s, u"--tenant"_s, u"x"_s}).first, 64);
        QCOMPARE(run({u"aggregates"_s, u"rebuild"_s, u"--tenant"_s, u"'; DROP TABLE orders; --"_s}).first, 1);
        const qint64 ordersBefore = ownerScalar("SELECT count(*) FROM orders");
        for (const QStringList &bad : QList<QStringList>{{u"--orders"_s, u"abc"_s}, {u"--orders"_s, u"-5"_s}, {u"--orders"_s, u"1e6"_s},
                                                         {u"--orders"_s, u"999999999999"_s}, {u"--views"_s, u"300000000"_s},
                                                         {u"--days"_s, u"0"_s}, {u"--bogus"_s, u"1"_s}, {u"--orders"_s}}) {
            const auto r = run(QStringList{u"seed-bulk"_s, u"--tenant"_s, u"ny-shop"_s} + bad);
            QVERIFY2(r.first == 64, qPrintable(bad.join(u' ') + u": "_s + r.second));
        }
        m_fx->createShop(u"empty-shop"_s);
        const qint64 productsBefore = ownerScalar("SELECT count(*) FROM products");
        const auto noProducts = run({u"seed-bulk"_s, u"--tenant"_s, u"empty-shop"_s, u"--products"_s, u"0"_s, u"--orders"_s, u"10"_s});
        QCOMPARE(noProducts.first, 1);
        QVERIFY2(noProducts.second.contains(u"no products"_s), qPrintable(noProducts.second));
        QCOMPARE(ownerScalar("SELECT count(*) FROM orders"), ordersBefore);
        QCOMPARE(ownerScalar("SELECT count(*) FROM products"), productsBefore);
    }

    void seedBulk_keepsAggregatesExact()
    {
        const QString bulk = m_fx->createShop(u"bulk-shop"_s, u"Europe/Berlin"_s);
        auto owner = PgSession::open(m_db->ownerUrl());
        QVERIFY(owner.ok());
        PgDashboardMaintenance maintenance(**owner);
        BulkSeedOptions options;
        options.products = 25;
        options.orders = 3000;
        options.views = 8000;
        options.days = 90;
        auto report = maintenance.seedBulk(u"bulk-shop"_s, options, {});
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        QCOMPARE(report->products, qint64(25));
        QVERIFY(std::abs(report->orders - 3000) < 100);
        QVERIFY(report->items >= report->orders);
        QVERIFY(std::abs(report->views - 8000) < 200);
        verifyMatchesRaw(bulk);
        // Realistic: some refunds and cancels, both channels, repeat visitors.
        QVERIFY(ownerScalar("SELECT count(*) FROM orders WHERE tenant_id = '" + bulk.toStdString() + "' AND status = 'canceled'") > 0);
        QVERIFY(ownerScalar("SELECT count(*) FROM orders WHERE tenant_id = '" + bulk.toStdString() + "' AND refunded_minor > 0") > 0);
        QVERIFY(ownerScalar("SELECT count(DISTINCT channel) FROM orders WHERE tenant_id = '" + bulk.toStdString() + "'") == 2);
        QVERIFY(ownerScalar("SELECT sum(visitors) FROM visits_daily WHERE tenant_id = '" + bulk.toStdString() + "'") < report->views / 2);
        // The triggers it turned off for itself are on again.
        QCOMPARE(ownerScalar("SELECT count(*) FROM pg_trigger WHERE tgname IN ('orders_notify', 'orders_1_keep_author') AND tgenabled = 'O'"),
                 qint64(2));
        auto again = maintenance.rebuild(u"bulk-shop"_s);
        QVERIFY(again.ok());
        QCOMPARE(again->differences.size(), 0);
        // Out-of-range options are refused before anything is written.
        options.orders = -1;
        QVERIFY(!maintenance.seedBulk(u"bulk-shop"_s, options, {}).ok());
    }

    void concurrentPayments_onOneDay_loseNothing()
    {
        constexpr int kThreads = 8;
        constexpr int kPerThread = 12;
        const QString product = m_fx->addProduct(m_shop, u"NY-HOT"_s, u"Jordan"_s, false, 500);
        QList<QString> pending;
        for (int i = 0; i < kThreads * kPerThread; ++i)
            pending.append(m_fx->placeOrder(m_shop, i % 2 ? u"online"_s : u"pos"_s, u"2026-03-10 15:00Z"_s,
                                            {{product, {}, 1, 7000}}));
        std::atomic<int> failures = 0;
        QElapsedTimer timer;
        timer.start();
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                try {
                    // As the owner: the payment time is chosen (no app login writes orders).
                    pqxx::connection c(m_db->ownerUrl());
                    for (int i = 0; i < kPerThread; ++i) {
                        pqxx::work tx(c);
                        tx.exec_params("UPDATE orders SET status = 'paid', paid_at = '2026-03-10 15:30Z' WHERE id = $1::uuid",
                                       pending[t * kPerThread + i].toStdString());
                        tx.commit();
                    }
                } catch (const std::exception &) {
                    ++failures;
                }
            });
        }
        for (auto &th : threads)
            th.join();
        const qint64 ms = timer.elapsed();
        qInfo("%d payments by %d concurrent connections on one shop day: %lld ms (%.0f payments/s)", kThreads * kPerThread,
              kThreads, static_cast<long long>(ms), ms > 0 ? 1000.0 * kThreads * kPerThread / double(ms) : 0.0);
        QCOMPARE(failures.load(), 0);
        verifyMatchesRaw(m_shop);
        QCOMPARE(ownerScalar("SELECT sum(orders) FROM sales_daily WHERE tenant_id = '" + m_shop.toStdString() + "' AND day = '2026-03-10'"),
                 qint64(kThreads * kPerThread));
    }
};

QTEST_GUILESS_MAIN(TestDashboardAggregates)
#include "tst_dashboard_aggregates.moc"

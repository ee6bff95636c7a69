// Orders screen queries over a large history: 100,000 orders (two items each) in one shop
// plus 20,000 in another, read as the desk's own logins. Prints p50/p95 per query shape and
// a note for any shape slower than a person would wait (p95 over 250 ms); fails only when a
// query fails (figures are never pass/fail: docs/PERFORMANCE.md).
// Run: ctest --test-dir build -R bench_orderlist --output-on-failure

#include "data/pgorderbook.h"
#include "data/pgsessionpqxx.h"
#include "tests/support/testdatabase.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class BenchOrderList final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<PgSession> m_staff, m_ops;
    int m_orders = 100000;

    void seed(const QString &tenant, int orders)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::work tx(c);
        tx.exec_params(
            "INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, refunded_minor, "
            "                    customer_email, needs_review, created_at) "
            "SELECT $1::uuid, CASE WHEN g % 3 = 0 THEN 'pos' ELSE 'online' END, "
            "       (ARRAY['paid','shipped','fulfilled','canceled','pending','refunded','partially_refunded'])[1 + g % 7], "
            "       'USD', 1000 + g % 50000, 1000 + g % 50000, CASE WHEN g % 7 = 5 THEN 1000 + g % 50000 ELSE 0 END, "
            "       'buyer' || g || '@example.com', g % 997 = 0, "
            "       timestamptz '2024-01-01 00:00Z' + g * interval '5 minutes' "
            "  FROM generate_series(1, $2) g",
            tenant.toStdString(), orders);
        tx.exec_params(
            "INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, "
            "                         line_total_minor) "
            "SELECT o.tenant_id, o.id, p.id, p.sku, p.name, '10', 1, o.total_minor / 2, o.total_minor / 2 "
            "  FROM orders o CROSS JOIN generate_series(1, 2) "
            "  JOIN LATERAL (SELECT id, sku, name FROM products WHERE tenant_id = o.tenant_id LIMIT 1) p ON true "
            " WHERE o.tenant_id = $1::uuid",
            tenant.toStdString());
        tx.commit();
    }

    void product(const QString &tenant)
    {
        m_db->execOwner("INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy) "
                        "VALUES ('" + tenant.toStdString() + "', 'BENCH-1', 'Bench shoe', 'Nike', 'new', 10000, 'USD', 'flat')");
    }

    template <typename F>
    QString timeIt(const char *label, int runs, F &&call)
    {
        QList<double> ms;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer t;
            t.start();
            if (!call())
                return u"%1 failed"_s.arg(QLatin1String(label));
            ms.append(t.nsecsElapsed() / 1e6);
        }
        std::sort(ms.begin(), ms.end());
        const double p50 = ms.at(ms.size() / 2), p95 = ms.at(int(ms.size() * 0.95));
        qInfo().noquote() << u"%1: p50 %2 ms, p95 %3 ms (%4 runs)"_s.arg(QLatin1String(label)).arg(p50, 0, 'f', 2)
                                 .arg(p95, 0, 'f', 2).arg(runs);
        if (p95 > 250)
            qWarning().noquote() << u"%1 is slow: p95 %2 ms"_s.arg(QLatin1String(label)).arg(p95);
        return QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        const QString shop = m_db->createTenant(u"bench-shop"_s);
        const QString other = m_db->createTenant(u"other-shop"_s);
        m_db->execOwner("UPDATE tenants SET timezone = 'America/New_York' WHERE slug = 'bench-shop'");
        product(shop);
        product(other);
        QElapsedTimer t;
        t.start();
        seed(shop, m_orders);
        seed(other, 20000);
        m_db->execOwner("ANALYZE orders; ANALYZE order_items; ANALYZE tenants");
        qInfo() << "seeded in" << t.elapsed() << "ms";
        const auto staff = m_db->createStaff(shop, u"staff"_s);
        const auto ops = m_db->createStaff(shop, u"ops"_s);
        m_staff = std::move(PgSession::open(m_db->urlFor(staff.login, staff.password))).value();
        m_ops = std::move(PgSession::open(m_db->urlFor(ops.login, ops.password))).value();
    }

    void cleanupTestCase()
    {
        m_staff.reset();
        m_ops.reset();
        m_db.reset();
    }

    void listAndTotals()
    {
        PgOrderBook staff(*m_staff), ops(*m_ops);
        QStringList failed;
        auto record = [&](const QString &problem) {
            if (!problem.isEmpty())
                failed.append(problem);
        };
        OrderQuery first;
        record(timeIt("first page (100), staff", 40, [&] { return staff.list(first).ok(); }));
        record(timeIt("first page (100), ops", 40, [&] { return ops.list(first).ok(); }));
        OrderQuery deep;
        deep.beforeOrderNumber = 1001 + m_orders / 10;  // 90% down the history
        record(timeIt("deep page (keyset)", 40, [&] { return staff.list(deep).ok(); }));
        OrderQuery status;
        status.status = OrderStatus::Shipped;
        record(timeIt("status shipped", 40, [&] { return staff.list(status).ok(); }));
        OrderQuery review;
        review.needsReviewOnly = true;
        record(timeIt("needs review (rare)", 40, [&] { return staff.list(review).ok(); }));
        OrderQuery day;
        day.from = QDate(2024, 6, 1);
        day.to = QDate(2024, 6, 1);
        record(timeIt("one shop day", 40, [&] { return staff.list(day).ok(); }));
        OrderQuery number;
        number.search = u"RDK-5000"_s;
        record(timeIt("search by number", 40, [&] { return staff.list(number).ok(); }));
        OrderQuery email;
        email.search = u"buyer4242@"_s;
        record(timeIt("search by email part", 20, [&] { return ops.list(email).ok(); }));
        record(timeIt("totals, whole history", 20, [&] { return staff.totals(first).ok(); }));
        record(timeIt("totals, one shop day", 40, [&] { return staff.totals(day).ok(); }));
        QVERIFY2(failed.isEmpty(), qPrintable(failed.join(u"; "_s)));
    }
};

QTEST_GUILESS_MAIN(BenchOrderList)
#include "bench_orderlist.moc"

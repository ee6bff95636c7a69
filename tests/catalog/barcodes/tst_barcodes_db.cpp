// Box barcodes in the database (migration 0015, module catalog.sql): who may set them, what the
// database refuses whoever writes (check digit, format, a second size with the same box), and
// that one shop's barcodes neither collide with nor show up in another's. Each refusal has a
// positive control for the same login. Statements run in transactions that are rolled back
// unless a test says otherwise.
#include "data/pglabelsource.h"
#include "data/pgrepositories.h"
#include "data/pgsession.h"
#include "tests/security/securitytest.h"

#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kUpc = "036000291452";        // a valid UPC-A
const char *const kSameAsEan = "0036000291452";  // the same box read as EAN-13
const char *const kEan = "4006381333931";       // a valid EAN-13

std::string setGtin(const char *gtin, const char *sku, const char *size)
{
    const QString value = gtin ? u"'%1'"_s.arg(QString::fromUtf8(gtin)) : u"NULL"_s;
    return u"UPDATE inventory i SET gtin = %1 FROM products p WHERE p.id = i.product_id AND p.sku = '%2' AND i.size = '%3'"_s
        .arg(value, QLatin1StringView(sku), QLatin1StringView(size))
        .toStdString();
}

} // namespace

class TestBarcodesDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_admin, m_service, m_opsB;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;

    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }

    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    void addProduct(const QString &tenant, const QString &sku)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + str(sku) +
              "', 'Runner', 'Nike', 'new', 10000, 'USD', 'per_size', 'mens', '{9,10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) "
              "SELECT tenant_id, id, s, 3 FROM p, unnest(ARRAY['9', '10']) AS s");
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"labels-a"_s);
        m_shopB = m_db->createTenant(u"labels-b"_s);
        addProduct(m_shopA, u"BOX-A1"_s);
        addProduct(m_shopA, u"BOX-A2"_s);
        addProduct(m_shopB, u"BOX-B1"_s);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_opsB = m_db->createStaff(m_shopB, u"ops"_s);
        for (const auto &[who, login] : {std::pair{u"staff"_s, m_staff}, {u"ops"_s, m_ops}, {u"admin"_s, m_admin},
                                         {u"service"_s, m_service}, {u"ops B"_s, m_opsB}})
            m_conn[who] = connectAs(*m_db, login);
    }

    void cleanupTestCase()
    {
        m_conn.clear();
        m_db.reset();
    }

    // Cashiers and the storefront read barcodes (to scan, to show) but never set them, whatever
    // role they SET; whoever counts stock (ops) labels it.
    void onlyStockCountersSetBarcodes_data()
    {
        QTest::addColumn<QString>("who");
        for (const char *who : {"staff", "service"})
            QTest::addRow("%s", who) << QString::fromLatin1(who);
    }

    void onlyStockCountersSetBarcodes()
    {
        QFETCH(QString, who);
        for (const QString &role : reachableRoles(as(who))) {
            const std::string setRole = setLocalRole(role);
            const Outcome o = tryExec(as(who), setRole + setGtin(kUpc, "BOX-A1", "9"));
            QVERIFY2(o.refused(), qPrintable(u"%1 as %2 set a barcode: %3"_s.arg(who, role, o.describe())));
            const Outcome insert = tryExec(as(who), setRole + "INSERT INTO inventory (tenant_id, product_id, size, quantity, gtin) "
                                                               "SELECT tenant_id, id, '11', 0, '" + kEan + "' FROM products LIMIT 1");
            QVERIFY2(insert.refused(), qPrintable(u"%1 as %2 inserted a barcode: %3"_s.arg(who, role, insert.describe())));
            // Positive control: the same login reads them.
            const Outcome read = tryExec(as(who), setRole + "SELECT count(gtin) FROM inventory", true);
            QVERIFY2(read.ok, qPrintable(read.describe()));
        }
        // Ops label stock; an admin too, once the session passed its second factor (like every
        // admin write; tst_attacks covers that rule).
        const Outcome ops = tryExec(as(u"ops"_s), setGtin(kUpc, "BOX-A1", "9"));
        QVERIFY2(ops.ok && ops.rows == 1, qPrintable(ops.describe()));
        const Outcome unverifiedAdmin = tryExec(as(u"admin"_s), setGtin(kUpc, "BOX-A1", "9"));
        QVERIFY2(unverifiedAdmin.refused(), qPrintable(unverifiedAdmin.describe()));
    }

    // Whoever writes (ops with psql included), the database keeps every barcode valid.
    void badBarcodes_areRefusedForEveryWriter_data()
    {
        QTest::addColumn<QString>("gtin");
        QTest::addColumn<QString>("constraint");
        QTest::addRow("wrong check digit") << u"036000291453"_s << u"inventory_gtin_check_digit"_s;
        QTest::addRow("digits swapped") << u"4006383133931"_s << u"inventory_gtin_check_digit"_s;
        QTest::addRow("8 digits") << u"96385074"_s << u"inventory_gtin_format"_s;
        QTest::addRow("14 digits") << u"10036000291459"_s << u"inventory_gtin_format"_s;
        QTest::addRow("letters") << u"03600029145X"_s << u"inventory_gtin_format"_s;
        QTest::addRow("padded") << u" 036000291452"_s << u"inventory_gtin_format"_s;
        QTest::addRow("empty") << u""_s << u"inventory_gtin_format"_s;
        QTest::addRow("Arabic-Indic digits") << u"٠٣٦٠٠٠٢٩١٤٥٢"_s << u"inventory_gtin_format"_s;
    }

    void badBarcodes_areRefusedForEveryWriter()
    {
        QFETCH(QString, gtin);
        QFETCH(QString, constraint);
        const std::string g = str(gtin);
        const Outcome o = tryExec(as(u"ops"_s), setGtin(g.c_str(), "BOX-A1", "9"));
        QVERIFY2(!o.ok && o.sqlstate == "23514" && o.message.contains(constraint), qPrintable(o.describe()));
        pqxx::connection c(m_db->ownerUrl());
        const Outcome byOwner = tryExec(c, setGtin(g.c_str(), "BOX-A1", "9"));
        QVERIFY2(!byOwner.ok && byOwner.message.contains(constraint), qPrintable(byOwner.describe()));
    }

    // One box, one size per shop: the same code (as UPC-A or as EAN-13) can't go on a second
    // size; another shop may carry it, and neither shop sees the other's.
    void aBoxNamesOneSizePerShop()
    {
        owner(setGtin(kUpc, "BOX-A1", "9"));
        for (const char *code : {kUpc, kSameAsEan}) {
            const Outcome again = tryExec(as(u"ops"_s), setGtin(code, "BOX-A2", "10"));
            QVERIFY2(!again.ok && again.sqlstate == "23505" && again.message.contains(u"inventory_gtin_unique"_s),
                     qPrintable(again.describe()));
        }
        const Outcome other = tryExec(as(u"ops"_s), setGtin(kEan, "BOX-A2", "10"));
        QVERIFY2(other.ok && other.rows == 1, qPrintable(other.describe()));

        // Shop B labels its own box with the same code: fine, and invisible to shop A.
        scalarCommitted(as(u"ops B"_s), setGtin(kUpc, "BOX-B1", "9") + " RETURNING 1");
        const Outcome seenByA = tryExec(as(u"staff"_s), "SELECT count(*) FROM inventory WHERE gtin_key = lpad('" +
                                                            std::string(kUpc) + "', 13, '0')", true);
        QVERIFY2(seenByA.ok && seenByA.rows == 1, qPrintable(seenByA.describe()));
        // Shop B's ops can't relabel shop A's stock: row-level security hides it.
        const Outcome crossShop = tryExec(as(u"ops B"_s), setGtin(kEan, "BOX-A1", "10"));
        QVERIFY2(crossShop.ok && crossShop.rows == 0, qPrintable(crossShop.describe()));
        owner(setGtin(nullptr, "BOX-A1", "9"));
        owner(setGtin(nullptr, "BOX-B1", "9"));
    }

    // The repository (the desk's product editor) stores and reads barcodes, and turns the
    // database's refusals into sentences.
    void repository_roundTripsAndExplains()
    {
        auto session = data::PgSession::open(m_db->urlFor(m_ops.login, m_ops.password));
        QVERIFY(session.ok());
        data::PgProductRepository products(**session);
        auto page = products.list({});
        QVERIFY(page.ok());
        std::optional<Product> a1, a2;
        for (const Product &p : page->items)
            (p.sku == u"BOX-A1"_s ? a1 : a2) = p;
        QVERIFY(a1 && a2);
        a1->stock[0].gtin = QString::fromLatin1(kUpc);
        auto saved = products.update(*a1, u"edit"_s);
        QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));
        auto reread = products.findById(a1->id);
        QVERIFY(reread.ok() && *reread);
        QCOMPARE((*reread)->stock[0].gtin, QString::fromLatin1(kUpc));
        // Relabelling is audited: who put which code on which size.
        QCOMPARE(owner("SELECT (before ? 'gtin')::text || ' ' || (after ->> 'gtin') FROM audit_log "
                       "WHERE entity = 'inventory' ORDER BY id DESC LIMIT 1"),
                 std::string("true ") + kUpc);

        a2->stock[0].gtin = QString::fromLatin1(kSameAsEan);
        auto duplicate = products.update(*a2, u"edit"_s);
        QVERIFY(!duplicate.ok());
        QCOMPARE(int(duplicate.error().code), int(ErrorCode::Conflict));
        QVERIFY2(duplicate.error().message.contains(u"already on another product or size"_s),
                 qPrintable(duplicate.error().message));
        owner(setGtin(nullptr, "BOX-A1", "9"));
        owner(setGtin(nullptr, "BOX-A1", "10"));
    }

    // "What came in today" for labels: ops read their own shop's receipts (only sums, the
    // audit trail stays admin-only); cashiers and the storefront can't ask.
    void receivedSince_onlyOpsOfTheSameShop()
    {
        auto session = data::PgSession::open(m_db->urlFor(m_ops.login, m_ops.password));
        QVERIFY(session.ok());
        data::PgProductRepository products(**session);
        auto a1 = products.findBySku(u"BOX-A1"_s);
        QVERIFY(a1.ok() && *a1);
        Product received = **a1;
        received.stock[1].quantity += 4;   // size 10: 3 -> 7
        QVERIFY(products.update(received, u"received"_s).ok());
        Product counted = *products.findBySku(u"BOX-A1"_s).value();
        counted.stock[0].quantity -= 1;   // size 9 miscounted: not a delivery
        QVERIFY(products.update(counted, u"count_correction"_s).ok());

        data::PgLabelSource labels(**session);
        auto today = labels.receivedSince(QDateTime::currentDateTimeUtc().addSecs(-3600));
        QVERIFY2(today.ok(), today.ok() ? "" : qPrintable(today.error().message));
        QCOMPARE(today->size(), 1);
        QCOMPARE(today->first().product.sku, u"BOX-A1"_s);
        QCOMPARE(today->first().size, u"10"_s);
        QCOMPARE(today->first().copies, 4);
        QCOMPARE(labels.receivedSince(QDateTime::currentDateTimeUtc().addSecs(60)).value().size(), 0);

        const std::string call = "SELECT count(*) FROM rdk.received_since(now() - interval '1 day')";
        for (const QString &who : {u"staff"_s, u"service"_s}) {
            const Outcome refused = tryExec(as(who), call, true);
            QVERIFY2(refused.refused(), qPrintable(who + u": "_s + refused.describe()));
        }
        const Outcome otherShop = tryExec(as(u"ops B"_s), call, true);
        QVERIFY2(otherShop.ok && otherShop.rows == 0, qPrintable(otherShop.describe()));
        const Outcome sameShop = tryExec(as(u"ops"_s), call, true);
        QVERIFY2(sameShop.ok && sameShop.rows == 1, qPrintable(sameShop.describe()));
    }
};

QTEST_GUILESS_MAIN(TestBarcodesDb)
#include "tst_barcodes_db.moc"

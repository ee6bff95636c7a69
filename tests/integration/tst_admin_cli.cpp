// rdk-admin as operators use it: a real process, a real database, stdin for passwords.
#include "tests/support/testdatabase.h"

#include <QProcess>
#include <QTest>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;

namespace {

struct Run final {
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestAdminCli final : public QObject {
    Q_OBJECT

    std::unique_ptr<rdk::test::TestDatabase> m_db;

    Run admin(const QStringList &args, const QByteArray &stdinText = {}, const QString &databaseUrl = {}, int timeoutMs = 60000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"DATABASE_URL"_s, databaseUrl.isNull() ? QString::fromStdString(m_db->ownerUrl()) : databaseUrl);
        env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        env.remove(u"RDK_TENANT"_s);
        p.setProcessEnvironment(env);
        p.start(QString::fromUtf8(RDK_ADMIN_BINARY), args);
        if (!p.waitForStarted(5000))
            return {};
        p.write(stdinText);
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }

    int count(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
    }

    void cleanup()
    {
        m_db.reset();
    }

    void version_printsRelease()
    {
        const Run r = admin({u"--version"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(u"rdk-admin "_s));
    }

    void migrate_statusUpVerify_onAMigratedDatabase()
    {
        Run status = admin({u"migrate"_s, u"status"_s});
        QCOMPARE(status.exitCode, 0);
        QVERIFY(status.out.contains(u"schema is current"_s));
        Run up = admin({u"migrate"_s, u"up"_s});
        QCOMPARE(up.exitCode, 0);
        QVERIFY(up.out.contains(u"already current"_s));
        QCOMPARE(admin({u"migrate"_s, u"verify"_s}).exitCode, 0);
    }

    void badInvocation_isAUsageErrorWithOneClearLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown command") << QStringList{u"frobnicate"_s} << 64 << u"unknown command"_s;
        QTest::addRow("migrate sideways") << QStringList{u"migrate"_s, u"sideways"_s} << 64 << u"migrate needs"_s;
        QTest::addRow("unknown option") << QStringList{u"tenant"_s, u"create"_s, u"x1"_s, u"--nmae"_s, u"X"_s} << 64 << u"unknown option --nmae"_s;
        QTest::addRow("tenant without name") << QStringList{u"tenant"_s, u"create"_s, u"x1"_s} << 64 << u"--name"_s;
        QTest::addRow("bad currency") << QStringList{u"tenant"_s, u"create"_s, u"x1"_s, u"--name"_s, u"X"_s, u"--currency"_s, u"dollars"_s} << 1 << u"three-letter"_s;
        QTest::addRow("bad time zone") << QStringList{u"tenant"_s, u"create"_s, u"x1"_s, u"--name"_s, u"X"_s, u"--timezone"_s, u"Mars/Olympus"_s} << 1 << u"time zone"_s;
        QTest::addRow("bad slug") << QStringList{u"tenant"_s, u"create"_s, u"Bad Slug!"_s, u"--name"_s, u"X"_s} << 1 << u"slug"_s;
        QTest::addRow("bad role") << QStringList{u"staff"_s, u"create"_s, u"bob_smith"_s, u"--tenant"_s, u"x"_s, u"--role"_s, u"king"_s} << 64 << u"--role"_s;
        QTest::addRow("unknown shop") << QStringList{u"seed-demo"_s, u"--tenant"_s, u"nowhere"_s} << 1 << u"No shop"_s;
        QTest::addRow("service sideways") << QStringList{u"service"_s, u"rename"_s, u"sync_x"_s} << 64 << u"service create LOGIN"_s;
        QTest::addRow("service bind without shop") << QStringList{u"service"_s, u"bind"_s, u"sync_x"_s} << 64 << u"--tenant"_s;
        QTest::addRow("service for no shop") << QStringList{u"service"_s, u"create"_s, u"sync_x"_s, u"--tenant"_s, u"nowhere"_s} << 1
                                             << u"no shop with slug"_s;
    }

    void badInvocation_isAUsageErrorWithOneClearLine()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = admin(args, "a good long password\n");
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.err.startsWith(u"rdk-admin: "_s));
    }

    void config_missingOrMalformed_reportsEveryProblemAndExits2()
    {
        const Run missing = admin({u"migrate"_s, u"status"_s}, {}, u""_s);
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains(u"DATABASE_URL: missing"_s), qPrintable(missing.err));
        const Run malformed = admin({u"migrate"_s, u"status"_s}, {}, u"mysql://root@localhost/x"_s);
        QCOMPARE(malformed.exitCode, 2);
        QVERIFY(malformed.err.contains(u"not a postgresql:// URL"_s));
    }

    void unreachableDatabase_isOneClearLine()
    {
        const Run r = admin({u"migrate"_s, u"status"_s}, {}, u"postgresql://nobody:pw@127.0.0.1:1/none"_s);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"can't be reached"_s), qPrintable(r.err));
        QVERIFY(!r.err.contains(u":pw@"_s));
    }

    // A service login works for the one shop the database binds it to (migration 0012).
    void serviceLogin_isBoundToItsShop()
    {
        QCOMPARE(admin({u"tenant"_s, u"create"_s, u"north"_s, u"--name"_s, u"North"_s}).exitCode, 0);
        const QString first = m_db->uniqueLogin(u"syncone"_s);
        const Run one = admin({u"service"_s, u"create"_s, first}, "a long enough password\n");  // the only shop
        QVERIFY2(one.exitCode == 0, qPrintable(one.err));
        QCOMPARE(admin({u"tenant"_s, u"create"_s, u"south"_s, u"--name"_s, u"South"_s}).exitCode, 0);
        const QString second = m_db->uniqueLogin(u"synctwo"_s);
        const Run ambiguous = admin({u"service"_s, u"create"_s, second}, "a long enough password\n");
        QCOMPARE(ambiguous.exitCode, 1);
        QVERIFY2(ambiguous.err.contains(u"Name the shop"_s), qPrintable(ambiguous.err));
        const Run two = admin({u"service"_s, u"create"_s, second, u"--tenant"_s, u"south"_s}, "a long enough password\n");
        QVERIFY2(two.exitCode == 0, qPrintable(two.err));
        const auto shopOf = [&](const QString &login) {
            return count("SELECT count(*) FROM rdk.service_logins s JOIN tenants t ON t.id = s.tenant_id WHERE s.login = '"
                         + login.toStdString() + "' AND t.slug = 'north'");
        };
        QCOMPARE(shopOf(first), 1);
        QCOMPARE(shopOf(second), 0);
        const Run moved = admin({u"service"_s, u"bind"_s, second, u"--tenant"_s, u"north"_s});
        QVERIFY2(moved.exitCode == 0, qPrintable(moved.err));
        QCOMPARE(shopOf(second), 1);
        const Run notAService = admin({u"service"_s, u"bind"_s, u"postgres"_s, u"--tenant"_s, u"north"_s});
        QCOMPARE(notAService.exitCode, 1);
        QVERIFY2(notAService.err.contains(u"no service login"_s), qPrintable(notAService.err));
    }

    void tenantStaffAndSeed_endToEnd()
    {
        QCOMPARE(admin({u"tenant"_s, u"create"_s, u"kickz"_s, u"--name"_s, u"Kickz"_s, u"--timezone"_s, u"America/New_York"_s}).exitCode, 0);
        const Run duplicate = admin({u"tenant"_s, u"create"_s, u"kickz"_s, u"--name"_s, u"Kickz"_s});
        QCOMPARE(duplicate.exitCode, 1);
        QVERIFY(duplicate.err.contains(u"already exists"_s));

        const QString login = m_db->uniqueLogin(u"boss"_s);
        const Run admin1 = admin({u"staff"_s, u"create"_s, login, u"--tenant"_s, u"kickz"_s, u"--role"_s, u"admin"_s},
                                 "a long enough password\n");
        QVERIFY2(admin1.exitCode == 0, qPrintable(admin1.err));
        QVERIFY(admin1.out.contains(u"otpauth://totp/"_s));
        QCOMPARE(count("SELECT count(*) FROM profiles WHERE twofa_enabled"), 1);

        const QString weak = m_db->uniqueLogin(u"weak"_s);
        const Run weakRun = admin({u"staff"_s, u"create"_s, weak, u"--tenant"_s, u"kickz"_s, u"--role"_s, u"staff"_s}, "short\n");
        QCOMPARE(weakRun.exitCode, 1);
        QCOMPARE(count("SELECT count(*) FROM profiles"), 1);

        QCOMPARE(admin({u"staff"_s, u"disable"_s, login}).exitCode, 0);
        QCOMPARE(count("SELECT count(*) FROM profiles WHERE NOT active"), 1);

        const Run seeded = admin({u"seed-demo"_s, u"--tenant"_s, u"kickz"_s}, {}, {}, 240000);
        QVERIFY2(seeded.exitCode == 0, qPrintable(seeded.err));
        QVERIFY(count("SELECT count(*) FROM products") >= 60);
        QVERIFY(count("SELECT count(DISTINCT brand) FROM products") >= 5);
        QVERIFY(count("SELECT count(*) FROM products WHERE condition = 'used'") > 0);
        QVERIFY(count("SELECT count(*) FROM (SELECT product_id FROM inventory GROUP BY product_id HAVING sum(quantity) = 0) s") > 0);
        QVERIFY(count("SELECT count(*) FROM product_image_variants WHERE variant = 'thumb'") >= 60);
        QVERIFY(count("SELECT count(*) FROM orders") >= 28);
        QVERIFY(count("SELECT count(DISTINCT created_at::date) FROM orders") >= 14);
        // Paid orders say how: cards online, a mix of card and cash at the counter.
        QCOMPARE(count("SELECT count(*) FROM orders WHERE paid_at IS NOT NULL AND payment_method IS NULL"), 0);
        QVERIFY(count("SELECT count(*) FROM orders WHERE channel = 'pos' AND payment_method = 'cash' "
                      "AND cash_tendered_minor >= total_minor") > 0);
        QCOMPARE(count("SELECT count(*) FROM orders WHERE channel = 'online' AND payment_method = 'cash'"), 0);
        QCOMPARE(count("SELECT count(*) FROM orders WHERE status IN ('pending', 'awaiting_payment', 'canceled') "
                       "AND (paid_at IS NOT NULL OR payment_method IS NOT NULL)"), 0);
        // Storefront visits for the dashboard: four weeks, all in the past, opaque visitor ids.
        QVERIFY(count("SELECT count(*) FROM page_views") >= 28 * 40);
        QVERIFY(count("SELECT count(DISTINCT viewed_at::date) FROM page_views") >= 27);
        QCOMPARE(count("SELECT count(*) FROM page_views WHERE viewed_at > now() OR length(visitor_hash) <> 16"), 0);
        QVERIFY(count("SELECT count(*) FROM page_views WHERE product_id IS NOT NULL") > 0);
        // The demo shop charges one sales tax rate at the counter, added to its prices.
        QCOMPARE(count("SELECT count(*) FROM tax_rates WHERE rate_percent = 8.875 AND active"), 1);
        QCOMPARE(count("SELECT count(*) FROM tenants WHERE slug = 'kickz' AND prices_include_tax"), 0);
        // Two drops to come, coming soon: one through the waiting room, one raffle taking entries.
        QCOMPARE(count("SELECT count(*) FROM releases WHERE release_at > now() AND visibility = 'coming_soon' "
                       "AND canceled_at IS NULL"), 2);
        QCOMPARE(count("SELECT count(*) FROM releases WHERE allocation = 'raffle' AND queue_opens_at <= now() "
                       "AND entries_close_at > now()"), 1);

        const int productsBefore = count("SELECT count(*) FROM products");
        const Run again = admin({u"seed-demo"_s, u"--tenant"_s, u"kickz"_s});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains(u"already has products"_s));
        QCOMPARE(count("SELECT count(*) FROM products"), productsBefore);
    }
};

QTEST_GUILESS_MAIN(TestAdminCli)
#include "tst_admin_cli.moc"

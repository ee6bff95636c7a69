// Upgrading while the storefront serves (ADR 0021, docs/RUNBOOK.md "Upgrading"): a database at
// an older migration level with the demo shop in it, rdk-sync serving its catalog, and
// `rdk-admin migrate up` run while a shopper's client keeps asking for the catalog. Shoppers
// must never get an error answer; how long the longest answer took is measured and printed,
// not judged (timing never decides a test here).
//
// "Older" is migration 0022 with the modules of this tree, built from this tree's files: this
// build's rdk-sync reads the storefront through drop day's rdk.storefront_hidden() (0022), so
// that is the oldest level it can serve (the real previous release needs its own build to go
// further back). The upgrade then applies 0023 and 0024 and every module (their recorded
// checksums are aged, as a release whose modules all changed would find them): the worst case
// for locks.
#include "data/migrationrunner.h"
#include "data/pgsession.h"
#include "data/seed/demoseeder.h"
#include "tests/support/childprocess.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTest>

#include <pqxx/pqxx>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class TestUpgradeWhileServing final : public QObject {
    Q_OBJECT

    std::string scalar(const std::string &url, const std::string &sql)
    {
        pqxx::connection c(url);
        pqxx::read_transaction tx(c);
        const auto r = tx.exec1(sql);
        return r[0].is_null() ? std::string() : r[0].as<std::string>();
    }

private Q_SLOTS:
    void migrateUp_whileCatalogIsRequested_shoppersGetNoErrors()
    {
        QString error;
        auto db = test::TestDatabase::create(&error, false);
        QVERIFY2(db, qPrintable(error));
        auto all = loadMigrations();
        auto modules = loadModules();
        QVERIFY(all.ok() && modules.ok());
        // The level a shop runs before this release, as far as this build's rdk-sync can serve
        // it: every storefront read asks rdk.storefront_hidden() (drop day, 0022), so the
        // shop starts at 0022 and `migrate up` adds 0023 (indexes on orders and the audit log)
        // and 0024 (scale-out tables) and re-applies every module while shoppers are served.
        QList<Migration> before;
        for (const Migration &m : *all)
            if (m.version <= 22)
                before.append(m);
        const QList<MigrationModule> oldModules = *modules;
        auto old = MigrationRunner(db->ownerUrl(), before, oldModules).up();
        QVERIFY2(old.ok(), old.ok() ? "" : qPrintable(old.error().message));

        const QString tenant = db->createTenant(u"demo"_s);
        {
            auto session = PgSession::open(db->ownerUrl());
            QVERIFY(session.ok());
            DemoSeeder seeder(**session);
            auto seeded = seeder.seed(u"demo"_s, QDateTime::currentDateTimeUtc());
            QVERIFY2(seeded.ok(), seeded.ok() ? "" : qPrintable(seeded.error().message));
            QVERIFY(seeded->products > 20 && seeded->images > 20);
        }
        const test::Login service = db->createServiceLogin(tenant);
        // A release whose every module changed: all of them are applied again by `up`.
        db->execOwner("UPDATE schema_modules SET checksum = 'from-the-previous-release'");
        const std::string levelBefore = scalar(db->ownerUrl(), "SELECT max(version) FROM schema_migrations");

        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        env.insert(u"RDK_LOG_LEVEL"_s, u"warn"_s);
        env.insert(u"DATABASE_URL"_s, QString::fromStdString(db->urlFor(service.login, service.password)));
        env.insert(u"RDK_TENANT"_s, u"demo"_s);
        env.insert(u"RDK_SYNC_LISTEN"_s, u"127.0.0.1:0"_s);
        env.insert(u"RDK_PUBLIC_URL"_s, u"http://127.0.0.1:9"_s);
        env.insert(u"STRIPE_SECRET_KEY"_s, u"sk_test_upgrade"_s);
        env.insert(u"STRIPE_WEBHOOK_SECRET"_s, u"whsec_upgrade"_s);
        env.insert(u"STRIPE_API_BASE"_s, u"http://127.0.0.1:9"_s);
        env.insert(u"RDK_SYNC_TRUSTED_PROXIES"_s, u"127.0.0.1"_s);
        test::ServiceProcess sync;
        QVERIFY2(sync.start(QString::fromUtf8(RDK_SYNC_BINARY), env), "rdk-sync did not start");
        QNetworkAccessManager nam;

        const test::HttpReply catalog = test::httpRequest(nam, "GET", sync.url(u"/api/catalog"_s));
        QCOMPARE(catalog.status, 200);
        QStringList skus;
        for (const QJsonValue &p : catalog.json().value(u"products"_s).toArray())
            skus.append(p.toObject().value(u"sku"_s).toString());
        QVERIFY2(skus.size() >= 5, catalog.body.left(300).constData());
        const test::HttpReply behind = test::httpRequest(nam, "GET", sync.url(u"/readyz"_s));
        QCOMPARE(behind.status, 503);   // the schema is behind this release: not ready, still serving

        QProcessEnvironment adminEnv;
        adminEnv.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        adminEnv.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        adminEnv.insert(u"DATABASE_URL"_s, QString::fromStdString(db->ownerUrl()));
        QProcess migrate;
        migrate.setProcessEnvironment(adminEnv);
        test::endWithThisTest(migrate);

        // The shoppers: one request after another (catalog, a product's JSON, its page), from
        // before `migrate up` starts until after it ends.
        struct Sample {
            qint64 startMs;
            qint64 tookMs;
            int status;
            QString path;
        };
        QList<Sample> samples;
        QElapsedTimer clock;
        clock.start();
        qint64 migrateStart = -1;
        qint64 migrateEnd = -1;
        int i = 0;
        while (clock.elapsed() < 60000) {
            if (migrateStart < 0 && clock.elapsed() > 500) {
                migrate.start(QString::fromUtf8(RDK_ADMIN_BINARY), {u"migrate"_s, u"up"_s});
                QVERIFY(migrate.waitForStarted(5000));
                migrateStart = clock.elapsed();
            }
            if (migrateStart >= 0 && migrateEnd < 0 && migrate.state() == QProcess::NotRunning)
                migrateEnd = clock.elapsed();
            if (migrateEnd >= 0 && clock.elapsed() > migrateEnd + 500)
                break;
            const QString sku = skus.at(i % skus.size());
            const QString path = (i % 3 == 0) ? u"/api/catalog"_s : (i % 3 == 1) ? u"/api/products/"_s + sku : u"/products/"_s + sku;
            ++i;
            const qint64 start = clock.elapsed();
            // Many shoppers behind the proxy, so the per-address rate limit never answers 429.
            const QByteArray shopper = "10.20." + QByteArray::number(i / 200) + "." + QByteArray::number(i % 200 + 1);
            const test::HttpReply reply = test::httpRequest(nam, "GET", sync.url(path), {}, {{"X-Forwarded-For", shopper}});
            samples.append({start, clock.elapsed() - start, reply.status, path});
        }
        QVERIFY2(migrateEnd >= 0, "migrate up did not finish within 60 s");
        const QByteArray migrateOut = migrate.readAllStandardOutput() + migrate.readAllStandardError();
        QVERIFY2(migrate.exitCode() == 0, migrateOut.constData());

        int during = 0;
        qint64 longest = 0;
        QStringList errors;
        QList<qint64> times;
        for (const Sample &s : std::as_const(samples)) {
            if (s.status != 200)
                errors.append(u"%1 at %2 ms: %3"_s.arg(s.path).arg(s.startMs).arg(s.status));
            const bool overlaps = s.startMs + s.tookMs >= migrateStart && s.startMs <= migrateEnd;
            if (overlaps) {
                ++during;
                longest = std::max(longest, s.tookMs);
                times.append(s.tookMs);
            }
        }
        std::sort(times.begin(), times.end());
        const qint64 median = times.isEmpty() ? 0 : times.at(times.size() / 2);
        qInfo().noquote() << u"upgrade from migration %1: migrate up took %2 ms (%3); %4 requests during it, longest answer %5 ms, "
                             "median %6 ms, %7 error answers; %8 requests in all"_s
                                 .arg(QString::fromStdString(levelBefore))
                                 .arg(migrateEnd - migrateStart)
                                 .arg(QString::fromUtf8(migrateOut.trimmed().split('\n').last()))
                                 .arg(during)
                                 .arg(longest)
                                 .arg(median)
                                 .arg(errors.size())
                                 .arg(samples.size());
        QVERIFY2(errors.isEmpty(), qPrintable(errors.mid(0, 5).join(u"; "_s)));
        QVERIFY2(during >= 3, "the client's requests did not overlap the migration: nothing was proven");

        QCOMPARE(scalar(db->ownerUrl(), "SELECT max(version) FROM schema_migrations"), std::to_string(all->last().version));
        QTRY_COMPARE_WITH_TIMEOUT(test::httpRequest(nam, "GET", sync.url(u"/readyz"_s)).status, 200, 10000);
        QCOMPARE(test::httpRequest(nam, "GET", sync.url(u"/api/products/"_s + skus.first())).status, 200);
    }
};

QTEST_MAIN(TestUpgradeWhileServing)
#include "tst_upgrade_while_serving.moc"

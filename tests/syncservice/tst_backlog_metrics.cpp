// The queue gauges behind docs/alerts.yml: what waits in the shop's Stripe queue and mail
// outbox, and stock holds stuck past their expiry, read as rdk-sync's service login (its own
// shop only), then exported by a running rdk-sync on /metrics.
#include "data/pgbacklog.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestBacklogMetrics final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_shopA;
    QString m_shopB;
    test::Login m_serviceA;
    QNetworkAccessManager m_nam;

    /// One order of `tenant` with a queued Stripe request, a queued mail (10 minutes old) and a
    /// hold 10 minutes past its expiry, written as the owner (the honest paths would do it
    /// through the counter; the queues' contents are what matters here).
    void fillQueues(const QString &tenant, const QString &sku)
    {
        const std::string t = tenant.toStdString();
        m_db->execOwner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
                        "inventory_strategy, size_system, size_run, published) VALUES ('" + t + "', '" + sku.toStdString() +
                        "', 'Runner', 'Nike', 'Black', 'new', 1000, 'USD', 'per_size', 'mens', '{10}', true) RETURNING id, tenant_id) "
                        "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT tenant_id, id, '10', 5 FROM p");
        m_db->execOwner("INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor) "
                        "VALUES ('" + t + "', 'pos', 'pending', 'USD', 1000, 1000)");
        const std::string order = "(SELECT id FROM orders WHERE tenant_id = '" + t + "' ORDER BY created_at DESC LIMIT 1)";
        m_db->execOwner("INSERT INTO stripe_requests (tenant_id, order_id, kind) VALUES ('" + t + "', " + order + ", 'payment_link')");
        m_db->execOwner("INSERT INTO mail_outbox (tenant_id, order_id, kind, event_key, recipient, payload, created_at) "
                        "VALUES ('" + t + "', " + order + ", 'counter_receipt', 'receipt:1', 'buyer@example.com', '{}', "
                        "now() - interval '10 minutes')");
        m_db->execOwner("INSERT INTO stock_reservations (tenant_id, order_id, inventory_id, quantity, expires_at) "
                        "SELECT '" + t + "', " + order + ", i.id, 1, now() - interval '10 minutes' FROM inventory i "
                        "JOIN products p ON p.id = i.product_id WHERE p.sku = '" + sku.toStdString() + "'");
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"backlog-a"_s);
        m_shopB = m_db->createTenant(u"backlog-b"_s);
        m_serviceA = m_db->createServiceLogin(m_shopA);
    }

    void emptyQueues_readAsZero()
    {
        auto session = data::PgSession::open(m_db->urlFor(m_serviceA.login, m_serviceA.password));
        QVERIFY(session);
        const auto sample = data::readBacklog(**session);
        QVERIFY2(sample, qPrintable(sample ? QString() : sample.error().message));
        QCOMPARE(sample->stripeWaiting, 0);
        QCOMPARE(sample->mailWaiting, 0);
        QCOMPARE(sample->reservationsStuck, 0);
        QCOMPARE(sample->mailOldestSeconds, 0.0);
    }

    void waitingWork_isCounted_forTheServiceLoginsShopOnly()
    {
        fillQueues(m_shopA, u"BACKLOG-A"_s);
        fillQueues(m_shopB, u"BACKLOG-B"_s);   // another shop's queue: not this service's
        auto session = data::PgSession::open(m_db->urlFor(m_serviceA.login, m_serviceA.password));
        QVERIFY(session);
        const auto sample = data::readBacklog(**session);
        QVERIFY2(sample, qPrintable(sample ? QString() : sample.error().message));
        QCOMPARE(sample->stripeWaiting, 1);
        QCOMPARE(sample->mailWaiting, 1);
        QVERIFY2(sample->mailOldestSeconds >= 590 && sample->mailOldestSeconds < 3600, qPrintable(QString::number(sample->mailOldestSeconds)));
        QCOMPARE(sample->reservationsStuck, 1);

        // Sent mail and released holds are no longer waiting.
        m_db->execOwner("UPDATE mail_outbox SET state = 'sent', sent_at = now()");
        m_db->execOwner("UPDATE stock_reservations SET state = 'released'");
        const auto after = data::readBacklog(**session);
        QVERIFY(after);
        QCOMPARE(after->mailWaiting, 0);
        QCOMPARE(after->reservationsStuck, 0);
    }

    /// Every metric name `text` mentions (rdk_*, and Prometheus's own `up`).
    static QSet<QString> metricNames(const QString &text)
    {
        QSet<QString> names;
        static const QRegularExpression name(u"\\b(rdk_[a-z0-9_]+|up)\\b"_s);
        for (auto it = name.globalMatch(text); it.hasNext();)
            names.insert(it.next().captured(1));
        return names;
    }

    /// The names a scrape of /metrics exports: each # TYPE line, with a histogram's series.
    static QSet<QString> exportedNames(const QByteArray &metrics)
    {
        QSet<QString> names{u"up"_s};   // Prometheus's own, per target
        static const QRegularExpression type(u"^# TYPE (\\S+) (\\S+)$"_s, QRegularExpression::MultilineOption);
        for (auto it = type.globalMatch(QString::fromUtf8(metrics)); it.hasNext();) {
            const auto m = it.next();
            names.insert(m.captured(1));
            if (m.captured(2) == u"histogram"_s) {
                for (const QString &suffix : {u"_bucket"_s, u"_sum"_s, u"_count"_s})
                    names.insert(m.captured(1) + suffix);
            }
        }
        return names;
    }

    // A running rdk-sync publishes the gauges on /metrics: the queued mail (not due yet) is
    // waiting and the gauge must show it. Its mail sender is on, so that its own metric is in the
    // scrape: the alert rules and the dashboard may name only metrics this scrape has.
    void runningService_exportsTheGauges_andDocsNameOnlyThose()
    {
        const QString shop = m_db->createTenant(u"backlog-c"_s);
        const test::Login service = m_db->createServiceLogin(shop);
        fillQueues(shop, u"BACKLOG-C"_s);
        // Due in an hour: the sender leaves it alone meanwhile, so it stays waiting.
        m_db->execOwner("UPDATE mail_outbox SET next_attempt_at = now() + interval '1 hour' WHERE tenant_id = '"
                        + shop.toStdString() + "'");
        test::ServiceProcess sandbox;
        test::ServiceProcess sync;
        test::SyncStackOptions options{QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(service.login, service.password)),
                                       u"backlog-c"_s, u"whsec_backlog_test"_s, u"sk_test_backlog"_s};
        options.syncEnvironment.insert(u"RDK_SYNC_BACKLOG_SECONDS"_s, u"1"_s);
        options.syncEnvironment.insert(u"RDK_SMTP_HOST"_s, u"127.0.0.1"_s);
        options.syncEnvironment.insert(u"RDK_SMTP_PORT"_s, u"1"_s);
        options.syncEnvironment.insert(u"RDK_SMTP_TLS"_s, u"none"_s);
        options.syncEnvironment.insert(u"RDK_SMTP_FROM"_s, u"shop@example.com"_s);
        QString error;
        QVERIFY2(test::startSyncStack(sandbox, sync, m_nam, options, &error), qPrintable(error));
        QByteArray metrics;
        QTRY_VERIFY_WITH_TIMEOUT((metrics = test::httpRequest(m_nam, "GET", sync.url(u"/metrics"_s)).body)
                                     .contains("\nrdk_mail_outbox_waiting 1\n"),
                                 15'000);
        QVERIFY2(metrics.contains("# TYPE rdk_reservations_stuck gauge\n"), metrics.constData());
        QVERIFY2(metrics.contains("# TYPE rdk_stripe_requests_waiting gauge\n"), metrics.constData());
        QVERIFY2(QRegularExpression(u"\nrdk_mail_outbox_oldest_waiting_seconds (\\d+)"_s).match(QString::fromUtf8(metrics)).captured(1).toInt() >= 590,
                 metrics.constData());
        QVERIFY2(QRegularExpression(u"\nrdk_backlog_samples_total\\{outcome=\"ok\"\\} [1-9]"_s).match(QString::fromUtf8(metrics)).hasMatch(),
                 metrics.constData());

        const QSet<QString> exported = exportedNames(metrics);
        QVERIFY2(exported.contains(u"rdk_mail_total"_s) && exported.contains(u"rdk_stripe_requests_total"_s), metrics.constData());

        QFile alerts(QStringLiteral(RDK_SOURCE_DIR "/docs/alerts.yml"));
        QVERIFY(alerts.open(QIODevice::ReadOnly));
        const QSet<QString> inAlerts = metricNames(QString::fromUtf8(alerts.readAll()));
        QVERIFY(inAlerts.size() >= 8);
        for (const QString &name : inAlerts)
            QVERIFY2(exported.contains(name), qPrintable(u"docs/alerts.yml names %1, which rdk-sync does not export"_s.arg(name)));

        QFile dashboardFile(QStringLiteral(RDK_SOURCE_DIR "/docs/grafana-dashboard.json"));
        QVERIFY(dashboardFile.open(QIODevice::ReadOnly));
        QJsonParseError parseError;
        const QJsonDocument dashboard = QJsonDocument::fromJson(dashboardFile.readAll(), &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
        const QJsonArray panels = dashboard.object().value(u"panels"_s).toArray();
        QVERIFY(panels.size() >= 10);
        for (const QJsonValue &panel : panels) {
            const QString title = panel[u"title"_s].toString();
            const QJsonArray targets = panel[u"targets"_s].toArray();
            QVERIFY2(!title.isEmpty() && !targets.isEmpty(), qPrintable(title));
            for (const QJsonValue &target : targets) {
                const QSet<QString> names = metricNames(target[u"expr"_s].toString());
                QVERIFY2(!names.isEmpty(), qPrintable(u"panel '%1' names no metric"_s.arg(title)));
                for (const QString &name : names)
                    QVERIFY2(exported.contains(name), qPrintable(u"panel '%1' names %2, which rdk-sync does not export"_s.arg(title, name)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestBacklogMetrics)
#include "tst_backlog_metrics.moc"

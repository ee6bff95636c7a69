// The queue gauges behind docs/alerts.yml: what waits in the shop's Stripe queue and mail
// outbox, and stock holds stuck past their expiry, read as rdk-sync's service login (its own
// shop only), then exported by a running rdk-sync on /metrics.
#include "data/pgbacklog.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QRegularExpression>
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

    // A running rdk-sync publishes the gauges on /metrics. Its mail sender is off (no SMTP), so a
    // queued mail stays queued and the gauge must show it.
    void runningService_exportsTheGauges()
    {
        m_db->execOwner("UPDATE mail_outbox SET state = 'queued', sent_at = NULL WHERE tenant_id = '" + m_shopA.toStdString() + "'");
        test::ServiceProcess sandbox;
        test::ServiceProcess sync;
        test::SyncStackOptions options{QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(m_serviceA.login, m_serviceA.password)),
                                       u"backlog-a"_s, u"whsec_backlog_test"_s, u"sk_test_backlog"_s};
        options.syncEnvironment.insert(u"RDK_SYNC_BACKLOG_SECONDS"_s, u"1"_s);
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
    }
};

QTEST_GUILESS_MAIN(TestBacklogMetrics)
#include "tst_backlog_metrics.moc"

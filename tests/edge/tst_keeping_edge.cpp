// The keeping edge of ADR 0034: Debian's nginx with resources/edge/nginx.conf.in in front
// of the real rdk-sync (the Stripe sandbox and PostgreSQL behind it), all on loopback. What the
// edge keeps, it serves without asking rdk-sync; what a committed change touches, rdk-sync asks it
// to fetch again; what is one shopper's, or gone, is never served from a copy. No timing is
// asserted: each wait has a generous bound, and PERFORMANCE.md has the measured delays.
#include "tests/support/childprocess.h"
#include "tests/support/e2efixture.h"
#include "tests/support/nginxedge.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>
#include <QUdpSocket>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kWebhookSecret[] = "whsec_test_keeping_edge_secret";

/// nginx with the keeping edge's configuration, its files in `dir`, stopped with this object.
class KeepingEdge final {
public:
    ~KeepingEdge() { stop(); }

    bool start(const QString &dir, quint16 port, quint16 refreshPort, quint16 viewsPort, quint16 upstream, QString *error)
    {
        const QStringList settings{u"workers=1"_s, u"listen=127.0.0.1:%1"_s.arg(port),
                                   u"refresh_listen=127.0.0.1:%1"_s.arg(refreshPort),
                                   u"upstream=127.0.0.1:%1"_s.arg(upstream), u"views=127.0.0.1:%1"_s.arg(viewsPort)};
        if (!test::startNginxEdge(m_process, QStringLiteral(RDK_SOURCE_DIR), dir, settings, error))
            return false;
        m_base = QUrl(u"http://127.0.0.1:%1"_s.arg(port));
        QNetworkAccessManager nam;
        for (QDeadlineTimer deadline(15000); !deadline.hasExpired() && m_process.state() != QProcess::NotRunning;) {
            if (test::httpRequest(nam, "GET", url(u"/healthz"_s)).status == 200)
                return true;
            m_process.waitForFinished(100);
        }
        QFile log(dir + u"/error.log"_s);
        log.open(QIODevice::ReadOnly);
        *error = u"nginx did not answer on port %1:\n%2\n%3"_s.arg(port).arg(QString::fromUtf8(m_process.readAll()),
                                                                      QString::fromUtf8(log.readAll().right(3000)));
        return false;
    }

    void stop() { test::stopChild(m_process); }

    QUrl url(const QString &path) const { return m_base.resolved(QUrl(path)); }

private:
    QProcess m_process;
    QUrl m_base;
};

} // namespace

class TestKeepingEdge final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    test::ServiceProcess m_sandbox;
    test::ServiceProcess m_sync;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_dir;
    KeepingEdge m_edge;
    quint16 m_viewsPort = 0;   // rdk-sync's RDK_SYNC_EDGE_VIEWS_LISTEN

    test::HttpReply get(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return test::httpRequest(m_nam, "GET", m_edge.url(path), {}, headers);
    }

    // Sets a product's colorway as the owner; with `quietly`, the change sends no notice, so only
    // a refresh rdk-sync didn't ask for would show it.
    void setColorway(const QString &sku, const QString &colorway, bool quietly = false)
    {
        const std::string update = "UPDATE products SET colorway = '" + colorway.toStdString() + "' WHERE sku = '"
                                   + sku.toStdString() + "'";
        m_db->execOwner(quietly ? "ALTER TABLE products DISABLE TRIGGER products_notify; " + update
                                      + "; ALTER TABLE products ENABLE TRIGGER products_notify"
                                : update);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        RDK_CREATE_TEST_DATABASE(m_db);
        const QString tenant = m_db->createTenant(u"keeping-shop"_s);
        const test::Login service = m_db->createServiceLogin(tenant);
        for (const QString &sku : {u"KEEP-ONE"_s, u"KEEP-TWO"_s, u"KEEP-GONE"_s}) {
            QString error;
            QVERIFY2(!test::seedProduct(*m_db, {.tenantId = tenant, .sku = sku, .colorway = u"Black"_s, .flatStock = 3}, &error)
                          .isEmpty(),
                     qPrintable(error));
        }

        const quint16 port = test::freeLoopbackPort();
        const quint16 refreshPort = test::freeLoopbackPort();
        const quint16 viewsPort = m_viewsPort = test::freeLoopbackPort();
        test::SyncStackOptions options{QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(service.login, service.password)),
                                       u"keeping-shop"_s, QString::fromLatin1(kWebhookSecret), u"sk_test_keeping_edge"_s};
        options.syncEnvironment = {{u"RDK_SYNC_TRUSTED_PROXIES"_s, u"127.0.0.1"_s},
                                   {u"RDK_SYNC_EDGE_REFRESH_URL"_s, u"http://127.0.0.1:%1"_s.arg(refreshPort)},
                                   {u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s, u"127.0.0.1:%1"_s.arg(viewsPort)}};
        QString error;
        QVERIFY2(test::startSyncStack(m_sandbox, m_sync, m_nam, options, &error), qPrintable(error));
        QVERIFY2(m_edge.start(m_dir.path() + u"/edge"_s, port, refreshPort, viewsPort, m_sync.port(), &error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_edge.stop();
        m_sync.stop();
        m_sandbox.stop();
    }

    int scalar(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

    // The edge serves most page views from its copies, so it reports every view to rdk-sync
    // (RDK_SYNC_EDGE_VIEWS_LISTEN), which then counts nothing itself: each shopper's view is
    // one row, whether the copy, a cart shopper's trip to rdk-sync or the first fill served it.
    void pageViews_reportedByTheEdge_eachCountedOnce()
    {
        const QByteArray browser = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0";
        const std::string views = "SELECT count(*) FROM page_views WHERE path = '/products/KEEP-TWO'";
        const std::string catalogViews = "SELECT count(*) FROM page_views WHERE path = '/'";
        const int before = scalar(views);
        const int catalogBefore = scalar(catalogViews);
        for (int i = 0; i < 3; ++i)   // the first fills the copy, the others are served from it
            QCOMPARE(get(u"/products/KEEP-TWO"_s, {{"User-Agent", browser}}).status, 200);
        QCOMPARE(get(u"/products/KEEP-TWO"_s, {{"User-Agent", browser}, {"Cookie", "rdk_cart=KEEP-TWO:1"}}).status, 200);
        QCOMPARE(get(u"/?page=1"_s, {{"User-Agent", browser}}).status, 200);
        // Not page views: the product's API answer, a HEAD, a bot, a page that doesn't exist.
        QCOMPARE(get(u"/api/products/KEEP-TWO"_s, {{"User-Agent", browser}}).status, 200);
        QCOMPARE(test::httpRequest(m_nam, "HEAD", m_edge.url(u"/products/KEEP-TWO"_s), {}, {{"User-Agent", browser}}).status, 200);
        QCOMPARE(get(u"/products/KEEP-TWO"_s, {{"User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)"}}).status, 200);
        QCOMPARE(get(u"/products/NO-SUCH-SHOE"_s, {{"User-Agent", browser}}).status, 404);

        QTRY_COMPARE_WITH_TIMEOUT(scalar(views), before + 4, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(scalar(catalogViews), catalogBefore + 1, 10000);
        // Nothing arrives late: rdk-sync did not count the requests that reached it as well.
        QTest::qWait(2500);
        QCOMPARE(scalar(views), before + 4);
        QCOMPARE(scalar("SELECT count(*) FROM page_views WHERE path = '/products/NO-SUCH-SHOE'"), 0);
        const test::HttpReply metrics = test::httpRequest(m_nam, "GET", QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(m_sync.port())));
        QVERIFY2(metrics.body.contains("rdk_edge_views_total{result=\"counted\"}"), metrics.body.right(2000).constData());
    }

    // Anything on the server can send rdk-sync a view report (UDP proves no sender); what it can
    // do with one is a view on the dashboard, now. A report that claims a day long gone, or a
    // day to come, is counted at the time it arrives.
    void forgedViewReport_countedNowOrNotAtAll()
    {
        const auto report = [](double unixSeconds, const QByteArray &path) {
            return "<190>Dec  8 00:02:26 rdk_views: {\"t\":" + QByteArray::number(unixSeconds, 'f', 3)
                + ",\"c\":\"192.0.2.44\",\"ua\":\"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0\",\"p\":\"" + path + "\"}";
        };
        QUdpSocket forger;
        const QHostAddress rdkSync(QHostAddress::LocalHost);
        QVERIFY(forger.writeDatagram(report(1'000'000'000.0, "/products/FORGED-PAST"), rdkSync, m_viewsPort) > 0);
        QVERIFY(forger.writeDatagram(report(4'000'000'000.0, "/products/FORGED-FUTURE"), rdkSync, m_viewsPort) > 0);
        QVERIFY(forger.writeDatagram("<190>Dec  8 00:02:26 rdk_views: {\"t\":1}", rdkSync, m_viewsPort) > 0);
        // Honest twin: a report from two minutes ago (a backlog) keeps its time.
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        QVERIFY(forger.writeDatagram(report(now - 120.0, "/products/REPORTED-LATE"), rdkSync, m_viewsPort) > 0);

        const auto countNow = [this](const char *path) {
            return scalar("SELECT count(*) FROM page_views WHERE path = '" + std::string(path)
                          + "' AND viewed_at > now() - interval '1 minute' AND viewed_at <= now()");
        };
        QTRY_COMPARE_WITH_TIMEOUT(countNow("/products/FORGED-PAST"), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(countNow("/products/FORGED-FUTURE"), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(scalar("SELECT count(*) FROM page_views WHERE path = '/products/REPORTED-LATE' "
                                         "AND viewed_at BETWEEN now() - interval '3 minutes' AND now() - interval '100 seconds'"),
                                  1, 10000);
        QCOMPARE(scalar("SELECT count(*) FROM page_views WHERE path LIKE '/products/FORGED-%' OR path LIKE '/products/REPORTED-%'"), 3);
        const test::HttpReply metrics = test::httpRequest(m_nam, "GET", QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(m_sync.port())));
        QVERIFY2(metrics.body.contains("rdk_edge_views_total{result=\"refused\"} 1"), metrics.body.right(2000).constData());
    }

    // The same X-Request-Id twice means the second answer came from the edge's copy: rdk-sync
    // makes a new one for every request it answers.
    void productAnswers_keptAtTheEdge_andFetchedAgainAfterAChange()
    {
        for (const QString &path : {u"/products/KEEP-ONE"_s, u"/api/products/KEEP-ONE"_s}) {
            const test::HttpReply first = get(path);
            QCOMPARE(first.status, 200);
            QVERIFY(!first.headers.contains("x-accel-expires"));   // nginx keeps it to itself
            const test::HttpReply second = get(path);
            QCOMPARE(second.headers.value("x-request-id"), first.headers.value("x-request-id"));
        }

        setColorway(u"KEEP-ONE"_s, u"Volt"_s);
        QTRY_VERIFY_WITH_TIMEOUT(get(u"/products/KEEP-ONE"_s).body.contains("Volt"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(get(u"/api/products/KEEP-ONE"_s).body.contains("Volt"), 5000);
        // And kept again: the refresh's answer is the copy now.
        const test::HttpReply refreshed = get(u"/products/KEEP-ONE"_s);
        QCOMPARE(get(u"/products/KEEP-ONE"_s).headers.value("x-request-id"), refreshed.headers.value("x-request-id"));
    }

    void catalogList_keptASecond_showsTheChangeSoonAfter()
    {
        QVERIFY(get(u"/"_s).body.contains("KEEP-TWO"));
        setColorway(u"KEEP-TWO"_s, u"Infrared"_s);
        QTRY_VERIFY_WITH_TIMEOUT(get(u"/"_s).body.contains("Infrared"), 5000);
    }

    void shopperAskingForARefresh_getsTheKeptCopy()
    {
        const test::HttpReply kept = get(u"/products/KEEP-ONE"_s);
        QCOMPARE(kept.status, 200);
        setColorway(u"KEEP-ONE"_s, u"Quiet"_s, true);
        const test::HttpReply forged = get(u"/products/KEEP-ONE"_s, {{"X-Rdk-Edge-Refresh", "1"}});
        QCOMPARE(forged.headers.value("x-request-id"), kept.headers.value("x-request-id"));
        QVERIFY(!forged.body.contains("Quiet"));
        // Positive control: the change is there for rdk-sync to render when it hears of it.
        setColorway(u"KEEP-ONE"_s, u"Loud"_s);
        QTRY_VERIFY_WITH_TIMEOUT(get(u"/products/KEEP-ONE"_s).body.contains("Loud"), 5000);
    }

    void shopperWithACart_isAnsweredByRdkSync_andNothingOfItIsKept()
    {
        const test::HttpReply kept = get(u"/products/KEEP-ONE"_s);
        const QList<QPair<QByteArray, QByteArray>> cart{{"Cookie", "rdk_cart=KEEP-ONE~10~2"}};
        const test::HttpReply withCart = get(u"/products/KEEP-ONE"_s, cart);
        QCOMPARE(withCart.status, 200);
        QVERIFY(withCart.headers.value("x-request-id") != kept.headers.value("x-request-id"));
        QVERIFY(withCart.body.contains("<span class=\"cart-count\">2</span>"));
        QVERIFY(get(u"/products/KEEP-ONE"_s, cart).headers.value("x-request-id") != withCart.headers.value("x-request-id"));
        // Everyone else still gets the copy, without someone's cart in it.
        const test::HttpReply after = get(u"/products/KEEP-ONE"_s);
        QCOMPARE(after.headers.value("x-request-id"), kept.headers.value("x-request-id"));
        QVERIFY(!after.body.contains("cart-count"));
    }

    void productTakenDown_isGoneFromTheEdge()
    {
        QCOMPARE(get(u"/products/KEEP-GONE"_s).status, 200);
        QCOMPARE(get(u"/api/products/KEEP-GONE"_s).status, 200);
        m_db->execOwner("UPDATE products SET archived = true WHERE sku = 'KEEP-GONE'");
        QTRY_COMPARE_WITH_TIMEOUT(get(u"/products/KEEP-GONE"_s).status, 404, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(get(u"/api/products/KEEP-GONE"_s).status, 404, 5000);
    }

    void answersForOneShopper_neverKept()
    {
        for (const QString &path : {u"/cart"_s, u"/orders/lookup"_s}) {
            const test::HttpReply first = get(path);
            QVERIFY2(first.status == 200, qPrintable(path));
            QVERIFY(get(path).headers.value("x-request-id") != first.headers.value("x-request-id"));
        }
    }
};

QTEST_GUILESS_MAIN(TestKeepingEdge)
#include "tst_keeping_edge.moc"

// The keeping edge of ADR 0034: Debian's nginx with resources/edge/nginx-keeping.conf.in in front
// of the real rdk-sync (the Stripe sandbox and PostgreSQL behind it), all on loopback. What the
// edge keeps, it serves without asking rdk-sync; what a committed change touches, rdk-sync asks it
// to fetch again; what is one shopper's, or gone, is never served from a copy. No timing is
// asserted: each wait has a generous bound, and PERFORMANCE.md has the measured delays.
#include "tests/support/childprocess.h"
#include "tests/support/e2efixture.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kWebhookSecret[] = "whsec_test_keeping_edge_secret";

/// nginx with the keeping edge's configuration, its files in `dir`, stopped with this object.
class KeepingEdge final {
public:
    ~KeepingEdge() { stop(); }

    bool start(const QString &dir, quint16 port, quint16 refreshPort, quint16 upstream, QString *error)
    {
        const QString nginx = QStandardPaths::findExecutable(u"nginx"_s, {u"/usr/sbin"_s, u"/usr/bin"_s});
        if (nginx.isEmpty()) {
            *error = u"nginx is not installed (Debian package nginx-light; scripts/test installs it)"_s;
            return false;
        }
        QFile in(QStringLiteral(RDK_SOURCE_DIR "/resources/edge/nginx-keeping.conf.in"));
        if (!in.open(QIODevice::ReadOnly)) {
            *error = u"can't read resources/edge/nginx-keeping.conf.in"_s;
            return false;
        }
        const QByteArray conf = in.readAll()
                                    .replace("@PREFIX@", dir.toUtf8())
                                    .replace("@WORKERS@", "1")
                                    .replace("@LISTEN@", "127.0.0.1:" + QByteArray::number(port))
                                    .replace("@REFRESH_LISTEN@", "127.0.0.1:" + QByteArray::number(refreshPort))
                                    .replace("@UPSTREAM@", "127.0.0.1:" + QByteArray::number(upstream))
                                    .replace("@CLIENT_ADDRESS@", "$remote_addr");
        QFile out(dir + u"/nginx.conf"_s);
        if (!QDir(dir).mkpath(u"tmp"_s) || !QDir(dir).mkpath(u"cache"_s) || !out.open(QIODevice::WriteOnly)
            || out.write(conf) != conf.size()) {
            *error = u"can't write the nginx configuration in %1"_s.arg(dir);
            return false;
        }
        out.close();
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        test::endWithThisTest(m_process);
        // Started as root (CI), nginx's workers would run as nobody, who can't write the cache in
        // this test's private directory.
        const QString global = ::geteuid() == 0 ? u"daemon off; user root;"_s : u"daemon off;"_s;
        m_process.start(nginx, {u"-p"_s, dir, u"-c"_s, dir + u"/nginx.conf"_s, u"-e"_s, dir + u"/startup.log"_s,
                                u"-g"_s, global});
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
        test::SyncStackOptions options{QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(service.login, service.password)),
                                       u"keeping-shop"_s, QString::fromLatin1(kWebhookSecret), u"sk_test_keeping_edge"_s};
        options.syncEnvironment = {{u"RDK_SYNC_TRUSTED_PROXIES"_s, u"127.0.0.1"_s},
                                   {u"RDK_SYNC_EDGE_REFRESH_URL"_s, u"http://127.0.0.1:%1"_s.arg(refreshPort)}};
        QString error;
        QVERIFY2(test::startSyncStack(m_sandbox, m_sync, m_nam, options, &error), qPrintable(error));
        QVERIFY2(m_edge.start(m_dir.path() + u"/edge"_s, port, refreshPort, m_sync.port(), &error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_edge.stop();
        m_sync.stop();
        m_sandbox.stop();
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

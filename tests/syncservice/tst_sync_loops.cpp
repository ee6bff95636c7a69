// rdk-sync with several HTTP event loops on one port (RDK_SYNC_EVENT_LOOPS, ADR 0027): the real
// binary against a real PostgreSQL. Every loop answers with the same bytes, headers, ETag/304
// and missing-route page; /metrics says which loops took requests; a second service can't
// share the port; and a stop with requests in flight answers them (or closes cleanly) and
// exits 0.
#include "tests/support/e2efixture.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kWebhookSecret[] = "whsec_test_sync_loops_secret";
constexpr int kLoops = 4;

/// One HTTP/1.1 answer read off a raw socket.
struct RawAnswer final {
    int status = 0;
    QHash<QByteArray, QByteArray> headers;   // lower-case names
    QByteArray body;
    bool complete = false;                   // status line, headers and Content-Length bytes of body
};

/// Parses the first answer in `data`; `used` is how many bytes it took when complete.
RawAnswer parseAnswer(const QByteArray &data, qsizetype *used = nullptr)
{
    RawAnswer answer;
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return answer;
    const QList<QByteArray> lines = data.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    answer.status = statusLine.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            answer.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = answer.headers.value("content-length", "0").toLongLong();
    if (data.size() - (end + 4) < length)
        return answer;
    answer.body = data.mid(end + 4, length);
    answer.complete = true;
    if (used)
        *used = end + 4 + length;
    return answer;
}

/// Sends `request` and reads one answer (5 s at most).
RawAnswer exchange(QTcpSocket &socket, const QByteArray &request)
{
    socket.write(request);
    socket.flush();
    QByteArray data;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 5000) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(200))
            continue;
        data += socket.readAll();
        RawAnswer answer = parseAnswer(data);
        if (answer.complete)
            return answer;
    }
    return parseAnswer(data);
}

QByteArray get(const QByteArray &path, const QByteArray &client, const QByteArray &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + client + "\r\n" + extra + "\r\n";
}

} // namespace

class TestSyncLoops final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    test::Login m_service;
    test::ServiceProcess m_sandbox;
    test::ServiceProcess m_sync;
    QNetworkAccessManager m_nam;

    QHash<QString, double> loopCounts()
    {
        const test::HttpReply metrics = test::httpRequest(m_nam, "GET", m_sync.url(u"/metrics"_s));
        QHash<QString, double> counts;
        static const QRegularExpression sample(uR"re(^rdk_http_loop_requests_total\{loop="(\d+)"\} (\S+)$)re"_s);
        for (const QByteArray &line : metrics.body.split('\n')) {
            const auto match = sample.match(QString::fromUtf8(line));
            if (match.hasMatch())
                counts.insert(match.captured(1), match.captured(2).toDouble());
        }
        return counts;
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        const QString tenant = m_db->createTenant(u"loops"_s);
        m_service = m_db->createServiceLogin(tenant);
        QString error;
        QVERIFY2(!test::seedProduct(*m_db, {.tenantId = tenant, .sku = u"LOOP-1"_s, .name = u"Dunk Low Panda"_s,
                                           .colorway = u"White/Black"_s, .priceMinor = 11000, .size10 = 3},
                                   &error).isEmpty(),
                 qPrintable(error));
        QVERIFY2(test::startSyncStack(m_sandbox, m_sync, m_nam,
                                      {QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)), u"loops"_s,
                                       QString::fromLatin1(kWebhookSecret), u"sk_test_sync_loops"_s,
                                       {{u"RDK_SYNC_EVENT_LOOPS"_s, QString::number(kLoops)}}},
                                      &error),
                 qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_sync.stop();
        m_sandbox.stop();
        m_db.reset();
    }

    void everyLoop_answersTheSameBytesHeadersAndRevalidation_andMetricsNameTheLoops()
    {
        const QHash<QString, double> before = loopCounts();
        // 32 connections, each from its own source port: the kernel spreads them over the loops.
        constexpr int connections = 32;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < connections; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, m_sync.port());
            QVERIFY(socket->waitForConnected(2000));
            sockets.push_back(std::move(socket));
        }
        QByteArray body;
        QByteArray etag;
        QByteArray apiEtag;
        QSet<QByteArray> requestIds;
        for (int i = 0; i < connections; ++i) {
            const QByteArray client = "10.40.0." + QByteArray::number(i + 1);
            // The page: a cache miss on the first connection (rendered on the pool), a ready
            // answer on the loop for the rest; both must be the same bytes with the same headers.
            const RawAnswer page = exchange(*sockets[i], get("/products/LOOP-1", client));
            QVERIFY2(page.complete, qPrintable(u"connection %1: no complete answer"_s.arg(i)));
            QCOMPARE(page.status, 200);
            if (body.isEmpty()) {
                body = page.body;
                etag = page.headers.value("etag");
            }
            QCOMPARE(page.body, body);
            QCOMPARE(page.headers.value("etag"), etag);
            QCOMPARE(page.headers.value("x-content-type-options"), QByteArray("nosniff"));
            QVERIFY(page.headers.value("content-security-policy").contains("default-src 'none'"));
            QCOMPARE(page.headers.value("ratelimit-limit"), QByteArray("60"));
            requestIds.insert(page.headers.value("x-request-id"));

            // The API answer revalidates with its ETag on every loop.
            const RawAnswer api = exchange(*sockets[i], get("/api/products/LOOP-1", client));
            QCOMPARE(api.status, 200);
            if (apiEtag.isEmpty())
                apiEtag = api.headers.value("etag");
            QCOMPARE(api.headers.value("etag"), apiEtag);
            const RawAnswer revalidated = exchange(*sockets[i], get("/api/products/LOOP-1", client, "If-None-Match: " + apiEtag + "\r\n"));
            QCOMPARE(revalidated.status, 304);
            QVERIFY(revalidated.body.isEmpty());

            // The missing-route answer, with its security headers, on every loop.
            const RawAnswer missing = exchange(*sockets[i], get("/no/such/page", client));
            QCOMPARE(missing.status, 404);
            QCOMPARE(missing.headers.value("x-content-type-options"), QByteArray("nosniff"));
            QCOMPARE(missing.body, QByteArray(R"({"error":{"message":"Not found."}})"));
        }
        QCOMPARE(requestIds.size(), connections);   // a request id each, whichever loop answered

        // /metrics (itself answered by one of the loops) counts the requests per loop: they
        // came in on more than one, and none was lost from the count.
        const QHash<QString, double> after = loopCounts();
        int loopsUsed = 0;
        double taken = 0;
        for (auto it = after.cbegin(); it != after.cend(); ++it) {
            const double delta = it.value() - before.value(it.key());
            QVERIFY2(it.key().toInt() < kLoops, qPrintable(u"loop %1 of %2"_s.arg(it.key()).arg(kLoops)));
            loopsUsed += delta > 0 ? 1 : 0;
            taken += delta;
        }
        QVERIFY2(loopsUsed >= 2, qPrintable(u"%1 connections all went to one event loop"_s.arg(connections)));
        // 3 answered requests per connection (the 404 bypasses the router's handler) + the
        // /metrics call that read the counts the first time.
        QVERIFY2(taken >= 3 * connections, qPrintable(u"counted %1"_s.arg(taken)));
    }

    void secondServiceOnTheSamePort_refusesToStart()
    {
        // SO_REUSEPORT would let a second process take half the connections; rdk-sync checks
        // the port with a plain bind first, so a mistaken second start fails as it always did.
        QProcess second;
        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        env.insert(u"RDK_LOG_LEVEL"_s, u"warn"_s);
        env.insert(u"DATABASE_URL"_s, QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)));
        env.insert(u"RDK_TENANT"_s, u"loops"_s);
        env.insert(u"RDK_SYNC_LISTEN"_s, u"127.0.0.1:%1"_s.arg(m_sync.port()));
        env.insert(u"RDK_SYNC_EVENT_LOOPS"_s, u"2"_s);
        env.insert(u"RDK_PUBLIC_URL"_s, u"http://127.0.0.1:9"_s);
        env.insert(u"STRIPE_SECRET_KEY"_s, u"sk_test_sync_loops"_s);
        env.insert(u"STRIPE_WEBHOOK_SECRET"_s, QString::fromLatin1(kWebhookSecret));
        env.insert(u"STRIPE_API_BASE"_s, m_sandbox.url({}).toString());
        second.setProcessEnvironment(env);
        second.start(QString::fromUtf8(RDK_SYNC_BINARY), {});
        QVERIFY(second.waitForFinished(15000));
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 1);
        const QByteArray said = second.readAllStandardError();
        QVERIFY2(said.contains("Can't listen on 127.0.0.1:" + QByteArray::number(m_sync.port())), said.constData());
        // The first one still serves.
        QCOMPARE(test::httpRequest(m_nam, "GET", m_sync.url(u"/healthz"_s)).status, 200);
    }

    // Last: it stops the service.
    void stopWithRequestsInFlight_answersOrClosesCleanly_andExitsZero()
    {
        // /readyz reads the migration files and asks the database: slow enough that most of
        // these are still on the worker pool when SIGTERM arrives.
        constexpr int connections = 48;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < connections; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, m_sync.port());
            QVERIFY(socket->waitForConnected(2000));
            sockets.push_back(std::move(socket));
        }
        for (int i = 0; i < connections; ++i) {
            sockets[i]->write(get("/readyz", "10.41.0." + QByteArray::number(i + 1)));
            sockets[i]->flush();
        }
        QTest::qWait(20);   // the loops read the requests; the pool is working on them
        m_sync.stop();
        QCOMPARE(m_sync.exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_sync.exitCode(), 0);

        int answered = 0;
        int closedEmpty = 0;
        for (int i = 0; i < connections; ++i) {
            QTcpSocket &socket = *sockets[i];
            QByteArray data;
            QElapsedTimer timer;
            timer.start();
            while (socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < 3000) {
                socket.waitForReadyRead(100);
                data += socket.readAll();
            }
            data += socket.readAll();
            if (data.isEmpty()) {
                ++closedEmpty;
                continue;
            }
            // Whatever was written is a whole answer: a ready page (200), or the sentence
            // for a request that came in after the stop began (503); never half of one.
            qsizetype used = 0;
            const RawAnswer answer = parseAnswer(data, &used);
            QVERIFY2(answer.complete, qPrintable(u"connection %1: a partial answer (%2 bytes)"_s.arg(i).arg(data.size())));
            QCOMPARE(used, data.size());
            QVERIFY2(answer.status == 200 || answer.status == 503, qPrintable(u"status %1"_s.arg(answer.status)));
            ++answered;
        }
        QCOMPARE(answered + closedEmpty, connections);
        QVERIFY2(answered > 0, "no request in flight was answered during the stop");
        qInfo("%d of %d requests in flight were answered during the stop, %d closed before they were read",
              answered, connections, closedEmpty);
    }
};

QTEST_GUILESS_MAIN(TestSyncLoops)
#include "tst_sync_loops.moc"

// The HTTP edge as the public meets it, in front of the real rdk-sync, the Stripe sandbox and a
// real PostgreSQL, all on loopback, started and stopped by this test. Every attack has its honest
// twin next to it. The same cases run against each edge: Caddy (resources/caddy/Caddyfile, ADR
// 0009) as tst_edge, and nginx (resources/edge, ADR 0034) as tst_edge_nginx.
#include "data/media/imagepipeline.h"
#include "data/media/placeholdersneaker.h"
#include "data/pgimagestore.h"
#include "data/pgrepositories.h"
#include "tests/support/childprocess.h"
#include "tests/support/e2efixture.h"
#include "tests/support/nginxedge.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <pqxx/pqxx>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kWebhookSecret[] = "whsec_test_edge_secret_0123456789";

qint64 nowMs()
{
    static QElapsedTimer clock = [] { QElapsedTimer t; t.start(); return t; }();
    return clock.elapsed();
}

/// A blocking loopback TCP client on plain sockets: a test of framing needs the exact bytes,
/// and 3,000 idle connections are cheaper as descriptors than as QTcpSockets.
class RawConnection final {
public:
    /// Connects to 127.0.0.1:`port`, from `source` (another 127/8 address) when given.
    explicit RawConnection(quint16 port, const char *source = nullptr)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0)
            return;
        if (source) {
            sockaddr_in local{};
            local.sin_family = AF_INET;
            ::inet_pton(AF_INET, source, &local.sin_addr);
            if (::bind(m_fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0) {
                close();
                return;
            }
        }
        sockaddr_in peer{};
        peer.sin_family = AF_INET;
        peer.sin_port = htons(port);
        peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&peer), sizeof peer) != 0) {
            close();
            return;
        }
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        // A peer that stops reading must not hang the test: a blocked send gives up after 2 s.
        const timeval sendTimeout{2, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, sizeof sendTimeout);
    }
    ~RawConnection() { close(); }
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    bool ok() const { return m_fd >= 0; }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    /// Writes all of `bytes` (false when the peer is gone).
    bool send(QByteArrayView bytes)
    {
        qsizetype sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.data() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            sent += n;
        }
        return true;
    }

    /// Reads until the peer closes or `timeoutMs` passes; `closed` says which.
    QByteArray readAll(int timeoutMs, bool *closed = nullptr)
    {
        QByteArray data;
        const qint64 deadline = nowMs() + timeoutMs;
        bool eof = false;
        while (!eof && nowMs() < deadline) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, int(std::max<qint64>(1, deadline - nowMs()))) <= 0)
                break;
            char buffer[65536];
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                eof = true;
            else
                data.append(buffer, n);
        }
        if (closed)
            *closed = eof;
        return data;
    }

    /// Reads one response whose headers end and whose Content-Length body has arrived.
    QByteArray readResponse(int timeoutMs)
    {
        QByteArray data;
        const qint64 deadline = nowMs() + timeoutMs;
        while (nowMs() < deadline) {
            const qsizetype end = data.indexOf("\r\n\r\n");
            if (end >= 0) {
                qsizetype length = 0;
                for (const QByteArray &line : data.first(end).split('\n'))
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                if (data.size() >= end + 4 + length)
                    return data;
            }
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, int(std::max<qint64>(1, deadline - nowMs()))) <= 0)
                break;
            char buffer[65536];
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            data.append(buffer, n);
        }
        return data;
    }

    /// True when something (an answer, or the peer's close) is waiting to be read.
    bool readable()
    {
        pollfd p{m_fd, POLLIN, 0};
        return ::poll(&p, 1, 0) > 0;
    }

    /// True while the peer has not closed (nothing to read and no EOF pending).
    bool stillOpen()
    {
        char byte;
        const ssize_t n = ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }

private:
    int m_fd = -1;
};

int statusOf(const QByteArray &response)
{
    return response.startsWith("HTTP/1.") ? response.mid(9, 3).toInt() : 0;
}

int responseCount(const QByteArray &bytes)
{
    // A status line at the start or after a line end (a body such as "ok\n" ends in \n alone).
    int count = bytes.startsWith("HTTP/1.") ? 1 : 0;
    for (qsizetype at = bytes.indexOf("\nHTTP/1."); at >= 0; at = bytes.indexOf("\nHTTP/1.", at + 1))
        ++count;
    return count;
}

QByteArray headerOf(const QByteArray &response, const QByteArray &name)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    for (const QByteArray &line : response.first(end < 0 ? response.size() : end).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

/// rdk-sync answers every request it handles with an X-Request-Id; the edge's own answers don't
/// have one. So the header tells who answered.
bool answeredBySync(const QByteArray &response)
{
    return !headerOf(response, "X-Request-Id").isEmpty();
}

qint64 residentKiB(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

/// Which edge this run puts in front of rdk-sync: `RDK_TEST_EDGE=nginx` (resources/edge, ADR
/// 0034) or, by default, Caddy (resources/caddy/Caddyfile, ADR 0009). Both must pass every case.
bool edgeIsNginx()
{
    return qEnvironmentVariable("RDK_TEST_EDGE") == u"nginx"_s;
}

/// The edge on loopback, offline, its files in `dir`, stopped with this object. Caddy runs without
/// an admin endpoint; nginx with the file resources/edge/render-nginx-conf writes.
class Edge final {
public:
    /// Time limits for a run of its own, in seconds (0: the shipped value).
    struct Limits {
        int headerSeconds = 0;
        int idleSeconds = 0;
    };

    ~Edge() { stop(); }

    QString name() const { return edgeIsNginx() ? u"nginx"_s : u"Caddy"_s; }

    bool start(const QString &dir, quint16 upstream, Limits limits, QString *error)
    {
        m_port = test::freeLoopbackPort();
        m_accessLog = dir + u"/access.log"_s;
        if (!QDir().mkpath(dir)) {
            *error = u"can't create %1"_s.arg(dir);
            return false;
        }
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        test::endWithThisTest(m_process);
        if (!(edgeIsNginx() ? startNginx(dir, upstream, limits, error) : startCaddy(dir, upstream, limits, error)))
            return false;
        if (!m_process.waitForStarted(5000)) {
            *error = name() + u" did not start"_s;
            return false;
        }
        const qint64 deadline = nowMs() + 15000;
        while (nowMs() < deadline && m_process.state() == QProcess::Running) {
            RawConnection probe(m_port);
            if (probe.ok() && probe.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                && statusOf(probe.readAll(2000)) == 200)
                return true;
            m_process.waitForReadyRead(100);
        }
        QFile errors(dir + u"/error.log"_s);
        errors.open(QIODevice::ReadOnly);
        *error = u"%1 did not answer on port %2:\n%3\n%4"_s.arg(name()).arg(m_port).arg(
            QString::fromUtf8(m_process.readAll().right(3000)), QString::fromUtf8(errors.readAll().right(3000)));
        return false;
    }

    void stop() { test::stopChild(m_process); }

    quint16 port() const { return m_port; }
    QByteArray accessLog() const
    {
        QFile file(m_accessLog);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private:
    bool startCaddy(const QString &dir, quint16 upstream, Limits limits, QString *error)
    {
        const QString caddy = QStandardPaths::findExecutable(u"caddy"_s);
        if (caddy.isEmpty()) {
            *error = u"caddy is not installed (Debian package caddy; scripts/test installs it)"_s;
            return false;
        }
        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"HOME"_s, dir);
        env.insert(u"XDG_DATA_HOME"_s, dir + u"/data"_s);
        env.insert(u"XDG_CONFIG_HOME"_s, dir + u"/config"_s);
        env.insert(u"RDK_EDGE_SITE"_s, u"http://127.0.0.1:%1"_s.arg(m_port));
        env.insert(u"RDK_EDGE_BIND"_s, u"127.0.0.1"_s);
        env.insert(u"RDK_EDGE_UPSTREAM"_s, u"127.0.0.1:%1"_s.arg(upstream));
        env.insert(u"RDK_EDGE_ADMIN"_s, u"off"_s);
        env.insert(u"RDK_EDGE_STORAGE"_s, dir + u"/storage"_s);
        env.insert(u"RDK_EDGE_ACCESS_LOG"_s, m_accessLog);
        if (limits.headerSeconds)
            env.insert(u"RDK_EDGE_READ_HEADER"_s, u"%1s"_s.arg(limits.headerSeconds));
        if (limits.idleSeconds)
            env.insert(u"RDK_EDGE_IDLE"_s, u"%1s"_s.arg(limits.idleSeconds));
        m_process.setProcessEnvironment(env);
        m_process.start(caddy, {u"run"_s, u"--config"_s, QStringLiteral(RDK_SOURCE_DIR "/resources/caddy/Caddyfile"),
                                u"--adapter"_s, u"caddyfile"_s});
        return true;
    }

    bool startNginx(const QString &dir, quint16 upstream, Limits limits, QString *error)
    {
        QStringList settings{u"workers=1"_s, u"listen=127.0.0.1:%1"_s.arg(m_port),
                             u"refresh_listen=127.0.0.1:%1"_s.arg(test::freeLoopbackPort()),
                             u"upstream=127.0.0.1:%1"_s.arg(upstream), u"access_log="_s + m_accessLog};
        if (limits.headerSeconds)
            settings.append(u"header_timeout=%1s"_s.arg(limits.headerSeconds));
        if (limits.idleSeconds)
            settings.append(u"idle_timeout=%1s"_s.arg(limits.idleSeconds));
        return test::startNginxEdge(m_process, QStringLiteral(RDK_SOURCE_DIR), dir, settings, error);
    }

    QProcess m_process;
    quint16 m_port = 0;
    QString m_accessLog;
};

/// One request on its own connection, answer read whole.
QByteArray exchange(quint16 port, const QByteArray &request, const char *source = nullptr, int timeoutMs = 5000)
{
    RawConnection c(port, source);
    if (!c.ok() || !c.send(request))
        return {};
    return c.readResponse(timeoutMs);
}

QByteArray checkoutRequest(const QByteArray &forwardedFor)
{
    const QByteArray body = R"({"items":[]})";
    QByteArray request = "POST /api/checkout HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    if (!forwardedFor.isEmpty())
        request += "X-Forwarded-For: " + forwardedFor + "\r\n";
    return request + "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

} // namespace

class TestEdge final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    test::ServiceProcess m_sandbox;
    test::ServiceProcess m_sync;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_dir;
    Edge m_edge;
    QByteArray m_syncLog;

    /// Everything rdk-sync has logged so far (its access log is on: RDK_LOG_LEVEL=info).
    const QByteArray &syncLog()
    {
        QCoreApplication::processEvents();
        m_syncLog += m_sync.errors();
        return m_syncLog;
    }

    QString addProduct(const QString &tenantId, const QString &sku, bool published)
    {
        QString error;
        const QString id = test::seedProduct(*m_db, {.tenantId = tenantId, .sku = sku, .name = u"Edge Runner "_s + sku,
                                                     .colorway = u"Black"_s, .priceMinor = 12000, .flatStock = 3,
                                                     .published = published, .photoSeed = 3, .photoWidth = 800,
                                                     .photoHeight = 600},
                                             &error);
        if (id.isEmpty())
            qWarning().noquote() << error;
        return id;
    }

    QByteArray mediaPathOf(const QString &sku)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        const auto row = tx.exec_params1("SELECT v.file_name FROM product_image_variants v JOIN product_images i ON i.id = v.image_id "
                                         "JOIN products p ON p.id = i.product_id WHERE p.sku = $1 AND v.variant = 'medium'",
                                         sku.toStdString());
        return "/media/" + QByteArray::fromStdString(row[0].as<std::string>());
    }

    QByteArray get(const QByteArray &target)
    {
        return exchange(m_edge.port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

private Q_SLOTS:
    void initTestCase()
    {
        // 3,000 slow clients are 3,000 descriptors in this process.
        rlimit files{};
        ::getrlimit(RLIMIT_NOFILE, &files);
        files.rlim_cur = std::min<rlim_t>(files.rlim_max, 16384);
        ::setrlimit(RLIMIT_NOFILE, &files);

        QVERIFY(m_dir.isValid());
        RDK_CREATE_TEST_DATABASE(m_db);
        const QString tenant = m_db->createTenant(u"edge-shop"_s);
        const test::Login service = m_db->createServiceLogin(tenant);
        QVERIFY(!addProduct(tenant, u"EDGE-LIVE"_s, true).isEmpty());
        QVERIFY(!addProduct(tenant, u"EDGE-DRAFT"_s, false).isEmpty());
        QVERIFY(!addProduct(tenant, u"EDGE-OLD"_s, true).isEmpty());
        m_db->execOwner("UPDATE products SET archived = true WHERE sku = 'EDGE-OLD'");

        test::SyncStackOptions options{QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(service.login, service.password)),
                                       u"edge-shop"_s, QString::fromLatin1(kWebhookSecret), u"sk_test_edge_stack"_s};
        // As in scripts/run: rdk-sync believes X-Forwarded-For from the edge's address only.
        options.syncEnvironment = {{u"RDK_SYNC_TRUSTED_PROXIES"_s, u"127.0.0.1"_s}, {u"RDK_LOG_LEVEL"_s, u"info"_s}};
        QString error;
        QVERIFY2(test::startSyncStack(m_sandbox, m_sync, m_nam, options, &error), qPrintable(error));
        QVERIFY2(m_edge.start(m_dir.path() + u"/edge"_s, m_sync.port(), {}, &error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        m_edge.stop();
        m_sync.stop();
        m_sandbox.stop();
    }

    // --- Body limits ------------------------------------------------------------------------

    void body100MB_refusedAtEdge_syncMemoryFlat_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addRow("checkout") << QByteArray("/api/checkout");
        QTest::addRow("webhook") << QByteArray("/api/stripe/webhook");
        QTest::addRow("cart form") << QByteArray("/cart/add");
    }

    void body100MB_refusedAtEdge_syncMemoryFlat()
    {
        QFETCH(QByteArray, path);
        constexpr qint64 size = 100LL * 1024 * 1024;
        const qint64 before = residentKiB(m_sync.pid());
        QVERIFY(before > 0);

        RawConnection c(m_edge.port());
        QVERIFY(c.ok());
        QVERIFY(c.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Content-Length: " + QByteArray::number(size) + "\r\n\r\n"));
        // Send the whole body as a client would, until the edge's answer (or its hang-up) stops us.
        // The answer is read as soon as it is there: once the edge closes, unread data may be lost.
        const QByteArray chunk(256 * 1024, 'x');
        qint64 sent = 0;
        const qint64 deadline = nowMs() + 30000;
        while (sent < size && nowMs() < deadline && !c.readable() && c.send(chunk))
            sent += chunk.size();
        const QByteArray answer = c.readResponse(5000);
        QCOMPARE(statusOf(answer), 413);
        QVERIFY2(!answeredBySync(answer), answer.constData());
        QThread::msleep(300);
        const qint64 after = residentKiB(m_sync.pid());
        qInfo("100 MB to %s: 413 from %s after %lld MB sent; rdk-sync RSS %lld -> %lld KiB", path.constData(),
              qPrintable(m_edge.name()), sent / (1024 * 1024), before, after);
        QVERIFY2(after - before < 4 * 1024, qPrintable(u"rdk-sync grew by %1 KiB"_s.arg(after - before)));

        // Honest twin: a small body on the same route goes through to rdk-sync.
        const QByteArray small = exchange(m_edge.port(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                         "Content-Type: application/json\r\nContent-Length: 2\r\n"
                                                         "Connection: close\r\n\r\n{}");
        QVERIFY2(answeredBySync(small) && statusOf(small) != 413, small.constData());
    }

    void bodyJustOverRouteLimit_413_atEdge()
    {
        const QByteArray over(16 * 1024 + 1, 'x');
        const QByteArray answer = exchange(m_edge.port(), "POST /api/checkout HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                          "Content-Length: " + QByteArray::number(over.size()) + "\r\n\r\n" + over);
        QCOMPARE(statusOf(answer), 413);
        QVERIFY(!answeredBySync(answer));
        // The webhook route takes more (Stripe events with expanded lines): 100 KiB reaches rdk-sync,
        // which refuses the missing signature itself.
        const QByteArray event(100 * 1024, 'x');
        const QByteArray webhook = exchange(m_edge.port(), "POST /api/stripe/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                           "Content-Length: " + QByteArray::number(event.size())
                                                           + "\r\nConnection: close\r\n\r\n" + event);
        QVERIFY2(answeredBySync(webhook) && statusOf(webhook) == 400, webhook.left(400).constData());
    }

    // --- Framing ----------------------------------------------------------------------------

    void conflictingFraming_400_andNoSecondRequest_data()
    {
        QTest::addColumn<QByteArray>("request");
        const QByteArray smuggled = "GET /healthz?smuggled=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        const QByteArray chunkedEnd = "0\r\n\r\n" + smuggled;
        QTest::addRow("CL covers the smuggled request")
            << "POST /cart/add HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + QByteArray::number(chunkedEnd.size())
                   + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedEnd;
        QTest::addRow("TE first, short CL")
            << "POST /api/checkout HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                   + chunkedEnd;
        QTest::addRow("chunked alone")
            << "POST /api/checkout HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedEnd;
    }

    void conflictingFraming_400_andNoSecondRequest()
    {
        QFETCH(QByteArray, request);
        RawConnection c(m_edge.port());
        QVERIFY(c.ok());
        QVERIFY(c.send(request));
        bool closed = false;
        const QByteArray answer = c.readAll(3000, &closed);
        QCOMPARE(statusOf(answer), 400);
        QCOMPARE(responseCount(answer), 1);
        QVERIFY2(closed, "the edge keeps the connection open after refusing the framing");
        QVERIFY(!answeredBySync(answer));
        QThread::msleep(200);
        QVERIFY2(!syncLog().contains("smuggled"), "the smuggled request reached rdk-sync");
        QVERIFY(!m_edge.accessLog().contains("smuggled"));

        // Honest twin: two pipelined requests with proper lengths get two answers.
        const QByteArray honest = "GET /healthz?honest=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                  "GET /healthz?honest=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        RawConnection h(m_edge.port());
        QVERIFY(h.send(honest));
        const QByteArray both = h.readAll(3000);
        QCOMPARE(responseCount(both), 2);
        QThread::msleep(200);
        QVERIFY(syncLog().contains("honest=2"));
    }

    // HEAD (uptime checks, link checkers, anyone on the internet) is answered without a body.
    // A body after a HEAD answer would be read as the start of the next answer on the same
    // connection: the edge keeps its connections to rdk-sync open, so one HEAD could spoil the
    // answer of some other shopper.
    void head_answeredWithoutBody_andTheConnectionStaysUsable_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::addRow("catalog") << QByteArray("/") << 200;
        QTest::addRow("product page") << QByteArray("/products/EDGE-LIVE") << 200;
        QTest::addRow("no such route") << QByteArray("/no/such/page") << 404;
        QTest::addRow("health") << QByteArray("/healthz") << 200;
    }

    void head_answeredWithoutBody_andTheConnectionStaysUsable()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        // Through the edge: GET's status and headers, no body, and the GETs after it answer.
        // From an address of its own, so the other tests' requests don't count against it.
        for (int i = 0; i < 3; ++i) {
            const QByteArray head = exchange(m_edge.port(), "HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                             "127.0.0.7");
            QVERIFY2(statusOf(head) == status, head.constData());
            QVERIFY2(head.endsWith("\r\n\r\n"), head.constData());
            QCOMPARE(statusOf(exchange(m_edge.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                       "127.0.0.7")), 200);
            QTest::qWait(1);   // lets this process read rdk-sync's log pipe, which would otherwise fill and stall it
        }
        // Straight to rdk-sync (which routes GET only): not found, without the body, and the next
        // pipelined answer starts right after the headers.
        RawConnection c(m_sync.port(), "127.0.0.8");
        QVERIFY(c.ok());
        QVERIFY(c.send("HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                       "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        const QByteArray both = c.readAll(3000);
        QCOMPARE(statusOf(both), 404);
        const qsizetype end = both.indexOf("\r\n\r\n");
        QVERIFY(end > 0);
        QVERIFY2(both.mid(end + 4).startsWith("HTTP/1.1 200"), both.constData());
    }

    void http10AndConnectionClose_areClosedAfterTheAnswer_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addRow("HTTP/1.0") << QByteArray("GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        QTest::addRow("Connection: close") << QByteArray("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    void http10AndConnectionClose_areClosedAfterTheAnswer()
    {
        QFETCH(QByteArray, request);
        RawConnection c(m_edge.port());
        QVERIFY(c.send(request));
        bool closed = false;
        const QByteArray answer = c.readAll(3000, &closed);
        QCOMPARE(statusOf(answer), 200);
        QVERIFY(closed);
    }

    void oversizedHeaders_refused()
    {
        QByteArray many = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        for (int i = 0; i < 10000; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        const QByteArray answer = exchange(m_edge.port(), many + "\r\n");
        QVERIFY2(statusOf(answer) == 431 || statusOf(answer) == 400 || answer.isEmpty(), answer.left(200).constData());
        const QByteArray big = exchange(m_edge.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                                                        + QByteArray(1024 * 1024, 'a') + "\r\n\r\n");
        QVERIFY2(statusOf(big) == 431 || statusOf(big) == 400 || big.isEmpty(), big.left(200).constData());
        // Honest twin: a few ordinary headers pass.
        QCOMPARE(statusOf(exchange(m_edge.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\nX-B: 2\r\n"
                                                  "Connection: close\r\n\r\n")),
                 200);
    }

    // --- Time limits ------------------------------------------------------------------------

    void idleAndSlowConnections_closedWithinConfiguredTime()
    {
        // An edge of its own with short timeouts, set through its configuration's settings.
        Edge quick;
        QString error;
        QVERIFY2(quick.start(m_dir.path() + u"/quick"_s, m_sync.port(), {.headerSeconds = 2, .idleSeconds = 2}, &error),
                 qPrintable(error));
        constexpr qint64 limitMs = 2000;
        constexpr qint64 slackMs = 2000;

        // Connected and silent.
        RawConnection silent(quick.port());
        const qint64 t0 = nowMs();
        bool closed = false;
        silent.readAll(int(limitMs + slackMs + 2000), &closed);
        const qint64 silentMs = nowMs() - t0;
        QVERIFY(closed);

        // Headers dripped a line every 400 ms (slowloris).
        RawConnection drip(quick.port());
        const qint64 t1 = nowMs();
        drip.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        int lines = 0;
        while (drip.stillOpen() && nowMs() - t1 < limitMs + slackMs + 2000) {
            QThread::msleep(400);
            if (!drip.send("X-Drip-" + QByteArray::number(++lines) + ": 1\r\n"))
                break;
        }
        drip.readAll(1000, &closed);
        const qint64 dripMs = nowMs() - t1;

        // Idle keep-alive after an answer; still usable within the idle time (honest twin).
        RawConnection idle(quick.port());
        QVERIFY(idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        QCOMPARE(statusOf(idle.readResponse(3000)), 200);
        QThread::msleep(500);
        QVERIFY(idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        QCOMPARE(statusOf(idle.readResponse(3000)), 200);
        const qint64 t2 = nowMs();
        bool idleClosed = false;
        idle.readAll(int(limitMs + slackMs + 2000), &idleClosed);
        const qint64 idleMs = nowMs() - t2;

        qInfo("closed by %s (limits 2 s): silent connection after %lld ms, header drip after %lld ms, "
              "idle keep-alive after %lld ms", qPrintable(quick.name()), silentMs, dripMs, idleMs);
        QVERIFY(silentMs < limitMs + slackMs);
        QVERIFY(dripMs < limitMs + slackMs);
        QVERIFY(idleClosed);
        QVERIFY(idleMs >= limitMs - 500 && idleMs < limitMs + slackMs);
    }

    void slowConnections3000_normalRequestStillQuick()
    {
        auto sample = [this](int count) {
            QList<qint64> micros;
            for (int i = 0; i < count; ++i) {
                QElapsedTimer t;
                t.start();
                const QByteArray answer = get("/healthz");
                micros.append(t.nsecsElapsed() / 1000);
                if (statusOf(answer) != 200)
                    micros.last() = -1;
            }
            std::sort(micros.begin(), micros.end());
            return micros;
        };
        const QList<qint64> quiet = sample(20);
        QVERIFY(quiet.first() >= 0);

        // 3,000 clients that sent half a request line each and then went quiet (slowloris).
        constexpr int slowCount = 3000;
        std::vector<std::unique_ptr<RawConnection>> slow;
        slow.reserve(slowCount);
        const qint64 t0 = nowMs();
        for (int i = 0; i < slowCount; ++i) {
            auto c = std::make_unique<RawConnection>(m_edge.port());
            QVERIFY2(c->ok(), qPrintable(u"connection %1 failed"_s.arg(i)));
            c->send("GET /products/EDGE-LIVE HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            slow.push_back(std::move(c));
        }
        const qint64 openMs = nowMs() - t0;
        const QList<qint64> loaded = sample(20);
        int stillOpen = 0;
        for (auto &c : slow)
            stillOpen += c->stillOpen() ? 1 : 0;
        slow.clear();

        QVERIFY(loaded.first() >= 0);
        qInfo("GET /healthz through %s: median %.2f ms, max %.2f ms alone; median %.2f ms, max %.2f ms with %d slow "
              "connections open (%d still held at the end; opened in %lld ms)", qPrintable(m_edge.name()),
              quiet.at(quiet.size() / 2) / 1000.0, quiet.last() / 1000.0, loaded.at(loaded.size() / 2) / 1000.0,
              loaded.last() / 1000.0, slowCount, stillOpen, openMs);
        QVERIFY2(stillOpen > slowCount * 9 / 10, "the slow connections were not held during the measurement");
        QVERIFY2(loaded.last() < 2'000'000, "a normal request waited more than 2 s behind slow clients");
    }

    // --- Who the client is ------------------------------------------------------------------

    void forgedForwardedFor_throughEdge_rateLimitedUnderRealAddress()
    {
        // The client connects from 127.0.0.3, so its real address differs from the edge's.
        QList<int> remaining;
        for (int i = 1; i <= 4; ++i) {
            const QByteArray answer = exchange(m_edge.port(), checkoutRequest("203.0.113." + QByteArray::number(i)), "127.0.0.3");
            QVERIFY2(answeredBySync(answer), answer.left(300).constData());
            remaining.append(headerOf(answer, "RateLimit-Remaining").toInt());
        }
        qInfo() << "checkout budget left through" << m_edge.name() << "forged X-Forwarded-For each time:" << remaining;
        for (int i = 1; i < remaining.size(); ++i)
            QVERIFY2(remaining.at(i) < remaining.at(i - 1), "a forged X-Forwarded-For bought a fresh budget");
        QThread::msleep(200);
        // Honest twin: rdk-sync does see the real client (the edge wrote it), not the edge and not the forgery.
        const QByteArray log = syncLog();
        QVERIFY2(log.contains("127.0.0.3"), "rdk-sync never saw the client's real address");
        QVERIFY2(!log.contains("203.0.113."), "rdk-sync believed a forged address");
    }

    // A client reading as fast as it can is slowed down at once (429), and nobody else is.
    // Behind Caddy rdk-sync refuses. The reads nginx answers from its copies never reach
    // rdk-sync's limiter, so nginx keeps the same budgets per client itself.
    void rapidReads_limitedPerClient_otherClientsServed()
    {
        const QByteArray read = "GET /products/EDGE-LIVE HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        int served = 0;
        int refused = 0;
        QByteArray lastServed;
        for (int i = 0; i < 150; ++i) {
            const QByteArray answer = exchange(m_edge.port(), read, "127.0.0.9");
            // Behind Caddy every read reaches rdk-sync, which logs it: this process must read
            // that log pipe as it goes, or rdk-sync stalls on a full pipe.
            QTest::qWait(1);
            const int status = statusOf(answer);
            QVERIFY2(status == 200 || status == 429, answer.left(300).constData());
            if (status == 200)
                lastServed = answer;
            (status == 200 ? served : refused) += 1;
        }
        qInfo("150 reads of one page from one client through %s: %d served, %d refused", qPrintable(m_edge.name()),
              served, refused);
        QVERIFY(served >= 60);   // the page budget's burst
        QVERIFY(refused > 0);
        // A kept copy carries the budget of whoever filled it, so the keeping edge drops it.
        if (edgeIsNginx())
            QVERIFY2(headerOf(lastServed, "RateLimit-Remaining").isEmpty(), lastServed.left(600).constData());
        // Honest twin: another client is served at once.
        QCOMPARE(statusOf(exchange(m_edge.port(), read, "127.0.0.10")), 200);
    }

    // ADR 0034: what rdk-sync tells a keeping edge (X-Accel-Expires) never reaches a shopper
    // through either edge, and a shopper can't pass itself off as the edge refreshing a page.
    void keepingEdgeHeaders_neitherReachShoppersNorComeFromThem()
    {
        const QByteArray direct = exchange(m_sync.port(), "GET /products/EDGE-LIVE HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                          "Connection: close\r\n\r\n", "127.0.0.1");
        QCOMPARE(headerOf(direct, "X-Accel-Expires"), QByteArray("60"));   // rdk-sync does say it
        const QByteArray viaEdge = get("/products/EDGE-LIVE");
        QVERIFY2(answeredBySync(viaEdge), viaEdge.left(300).constData());
        QVERIFY(headerOf(viaEdge, "X-Accel-Expires").isEmpty());

        // A change rdk-sync isn't told of (its notice trigger off for one transaction): only the
        // trusted edge's refresh would show it.
        m_db->execOwner("ALTER TABLE products DISABLE TRIGGER products_notify; "
                        "UPDATE products SET colorway = 'Quiet Change' WHERE sku = 'EDGE-LIVE'; "
                        "ALTER TABLE products ENABLE TRIGGER products_notify");
        const QByteArray refresh = "GET /products/EDGE-LIVE HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Rdk-Edge-Refresh: 1\r\n"
                                   "Connection: close\r\n\r\n";
        const QByteArray forged = exchange(m_edge.port(), refresh, "127.0.0.3");
        QVERIFY2(answeredBySync(forged), forged.left(300).constData());
        QVERIFY(!forged.contains("Quiet Change"));
        // Positive control: the same request from the trusted proxy's own address renders afresh.
        QVERIFY(exchange(m_sync.port(), refresh, "127.0.0.1").contains("Quiet Change"));
    }

    void forgedForwardedFor_directFromUntrustedPeer_ignored()
    {
        // 127.0.0.2 is not the configured proxy: its X-Forwarded-For is just a header.
        QList<int> untrusted;
        for (int i = 1; i <= 4; ++i) {
            const QByteArray answer = exchange(m_sync.port(), checkoutRequest("198.51.100." + QByteArray::number(i)), "127.0.0.2");
            untrusted.append(headerOf(answer, "RateLimit-Remaining").toInt());
        }
        // Honest twin: from the configured proxy's address the header is believed, so each named
        // client has its own budget.
        QList<int> fromProxy;
        for (int i = 1; i <= 4; ++i) {
            const QByteArray answer = exchange(m_sync.port(), checkoutRequest("192.0.2." + QByteArray::number(i)), "127.0.0.1");
            fromProxy.append(headerOf(answer, "RateLimit-Remaining").toInt());
        }
        qInfo() << "checkout budget left, direct: untrusted peer" << untrusted << "configured proxy" << fromProxy;
        for (int i = 1; i < untrusted.size(); ++i)
            QVERIFY2(untrusted.at(i) < untrusted.at(i - 1), "an untrusted peer chose its own rate-limit key");
        QCOMPARE(fromProxy, (QList<int>{fromProxy.first(), fromProxy.first(), fromProxy.first(), fromProxy.first()}));
    }

    void publicListenAddress_refusedWithoutFlag()
    {
        QProcess sync;
        QProcessEnvironment env;
        env.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
        env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        env.insert(u"DATABASE_URL"_s, u"postgresql://nobody:x@127.0.0.1:1/none"_s);
        env.insert(u"RDK_TENANT"_s, u"edge-shop"_s);
        env.insert(u"RDK_PUBLIC_URL"_s, u"http://127.0.0.1:9"_s);
        env.insert(u"STRIPE_SECRET_KEY"_s, u"sk_test_edge_stack"_s);
        env.insert(u"STRIPE_WEBHOOK_SECRET"_s, QString::fromLatin1(kWebhookSecret));
        env.insert(u"RDK_SYNC_LISTEN"_s, u"0.0.0.0:0"_s);
        sync.setProcessEnvironment(env);
        sync.start(QStringLiteral(RDK_SYNC_BINARY), {});
        QVERIFY(sync.waitForFinished(10000));
        QCOMPARE(sync.exitCode(), 2);
        QVERIFY(sync.readAllStandardError().contains("RDK_SYNC_ALLOW_PUBLIC_LISTEN"));
        // Honest twin: the rdk-sync behind this test's edge listens on loopback and serves.
        QCOMPARE(statusOf(exchange(m_sync.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")), 200);
    }

    // --- Leaks ------------------------------------------------------------------------------

    void metrics_notThroughEdge_onlyForLoopbackPeers()
    {
        for (const QByteArray &path : {QByteArray("/metrics"), QByteArray("/METRICS"), QByteArray("//metrics"),
                                       QByteArray("/metrics/"), QByteArray("/metrics?x=1"), QByteArray("/readyz")}) {
            const QByteArray answer = get(path);
            QVERIFY2(statusOf(answer) == 404 && !answer.contains("rdk_http"), path.constData());
        }
        // Honest twin: on the host, rdk-sync's own address serves them, whatever X-Forwarded-For says.
        const QByteArray direct = exchange(m_sync.port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                          "X-Forwarded-For: 203.0.113.200\r\nConnection: close\r\n\r\n");
        QCOMPARE(statusOf(direct), 200);
        QVERIFY(direct.contains("rdk_http"));
    }

    void orderStatus_garbageIds_answeredInOurWords_data()
    {
        QTest::addColumn<QByteArray>("id");
        QTest::addRow("dashes only") << QByteArray(36, '-');
        QTest::addRow("misplaced dashes") << QByteArray("0000000000000000000000000000-0000000");
        QTest::addRow("hex and dashes") << QByteArray("abcdefab-cdef-abcd-efab-cdefabcdef--");
        QTest::addRow("short") << QByteArray("zzz");
        QTest::addRow("quote") << QByteArray("%27%3B%20select%201--");
        QTest::addRow("percent-encoded NUL") << QByteArray("%00");
        QTest::addRow("long") << QByteArray(3000, 'a');
    }

    void orderStatus_garbageIds_answeredInOurWords()
    {
        QFETCH(QByteArray, id);
        const QByteArray answer = get("/api/orders/" + id);
        const int status = statusOf(answer);
        QVERIFY2(status == 404 || status == 400, answer.left(300).constData());
        for (const char *server : {"ERROR", "uuid", "syntax", "pqxx", "SQL", "invalid input", "relation", "column"})
            QVERIFY2(!answer.contains(server), answer.constData());
        // Honest twin: a well-formed id nobody has is a plain "No such order".
        const QByteArray unknown = get("/api/orders/00000000-0000-4000-8000-000000000000");
        QCOMPARE(statusOf(unknown), 404);
        QVERIFY(unknown.contains("No such order."));
    }

    void media_unpublishedOrArchivedProducts_notServed()
    {
        QCOMPARE(statusOf(get(mediaPathOf(u"EDGE-LIVE"_s))), 200);
        QCOMPARE(statusOf(get(mediaPathOf(u"EDGE-DRAFT"_s))), 404);
        QCOMPARE(statusOf(get(mediaPathOf(u"EDGE-OLD"_s))), 404);
        // Taking a product down takes its photos down with it.
        m_db->execOwner("UPDATE products SET published = false WHERE sku = 'EDGE-LIVE'");
        QCOMPARE(statusOf(get(mediaPathOf(u"EDGE-LIVE"_s))), 404);
        m_db->execOwner("UPDATE products SET published = true WHERE sku = 'EDGE-LIVE'");
        QCOMPARE(statusOf(get(mediaPathOf(u"EDGE-LIVE"_s))), 200);
    }
};

QTEST_GUILESS_MAIN(TestEdge)
#include "tst_edge.moc"

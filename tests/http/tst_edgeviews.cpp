// Page views the keeping edge reports over syslog (sync/edgeviews): the parser takes exactly what
// Debian's nginx 1.22 writes and refuses everything else with a reason, and the listener receives
// them over real loopback UDP, refuses what the parser refuses (or what comes from elsewhere)
// without losing the next datagram, and shares its port with SO_REUSEPORT so that each datagram
// reaches exactly one of several listeners.
#include "sync/edgeviews.h"
#include "sync/http/metrics.h"

#include <QNetworkInterface>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUdpSocket>

#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::EdgeView;
using rdk::sync::EdgeViewListener;
using rdk::sync::MetricsRegistry;
using rdk::sync::parseEdgeView;
using PortSharing = rdk::sync::EdgeViewListener::PortSharing;

namespace {

// Two datagrams as Debian's nginx 1.22 sent them (the first with the user agent
// `Moz "q\\ é`, i.e. two backslashes, which nginx's escape=json doubles).
const QByteArray nginxEscaped =
    "<190>Dec  8 00:02:26 rdk_views: {\"t\":1796688146.619,\"c\":\"127.0.0.1\",\"ua\":\"Moz \\\"q\\\\\\\\ \xc3\xa9\",\"p\":\"/products/x y\"}"_ba;
const QByteArray nginxCurl =
    R"(<190>Dec  8 00:02:26 rdk_views: {"t":1796688146.628,"c":"127.0.0.1","ua":"curl/7.88.1","p":"/"})"_ba;

const QByteArray prefix = "<190>Dec  8 00:02:26 rdk_views: "_ba;

QByteArray view(const QByteArray &t, const QByteArray &c, const QByteArray &ua, const QByteArray &p)
{
    return prefix + R"({"t":)" + t + R"(,"c":)" + c + R"(,"ua":)" + ua + R"(,"p":)" + p + '}';
}

// The base every hostile row changes in one place; the first accept row proves it parses.
QByteArray base()
{
    return view("1796688146.619", R"("203.0.113.7")", R"("Mozilla/5.0")", R"("/products/AJ1-CHI")");
}

QByteArray quoted(const QByteArray &text)
{
    return '"' + text + '"';
}

QByteArray sample(const QByteArray &metrics, const QByteArray &series)
{
    for (const QByteArray &line : metrics.split('\n')) {
        if (line.startsWith(series + ' '))
            return line;
    }
    return {};
}

} // namespace

class TstEdgeViews final : public QObject {
    Q_OBJECT

    struct Receiver final {
        std::unique_ptr<EdgeViewListener> listener = std::make_unique<EdgeViewListener>();
        QList<EdgeView> views;
        quint16 port = 0;
    };

    // A listener whose sink collects the views; QVERIFY-friendly through the returned port (0 on failure).
    std::unique_ptr<Receiver> receiver(PortSharing sharing = PortSharing::Exclusive, quint16 port = 0,
                                       MetricsRegistry *metrics = nullptr)
    {
        auto made = std::make_unique<Receiver>();
        Receiver *r = made.get();
        r->listener->setSink([r](const EdgeView &v) { r->views.append(v); });
        if (metrics)
            r->listener->countInto(metrics);
        const auto bound = r->listener->listen(QHostAddress::LocalHost, port, sharing);
        if (bound)
            r->port = *bound;
        else
            qWarning().noquote() << "listen failed:" << bound.error().message;
        return made;
    }

    static void send(QUdpSocket &from, const QByteArray &datagram, quint16 port)
    {
        QCOMPARE(from.writeDatagram(datagram, QHostAddress::LocalHost, port), qint64(datagram.size()));
    }

private Q_SLOTS:
    void parse_validDatagram_givesTheFields_data()
    {
        QTest::addColumn<QByteArray>("datagram");
        QTest::addColumn<QString>("client");
        QTest::addColumn<QByteArray>("userAgent");
        QTest::addColumn<QString>("path");
        QTest::addColumn<qint64>("msecs");

        QTest::addRow("the base of the hostile rows")
            << base() << u"203.0.113.7"_s << "Mozilla/5.0"_ba << u"/products/AJ1-CHI"_s << qint64(1796688146619);
        QTest::addRow("nginx 1.22: escaped quote, backslashes and UTF-8")
            << nginxEscaped << u"127.0.0.1"_s << "Moz \"q\\\\ \xc3\xa9"_ba << u"/products/x y"_s << qint64(1796688146619);
        QTest::addRow("nginx 1.22: curl at the root")
            << nginxCurl << u"127.0.0.1"_s << "curl/7.88.1"_ba << u"/"_s << qint64(1796688146628);
        QTest::addRow("IPv6 client")
            << view("1796688146.001", R"("2001:db8::7")", R"("Mozilla/5.0")", R"("/products")") << u"2001:db8::7"_s
            << "Mozilla/5.0"_ba << u"/products"_s << qint64(1796688146001);
        QTest::addRow("IPv4-mapped client comes back as IPv4")
            << view("1796688146.001", R"("::ffff:198.51.100.4")", R"("x")", R"("/")") << u"198.51.100.4"_s << "x"_ba
            << u"/"_s << qint64(1796688146001);
        QTest::addRow("empty user agent")
            << view("1796688146.619", R"("127.0.0.1")", R"("")", R"("/catalog")") << u"127.0.0.1"_s << QByteArray()
            << u"/catalog"_s << qint64(1796688146619);
        QTest::addRow("user agent of exactly 1024 bytes")
            << view("1796688146.619", R"("127.0.0.1")", quoted(QByteArray(1024, 'a')), R"("/")") << u"127.0.0.1"_s
            << QByteArray(1024, 'a') << u"/"_s << qint64(1796688146619);
        QTest::addRow("path of exactly 2048 bytes")
            << view("1796688146.619", R"("127.0.0.1")", R"("x")", quoted('/' + QByteArray(2047, 'p'))) << u"127.0.0.1"_s
            << "x"_ba << u"/"_s + QString(2047, u'p') << qint64(1796688146619);
        QTest::addRow("non-ASCII path and an escaped slash")
            << view("1796688146.619", R"("127.0.0.1")", R"("x")", "\"\\/produkte/gr\xc3\xbc" "n\"") << u"127.0.0.1"_s
            << "x"_ba << u"/produkte/grün"_s << qint64(1796688146619);
        QTest::addRow("t without milliseconds")
            << view("1796688146", R"("127.0.0.1")", R"("x")", R"("/")") << u"127.0.0.1"_s << "x"_ba << u"/"_s
            << qint64(1796688146000);
        QTest::addRow("two-digit day, other priority")
            << "<14>Nov 30 23:59:60 rdk_views: "_ba + base().sliced(prefix.size()) << u"203.0.113.7"_s
            << "Mozilla/5.0"_ba << u"/products/AJ1-CHI"_s << qint64(1796688146619);
        QByteArray padded = base();
        padded.insert(padded.size() - 1, QByteArray(8192 - padded.size(), ' '));
        QTest::addRow("8192 bytes with JSON whitespace")
            << padded << u"203.0.113.7"_s << "Mozilla/5.0"_ba << u"/products/AJ1-CHI"_s << qint64(1796688146619);
    }
    void parse_validDatagram_givesTheFields()
    {
        QFETCH(QByteArray, datagram);
        QFETCH(QString, client);
        QFETCH(QByteArray, userAgent);
        QFETCH(QString, path);
        QFETCH(qint64, msecs);
        QString why;
        const std::optional<EdgeView> parsed = parseEdgeView(datagram, &why);
        QVERIFY2(parsed, qPrintable(why));
        QCOMPARE(parsed->client, QHostAddress(client));
        QCOMPARE(parsed->userAgent, userAgent);
        QCOMPARE(parsed->path, path);
        QCOMPARE(parsed->at.toMSecsSinceEpoch(), msecs);
        QCOMPARE(parsed->at.timeSpec(), Qt::UTC);
    }

    void parse_hostileDatagram_isRefusedWithTheReason_data()
    {
        QTest::addColumn<QByteArray>("datagram");
        QTest::addColumn<QString>("reason");   // the start of the reason

        const QByteArray json = base().sliced(prefix.size());
        const auto withClient = [](const QByteArray &c) { return view("1796688146.619", c, R"("x")", R"("/")"); };
        const auto withAgent = [](const QByteArray &ua) { return view("1796688146.619", R"("127.0.0.1")", ua, R"("/")"); };
        const auto withPath = [](const QByteArray &p) { return view("1796688146.619", R"("127.0.0.1")", R"("x")", p); };
        const auto withTime = [](const QByteArray &t) { return view(t, R"("127.0.0.1")", R"("x")", R"("/")"); };

        // The syslog frame.
        QTest::addRow("empty datagram") << QByteArray() << u"no syslog priority"_s;
        QTest::addRow("no priority") << "Dec  8 00:02:26 rdk_views: "_ba + json << u"no syslog priority"_s;
        QTest::addRow("priority over 191") << "<192>Dec  8 00:02:26 rdk_views: "_ba + json << u"no syslog priority"_s;
        QTest::addRow("priority with a leading zero") << "<09>Dec  8 00:02:26 rdk_views: "_ba + json << u"no syslog priority"_s;
        QTest::addRow("priority not closed") << "<190Dec  8 00:02:26 rdk_views: "_ba + json << u"no syslog priority"_s;
        QTest::addRow("zero-padded day") << "<190>Dec 08 00:02:26 rdk_views: "_ba + json << u"no syslog timestamp"_s;
        QTest::addRow("no such month") << "<190>Dek  8 00:02:26 rdk_views: "_ba + json << u"no syslog timestamp"_s;
        QTest::addRow("hour 24") << "<190>Dec  8 24:02:26 rdk_views: "_ba + json << u"no syslog timestamp"_s;
        QTest::addRow("RFC 5424 header") << "<190>1 2026-12-08T00:02:26Z - rdk_views - - - "_ba + json
                                         << u"no syslog timestamp"_s;
        QTest::addRow("wrong tag") << "<190>Dec  8 00:02:26 rdk_viewz: "_ba + json << u"tag is not rdk_views"_s;
        QTest::addRow("tag with a suffix") << "<190>Dec  8 00:02:26 rdk_views2: "_ba + json << u"tag is not rdk_views"_s;
        QTest::addRow("hostname before the tag") << "<190>Dec  8 00:02:26 edge1 rdk_views: "_ba + json
                                                 << u"tag is not rdk_views"_s;
        QTest::addRow("no space after the tag") << "<190>Dec  8 00:02:26 rdk_views:"_ba + json << u"tag is not rdk_views"_s;
        QByteArray nineKiB = base();
        nineKiB.insert(nineKiB.size() - 1, QByteArray(9 * 1024 - nineKiB.size(), ' '));
        QTest::addRow("9 KiB datagram") << nineKiB << u"over 8192 bytes"_s;
        QTest::addRow("8193 bytes") << nineKiB.first(8192 - 1) + '}' + ' ' << u"over 8192 bytes"_s;

        // The JSON.
        QTest::addRow("nothing after the tag") << prefix << u"invalid JSON"_s;
        QTest::addRow("truncated JSON") << base().chopped(12) << u"invalid JSON"_s;
        QTest::addRow("trailing garbage after the object") << base() + "x" << u"invalid JSON"_s;
        QTest::addRow("two objects") << base() + json << u"invalid JSON"_s;
        QTest::addRow("raw Latin-1 byte in the user agent (nginx passes bytes)")
            << withAgent("\"Moz\xe9\"") << u"invalid JSON"_s;
        QTest::addRow("JSON array") << prefix + "[" + json + "]" << u"JSON is not an object"_s;
        QTest::addRow("JSON string") << prefix + R"("/products/x")" << u"invalid JSON"_s;   // Qt wants a container
        QTest::addRow("extra key") << base().chopped(1) + R"(,"x":1})" << u"keys are not exactly t, c, ua, p"_s;
        QTest::addRow("missing key") << prefix + R"({"t":1796688146.619,"c":"127.0.0.1","ua":"x"})"
                                     << u"keys are not exactly t, c, ua, p"_s;
        QTest::addRow("key in other case") << prefix + R"({"T":1796688146.619,"c":"127.0.0.1","ua":"x","p":"/"})"
                                           << u"keys are not exactly t, c, ua, p"_s;

        // "t".
        QTest::addRow("t as a string") << withTime(R"("1796688146.619")") << u"\"t\" is not a number"_s;
        QTest::addRow("t null") << withTime("null") << u"\"t\" is not a number"_s;
        QTest::addRow("t NaN") << withTime("NaN") << u"invalid JSON"_s;
        QTest::addRow("t Infinity") << withTime("Infinity") << u"invalid JSON"_s;
        QTest::addRow("t overflowing a double") << withTime("1e999") << u"invalid JSON"_s;
        QTest::addRow("negative t") << withTime("-1796688146.619") << u"\"t\" is not a positive Unix time"_s;
        QTest::addRow("t zero") << withTime("0") << u"\"t\" is not a positive Unix time"_s;
        QTest::addRow("t past the year 9999") << withTime("253402300800") << u"\"t\" is not a positive Unix time"_s;

        // "c".
        QTest::addRow("client 999.1.1.1") << withClient(R"("999.1.1.1")") << u"\"c\" is not an IP address"_s;
        QTest::addRow("client with a port") << withClient(R"("127.0.0.1:5000")") << u"\"c\" is not an IP address"_s;
        QTest::addRow("bracketed IPv6 client with a port") << withClient(R"("[::1]:443")") << u"\"c\" is not an IP address"_s;
        QTest::addRow("client in inet_aton form") << withClient(R"("127.1")") << u"\"c\" is not an IP address"_s;
        QTest::addRow("client host name") << withClient(R"("localhost")") << u"\"c\" is not an IP address"_s;
        QTest::addRow("client with a space") << withClient(R"(" 127.0.0.1")") << u"\"c\" is not an IP address"_s;
        QTest::addRow("unix socket client") << withClient(R"("unix:")") << u"\"c\" is not an IP address"_s;
        QTest::addRow("empty client") << withClient(R"("")") << u"\"c\" is not an IP address"_s;
        QTest::addRow("client as a number") << withClient("2130706433") << u"\"c\" is not a string"_s;

        // "ua".
        QTest::addRow("1025-byte user agent") << withAgent(quoted(QByteArray(1025, 'a'))) << u"user agent over 1024 bytes"_s;
        QTest::addRow("user agent over 1024 bytes once unescaped")
            << withAgent(quoted(QByteArray(1023, 'a') + "\\u00e9")) << u"user agent over 1024 bytes"_s;
        QTest::addRow("user agent with \\u0001") << withAgent(R"("a\u0001b")") << u"user agent has control characters"_s;
        QTest::addRow("user agent with a tab") << withAgent(R"("a\tb")") << u"user agent has control characters"_s;
        QTest::addRow("user agent with a raw DEL") << withAgent("\"a\x7f\"") << u"user agent has control characters"_s;
        QTest::addRow("user agent with a lone surrogate") << withAgent(R"("a\ud800b")") << u"user agent is not valid Unicode"_s;
        QTest::addRow("user agent null") << withAgent("null") << u"\"ua\" is not a string"_s;

        // "p".
        QTest::addRow("path without '/'") << withPath(R"("products/x")") << u"path does not start with '/'"_s;
        QTest::addRow("empty path (nginx's 400)") << withPath(R"("")") << u"path does not start with '/'"_s;
        QTest::addRow("path with \\u0000") << withPath(R"("/a\u0000b")") << u"path has control characters"_s;
        QTest::addRow("path with \\n") << withPath(R"("/a\nb")") << u"path has control characters"_s;
        QTest::addRow("path with a raw DEL") << withPath("\"/a\x7f\"") << u"path has control characters"_s;
        QTest::addRow("path with a C1 control") << withPath(R"("/a\u0085")") << u"path has control characters"_s;
        QTest::addRow("2049-byte path") << withPath(quoted('/' + QByteArray(2048, 'p'))) << u"path over 2048 bytes"_s;
        QTest::addRow("path as a number") << withPath("1") << u"\"p\" is not a string"_s;
    }
    void parse_hostileDatagram_isRefusedWithTheReason()
    {
        QFETCH(QByteArray, datagram);
        QFETCH(QString, reason);
        QString why;
        const std::optional<EdgeView> parsed = parseEdgeView(datagram, &why);
        QVERIFY(!parsed);
        QVERIFY2(why.startsWith(reason), qPrintable(why));
        QVERIFY(!parseEdgeView(datagram));   // no reason asked for: still refused
    }

    void listener_realDatagrams_reachTheSinkWithTheirFields()
    {
        MetricsRegistry metrics;
        const auto r = receiver(PortSharing::Exclusive, 0, &metrics);
        QVERIFY(r->port != 0);
        QUdpSocket edge;
        send(edge, nginxEscaped, r->port);
        send(edge, nginxCurl, r->port);
        QTRY_COMPARE_WITH_TIMEOUT(r->views.size(), 2, 5000);
        QCOMPARE(r->views[0].client, QHostAddress(u"127.0.0.1"_s));
        QCOMPARE(r->views[0].userAgent, "Moz \"q\\\\ \xc3\xa9"_ba);
        QCOMPARE(r->views[0].path, u"/products/x y"_s);
        QCOMPARE(r->views[0].at, QDateTime::fromMSecsSinceEpoch(1796688146619, Qt::UTC));
        QCOMPARE(r->views[1].userAgent, "curl/7.88.1"_ba);
        QCOMPARE(r->views[1].path, u"/"_s);
        QCOMPARE(r->views[1].at, QDateTime::fromMSecsSinceEpoch(1796688146628, Qt::UTC));
        QCOMPARE(r->listener->stats().counted, 2u);
        QCOMPARE(r->listener->stats().refused, 0u);
        QCOMPARE(sample(metrics.render(), R"(rdk_edge_views_total{result="counted"})"_ba),
                 R"(rdk_edge_views_total{result="counted"} 2)"_ba);
    }

    void listener_refusedDatagram_isCounted_andTheNextOneStillCounted_data()
    {
        QTest::addColumn<QByteArray>("bad");
        QTest::addColumn<QString>("reason");
        QTest::addRow("garbage") << "\x00\xff garbage"_ba << u"no syslog priority"_s;
        QTest::addRow("empty datagram") << QByteArray() << u"no syslog priority"_s;
        QTest::addRow("wrong tag") << "<190>Dec  8 00:02:26 sshd: "_ba + base().sliced(prefix.size())
                                   << u"tag is not rdk_views"_s;
        // Read one byte past the limit, so it is refused whole rather than accepted cut short.
        QByteArray nineKiB = base();
        nineKiB.insert(nineKiB.size() - 1, QByteArray(9 * 1024 - nineKiB.size(), ' '));
        QTest::addRow("9 KiB datagram") << nineKiB << u"over 8192 bytes"_s;
        QTest::addRow("64 KiB datagram") << base() + QByteArray(64000, ' ') << u"over 8192 bytes"_s;
    }
    void listener_refusedDatagram_isCounted_andTheNextOneStillCounted()
    {
        QFETCH(QByteArray, bad);
        QFETCH(QString, reason);
        MetricsRegistry metrics;
        const auto r = receiver(PortSharing::Exclusive, 0, &metrics);
        QVERIFY(r->port != 0);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"^refused 1 edge view datagram\\(s\\) since the last warning, the last "
                                                u"from 127\\.0\\.0\\.1 port \\d+: "_s
                                                + QRegularExpression::escape(reason)));
        QUdpSocket edge;
        send(edge, bad, r->port);
        send(edge, nginxCurl, r->port);   // the positive control, in the same burst
        QTRY_COMPARE_WITH_TIMEOUT(r->listener->stats().counted, 1u, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(r->listener->stats().refused, 1u, 5000);
        QCOMPARE(r->views.size(), 1);
        QCOMPARE(r->views[0].userAgent, "curl/7.88.1"_ba);
        const QByteArray text = metrics.render();
        QCOMPARE(sample(text, R"(rdk_edge_views_total{result="refused"})"_ba), R"(rdk_edge_views_total{result="refused"} 1)"_ba);
        QCOMPARE(sample(text, R"(rdk_edge_views_total{result="counted"})"_ba), R"(rdk_edge_views_total{result="counted"} 1)"_ba);
    }

    void listener_datagramFromANonLoopbackSender_isRefused()
    {
        // A socket bound to another address of this machine can still send to 127.0.0.1.
        QHostAddress own;
        for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
            if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback()) {
                own = a;
                break;
            }
        }
        if (own.isNull())
            QSKIP("this machine has no IPv4 address besides loopback");
        const auto r = receiver();
        QVERIFY(r->port != 0);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"the last from %1 port \\d+: sender is not a loopback address$"_s
                                                                   .arg(QRegularExpression::escape(own.toString()))));
        QUdpSocket outsider;
        QVERIFY(outsider.bind(own, 0));
        send(outsider, nginxCurl, r->port);
        QTRY_COMPARE_WITH_TIMEOUT(r->listener->stats().refused, 1u, 5000);
        QUdpSocket edge;
        send(edge, nginxCurl, r->port);
        QTRY_COMPARE_WITH_TIMEOUT(r->listener->stats().counted, 1u, 5000);
        QCOMPARE(r->views.size(), 1);
        QCOMPARE(r->listener->stats().refused, 1u);
    }

    void listener_manyRefusals_warnOnceThenWithTheCount()
    {
        const auto r = receiver();
        QVERIFY(r->port != 0);
        // The first refusal is logged at once; the next four within 10 s wait for the window's end
        // (here, the listener's destruction) and come as one line with their count.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^refused 1 edge view datagram\\(s\\) since the last warning"_s));
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"^refused 4 edge view datagram\\(s\\) since the last warning.*: tag is not rdk_views$"_s));
        QUdpSocket edge;
        for (int i = 0; i < 4; ++i)
            send(edge, "garbage"_ba, r->port);
        send(edge, "<190>Dec  8 00:02:26 other: {}"_ba, r->port);
        QTRY_COMPARE_WITH_TIMEOUT(r->listener->stats().refused, 5u, 5000);
        r->listener.reset();
    }

    void listen_nonLoopbackAddress_isRefused_data()
    {
        QTest::addColumn<QHostAddress>("address");
        QTest::addRow("0.0.0.0") << QHostAddress(QHostAddress::AnyIPv4);
        QTest::addRow("any, dual stack") << QHostAddress(QHostAddress::Any);
        QTest::addRow("::") << QHostAddress(QHostAddress::AnyIPv6);
        QTest::addRow("documentation address") << QHostAddress(u"192.0.2.1"_s);
        QTest::addRow("null address") << QHostAddress();
        for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
            if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback()) {
                QTest::addRow("this machine's %s", qPrintable(a.toString())) << a;
                break;
            }
        }
    }
    void listen_nonLoopbackAddress_isRefused()
    {
        QFETCH(QHostAddress, address);
        EdgeViewListener listener;
        for (const PortSharing sharing : {PortSharing::Exclusive, PortSharing::Shared}) {
            const auto bound = listener.listen(address, 0, sharing);
            QVERIFY(!bound);
            QCOMPARE(bound.error().code, rdk::ErrorCode::Invalid);
            QVERIFY2(bound.error().message.contains(u"loopback address only"_s), qPrintable(bound.error().message));
        }
        // The positive control: the same listener then listens on loopback.
        const auto bound = listener.listen(QHostAddress::LocalHost, 0);
        QVERIFY2(bound, bound ? "" : qPrintable(bound.error().message));
    }

    void listen_ipv6Loopback_receivesViews()
    {
        QUdpSocket probe;
        if (!probe.bind(QHostAddress::LocalHostIPv6, 0))
            QSKIP("no IPv6 loopback on this machine");
        probe.close();
        EdgeViewListener listener;
        QList<EdgeView> views;
        listener.setSink([&views](const EdgeView &v) { views.append(v); });
        const auto bound = listener.listen(QHostAddress::LocalHostIPv6, 0);
        QVERIFY2(bound, bound ? "" : qPrintable(bound.error().message));
        QUdpSocket edge;
        QCOMPARE(edge.writeDatagram(nginxCurl, QHostAddress::LocalHostIPv6, *bound), qint64(nginxCurl.size()));
        QTRY_COMPARE_WITH_TIMEOUT(views.size(), 1, 5000);
        QCOMPARE(views[0].path, u"/"_s);
    }

    void listen_twice_isRefused()
    {
        EdgeViewListener listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        const auto again = listener.listen(QHostAddress::LocalHost, 0);
        QVERIFY(!again);
        QCOMPARE(again.error().code, rdk::ErrorCode::Conflict);
    }

    void twoSharingListeners_eachDatagramIsReceivedExactlyOnce()
    {
        const auto first = receiver(PortSharing::Exclusive);
        QVERIFY(first->port != 0);
        const auto second = receiver(PortSharing::Shared, first->port);
        QCOMPARE(second->port, first->port);

        // A third, exclusive listener is refused: the port is taken, even if only by sharers.
        EdgeViewListener third;
        const auto refused = third.listen(QHostAddress::LocalHost, first->port, PortSharing::Exclusive);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"Address already in use"_s), qPrintable(refused.error().message));

        // The kernel picks a socket by a hash of the sender's address and port: 50 senders.
        constexpr int senders = 50;
        constexpr int perSender = 4;
        std::vector<std::unique_ptr<QUdpSocket>> edge;
        for (int s = 0; s < senders; ++s) {
            edge.push_back(std::make_unique<QUdpSocket>());
            for (int i = 0; i < perSender; ++i)
                send(*edge.back(), view("1796688146.619", R"("127.0.0.1")", R"("x")",
                                        quoted("/products/" + QByteArray::number(s * perSender + i))),
                     first->port);
            if (s % 10 == 9)
                QCoreApplication::processEvents();   // read as they come, as the edge's pace would allow
        }
        QTRY_COMPARE_WITH_TIMEOUT(first->views.size() + second->views.size(), qsizetype(senders * perSender), 10000);
        QTest::qWait(100);   // nothing arrives twice, also a little later
        QCOMPARE(first->views.size() + second->views.size(), qsizetype(senders * perSender));

        QSet<QString> paths;
        for (const auto *r : {first.get(), second.get()}) {
            for (const EdgeView &v : r->views)
                paths.insert(v.path);
        }
        QCOMPARE(paths.size(), senders * perSender);
        QVERIFY2(!first->views.isEmpty() && !second->views.isEmpty(),
                 qPrintable(u"all datagrams went to one listener: %1 / %2"_s.arg(first->views.size()).arg(second->views.size())));
        QCOMPARE(first->listener->stats().counted + second->listener->stats().counted, quint64(senders * perSender));
        QCOMPARE(first->listener->stats().refused + second->listener->stats().refused, 0u);
    }

    void portHeldByAnotherSocket_makesListenFail_data()
    {
        QTest::addColumn<bool>("reuseAddress");
        QTest::addColumn<PortSharing>("sharing");
        QTest::addRow("plain socket, exclusive listen") << false << PortSharing::Exclusive;
        QTest::addRow("plain socket, shared listen") << false << PortSharing::Shared;
        QTest::addRow("SO_REUSEADDR socket, exclusive listen") << true << PortSharing::Exclusive;
        QTest::addRow("SO_REUSEADDR socket, shared listen") << true << PortSharing::Shared;
    }
    void portHeldByAnotherSocket_makesListenFail()
    {
        QFETCH(bool, reuseAddress);
        QFETCH(PortSharing, sharing);
        auto holder = std::make_unique<QUdpSocket>();
        QVERIFY(holder->bind(QHostAddress::LocalHost, 0,
                             reuseAddress ? QUdpSocket::ShareAddress : QUdpSocket::DontShareAddress));
        const quint16 port = holder->localPort();
        {
            EdgeViewListener listener;
            const auto bound = listener.listen(QHostAddress::LocalHost, port, sharing);
            QVERIFY(!bound);
            QVERIFY2(bound.error().message.startsWith(u"Can't listen for edge views on 127.0.0.1:%1 "_s.arg(port)),
                     qPrintable(bound.error().message));
            QVERIFY2(bound.error().message.contains(u"Address already in use"_s), qPrintable(bound.error().message));
        }
        // The positive control: with the holder gone the port can be taken.
        holder.reset();
        EdgeViewListener listener;
        const auto bound = listener.listen(QHostAddress::LocalHost, port, sharing);
        QVERIFY2(bound, bound ? "" : qPrintable(bound.error().message));
        QCOMPARE(*bound, port);
    }
};

QTEST_GUILESS_MAIN(TstEdgeViews)
#include "tst_edgeviews.moc"

// rdk-sync's edge refresher (sync/edgerefresher): after a catalog change it asks the edge to fetch
// answers again. Against a fake edge on 127.0.0.1 that records each request and can hold its
// answers, so the in-flight rules are asserted on what arrived, not on timing: one request per
// target at a time (named again while in flight: once more, after the answer), at most
// maxInFlight at once, a bounded FIFO queue, failures counted and not retried, and no target
// that could reach another host, inject a header or refresh another answer than the one named.
#include "sync/edgerefresher.h"
#include "tests/support/fakeedge.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::EdgeRefresher;
using rdk::test::FakeEdge;

class TestEdgeRefresher final : public QObject {
    Q_OBJECT

    std::unique_ptr<FakeEdge> m_edge;
    std::unique_ptr<FakeEdge> m_elsewhere;   // another local server no request may reach
    std::unique_ptr<EdgeRefresher> m_refresher;
    std::unique_ptr<QSignalSpy> m_idle;

    EdgeRefresher &make(int maxInFlight = 4, int maxQueued = 10000, int timeoutMs = 10000, QUrl base = {})
    {
        m_refresher = std::make_unique<EdgeRefresher>(base.isEmpty() ? m_edge->base() : base, maxInFlight, maxQueued, timeoutMs);
        m_idle = std::make_unique<QSignalSpy>(m_refresher.get(), &EdgeRefresher::idle);
        return *m_refresher;
    }

private Q_SLOTS:
    void init()
    {
        m_edge = std::make_unique<FakeEdge>();
        m_elsewhere = std::make_unique<FakeEdge>();
        QVERIFY(m_edge->listen());
        QVERIFY(m_elsewhere->listen());
    }

    void cleanup()
    {
        m_idle.reset();
        m_refresher.reset();
        m_edge.reset();
        m_elsewhere.reset();
    }

    void refresh_sendsTheTargetExactlyWithTheHeader_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addRow("product page") << u"/products/AJ1-CHI"_s;
        QTest::addRow("api with query") << u"/api/products/AJ1-CHI?x=1"_s;
        QTest::addRow("encoded query and sub-delims") << u"/search?q=a%2Fb&c=d+e;f=(1)"_s;
        QTest::addRow("empty query") << u"/products?"_s;
        QTest::addRow("encoded non-ascii") << u"/products/%C3%A9T%C3%A9"_s;
        QTest::addRow("2048 bytes") << u"/"_s + QString(2047, u'a');
    }
    void refresh_sendsTheTargetExactlyWithTheHeader()
    {
        QFETCH(QString, target);
        EdgeRefresher &refresher = make();
        refresher.refresh({target});
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(m_edge->requests.size(), 1);
        QCOMPARE(m_edge->requests[0].method, QByteArray("GET"));
        QCOMPARE(m_edge->requests[0].target, target.toLatin1());
        QCOMPARE(m_edge->requests[0].refreshHeader, QByteArray("1"));
        QCOMPARE(m_edge->requests[0].cookie, QByteArray());
        QCOMPARE(refresher.stats().sent, 1u);
        QCOMPARE(refresher.stats().failed, 0u);
        QCOMPARE(refresher.stats().dropped, 0u);
    }

    void duplicateTargets_collapse()
    {
        m_edge->hold = true;
        EdgeRefresher &refresher = make(1);
        refresher.refresh({u"/a"_s, u"/b"_s, u"/b"_s, u"/c"_s});
        refresher.refresh({u"/c"_s, u"/b"_s});
        QCOMPARE(refresher.inFlight(), 1);   // /a
        QCOMPARE(refresher.queued(), 2);     // /b and /c, once each
        QTRY_COMPARE(m_edge->held(), 1);
        m_edge->hold = false;
        m_edge->release();
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(m_edge->targets(), (QByteArrayList{"/a", "/b", "/c"}));
        QCOMPARE(refresher.stats().sent, 3u);
        QCOMPARE(refresher.stats().dropped, 0u);   // a duplicate is not a drop
    }

    void targetNamedWhileInFlight_isSentOnceMoreAfterTheAnswer()
    {
        m_edge->hold = true;
        EdgeRefresher &refresher = make();
        refresher.refresh({u"/products/AJ1"_s});
        QTRY_COMPARE(m_edge->held(), 1);
        for (int i = 0; i < 3; ++i)
            refresher.refresh({u"/products/AJ1"_s});
        QCOMPARE(refresher.inFlight(), 1);
        QCOMPARE(refresher.queued(), 0);   // waits for the answer, not in the queue
        QCOMPARE(m_edge->requests.size(), 1);

        m_edge->release();
        // The second request starts only after the first answer, and is held in turn.
        QTRY_COMPARE(m_edge->requests.size(), 2);
        QCOMPARE(m_edge->held(), 1);
        QCOMPARE(m_edge->maxHeld, 1);
        m_edge->hold = false;
        m_edge->release();
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(m_edge->targets(), (QByteArrayList{"/products/AJ1", "/products/AJ1"}));
        QCOMPARE(refresher.stats().sent, 2u);
    }

    void maxInFlight_capsConcurrentRequests()
    {
        m_edge->hold = true;
        EdgeRefresher &refresher = make(2);
        refresher.refresh({u"/1"_s, u"/2"_s, u"/3"_s, u"/4"_s, u"/5"_s});
        QCOMPARE(refresher.inFlight(), 2);
        QCOMPARE(refresher.queued(), 3);
        QTRY_COMPARE(m_edge->held(), 2);
        // The first two travel on two connections, so either may arrive first.
        QByteArrayList firstTwo = m_edge->targets();
        std::sort(firstTwo.begin(), firstTwo.end());
        QCOMPARE(firstTwo, (QByteArrayList{"/1", "/2"}));
        // One answer frees one slot: the next target in FIFO order takes it.
        for (const QByteArray next : {"/3", "/4", "/5"}) {
            const qsizetype before = m_edge->requests.size();
            m_edge->release(1);
            QTRY_COMPARE(m_edge->requests.size(), before + 1);
            QCOMPARE(m_edge->requests.last().target, next);
            QCOMPARE(m_edge->held(), 2);
        }
        m_edge->release();
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(m_edge->maxHeld, 2);
        QCOMPARE(refresher.stats().sent, 5u);
    }

    void maxQueued_dropsBeyondTheBound()
    {
        EdgeRefresher &refresher = make(1, 3);
        refresher.refresh({u"/1"_s, u"/2"_s, u"/3"_s, u"/4"_s});
        QCOMPARE(refresher.stats().dropped, 1u);
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(m_edge->targets(), (QByteArrayList{"/1", "/2", "/3"}));
        // The bound is on what waits: with the queue drained, the dropped target is taken again.
        refresher.refresh({u"/4"_s});
        QTRY_COMPARE(m_idle->size(), 2);
        QCOMPARE(m_edge->targets().last(), QByteArray("/4"));
        QCOMPARE(refresher.stats().dropped, 1u);
    }

    void invalidTarget_isDroppedAndNeverSent_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addRow("absolute url") << u"http://evil.example/"_s;
        QTest::addRow("absolute url to another local server") << u"http://127.0.0.1:%1/x"_s;
        QTest::addRow("scheme-relative") << u"//evil.example/x"_s;
        QTest::addRow("scheme-relative to another local server") << u"//127.0.0.1:%1/x"_s;
        QTest::addRow("space") << u"/a b"_s;
        QTest::addRow("tab") << u"/a\tb"_s;
        QTest::addRow("fragment") << u"/x#y"_s;
        QTest::addRow("no slash") << u"no-slash"_s;
        QTest::addRow("empty") << QString();
        QTest::addRow("3000 bytes") << u"/"_s + QString(2999, u'a');
        QTest::addRow("header injection") << u"/\r\nHost: x"_s;
        QTest::addRow("bare newline") << u"/a\nX-Rdk-Edge-Refresh: 0"_s;
        QTest::addRow("nul") << u"/a"_s + QChar(QChar::Null) + u"b"_s;
        QTest::addRow("raw non-ascii") << u"/products/é"_s;
        QTest::addRow("backslash") << u"/\\evil.example"_s;
        QTest::addRow("dot segments: sent as /b") << u"/a/../b"_s;
        QTest::addRow("encoded dot segments") << u"/a/%2e%2e/b"_s;
        QTest::addRow("lowercase escape: sent as ~") << u"/a%7eb"_s;
        QTest::addRow("bad escape") << u"/a%zz"_s;
    }
    void invalidTarget_isDroppedAndNeverSent()
    {
        QFETCH(QString, target);
        if (target.contains(u"%1"_s))
            target = target.arg(m_elsewhere->port());
        EdgeRefresher &refresher = make();
        // The positive control rides in the same call, after the bad target.
        refresher.refresh({target, u"/products/OK"_s});
        QCOMPARE(refresher.stats().dropped, 1u);
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(m_edge->targets(), QByteArrayList{"/products/OK"});
        QCOMPARE(m_elsewhere->requests.size(), 0);
        QCOMPARE(refresher.stats().sent, 1u);
        QCOMPARE(refresher.stats().failed, 0u);
    }

    void unusableBase_dropsEveryTarget_data()
    {
        QTest::addColumn<QString>("base");
        QTest::addRow("with a path") << u"http://127.0.0.1:%1/edge"_s;
        QTest::addRow("with a query") << u"http://127.0.0.1:%1?x=1"_s;
        QTest::addRow("with user info") << u"http://u:p@127.0.0.1:%1"_s;
        QTest::addRow("not http") << u"ftp://127.0.0.1:%1"_s;
        QTest::addRow("relative") << u"/refresh"_s;
    }
    void unusableBase_dropsEveryTarget()
    {
        QFETCH(QString, base);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"is not an http\\(s\\) origin"_s));
        EdgeRefresher &refresher = make(4, 10000, 10000, QUrl(base.contains(u"%1"_s) ? base.arg(m_edge->port()) : base));
        refresher.refresh({u"/products/OK"_s});
        QCOMPARE(refresher.stats().dropped, 1u);
        QCOMPARE(refresher.stats().sent, 0u);
        QCOMPARE(refresher.queued(), 0);
        QCOMPARE(refresher.inFlight(), 0);
        // The positive control: the same target with the plain base goes through.
        make().refresh({u"/products/OK"_s});
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(m_edge->targets(), QByteArrayList{"/products/OK"});
    }

    void answerStatus_countsFailedOnlyWhenTheEdgeFailed_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<quint64>("failed");
        QTest::addRow("200") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") << quint64(0);
        QTest::addRow("404: the product is gone")
            << QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n") << quint64(0);
        QTest::addRow("301: answered, not followed")
            << QByteArray("HTTP/1.1 301 Moved Permanently\r\nLocation: http://127.0.0.1:%1/x\r\nContent-Length: 0\r\n\r\n")
            << quint64(0);
        QTest::addRow("500") << QByteArray("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n") << quint64(1);
        QTest::addRow("503") << QByteArray("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n") << quint64(1);
    }
    void answerStatus_countsFailedOnlyWhenTheEdgeFailed()
    {
        QFETCH(QByteArray, answer);
        QFETCH(quint64, failed);
        m_edge->answer = answer.replace("%1", QByteArray::number(m_elsewhere->port()));
        if (failed)
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^edge refresh of /products/AJ1 failed, not retried: "_s));
        EdgeRefresher &refresher = make();
        refresher.refresh({u"/products/AJ1"_s});
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(refresher.stats().sent, 1u);
        QCOMPARE(refresher.stats().failed, failed);
        // Not retried: nothing is left to send, and the edge saw one request.
        QCOMPARE(refresher.queued(), 0);
        QCOMPARE(refresher.inFlight(), 0);
        QCOMPARE(m_edge->requests.size(), 1);
        QCOMPARE(m_elsewhere->requests.size(), 0);
    }

    void answerNotHttp_countsFailedOnce()
    {
        // QNetworkAccessManager itself sends a GET again (a bounded few times) when the connection
        // breaks before a valid status line, as it must for a keep-alive connection the server
        // closed meanwhile; so only the count is asserted here, not the requests on the wire.
        m_edge->answer = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^edge refresh of /products/AJ1 failed, not retried: "_s));
        EdgeRefresher &refresher = make();
        refresher.refresh({u"/products/AJ1"_s});
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(refresher.stats().sent, 1u);
        QCOMPARE(refresher.stats().failed, 1u);
        QCOMPARE(refresher.queued(), 0);
    }

    void connectionRefused_countsFailed()
    {
        QTcpServer closed;   // bound then closed: a port nobody answers on
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const QUrl base(u"http://127.0.0.1:%1"_s.arg(closed.serverPort()));
        closed.close();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^edge refresh of /products/AJ1 failed, not retried: "_s));
        EdgeRefresher &refresher = make(4, 10000, 10000, base);
        refresher.refresh({u"/products/AJ1"_s});
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(refresher.stats().sent, 1u);
        QCOMPARE(refresher.stats().failed, 1u);
        QCOMPARE(refresher.queued(), 0);
    }

    void heldPastTheTimeout_countsFailedAndFreesTheSlot()
    {
        m_edge->hold = true;
        QTest::ignoreMessage(QtWarningMsg, "edge refresh of /slow failed, not retried: no answer within 200 ms");
        EdgeRefresher &refresher = make(1, 10000, 200);
        refresher.refresh({u"/slow"_s, u"/next"_s});
        // The deadline frees the only slot for the next target, which the edge then holds too.
        QTRY_COMPARE(m_edge->targets(), (QByteArrayList{"/slow", "/next"}));
        QCOMPARE(refresher.stats().failed, 1u);
        m_edge->release();   // the first socket is gone; this answers /next
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(refresher.stats().sent, 2u);
        QCOMPARE(refresher.stats().failed, 1u);
    }

    void cookieFromTheEdge_isNeverSentBack()
    {
        // A cookie in one answer must not make the next refresh a visitor's page.
        m_edge->answer = "HTTP/1.1 200 OK\r\nSet-Cookie: rdk_cart=abc; Path=/\r\nContent-Length: 2\r\n\r\nok";
        EdgeRefresher &refresher = make(1);
        refresher.refresh({u"/products/A"_s});
        QTRY_COMPARE(m_idle->size(), 1);
        refresher.refresh({u"/products/B"_s, u"/products/A"_s});
        QTRY_COMPARE(m_idle->size(), 2);
        QCOMPARE(m_edge->requests.size(), 3);
        for (const FakeEdge::Request &r : std::as_const(m_edge->requests))
            QCOMPARE(r.cookie, QByteArray());
    }

    void refreshFromAnotherThread_isSent()
    {
        EdgeRefresher &refresher = make();
        std::unique_ptr<QThread> caller(QThread::create([&refresher] { refresher.refresh({u"/products/FROM-WORKER"_s}); }));
        caller->start();
        QVERIFY(caller->wait(5000));
        QTRY_COMPARE(m_idle->size(), 1);
        QCOMPARE(m_edge->targets(), QByteArrayList{"/products/FROM-WORKER"});
        QCOMPARE(refresher.stats().sent, 1u);
    }
};

QTEST_GUILESS_MAIN(TestEdgeRefresher)
#include "tst_edgerefresher.moc"

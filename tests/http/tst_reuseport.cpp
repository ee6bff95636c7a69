// Several event loops on one port (sync/http/reuseport.h): the sockets share the port, the
// kernel hands connections to each of them, and a port someone else holds is still refused.
#include "sync/http/reuseport.h"

#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::closeDescriptors;
using rdk::sync::listenReusePort;

class TstReusePort final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void portZero_picksOnePortForEverySocket_andConnectionsReachSeveral()
    {
        quint16 port = 0;
        auto sockets = listenReusePort(QHostAddress::LocalHost, 0, 4, &port);
        QVERIFY2(sockets, sockets ? "" : qPrintable(sockets.error().message));
        QCOMPARE(sockets->size(), 4);
        QVERIFY(port != 0);

        std::vector<std::unique_ptr<QTcpServer>> servers;
        for (const qintptr fd : *sockets) {
            auto server = std::make_unique<QTcpServer>();
            QVERIFY(server->setSocketDescriptor(fd));
            QCOMPARE(server->serverPort(), port);
            servers.push_back(std::move(server));
        }
        // The kernel picks a socket by a hash of the client's address and port: 64 connections
        // from 64 source ports land on more than one of the four.
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        for (int i = 0; i < 64; ++i) {
            auto client = std::make_unique<QTcpSocket>();
            client->connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(client->waitForConnected(2000));
            clients.push_back(std::move(client));
        }
        QSet<int> served;
        int accepted = 0;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     for (std::size_t i = 0; i < servers.size(); ++i) {
                                         while (QTcpSocket *peer = servers[i]->nextPendingConnection()) {
                                             served.insert(int(i));
                                             ++accepted;
                                             peer->deleteLater();
                                         }
                                     }
                                     return accepted == 64;
                                 }()),
                                 5000);
        QVERIFY2(served.size() >= 2, qPrintable(u"all 64 connections went to one socket"_s));
    }

    void portHeldByAPlainListener_isRefusedWithTheReason()
    {
        QTcpServer plain;
        QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
        quint16 port = 0;
        auto sockets = listenReusePort(QHostAddress::LocalHost, plain.serverPort(), 2, &port);
        QVERIFY(!sockets);
        QVERIFY2(sockets.error().message.startsWith(u"Can't listen on 127.0.0.1:%1"_s.arg(plain.serverPort())),
                 qPrintable(sockets.error().message));
        QCOMPARE(port, quint16(0));
    }

    void portHeldByAnotherSharingListener_isRefused_notShared()
    {
        // A second rdk-sync started on the port of a running one must fail to start, as with a
        // single socket, rather than quietly take half of its connections.
        quint16 port = 0;
        auto first = listenReusePort(QHostAddress::LocalHost, 0, 2, &port);
        QVERIFY(first);
        quint16 secondPort = 0;
        auto second = listenReusePort(QHostAddress::LocalHost, port, 2, &secondPort);
        QVERIFY(!second);
        QVERIFY2(second.error().message.contains(u"Address already in use"_s), qPrintable(second.error().message));
        closeDescriptors(*first);
        // Once it is gone, the port can be taken again.
        auto again = listenReusePort(QHostAddress::LocalHost, port, 2, &secondPort);
        QVERIFY2(again, again ? "" : qPrintable(again.error().message));
        QCOMPARE(secondPort, port);
        closeDescriptors(*again);
    }

    void noSockets_isInvalid()
    {
        auto sockets = listenReusePort(QHostAddress::LocalHost, 0, 0, nullptr);
        QVERIFY(!sockets);
        QCOMPARE(sockets.error().code, rdk::ErrorCode::Invalid);
    }

    void ipv6Loopback_works()
    {
        quint16 port = 0;
        auto sockets = listenReusePort(QHostAddress::LocalHostIPv6, 0, 2, &port);
        if (!sockets && sockets.error().message.contains(u"Address family"_s))
            QSKIP("no IPv6 on this machine");
        QVERIFY2(sockets, sockets ? "" : qPrintable(sockets.error().message));
        QTcpServer server;
        QVERIFY(server.setSocketDescriptor((*sockets)[0]));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHostIPv6, port);
        QVERIFY(client.waitForConnected(2000));
        closeDescriptors({(*sockets)[1]});
    }
};

QTEST_GUILESS_MAIN(TstReusePort)
#include "tst_reuseport.moc"

#pragma once

// A TCP relay in front of the test PostgreSQL, on its own thread, that a test can switch
// between forwarding, swallowing (a server that never answers) and refusing connections,
// and whose open connections it can cut: an unreliable network on demand.

#include <QHostAddress>
#include <QList>
#include <QMetaObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

namespace rdk::test {

class PgProxy final : public QObject {
    Q_OBJECT

public:
    enum class Mode { Forward, BlackHole, Refuse };

    explicit PgProxy(int upstreamPort) : m_upstreamPort(upstreamPort)
    {
        moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(this, [this] { listen(0); }, Qt::BlockingQueuedConnection);
    }
    ~PgProxy() override
    {
        QMetaObject::invokeMethod(this, [this] { cutAll(); m_server.reset(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    int port() const { return m_port; }

    void setMode(Mode mode)
    {
        QMetaObject::invokeMethod(this, [this, mode] {
            m_mode = mode;
            if (mode == Mode::Refuse)
                m_server.reset();
            else if (!m_server)
                listen(m_port);
        }, Qt::BlockingQueuedConnection);
    }
    /// Closes every relayed connection, as a dropped network or a server restart would.
    void cutConnections()
    {
        QMetaObject::invokeMethod(this, [this] { cutAll(); }, Qt::BlockingQueuedConnection);
    }

private:
    void listen(int port)
    {
        m_server = std::make_unique<QTcpServer>();
        m_server->listen(QHostAddress::LocalHost, quint16(port));
        m_port = m_server->serverPort();
        connect(m_server.get(), &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server->nextPendingConnection())
                accept(client);
        });
    }

    void accept(QTcpSocket *client)
    {
        client->setParent(this);
        m_sockets.append(client);
        if (m_mode != Mode::Forward)
            return;  // keep it open and say nothing
        auto *upstream = new QTcpSocket(this);
        m_sockets.append(upstream);
        upstream->connectToHost(QHostAddress::LocalHost, quint16(m_upstreamPort));
        connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
        connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
        connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
        connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
    }

    void cutAll()
    {
        for (const QPointer<QTcpSocket> &socket : std::as_const(m_sockets)) {
            if (socket) {
                socket->abort();
                socket->deleteLater();
            }
        }
        m_sockets.clear();
    }

    QThread m_thread;
    std::unique_ptr<QTcpServer> m_server;
    QList<QPointer<QTcpSocket>> m_sockets;
    int m_upstreamPort;
    int m_port = 0;
    Mode m_mode = Mode::Forward;
};

} // namespace rdk::test

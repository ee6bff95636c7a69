#pragma once
// A keeping edge's refresh listener as rdk-sync's EdgeRefresher sees it (ADR 0034), on
// 127.0.0.1: it records every request and answers it, or holds the answer until the test
// releases it. tests/http/tst_edgerefresher and tests/syncservice/tst_sync_service use it.

#include <QByteArrayList>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <algorithm>
#include <functional>
#include <limits>

namespace rdk::test {

/// The edge's refresh listener, as far as the refresher can tell: records every request and
/// answers it, or holds the answer until the test releases it.
class FakeEdge final : public QObject {
public:
    struct Request {
        QByteArray method;
        QByteArray target;
        QByteArray refreshHeader;
        QByteArray cookie;
    };

    FakeEdge() { connect(&m_server, &QTcpServer::newConnection, this, &FakeEdge::accept); }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl base() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    quint16 port() const { return m_server.serverPort(); }

    QByteArrayList targets() const
    {
        QByteArrayList out;
        for (const Request &r : requests)
            out.append(r.target);
        return out;
    }

    /// Requests received and not answered yet.
    int held() const
    {
        return int(std::count_if(m_held.cbegin(), m_held.cend(), [](const QPointer<QTcpSocket> &s) { return !s.isNull(); }));
    }

    /// Answers the n oldest held requests.
    void release(int n = std::numeric_limits<int>::max())
    {
        while (n-- > 0 && !m_held.isEmpty()) {
            const QPointer<QTcpSocket> socket = m_held.takeFirst();
            if (socket)
                socket->write(answer);
        }
    }

    QList<Request> requests;
    QByteArray answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    /// Called with each request before it is answered (or held): a test that plays the real
    /// edge fetches the target from rdk-sync here.
    std::function<void(const Request &)> beforeAnswer;
    bool hold = false;
    int maxHeld = 0;   // the most requests outstanding at once

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection())
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
    }

    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        qsizetype end = -1;
        while ((end = buffer.indexOf("\r\n\r\n")) >= 0) {   // a GET has no body
            const QByteArrayList lines = buffer.left(end).split('\n');
            buffer.remove(0, end + 4);
            const QByteArrayList requestLine = lines.value(0).trimmed().split(' ');
            Request request{requestLine.value(0), requestLine.value(1), {}, {}};
            for (const QByteArray &line : lines.mid(1)) {
                const qsizetype colon = line.indexOf(':');
                const QByteArray name = line.left(colon).trimmed().toLower();
                if (name == "x-rdk-edge-refresh")
                    request.refreshHeader = line.mid(colon + 1).trimmed();
                else if (name == "cookie")
                    request.cookie = line.mid(colon + 1).trimmed();
            }
            requests.append(request);
            if (beforeAnswer)
                beforeAnswer(request);
            if (hold) {
                m_held.append(socket);
                maxHeld = std::max(maxHeld, held());
            } else {
                socket->write(answer);
            }
        }
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<QPointer<QTcpSocket>> m_held;
};

} // namespace rdk::test

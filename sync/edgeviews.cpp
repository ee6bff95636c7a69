#include "sync/edgeviews.h"

#include "sync/http/clientaddress.h"
#include "sync/http/metrics.h"
#include "sync/http/reuseport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QNetworkDatagram>
#include <QTimer>
#include <QUdpSocket>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

// The same category as the edge refresher's: both are the keeping edge's side of rdk-sync.
Q_LOGGING_CATEGORY(lcEdgeViews, "rdk.sync.edge")

namespace rdk::sync {

namespace {

constexpr int WarnEveryMs = 10'000;
// Datagrams read in one turn of the event loop: on drop day the edge can send faster than one
// loop reads, and the loop has other work. The rest is read on the next turn.
constexpr int MaxDatagramsPerTurn = 512;
// The kernel drops datagrams silently once the socket's buffer is full, so ask for room for a
// burst; it caps the request at net.core.rmem_max.
constexpr int ReceiveBufferBytes = 4 * 1024 * 1024;
// Year 10000: "t" stays a time QDateTime and qint64 milliseconds can hold.
constexpr double MaxUnixSeconds = 253402300800.0;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

/// Two digits as a number from 0 to `max`, or -1.
int twoDigits(QByteArrayView text, int max)
{
    if (text.size() != 2 || !isDigit(text[0]) || !isDigit(text[1]))
        return -1;
    const int value = (text[0] - '0') * 10 + (text[1] - '0');
    return value <= max ? value : -1;
}

/// The length of a syslog `<PRI>` at the start, or 0: 1-3 digits without a leading zero, at most
/// 191 (facility 23, severity 7).
qsizetype priorityLength(QByteArrayView datagram)
{
    if (datagram.isEmpty() || datagram.front() != '<')
        return 0;
    const qsizetype close = datagram.first(std::min<qsizetype>(datagram.size(), 5)).indexOf('>');
    if (close < 2)
        return 0;
    const QByteArrayView digits = datagram.sliced(1, close - 1);
    if (!std::all_of(digits.begin(), digits.end(), isDigit) || (digits.size() > 1 && digits.front() == '0')
        || digits.toInt() > 191)
        return 0;
    return close + 1;
}

/// A BSD syslog timestamp, `Mmm dd hh:mm:ss` with the day padded by a space ("Dec  8 00:02:26").
bool isBsdTimestamp(QByteArrayView text)
{
    static constexpr QByteArrayView months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (text.size() != 15 || text[3] != ' ' || text[6] != ' ' || text[9] != ':' || text[12] != ':')
        return false;
    const qsizetype month = months.indexOf(text.first(3));
    if (month < 0 || month % 3 != 0)
        return false;
    const bool day = text[4] == ' ' ? text[5] >= '1' && text[5] <= '9' : twoDigits(text.sliced(4, 2), 31) >= 10;
    return day && twoDigits(text.sliced(7, 2), 23) >= 0 && twoDigits(text.sliced(10, 2), 59) >= 0
        && twoDigits(text.sliced(13, 2), 60) >= 0;
}

/// C0 controls, DEL and C1 controls: nginx's JSON escaping leaves DEL and raw bytes as they are.
bool hasControl(QStringView text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) {
        return c.unicode() < 0x20 || (c.unicode() >= 0x7f && c.unicode() <= 0x9f);
    });
}

/// The client as the edge writes $remote_addr: a plain IPv4 or IPv6 address, nothing around it.
QHostAddress parseClient(const QString &text)
{
    // parseForwardedHop is the strict address reader (no inet_aton forms, no unspecified or
    // multicast address) but also takes a port and brackets, which the edge never writes.
    if (text.isEmpty() || text.contains(u'[') || text.count(u':') == 1
        || std::any_of(text.begin(), text.end(), [](QChar c) { return c.isSpace(); }))
        return {};
    return parseForwardedHop(text.toLatin1());
}

std::optional<EdgeView> refused(QString *why, QString reason)
{
    if (why)
        *why = std::move(reason);
    return std::nullopt;
}

// IPv4-mapped IPv6 as plain IPv4, so 127.0.0.1 is loopback in either spelling.
QHostAddress normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

Error listenError(const QHostAddress &address, quint16 port, int error)
{
    return Error::unavailable(u"Can't listen for edge views on %1:%2 (%3)."_s.arg(address.toString()).arg(port)
                                  .arg(QString::fromLocal8Bit(std::strerror(error))));
}

} // namespace

std::optional<EdgeView> parseEdgeView(QByteArrayView datagram, QString *why)
{
    static constexpr QByteArrayView tag = " rdk_views: ";
    if (datagram.size() > MaxEdgeViewDatagramBytes)
        return refused(why, u"over %1 bytes"_s.arg(MaxEdgeViewDatagramBytes));
    const qsizetype pri = priorityLength(datagram);
    if (pri == 0)
        return refused(why, u"no syslog priority"_s);
    QByteArrayView rest = datagram.sliced(pri);
    if (rest.size() < 15 || !isBsdTimestamp(rest.first(15)))
        return refused(why, u"no syslog timestamp"_s);
    rest = rest.sliced(15);
    if (!rest.startsWith(tag))
        return refused(why, u"tag is not rdk_views"_s);
    rest = rest.sliced(tag.size());

    QJsonParseError error{};
    const QJsonDocument json = QJsonDocument::fromJson(rest.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return refused(why, u"invalid JSON: %1 at %2"_s.arg(error.errorString()).arg(error.offset));
    if (!json.isObject())
        return refused(why, u"JSON is not an object"_s);
    const QJsonObject object = json.object();
    if (object.size() != 4 || !object.contains(u"t"_s) || !object.contains(u"c"_s) || !object.contains(u"ua"_s)
        || !object.contains(u"p"_s))
        return refused(why, u"keys are not exactly t, c, ua, p"_s);

    const QJsonValue t = object.value(u"t"_s);
    if (!t.isDouble())
        return refused(why, u"\"t\" is not a number"_s);
    const double seconds = t.toDouble();
    if (!std::isfinite(seconds) || seconds <= 0.0 || seconds >= MaxUnixSeconds)
        return refused(why, u"\"t\" is not a positive Unix time"_s);

    const QJsonValue c = object.value(u"c"_s);
    if (!c.isString())
        return refused(why, u"\"c\" is not a string"_s);
    const QHostAddress client = parseClient(c.toString());
    if (client.isNull())
        return refused(why, u"\"c\" is not an IP address"_s);

    const QJsonValue ua = object.value(u"ua"_s);
    if (!ua.isString())
        return refused(why, u"\"ua\" is not a string"_s);
    const QString userAgent = ua.toString();
    // A lone surrogate (from a \ud800 escape) has no UTF-8 form.
    if (!QStringView(userAgent).isValidUtf16())
        return refused(why, u"user agent is not valid Unicode"_s);
    QByteArray userAgentUtf8 = userAgent.toUtf8();
    if (userAgentUtf8.size() > MaxEdgeViewUserAgentBytes)
        return refused(why, u"user agent over %1 bytes"_s.arg(MaxEdgeViewUserAgentBytes));
    if (hasControl(userAgent))
        return refused(why, u"user agent has control characters"_s);

    const QJsonValue p = object.value(u"p"_s);
    if (!p.isString())
        return refused(why, u"\"p\" is not a string"_s);
    QString path = p.toString();
    if (!path.startsWith(u'/'))
        return refused(why, u"path does not start with '/'"_s);
    if (!QStringView(path).isValidUtf16())
        return refused(why, u"path is not valid Unicode"_s);
    if (path.toUtf8().size() > MaxEdgeViewPathBytes)
        return refused(why, u"path over %1 bytes"_s.arg(MaxEdgeViewPathBytes));
    if (hasControl(path))
        return refused(why, u"path has control characters"_s);

    // Rounded, not cut: 1796688146.619 is 1796688146618.9999 in binary.
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(std::llround(seconds * 1000.0), Qt::UTC);
    return EdgeView{client, std::move(userAgentUtf8), std::move(path), at};
}

EdgeViewListener::EdgeViewListener(QObject *parent) : QObject(parent), m_warnWindow(new QTimer(this))
{
    m_warnWindow->setSingleShot(true);
    m_warnWindow->setInterval(WarnEveryMs);
    connect(m_warnWindow, &QTimer::timeout, this, [this] {
        // Refusals came in during the window: report them, and hold the next ones for a window.
        if (m_unreported > 0) {
            warnRefused();
            m_warnWindow->start();
        }
    });
}

EdgeViewListener::~EdgeViewListener()
{
    warnRefused();
}

Result<quint16> EdgeViewListener::listen(const QHostAddress &address, quint16 port, PortSharing sharing)
{
    if (m_socket)
        return Error::conflict(u"This edge view listener already listens on port %1."_s.arg(m_socket->localPort()));
    // The datagrams carry no proof of who sent them: only processes on this machine may.
    const QHostAddress where = normalized(address);
    if (!where.isLoopback())
        return Error::invalid(u"Edge views are received on a loopback address only (127.0.0.0/8 or ::1), not %1."_s
                                  .arg(address.isNull() ? u"an empty address"_s : address.toString()));

    quint16 chosen = port;
    if (sharing == PortSharing::Exclusive) {
        // The plain bind, as sync/http/reuseport does for TCP: fails with EADDRINUSE when any
        // socket holds the port, with SO_REUSEPORT or not, and picks the port when 0 was asked.
        const int probe = boundSocket(where, port, SocketKind::Udp, false);
        if (probe < 0)
            return listenError(where, port, errno);
        chosen = localPort(probe);
        ::close(probe);
        if (chosen == 0)
            return listenError(where, port, EADDRNOTAVAIL);
    }
    const int fd = boundSocket(where, chosen, SocketKind::Udp, true);
    if (fd < 0)
        return listenError(where, chosen, errno);
    // Best effort, capped by the kernel at net.core.rmem_max.
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &ReceiveBufferBytes, sizeof(ReceiveBufferBytes));
    chosen = localPort(fd);

    auto *socket = new QUdpSocket(this);
    if (!socket->setSocketDescriptor(fd, QAbstractSocket::BoundState, QIODevice::ReadOnly)) {
        const QString reason = socket->errorString();
        delete socket;
        ::close(fd);
        return Error::internal(u"Can't listen for edge views on %1:%2 (%3)."_s.arg(where.toString()).arg(chosen).arg(reason));
    }
    m_socket = socket;
    connect(m_socket, &QUdpSocket::readyRead, this, &EdgeViewListener::readPending);
    return chosen;
}

void EdgeViewListener::readPending()
{
    int read = 0;
    for (; read < MaxDatagramsPerTurn && m_socket->hasPendingDatagrams(); ++read) {
        // One byte more than allowed: a longer datagram arrives cut to that, and is refused for
        // its size instead of being read cut short.
        const QNetworkDatagram datagram = m_socket->receiveDatagram(MaxEdgeViewDatagramBytes + 1);
        if (!datagram.isValid())
            break;
        const QHostAddress sender = normalized(datagram.senderAddress());
        const auto senderPort = quint16(datagram.senderPort());
        if (!sender.isLoopback()) {
            refuse(u"sender is not a loopback address"_s, sender, senderPort);
            continue;
        }
        QString why;
        const std::optional<EdgeView> view = parseEdgeView(datagram.data(), &why);
        if (!view) {
            refuse(why, sender, senderPort);
            continue;
        }
        ++m_counted;
        if (m_metrics)
            m_metrics->countEdgeView("counted");
        if (m_sink)
            m_sink(*view);
    }
    if (read == MaxDatagramsPerTurn && m_socket->hasPendingDatagrams())
        QMetaObject::invokeMethod(this, &EdgeViewListener::readPending, Qt::QueuedConnection);
}

void EdgeViewListener::refuse(const QString &why, const QHostAddress &sender, quint16 senderPort)
{
    ++m_refused;
    if (m_metrics)
        m_metrics->countEdgeView("refused");
    ++m_unreported;
    m_lastRefusal = u"%1 port %2: %3"_s.arg(sender.toString()).arg(senderPort).arg(why);
    // A sender that keeps sending garbage must not fill the log: one line per window.
    if (!m_warnWindow->isActive()) {
        warnRefused();
        m_warnWindow->start();
    }
}

void EdgeViewListener::warnRefused()
{
    if (m_unreported == 0)
        return;
    qCWarning(lcEdgeViews).noquote() << u"refused %1 edge view datagram(s) since the last warning, the last from %2"_s
                                             .arg(m_unreported)
                                             .arg(m_lastRefusal);
    m_unreported = 0;
}

} // namespace rdk::sync

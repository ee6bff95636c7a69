#include "sync/mail/smtpclient.h"

#include "domain/mailmessage.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {
namespace {

constexpr qsizetype kMaxReplyLine = 1000;   // RFC 5321 4.5.3.1.5: 512; we allow more, not unbounded
constexpr int kMaxReplyLines = 100;

// A server's words, made safe for a sentence staff read: one line, printable, short.
QString serverWords(const QString &text)
{
    QString out;
    for (const QChar c : text.simplified()) {
        if (c.isPrint())
            out += c;
    }
    return out.left(200);
}

} // namespace

QString SmtpSession::Reply::text() const
{
    return serverWords(lines.join(u' '));
}

SmtpSession::SmtpSession(SmtpSettings settings) : m_settings(std::move(settings)) {}

SmtpSession::~SmtpSession()
{
    close();
}

bool SmtpSession::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool SmtpSession::isEncrypted() const
{
    return m_socket && m_socket->isEncrypted();
}

SmtpError SmtpSession::failure(const QString &sentence, int code, bool permanent)
{
    SmtpError error;
    error.code = permanent ? ErrorCode::Invalid : ErrorCode::Unavailable;
    error.message = sentence;
    error.permanent = permanent;
    error.replyCode = code;
    // After a failure mid-conversation the session's state is unknown: start over next time.
    if (m_socket) {
        m_socket->abort();
        m_socket.reset();
    }
    m_buffer.clear();
    return error;
}

SmtpResult<void> SmtpSession::open()
{
    close();
    if (m_settings.host.isEmpty())
        return failure(u"No mail server is set (RDK_SMTP_HOST)."_s);
    m_socket = std::make_unique<QSslSocket>();
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!m_settings.caFile.isEmpty()) {
        const auto certificates = QSslCertificate::fromPath(m_settings.caFile, QSsl::Pem);
        if (certificates.isEmpty())
            return failure(u"The CA file %1 (RDK_SMTP_CA_FILE) holds no PEM certificate."_s.arg(m_settings.caFile));
        ssl.addCaCertificates(certificates);
    }
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_socket->setSslConfiguration(ssl);
    m_socket->setPeerVerifyName(m_settings.host);
    m_socket->connectToHost(m_settings.host, m_settings.port);
    if (!m_socket->waitForConnected(int(m_settings.timeout.count()))) {
        const QString why = m_socket->error() == QAbstractSocket::SocketTimeoutError ? u"no answer in time"_s
                                                                                      : m_socket->errorString();
        return failure(u"Could not connect to the mail server %1:%2 (%3)."_s.arg(m_settings.host).arg(m_settings.port).arg(why));
    }
    auto greeting = readReply("the greeting");
    if (!greeting)
        return greeting.error();
    if (greeting->code != 220)
        return failure(u"The mail server did not greet us (%1 %2)."_s.arg(greeting->code).arg(greeting->text()), greeting->code);
    if (auto ok = ehlo(); !ok)
        return ok;
    if (m_settings.tls == SmtpSettings::Tls::StartTls) {
        if (auto ok = startTls(); !ok)
            return ok;
    }
    if (!m_settings.user.isEmpty()) {
        if (auto ok = authenticate(); !ok)
            return ok;
    }
    return {};
}

SmtpResult<void> SmtpSession::ehlo()
{
    auto reply = command("EHLO " + m_settings.heloName.toLatin1() + "\r\n", "EHLO", 250, 250);
    if (!reply)
        return reply.error();
    m_extensions.clear();
    for (qsizetype i = 1; i < reply->lines.size(); ++i)
        m_extensions.append(reply->lines[i].trimmed().toUpper());
    return {};
}

SmtpResult<void> SmtpSession::startTls()
{
    if (!m_extensions.contains(u"STARTTLS"_s))
        return failure(u"The mail server does not offer STARTTLS, and RDK_SMTP_TLS=starttls requires it."_s);
    auto reply = command("STARTTLS\r\n", "STARTTLS", 220, 220);
    if (!reply)
        return reply.error();
    m_socket->startClientEncryption();
    if (!m_socket->waitForEncrypted(int(m_settings.timeout.count()))) {
        QStringList why;
        for (const QSslError &e : m_socket->sslHandshakeErrors())
            why.append(e.errorString());
        if (why.isEmpty())
            why.append(m_socket->errorString());
        return failure(u"The mail server's TLS could not be trusted or set up (%1)."_s.arg(serverWords(why.join(u"; "_s))));
    }
    return ehlo();
}

SmtpResult<void> SmtpSession::authenticate()
{
    if (!m_socket->isEncrypted() && m_settings.tls != SmtpSettings::Tls::None)
        return failure(u"Refusing to send the mail password over a connection that is not encrypted."_s);
    QStringList mechanisms;
    for (const QString &e : std::as_const(m_extensions)) {
        if (e.startsWith(u"AUTH "_s) || e.startsWith(u"AUTH="_s))
            mechanisms += e.mid(5).split(u' ', Qt::SkipEmptyParts);
    }
    const char *refused = "The mail server refused the user name or password (RDK_SMTP_USER, RDK_SMTP_PASSWORD): %1 %2";
    if (mechanisms.contains(u"PLAIN"_s)) {
        const QByteArray token = QByteArray('\0' + m_settings.user.toUtf8() + '\0' + m_settings.password.toUtf8()).toBase64();
        auto reply = command("AUTH PLAIN " + token + "\r\n", "AUTH", 0, 999);
        if (!reply)
            return reply.error();
        if (reply->code != 235)
            return failure(QString::fromLatin1(refused).arg(reply->code).arg(reply->text()), reply->code);
        return {};
    }
    if (mechanisms.contains(u"LOGIN"_s)) {
        auto reply = command("AUTH LOGIN\r\n", "AUTH", 334, 334);
        if (!reply)
            return reply.error();
        reply = command(m_settings.user.toUtf8().toBase64() + "\r\n", "AUTH", 334, 334);
        if (!reply)
            return reply.error();
        reply = command(m_settings.password.toUtf8().toBase64() + "\r\n", "AUTH", 0, 999);
        if (!reply)
            return reply.error();
        if (reply->code != 235)
            return failure(QString::fromLatin1(refused).arg(reply->code).arg(reply->text()), reply->code);
        return {};
    }
    return failure(u"The mail server offers no sign-in we know (PLAIN or LOGIN), but RDK_SMTP_USER is set."_s);
}

SmtpResult<void> SmtpSession::send(const QString &from, const QString &to, const QByteArray &message)
{
    const QString sender = sendableAddress(from);
    const QString recipient = sendableAddress(to);
    if (sender.isEmpty() || sender != from) {
        SmtpError e;
        e.code = ErrorCode::Invalid;
        e.message = u"The sender address is not one plain e-mail address."_s;
        e.permanent = true;
        return e;
    }
    if (recipient.isEmpty() || recipient != to) {
        SmtpError e;
        e.code = ErrorCode::Invalid;
        e.message = u"The customer's address is not one we can send to."_s;
        e.permanent = true;
        return e;
    }
    if (!isOpen()) {
        if (auto opened = open(); !opened) {
            SmtpError error = opened.error();
            error.noSession = true;
            return error;
        }
    }
    if (auto r = command("MAIL FROM:<" + sender.toLatin1() + ">\r\n", "MAIL FROM", 250, 250); !r)
        return r.error();
    if (auto r = command("RCPT TO:<" + recipient.toLatin1() + ">\r\n", "RCPT TO", 250, 251, true); !r)
        return r.error();
    if (auto r = command("DATA\r\n", "DATA", 354, 354); !r)
        return r.error();
    if (auto w = write(smtpDotStuff(message), "the message"); !w)
        return w;
    if (auto r = readReply("the end of the message"); !r) {
        return r.error();
    } else if (r->code != 250) {
        return failure(u"The mail server did not take the message: %1 %2"_s.arg(r->code).arg(r->text()), r->code,
                       r->code >= 500);
    }
    return {};
}

void SmtpSession::close()
{
    if (!m_socket)
        return;
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        m_socket->write("QUIT\r\n");
        m_socket->waitForBytesWritten(1000);
        m_socket->disconnectFromHost();
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            m_socket->waitForDisconnected(1000);
    }
    m_socket.reset();
    m_buffer.clear();
}

SmtpResult<void> SmtpSession::write(const QByteArray &bytes, const char *step)
{
    if (!isOpen())
        return failure(u"The mail server closed the connection before %1."_s.arg(QLatin1StringView(step)));
    m_socket->write(bytes);
    QDeadlineTimer deadline(m_settings.timeout);
    while (m_socket->bytesToWrite() > 0) {
        if (!m_socket->waitForBytesWritten(int(std::max<qint64>(1, deadline.remainingTime())))) {
            if (deadline.hasExpired())
                return failure(u"The mail server took no more data in time while we sent %1."_s.arg(QLatin1StringView(step)));
            return failure(u"The mail server closed the connection while we sent %1."_s.arg(QLatin1StringView(step)));
        }
    }
    return {};
}

SmtpResult<SmtpSession::Reply> SmtpSession::readReply(const char *step)
{
    Reply reply;
    QDeadlineTimer deadline(m_settings.timeout);
    for (;;) {
        const qsizetype eol = m_buffer.indexOf("\r\n");
        if (eol < 0) {
            if (m_buffer.size() > kMaxReplyLine)
                return failure(u"The mail server answered %1 with a line too long to be SMTP."_s.arg(QLatin1StringView(step)));
            if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) {
                if (m_socket && m_socket->bytesAvailable() > 0) {
                    m_buffer += m_socket->readAll();
                    continue;
                }
                return failure(u"The mail server closed the connection before answering %1."_s.arg(QLatin1StringView(step)));
            }
            if (m_socket->bytesAvailable() > 0) {
                m_buffer += m_socket->readAll();
                continue;
            }
            if (deadline.hasExpired() || !m_socket->waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())))) {
                if (deadline.hasExpired())
                    return failure(u"The mail server did not answer %1 in time."_s.arg(QLatin1StringView(step)));
                if (m_socket->bytesAvailable() == 0 && m_socket->state() != QAbstractSocket::ConnectedState)
                    return failure(u"The mail server closed the connection before answering %1."_s.arg(QLatin1StringView(step)));
            }
            continue;
        }
        const QByteArray line = m_buffer.left(eol);
        m_buffer.remove(0, eol + 2);
        // "250-first", "250 last", or a bare "250".
        bool numeric = false;
        const int code = line.left(3).toInt(&numeric);
        if (line.size() < 3 || !numeric || code < 200 || code > 599 || (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
            return failure(u"The mail server answered %1 with something that is not SMTP."_s.arg(QLatin1StringView(step)));
        if (reply.code != 0 && code != reply.code)
            return failure(u"The mail server answered %1 with something that is not SMTP."_s.arg(QLatin1StringView(step)));
        reply.code = code;
        reply.lines.append(QString::fromLatin1(line.mid(4)));
        if (reply.lines.size() > kMaxReplyLines)
            return failure(u"The mail server answered %1 with too many lines."_s.arg(QLatin1StringView(step)));
        if (line.size() == 3 || line[3] == ' ')
            return reply;
    }
}

SmtpResult<SmtpSession::Reply> SmtpSession::command(const QByteArray &bytes, const char *step, int expectLow,
                                                    int expectHigh, bool permanentOn5xx)
{
    if (auto w = write(bytes, step); !w)
        return w.error();
    auto reply = readReply(step);
    if (!reply)
        return reply.error();
    if (reply->code < expectLow || reply->code > expectHigh) {
        const bool permanent = permanentOn5xx && reply->code >= 500;
        return failure(u"The mail server refused %1: %2 %3"_s.arg(QLatin1StringView(step)).arg(reply->code).arg(reply->text()),
                       reply->code, permanent);
    }
    return reply;
}

} // namespace rdk::sync

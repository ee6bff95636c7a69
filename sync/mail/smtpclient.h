#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>

class QSslSocket;

namespace rdk::sync {

/// How rdk-sync reaches its mail server (RDK_SMTP_*).
struct SmtpSettings final {
    enum class Tls { StartTls, None };
    QString host;
    quint16 port = 587;
    QString user;           ///< empty: no AUTH
    QString password;
    Tls tls = Tls::StartTls;   ///< StartTls: refuse a server that doesn't offer it
    QString caFile;         ///< PEM of a private CA to trust besides the system's
    QString heloName = QStringLiteral("localhost");
    std::chrono::milliseconds timeout{30'000};   ///< for each step (connect, each reply, each write)
};

/// Why a mail was not taken. `permanent` when the server said no for good (5xx to RCPT TO or to
/// the message itself): trying again would get the same answer. Everything else (no connection,
/// a timeout, a dropped connection, 4xx, a refused sign-in) may pass later and is retried.
struct SmtpError final : Error {
    bool permanent = false;
    int replyCode = 0;      ///< the server's code, 0 when none came
    /// No session could be opened (connection, greeting, TLS, sign-in): every mail would fail
    /// alike, so a sender stops trying the others for now.
    bool noSession = false;
};

template <typename T>
using SmtpResult = Result<T, SmtpError>;

/// A blocking SMTP client (RFC 5321) on QSslSocket, for a worker thread: EHLO, STARTTLS when
/// the settings ask for it (the server must offer it; the certificate is verified against the
/// host name), AUTH PLAIN or LOGIN, then any number of mails, each MAIL FROM / RCPT TO / DATA
/// with dot-stuffing. Every step has a timeout; errors are sentences for staff that never carry
/// the password. Not thread-safe: one session per thread.
class SmtpSession final {
public:
    explicit SmtpSession(SmtpSettings settings);
    ~SmtpSession();
    SmtpSession(const SmtpSession &) = delete;
    SmtpSession &operator=(const SmtpSession &) = delete;

    /// Connects, greets, secures and signs in.
    SmtpResult<void> open();
    bool isOpen() const;
    /// Sends one message (already MIME, CRLF lines, not dot-stuffed). Ok means the server
    /// answered 250 to the end of DATA: it has taken responsibility for the mail.
    SmtpResult<void> send(const QString &from, const QString &to, const QByteArray &message);
    /// QUIT and close; harmless when not open.
    void close();

    /// What the server's EHLO offered (after STARTTLS, the second EHLO's).
    const QStringList &extensions() const { return m_extensions; }
    bool isEncrypted() const;

private:
    struct Reply final {
        int code = 0;
        QStringList lines;
        QString text() const;
    };
    SmtpResult<Reply> readReply(const char *step);
    SmtpResult<void> write(const QByteArray &bytes, const char *step);
    /// Sends `command` and expects a reply code in [expectLow, expectHigh].
    SmtpResult<Reply> command(const QByteArray &command, const char *step, int expectLow, int expectHigh,
                              bool permanentOn5xx = false);
    SmtpResult<void> ehlo();
    SmtpResult<void> startTls();
    SmtpResult<void> authenticate();
    SmtpError failure(const QString &sentence, int code = 0, bool permanent = false);

    SmtpSettings m_settings;
    std::unique_ptr<QSslSocket> m_socket;
    QStringList m_extensions;
    QByteArray m_buffer;
};

} // namespace rdk::sync

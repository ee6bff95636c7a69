#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace rdk {

/// The address when it is one plain 7-bit address we can send to (the rule of the database's
/// rdk.mail_address and mail_outbox's CHECK), trimmed; an empty string otherwise. No display
/// names, spaces, line breaks or non-ASCII: nothing that could become a second header.
QString sendableAddress(const QString &address);

/// What a mail says, before it is put into MIME.
struct MailContent final {
    QString subject;
    QString text;   ///< plain text, '\n' line ends
    QString html;   ///< a whole HTML document, everything from the data escaped
};

/// One message ready for SMTP's DATA.
struct MailEnvelope final {
    QString from;         ///< the sender's address (RDK_SMTP_FROM)
    QString fromName;     ///< shown next to it: the shop's name (may be non-ASCII)
    QString to;
    QString messageId;    ///< "<left@right>", stable per outbox row
    QDateTime date;
    MailContent content;
};

/// "<rdk.<uuid>@<domain of from>>": the same for every attempt of one outbox row.
QString mailMessageId(const QString &rowToken, const QString &fromAddress);

/// RFC 2047 encoded-word(s) (UTF-8, base64) when `text` is not plain printable ASCII, else the
/// text itself. Refuses CR and LF (a header can't be split by what the data says).
Result<QByteArray> encodeHeaderText(const QString &text);

/// The RFC 5322 message: 7-bit headers (From, To, Subject, Date, Message-ID, MIME-Version) and a
/// multipart/alternative body (text/plain then text/html, both UTF-8 quoted-printable), CRLF
/// line ends, no line over 78 characters. Invalid for an address that isn't sendable or a
/// header text with a line break. Dot-stuffing is SMTP's business (smtpDotStuff).
Result<QByteArray> buildMimeMessage(const MailEnvelope &mail);

/// DATA's transparency (RFC 5321 4.5.2): every line starting with '.' gets one more, bare LF
/// and CR become CRLF, and the message ends with CRLF "." CRLF.
QByteArray smtpDotStuff(const QByteArray &message);

/// Quoted-printable (RFC 2045) of UTF-8 text with CRLF line ends, soft breaks at 76.
QByteArray quotedPrintable(const QByteArray &utf8);

} // namespace rdk

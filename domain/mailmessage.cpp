#include "domain/mailmessage.h"

#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

bool isPlainAscii(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

bool hasLineBreak(const QString &text)
{
    return text.contains(u'\r') || text.contains(u'\n');
}

// Splits UTF-8 into pieces of at most `maxBytes` without cutting a character in two.
QList<QByteArray> utf8Chunks(const QByteArray &utf8, int maxBytes)
{
    QList<QByteArray> chunks;
    qsizetype start = 0;
    while (start < utf8.size()) {
        qsizetype end = std::min<qsizetype>(start + maxBytes, utf8.size());
        while (end < utf8.size() && end > start && (uchar(utf8[end]) & 0xC0) == 0x80)
            --end;
        chunks.append(utf8.mid(start, end - start));
        start = end;
    }
    return chunks;
}

// A display name as a quoted-string (ASCII) or encoded-words.
Result<QByteArray> displayName(const QString &name)
{
    if (isPlainAscii(name)) {
        QString quoted = name;
        quoted.replace(u"\\"_s, u"\\\\"_s).replace(u"\""_s, u"\\\""_s);
        return (u"\""_s + quoted + u"\""_s).toLatin1();
    }
    return encodeHeaderText(name);
}

QByteArray foldHeader(const QByteArray &name, const QByteArray &value)
{
    // Encoded words are joined by CRLF SP, so a long subject folds without a long line.
    QByteArray line = name + ": " + value;
    return line.replace(" =?", "\r\n =?") + "\r\n";
}

} // namespace

QString sendableAddress(const QString &address)
{
    static const QRegularExpression shape(
        u"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$"_s);
    QString v = address;
    while (!v.isEmpty() && (v.front() == u' ' || v.front() == u'\t'))
        v.remove(0, 1);
    while (!v.isEmpty() && (v.back() == u' ' || v.back() == u'\t'))
        v.chop(1);
    if (v.size() < 3 || v.size() > 254 || !shape.match(v).hasMatch())
        return {};
    return v;
}

QString mailMessageId(const QString &rowToken, const QString &fromAddress)
{
    QString domain = fromAddress.section(u'@', 1);
    if (domain.isEmpty())
        domain = u"rdk.invalid"_s;
    QString token = rowToken;
    token.remove(u'-').remove(u'{').remove(u'}');
    return u"<rdk.%1@%2>"_s.arg(token, domain);
}

Result<QByteArray> encodeHeaderText(const QString &text)
{
    if (hasLineBreak(text))
        return Error::invalid(u"A mail header can't contain a line break."_s);
    if (isPlainAscii(text))
        return text.toLatin1();
    // 45 bytes of UTF-8 make 60 characters of base64: with "=?UTF-8?B?" and "?=" each word
    // stays under 75 characters (RFC 2047 2).
    QList<QByteArray> words;
    for (const QByteArray &chunk : utf8Chunks(text.toUtf8(), 45))
        words.append("=?UTF-8?B?" + chunk.toBase64() + "?=");
    return words.join(' ');
}

QByteArray quotedPrintable(const QByteArray &utf8)
{
    QByteArray normalized = utf8;
    normalized.replace("\r\n", "\n").replace('\r', '\n');
    QByteArray out;
    const QList<QByteArray> lines = normalized.split('\n');
    for (qsizetype li = 0; li < lines.size(); ++li) {
        const QByteArray &line = lines[li];
        QByteArray encoded;
        int column = 0;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const uchar c = uchar(line[i]);
            const bool last = i + 1 == line.size();
            QByteArray piece;
            // '=' and anything outside printable ASCII are escaped; a space or tab at the end of
            // a line too (it would be lost in transit), and a '.' at the start of a line (a
            // lone "." line ends DATA on servers that skip dot-stuffing checks).
            if (c == '=' || c < 32 || c > 126 || ((c == ' ' || c == '\t') && last) || (c == '.' && column == 0)) {
                if (c == '\t' && !last) {
                    piece = "\t";
                } else {
                    piece = "=" + QByteArray::number(c, 16).toUpper().rightJustified(2, '0');
                }
            } else {
                piece = QByteArray(1, char(c));
            }
            if (column + piece.size() > 75) {
                encoded += "=\r\n";
                column = 0;
                if (piece == ".")
                    piece = "=2E";
            }
            encoded += piece;
            column += int(piece.size());
        }
        out += encoded;
        if (li + 1 < lines.size())
            out += "\r\n";
    }
    return out;
}

Result<QByteArray> buildMimeMessage(const MailEnvelope &mail)
{
    const QString from = sendableAddress(mail.from);
    const QString to = sendableAddress(mail.to);
    if (from.isEmpty() || from != mail.from)
        return Error::invalid(u"The sender address (RDK_SMTP_FROM) is not one plain e-mail address."_s);
    if (to.isEmpty() || to != mail.to)
        return Error::invalid(u"The recipient is not one plain e-mail address."_s);
    static const QRegularExpression messageId(u"^<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+>$"_s);
    if (!messageId.match(mail.messageId).hasMatch())
        return Error::invalid(u"The Message-ID is malformed."_s);
    auto subject = encodeHeaderText(mail.content.subject);
    if (!subject)
        return subject.error();
    auto name = displayName(mail.fromName);
    if (!name)
        return name.error();

    // The boundary comes from the Message-ID, so every attempt of a row builds the same bytes.
    const QByteArray boundary = "=_rdk_" + QByteArray(mail.messageId.toLatin1().toHex().left(32));
    const QDateTime date = mail.date.isValid() ? mail.date : QDateTime::currentDateTimeUtc();
    const QByteArray dateText = QLocale::c().toString(date.toTimeZone(QTimeZone::utc()), u"ddd, dd MMM yyyy HH:mm:ss"_s).toLatin1()
                                + " +0000";
    QByteArray out;
    out += foldHeader("From", *name + " <" + from.toLatin1() + ">");
    out += "To: " + to.toLatin1() + "\r\n";
    out += foldHeader("Subject", *subject);
    out += "Date: " + dateText + "\r\n";
    out += "Message-ID: " + mail.messageId.toLatin1() + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
    out += "\r\n";
    out += "--" + boundary + "\r\n";
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quotedPrintable(mail.content.text.toUtf8()) + "\r\n";
    out += "--" + boundary + "\r\n";
    out += "Content-Type: text/html; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quotedPrintable(mail.content.html.toUtf8()) + "\r\n";
    out += "--" + boundary + "--\r\n";
    return out;
}

QByteArray smtpDotStuff(const QByteArray &message)
{
    QByteArray normalized = message;
    normalized.replace("\r\n", "\n").replace('\r', '\n');
    if (normalized.endsWith('\n'))
        normalized.chop(1);
    QByteArray out;
    out.reserve(normalized.size() + normalized.size() / 20 + 8);
    for (const QByteArray &line : normalized.split('\n')) {
        if (line.startsWith('.'))
            out += '.';
        out += line + "\r\n";
    }
    out += ".\r\n";
    return out;
}

} // namespace rdk

#include "domain/totp.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QUrl>
#include <QtEndian>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

constexpr char Base32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int DefaultStep = 30;
constexpr int CodeDigits = 6;
constexpr int MaxWindow = 10;

int base32Value(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'A' && u <= u'Z')
        return u - u'A';
    if (u >= u'a' && u <= u'z')
        return u - u'a';
    if (u >= u'2' && u <= u'7')
        return u - u'2' + 26;
    return -1;
}

// A base32 text of n characters (no padding) holds whole bytes only for these n mod 8.
bool isPossibleBase32Length(qsizetype length)
{
    const qsizetype rest = length % 8;
    return rest == 0 || rest == 2 || rest == 4 || rest == 5 || rest == 7;
}

quint32 powerOfTen(int exponent)
{
    quint32 result = 1;
    for (int i = 0; i < exponent; ++i)
        result *= 10;
    return result;
}

// Compares without returning early, so response time does not reveal how many leading
// digits of a guess were right.
bool constantTimeEquals(QStringView a, QStringView b)
{
    if (a.size() != b.size())
        return false;
    char16_t difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= a.at(i).unicode() ^ b.at(i).unicode();
    return difference == 0;
}

bool isSixAsciiDigits(QStringView code)
{
    if (code.size() != CodeDigits)
        return false;
    for (QChar c : code) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return true;
}

} // namespace

QByteArray generateTotpSecret(int bytes)
{
    QByteArray secret(qMax(bytes, 0), Qt::Uninitialized);
    for (char &byte : secret)
        byte = char(QRandomGenerator::system()->bounded(256));
    return secret;
}

QString base32Encode(const QByteArray &data)
{
    QString out;
    out.reserve((data.size() * 8 + 4) / 5);
    quint32 buffer = 0;
    int bits = 0;
    for (char byte : data) {
        buffer = (buffer << 8) | quint8(byte);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.append(QLatin1Char(Base32Alphabet[(buffer >> bits) & 0x1F]));
        }
    }
    if (bits > 0)
        out.append(QLatin1Char(Base32Alphabet[(buffer << (5 - bits)) & 0x1F]));
    return out;
}

std::optional<QByteArray> base32Decode(QStringView text)
{
    QByteArray out;
    out.reserve(text.size() * 5 / 8);
    quint32 buffer = 0;
    int bits = 0;
    qsizetype symbols = 0;
    for (QChar c : text) {
        if (c == u' ' || c == u'=')
            continue;
        const int value = base32Value(c);
        if (value < 0)
            return std::nullopt;
        buffer = (buffer << 5) | quint32(value);
        bits += 5;
        ++symbols;
        if (bits >= 8) {
            bits -= 8;
            out.append(char((buffer >> bits) & 0xFF));
        }
    }
    if (!isPossibleBase32Length(symbols))
        return std::nullopt;
    return out;
}

QString hotpCode(const QByteArray &secret, quint64 counter, int digits)
{
    if (secret.isEmpty() || digits < 6 || digits > 8)
        return {};
    QByteArray message(8, Qt::Uninitialized);
    qToBigEndian(counter, message.data());
    const QByteArray mac = QMessageAuthenticationCode::hash(message, secret, QCryptographicHash::Sha1);
    // RFC 4226 section 5.3 dynamic truncation.
    const int offset = quint8(mac.at(mac.size() - 1)) & 0x0F;
    const quint32 binary = (quint32(quint8(mac.at(offset)) & 0x7F) << 24) | (quint32(quint8(mac.at(offset + 1))) << 16)
        | (quint32(quint8(mac.at(offset + 2))) << 8) | quint32(quint8(mac.at(offset + 3)));
    return QString::number(binary % powerOfTen(digits)).rightJustified(digits, u'0');
}

QString totpCode(const QByteArray &secret, qint64 unixTime, int digits, int stepSeconds)
{
    if (unixTime < 0 || stepSeconds < 1)
        return {};
    return hotpCode(secret, quint64(unixTime / stepSeconds), digits);
}

std::optional<qint64> matchTotpStep(const QByteArray &secret, QStringView code, qint64 unixTime, int window)
{
    if (secret.isEmpty() || unixTime < 0 || !isSixAsciiDigits(code))
        return std::nullopt;
    window = qBound(0, window, MaxWindow);
    const qint64 current = unixTime / DefaultStep;
    std::optional<qint64> matched;
    // Every candidate is computed and compared, match or not, so timing doesn't tell
    // which step matched.
    for (qint64 step = current - window; step <= current + window; ++step) {
        if (step < 0)
            continue;
        if (constantTimeEquals(hotpCode(secret, quint64(step), CodeDigits), code) && !matched)
            matched = step;
    }
    return matched;
}

bool verifyTotp(const QByteArray &secret, QStringView code, qint64 unixTime, int window)
{
    return matchTotpStep(secret, code, unixTime, window).has_value();
}

QString otpauthUri(const QString &issuer, const QString &account, const QByteArray &secret)
{
    // Concatenated rather than QString::arg(): the encoded parts contain '%' sequences
    // such as "%3A" that arg() would take for placeholders.
    const QString encodedIssuer = QString::fromLatin1(QUrl::toPercentEncoding(issuer));
    const QString encodedAccount = QString::fromLatin1(QUrl::toPercentEncoding(account));
    return u"otpauth://totp/"_s + encodedIssuer + u':' + encodedAccount + u"?secret="_s + base32Encode(secret)
        + u"&issuer="_s + encodedIssuer + u"&algorithm=SHA1&digits="_s + QString::number(CodeDigits)
        + u"&period="_s + QString::number(DefaultStep);
}

} // namespace rdk

#include "sync/queueticket.h"

#include "domain/release.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <QList>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {
namespace {

QByteArray hmacHex(QByteArrayView secret, QByteArrayView message)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), secret.data(), int(secret.size()), reinterpret_cast<const unsigned char *>(message.data()),
              size_t(message.size()), out, &length))
        return {};
    return QByteArray(reinterpret_cast<const char *>(out), int(length)).toHex();
}

bool isLowerHex(QByteArrayView text)
{
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return !text.isEmpty();
}

} // namespace

QByteArray makeQueueTicket(QByteArrayView secret, const QString &releaseId, qint64 joinedAtMs, QByteArrayView random)
{
    return signTicket(secret.toByteArray(), releaseId, joinedAtMs, QString::fromLatin1(random.toByteArray().toHex())).toLatin1();
}

std::optional<QueueTicket> verifyQueueTicket(QByteArrayView secret, const QString &releaseId, QByteArrayView text)
{
    if (text.isEmpty() || text.size() > kMaxTicketLength || secret.isEmpty())
        return std::nullopt;
    const QList<QByteArray> parts = text.toByteArray().split('.');
    if (parts.size() != 5 || parts[0] != "v1" || parts[1] != releaseId.toLatin1() || parts[2].isEmpty()
        || parts[2].size() > 15 || parts[3].size() != 24 || !isLowerHex(parts[3]) || parts[4].size() != 64
        || !isLowerHex(parts[4]))
        return std::nullopt;
    for (const char c : parts[2])
        if (c < '0' || c > '9')
            return std::nullopt;
    const QByteArray expected = hmacHex(secret, text.first(text.size() - 65));
    // Lengths are equal (64) here; CRYPTO_memcmp compares bytes only, in constant time.
    if (expected.size() != parts[4].size() || CRYPTO_memcmp(expected.constData(), parts[4].constData(), size_t(expected.size())) != 0)
        return std::nullopt;
    return QueueTicket{releaseId, parts[2].toLongLong(), text.toByteArray()};
}

QByteArray queueCookieName(const QString &releaseId)
{
    return "rdk_q_" + releaseId.left(8).toLatin1();
}

QByteArray cookieValue(QByteArrayView cookieHeader, QByteArrayView name)
{
    for (const QByteArray &pair : cookieHeader.toByteArray().split(';')) {
        const QByteArray trimmed = pair.trimmed();
        const qsizetype eq = trimmed.indexOf('=');
        if (eq > 0 && QByteArrayView(trimmed).first(eq) == name)
            return trimmed.mid(eq + 1);
    }
    return {};
}

QByteArray queueSetCookie(const QString &releaseId, QByteArrayView ticket, bool secure, int maxAgeSeconds)
{
    QByteArray cookie = queueCookieName(releaseId) + '=' + ticket.toByteArray() + "; HttpOnly; SameSite=Lax; Path=/";
    if (maxAgeSeconds > 0)
        cookie += "; Max-Age=" + QByteArray::number(maxAgeSeconds);
    if (secure)
        cookie += "; Secure";
    return cookie;
}

} // namespace rdk::sync

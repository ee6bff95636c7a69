#include "domain/scram.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QtEndian>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

constexpr int Sha256Length = 32;
constexpr int DefaultSaltLength = 16; // what PostgreSQL itself uses

void xorInto(QByteArray &target, const QByteArray &source)
{
    for (qsizetype i = 0; i < target.size(); ++i)
        target[i] = char(target.at(i) ^ source.at(i));
}

// F(P, S, c, i) of RFC 8018 section 5.2: one SHA-256-sized block of the derived key.
QByteArray pbkdf2Block(QMessageAuthenticationCode &mac, const QByteArray &salt, int iterations, quint32 index)
{
    char indexBytes[4];
    qToBigEndian(index, indexBytes);
    mac.reset();
    mac.addData(salt);
    mac.addData(indexBytes, sizeof indexBytes);
    QByteArray u = mac.result();
    QByteArray block = u;
    for (int i = 1; i < iterations; ++i) {
        mac.reset();
        mac.addData(u);
        u = mac.result();
        xorInto(block, u);
    }
    return block;
}

QByteArray randomSalt()
{
    QByteArray salt(DefaultSaltLength, Qt::Uninitialized);
    for (char &byte : salt)
        byte = char(QRandomGenerator::system()->bounded(256));
    return salt;
}

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

} // namespace

QByteArray pbkdf2HmacSha256(const QByteArray &password, const QByteArray &salt, int iterations, int keyLength)
{
    if (iterations < 1 || keyLength < 1)
        return {};
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, password);
    QByteArray key;
    key.reserve(keyLength + Sha256Length);
    for (quint32 index = 1; key.size() < keyLength; ++index)
        key.append(pbkdf2Block(mac, salt, iterations, index));
    key.truncate(keyLength);
    return key;
}

QString scramSha256Verifier(const QString &password, const QByteArray &salt, int iterations)
{
    if (iterations < 1)
        return {};
    const QByteArray usedSalt = salt.isEmpty() ? randomSalt() : salt;
    const QByteArray salted = pbkdf2HmacSha256(password.toUtf8(), usedSalt, iterations, Sha256Length);
    const QByteArray clientKey =
        QMessageAuthenticationCode::hash(QByteArrayLiteral("Client Key"), salted, QCryptographicHash::Sha256);
    const QByteArray storedKey = QCryptographicHash::hash(clientKey, QCryptographicHash::Sha256);
    const QByteArray serverKey =
        QMessageAuthenticationCode::hash(QByteArrayLiteral("Server Key"), salted, QCryptographicHash::Sha256);
    return u"SCRAM-SHA-256$"_s + QString::number(iterations) + u':' + base64(usedSalt) + u'$' + base64(storedKey)
        + u':' + base64(serverKey);
}

} // namespace rdk

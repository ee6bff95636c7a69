#pragma once

#include <QByteArray>
#include <QString>

namespace rdk {

/// PBKDF2 (RFC 8018) with HMAC-SHA-256. Empty for iterations or keyLength below 1.
QByteArray pbkdf2HmacSha256(const QByteArray &password, const QByteArray &salt, int iterations, int keyLength);

/// The SCRAM-SHA-256 secret PostgreSQL stores for a password (RFC 5802/7677):
///   SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>
/// Sending this in CREATE/ALTER ROLE ... PASSWORD '<verifier>' sets the password without
/// the plaintext ever reaching the server, its logs or pg_stat_statements.
/// The password is used as UTF-8 without SASLprep, which is exactly what PostgreSQL does
/// for ASCII passwords (validatePassword() only lets ASCII through). A random 16-byte salt
/// is drawn when `salt` is empty. Empty for iterations below 1.
QString scramSha256Verifier(const QString &password, const QByteArray &salt = {}, int iterations = 4096);

} // namespace rdk

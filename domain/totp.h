#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>

namespace rdk {

/// One-time codes for two-factor sign-in: HOTP (RFC 4226) and TOTP (RFC 6238), HMAC-SHA1,
/// which is what every authenticator app supports.

/// A fresh shared secret from the operating system's CSPRNG. 20 bytes (160 bits) is the
/// size RFC 4226 recommends.
QByteArray generateTotpSecret(int bytes = 20);

/// RFC 4648 base32, uppercase, without '=' padding (how authenticator apps expect it).
QString base32Encode(const QByteArray &data);
/// Reads base32 the way people copy it: any case, spaces and '=' ignored. nullopt for
/// characters outside the alphabet (including 0, 1, 8, 9) and impossible lengths.
std::optional<QByteArray> base32Decode(QStringView text);

/// The HOTP code for `counter`, zero-padded to `digits` (6 to 8). Empty for other digit
/// counts or an empty secret.
QString hotpCode(const QByteArray &secret, quint64 counter, int digits = 6);

/// The TOTP code at `unixTime` (seconds). Empty for a negative time or a step below 1.
QString totpCode(const QByteArray &secret, qint64 unixTime, int digits = 6, int stepSeconds = 30);

/// The time step (unixTime / 30 + offset) whose code matches, checking the current step
/// and `window` steps either side (window is clamped to 0..10) with a constant-time
/// compare. The code must be exactly 6 ASCII digits. Callers store the returned step and
/// refuse steps at or below it, so an observed code can't be replayed.
std::optional<qint64> matchTotpStep(const QByteArray &secret, QStringView code, qint64 unixTime, int window = 1);

/// True when matchTotpStep() finds a match. Clock drift of +-window * 30 s is tolerated.
bool verifyTotp(const QByteArray &secret, QStringView code, qint64 unixTime, int window = 1);

/// The provisioning URI an authenticator app scans as a QR code:
/// otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&algorithm=SHA1&digits=6&period=30
/// with issuer and account percent-encoded (so a ':' or '&' in them can't break the URI).
QString otpauthUri(const QString &issuer, const QString &account, const QByteArray &secret);

} // namespace rdk

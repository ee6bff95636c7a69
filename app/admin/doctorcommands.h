#pragma once

#include "app/runtime/config.h"

#include <QDateTime>
#include <QStringList>
#include <QTextStream>
#include <QUrl>

namespace rdk {

/// `rdk-admin doctor [--only CHECK,...] [--public-url URL] [--data-dir PATH] [--crash-dir DIR]
/// [--min-free-mb N] [--timeout SECONDS]`: checks a deployment and prints one line per check
/// (ok, warning or problem) with what to fix. Exit 0 without problems (warnings allowed), 1 with
/// at least one problem, 64 on a usage error.
int runDoctorCommand(const QStringList &args, const AdminConfig &config, QTextStream &out, QTextStream &err);

QString doctorUsage();

namespace doctor {

enum class Verdict { Ok, Warning, Problem };

/// One check's outcome: what was found, and for a warning or a problem what to do about it.
struct Finding final {
    QString check;
    Verdict verdict = Verdict::Ok;
    QString what;
    QString fix;
};

/// The names of the checks, in the order they run (`--only` takes these).
QStringList checkNames();

/// The sslmode a libpq URL asks for: its `sslmode=` parameter, else PGSSLMODE from `environment`,
/// else libpq's default "prefer".
QString sslModeOf(const QString &url, const QString &pgSslModeEnvironment = {});
/// Whether `host` is this machine: empty or a socket folder ("/run/..."), localhost, 127/8, ::1.
bool isLocalHost(const QString &host);

/// The connection this doctor uses: local is fine without TLS; over the network it must be
/// encrypted (`ssl`, read from pg_stat_ssl), and without sslmode=verify-full it is only a warning.
Finding judgeDatabaseTls(const QString &url, bool ssl, const QString &tlsVersion, const QString &pgSslModeEnvironment = {});
/// The counter PCs' server address (RDK_DESK_DATABASE_URL): over the network it needs
/// sslmode=verify-full. Empty: not configured on this machine, nothing to say.
Finding judgeDeskTls(const QString &deskUrl);
/// Stripe's key kind against where the shop is: a live key needs a public https shop (and the
/// real API), a test key on a public shop takes no real money.
Finding judgeStripeKey(const QString &secretKey, const QUrl &publicUrl, const QUrl &apiBase);
/// The mail settings as rdk-sync reads them (SyncConfig's RDK_SMTP_* rules).
Finding judgeMail(const ConfigSource &source);
/// Free space where the database (or photos) live: a problem under `minFreeBytes`, a warning
/// under twice that or under 10 % of the disk.
Finding judgeDisk(const QString &path, quint64 freeBytes, quint64 totalBytes, quint64 minFreeBytes);
/// The database server's clock against this machine's: a warning past 2 s, a problem past 30 s
/// (reservations, receipts and audit times come from the server, TOTP codes from phones).
Finding judgeClockSkew(const QDateTime &server, const QDateTime &local, qint64 roundTripMs);
/// Crash reports left in `directory` by rdk-sync or rdk-desk.
Finding judgeCrashReports(const QString &directory);

} // namespace doctor
} // namespace rdk

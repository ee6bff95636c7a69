// `rdk-admin doctor`: looks at a deployment the way an operator would before opening the
// shop, and says what to fix. Every check reuses what the product itself uses: the migration
// runner's status, the privilege matrix of docs/SECURITY.md (compiled in), rdk-sync's mail
// settings rules, the crash report folder of app/runtime/crashreport.
#include "app/admin/doctorcommands.h"

#include "app/runtime/crashreport.h"
#include "data/deploymentprobe.h"
#include "data/migrationrunner.h"
#include "data/privilegematrix.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QUrlQuery>

#include <sys/statvfs.h>

#include <cmath>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace doctor {
namespace {

constexpr quint64 kMiB = 1024ull * 1024ull;

Finding ok(const QString &check, const QString &what)
{
    return {check, Verdict::Ok, what, {}};
}

Finding warning(const QString &check, const QString &what, const QString &fix)
{
    return {check, Verdict::Warning, what, fix};
}

Finding problem(const QString &check, const QString &what, const QString &fix)
{
    return {check, Verdict::Problem, what, fix};
}

QString hostOf(const QString &url)
{
    const QUrl parsed(url);
    QString host = parsed.host();
    if (host.isEmpty())   // postgresql:///db?host=/run/postgresql
        host = QUrlQuery(parsed).queryItemValue(u"host"_s, QUrl::FullyDecoded);
    return host;
}

QString gigabytes(quint64 bytes)
{
    return u"%1 GiB"_s.arg(double(bytes) / double(1024 * kMiB), 0, 'f', 1);
}

} // namespace

QStringList checkNames()
{
    return {u"migrations"_s, u"privileges"_s, u"database-tls"_s, u"desk-tls"_s, u"stripe-key"_s, u"webhook"_s,
            u"mail"_s,       u"disk"_s,       u"clock"_s,        u"crash-reports"_s};
}

QString sslModeOf(const QString &url, const QString &pgSslModeEnvironment)
{
    const QString mode = QUrlQuery(QUrl(url)).queryItemValue(u"sslmode"_s, QUrl::FullyDecoded).trimmed();
    if (!mode.isEmpty())
        return mode;
    return pgSslModeEnvironment.trimmed().isEmpty() ? u"prefer"_s : pgSslModeEnvironment.trimmed();
}

bool isLocalHost(const QString &rawHost)
{
    QString host = rawHost.trimmed();
    host.remove(u'[').remove(u']');
    if (host.isEmpty() || host.startsWith(u'/') || host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

Finding judgeDatabaseTls(const QString &url, bool ssl, const QString &tlsVersion, const QString &pgSslModeEnvironment)
{
    const QString check = u"database-tls"_s;
    const QString host = hostOf(url);
    const QString mode = sslModeOf(url, pgSslModeEnvironment);
    if (isLocalHost(host))
        return ok(check, ssl ? u"local connection to %1, encrypted (%2)"_s.arg(host, tlsVersion)
                             : u"local connection to %1: no TLS needed on this machine"_s.arg(host.isEmpty() ? u"the socket"_s : host));
    if (!ssl)
        return problem(check, u"the connection to %1 is NOT encrypted (sslmode=%2): passwords and orders cross the network in clear"_s.arg(host, mode),
                       u"turn on ssl in postgresql.conf with a certificate for %1, then add ?sslmode=verify-full&sslrootcert=<CA file> "
                       "to DATABASE_URL"_s.arg(host));
    if (mode != u"verify-full"_s)
        return warning(check, u"encrypted (%1) but the server's certificate is not checked (sslmode=%2): a machine in the middle could pose as %3"_s
                                  .arg(tlsVersion, mode, host),
                       u"use sslmode=verify-full with sslrootcert=<the CA that signed the server's certificate>"_s);
    return ok(check, u"encrypted (%1), server certificate verified (sslmode=verify-full)"_s.arg(tlsVersion));
}

Finding judgeDeskTls(const QString &deskUrl)
{
    const QString check = u"desk-tls"_s;
    if (deskUrl.trimmed().isEmpty())
        return ok(check, u"RDK_DESK_DATABASE_URL is not set on this machine (counter PCs have their own)"_s);
    const QString host = hostOf(deskUrl);
    if (isLocalHost(host))
        return ok(check, u"counter PCs on this machine reach the database locally (%1)"_s.arg(host.isEmpty() ? u"socket"_s : host));
    const QString mode = sslModeOf(deskUrl);
    if (mode == u"verify-full"_s)
        return ok(check, u"counter PCs connect to %1 with sslmode=verify-full"_s.arg(host));
    const QString fix = u"add ?sslmode=verify-full&sslrootcert=<CA file> to RDK_DESK_DATABASE_URL on every counter PC"_s;
    if (mode == u"verify-ca"_s || mode == u"require"_s)
        return warning(check, u"counter PCs encrypt but do not check that %1 is the shop's server (sslmode=%2)"_s.arg(host, mode), fix);
    return problem(check, u"counter PCs may talk to %1 unencrypted (sslmode=%2): staff passwords would cross the network in clear"_s.arg(host, mode),
                   fix);
}

Finding judgeStripeKey(const QString &secretKey, const QUrl &publicUrl, const QUrl &apiBase)
{
    const QString check = u"stripe-key"_s;
    const QString key = secretKey.trimmed();
    if (key.isEmpty())
        return problem(check, u"STRIPE_SECRET_KEY is not set: rdk-sync won't start"_s,
                       u"put the shop's secret key (sk_live_… or a restricted rk_live_…) in rdk-sync's environment file"_s);
    const bool live = key.startsWith(u"sk_live_"_s) || key.startsWith(u"rk_live_"_s);
    const bool test = key.startsWith(u"sk_test_"_s) || key.startsWith(u"rk_test_"_s);
    if (key.startsWith(u"pk_"_s))
        return problem(check, u"STRIPE_SECRET_KEY holds a publishable key (pk_…), which can't create payments"_s,
                       u"use the secret key (sk_…) or a restricted key (rk_…) from Stripe's dashboard"_s);
    if (!live && !test)
        return problem(check, u"STRIPE_SECRET_KEY is not a Stripe secret key (expected sk_live_, sk_test_, rk_live_ or rk_test_)"_s,
                       u"copy the key again from Stripe's dashboard, Developers ▸ API keys"_s);
    const QString kind = u"%1 %2 key"_s.arg(live ? u"live"_s : u"test"_s, key.startsWith(u"rk_"_s) ? u"restricted"_s : u"secret"_s);
    const bool localShop = publicUrl.isEmpty() || isLocalHost(publicUrl.host());
    const QString shop = publicUrl.isEmpty() ? u"(no RDK_PUBLIC_URL)"_s : publicUrl.toString(QUrl::RemoveUserInfo);
    if (live && localShop)
        return warning(check, u"a %1 with the local shop %2: Stripe can't deliver payments' webhooks there, so paid orders would stay pending"_s
                                  .arg(kind, shop),
                       u"set RDK_PUBLIC_URL to the shop's public https address, or use a test key (sk_test_…) on a local shop"_s);
    if (live && apiBase.isValid() && !apiBase.isEmpty() && apiBase.host() != u"api.stripe.com"_s)
        return problem(check, u"a %1 is sent to %2, not to Stripe"_s.arg(kind, apiBase.toString(QUrl::RemoveUserInfo)),
                       u"remove STRIPE_API_BASE (the sandbox is for test keys only)"_s);
    if (test && !localShop)
        return warning(check, u"a %1 on the public shop %2: buyers can't pay for real"_s.arg(kind, shop),
                       u"when the shop opens, switch to the live key (sk_live_…) and run rdk-admin stripe connect again"_s);
    return ok(check, u"%1 for %2"_s.arg(kind, shop));
}

Finding judgeMail(const ConfigSource &source)
{
    const QString check = u"mail"_s;
    // rdk-sync's own rules for RDK_SMTP_*: the same reader, keeping only the mail lines.
    QStringList mailErrors;
    if (auto config = SyncConfig::load(source); !config) {
        for (const QString &line : config.error().message.split(u'\n')) {
            if (line.startsWith(u"RDK_SMTP_"_s) || line.startsWith(u"RDK_MAIL_"_s))
                mailErrors.append(line);
        }
    }
    if (!mailErrors.isEmpty())
        return problem(check, u"rdk-sync would refuse the mail settings: "_s + mailErrors.join(u"; "_s),
                       u"fix the RDK_SMTP_* lines in rdk-sync's environment file (see .env.example)"_s);
    const QString host = source.value(u"RDK_SMTP_HOST"_s).value_or(QString());
    if (host.isEmpty())
        return warning(check, u"mail to customers is off (no RDK_SMTP_HOST): order and receipt mails wait in the outbox"_s,
                       u"set RDK_SMTP_HOST, RDK_SMTP_PORT, RDK_SMTP_USER, RDK_SMTP_PASSWORD and RDK_SMTP_FROM"_s);
    const bool tls = source.value(u"RDK_SMTP_TLS"_s).value_or(u"starttls"_s).toLower() != u"none"_s;
    return ok(check, u"mail goes out through %1:%2 as %3 (%4)"_s.arg(host, source.value(u"RDK_SMTP_PORT"_s).value_or(u"587"_s),
                                                                     source.value(u"RDK_SMTP_FROM"_s).value_or(QString()),
                                                                     tls ? u"STARTTLS"_s : u"no TLS, on this machine"_s));
}

Finding judgeDisk(const QString &path, quint64 freeBytes, quint64 totalBytes, quint64 minFreeBytes)
{
    const QString check = u"disk"_s;
    const double share = totalBytes == 0 ? 0.0 : 100.0 * double(freeBytes) / double(totalBytes);
    const QString what = u"%1 free of %2 (%3 %) where %4 lives"_s.arg(gigabytes(freeBytes), gigabytes(totalBytes))
                             .arg(share, 0, 'f', 0).arg(path);
    const QString fix = u"free space or grow the disk: PostgreSQL stops taking orders when its disk is full"_s;
    if (freeBytes < minFreeBytes)
        return problem(check, what + u", under the minimum of %1"_s.arg(gigabytes(minFreeBytes)), fix);
    if (freeBytes < 2 * minFreeBytes || share < 10.0)
        return warning(check, what, fix);
    return ok(check, what);
}

Finding judgeClockSkew(const QDateTime &server, const QDateTime &local, qint64 roundTripMs)
{
    const QString check = u"clock"_s;
    const qint64 skew = local.msecsTo(server);
    // Half the round trip is what the measurement can't tell apart from skew.
    const qint64 beyondDoubt = std::max<qint64>(0, std::abs(skew) - roundTripMs / 2);
    const QString what = u"the database server's clock is %1 s %2 this machine's (round trip %3 ms)"_s
                             .arg(double(std::abs(skew)) / 1000.0, 0, 'f', 3)
                             .arg(skew >= 0 ? u"ahead of"_s : u"behind"_s)
                             .arg(roundTripMs);
    const QString fix = u"run time synchronisation on both machines (systemd-timesyncd or chrony) and check with timedatectl"_s;
    if (beyondDoubt > 30'000)
        return problem(check, what, fix);
    if (beyondDoubt > 2'000)
        return warning(check, what, fix);
    return ok(check, what);
}

Finding judgeCrashReports(const QString &directory)
{
    const QString check = u"crash-reports"_s;
    const QDir dir(directory);
    if (!dir.exists())
        return ok(check, u"none (%1 does not exist yet)"_s.arg(directory));
    const QFileInfoList reports = dir.entryInfoList({u"*.crash"_s}, QDir::Files, QDir::Time);
    if (reports.isEmpty())
        return ok(check, u"none in %1"_s.arg(directory));
    // The newest report's signal, release and time, from its first lines.
    QStringList facts;
    QFile newest(reports.first().absoluteFilePath());
    if (newest.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : newest.read(4096).split('\n')) {
            for (const char *field : {"signal: ", "release: ", "time: "}) {
                if (line.startsWith(field))
                    facts.append(QString::fromUtf8(line).simplified());
            }
        }
    } else {
        facts.append(u"can't be read: %1"_s.arg(newest.errorString()));
    }
    return warning(check, u"%1 crash report(s) in %2; newest %3 (%4)"_s.arg(reports.size()).arg(directory,
                       reports.first().fileName(), facts.join(u", "_s)),
                   u"read it (stack and last log lines), keep it for the developers, then move it out of %1"_s.arg(directory));
}

} // namespace doctor

namespace {

using doctor::Finding;
using doctor::Verdict;
using doctor::ok;
using doctor::problem;
using doctor::warning;

struct DoctorOptions final {
    QStringList only;
    QUrl publicUrl;
    QString dataDir;
    QString crashDir;
    quint64 minFreeBytes = 1024 * doctor::kMiB;
    int timeoutMs = 5000;
};

Finding checkMigrations(const AdminConfig &config)
{
    const QString check = u"migrations"_s;
    auto migrations = data::loadMigrations();
    auto modules = migrations ? data::loadModules() : Result<QList<data::MigrationModule>>(migrations.error());
    if (!modules)
        return problem(check, modules.error().message, u"this rdk-admin was built badly: reinstall it"_s);
    const data::MigrationRunner runner(config.databaseUrl.toStdString(), *migrations, *modules);
    auto status = runner.status();
    if (!status)
        return problem(check, u"can't read the schema's state: "_s + status.error().message,
                       u"check DATABASE_URL (the owner role) and that PostgreSQL runs"_s);
    if (!status->problems.isEmpty())
        return problem(check, status->problems.join(u"; "_s),
                       u"an applied migration was edited or is unknown to this release: install the release that made the database"_s);
    QStringList todo;
    for (const auto &p : status->pending)
        todo.append(p.fileName);
    for (const auto &m : status->modules) {
        if (m.state != data::ModuleStatus::State::Current)
            todo.append(m.module.fileName);
    }
    if (!status->pending.isEmpty() || !status->drift.isEmpty() || !status->modulesCurrent()) {
        QStringList parts;
        if (!status->pending.isEmpty())
            parts.append(u"%1 migration(s) pending"_s.arg(status->pending.size()));
        if (!status->drift.isEmpty())
            parts.append(u"drift: "_s + status->drift.join(u"; "_s));
        if (!todo.isEmpty())
            parts.append(u"to apply: "_s + todo.join(u", "_s));
        return problem(check, parts.join(u"; "_s), u"run: rdk-admin migrate up (then rdk-admin migrate verify)"_s);
    }
    return ok(check, u"schema is current: %1 migrations, %2 modules match their files"_s.arg(status->applied.size())
                         .arg(status->modules.size()));
}

Finding checkPrivileges(const AdminConfig &config)
{
    const QString check = u"privileges"_s;
    QString error;
    const auto documented = data::readDocumentedBlock(u":/docs/SECURITY.md"_s, &error);
    if (!documented)
        return problem(check, error, u"this rdk-admin was built without docs/SECURITY.md: reinstall it"_s);
    auto live = data::readPrivilegeMatrix(config.databaseUrl.toStdString());
    if (!live)
        return problem(check, u"can't read the grants: "_s + live.error().message, u"check DATABASE_URL (the owner role)"_s);
    const data::BlockDiff diff = data::compareBlocks(*documented, *live);
    if (diff.same())
        return ok(check, u"the grants of PUBLIC, rdk_staff, rdk_ops, rdk_admin and rdk_sync are as docs/SECURITY.md documents"_s);
    QStringList lines;
    for (const QString &line : diff.missing.mid(0, 6))
        lines.append(u"documented: "_s + line);
    for (const QString &line : diff.extra.mid(0, 6))
        lines.append(u"in the database: "_s + line);
    const qsizetype more = diff.missing.size() + diff.extra.size() - lines.size();
    return problem(check, u"the grants differ from docs/SECURITY.md (%1 line(s)):\n           "_s
                              .arg(diff.missing.size() + diff.extra.size())
                          + lines.join(u"\n           "_s) + (more > 0 ? u"\n           … and %1 more"_s.arg(more) : QString()),
                   u"undo grants made by hand (REVOKE), or run rdk-admin migrate up if this release's migrations are missing"_s);
}

Finding checkWebhook(const QUrl &publicUrl, int timeoutMs)
{
    const QString check = u"webhook"_s;
    if (publicUrl.isEmpty())
        return problem(check, u"no public URL: RDK_PUBLIC_URL is not set and --public-url was not given"_s,
                       u"set RDK_PUBLIC_URL to the shop's https address"_s);
    // /healthz passes the edge to rdk-sync (the edge answers /readyz and /metrics itself), so an
    // answer proves the road Stripe's POSTs to /api/stripe/webhook take.
    QUrl url = publicUrl;
    QString path = url.path();
    if (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + u"/healthz"_s);
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = nam.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll().trimmed();
    const QString error = reply->errorString();
    const bool answered = status != 0;
    reply->deleteLater();
    const QString webhook = publicUrl.toString(QUrl::StripTrailingSlash | QUrl::RemoveUserInfo) + u"/api/stripe/webhook"_s;
    if (!answered)
        return problem(check, u"%1 gave no answer: %2 (waited up to %3 s)"_s.arg(url.toString(), error, QString::number(timeoutMs / 1000.0)),
                       u"check that Caddy and rdk-sync run and that %1 points to this server; Stripe posts to %2"_s.arg(publicUrl.host(), webhook));
    if (status != 200 || body != "ok")
        return problem(check, u"%1 answered HTTP %2, not rdk-sync's \"ok\""_s.arg(url.toString()).arg(status),
                       u"check the reverse proxy forwards %1 to rdk-sync (resources/caddy/Caddyfile)"_s.arg(publicUrl.host()));
    if (url.scheme() != u"https"_s && !doctor::isLocalHost(url.host()))
        return warning(check, u"%1 answers, but over plain http: Stripe sends live webhooks to https only"_s.arg(url.toString()),
                       u"serve the shop over https (Caddy does it automatically for a public domain)"_s);
    return ok(check, u"%1 answers through the edge; Stripe posts to %2"_s.arg(url.toString(), webhook));
}

Finding checkDisk(const DoctorOptions &options, const QString &dataDirectory)
{
    const QString check = u"disk"_s;
    const QString path = !options.dataDir.isEmpty() ? options.dataDir : dataDirectory;
    if (path.isEmpty())
        return warning(check, u"not checked: this login may not read the database's data_directory"_s,
                       u"give --data-dir /var/lib/postgresql/15/main (or wherever the database lives) on the database server"_s);
    struct statvfs fs {};
    if (::statvfs(QFile::encodeName(path).constData(), &fs) != 0)
        return warning(check, u"not checked: %1 can't be read here (the database may run on another machine)"_s.arg(path),
                       u"run rdk-admin doctor --only disk --data-dir <path> on the database server"_s);
    return doctor::judgeDisk(path, quint64(fs.f_bavail) * fs.f_frsize, quint64(fs.f_blocks) * fs.f_frsize, options.minFreeBytes);
}

QString verdictWord(Verdict v)
{
    switch (v) {
    case Verdict::Ok: return u"ok"_s;
    case Verdict::Warning: return u"warning"_s;
    case Verdict::Problem: return u"problem"_s;
    }
    return {};
}

std::optional<DoctorOptions> parseDoctorOptions(const QStringList &args, const ConfigSource &source, QString *error)
{
    DoctorOptions o;
    const QString publicUrl = source.value(u"RDK_PUBLIC_URL"_s).value_or(QString());
    o.publicUrl = QUrl(publicUrl);
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString key = args[i];
        if (i + 1 >= args.size() || !key.startsWith(u"--"_s)) {
            *error = key.startsWith(u"--"_s) ? u"%1 needs a value"_s.arg(key) : u"unexpected '%1'"_s.arg(key.left(40));
            return std::nullopt;
        }
        const QString value = args[++i];
        bool number = false;
        if (key == u"--only"_s) {
            o.only = value.split(u',', Qt::SkipEmptyParts);
            for (const QString &name : std::as_const(o.only)) {
                if (!doctor::checkNames().contains(name)) {
                    *error = u"--only: unknown check '%1' (checks: %2)"_s.arg(name.left(40), doctor::checkNames().join(u", "_s));
                    return std::nullopt;
                }
            }
        } else if (key == u"--public-url"_s) {
            o.publicUrl = QUrl(value, QUrl::StrictMode);
            if (!o.publicUrl.isValid() || (o.publicUrl.scheme() != u"http"_s && o.publicUrl.scheme() != u"https"_s)) {
                *error = u"--public-url must be an http(s) URL"_s;
                return std::nullopt;
            }
        } else if (key == u"--data-dir"_s) {
            o.dataDir = value;
        } else if (key == u"--crash-dir"_s) {
            o.crashDir = value;
        } else if (key == u"--min-free-mb"_s) {
            o.minFreeBytes = value.toULongLong(&number) * doctor::kMiB;
            if (!number) {
                *error = u"--min-free-mb needs a whole number"_s;
                return std::nullopt;
            }
        } else if (key == u"--timeout"_s) {
            const int seconds = value.toInt(&number);
            if (!number || seconds < 1 || seconds > 60) {
                *error = u"--timeout needs seconds from 1 to 60"_s;
                return std::nullopt;
            }
            o.timeoutMs = seconds * 1000;
        } else {
            *error = u"unknown option %1"_s.arg(key.left(40));
            return std::nullopt;
        }
    }
    if (o.crashDir.isEmpty())
        o.crashDir = crashReportDirectory(source);
    return o;
}

} // namespace

QString doctorUsage()
{
    return u"  doctor [--only CHECK,...] [--public-url URL] [--data-dir PATH] [--crash-dir DIR] [--min-free-mb 1024] [--timeout 5]\n"
           "         checks: %1"_s.arg(doctor::checkNames().join(u", "_s));
}

int runDoctorCommand(const QStringList &args, const AdminConfig &config, QTextStream &out, QTextStream &err)
{
    const ConfigSource source = ConfigSource::fromProcess();
    QString error;
    const auto options = parseDoctorOptions(args, source, &error);
    if (!options) {
        err << "rdk-admin: " << error << "\n\nusage:\n" << doctorUsage() << Qt::endl;
        return 64;
    }
    const auto wanted = [&](const QString &name) { return options->only.isEmpty() || options->only.contains(name); };
    QList<Finding> findings;
    const auto report = [&](const Finding &f) {
        findings.append(f);
        out << verdictWord(f.verdict).leftJustified(8) << ' ' << f.check.leftJustified(14) << ' ' << f.what << '\n';
        if (!f.fix.isEmpty())
            out << QString(24, u' ') << "fix: " << f.fix << '\n';
        out.flush();
    };

    if (wanted(u"migrations"_s))
        report(checkMigrations(config));
    if (wanted(u"privileges"_s))
        report(checkPrivileges(config));
    std::optional<data::ConnectionFacts> facts;
    if (wanted(u"database-tls"_s) || wanted(u"clock"_s) || (wanted(u"disk"_s) && options->dataDir.isEmpty())) {
        auto probed = data::probeConnection(config.databaseUrl.toStdString());
        if (probed) {
            facts = *probed;
        } else {
            report(problem(u"database"_s, u"can't connect: "_s + probed.error().message,
                           u"check DATABASE_URL and that PostgreSQL runs and accepts this machine (pg_hba.conf)"_s));
        }
    }
    const QString pgSslMode = QProcessEnvironment::systemEnvironment().value(u"PGSSLMODE"_s);
    if (wanted(u"database-tls"_s) && facts)
        report(doctor::judgeDatabaseTls(config.databaseUrl, facts->ssl, facts->sslVersion, pgSslMode));
    if (wanted(u"desk-tls"_s))
        report(doctor::judgeDeskTls(source.value(u"RDK_DESK_DATABASE_URL"_s).value_or(QString())));
    if (wanted(u"stripe-key"_s)) {
        report(doctor::judgeStripeKey(source.value(u"STRIPE_SECRET_KEY"_s).value_or(QString()), options->publicUrl,
                                      QUrl(source.value(u"STRIPE_API_BASE"_s).value_or(QString()))));
    }
    if (wanted(u"webhook"_s))
        report(checkWebhook(options->publicUrl, options->timeoutMs));
    if (wanted(u"mail"_s))
        report(doctor::judgeMail(source));
    if (wanted(u"disk"_s) && (facts || !options->dataDir.isEmpty()))
        report(checkDisk(*options, facts ? facts->dataDirectory : QString()));
    if (wanted(u"clock"_s) && facts)
        report(doctor::judgeClockSkew(facts->serverTime, facts->localTime, facts->roundTripMs));
    if (wanted(u"crash-reports"_s))
        report(doctor::judgeCrashReports(options->crashDir));

    const auto count = [&](Verdict v) { return std::count_if(findings.begin(), findings.end(), [v](const Finding &f) { return f.verdict == v; }); };
    const auto problems = count(Verdict::Problem);
    out << u"%1 check(s): %2 ok, %3 warning(s), %4 problem(s)"_s.arg(findings.size()).arg(count(Verdict::Ok))
               .arg(count(Verdict::Warning)).arg(problems)
        << Qt::endl;
    return problems > 0 ? 1 : 0;
}

} // namespace rdk

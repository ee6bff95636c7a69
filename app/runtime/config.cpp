#include "app/runtime/config.h"

#include <QUrlQuery>

#include "app/runtime/envfile.h"
#include "domain/mailmessage.h"

#include <QFile>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr qsizetype kMaxValueLength = 4096;

// "localhost", 127.0.0.0/8 or ::1 (brackets allowed). Any other name could resolve anywhere.
bool isLoopbackHost(QString host)
{
    host.remove(u'[').remove(u']');
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

} // namespace

ConfigSource::ConfigSource(QHash<QString, QString> values, QStringList fileErrors)
    : m_values(std::move(values)), m_fileErrors(std::move(fileErrors))
{
}

ConfigSource ConfigSource::fromProcess(const QString &envFile)
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString path = env.value(u"RDK_ENV_FILE"_s, envFile);
    QHash<QString, QString> values;
    QStringList errors;
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            errors.append(u"%1: can't be read (%2)"_s.arg(path, file.errorString()));
        } else {
            const EnvFile parsed = parseEnvFile(file.read(1024 * 1024));
            values = parsed.values;
            for (const QString &e : parsed.errors)
                errors.append(path + u" "_s + e);
        }
    } else if (env.contains(u"RDK_ENV_FILE"_s)) {
        errors.append(u"RDK_ENV_FILE: %1 does not exist"_s.arg(path));
    }
    for (const QString &key : env.keys())
        values.insert(key, env.value(key));
    return ConfigSource(std::move(values), std::move(errors));
}

std::optional<QString> ConfigSource::value(const QString &key) const
{
    const auto it = m_values.constFind(key);
    if (it == m_values.constEnd() || it->trimmed().isEmpty())
        return std::nullopt;
    return it->trimmed();
}

ConfigReader::ConfigReader(const ConfigSource &source) : m_source(source)
{
    m_errors = source.fileErrors();
}

std::optional<QString> ConfigReader::take(const QString &key, bool required, const QString &example)
{
    auto value = m_source.value(key);
    if (!value) {
        if (required)
            addError(key, u"missing (example: %1)"_s.arg(example));
        return std::nullopt;
    }
    if (value->size() > kMaxValueLength) {
        addError(key, u"longer than %1 characters"_s.arg(kMaxValueLength));
        return std::nullopt;
    }
    if (value->contains(QChar(0)) || value->contains(u'\n')) {
        addError(key, u"contains control characters"_s);
        return std::nullopt;
    }
    return value;
}

QString ConfigReader::string(const QString &key, const QString &fallback, bool required)
{
    return take(key, required, u"a value"_s).value_or(fallback);
}

QString ConfigReader::postgresUrl(const QString &key, bool required)
{
    const auto value = take(key, required, u"postgresql://user:password@127.0.0.1:5432/rdk"_s);
    if (!value)
        return {};
    const QUrl url(*value, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"postgresql"_s && url.scheme() != u"postgres"_s)) {
        addError(key, u"not a postgresql:// URL (got '%1')"_s.arg(redactUrl(*value).left(80)));
        return {};
    }
    if (url.host().isEmpty() && !url.query().contains(u"host="_s)) {
        addError(key, u"names no host"_s);
        return {};
    }
    if (url.path().size() < 2) {
        addError(key, u"names no database (…/dbname)"_s);
        return {};
    }
    return *value;
}

QUrl ConfigReader::httpUrl(const QString &key, const QString &fallback, bool required)
{
    const QString text = take(key, required, u"https://shop.example.com"_s).value_or(fallback);
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s) || url.host().isEmpty()) {
        addError(key, u"not an http(s) URL (got '%1')"_s.arg(text.left(80)));
        return {};
    }
    return url;
}

QString ConfigReader::hostPort(const QString &key, const QString &fallback)
{
    const QString text = take(key, false, u"127.0.0.1:8080"_s).value_or(fallback);
    static const QRegularExpression pattern(u"^(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})$"_s);
    const auto match = pattern.match(text);
    const int port = match.hasMatch() ? match.captured(2).toInt() : -1;
    if (!match.hasMatch() || port < 0 || port > 65535) {
        addError(key, u"expected host:port such as 127.0.0.1:8080 (got '%1')"_s.arg(text.left(80)));
        return {};
    }
    return text;
}

QString ConfigReader::prefixedSecret(const QString &key, const QStringList &prefixes, bool required)
{
    const auto value = take(key, required, prefixes.first() + u"..."_s);
    if (!value)
        return {};
    for (const QString &prefix : prefixes) {
        if (value->startsWith(prefix) && value->size() > prefix.size() + 4)
            return *value;
    }
    // Never echo a secret back, not even in part.
    addError(key, u"does not look like a Stripe key (expected it to start with %1)"_s.arg(prefixes.join(u" or "_s)));
    return {};
}

QString ConfigReader::slug(const QString &key, bool required)
{
    const auto value = take(key, required, u"demo"_s);
    if (!value)
        return {};
    static const QRegularExpression pattern(u"^[a-z0-9][a-z0-9-]{1,39}$"_s);
    if (!pattern.match(*value).hasMatch()) {
        addError(key, u"a shop slug uses lowercase letters, digits and dashes (2 to 40), got '%1'"_s.arg(value->left(40)));
        return {};
    }
    return *value;
}

int ConfigReader::integer(const QString &key, int fallback, int min, int max)
{
    const auto value = take(key, false, QString::number(fallback));
    if (!value)
        return fallback;
    bool ok = false;
    const int number = value->toInt(&ok);
    if (!ok || number < min || number > max) {
        addError(key, u"expected a whole number from %1 to %2 (got '%3')"_s.arg(min).arg(max).arg(value->left(20)));
        return fallback;
    }
    return number;
}

bool ConfigReader::flag(const QString &key, bool fallback)
{
    const auto value = take(key, false, u"1"_s);
    if (!value)
        return fallback;
    const QString v = value->toLower();
    if (v == u"1"_s || v == u"true"_s || v == u"yes"_s || v == u"on"_s)
        return true;
    if (v == u"0"_s || v == u"false"_s || v == u"no"_s || v == u"off"_s)
        return false;
    addError(key, u"expected 1 or 0 (got '%1')"_s.arg(value->left(20)));
    return fallback;
}

QStringList ConfigReader::addressList(const QString &key)
{
    const auto value = take(key, false, u"127.0.0.1"_s);
    if (!value)
        return {};
    QStringList addresses;
    for (const QString &part : value->split(u',', Qt::SkipEmptyParts)) {
        const QString text = part.trimmed();
        QHostAddress address;
        // Plain addresses only: a name would be resolved once, and a range is easy to get wrong
        // (trusting a whole network lets anyone in it pick their own rate-limit key).
        if (text.contains(u'/') || !address.setAddress(text) || address.isNull()) {
            addError(key, u"expected IP addresses separated by commas, such as 127.0.0.1 (got '%1')"_s.arg(text.left(60)));
            return {};
        }
        addresses.append(address.toString());
    }
    return addresses;
}

LogSettings ConfigReader::logSettings(LogFormat defaultFormat, const QString &defaultLevel)
{
    LogSettings settings;
    settings.format = defaultFormat;
    const QString level = take(u"RDK_LOG_LEVEL"_s, false, u"info"_s).value_or(defaultLevel).toLower();
    static const QStringList levels = {u"trace"_s, u"debug"_s, u"info"_s, u"warn"_s, u"error"_s};
    if (levels.contains(level))
        settings.level = level;
    else
        addError(u"RDK_LOG_LEVEL"_s, u"expected one of %1 (got '%2')"_s.arg(levels.join(u", "_s), level.left(20)));
    if (const auto format = take(u"RDK_LOG_FORMAT"_s, false, u"json"_s)) {
        if (*format == u"json"_s)
            settings.format = LogFormat::Json;
        else if (*format == u"text"_s)
            settings.format = LogFormat::Text;
        else
            addError(u"RDK_LOG_FORMAT"_s, u"expected json or text (got '%1')"_s.arg(format->left(20)));
    }
    return settings;
}

Status ConfigReader::finish() const
{
    if (m_errors.isEmpty())
        return {};
    return Error::invalid(m_errors.join(u'\n'));
}

Result<AdminConfig> AdminConfig::load(const ConfigSource &source)
{
    ConfigReader r(source);
    AdminConfig c;
    c.databaseUrl = r.postgresUrl(u"DATABASE_URL"_s, true);
    c.tenant = r.slug(u"RDK_TENANT"_s, false);
    // The CLI prints its own one-line outcome; the log only adds detail when asked for.
    c.log = r.logSettings(LogFormat::Text, u"error"_s);
    if (auto s = r.finish(); !s)
        return s.error();
    return c;
}

namespace {

// RDK_SMTP_*: nothing is required while RDK_SMTP_HOST is empty (the sender stays off); once it
// is set, the rest must make a sender that can work.
void readSmtp(ConfigReader &r, SyncConfig::Smtp &smtp)
{
    smtp.host = r.string(u"RDK_SMTP_HOST"_s, {}, false).trimmed();
    smtp.shopAddress = r.string(u"RDK_MAIL_SHOP_ADDRESS"_s, {}, false).simplified();
    smtp.policies = r.string(u"RDK_MAIL_POLICIES"_s, {}, false).trimmed();
    if (smtp.shopAddress.size() > 200)
        r.addError(u"RDK_MAIL_SHOP_ADDRESS"_s, u"longer than 200 characters (one footer line)"_s);
    if (smtp.policies.size() > 2000)
        r.addError(u"RDK_MAIL_POLICIES"_s, u"longer than 2000 characters"_s);
    if (smtp.host.isEmpty())
        return;
    static const QRegularExpression hostName(u"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\\[[0-9a-fA-F:]+\\]$"_s);
    if (!hostName.match(smtp.host).hasMatch())
        r.addError(u"RDK_SMTP_HOST"_s, u"not a host name or address (got '%1')"_s.arg(smtp.host.left(80)));
    smtp.port = r.integer(u"RDK_SMTP_PORT"_s, 587, 1, 65535);
    smtp.user = r.string(u"RDK_SMTP_USER"_s, {}, false);
    smtp.password = r.string(u"RDK_SMTP_PASSWORD"_s, {}, false);
    if (!smtp.user.isEmpty() && smtp.password.isEmpty())
        r.addError(u"RDK_SMTP_PASSWORD"_s, u"missing: RDK_SMTP_USER is set"_s);
    smtp.from = r.string(u"RDK_SMTP_FROM"_s, {}, true).trimmed();
    if (!smtp.from.isEmpty() && sendableAddress(smtp.from) != smtp.from)
        r.addError(u"RDK_SMTP_FROM"_s, u"not one plain e-mail address such as shop@example.com (got '%1')"_s.arg(smtp.from.left(80)));
    const QString tls = r.string(u"RDK_SMTP_TLS"_s, u"starttls"_s, false).trimmed().toLower();
    if (tls != u"starttls"_s && tls != u"none"_s)
        r.addError(u"RDK_SMTP_TLS"_s, u"expected starttls or none (got '%1')"_s.arg(tls.left(20)));
    smtp.startTls = tls != u"none"_s;
    if (!smtp.startTls && !smtp.user.isEmpty() && !isLoopbackHost(smtp.host))
        r.addError(u"RDK_SMTP_TLS"_s, u"none would send the mail password unencrypted to %1; use starttls"_s.arg(smtp.host.left(80)));
    smtp.caFile = r.string(u"RDK_SMTP_CA_FILE"_s, {}, false).trimmed();
    if (!smtp.caFile.isEmpty() && !QFile::exists(smtp.caFile))
        r.addError(u"RDK_SMTP_CA_FILE"_s, u"no such file: %1"_s.arg(smtp.caFile.left(200)));
}

} // namespace

Result<SyncConfig> SyncConfig::load(const ConfigSource &source)
{
    ConfigReader r(source);
    SyncConfig c;
    // A shared .env serves every binary, so the service may name its own login separately.
    c.databaseUrl = source.value(u"RDK_SYNC_DATABASE_URL"_s) ? r.postgresUrl(u"RDK_SYNC_DATABASE_URL"_s, true)
                                                             : r.postgresUrl(u"DATABASE_URL"_s, true);
    c.tenant = r.slug(u"RDK_TENANT"_s, true);
    c.listen = r.hostPort(u"RDK_SYNC_LISTEN"_s, u"127.0.0.1:8080"_s);
    c.allowPublicListen = r.flag(u"RDK_SYNC_ALLOW_PUBLIC_LISTEN"_s, false);
    if (!c.listen.isEmpty() && !c.allowPublicListen && !isLoopbackHost(c.listen.section(u':', 0, -2)))
        r.addError(u"RDK_SYNC_LISTEN"_s,
                   u"%1 is not a loopback address; rdk-sync is served through the reverse proxy (Caddy) and listens on "
                   "127.0.0.1 or ::1. Set RDK_SYNC_ALLOW_PUBLIC_LISTEN=1 only if something else keeps the public away."_s
                       .arg(c.listen.left(80)));
    c.trustedProxies = r.addressList(u"RDK_SYNC_TRUSTED_PROXIES"_s);
    c.metricsAllow = r.addressList(u"RDK_SYNC_METRICS_ALLOW"_s);
    c.backlogSeconds = r.integer(u"RDK_SYNC_BACKLOG_SECONDS"_s, 15, 1, 3600);
    c.processes = r.integer(u"RDK_SYNC_PROCESSES"_s, 1, 1, 64);
    c.eventLoops = r.integer(u"RDK_SYNC_EVENT_LOOPS"_s, 0, 0, 64);
    c.publicUrl = r.httpUrl(u"RDK_PUBLIC_URL"_s, {}, true);
    c.edgeRefreshUrl = r.httpUrl(u"RDK_SYNC_EDGE_REFRESH_URL"_s, {}, false);
    // The request target is appended to it as it is: a path, a query or a password would
    // refresh other answers than the ones named (EdgeRefresher drops every target then).
    const QString edgePath = c.edgeRefreshUrl.path();
    if (!c.edgeRefreshUrl.isEmpty()
        && ((!edgePath.isEmpty() && edgePath != u"/"_s) || c.edgeRefreshUrl.hasQuery() || !c.edgeRefreshUrl.userInfo().isEmpty()))
        r.addError(u"RDK_SYNC_EDGE_REFRESH_URL"_s,
                   u"give the edge's refresh listener as http://host:port, without a path, query or user (got '%1')"_s
                       .arg(c.edgeRefreshUrl.toDisplayString().left(80)));
    if (!r.string(u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s, {}, false).isEmpty()) {
        c.edgeViewsListen = r.hostPort(u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s, {});
        if (!c.edgeViewsListen.isEmpty() && !isLoopbackHost(c.edgeViewsListen.section(u':', 0, -2)))
            r.addError(u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s, u"%1 is not a loopback address; the edge reports page views on "
                                                     "127.0.0.1 or ::1"_s.arg(c.edgeViewsListen.left(80)));
    }
    c.stripeSecretKey = r.prefixedSecret(u"STRIPE_SECRET_KEY"_s, {u"sk_test_"_s, u"sk_live_"_s, u"rk_test_"_s, u"rk_live_"_s}, true);
    c.stripeWebhookSecret = r.prefixedSecret(u"STRIPE_WEBHOOK_SECRET"_s, {u"whsec_"_s}, true);
    c.stripeWebhookSecretPrevious = r.prefixedSecret(u"STRIPE_WEBHOOK_SECRET_PREVIOUS"_s, {u"whsec_"_s}, false);
    c.stripeApiBase = r.httpUrl(u"STRIPE_API_BASE"_s, u"https://api.stripe.com"_s);
    readSmtp(r, c.smtp);
    c.log = r.logSettings(LogFormat::Json);
    if (auto s = r.finish(); !s)
        return s.error();
    return c;
}

Result<DeskConfig> DeskConfig::load(const ConfigSource &source)
{
    ConfigReader r(source);
    DeskConfig c;
    // Only the server address is taken; staff sign in with their own login and password.
    const QString key = source.value(u"RDK_DESK_DATABASE_URL"_s) ? u"RDK_DESK_DATABASE_URL"_s : u"DATABASE_URL"_s;
    QUrl server(r.postgresUrl(key, false));
    server.setUserInfo({});
    // TLS to the shop's server (ADR 0025): a mistyped sslmode would quietly fall back to the
    // default address, so it is a configuration error here.
    static const QStringList sslModes{u"disable"_s, u"allow"_s, u"prefer"_s, u"require"_s, u"verify-ca"_s,
                                      u"verify-full"_s};
    if (const QString mode = QUrlQuery(server).queryItemValue(u"sslmode"_s); !mode.isEmpty() && !sslModes.contains(mode))
        r.addError(key, u"sslmode must be one of %1 (got '%2')"_s.arg(sslModes.join(u", "_s), mode.left(20)));
    c.databaseUrl = server.isEmpty() ? u"postgresql://127.0.0.1:5432/rdk"_s : server.toString();
    c.tenant = r.slug(u"RDK_TENANT"_s, false);
    c.lockMinutes = r.integer(u"RDK_LOCK_MINUTES"_s, 30, 1, 24 * 60);
    c.syncUrl = r.httpUrl(u"RDK_SYNC_URL"_s, u"http://127.0.0.1:8080"_s);
    c.posLinkMinutes = r.integer(u"RDK_POS_LINK_MINUTES"_s, 15, 1, 24 * 60);
    c.receiptAddress = r.string(u"RDK_RECEIPT_ADDRESS"_s, {}, false).trimmed();
    if (c.receiptAddress.size() > 120)
        r.addError(u"RDK_RECEIPT_ADDRESS"_s, u"longer than 120 characters (one receipt line)"_s);
    c.log = r.logSettings(LogFormat::Text);
    if (auto s = r.finish(); !s)
        return s.error();
    return c;
}

QString redactUrl(const QString &url)
{
    QUrl parsed(url);
    if (!parsed.isValid() || parsed.password().isEmpty())
        return url;
    parsed.setPassword(u"***"_s);
    return parsed.toString();
}

} // namespace rdk

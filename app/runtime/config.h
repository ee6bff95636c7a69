#pragma once

#include "domain/result.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace rdk {

/// Where configuration values come from: the process environment, over an optional .env file.
class ConfigSource final {
public:
    explicit ConfigSource(QHash<QString, QString> values, QStringList fileErrors = {});
    /// The process environment plus `envFile` when it exists (RDK_ENV_FILE overrides the path).
    static ConfigSource fromProcess(const QString &envFile = u".env"_qs);

    std::optional<QString> value(const QString &key) const;
    const QStringList &fileErrors() const { return m_fileErrors; }

private:
    QHash<QString, QString> m_values;
    QStringList m_fileErrors;
};

enum class LogFormat { Json, Text };

struct LogSettings final {
    QString level = u"info"_qs;      ///< trace|debug|info|warn|error
    LogFormat format = LogFormat::Json;
};

/// Reads typed values and collects every problem, so one run reports all of them.
class ConfigReader final {
public:
    explicit ConfigReader(const ConfigSource &source);

    QString string(const QString &key, const QString &fallback, bool required = false);
    QString postgresUrl(const QString &key, bool required);
    QUrl httpUrl(const QString &key, const QString &fallback, bool required = false);
    QString hostPort(const QString &key, const QString &fallback);
    QString prefixedSecret(const QString &key, const QStringList &prefixes, bool required);
    QString slug(const QString &key, bool required);
    int integer(const QString &key, int fallback, int min, int max);
    /// 0/1, true/false, yes/no, on/off.
    bool flag(const QString &key, bool fallback);
    /// A comma-separated list of IP addresses (no host names, no ranges).
    QStringList addressList(const QString &key);
    LogSettings logSettings(LogFormat defaultFormat, const QString &defaultLevel = u"info"_qs);

    void addError(const QString &key, const QString &reason) { m_errors.append(key + u": "_qs + reason); }
    const QStringList &errors() const { return m_errors; }
    /// Ok, or Invalid with one line per problem.
    Status finish() const;

private:
    std::optional<QString> take(const QString &key, bool required, const QString &example);

    const ConfigSource &m_source;
    QStringList m_errors;
};

struct AdminConfig final {
    QString databaseUrl;   ///< owner role (migrations, accounts, seeding)
    QString tenant;        ///< default shop slug for commands, may be empty
    LogSettings log;
    static Result<AdminConfig> load(const ConfigSource &source);
};

struct SyncConfig final {
    QString databaseUrl;   ///< the service's own login (member of rdk_sync)
    QString tenant;
    QString listen;        ///< host:port; loopback unless allowPublicListen
    bool allowPublicListen = false;   ///< RDK_SYNC_ALLOW_PUBLIC_LISTEN=1: the operator means it
    QStringList trustedProxies;       ///< IP addresses whose X-Forwarded-For is believed (none by default)
    QStringList metricsAllow;         ///< peers besides loopback that may read /metrics
    int backlogSeconds = 15;          ///< RDK_SYNC_BACKLOG_SECONDS: how often /metrics' queue gauges are read
    /// RDK_SYNC_PROCESSES: how many rdk-sync processes serve the shop behind the edge (1..64); the
    /// per-process rate-limit budgets are divided by it, so N processes can't multiply one (ADR 0029).
    int processes = 1;
    int eventLoops = 0;               ///< RDK_SYNC_EVENT_LOOPS: HTTP event loops on the port; 0 = one per core
    QUrl publicUrl;
    /// RDK_SYNC_EDGE_REFRESH_URL: the keeping edge's loopback refresh listener (ADR 0034); empty:
    /// no edge keeps answers, nothing is refreshed.
    QUrl edgeRefreshUrl;
    /// RDK_SYNC_EDGE_VIEWS_LISTEN: loopback host:port where the keeping edge reports page views
    /// (ADR 0034); rdk-sync then counts those reports instead of the pages it serves. Empty:
    /// rdk-sync counts the pages it serves.
    QString edgeViewsListen;
    QString stripeSecretKey;
    QString stripeWebhookSecret;
    QString stripeWebhookSecretPrevious;   ///< STRIPE_WEBHOOK_SECRET_PREVIOUS: still accepted while a secret is rolled
    QUrl stripeApiBase;
    /// Mail to customers (RDK_SMTP_*): off while RDK_SMTP_HOST is empty.
    struct Smtp final {
        QString host;                   ///< empty: the mail sender stays off
        int port = 587;
        QString user;                   ///< empty: no sign-in
        QString password;
        QString from;                   ///< one plain address
        bool startTls = true;           ///< RDK_SMTP_TLS=starttls (default) | none
        QString caFile;                 ///< PEM of a private CA
        QString shopAddress;            ///< RDK_MAIL_SHOP_ADDRESS: one line in every mail's footer
        QString policies;               ///< RDK_MAIL_POLICIES: returns, shipping, contact, one paragraph
        bool enabled() const { return !host.isEmpty(); }
    } smtp;
    LogSettings log;
    static Result<SyncConfig> load(const ConfigSource &source);
};

struct DeskConfig final {
    QString databaseUrl;   ///< server address; the login and password come from the sign-in dialog
    QString tenant;
    int lockMinutes = 30;
    QUrl syncUrl;          ///< where rdk-sync runs (payment links, webhooks)
    int posLinkMinutes = 15;   ///< an unpaid counter sale is canceled after this (RDK_POS_LINK_MINUTES)
    QString receiptAddress;    ///< one line under the shop name on receipts (RDK_RECEIPT_ADDRESS)
    LogSettings log;
    static Result<DeskConfig> load(const ConfigSource &source);
};

/// The URL with any password replaced by "***", safe for logs and error messages.
QString redactUrl(const QString &url);

} // namespace rdk

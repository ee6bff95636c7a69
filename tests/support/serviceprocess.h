#pragma once

// Real binaries on loopback for end-to-end tests (rdk-sync, rdk-stripe-sandbox): started by the
// test, bounded in time, stopped by the test. Plus a blocking HTTP call for test code.

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

namespace rdk::test {

struct HttpReply final {
    int status = 0;             ///< 0: no answer (refused, timed out)
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;  ///< names in lower case
    QJsonObject json() const;
};

/// Sends one request and waits for the answer (10 s at most); redirects are not followed.
HttpReply httpRequest(QNetworkAccessManager &nam, const QByteArray &verb, const QUrl &url, const QByteArray &body = {},
                      const QList<QPair<QByteArray, QByteArray>> &headers = {});

/// A binary that prints "listening on host:port" as its first line; stopped (SIGTERM, then
/// SIGKILL after 10 s) when this object goes.
class ServiceProcess final {
public:
    ServiceProcess() = default;
    ServiceProcess(const ServiceProcess &) = delete;
    ServiceProcess &operator=(const ServiceProcess &) = delete;
    ~ServiceProcess() { stop(); }

    /// Starts `program` and waits up to 15 s for its "listening on" line.
    bool start(const QString &program, const QProcessEnvironment &env);
    void stop();
    /// SIGKILL, as a crash would end it.
    void kill();
    QUrl url(const QString &path) const;
    quint16 port() const { return m_port; }
    /// The process id while it runs (0 otherwise), e.g. to read /proc/<pid>/status.
    qint64 pid() const { return m_process.processId(); }
    /// What it wrote to stdout after the "listening on" line (a test reading its own logs).
    QByteArray output() { return m_process.readAllStandardOutput(); }
    QByteArray errors() { return m_process.readAllStandardError(); }
    int exitCode() const { return m_process.exitCode(); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

/// What startSyncStack needs: the two binaries, the service login's database URL and its shop.
struct SyncStackOptions final {
    QString sandboxBinary;
    QString syncBinary;
    QString databaseUrl;    ///< the service login (a member of rdk_sync)
    QString tenantSlug;     ///< RDK_TENANT
    QString webhookSecret;  ///< shared by the sandbox (signing) and rdk-sync (verifying)
    QString stripeKey;      ///< what rdk-sync sends the sandbox as STRIPE_SECRET_KEY
    /// Added to (or replacing) rdk-sync's environment. By default rdk-sync trusts X-Forwarded-For
    /// from 127.0.0.1 (RDK_SYNC_TRUSTED_PROXIES): the test plays the proxy and names its shoppers.
    QHash<QString, QString> syncEnvironment = {};
};

/// Starts the Stripe sandbox, then an rdk-sync of one shop that calls it, and points the
/// sandbox's webhooks at rdk-sync: the whole payment path on loopback. False with the reason
/// in `error` when either does not come up.
bool startSyncStack(ServiceProcess &sandbox, ServiceProcess &sync, QNetworkAccessManager &nam,
                    const SyncStackOptions &options, QString *error);

} // namespace rdk::test

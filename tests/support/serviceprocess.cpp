#include "tests/support/serviceprocess.h"

#include "tests/support/childprocess.h"
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::Literals::StringLiterals;

namespace rdk::test {

QJsonObject HttpReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpReply httpRequest(QNetworkAccessManager &nam, const QByteArray &verb, const QUrl &url, const QByteArray &body,
                      const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setTransferTimeout(10000);
    for (const auto &[name, value] : headers)
        req.setRawHeader(name, value);
    QNetworkReply *reply = nam.sendCustomRequest(req, verb, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpReply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        r.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return r;
}

bool ServiceProcess::start(const QString &program, const QProcessEnvironment &env)
{
    m_process.setProcessEnvironment(env);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    endWithThisTest(m_process);
    m_process.start(program, {});
    if (!m_process.waitForStarted(5000))
        return false;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15000) {
        if (m_process.canReadLine()) {
            const QByteArray line = m_process.readLine().trimmed();
            if (line.startsWith("listening on ")) {
                m_port = line.mid(line.lastIndexOf(':') + 1).toUShort();
                return m_port != 0;
            }
        }
        if (m_process.state() != QProcess::Running)
            return false;
        if (!m_process.canReadLine())
            m_process.waitForReadyRead(200);
    }
    return false;
}

void ServiceProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void ServiceProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

QUrl ServiceProcess::url(const QString &path) const
{
    return QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path));
}

bool startSyncStack(ServiceProcess &sandbox, ServiceProcess &sync, QNetworkAccessManager &nam,
                    const SyncStackOptions &options, QString *error)
{
    QProcessEnvironment common;
    common.insert(u"PATH"_s, qEnvironmentVariable("PATH"));
    common.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
    common.insert(u"RDK_LOG_LEVEL"_s, u"warn"_s);
    common.insert(u"STRIPE_WEBHOOK_SECRET"_s, options.webhookSecret);

    QProcessEnvironment sandboxEnv = common;
    sandboxEnv.insert(u"SANDBOX_LISTEN"_s, u"127.0.0.1:0"_s);
    sandboxEnv.insert(u"SANDBOX_RETRY_BASE_MS"_s, u"100"_s);
    if (!sandbox.start(options.sandboxBinary, sandboxEnv)) {
        *error = u"the Stripe sandbox did not start: "_s + QString::fromUtf8(sandbox.errors());
        return false;
    }

    QProcessEnvironment syncEnv = common;
    syncEnv.insert(u"DATABASE_URL"_s, options.databaseUrl);
    syncEnv.insert(u"RDK_TENANT"_s, options.tenantSlug);
    syncEnv.insert(u"RDK_SYNC_LISTEN"_s, u"127.0.0.1:0"_s);
    syncEnv.insert(u"RDK_PUBLIC_URL"_s, u"http://127.0.0.1:9"_s);
    syncEnv.insert(u"STRIPE_SECRET_KEY"_s, options.stripeKey);
    syncEnv.insert(u"STRIPE_API_BASE"_s, sandbox.url({}).toString());
    syncEnv.insert(u"RDK_SYNC_TRUSTED_PROXIES"_s, u"127.0.0.1"_s);
    for (auto it = options.syncEnvironment.cbegin(); it != options.syncEnvironment.cend(); ++it)
        syncEnv.insert(it.key(), it.value());
    if (!sync.start(options.syncBinary, syncEnv)) {
        *error = u"rdk-sync did not start: "_s + QString::fromUtf8(sync.errors());
        return false;
    }

    const HttpReply hooked = httpRequest(nam, "POST", sandbox.url(u"/_sandbox/webhook_endpoint"_s),
                                         "url=" + QUrl::toPercentEncoding(sync.url(u"/api/stripe/webhook"_s).toString()),
                                         {{"Content-Type", "application/x-www-form-urlencoded"}});
    if (hooked.status != 200) {
        *error = u"the sandbox refused the webhook endpoint (HTTP %1)"_s.arg(hooked.status);
        return false;
    }
    return true;
}

} // namespace rdk::test

#include "sync/edgerefresher.h"

#include "sync/http/metrics.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>
#include <QTimer>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcEdge, "rdk.sync.edge")

namespace rdk::sync {

namespace {

/// Keeps no cookie: a Set-Cookie in one answer (a cart, a session) sent back with the next
/// refresh would have rdk-sync render that visitor's page, and the edge would serve it to all.
class NoCookies final : public QNetworkCookieJar {
public:
    using QNetworkCookieJar::QNetworkCookieJar;
    QList<QNetworkCookie> cookiesForUrl(const QUrl &) const override { return {}; }
    bool setCookiesFromUrl(const QList<QNetworkCookie> &, const QUrl &) override { return false; }
};

/// An origin-form request target (RFC 9112 3.2.1) as it goes on the wire: visible ASCII only,
/// so nothing can end the request line or start a header, and no fragment.
bool isOriginForm(const QString &target)
{
    if (target.size() > EdgeRefresher::MaxTargetBytes || !target.startsWith(u'/') || target.startsWith(u"//"_s))
        return false;
    return std::all_of(target.cbegin(), target.cend(), [](QChar c) {
        return c.unicode() > 0x20 && c.unicode() < 0x7f && c != u'#';
    });
}

constexpr char TimedOut[] = "rdkTimedOut";

} // namespace

EdgeRefresher::EdgeRefresher(const QUrl &base, int maxInFlight, int maxQueued, int timeoutMs, QObject *parent)
    : QObject(parent), m_base(base), m_maxInFlight(std::max(1, maxInFlight)), m_maxQueued(std::max(0, maxQueued)),
      m_timeoutMs(std::max(1, timeoutMs)), m_network(new QNetworkAccessManager(this))
{
    // The refresh listener is the edge's own, on this machine: never through a proxy, never
    // elsewhere by a redirect.
    m_network->setProxy(QNetworkProxy::NoProxy);
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network->setCookieJar(new NoCookies(m_network));

    const QString scheme = base.scheme();
    const bool origin = base.isValid() && (scheme == u"http"_s || scheme == u"https"_s) && !base.host().isEmpty()
                        && base.userInfo().isEmpty() && (base.path().isEmpty() || base.path() == u"/"_s) && !base.hasQuery()
                        && !base.hasFragment();
    if (origin)
        m_prefix = base.adjusted(QUrl::RemovePath).toString(QUrl::FullyEncoded);
    else
        qCWarning(lcEdge).noquote() << "edge refresh base" << base.toDisplayString()
                                    << "is not an http(s) origin: no refresh will be sent";
}

void EdgeRefresher::refresh(const QStringList &targets)
{
    // QNetworkAccessManager belongs to one thread: hop there when called from another.
    if (QThread::currentThread() == thread())
        take(targets);
    else
        QMetaObject::invokeMethod(this, [this, targets] { take(targets); }, Qt::QueuedConnection);
}

void EdgeRefresher::count(std::atomic<quint64> &counter, const char *result)
{
    ++counter;
    if (m_metrics)
        m_metrics->countEdgeRefresh(result);
}

EdgeRefresher::Stats EdgeRefresher::stats() const
{
    return Stats{m_sent.load(), m_failed.load(), m_dropped.load()};
}

QUrl EdgeRefresher::urlFor(const QString &target) const
{
    if (m_prefix.isEmpty() || !isOriginForm(target))
        return {};
    const QUrl url(m_prefix + target, QUrl::StrictMode);
    // Whatever the target holds, the request goes to the edge's refresh listener and nowhere else.
    if (!url.isValid() || url.scheme() != m_base.scheme() || url.host() != m_base.host() || url.port() != m_base.port()
        || !url.userInfo().isEmpty())
        return {};
    // The edge keys answers by the target as sent, and QNetworkAccessManager writes the request
    // line as below: that rewrites some targets (`%7e` to `~`, `/a/../b` to `/b`), and a
    // rewritten one would refresh an answer nobody asked for.
    if (url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::NormalizePathSegments) != target.toLatin1())
        return {};
    return url;
}

void EdgeRefresher::take(const QStringList &targets)
{
    for (const QString &target : targets) {
        if (m_queuedSet.contains(target))
            continue;
        if (m_inFlight.contains(target)) {
            m_again.insert(target);   // once more after this answer, however often named meanwhile
            continue;
        }
        if (m_queue.size() >= m_maxQueued || urlFor(target).isEmpty()) {
            count(m_dropped, "dropped");
            continue;
        }
        m_queue.append(target);
        m_queuedSet.insert(target);
    }
    pump();
}

void EdgeRefresher::pump()
{
    while (m_inFlight.size() < m_maxInFlight && !m_queue.isEmpty()) {
        const QString target = m_queue.takeFirst();
        m_queuedSet.remove(target);
        start(target);
    }
}

void EdgeRefresher::start(const QString &target)
{
    QNetworkRequest request(urlFor(target));
    request.setRawHeader("X-Rdk-Edge-Refresh", "1");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("RealDealKickz-rdk-sync edge-refresh"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network->get(request);
    m_inFlight.insert(target);
    count(m_sent, "sent");

    // The answer is the edge's to keep; here it is only read, so it never piles up in memory.
    connect(reply, &QIODevice::readyRead, reply, [reply] { reply->readAll(); });
    // A deadline from start to last byte: QNetworkRequest::setTransferTimeout restarts with each
    // byte, so an edge that trickles would hold a slot for ever.
    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, reply, [reply] {
        reply->setProperty(TimedOut, true);
        reply->abort();
    });
    deadline->start(m_timeoutMs);
    connect(reply, &QNetworkReply::finished, this, [this, reply, target] { finished(reply, target); });
}

void EdgeRefresher::finished(QNetworkReply *reply, const QString &target)
{
    reply->deleteLater();
    m_inFlight.remove(target);

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = reply->error();
    // A 4xx is an answer too (a product taken down answers 404, and the edge keeps that), which
    // QNetworkReply reports as a content error.
    const bool contentError = error >= QNetworkReply::ContentAccessDenied && error <= QNetworkReply::UnknownContentError;
    const bool answered = status >= 200 && status < 500 && (error == QNetworkReply::NoError || contentError);
    if (!answered) {
        count(m_failed, "failed");
        const QString why = reply->property(TimedOut).toBool() ? u"no answer within %1 ms"_s.arg(m_timeoutMs)
                            : status > 0                         ? u"HTTP %1"_s.arg(status)
                                                                 : reply->errorString();
        qCWarning(lcEdge).noquote() << "edge refresh of" << target << "failed, not retried:" << why;
    }

    // Named again while in flight: sent after this answer, so the edge stores the later data last.
    // Past maxQueued on purpose: at most maxInFlight such targets, and they are the freshest.
    if (m_again.remove(target)) {
        m_queue.append(target);
        m_queuedSet.insert(target);
    }
    pump();
    if (m_inFlight.isEmpty() && m_queue.isEmpty())
        Q_EMIT idle();
}

} // namespace rdk::sync

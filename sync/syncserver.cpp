#include "sync/syncserver.h"

#include "data/migrationrunner.h"
#include "data/pgcheckout.h"
#include "data/pgserviceshop.h"
#include "data/pgstorefront.h"
#include "domain/checkout.h"
#include "domain/logcontext.h"
#include "domain/sku.h"
#include "sync/catalogchanges.h"
#include "sync/catalogjson.h"
#include "sync/checkoutform.h"
#include "sync/droproutes.h"
#include "sync/http/accesslog.h"
#include "sync/http/bodylimit.h"
#include "sync/http/clientaddress.h"
#include "sync/http/reuseport.h"
#include "sync/http/securityheaders.h"
#include "sync/requestid.h"
#include "sync/storefront/storefrontpages.h"
#include "sync/webhookprocessor.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <optional>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcServer, "rdk.sync.server")

namespace rdk::sync {
namespace {

using HttpStatus = QHttpServerResponder::StatusCode;
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// Holds past their time are released (and their orders canceled) by a sweep this often. POS
// links are held for minutes, not the 35 of an online checkout, so a counter sale left unpaid
// must be canceled, and its link turned off, within about a minute of reserved_until: a
// 10 s cadence gives at most ~10 s plus one Stripe call. The query is one indexed UPDATE.
constexpr int kReservationSweepMs = 10'000;
// Page views reach the database within about this long; a batch is one INSERT.
constexpr int kPageViewFlushMs = 500;
constexpr qsizetype kPageViewBatch = 2'000;
// RDK_SYNC_EVENT_LOOPS is checked against the same bound (app/runtime/config.cpp).
constexpr int kMaxEventLoops = 64;
// At shutdown, how long a loop may take to hand the last answers to the kernel.
constexpr int kFlushOnStopMs = 1'000;

// Webhook handlers wait on their own pool for the batch that carries their event: a full
// batch in the database and a full one gathering for the next send, without taking the
// storefront's threads (ADR 0033).
constexpr int kWebhookThreads = 2 * WebhookBatcher::kMaxBatch;

// Answers kept ready (SyncServer::Answer::ReadyOrPool): while a route's work runs on an event
// loop, cached() may only answer from the cache; on a miss it throws NotReady, which unwinds
// the handler before it did anything else, and the request goes to the pool as usual.
struct NotReady final {};
thread_local bool t_readyOnly = false;
class ReadyOnlyScope final {
public:
    ReadyOnlyScope() { t_readyOnly = true; }
    ~ReadyOnlyScope() { t_readyOnly = false; }
    ReadyOnlyScope(const ReadyOnlyScope &) = delete;
    ReadyOnlyScope &operator=(const ReadyOnlyScope &) = delete;
};

// The loop whose thread this is (loops > 0; set on that thread when it starts). Loop 0 runs on
// the thread that called start(), possibly shared with other objects, so it is found through
// SyncServer::m_firstLoop instead. Neither needs m_loops, which only the starting thread reads.
thread_local const void *t_loop = nullptr;

qint64 steadyNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Hands what each connection still has buffered to the kernel (bounded), before the loop's
/// server and its connections are deleted.
void flushConnections(QHttpServer &http)
{
    const qint64 deadline = steadyNowNs() + qint64(kFlushOnStopMs) * 1'000'000;
    const auto sockets = http.findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets) {
        socket->flush();
        const qint64 leftMs = (deadline - steadyNowNs()) / 1'000'000;
        if (socket->bytesToWrite() > 0 && leftMs > 0)
            socket->waitForBytesWritten(int(leftMs));
    }
}

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    default: return "OTHER";
    }
}

QHttpServerResponse json(const QJsonObject &object, HttpStatus status = HttpStatus::Ok)
{
    return QHttpServerResponse("application/json", QJsonDocument(object).toJson(QJsonDocument::Compact), status);
}

QHttpServerResponse jsonError(HttpStatus status, const QString &message, const QString &field = {})
{
    QJsonObject error{{u"message"_s, message}};
    if (!field.isEmpty())
        error.insert(u"field"_s, field);
    return json(QJsonObject{{u"error"_s, error}}, status);
}

// What the public may read of an error: our own sentences only. The data layer writes its
// messages for people and leaves the server's text to the log (data/pgerror.cpp); this is the
// second line, for a message that still reads like the database talking.
QString publicMessage(const Error &error, const QString &fallback)
{
    if (error.message.trimmed().isEmpty() || data::looksLikeServerText(error.message))
        return fallback;
    return error.message;
}

bool isPrivateRoute(const QString &route)
{
    return route.startsWith(u"/api/checkout"_s) || route.startsWith(u"/api/stripe"_s) || route.startsWith(u"/api/orders"_s)
        || route.startsWith(u"/cart"_s) || route.startsWith(u"/checkout"_s) || route.startsWith(u"/orders"_s)
        || route == u"/metrics"_s;
}

} // namespace

/// One HTTP event loop: a QHttpServer and the connections it accepted, all on one thread.
struct SyncServer::Loop final {
    const SyncServer *owner = nullptr;
    int index = 0;
    QByteArray label;                       // "0", "1", ...: metrics and the access log
    QThread *thread = nullptr;              // whose event loop serves it
    QHttpServer *http = nullptr;            // loop 0: &m_http; others: owned, deleted on `thread`
    std::unique_ptr<QThread> ownThread;     // loops > 0
    std::unique_ptr<QObject> anchor;        // lives on ownThread: what calls into the loop go through
};

SyncServer::SyncServer(SyncServerOptions options, SyncServices services, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_services(std::move(services)), m_sessions(m_services.sessions),
      m_cache(m_services.cache), m_metrics(m_services.metrics)
{
    m_pool.setMaxThreadCount(std::max(2, m_options.workerThreads));
    m_webhookPool.setMaxThreadCount(kWebhookThreads);
    m_https = m_options.publicUrl.scheme() == u"https"_s;
    const QUrl api = m_options.stripeApiBase;
    // Shoppers are redirected to Stripe's hosted page, or the sandbox's pay page in the demo.
    m_checkoutOrigin = api.host() == u"api.stripe.com"_s ? QByteArray("https://checkout.stripe.com")
                                                          : api.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString().toUtf8();
    m_rateLimiter.setProcessCount(m_options.processes);
    if (m_services.sharedRates && m_options.processes > 1)
        m_rateLimiter.setSharedBudget(m_services.sharedRates, {RouteFamily::Checkout, RouteFamily::Auth});
    if (m_services.visitorSalt)
        m_visitors.setSaltSource(m_services.visitorSalt);
    m_reservationSweep.setInterval(kReservationSweepMs);
    connect(&m_reservationSweep, &QTimer::timeout, this, &SyncServer::releaseExpiredReservations);
    m_pageViewFlush.setInterval(kPageViewFlushMs);
    connect(&m_pageViewFlush, &QTimer::timeout, this, &SyncServer::flushPageViews);
}

SyncServer::~SyncServer()
{
    stop();
}

Status SyncServer::start(const QHostAddress &address, quint16 port)
{
    if (!m_loops.empty())
        return Error::conflict(u"The server is already started."_s);
    const int loops = std::clamp(m_options.eventLoops, 1, kMaxEventLoops);
    addRoutes(m_http);
    m_visitors.refreshSalts(QDateTime::currentDateTimeUtc().date());   // counted from the first view
    auto first = std::make_unique<Loop>();
    first->owner = this;
    first->label = "0";
    first->thread = m_http.thread();
    first->http = &m_http;
    m_firstLoop = first.get();
    m_loops.push_back(std::move(first));
    m_stopping = false;
    if (loops == 1) {
        m_port = m_http.listen(address, port);
        if (m_port == 0)
            return Error::unavailable(u"Can't listen on %1:%2."_s.arg(address.toString()).arg(port));
    } else {
        // One socket per loop on the same port (SO_REUSEPORT): the kernel spreads connections
        // over the loops, and each accepts, reads and writes its own on its own thread.
        auto sockets = listenReusePort(address, port, loops, &m_port);
        if (!sockets)
            return sockets.error();
        auto *tcp = new QTcpServer(&m_http);
        if (!tcp->setSocketDescriptor((*sockets)[0])) {
            delete tcp;
            closeDescriptors(*sockets);
            m_port = 0;
            return Error::unavailable(u"Can't listen on %1:%2."_s.arg(address.toString()).arg(port));
        }
        m_http.bind(tcp);
        for (int i = 1; i < loops; ++i) {
            if (const Status started = startLoop(i, (*sockets)[i]); !started) {
                closeDescriptors(sockets->mid(i + 1));
                stop();
                m_port = 0;
                return started;
            }
        }
    }
    m_reservationSweep.start();
    m_pageViewFlush.start();
    qCInfo(lcServer).noquote() << "serving shop" << m_options.tenantSlug << "on" << address.toString() << "port" << m_port
                               << "with" << loops << (loops == 1 ? "event loop" : "event loops");
    return {};
}

Status SyncServer::startLoop(int index, qintptr descriptor)
{
    auto loop = std::make_unique<Loop>();
    loop->owner = this;
    loop->index = index;
    loop->label = QByteArray::number(index);
    loop->ownThread = std::make_unique<QThread>();
    loop->ownThread->setObjectName(u"http-loop-%1"_s.arg(index));
    loop->thread = loop->ownThread.get();
    loop->anchor = std::make_unique<QObject>();
    loop->anchor->moveToThread(loop->thread);
    loop->ownThread->start();
    // The server, its listening socket and every connection it accepts are made on the loop's
    // thread, so they belong to it.
    // Everything the loop's thread reads (t_loop, self->http) is set on that thread before it
    // processes its first event; this thread reads self->http only after the blocking call.
    Loop *self = loop.get();
    QMetaObject::invokeMethod(loop->anchor.get(), [this, self, descriptor] {
        auto server = std::make_unique<QHttpServer>();
        addRoutes(*server);
        auto *tcp = new QTcpServer(server.get());
        if (!tcp->setSocketDescriptor(descriptor))
            return;
        server->bind(tcp);
        self->http = server.release();
        t_loop = self;
    }, Qt::BlockingQueuedConnection);
    if (!self->http) {
        closeDescriptors({descriptor});
        loop->ownThread->quit();
        loop->ownThread->wait();
        return Error::unavailable(u"Can't start HTTP event loop %1."_s.arg(index));
    }
    m_loops.push_back(std::move(loop));
    return {};
}

const SyncServer::Loop *SyncServer::loopFor(const QObject *socket) const
{
    // handle() runs on the thread that owns the socket: this thread's loop, if it is one of ours.
    Q_ASSERT(!socket || socket->thread() == QThread::currentThread());
    const auto *loop = static_cast<const Loop *>(t_loop);
    if (loop && loop->owner == this)
        return loop;
    return m_firstLoop;
}

void SyncServer::stop()
{
    m_reservationSweep.stop();
    m_pageViewFlush.stop();
    if (m_drops)
        m_drops->stop();
    if (m_loops.empty())
        return;
    // 1. No new connections, on any loop.
    for (const auto &loop : m_loops) {
        auto closeListeners = [http = loop->http] {
            const auto servers = http->servers();
            for (auto *server : servers)
                server->close();
        };
        if (loop->anchor)
            QMetaObject::invokeMethod(loop->anchor.get(), closeListeners, Qt::BlockingQueuedConnection);
        else
            closeListeners();
    }
    // 2. Requests already taken finish; those still arriving on open connections get a 503
    //    (handle() checks m_stopping) rather than work that would outlive the loops.
    m_stopping = true;
    while (m_dispatching.load() > 0)
        QThread::yieldCurrentThread();
    m_pool.waitForDone(10'000);
    m_webhookPool.waitForDone(10'000);
    // 3. Each loop writes the answers the pool posted to it (they are queued before this call)
    //    and hands them to the kernel; then the other loops end.
    for (const auto &loop : m_loops) {
        if (loop->anchor) {
            QMetaObject::invokeMethod(loop->anchor.get(), [http = loop->http] {
                flushConnections(*http);
                delete http;
                t_loop = nullptr;
            }, Qt::BlockingQueuedConnection);
            loop->ownThread->quit();
            loop->ownThread->wait();
        } else if (QThread::currentThread() == m_http.thread()) {
            QCoreApplication::sendPostedEvents(&m_http);
            flushConnections(m_http);
        }
    }
    m_firstLoop = nullptr;
    m_loops.clear();
    writePageViews();   // what the last requests counted
}

void SyncServer::addRoutes(QHttpServer &http)
{
    http.route(u"/healthz"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/healthz"_s, [](const RequestInfo &) { return QHttpServerResponse("text/plain", "ok\n"); },
               Answer::ReadyOrPool);
    });
    http.route(u"/readyz"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/readyz"_s, [this](const RequestInfo &i) { return ready(i); });
    });
    http.route(u"/metrics"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        // For the host and its scraper only. Behind Caddy every peer is loopback, so the edge
        // answers /metrics itself (404) and never forwards it; here the socket's peer decides.
        const bool allowed = isOperatorPeer(r.remoteAddress(), m_options.metricsAllow);
        handle(r, std::move(responder), u"/metrics"_s, [this, allowed](const RequestInfo &) {
            if (!allowed)
                return jsonError(HttpStatus::NotFound, u"Not found."_s);
            return QHttpServerResponse("text/plain; version=0.0.4; charset=utf-8", m_metrics.render());
        });
    });
    http.route(u"/api/catalog"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/api/catalog"_s, [this](const RequestInfo &i) { return catalogApi(i); }, Answer::ReadyOrPool);
    });
    http.route(u"/api/products/<arg>"_s, QHttpServerRequest::Method::Get, [this](const QString &sku, const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/api/products/<arg>"_s, [this, sku](const RequestInfo &i) { return productApi(i, sku); },
               Answer::ReadyOrPool);
    });
    http.route(u"/api/orders/<arg>"_s, QHttpServerRequest::Method::Get, [this](const QString &id, const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/api/orders/<arg>"_s, [this, id](const RequestInfo &i) { return orderStatusApi(i, id); });
    });
    http.route(u"/media/<arg>"_s, QHttpServerRequest::Method::Get, [this](const QString &name, const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/media/<arg>"_s, [this, name](const RequestInfo &i) { return media(i, name); });
    });
    http.route(u"/"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/"_s, [this](const RequestInfo &i) { return catalogPage(i); }, Answer::ReadyOrPool);
    });
    http.route(u"/products/<arg>"_s, QHttpServerRequest::Method::Get, [this](const QString &sku, const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/products/<arg>"_s, [this, sku](const RequestInfo &i) { return productPage(i, sku); },
               Answer::ReadyOrPool);
    });
    http.route(u"/cart"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/cart"_s, [this](const RequestInfo &i) { return cartPage(i); });
    });
    const QList<QPair<QString, CartChange>> cartRoutes = {
        {u"/cart/add"_s, CartChange::Add}, {u"/cart/update"_s, CartChange::Update}, {u"/cart/remove"_s, CartChange::Remove}};
    for (const auto &[path, change] : cartRoutes) {
        // Init-captures: clang before 16 can't capture structured bindings directly.
        http.route(path, QHttpServerRequest::Method::Post, [this, path = path, change = change](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
            handle(r, std::move(responder), path, [this, change](const RequestInfo &i) { return changeCart(i, change); });
        });
    }
    http.route(u"/checkout/success"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/checkout/success"_s, [this](const RequestInfo &i) { return checkoutResult(i, false); });
    });
    for (const auto method : {QHttpServerRequest::Method::Get, QHttpServerRequest::Method::Post}) {
        http.route(u"/orders/lookup"_s, method, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
            handle(r, std::move(responder), u"/orders/lookup"_s, [this](const RequestInfo &i) { return orderLookup(i); });
        });
    }
    for (const ShopPage page : {ShopPage::Shipping, ShopPage::Returns, ShopPage::Contact}) {
        const QString path = shopPagePath(page);
        http.route(path, QHttpServerRequest::Method::Get, [this, path, page](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
            handle(r, std::move(responder), path, [this, page](const RequestInfo &i) { return shopPage(i, page); },
                   Answer::ReadyOrPool);
        });
    }
    http.route(u"/checkout/cancel"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/checkout/cancel"_s, [this](const RequestInfo &i) { return checkoutResult(i, true); });
    });
    // Built-in files; /favicon.ico is what browsers ask for without being told, so it is the SVG too.
    const QList<std::pair<QString, std::pair<QString, QByteArray>>> assets = {
        {u"/assets/storefront.css"_s, {u"storefront.css"_s, "text/css; charset=utf-8"}},
        {u"/assets/order-status.js"_s, {u"order-status.js"_s, "text/javascript; charset=utf-8"}},
        {u"/assets/favicon.svg"_s, {u"favicon.svg"_s, "image/svg+xml"}},
        {u"/favicon.ico"_s, {u"favicon.svg"_s, "image/svg+xml"}},
    };
    for (const auto &[path, asset] : assets) {
        http.route(path, QHttpServerRequest::Method::Get, [this, path = path, asset = asset](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
            handle(r, std::move(responder), path, [this, asset](const RequestInfo &i) {
                return cached(i, u"asset:"_s + asset.first, {}, asset.second,
                              [name = asset.first] { return Result<QByteArray>(storefrontAsset(name)); });
            }, Answer::ReadyOrPool);
        });
    }
    http.route(u"/api/checkout"_s, QHttpServerRequest::Method::Post, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), u"/api/checkout"_s, [this](const RequestInfo &i) { return checkout(i); });
    });
    http.route(QString::fromUtf16(StripeWebhookPath), QHttpServerRequest::Method::Post, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        handle(r, std::move(responder), QString::fromUtf16(StripeWebhookPath), [this](const RequestInfo &i) { return webhook(i); },
               Answer::OnWebhookPool);
    });
    addDropRoutes(http);
    // The missing-route handler bypasses handle(), so it writes its headers itself. Routes take
    // GET, not HEAD (the edge turns HEAD into GET), so every HEAD that reaches rdk-sync lands
    // here: it is answered without the body, or the body would be read as the start of the next
    // answer on the same connection.
    http.setMissingHandler([](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        static const QByteArray body = R"({"error":{"message":"Not found."}})";
        responder.writeStatusLine(HttpStatus::NotFound);
        for (const auto &[name, value] : securityHeaders(SecurityHeaderOptions{}))
            responder.writeHeader(name, value);
        responder.writeHeader("Content-Type", "application/json");
        responder.writeHeader("Content-Length", QByteArray::number(body.size()));
        responder.writeBody(request.method() == QHttpServerRequest::Method::Head ? QByteArray() : body);
    });
}

void SyncServer::handle(const QHttpServerRequest &request, QHttpServerResponder &&responder, const QString &route, Work work,
                        Answer answer)
{
    const qint64 startedNs = steadyNowNs();
    const Loop *loop = m_stopping ? nullptr : loopFor(responder.socket());
    if (!loop) {
        // A request on a connection that was open when stop() began (no loop to count it on).
        auto closing = jsonError(HttpStatus::ServiceUnavailable, u"The shop is restarting. Please try again in a moment."_s);
        for (const auto &[name, value] : securityHeaders(SecurityHeaderOptions{}))
            closing.setHeader(name, value);
        closing.setHeader("Connection", "close");
        closing.write(std::move(responder));
        return;
    }
    m_metrics.countLoopRequest(loop->label);
    RequestInfo info;
    info.loop = loop->index;
    info.method = methodName(request.method());
    info.path = request.url().path();
    info.query = request.query();
    info.target = request.url().toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    info.body = request.body();
    info.userAgent = request.value("User-Agent");
    info.client = clientAddress(request.remoteAddress(), request.value("X-Forwarded-For"), m_options.trustedProxies);
    info.requestId = requestIdFor(request.value("X-Request-Id"));
    info.ifNoneMatch = request.value("If-None-Match");
    info.contentType = request.value("Content-Type").toLower();
    info.stripeSignature = request.value("Stripe-Signature");
    info.cookie = request.value("Cookie");
    info.origin = request.value("Origin");
    info.host = request.value("Host");
    info.edgeRefresh = request.value("X-Rdk-Edge-Refresh") == "1"
        && isTrustedProxy(request.remoteAddress(), m_options.trustedProxies);

    const bool privateRoute = isPrivateRoute(route);
    const RouteFamily family = routeFamilyFor(info.path, info.method);
    HeaderList extra;
    // The edge's refreshes are rdk-sync's own requests, already bounded by EdgeRefresher.
    const RateDecision decision = info.edgeRefresh ? RateDecision{true}
                                                   : m_rateLimiter.check(info.client, family, QDateTime::currentMSecsSinceEpoch());
    applyRateLimitHeaders(decision, extra);
    if (!decision.allowed) {
        auto refused = jsonError(HttpStatus::TooManyRequests, u"Too many requests; please slow down."_s);
        finish(std::move(refused), info, route, privateRoute, extra, startedNs).write(std::move(responder));
        return;
    }
    if (decision.shared) {
        // The same budget for every rdk-sync process (ADR 0029): taken from the database, so
        // always on the pool, never on an event loop.
        answer = Answer::OnPool;
        work = [this, family, work = std::move(work)](const RequestInfo &i) {
            const RateDecision shared = m_rateLimiter.checkShared(i.client, family, QDateTime::currentMSecsSinceEpoch());
            HeaderList headers;
            applyRateLimitHeaders(shared, headers);
            QHttpServerResponse response = shared.allowed ? work(i)
                                                          : jsonError(HttpStatus::TooManyRequests, u"Too many requests; please slow down."_s);
            for (const auto &[name, value] : std::as_const(headers))
                response.setHeader(name, value);
            return response;
        };
    }
    const qint64 limit = bodyLimitFor(family, info.method);
    if (bodyTooLarge(request.value("Content-Length").toLongLong(), info.body.size(), limit)) {
        auto refused = jsonError(HttpStatus::PayloadTooLarge, u"The request body is too large."_s);
        finish(std::move(refused), info, route, privateRoute, extra, startedNs).write(std::move(responder));
        return;
    }
    if (answer == Answer::Here) {
        // Work that needs no database and takes microseconds (the waiting room's status,
        // join, challenge): answered here rather than queued behind checkouts on the pool.
        ScopedLogField requestField(u"request_id"_s, QString::fromLatin1(info.requestId));
        finish(work(info), info, route, privateRoute, extra, startedNs).write(std::move(responder));
        return;
    }
    if (answer == Answer::ReadyOrPool) {
        // Answered on this loop when the answer is ready (a cache hit): no thread hand-over.
        std::optional<QHttpServerResponse> ready;
        try {
            const ReadyOnlyScope readyOnly;
            ready.emplace(work(info));
        } catch (const NotReady &) {
        }
        if (ready) {
            finish(std::move(*ready), info, route, privateRoute, extra, startedNs).write(std::move(responder));
            return;
        }
    }
    // The work runs on the pool; the answer is written back on the thread of the loop that owns
    // the client's socket, and only while that socket still exists. QHttpServer 6.4's own
    // QFuture responses crashed under load when clients hung up with answers in flight
    // (QFutureInterfaceBase::reportStarted on a destroyed watcher, seen in
    // tests/bench/run-sync-bench). The responder is handed from lambda to lambda (never
    // shared), so it is freed on the loop's thread: after the write, or with the posted call if
    // the loop's server is deleted first.
    m_dispatching.fetch_add(1);
    if (m_stopping) {
        m_dispatching.fetch_sub(1);
        auto closing = jsonError(HttpStatus::ServiceUnavailable, u"The shop is restarting. Please try again in a moment."_s);
        closing.setHeader("Connection", "close");
        finish(std::move(closing), info, route, privateRoute, extra, startedNs).write(std::move(responder));
        return;
    }
    auto pending = std::make_shared<QHttpServerResponder>(std::move(responder));
    QPointer<QObject> socket(pending->socket());
    QObject *writer = loop->http;
    QThreadPool *pool = answer == Answer::OnWebhookPool ? &m_webhookPool : &m_pool;
    (void)QtConcurrent::run(pool, [this, info, route, privateRoute, extra, startedNs, work = std::move(work),
                                   pending = std::move(pending), socket, writer]() mutable {
        ScopedLogField requestField(u"request_id"_s, QString::fromLatin1(info.requestId));
        ScopedLogField tenantField(u"tenant"_s, m_options.tenantSlug);
        auto answer = std::make_shared<QHttpServerResponse>(finish(work(info), info, route, privateRoute, extra, startedNs));
        QMetaObject::invokeMethod(writer, [pending = std::move(pending), socket, answer] {
            if (socket)
                answer->write(std::move(*pending));
        }, Qt::QueuedConnection);
    });
    m_dispatching.fetch_sub(1);
}

QHttpServerResponse SyncServer::finish(QHttpServerResponse response, const RequestInfo &info, const QString &route,
                                       bool privateRoute, const QList<QPair<QByteArray, QByteArray>> &extraHeaders,
                                       qint64 startedNs)
{
    SecurityHeaderOptions options;
    options.https = m_https;
    options.privateResponse = privateRoute;
    options.checkoutOrigin = m_checkoutOrigin;
    for (const auto &[name, value] : securityHeaders(options)) {
        // A handler's own Cache-Control (immutable media, short public TTL) wins over the default.
        if (name.compare("Cache-Control", Qt::CaseInsensitive) == 0 && response.hasHeader(name))
            continue;
        response.setHeader(name, value);
    }
    for (const auto &[name, value] : extraHeaders)
        response.setHeader(name, value);
    response.setHeader("X-Request-Id", info.requestId);
    // A page the edge refreshes that is gone now (taken down, archived): the edge keeps the 404
    // briefly in place of the page it kept. Any other failure leaves the kept page as it was.
    if (info.edgeRefresh && response.statusCode() == HttpStatus::NotFound && !response.hasHeader("X-Accel-Expires"))
        response.setHeader("X-Accel-Expires", QByteArray::number(CatalogCache::kEdgeListSeconds));

    const double seconds = double(steadyNowNs() - startedNs) / 1e9;
    const int status = int(response.statusCode());
    m_metrics.observeRequest(route, info.method, status, seconds);
    AccessLogEntry entry;
    entry.requestId = info.requestId;
    entry.method = info.method;
    entry.route = route;
    entry.target = info.target;
    entry.privateRoute = privateRoute;
    entry.status = status;
    entry.durationMs = seconds * 1000.0;
    entry.bytes = response.data().size();
    entry.client = info.client;
    entry.userAgent = info.userAgent;
    entry.loop = info.loop;
    logAccess(entry);
    return response;
}

QHttpServerResponse SyncServer::errorResponse(const Error &error, const RequestInfo &)
{
    // Every error a handler turns into an answer passes here: the code picks the status, and the
    // message is ours (see publicMessage). Internal failures never say what failed.
    switch (error.code) {
    case ErrorCode::Invalid:
        return jsonError(HttpStatus::BadRequest, publicMessage(error, u"The request isn't valid."_s), error.field);
    case ErrorCode::NotFound: return jsonError(HttpStatus::NotFound, publicMessage(error, u"Not found."_s));
    case ErrorCode::OutOfStock:
        return jsonError(HttpStatus::Conflict, publicMessage(error, u"Not enough stock for this order."_s));
    case ErrorCode::Conflict:
        return jsonError(HttpStatus::Conflict, publicMessage(error, u"That can't be done right now. Please try again."_s));
    case ErrorCode::Forbidden: return jsonError(HttpStatus::Forbidden, publicMessage(error, u"That isn't allowed."_s));
    case ErrorCode::Unavailable:
        m_sessions.discard();
        return jsonError(HttpStatus::ServiceUnavailable, u"The shop is briefly unavailable. Please try again in a moment."_s);
    case ErrorCode::Internal: break;
    }
    return jsonError(HttpStatus::InternalServerError, u"Something went wrong on our side."_s);
}

QHttpServerResponse SyncServer::cached(const RequestInfo &info, const QString &key, const QStringList &tags,
                                       const QByteArray &contentType, const std::function<Result<QByteArray>()> &render)
{
    const QString target = QString::fromLatin1(info.target);
    // A refresh from the edge must not be answered from this process's copy: another process
    // may have seen the change first and asked the edge, which can send the refresh here.
    std::optional<CachedResponse> hit = info.edgeRefresh ? std::nullopt : m_cache.find(key, target);
    if (hit) {
        m_metrics.countCacheHit();
    } else {
        if (t_readyOnly)
            throw NotReady{};   // rendered on the pool instead (see Answer::ReadyOrPool)
        m_metrics.countCacheMiss();
        const quint64 generation = m_cache.generation();
        auto body = render();
        if (!body)
            return errorResponse(body.error(), info);
        hit = CachedResponse{*body, contentType, CatalogCache::strongEtag(*body)};
        // Made from data a change has since replaced: neither this cache nor the edge keeps it.
        if (m_cache.store(key, *hit, tags, generation, target))
            hit->edgeKeepSeconds = CatalogCache::edgeKeepSeconds(tags);
    }
    bool notModified = false;
    for (const QByteArray &candidate : info.ifNoneMatch.split(','))
        notModified = notModified || candidate.trimmed() == hit->etag || candidate.trimmed() == "*";
    QHttpServerResponse response = notModified ? QHttpServerResponse(HttpStatus::NotModified)
                                               : QHttpServerResponse(hit->contentType, hit->body);
    response.setHeader("ETag", hit->etag);
    // HTML pages carry the shopper's cart count and live stock: the browser revalidates them
    // (a cheap 304 with the ETag) instead of reusing a stale copy for 30 s.
    response.setHeader("Cache-Control", contentType.startsWith("text/html") ? "no-cache" : "public, max-age=30");
    // For a keeping edge (nginx reads this header and drops it; the shipped Caddy drops it).
    if (!notModified)
        response.setHeader("X-Accel-Expires", QByteArray::number(hit->edgeKeepSeconds));
    return response;
}

QHttpServerResponse SyncServer::catalogApi(const RequestInfo &info)
{
    const CatalogQuery query = parseCatalogQuery(info.query);
    const QString key = u"api:catalog?"_s + catalogQueryString(query, query.page);
    return cached(info, key, {u"catalog"_s}, "application/json", [&]() -> Result<QByteArray> {
        auto session = m_sessions.session();
        if (!session)
            return session.error();
        auto page = data::PgStorefront(**session).catalog(query);
        if (!page)
            return page.error();
        return QJsonDocument(catalogJson(*page)).toJson(QJsonDocument::Compact);
    });
}

Result<StorefrontProduct> SyncServer::publishedProduct(const QString &sku)
{
    auto product = m_sessions.run([&](data::PgSession &session) { return data::PgStorefront(session).product(sku); });
    if (!product)
        return product.error();
    if (!product->has_value())
        return Error::notFound(u"We couldn't find that product."_s);
    return **product;
}

QHttpServerResponse SyncServer::productApi(const RequestInfo &info, const QString &rawSku)
{
    const auto sku = normalizeSku(rawSku);
    if (!sku)
        return jsonError(HttpStatus::NotFound, u"No such product."_s);
    QStringList tags;   // the product's id, once it is read
    return cached(info, u"api:product:"_s + *sku, tags, "application/json", [&]() -> Result<QByteArray> {
        auto product = publishedProduct(*sku);
        if (!product)
            return product.error();
        tags.append(CatalogChanges::productTag(product->id));
        return QJsonDocument(productJson(*product, true)).toJson(QJsonDocument::Compact);
    });
}

QHttpServerResponse SyncServer::orderStatusApi(const RequestInfo &info, const QString &orderId)
{
    auto session = m_sessions.session();
    if (!session)
        return errorResponse(session.error(), info);
    auto summary = data::PgStorefront(**session).orderSummary(orderId);
    if (!summary)
        return errorResponse(summary.error(), info);
    if (!summary->has_value())
        return jsonError(HttpStatus::NotFound, u"No such order."_s);
    return json(orderSummaryJson(**summary));
}

QHttpServerResponse SyncServer::media(const RequestInfo &info, const QString &fileName)
{
    auto session = m_sessions.session();
    if (!session)
        return errorResponse(session.error(), info);
    auto file = data::PgStorefront(**session).media(fileName);
    if (!file)
        return errorResponse(file.error(), info);
    if (!file->has_value())
        return jsonError(HttpStatus::NotFound, u"No such image."_s);
    // The name carries the content hash: a changed photo gets a new name, so this never goes stale.
    QHttpServerResponse response((*file)->mime.toLatin1(), (*file)->bytes);
    response.setHeader("Cache-Control", "public, max-age=31536000, immutable");
    return response;
}

QHttpServerResponse SyncServer::checkout(const RequestInfo &info)
{
    const bool fromForm = info.contentType.startsWith("application/x-www-form-urlencoded");
    // A shopper who posted the cart form goes back to the cart with the reason, not to JSON.
    auto refuse = [&](const Error &error) {
        if (!fromForm)
            return errorResponse(error, info);
        QHttpServerResponse back(HttpStatus::SeeOther);
        const bool ours = error.code != ErrorCode::Internal && error.code != ErrorCode::Unavailable;
        const QString notice = ours ? publicMessage(error, u"We couldn't place the order. Please try again."_s)
                                    : u"We couldn't place the order right now. Please try again in a moment."_s;
        back.setHeader("Location", "/cart?notice=" + QUrl::toPercentEncoding(notice));
        return back;
    };
    if (fromForm && !sameOrigin(info))
        return jsonError(HttpStatus::Forbidden, u"This form must be sent from the shop's own pages."_s);
    auto parsed = parseCheckoutBody(info.contentType, info.body);
    if (!parsed)
        return refuse(parsed.error());
    auto cart = validateCheckout(*parsed);
    if (!cart)
        return refuse(cart.error());
    CheckoutRequest request = *cart;
    if (m_drops) {
        if (const Status passed = m_drops->attachPasses(request, info.cookie); !passed)
            return refuse(passed.error());
    }
    const CheckoutOutcome outcome = m_services.checkout.start(request);
    if (!outcome.ok()) {
        switch (outcome.failedAt) {
        case CheckoutStep::OpenStore: return errorResponse(outcome.error, info);
        case CheckoutStep::PlaceOrder: return refuse(outcome.error);
        case CheckoutStep::PaymentSession: {
            const QString message = u"Payments are unavailable right now; nothing was charged. Please try again."_s;
            return fromForm ? refuse(Error::unavailable(message)) : jsonError(HttpStatus::BadGateway, message);
        }
        case CheckoutStep::AttachSession: return errorResponse(outcome.error, info);
        }
    }
    const PendingOrder &order = outcome.started->order;
    const PaymentSession &created = outcome.started->session;
    if (fromForm) {
        QHttpServerResponse redirect(HttpStatus::SeeOther);
        redirect.setHeader("Location", created.url.toEncoded());
        return redirect;
    }
    return json(QJsonObject{{u"order_id"_s, order.orderId},
                            {u"order_number"_s, formatOrderNumber(order.orderNumber)},
                            {u"url"_s, created.url.toString()},
                            {u"expires_at"_s, double(created.expiresAt)}},
                HttpStatus::Created);
}

QHttpServerResponse SyncServer::webhook(const RequestInfo &info)
{
    const WebhookResult result = processStripeWebhook(m_webhooks, info.body, info.stripeSignature,
                                                      {m_options.webhookSecret, m_options.previousWebhookSecret},
                                                      QDateTime::currentSecsSinceEpoch());
    m_metrics.countWebhookEvent(result.outcome.toLatin1());
    return QHttpServerResponse("application/json", result.body, static_cast<HttpStatus>(result.httpStatus));
}

QHttpServerResponse SyncServer::ready(const RequestInfo &)
{
    auto migrations = data::loadMigrations();
    if (!migrations)
        return jsonError(HttpStatus::ServiceUnavailable, migrations.error().message);
    auto modules = data::loadModules();
    if (!modules)
        return jsonError(HttpStatus::ServiceUnavailable, modules.error().message);
    auto status = data::MigrationRunner(m_options.databaseUrl, *migrations, *modules).status();
    if (!status)
        return json(QJsonObject{{u"database"_s, u"unreachable"_s}}, HttpStatus::ServiceUnavailable);
    const bool current = status->current();
    return json(QJsonObject{{u"database"_s, u"ok"_s},
                            {u"migrations"_s, current ? u"current"_s : u"behind"_s},
                            {u"change_feed"_s, m_services.catalogFeedListening() ? u"listening"_s : u"reconnecting"_s},
                            {u"stripe_requests"_s,
                             m_services.stripeRequestsListening() ? u"listening"_s : u"reconnecting"_s},
                            {u"mail"_s, m_services.mail ? m_services.mail() : u"off"_s}},
                current ? HttpStatus::Ok : HttpStatus::ServiceUnavailable);
}

void SyncServer::releaseExpiredReservations()
{
    (void)QtConcurrent::run(&m_pool, [this] {
        auto session = m_sessions.session();
        if (!session)
            return;
        auto released = data::PgCheckout(**session).releaseExpiredReservations();
        if (released && *released > 0)
            qCInfo(lcServer) << "released" << *released << "expired reservations";
    });
}

void SyncServer::flushPageViews()
{
    // The shared visitor salts (ADR 0029) are fetched here, on the pool, never while a request
    // is answered: today's if it was missing at start, tomorrow's ahead of midnight.
    if (m_visitors.needsSalts(QDateTime::currentDateTimeUtc().date()) && !m_refreshingSalts.exchange(true)) {
        (void)QtConcurrent::run(&m_pool, [this] {
            m_visitors.refreshSalts(QDateTime::currentDateTimeUtc().date());
            m_refreshingSalts = false;
        });
    }
    if (m_pageViews.size() == 0 || m_flushingPageViews.exchange(true))
        return;
    (void)QtConcurrent::run(&m_pool, [this] {
        writePageViews();
        m_flushingPageViews = false;
    });
}

void SyncServer::writePageViews()
{
    for (;;) {
        QList<PageView> batch = m_pageViews.take(kPageViewBatch);
        if (batch.isEmpty())
            return;
        const Status written = m_sessions.run([&](data::PgSession &s) { return data::PgStorefront(s).recordPageViews(batch); });
        if (!written) {
            // Kept for the next tick (the database may be restarting); the bound still holds.
            const qsizetype dropped = m_pageViews.putBack(std::move(batch));
            if (dropped > 0)
                m_metrics.countPageViews("dropped", dropped);
            qCWarning(lcServer).noquote() << "page views not written yet:" << written.error().message;
            return;
        }
        m_metrics.countPageViews("written", batch.size());
    }
}

} // namespace rdk::sync

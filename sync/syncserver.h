#pragma once

#include "domain/checkoutservice.h"
#include "domain/result.h"
#include "domain/storefront.h"
#include "sync/catalogcache.h"
#include "sync/http/metrics.h"
#include "sync/http/ratelimiter.h"
#include "sync/sessionprovider.h"
#include "sync/storefront/storefrontpages.h"
#include "sync/pageviewbuffer.h"
#include "sync/visitorcounter.h"
#include "sync/webhookbatcher.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QThread;

namespace rdk::sync {

struct EdgeView;

class DropRoutes;

struct SyncServerOptions final {
    QString tenantSlug;
    QString shopName;                   ///< as the database names the shop (page titles)
    std::string databaseUrl;            ///< for /readyz: are the migrations current?
    QUrl publicUrl;                     ///< shoppers' address: same-origin checks, HSTS when https
    QUrl stripeApiBase;                 ///< where shoppers are sent to pay (Content-Security-Policy)
    QByteArray webhookSecret;
    QByteArray previousWebhookSecret;   ///< also accepted while a secret is rolled; empty otherwise
    QList<QHostAddress> trustedProxies; ///< e.g. Caddy on 127.0.0.1: X-Forwarded-For is believed from these only
    QList<QHostAddress> metricsAllow;   ///< peers besides loopback that may read /metrics
    int workerThreads = 8;
    /// RDK_SYNC_PROCESSES: rdk-sync processes serving the shop behind the edge. Local rate-limit
    /// budgets are divided by it; with more than one, checkout and sign-in budgets are shared (ADR 0029).
    int processes = 1;
    /// HTTP event loops sharing the port (RDK_SYNC_EVENT_LOOPS; ADR 0027): each is a QHttpServer
    /// on its own thread with its own SO_REUSEPORT socket; the first runs on the caller's thread.
    /// 1 listens exactly as before, with one socket.
    int eventLoops = 1;
    /// The keeping edge reports every page view (RDK_SYNC_EDGE_VIEWS_LISTEN, ADR 0034): count
    /// those reports (countEdgeView) and not the pages served here, which would count twice.
    bool edgeCountsViews = false;
};

/// The services the router's handlers call. Built, owned and started by the composition root
/// (app/sync/syncapp.cpp); the router borrows them and must not outlive them.
struct SyncServices final {
    SessionProvider &sessions;          ///< storefront reads, webhooks, page views, the sweep
    CheckoutService &checkout;          ///< POST /api/checkout
    CatalogCache &cache;                ///< answers until a catalog notice drops them
    MetricsRegistry &metrics;
    std::function<bool()> catalogFeedListening;     ///< for /readyz
    std::function<bool()> stripeRequestsListening;  ///< for /readyz
    /// For /readyz: the mail sender's state ("off: no RDK_SMTP_HOST", "listening", "reconnecting").
    std::function<QString()> mail = [] { return QStringLiteral("off: no RDK_SMTP_HOST"); };
    /// Budgets every process draws from (the database); used for checkout and sign-in when
    /// options.processes > 1. May be null (one process: every budget is local).
    SharedRateBudget *sharedRates = nullptr;
    /// The shared salt of the visitor hash; empty: a salt of this process's own.
    VisitorCounter::SaltSource visitorSalt = {};
};

/// Everything a request needs, copied out of QHttpServerRequest on the event-loop thread so
/// the work can continue on a worker thread.
struct RequestInfo final {
    QByteArray method;
    QByteArray target;
    QString path;
    QUrlQuery query;
    QByteArray body;
    QHostAddress client;
    QByteArray userAgent;
    QByteArray requestId;
    QByteArray ifNoneMatch;
    QByteArray contentType;
    QByteArray stripeSignature;
    QByteArray cookie;
    QByteArray origin;
    QByteArray host;
    int loop = 0;               ///< which HTTP event loop took the request (access log)
    /// The edge fetches this answer again because a change dropped it (ADR 0034): rendered
    /// fresh, not rate-limited, not a page view. Believed only from a trusted proxy.
    bool edgeRefresh = false;
};

/// rdk-sync's HTTP surface: storefront pages, catalog API, media, checkout, Stripe webhooks,
/// health and metrics. A router: it maps routes to thin handlers that parse, check limits, and
/// call the services given to it on a worker thread, so a slow query never stalls other
/// clients. It builds none of them (see app/sync/syncapp.cpp).
class SyncServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncServer)

public:
    SyncServer(SyncServerOptions options, SyncServices services, QObject *parent = nullptr);
    ~SyncServer() override;

    /// Listens for HTTP and starts the sweep of expired holds and the page-view writer.
    Status start(const QHostAddress &address, quint16 port);
    /// Counts a page view the keeping edge reported, as countVisit counts the pages served
    /// here: bots and views without the day's salt are left out. Thread-safe.
    void countEdgeView(const EdgeView &view);
    quint16 port() const { return m_port; }
    /// Stops taking requests and waits for those in flight (graceful shutdown).
    void stop();

    /// How many HTTP event loops serve the port (after start()).
    int eventLoops() const { return int(m_loops.size()); }

    using Work = std::function<QHttpServerResponse(const RequestInfo &)>;
    /// Where a route's answer is made. OnPool: always on the worker pool. ReadyOrPool: first on
    /// the event loop, where the work may only use answers kept ready in the cache (cached()
    /// gives up on a miss instead of rendering); only a miss goes to the pool. For routes whose
    /// handler does nothing that blocks or counts before cached(). Here: always on the event loop,
    /// for work that needs no database and takes microseconds (the drop's waiting room).
    /// OnWebhookPool: on a pool of its own, for Stripe's webhooks, whose handlers wait there for
    /// the batch that carries their event (sync/webhookbatcher.h).
    enum class Answer { OnPool, ReadyOrPool, Here, OnWebhookPool };

private:
    friend class DropRoutes;   // drop day's routes (sync/droproutes.cpp) use the router's helpers
    /// Registers drop day's routes (sync/droproutes.cpp) on `http`.
    void addDropRoutes(QHttpServer &http);
    struct Loop;
    /// Registers every route on `http`: called once for each event loop's server.
    void addRoutes(QHttpServer &http);
    /// Starts loop `index` (> 0) on its own thread, serving the listening socket `descriptor`.
    Status startLoop(int index, qintptr descriptor);
    /// The event loop whose thread owns `socket` (the one that must write its answer); called
    /// on that thread.
    const Loop *loopFor(const QObject *socket) const;
    /// Checks limits, makes the answer (on the pool, or at once when it is ready; see Answer)
    /// and writes it through `responder` on the thread of the event loop that owns the client's
    /// socket.
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder, const QString &route, Work work,
                Answer answer = Answer::OnPool);
    QHttpServerResponse finish(QHttpServerResponse response, const RequestInfo &info, const QString &route, bool privateRoute,
                               const QList<QPair<QByteArray, QByteArray>> &extraHeaders, qint64 startedNs);

    QHttpServerResponse catalogApi(const RequestInfo &info);
    QHttpServerResponse productApi(const RequestInfo &info, const QString &sku);
    QHttpServerResponse media(const RequestInfo &info, const QString &fileName);
    QHttpServerResponse checkout(const RequestInfo &info);
    QHttpServerResponse webhook(const RequestInfo &info);
    QHttpServerResponse orderStatusApi(const RequestInfo &info, const QString &orderId);
    QHttpServerResponse ready(const RequestInfo &info);

    // Storefront pages (storefrontroutes.cpp).
    QHttpServerResponse catalogPage(const RequestInfo &info);
    QHttpServerResponse productPage(const RequestInfo &info, const QString &sku);
    QHttpServerResponse cartPage(const RequestInfo &info);
    enum class CartChange { Add, Update, Remove };
    QHttpServerResponse changeCart(const RequestInfo &info, CartChange change);
    QHttpServerResponse checkoutResult(const RequestInfo &info, bool canceled);
    /// GET shows the form, POST finds the order by number and e-mail (rate-limited like a sign-in).
    QHttpServerResponse orderLookup(const RequestInfo &info);
    QHttpServerResponse shopPage(const RequestInfo &info, ShopPage page);
    QHttpServerResponse pageError(const RequestInfo &info, int status, const QString &message);
    /// Forms may only be posted from our own pages (the shop has no other CSRF defence to
    /// rely on than SameSite cookies and this check).
    bool sameOrigin(const RequestInfo &info) const;
    void countVisit(const RequestInfo &info, const QString &productId);
    /// One page view into the batch (bots and views without the day's salt left out).
    void countView(const QHostAddress &client, QByteArrayView userAgent, const QString &path, const QString &productId,
                   const QDateTime &at);

    /// Serves `key` from the cache or computes it with `render` (which returns the body, or
    /// an error response), answering 304 for a matching If-None-Match. `tags` is read after
    /// `render` ran, so a render may add the tags it learns (a product page: the product's id).
    QHttpServerResponse cached(const RequestInfo &info, const QString &key, const QStringList &tags, const QByteArray &contentType,
                               const std::function<Result<QByteArray>()> &render);
    QHttpServerResponse errorResponse(const Error &error, const RequestInfo &info);
    Result<StorefrontProduct> publishedProduct(const QString &sku);
    void releaseExpiredReservations();
    /// Writes buffered page views on a worker thread (one flush at a time).
    void flushPageViews();
    void writePageViews();

    SyncServerOptions m_options;
    SyncServices m_services;
    SessionProvider &m_sessions;
    CatalogCache &m_cache;
    MetricsRegistry &m_metrics;
    WebhookBatcher m_webhooks{m_sessions, &m_metrics};   // payments that arrive together commit together
    QHttpServer m_http;                         // loop 0, on the thread that called start()
    std::vector<std::unique_ptr<Loop>> m_loops; // [0] is m_http's; the others own their threads
    const Loop *m_firstLoop = nullptr;          // m_loops[0], readable from any loop while others start
    quint16 m_port = 0;
    QThreadPool m_pool;
    QThreadPool m_webhookPool;                  // Answer::OnWebhookPool: handlers waiting for a batch
    RateLimiter m_rateLimiter;
    VisitorCounter m_visitors;
    PageViewBuffer m_pageViews;
    QTimer m_pageViewFlush;
    std::atomic_bool m_flushingPageViews{false};
    std::atomic_bool m_refreshingSalts{false};
    std::atomic_bool m_stopping{false};         // stop() began: no new work goes to the pool
    std::atomic_int m_dispatching{0};           // handle() calls between that check and the pool
    QTimer m_reservationSweep;
    QByteArray m_checkoutOrigin;
    bool m_https = false;
    std::unique_ptr<DropRoutes> m_drops;   // waiting room, raffle, release-time purges
};

} // namespace rdk::sync

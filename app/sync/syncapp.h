#pragma once

#include "domain/result.h"
#include "sync/mail/mailsender.h"
#include "sync/stripe/stripeclient.h"
#include "sync/syncserver.h"

#include <QHostAddress>
#include <QObject>

#include <chrono>
#include <memory>
#include <string>

namespace rdk {
class CheckoutService;
}

namespace rdk::data {
class PgListener;
}

namespace rdk::sync {

class BacklogSampler;
class PgSharedRateBudget;
class CatalogChanges;
class EdgeRefresher;
class EdgeViewListener;
class StripePaymentGateway;
class StripeRequestCalls;
class StripeRequestWorker;

struct SyncAppOptions final {
    std::string databaseUrl;            ///< the service login (member of rdk_sync)
    StripeClientOptions stripe;
    SyncServerOptions server;           ///< shopName is filled in from the database
    bool mailEnabled = false;           ///< RDK_SMTP_HOST is set: send the shop's outbox
    MailSenderOptions mail;             ///< tenantId is filled in from the database
    /// How often the queue gauges of /metrics are read (RDK_SYNC_BACKLOG_SECONDS, tests use 1 s).
    std::chrono::milliseconds backlogInterval{15'000};
    /// The keeping edge's refresh listener (RDK_SYNC_EDGE_REFRESH_URL); empty: none.
    QUrl edgeRefreshUrl;
    /// Where the keeping edge reports page views (RDK_SYNC_EDGE_VIEWS_LISTEN, a loopback address);
    /// null: none. When set, the router counts those reports and not its own pages.
    QHostAddress edgeViewsAddress;
    quint16 edgeViewsPort = 0;
};

/// rdk-sync's composition root, as app/desk/screens.cpp is the desk's: it asks the database
/// which shop the service login works for, builds every service (sessions, checkout with its
/// order store and payment gateway, catalog cache, the Stripe request worker with its Stripe
/// calls, metrics, and the one change feed that wakes the cache and the worker) and hands them
/// to the router. It owns them all; nothing below it builds a service of its own.
class SyncApp final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncApp)

public:
    explicit SyncApp(SyncAppOptions options, QObject *parent = nullptr);
    ~SyncApp() override;

    /// Finds the shop, starts the change feed and the Stripe request worker, then listens for HTTP.
    Status start(const QHostAddress &address, quint16 port);
    quint16 port() const;
    /// Stops taking requests and waits for those in flight (graceful shutdown).
    void stop();

private:
    /// One LISTEN connection for the service: catalog notices drop cached answers, Stripe
    /// request notices wake the worker, and a reconnect does both.
    void listenForChanges();
    /// With RDK_SYNC_EDGE_VIEWS_LISTEN: the edge's page-view reports, counted by the router.
    Status listenForEdgeViews();

    SyncAppOptions m_options;
    // Declared in build order; destroyed in reverse, so the router goes before its services.
    std::unique_ptr<SessionProvider> m_sessions;
    std::unique_ptr<StripeClient> m_stripe;
    std::unique_ptr<StripePaymentGateway> m_payments;
    std::unique_ptr<CheckoutService> m_checkout;
    std::unique_ptr<CatalogCache> m_cache;
    std::unique_ptr<CatalogChanges> m_catalogChanges;
    std::unique_ptr<MetricsRegistry> m_metrics;
    std::unique_ptr<EdgeRefresher> m_edgeRefresher;   // called by the cache; counts into the metrics
    std::unique_ptr<PgSharedRateBudget> m_sharedRates;
    std::unique_ptr<StripeRequestCalls> m_counterStripe;
    std::unique_ptr<StripeRequestWorker> m_stripeRequests;
    std::unique_ptr<MailSender> m_mail;
    std::unique_ptr<BacklogSampler> m_backlog;
    std::unique_ptr<data::PgListener> m_changeFeed;
    std::unique_ptr<SyncServer> m_server;
    std::unique_ptr<EdgeViewListener> m_edgeViews;   // hands views to the router
};

} // namespace rdk::sync

#include "app/sync/syncapp.h"

#include "data/pgcheckout.h"
#include "data/pglistener.h"
#include "data/pgserviceshop.h"
#include "domain/checkoutservice.h"
#include "sync/backlogsampler.h"
#include "sync/catalogcache.h"
#include "sync/catalogchanges.h"
#include "sync/edgerefresher.h"
#include "sync/edgeviews.h"
#include "sync/http/metrics.h"
#include "sync/mail/mailsender.h"
#include "sync/sessionprovider.h"
#include "sync/sharedstate.h"
#include "sync/stripe/stripepaymentgateway.h"
#include "sync/stripe/striperequestcalls.h"
#include "sync/striperequestworker.h"

#include <QLoggingCategory>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcApp, "rdk.sync.server")

namespace rdk::sync {
namespace {

// A change feed whose connection died silently (no socket event) is found by a ping this
// often (PgListener's default is 15 s; rdk-sync has always checked every 5 s).
constexpr int kChangeFeedPingMs = 5'000;

// The shop's private channels rdk-sync listens on (migration 0013), on one connection.
const std::string kCatalogChanges = "catalog";
const std::string kStripeRequests = "stripe_requests";
const std::string kMail = "mail";

/// Each call hands the calling worker thread's session to a store of its own (the desk's
/// workerFactory, for the service's per-thread sessions).
template <typename Interface, typename PgImplementation>
std::function<Result<std::unique_ptr<Interface>>()> storeFactory(SessionProvider *sessions)
{
    return [sessions]() -> Result<std::unique_ptr<Interface>> {
        auto session = sessions->session();
        if (!session)
            return session.error();
        return std::unique_ptr<Interface>(new PgImplementation(**session));
    };
}

} // namespace

SyncApp::SyncApp(SyncAppOptions options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

SyncApp::~SyncApp()
{
    stop();
}

quint16 SyncApp::port() const
{
    return m_server ? m_server->port() : 0;
}

Status SyncApp::start(const QHostAddress &address, quint16 port)
{
    const QString &slug = m_options.server.tenantSlug;
    // The database fixes the login's shop (rdk.service_logins); RDK_TENANT must name that
    // shop, so a login bound elsewhere is caught at start and not on the first order.
    auto shop = data::serviceShop(m_options.databaseUrl);
    if (!shop)
        return shop.error();
    if (!shop->has_value()) {
        return Error::forbidden(u"The database login of rdk-sync is not bound to a shop. As the owner, run: "
                                "rdk-admin service bind <login> %1"_s.arg(slug));
    }
    if ((*shop)->slug != slug) {
        return Error::forbidden(u"RDK_TENANT is '%1' but the database login of rdk-sync works for the shop '%2'."_s
                                    .arg(slug, (*shop)->slug));
    }
    const QString tenantId = (*shop)->id;
    m_options.server.shopName = (*shop)->name;

    m_sessions = std::make_unique<SessionProvider>(m_options.databaseUrl);
    m_stripe = std::make_unique<StripeClient>(m_options.stripe);
    m_payments = std::make_unique<StripePaymentGateway>(*m_stripe);
    CheckoutOptions checkout;
    checkout.publicBaseUrl = m_options.server.publicUrl.toString(QUrl::StripTrailingSlash);
    m_checkout = std::make_unique<CheckoutService>(storeFactory<CheckoutOrderStore, data::PgCheckout>(m_sessions.get()),
                                                   *m_payments, checkout);
    m_metrics = std::make_unique<MetricsRegistry>();

    // Catalog notices drop cached answers; after a lost connection everything goes.
    m_cache = std::make_unique<CatalogCache>();
    if (!m_options.edgeRefreshUrl.isEmpty()) {
        // A keeping edge (ADR 0034) fetches again what a change dropped here.
        m_edgeRefresher = std::make_unique<EdgeRefresher>(m_options.edgeRefreshUrl);
        m_edgeRefresher->countInto(m_metrics.get());
        m_cache->setEdgeRefresh([refresher = m_edgeRefresher.get()](const QStringList &targets) { refresher->refresh(targets); });
    }
    m_catalogChanges = std::make_unique<CatalogChanges>(*m_cache);
    connect(m_catalogChanges.get(), &CatalogChanges::flushed, this, [this](int products, int dropped, bool everything) {
        m_metrics->countCacheInvalidation(everything ? "notify_flood" : "notify");
        qCDebug(lcApp) << "catalog changes of" << products << "products dropped" << dropped << "cached answers"
                       << (everything ? "(too many at once: all of them)" : "");
    });

    StripeRequestWorkerOptions work;
    work.tenantId = tenantId;
    m_counterStripe = std::make_unique<StripeClientRequestCalls>(m_options.stripe);
    m_stripeRequests = std::make_unique<StripeRequestWorker>(work, *m_counterStripe, *m_sessions, *m_metrics);
    m_stripeRequests->start();
    if (m_options.mailEnabled) {
        MailSenderOptions mail = m_options.mail;
        mail.tenantId = tenantId;
        m_mail = std::make_unique<MailSender>(mail, *m_sessions, *m_metrics);
        m_mail->start();
    } else {
        qCInfo(lcApp) << "mail to customers is off: no RDK_SMTP_HOST";
    }
    m_backlog = std::make_unique<BacklogSampler>(*m_sessions, *m_metrics, m_options.backlogInterval);
    m_backlog->start();
    listenForChanges();

    // Both feeds are one connection now; /readyz keeps reporting them apart.
    const auto listening = [feed = m_changeFeed.get()] { return feed->isListening(); };
    SyncServices services{*m_sessions, *m_checkout, *m_cache, *m_metrics, listening, listening};
    // What several processes must agree on lives in the database (ADR 0029): the visitor salt
    // always (a restart mid-day must not count everyone again), the checkout and sign-in budgets
    // once there is more than one process.
    m_sharedRates = std::make_unique<PgSharedRateBudget>(*m_sessions);
    services.sharedRates = m_sharedRates.get();
    services.visitorSalt = sharedVisitorSalt(*m_sessions);
    if (m_mail) {
        services.mail = [feed = m_changeFeed.get()] { return feed->isListening() ? u"listening"_s : u"reconnecting"_s; };
    }
    m_options.server.edgeCountsViews = !m_options.edgeViewsAddress.isNull();
    m_server = std::make_unique<SyncServer>(m_options.server, std::move(services));
    if (Status views = listenForEdgeViews(); !views)
        return views;
    return m_server->start(address, port);
}

Status SyncApp::listenForEdgeViews()
{
    if (m_options.edgeViewsAddress.isNull())
        return {};
    m_edgeViews = std::make_unique<EdgeViewListener>();
    m_edgeViews->countInto(m_metrics.get());
    m_edgeViews->setSink([server = m_server.get()](const EdgeView &view) { server->countEdgeView(view); });
    // Several processes share the edge's one target port; the kernel gives each view to one.
    const auto sharing = m_options.server.processes > 1 ? EdgeViewListener::PortSharing::Shared
                                                        : EdgeViewListener::PortSharing::Exclusive;
    auto bound = m_edgeViews->listen(m_options.edgeViewsAddress, m_options.edgeViewsPort, sharing);
    if (!bound)
        return bound.error();
    qCInfo(lcApp) << "counting the page views the edge reports on" << m_options.edgeViewsAddress << *bound;
    return {};
}

void SyncApp::listenForChanges()
{
    std::vector<std::string> channels{kCatalogChanges, kStripeRequests};
    if (m_mail)
        channels.push_back(kMail);
    m_changeFeed = std::make_unique<data::PgListener>(nullptr, m_options.databaseUrl, channels,
                                                      m_mail ? u"catalog changes, Stripe requests and mail"_s
                                                             : u"catalog changes and Stripe requests"_s);
    m_changeFeed->setPingInterval(kChangeFeedPingMs);
    // A notice is a wake-up, never a fact (ADR 0010): the cache drops what it names and the
    // worker re-reads its queue; a Stripe request notice's payload is not read at all.
    connect(m_changeFeed.get(), &data::PgListener::notification, this, [this](const QString &kind, const QByteArray &payload) {
        if (kind == QString::fromStdString(kStripeRequests))
            m_stripeRequests->wake();
        else if (kind == QString::fromStdString(kMail))
            m_mail->wake();
        else if (!m_catalogChanges->notice(payload))
            qCDebug(lcApp) << "ignored a catalog notice that names no product";
    });
    connect(m_changeFeed.get(), &data::PgListener::connectionChanged, this, [this, wasUp = false](bool up) mutable {
        if (!up)
            return;
        // Back after a drop (or up for the first time): what was queued meanwhile is claimed now.
        m_stripeRequests->wake();
        if (m_mail)
            m_mail->wake();
        if (!std::exchange(wasUp, true))
            return;   // the first connect: nothing was cached yet
        // Notifications sent while we were away are lost: start from a clean slate.
        const int dropped = m_cache->invalidateAll();
        m_metrics->countCacheInvalidation("reconnect");
        qCInfo(lcApp) << "change feed back; dropped" << dropped << "cached answers";
    });
    m_changeFeed->start();
}

void SyncApp::stop()
{
    if (m_backlog)
        m_backlog->stop();
    if (m_stripeRequests)
        m_stripeRequests->stop();
    if (m_mail)
        m_mail->stop();
    if (m_server)
        m_server->stop();
}

} // namespace rdk::sync

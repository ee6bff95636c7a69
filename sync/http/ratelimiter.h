#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QStringView>

#include <array>
#include <list>
#include <optional>

namespace rdk::sync {

/// Groups of routes that share one rate-limit budget per client. A family, not a route, so an
/// attacker can't multiply the budget by spreading requests over many URLs.
enum class RouteFamily { Pages, Api, Checkout, Auth, Media, Webhook };
inline constexpr int routeFamilyCount = 6;

/// Which family a request belongs to. `/api/checkout*` -> Checkout, `POST /api/stripe/webhook`
/// -> Webhook, other `/api/*` -> Api, `/media/*` -> Media, `/_*` and state-changing requests
/// to login-like paths (login, logout, signin, signup, register, password, reset, auth, 2fa,
/// totp, otp) -> Auth, everything else -> Pages. Matching ignores case, the query string and
/// repeated slashes, so `//API/Checkout` can't slip into a looser family. Only POST reaches the
/// unlimited Webhook family: Stripe only ever POSTs, so a GET there is just an Api request.
/// Only non-GET/HEAD login-like requests are Auth: showing the login form is a page view, while
/// credential stuffing needs a POST.
RouteFamily routeFamilyFor(QStringView path, QByteArrayView method);

/// "pages", "api", ... for logs and metrics labels.
QByteArray routeFamilyName(RouteFamily family);

/// A token bucket: up to `burst` requests at once, refilled at `perSecond`.
struct RateLimitPolicy final {
    int burst = 0;
    double perSecond = 0.0;
};

/// Pages 60/20 s⁻¹, Api 120/40, Media 300/100, Checkout 10/0.2 (12 a minute: each one creates
/// a Stripe session and reserves stock), Auth 5/0.1. Webhook has none: see RateLimiter.
RateLimitPolicy defaultRateLimitPolicy(RouteFamily family);

/// The outcome of one check. `limit` is 0 for an unlimited family (then no headers are sent).
/// `resetSeconds` is how long until the bucket is full again; `retryAfterSeconds` is set only
/// when refused, and is how long until one request will pass.
struct RateDecision final {
    bool allowed = true;
    int limit = 0;
    int remaining = 0;
    int resetSeconds = 0;
    int retryAfterSeconds = 0;
    /// The family's budget is shared by every rdk-sync process (RateLimiter::setSharedBudget):
    /// nothing was decided yet; call RateLimiter::checkShared off the event loop.
    bool shared = false;
};

/// A rate-limit budget kept outside this process, so that several rdk-sync processes behind the
/// edge draw from one budget per client instead of one each (the database: rdk.rate_take).
class SharedRateBudget {
public:
    virtual ~SharedRateBudget() = default;
    /// Takes one token from (`family`, `clientKey`)'s shared bucket under `policy`; nullopt when
    /// the shared store can't be asked right now. Blocks (a database round trip).
    virtual std::optional<RateDecision> take(RouteFamily family, const QString &clientKey, RateLimitPolicy policy) = 0;
};

/// Token-bucket limiter keyed by (client, route family). Thread-safe.
///
/// Clients: IPv4 per address; IPv6 per /64, because one household or server usually owns a whole
/// /64 and could otherwise rotate addresses for a fresh budget each request; IPv4-mapped IPv6
/// (`::ffff:a.b.c.d`, what a dual-stack socket reports) counts as the IPv4 address.
///
/// Memory: at most `maxClients` clients are tracked. Entries are kept in least-recently-used
/// order; clients idle long enough for every bucket to be full again are dropped as we go
/// (forgetting them changes no decision), and when the table is full the least recently seen
/// client is evicted. A flood from more distinct networks than `maxClients` can therefore reset
/// some budgets; the reverse proxy's limits are the backstop for that.
///
/// Webhook requests are never limited and never tracked: Stripe retries refused deliveries with
/// growing back-off for days, so a 429 during a burst (a sale, a replay after an outage) would
/// delay payment confirmations and stock releases. Deliveries are authenticated by signature,
/// and an unsigned flood is cheap to reject there.
class RateLimiter final {
public:
    static constexpr qsizetype defaultMaxClients = 100'000;

    explicit RateLimiter(qsizetype maxClients = defaultMaxClients);

    /// Replaces a family's policy (tests, configuration). Ignored for Webhook.
    void setPolicy(RouteFamily family, RateLimitPolicy policy);
    RateLimitPolicy policy(RouteFamily family) const;

    /// Takes one token from the client's bucket for `family` at time `nowMs` (any monotonic
    /// milliseconds; a clock that steps back refills nothing). For a shared family (see
    /// setSharedBudget) it decides nothing and answers `shared`.
    RateDecision check(const QHostAddress &client, RouteFamily family, qint64 nowMs);

    /// How many rdk-sync processes serve the shop behind the edge (RDK_SYNC_PROCESSES). Each
    /// process keeps 1/n of every local budget (burst and refill, at least one request), so a
    /// client whose requests the edge spreads over all n processes gets the configured budget at
    /// most, never n times it; one that always lands on the same process gets 1/n of it.
    void setProcessCount(int processes);
    int processCount() const;
    /// The budget of `family` this process applies locally: the policy divided by the process count.
    RateLimitPolicy localPolicy(RouteFamily family) const;

    /// Keeps the budgets of `families` in `budget` (the database), whole: every process draws
    /// from the same bucket of a client. `budget` must outlive the limiter; nullptr turns it off.
    void setSharedBudget(SharedRateBudget *budget, QList<RouteFamily> families);
    /// The decision for a shared family: the shared budget's, or, while it can't be asked, this
    /// process's local share (never more than 1/n of the budget). Blocks: call it off the event loop.
    RateDecision checkShared(const QHostAddress &client, RouteFamily family, qint64 nowMs);
    /// The client's key in the shared budget: `4:a.b.c.d`, `6:<the /64 in hex>`.
    static QString sharedClientKey(const QHostAddress &client);

    /// How many clients are tracked now (bounded by maxClients()).
    qsizetype trackedClients() const;
    qsizetype maxClients() const { return m_maxClients; }

private:
    struct ClientKey final {
        quint64 bits = 0;
        quint8 kind = 0;   // 0 other/invalid, 4 IPv4, 6 IPv6 /64
        friend bool operator==(const ClientKey &a, const ClientKey &b) { return a.bits == b.bits && a.kind == b.kind; }
        friend size_t qHash(const ClientKey &key, size_t seed) { return qHashMulti(seed, key.bits, key.kind); }
    };
    struct Bucket final {
        double tokens = 0.0;
        qint64 updatedMs = 0;
        bool used = false;
    };
    struct Client final {
        ClientKey key;
        qint64 lastSeenMs = 0;
        std::array<Bucket, routeFamilyCount> buckets;
    };
    using ClientList = std::list<Client>;

    static ClientKey keyFor(const QHostAddress &client);
    RateDecision checkLocked(const QHostAddress &client, RouteFamily family, qint64 nowMs);
    RateLimitPolicy localPolicyLocked(RouteFamily family) const;
    void dropIdle(qint64 nowMs);
    void recomputeIdleAfter();

    mutable QMutex m_mutex;
    qsizetype m_maxClients;
    std::array<RateLimitPolicy, routeFamilyCount> m_policies;
    int m_processes = 1;
    SharedRateBudget *m_shared = nullptr;
    std::array<bool, routeFamilyCount> m_sharedFamilies{};
    qint64 m_idleAfterMs = 0;
    ClientList m_lru;                                   // front: least recently seen
    QHash<ClientKey, ClientList::iterator> m_index;
};

/// Adds `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (IETF httpapi draft) and,
/// when refused, `Retry-After`, replacing any earlier values. Adds nothing for unlimited
/// families.
void applyRateLimitHeaders(const RateDecision &decision, QList<QPair<QByteArray, QByteArray>> &headers);

} // namespace rdk::sync

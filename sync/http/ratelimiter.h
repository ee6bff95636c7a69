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
    /// milliseconds; a clock that steps back refills nothing).
    RateDecision check(const QHostAddress &client, RouteFamily family, qint64 nowMs);

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
    void dropIdle(qint64 nowMs);
    void recomputeIdleAfter();

    mutable QMutex m_mutex;
    qsizetype m_maxClients;
    std::array<RateLimitPolicy, routeFamilyCount> m_policies;
    qint64 m_idleAfterMs = 0;
    ClientList m_lru;                                   // front: least recently seen
    QHash<ClientKey, ClientList::iterator> m_index;
};

/// Adds `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (IETF httpapi draft) and,
/// when refused, `Retry-After`, replacing any earlier values. Adds nothing for unlimited
/// families.
void applyRateLimitHeaders(const RateDecision &decision, QList<QPair<QByteArray, QByteArray>> &headers);

} // namespace rdk::sync

#include "sync/http/ratelimiter.h"

#include <QMutexLocker>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

// Float refills (0.2 tokens a second...) accumulate rounding error; without this slack a bucket
// that is mathematically back at one token could refuse, or report one second too many.
constexpr double epsilon = 1e-9;
// Caps the seconds we advertise, so a policy without refill can't overflow an int.
constexpr int maxAdvertisedSeconds = 24 * 60 * 60;

int secondsUntil(double missingTokens, double perSecond)
{
    if (missingTokens <= epsilon)
        return 0;
    if (perSecond <= 0.0)
        return maxAdvertisedSeconds;
    const double seconds = std::ceil(missingTokens / perSecond - epsilon);
    return static_cast<int>(std::clamp(seconds, 1.0, double(maxAdvertisedSeconds)));
}

constexpr int index(RouteFamily family) { return static_cast<int>(family); }

// Path segments after percent-decoding and resolving "." / "..", lower-cased: the router sees
// the decoded path, and classifying a disguised path into a looser family would be a bypass.
QStringList normalizedSegments(QStringView path)
{
    qsizetype end = path.indexOf(u'?');
    if (end < 0)
        end = path.indexOf(u'#');
    const QStringView bare = end >= 0 ? path.left(end) : path;
    const QString decoded = bare.contains(u'%') ? QUrl::fromPercentEncoding(bare.toUtf8()) : bare.toString();
    QStringList segments;
    for (const QStringView segment : QStringView(decoded).split(u'/', Qt::SkipEmptyParts)) {
        if (segment == u".")
            continue;
        if (segment == u"..") {
            if (!segments.isEmpty())
                segments.removeLast();
            continue;
        }
        segments.append(segment.toString().toLower());
    }
    return segments;
}

bool isLoginLike(const QString &segment)
{
    static const QStringList words = {
        u"login"_s, u"logout"_s, u"signin"_s, u"sign-in"_s, u"signup"_s, u"sign-up"_s,
        u"register"_s, u"auth"_s, u"oauth"_s, u"password"_s, u"forgot-password"_s,
        u"reset-password"_s, u"password-reset"_s, u"reset"_s, u"2fa"_s, u"mfa"_s, u"totp"_s,
        u"otp"_s,
        u"lookup"_s,   // finding an order by number and e-mail: guessing must be slow
    };
    return words.contains(segment);
}

} // namespace

RouteFamily routeFamilyFor(QStringView path, QByteArrayView method)
{
    const QStringList segments = normalizedSegments(path);
    const QString joined = u'/' + segments.join(u'/');
    const bool safeMethod = method == "GET" || method == "HEAD" || method == "OPTIONS";

    if (method == "POST" && joined == u"/api/stripe/webhook")
        return RouteFamily::Webhook;
    if (joined.startsWith(u"/api/checkout"))
        return RouteFamily::Checkout;
    if (!segments.isEmpty() && segments.first().startsWith(u'_'))
        return RouteFamily::Auth;
    if (!safeMethod && std::any_of(segments.cbegin(), segments.cend(), isLoginLike))
        return RouteFamily::Auth;
    if (!segments.isEmpty() && segments.first() == u"api")
        return RouteFamily::Api;
    if (!segments.isEmpty() && segments.first() == u"media")
        return RouteFamily::Media;
    return RouteFamily::Pages;
}

QByteArray routeFamilyName(RouteFamily family)
{
    switch (family) {
    case RouteFamily::Pages: return "pages"_ba;
    case RouteFamily::Api: return "api"_ba;
    case RouteFamily::Checkout: return "checkout"_ba;
    case RouteFamily::Auth: return "auth"_ba;
    case RouteFamily::Media: return "media"_ba;
    case RouteFamily::Webhook: return "webhook"_ba;
    }
    return "pages"_ba;
}

RateLimitPolicy defaultRateLimitPolicy(RouteFamily family)
{
    switch (family) {
    case RouteFamily::Pages: return {60, 20.0};
    case RouteFamily::Api: return {120, 40.0};
    case RouteFamily::Checkout: return {10, 0.2};
    case RouteFamily::Auth: return {5, 0.1};
    case RouteFamily::Media: return {300, 100.0};
    case RouteFamily::Webhook: return {0, 0.0};
    }
    return {60, 20.0};
}

RateLimiter::RateLimiter(qsizetype maxClients)
    : m_maxClients(std::max<qsizetype>(1, maxClients))
{
    for (int i = 0; i < routeFamilyCount; ++i)
        m_policies[i] = defaultRateLimitPolicy(static_cast<RouteFamily>(i));
    recomputeIdleAfter();
    m_index.reserve(std::min<qsizetype>(m_maxClients, 1024));
}

void RateLimiter::setProcessCount(int processes)
{
    const QMutexLocker lock(&m_mutex);
    m_processes = std::max(1, processes);
    recomputeIdleAfter();
}

int RateLimiter::processCount() const
{
    const QMutexLocker lock(&m_mutex);
    return m_processes;
}

RateLimitPolicy RateLimiter::localPolicy(RouteFamily family) const
{
    const QMutexLocker lock(&m_mutex);
    return localPolicyLocked(family);
}

RateLimitPolicy RateLimiter::localPolicyLocked(RouteFamily family) const
{
    const RateLimitPolicy whole = m_policies[index(family)];
    if (whole.burst <= 0 || m_processes <= 1)
        return whole;
    // Rounded down, so n shares never add up to more than the whole; at least one request, so a
    // budget smaller than the process count still lets a client through somewhere.
    return {std::max(1, whole.burst / m_processes), whole.perSecond / m_processes};
}

void RateLimiter::setSharedBudget(SharedRateBudget *budget, QList<RouteFamily> families)
{
    const QMutexLocker lock(&m_mutex);
    m_shared = budget;
    m_sharedFamilies.fill(false);
    for (RouteFamily family : families) {
        if (family != RouteFamily::Webhook)
            m_sharedFamilies[index(family)] = true;
    }
}

QString RateLimiter::sharedClientKey(const QHostAddress &client)
{
    const ClientKey key = keyFor(client);
    if (key.kind == 4)
        return u"4:"_s + QHostAddress(quint32(key.bits)).toString();
    if (key.kind == 6)
        return u"6:"_s + QString::number(key.bits, 16).rightJustified(16, u'0');
    return u"0:other"_s;
}

RateDecision RateLimiter::checkShared(const QHostAddress &client, RouteFamily family, qint64 nowMs)
{
    SharedRateBudget *shared = nullptr;
    RateLimitPolicy whole;
    {
        const QMutexLocker lock(&m_mutex);
        shared = m_shared;
        whole = m_policies[index(family)];
    }
    if (family == RouteFamily::Webhook || whole.burst <= 0)
        return {};
    if (shared) {
        if (std::optional<RateDecision> decided = shared->take(family, sharedClientKey(client), whole)) {
            decided->limit = whole.burst;
            decided->shared = false;
            return *decided;
        }
    }
    const QMutexLocker lock(&m_mutex);
    return checkLocked(client, family, nowMs);
}

void RateLimiter::setPolicy(RouteFamily family, RateLimitPolicy policy)
{
    if (family == RouteFamily::Webhook)
        return;
    const QMutexLocker lock(&m_mutex);
    m_policies[index(family)] = policy;
    recomputeIdleAfter();
}

RateLimitPolicy RateLimiter::policy(RouteFamily family) const
{
    const QMutexLocker lock(&m_mutex);
    return m_policies[index(family)];
}

qsizetype RateLimiter::trackedClients() const
{
    const QMutexLocker lock(&m_mutex);
    return m_index.size();
}

RateLimiter::ClientKey RateLimiter::keyFor(const QHostAddress &client)
{
    bool isV4 = false;
    // toIPv4Address() also unwraps ::ffff:a.b.c.d, so dual-stack sockets share the IPv4 bucket.
    const quint32 v4 = client.toIPv4Address(&isV4);
    if (isV4)
        return {v4, 4};
    if (client.protocol() == QAbstractSocket::IPv6Protocol) {
        const Q_IPV6ADDR v6 = client.toIPv6Address();
        quint64 prefix = 0;
        for (int i = 0; i < 8; ++i)
            prefix = (prefix << 8) | v6[i];
        return {prefix, 6};
    }
    return {0, 0};
}

void RateLimiter::recomputeIdleAfter()
{
    // After this long without a request every bucket of a client is full again, so forgetting
    // the client changes no later decision.
    qint64 longest = 0;
    for (int i = 0; i < routeFamilyCount; ++i) {
        const RateLimitPolicy policy = localPolicyLocked(static_cast<RouteFamily>(i));
        if (policy.burst <= 0)
            continue;
        if (policy.perSecond <= 0.0) {
            longest = std::numeric_limits<qint64>::max();
            break;
        }
        longest = std::max(longest, static_cast<qint64>(std::ceil(policy.burst / policy.perSecond * 1000.0)));
    }
    m_idleAfterMs = longest;
}

void RateLimiter::dropIdle(qint64 nowMs)
{
    // A few per call keeps each check O(1) while the table still drains steadily.
    constexpr int maxDropsPerCall = 16;
    for (int dropped = 0; dropped < maxDropsPerCall && !m_lru.empty(); ++dropped) {
        const Client &oldest = m_lru.front();
        if (nowMs - oldest.lastSeenMs < m_idleAfterMs)
            return;
        m_index.remove(oldest.key);
        m_lru.pop_front();
    }
}

RateDecision RateLimiter::check(const QHostAddress &client, RouteFamily family, qint64 nowMs)
{
    if (family == RouteFamily::Webhook)
        return {};

    const QMutexLocker lock(&m_mutex);
    if (m_shared && m_sharedFamilies[index(family)] && m_policies[index(family)].burst > 0) {
        RateDecision deferred;
        deferred.shared = true;
        return deferred;
    }
    return checkLocked(client, family, nowMs);
}

RateDecision RateLimiter::checkLocked(const QHostAddress &client, RouteFamily family, qint64 nowMs)
{
    const RateLimitPolicy policy = localPolicyLocked(family);
    if (policy.burst <= 0)
        return {};

    dropIdle(nowMs);
    const ClientKey key = keyFor(client);
    ClientList::iterator entry;
    if (const auto found = m_index.constFind(key); found != m_index.cend()) {
        entry = *found;
        m_lru.splice(m_lru.end(), m_lru, entry);
    } else {
        if (m_index.size() >= m_maxClients) {
            m_index.remove(m_lru.front().key);
            m_lru.pop_front();
        }
        entry = m_lru.insert(m_lru.end(), Client{key, nowMs, {}});
        m_index.insert(key, entry);
    }
    entry->lastSeenMs = std::max(entry->lastSeenMs, nowMs);

    const double burst = policy.burst;
    Bucket &bucket = entry->buckets[index(family)];
    if (!bucket.used) {
        bucket = {burst, nowMs, true};
    } else if (nowMs > bucket.updatedMs) {
        bucket.tokens += double(nowMs - bucket.updatedMs) * policy.perSecond / 1000.0;
        bucket.updatedMs = nowMs;
    }
    bucket.tokens = std::min(bucket.tokens, burst);   // also when a policy was lowered

    RateDecision decision;
    decision.limit = policy.burst;
    if (bucket.tokens >= 1.0 - epsilon) {
        bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
        decision.allowed = true;
    } else {
        decision.allowed = false;
        decision.retryAfterSeconds = secondsUntil(1.0 - bucket.tokens, policy.perSecond);
    }
    decision.remaining = static_cast<int>(std::floor(bucket.tokens + epsilon));
    decision.resetSeconds = secondsUntil(burst - bucket.tokens, policy.perSecond);
    return decision;
}

void applyRateLimitHeaders(const RateDecision &decision, QList<QPair<QByteArray, QByteArray>> &headers)
{
    if (decision.limit <= 0)
        return;
    const auto set = [&headers](const QByteArray &name, int value) {
        headers.removeIf([&name](const QPair<QByteArray, QByteArray> &header) {
            return header.first.compare(name, Qt::CaseInsensitive) == 0;
        });
        headers.append({name, QByteArray::number(value)});
    };
    set("RateLimit-Limit"_ba, decision.limit);
    set("RateLimit-Remaining"_ba, decision.remaining);
    set("RateLimit-Reset"_ba, decision.resetSeconds);
    if (!decision.allowed)
        set("Retry-After"_ba, std::max(1, decision.retryAfterSeconds));
}

} // namespace rdk::sync

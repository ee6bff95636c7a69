// Token-bucket rate limits per client and route family: bursts, refill over injected time,
// webhooks never limited, IPv6 /64 grouping, bounded memory and thread safety.
#include "sync/http/ratelimiter.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::RateDecision;
using rdk::sync::RateLimiter;
using rdk::sync::RateLimitPolicy;
using rdk::sync::RouteFamily;
using rdk::sync::SharedRateBudget;

Q_DECLARE_METATYPE(RouteFamily)

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

QByteArray headerValue(const Headers &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

int allowedCount(RateLimiter &limiter, const QHostAddress &client, RouteFamily family, int requests, qint64 nowMs)
{
    int allowed = 0;
    for (int i = 0; i < requests; ++i)
        allowed += limiter.check(client, family, nowMs).allowed ? 1 : 0;
    return allowed;
}

const QHostAddress alice(u"203.0.113.7"_s);
const QHostAddress bob(u"198.51.100.23"_s);

/// A shared budget that answers what the test says, and records what it was asked.
class FakeSharedBudget final : public SharedRateBudget {
public:
    std::optional<RateDecision> answer;   // nullopt: "the database can't be asked"
    QStringList asked;
    std::optional<RateDecision> take(RouteFamily family, const QString &clientKey, RateLimitPolicy policy) override
    {
        asked.append(u"%1 %2 %3/%4"_s.arg(QString::fromLatin1(rdk::sync::routeFamilyName(family)), clientKey)
                         .arg(policy.burst)
                         .arg(policy.perSecond));
        return answer;
    }
};

} // namespace

class TstRateLimiter final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void routeFamilyFor_classifiesPaths_data();
    void routeFamilyFor_classifiesPaths();
    void defaultPolicies_matchDesign();
    void check_burstThenRefusedWithRetryAfter_data();
    void check_burstThenRefusedWithRetryAfter();
    void check_refillsOverInjectedTime();
    void check_clockSteppingBack_refillsNothing();
    void check_webhookNeverLimited();
    void check_familiesHaveIndependentBuckets();
    void check_clientsHaveIndependentBuckets();
    void check_groupsClients_data();
    void check_groupsClients();
    void eviction_boundsTrackedClients();
    void eviction_dropsIdleClientsAsTheyExpire();
    void concurrentChecks_totalsConsistent();
    void applyRateLimitHeaders_allowed_setsDraftHeaders();
    void applyRateLimitHeaders_refused_addsRetryAfter();
    void applyRateLimitHeaders_unlimited_addsNothing();
    void applyRateLimitHeaders_replacesEarlierValues();
    void processCount_dividesLocalBudgets_sharesNeverAddUpToMore_data();
    void processCount_dividesLocalBudgets_sharesNeverAddUpToMore();
    void sharedBudget_sharedFamiliesDeferred_othersStayLocal();
    void sharedBudget_answersWithTheWholePolicy();
    void sharedBudget_unavailable_fallsBackToThisProcessShare();
    void sharedClientKey_groupsLikeTheLocalKey();
};

void TstRateLimiter::routeFamilyFor_classifiesPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<RouteFamily>("expected");
    QTest::addRow("home page") << u"/"_s << "GET"_ba << RouteFamily::Pages;
    QTest::addRow("product page") << u"/products/aj1-chicago"_s << "GET"_ba << RouteFamily::Pages;
    QTest::addRow("health check") << u"/healthz"_s << "GET"_ba << RouteFamily::Pages;
    QTest::addRow("api list") << u"/api/products"_s << "GET"_ba << RouteFamily::Api;
    QTest::addRow("api root") << u"/api"_s << "GET"_ba << RouteFamily::Api;
    QTest::addRow("api with query") << u"/api/products?page=2"_s << "GET"_ba << RouteFamily::Api;
    QTest::addRow("checkout create") << u"/api/checkout"_s << "POST"_ba << RouteFamily::Checkout;
    QTest::addRow("checkout subpath") << u"/api/checkout/session/cs_123"_s << "GET"_ba << RouteFamily::Checkout;
    QTest::addRow("checkout prefix glob") << u"/api/checkouts"_s << "POST"_ba << RouteFamily::Checkout;
    QTest::addRow("checkout upper case") << u"/API/Checkout"_s << "POST"_ba << RouteFamily::Checkout;
    QTest::addRow("checkout double slash") << u"//api//checkout"_s << "POST"_ba << RouteFamily::Checkout;
    QTest::addRow("checkout dot segments") << u"/media/../api/./checkout"_s << "POST"_ba << RouteFamily::Checkout;
    QTest::addRow("checkout percent-encoded") << u"/api/%63heckout"_s << "POST"_ba << RouteFamily::Checkout;
    QTest::addRow("webhook post") << u"/api/stripe/webhook"_s << "POST"_ba << RouteFamily::Webhook;
    QTest::addRow("webhook trailing slash") << u"/api/stripe/webhook/"_s << "POST"_ba << RouteFamily::Webhook;
    QTest::addRow("webhook get is just api") << u"/api/stripe/webhook"_s << "GET"_ba << RouteFamily::Api;
    QTest::addRow("webhook lookalike is api") << u"/api/stripe/webhooks"_s << "POST"_ba << RouteFamily::Api;
    QTest::addRow("webhook subpath is api") << u"/api/stripe/webhook/x"_s << "POST"_ba << RouteFamily::Api;
    QTest::addRow("media") << u"/media/p/42/800.webp"_s << "GET"_ba << RouteFamily::Media;
    QTest::addRow("media lookalike") << u"/mediafoo"_s << "GET"_ba << RouteFamily::Pages;
    QTest::addRow("underscore internal") << u"/_admin"_s << "GET"_ba << RouteFamily::Auth;
    QTest::addRow("underscore nested") << u"/_debug/state"_s << "GET"_ba << RouteFamily::Auth;
    QTest::addRow("login post") << u"/login"_s << "POST"_ba << RouteFamily::Auth;
    QTest::addRow("login form view") << u"/login"_s << "GET"_ba << RouteFamily::Pages;
    QTest::addRow("order lookup post") << u"/orders/lookup"_s << "POST"_ba << RouteFamily::Auth;
    QTest::addRow("order lookup form view") << u"/orders/lookup"_s << "GET"_ba << RouteFamily::Pages;
    QTest::addRow("api auth post") << u"/api/auth/token"_s << "POST"_ba << RouteFamily::Auth;
    QTest::addRow("password reset") << u"/account/password-reset"_s << "POST"_ba << RouteFamily::Auth;
    QTest::addRow("totp verify") << u"/api/totp"_s << "PUT"_ba << RouteFamily::Auth;
    QTest::addRow("lowercase method is not safe") << u"/login"_s << "get"_ba << RouteFamily::Auth;
    QTest::addRow("empty path") << QString() << "GET"_ba << RouteFamily::Pages;
}

void TstRateLimiter::routeFamilyFor_classifiesPaths()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, method);
    QFETCH(RouteFamily, expected);
    QCOMPARE(rdk::sync::routeFamilyFor(path, method), expected);
}

void TstRateLimiter::defaultPolicies_matchDesign()
{
    const RateLimiter limiter;
    const auto expect = [&limiter](RouteFamily family, int burst, double perSecond) {
        const RateLimitPolicy policy = limiter.policy(family);
        return policy.burst == burst && qFuzzyCompare(policy.perSecond + 1.0, perSecond + 1.0);
    };
    QVERIFY(expect(RouteFamily::Pages, 60, 20.0));
    QVERIFY(expect(RouteFamily::Api, 120, 40.0));
    QVERIFY(expect(RouteFamily::Media, 300, 100.0));
    QVERIFY(expect(RouteFamily::Checkout, 10, 0.2));
    QVERIFY(expect(RouteFamily::Auth, 5, 0.1));
    QCOMPARE(limiter.policy(RouteFamily::Webhook).burst, 0);
    QCOMPARE(limiter.maxClients(), RateLimiter::defaultMaxClients);
}

void TstRateLimiter::check_burstThenRefusedWithRetryAfter_data()
{
    QTest::addColumn<RouteFamily>("family");
    QTest::addColumn<int>("burst");
    QTest::addColumn<int>("retryAfter");
    QTest::addColumn<int>("resetWhenEmpty");
    // Retry-After = time for one token; Reset = time to refill the whole burst.
    QTest::addRow("checkout 10 then 5 s") << RouteFamily::Checkout << 10 << 5 << 50;
    QTest::addRow("auth 5 then 10 s") << RouteFamily::Auth << 5 << 10 << 50;
    QTest::addRow("pages 60 then 1 s") << RouteFamily::Pages << 60 << 1 << 3;
    QTest::addRow("api 120 then 1 s") << RouteFamily::Api << 120 << 1 << 3;
    QTest::addRow("media 300 then 1 s") << RouteFamily::Media << 300 << 1 << 3;
}

void TstRateLimiter::check_burstThenRefusedWithRetryAfter()
{
    QFETCH(RouteFamily, family);
    QFETCH(int, burst);
    QFETCH(int, retryAfter);
    QFETCH(int, resetWhenEmpty);
    RateLimiter limiter;
    const qint64 now = 1'000'000;
    for (int i = 0; i < burst; ++i) {
        const RateDecision decision = limiter.check(alice, family, now);
        QVERIFY2(decision.allowed, qPrintable(u"request %1 refused"_s.arg(i + 1)));
        QCOMPARE(decision.limit, burst);
        QCOMPARE(decision.remaining, burst - i - 1);
    }
    const RateDecision refused = limiter.check(alice, family, now);
    QVERIFY(!refused.allowed);
    QCOMPARE(refused.remaining, 0);
    QCOMPARE(refused.retryAfterSeconds, retryAfter);
    QCOMPARE(refused.resetSeconds, resetWhenEmpty);
    // Once Retry-After has passed, one request goes through.
    QVERIFY(limiter.check(alice, family, now + retryAfter * 1000).allowed);
}

void TstRateLimiter::check_refillsOverInjectedTime()
{
    RateLimiter limiter;
    qint64 now = 5'000;
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Checkout, 10, now), 10);
    QVERIFY(!limiter.check(alice, RouteFamily::Checkout, now).allowed);
    now += 5'000;   // 0.2 tokens a second: exactly one token back
    QVERIFY(limiter.check(alice, RouteFamily::Checkout, now).allowed);
    QVERIFY(!limiter.check(alice, RouteFamily::Checkout, now).allowed);
    now += 60'000;  // a minute: 12 tokens, capped at the burst of 10
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Checkout, 20, now), 10);
    // Steady 12 a minute: one request every 5 s passes indefinitely.
    for (int i = 0; i < 24; ++i) {
        now += 5'000;
        QVERIFY2(limiter.check(alice, RouteFamily::Checkout, now).allowed, qPrintable(QString::number(i)));
    }
    // Small steps add up without rounding a whole token away: 1000 steps of 5 ms = 1 token.
    QVERIFY(!limiter.check(alice, RouteFamily::Checkout, now).allowed);
    for (int i = 0; i < 999; ++i) {
        now += 5;
        QVERIFY2(!limiter.check(alice, RouteFamily::Checkout, now).allowed, qPrintable(QString::number(i)));
    }
    now += 5;
    QVERIFY(limiter.check(alice, RouteFamily::Checkout, now).allowed);
}

void TstRateLimiter::check_clockSteppingBack_refillsNothing()
{
    RateLimiter limiter;
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Auth, 5, 100'000), 5);
    QVERIFY(!limiter.check(alice, RouteFamily::Auth, 10'000).allowed);
    QVERIFY(!limiter.check(alice, RouteFamily::Auth, 100'000).allowed);
    QVERIFY(limiter.check(alice, RouteFamily::Auth, 110'000).allowed);
}

void TstRateLimiter::check_webhookNeverLimited()
{
    RateLimiter limiter;
    const QHostAddress stripe(u"3.18.12.63"_s);
    for (int i = 0; i < 10'000; ++i) {
        const RateDecision decision = limiter.check(stripe, RouteFamily::Webhook, 42);
        QVERIFY(decision.allowed);
        QCOMPARE(decision.limit, 0);
    }
    // And a policy can't be forced onto it.
    limiter.setPolicy(RouteFamily::Webhook, {1, 0.001});
    QCOMPARE(allowedCount(limiter, stripe, RouteFamily::Webhook, 10'000, 42), 10'000);
    QCOMPARE(limiter.trackedClients(), 0);
    // An exhausted Api budget on the same address doesn't touch webhooks either.
    QCOMPARE(allowedCount(limiter, stripe, RouteFamily::Api, 200, 42), 120);
    QVERIFY(limiter.check(stripe, RouteFamily::Webhook, 42).allowed);
}

void TstRateLimiter::check_familiesHaveIndependentBuckets()
{
    RateLimiter limiter;
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Checkout, 50, 0), 10);
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Auth, 50, 0), 5);
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Pages, 100, 0), 60);
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Api, 200, 0), 120);
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Media, 400, 0), 300);
    QCOMPARE(limiter.trackedClients(), 1);
}

void TstRateLimiter::check_clientsHaveIndependentBuckets()
{
    RateLimiter limiter;
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Checkout, 50, 0), 10);
    QVERIFY(!limiter.check(alice, RouteFamily::Checkout, 0).allowed);
    QCOMPARE(allowedCount(limiter, bob, RouteFamily::Checkout, 50, 0), 10);
    QCOMPARE(limiter.trackedClients(), 2);
}

void TstRateLimiter::check_groupsClients_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::addColumn<bool>("shared");
    QTest::addRow("same IPv6 /64") << u"2001:db8:1:2::1"_s << u"2001:db8:1:2:ffff:ffff:ffff:ffff"_s << true;
    QTest::addRow("neighbouring IPv6 /64") << u"2001:db8:1:2::1"_s << u"2001:db8:1:3::1"_s << false;
    QTest::addRow("IPv4-mapped is the IPv4 address") << u"::ffff:203.0.113.7"_s << u"203.0.113.7"_s << true;
    QTest::addRow("IPv4 neighbours are separate") << u"203.0.113.7"_s << u"203.0.113.8"_s << false;
    QTest::addRow("IPv4 vs IPv6 with same bits") << u"0.0.0.1"_s << u"::1"_s << false;
    QTest::addRow("same IPv6 with zone id") << u"fe80::1%eth0"_s << u"fe80::2"_s << true;
}

void TstRateLimiter::check_groupsClients()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    QFETCH(bool, shared);
    RateLimiter limiter;
    QCOMPARE(allowedCount(limiter, QHostAddress(first), RouteFamily::Auth, 5, 0), 5);
    QCOMPARE(limiter.check(QHostAddress(second), RouteFamily::Auth, 0).allowed, !shared);
    QCOMPARE(limiter.trackedClients(), shared ? 1 : 2);
}

void TstRateLimiter::eviction_boundsTrackedClients()
{
    RateLimiter limiter(100);
    for (quint32 i = 0; i < 1'000; ++i) {
        QVERIFY(limiter.check(QHostAddress(0x0A000000u + i), RouteFamily::Auth, 0).allowed);
        QVERIFY(limiter.trackedClients() <= 100);
    }
    QCOMPARE(limiter.trackedClients(), 100);
    // The most recent clients are still tracked (exhaust one), the oldest ones were evicted.
    const QHostAddress recent(0x0A000000u + 999);
    QCOMPARE(allowedCount(limiter, recent, RouteFamily::Auth, 10, 0), 4);
    QCOMPARE(allowedCount(limiter, QHostAddress(0x0A000000u), RouteFamily::Auth, 10, 0), 5);
    QCOMPARE(limiter.trackedClients(), 100);
}

void TstRateLimiter::eviction_dropsIdleClientsAsTheyExpire()
{
    RateLimiter limiter;
    for (quint32 i = 0; i < 10; ++i)
        QVERIFY(limiter.check(QHostAddress(0xC0000200u + i), RouteFamily::Pages, 0).allowed);
    QCOMPARE(limiter.trackedClients(), 10);
    // Longest refill among the defaults is 50 s (checkout and auth); after that the entries are
    // equivalent to new ones and go, a few per request.
    QVERIFY(limiter.check(bob, RouteFamily::Pages, 49'999).allowed);
    QCOMPARE(limiter.trackedClients(), 11);
    QVERIFY(limiter.check(bob, RouteFamily::Pages, 50'000).allowed);
    QCOMPARE(limiter.trackedClients(), 1);
}

void TstRateLimiter::concurrentChecks_totalsConsistent()
{
    RateLimiter limiter(64);
    limiter.setPolicy(RouteFamily::Api, {1000, 1.0});
    constexpr int threads = 4;
    constexpr int perThread = 20'000;
    std::atomic<int> sharedAllowed = 0;
    std::atomic<int> ownAllowed = 0;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const QHostAddress own(0xC6336400u + quint32(t));
            for (int i = 0; i < perThread; ++i) {
                // The clock doesn't move, so exactly one burst per bucket can pass.
                if (limiter.check(alice, RouteFamily::Api, 7).allowed)
                    ++sharedAllowed;
                if (limiter.check(own, RouteFamily::Api, 7).allowed)
                    ++ownAllowed;
                // Churn: many short-lived clients force evictions while others check.
                limiter.check(QHostAddress(0x0B000000u + quint32(t * perThread + i)), RouteFamily::Pages, 7);
            }
        });
    }
    for (std::thread &worker : workers)
        worker.join();
    QCOMPARE(sharedAllowed.load(), 1000);
    QVERIFY(limiter.trackedClients() <= 64);
    // Own buckets may have been evicted by the churn and restarted full, never less than one burst.
    QVERIFY(ownAllowed.load() >= threads * 1000);
}

void TstRateLimiter::applyRateLimitHeaders_allowed_setsDraftHeaders()
{
    RateLimiter limiter;
    Headers headers;
    rdk::sync::applyRateLimitHeaders(limiter.check(alice, RouteFamily::Checkout, 0), headers);
    QCOMPARE(headerValue(headers, "RateLimit-Limit"_ba), "10"_ba);
    QCOMPARE(headerValue(headers, "RateLimit-Remaining"_ba), "9"_ba);
    QCOMPARE(headerValue(headers, "RateLimit-Reset"_ba), "5"_ba);
    QCOMPARE(headerValue(headers, "Retry-After"_ba), QByteArray());
    QCOMPARE(headers.size(), 3);
}

void TstRateLimiter::applyRateLimitHeaders_refused_addsRetryAfter()
{
    RateLimiter limiter;
    QCOMPARE(allowedCount(limiter, alice, RouteFamily::Checkout, 10, 0), 10);
    Headers headers;
    rdk::sync::applyRateLimitHeaders(limiter.check(alice, RouteFamily::Checkout, 2'000), headers);
    QCOMPARE(headerValue(headers, "RateLimit-Remaining"_ba), "0"_ba);
    QCOMPARE(headerValue(headers, "Retry-After"_ba), "3"_ba);   // 0.4 token after 2 s: 3 s more
    QCOMPARE(headerValue(headers, "RateLimit-Reset"_ba), "48"_ba);
    QCOMPARE(headers.size(), 4);
}

void TstRateLimiter::applyRateLimitHeaders_unlimited_addsNothing()
{
    RateLimiter limiter;
    Headers headers;
    rdk::sync::applyRateLimitHeaders(limiter.check(alice, RouteFamily::Webhook, 0), headers);
    QVERIFY(headers.isEmpty());
}

void TstRateLimiter::applyRateLimitHeaders_replacesEarlierValues()
{
    Headers headers = {{"ratelimit-limit"_ba, "999"_ba}, {"Content-Type"_ba, "text/html"_ba}};
    rdk::sync::applyRateLimitHeaders({false, 5, 0, 50, 10}, headers);
    QCOMPARE(headers.size(), 5);
    QCOMPARE(headerValue(headers, "RateLimit-Limit"_ba), "5"_ba);
    QCOMPARE(headerValue(headers, "Retry-After"_ba), "10"_ba);
    QCOMPARE(headerValue(headers, "Content-Type"_ba), "text/html"_ba);
}

void TstRateLimiter::processCount_dividesLocalBudgets_sharesNeverAddUpToMore_data()
{
    QTest::addColumn<int>("processes");
    QTest::addRow("one") << 1;
    QTest::addRow("two") << 2;
    QTest::addRow("three") << 3;
    QTest::addRow("seven") << 7;
}

void TstRateLimiter::processCount_dividesLocalBudgets_sharesNeverAddUpToMore()
{
    QFETCH(int, processes);
    // N limiters stand for N processes; a client whose requests the edge spreads over all of
    // them gets at most the whole burst, never N times it.
    std::vector<std::unique_ptr<RateLimiter>> limiters;
    for (int i = 0; i < processes; ++i) {
        limiters.push_back(std::make_unique<RateLimiter>());
        limiters.back()->setProcessCount(processes);
    }
    QCOMPARE(limiters.front()->processCount(), processes);
    for (RouteFamily family : {RouteFamily::Pages, RouteFamily::Api, RouteFamily::Media, RouteFamily::Checkout,
                               RouteFamily::Auth}) {
        const RateLimitPolicy whole = rdk::sync::defaultRateLimitPolicy(family);
        const RateLimitPolicy share = limiters.front()->localPolicy(family);
        QCOMPARE(limiters.front()->policy(family).burst, whole.burst);   // the configured policy is unchanged
        QCOMPARE(share.burst, std::max(1, whole.burst / processes));
        QVERIFY(qFuzzyCompare(share.perSecond, whole.perSecond / processes));
        int allowed = 0;
        for (int round = 0; round < whole.burst * 2; ++round) {
            for (auto &limiter : limiters)
                allowed += limiter->check(alice, family, 5'000'000).allowed ? 1 : 0;
        }
        QVERIFY2(allowed <= std::max(whole.burst, processes),
                 qPrintable(u"%1: %2 allowed of a burst of %3"_s.arg(QString::fromLatin1(rdk::sync::routeFamilyName(family)))
                                .arg(allowed)
                                .arg(whole.burst)));
        QVERIFY(allowed >= whole.burst - processes);
    }
    // Webhooks stay unlimited whatever the count.
    QCOMPARE(allowedCount(*limiters.front(), alice, RouteFamily::Webhook, 1000, 1), 1000);
}

void TstRateLimiter::sharedBudget_sharedFamiliesDeferred_othersStayLocal()
{
    RateLimiter limiter;
    limiter.setProcessCount(2);
    FakeSharedBudget budget;
    limiter.setSharedBudget(&budget, {RouteFamily::Checkout, RouteFamily::Auth, RouteFamily::Webhook});
    for (RouteFamily family : {RouteFamily::Checkout, RouteFamily::Auth}) {
        const RateDecision deferred = limiter.check(alice, family, 1);
        QVERIFY(deferred.shared);
        QVERIFY(deferred.allowed);
        QCOMPARE(deferred.limit, 0);   // no headers until the shared budget decided
    }
    const RateDecision pages = limiter.check(alice, RouteFamily::Pages, 1);
    QVERIFY(!pages.shared);
    QCOMPARE(pages.limit, 30);
    QVERIFY(!limiter.check(alice, RouteFamily::Webhook, 1).shared);
    QVERIFY(budget.asked.isEmpty());   // check() never blocks on the database
    // Turned off: every family is local again.
    limiter.setSharedBudget(nullptr, {});
    QVERIFY(!limiter.check(alice, RouteFamily::Checkout, 1).shared);
}

void TstRateLimiter::sharedBudget_answersWithTheWholePolicy()
{
    RateLimiter limiter;
    limiter.setProcessCount(4);
    FakeSharedBudget budget;
    limiter.setSharedBudget(&budget, {RouteFamily::Checkout});
    RateDecision refused;
    refused.allowed = false;
    refused.retryAfterSeconds = 5;
    refused.resetSeconds = 50;
    budget.answer = refused;
    const RateDecision decision = limiter.checkShared(alice, RouteFamily::Checkout, 1);
    QVERIFY(!decision.allowed);
    QVERIFY(!decision.shared);
    QCOMPARE(decision.limit, 10);            // the whole budget, not a quarter of it
    QCOMPARE(decision.retryAfterSeconds, 5);
    QCOMPARE(budget.asked, QStringList{u"checkout 4:203.0.113.7 10/0.2"_s});
}

void TstRateLimiter::sharedBudget_unavailable_fallsBackToThisProcessShare()
{
    RateLimiter limiter;
    limiter.setProcessCount(2);
    FakeSharedBudget budget;   // answers nothing: the database is down
    limiter.setSharedBudget(&budget, {RouteFamily::Checkout});
    int allowed = 0;
    for (int i = 0; i < 20; ++i)
        allowed += limiter.checkShared(alice, RouteFamily::Checkout, 1'000).allowed ? 1 : 0;
    QCOMPARE(allowed, 5);   // this process's half of 10: two processes together still can't exceed the budget
    QCOMPARE(budget.asked.size(), 20);
}

void TstRateLimiter::sharedClientKey_groupsLikeTheLocalKey()
{
    QCOMPARE(RateLimiter::sharedClientKey(alice), u"4:203.0.113.7"_s);
    QCOMPARE(RateLimiter::sharedClientKey(QHostAddress(u"::ffff:203.0.113.7"_s)), u"4:203.0.113.7"_s);
    QCOMPARE(RateLimiter::sharedClientKey(QHostAddress(u"2001:db8:1:2:aaaa::1"_s)),
             RateLimiter::sharedClientKey(QHostAddress(u"2001:db8:1:2:bbbb::9"_s)));
    QCOMPARE(RateLimiter::sharedClientKey(QHostAddress(u"2001:db8:1:2::1"_s)), u"6:20010db800010002"_s);
    QVERIFY(RateLimiter::sharedClientKey(QHostAddress(u"2001:db8:1:3::1"_s)) != u"6:20010db800010002"_s);
    QVERIFY(RateLimiter::sharedClientKey(QHostAddress()).size() <= 64);
}

QTEST_GUILESS_MAIN(TstRateLimiter)
#include "tst_ratelimiter.moc"

#pragma once

#include "sync/sandbox/stripeerror.h"

#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace rdk::sandbox {

/// Test control for failure paths: "the next N API requests under this path prefix answer
/// with this HTTP status". The request is refused before it reaches the store or the
/// idempotency cache, so a faulted call changes nothing and a retry with the same
/// Idempotency-Key really runs (as at Stripe, where a 5xx is not saved for replay).
///
/// It also holds the API's latency: Stripe answers a Checkout Session create in a few hundred
/// milliseconds, the sandbox in well under one. With a latency set, every API answer (/v1/...)
/// is written that much later, without holding up other requests (the drop and checkout
/// benchmarks use 300 ms). The pay page and the test controls answer at once.
class FaultInjector final {
public:
    static constexpr int kMaxFaults = 100;
    static constexpr int kMaxCount = 1000;
    static constexpr qsizetype kMaxPrefixLength = 200;
    static constexpr int kMaxLatencyMs = 60'000;

    /// Adds a fault. Invalid (with the parameter named) when the prefix is not an API path
    /// ("/v1..."), the status is not 400-599, the count is not 1..1000, or too many are armed.
    std::optional<StripeError> add(const QString &pathPrefix, const QString &status, const QString &count);
    void clear() { m_faults.clear(); }

    /// The error for a request to `path` when a fault matches (the first armed, oldest first),
    /// spending one of its count; nullopt otherwise.
    std::optional<StripeError> take(const QString &path);

    QJsonArray toJson() const;

    /// Delays every API answer by `ms` (0 = none); clamped to 0..kMaxLatencyMs.
    void setApiLatency(int ms) { m_apiLatencyMs = qBound(0, ms, kMaxLatencyMs); }
    /// How long the answer to a request for `path` waits before it is written.
    int latencyFor(QStringView path) const { return path.startsWith(u"/v1/") ? m_apiLatencyMs : 0; }

    /// A Stripe-shaped error for `status`: api_error for 5xx, rate_limit_error for 429,
    /// card_error for 402, invalid_request_error otherwise.
    static StripeError errorFor(int status);

private:
    struct Fault final {
        QString prefix;
        int status = 500;
        int remaining = 0;
    };
    QList<Fault> m_faults;
    int m_apiLatencyMs = 0;
};

} // namespace rdk::sandbox

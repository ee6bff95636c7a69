#pragma once

#include "sync/sandbox/stripeerror.h"

#include <QJsonArray>
#include <QList>
#include <QString>

#include <optional>

namespace rdk::sandbox {

/// Test control for failure paths: "the next N API requests under this path prefix answer
/// with this HTTP status". The request is refused before it reaches the store or the
/// idempotency cache, so a faulted call changes nothing and a retry with the same
/// Idempotency-Key really runs (as at Stripe, where a 5xx is not saved for replay).
class FaultInjector final {
public:
    static constexpr int kMaxFaults = 100;
    static constexpr int kMaxCount = 1000;
    static constexpr qsizetype kMaxPrefixLength = 200;

    /// Adds a fault. Invalid (with the parameter named) when the prefix is not an API path
    /// ("/v1..."), the status is not 400-599, the count is not 1..1000, or too many are armed.
    std::optional<StripeError> add(const QString &pathPrefix, const QString &status, const QString &count);
    void clear() { m_faults.clear(); }

    /// The error for a request to `path` when a fault matches (the first armed, oldest first),
    /// spending one of its count; nullopt otherwise.
    std::optional<StripeError> take(const QString &path);

    QJsonArray toJson() const;

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
};

} // namespace rdk::sandbox

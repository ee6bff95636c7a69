#pragma once

#include <chrono>

namespace rdk {

/// The one retry-delay policy of the project: the first wait is `initial`, each next one is
/// `factor` times longer, never longer than `max`, optionally scaled by a random factor in
/// [1 - jitter, 1 + jitter] (applied after the cap) so that many clients that failed together
/// don't retry together. A value type: copy it, or keep one per retry loop and call next()
/// for each wait and reset() after a success.
///
/// Who uses it, with which numbers (each kept from before there was one policy):
/// - ConnectionSupervisor (desk reconnect): 0.5 s doubling to 30 s.
/// - data::PgListener (LISTEN of the desk feeds and rdk-sync): 0.25 s doubling to 5 s.
/// - StripeClient (one HTTP call): 0.5 s doubling, jitter 0.2, at most 3 attempts.
/// - StripeRequestWorker (a whole Stripe request): 2 s doubling to 64 s.
/// - OrderWatcher (the counter re-reading its sale after a failed call): 1 s doubling to 30 s.
/// - the Stripe sandbox's webhook deliveries (tests and demo only): base doubling to 60 s.
class Backoff final {
public:
    using Delay = std::chrono::milliseconds;

    constexpr Backoff(Delay initial, Delay max, double factor = 2.0, double jitter = 0.0)
        : m_initial(initial), m_max(max), m_factor(factor), m_jitter(jitter)
    {
    }

    /// The wait before retry `attempt` (1-based): initial * factor^(attempt-1), capped at max,
    /// then jittered. Attempts below 1 count as 1.
    Delay delay(int attempt) const;
    /// The wait before the next retry; counts it.
    Delay next() { return delay(++m_attempts); }
    /// After a success: the next wait is `initial` again.
    void reset() { m_attempts = 0; }
    /// Retries counted by next() since the last reset().
    int attempts() const { return m_attempts; }

    Delay initial() const { return m_initial; }
    Delay max() const { return m_max; }
    double factor() const { return m_factor; }
    double jitter() const { return m_jitter; }

private:
    Delay m_initial;
    Delay m_max;
    double m_factor;
    double m_jitter;
    int m_attempts = 0;
};

} // namespace rdk

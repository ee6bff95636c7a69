#pragma once

#include "data/pgsession.h"
#include "domain/result.h"

namespace rdk::data {

/// Work waiting in the shop's queues, as the service login sees it (row-level security keeps
/// it to its own shop): what rdk-sync exports as gauges for the alert rules in docs/alerts.yml.
struct BacklogSample final {
    qint64 stripeWaiting = 0;          ///< stripe_requests queued or being worked on
    double stripeOldestSeconds = 0;    ///< age of the oldest of them (0 when none)
    qint64 mailWaiting = 0;            ///< mail_outbox rows queued or being sent
    double mailOldestSeconds = 0;
    qint64 reservationsStuck = 0;      ///< stock still held more than 5 minutes past its expiry
};

Result<BacklogSample> readBacklog(PgSession &session);

} // namespace rdk::data

#pragma once

#include "data/pgsession.h"
#include "domain/result.h"

#include <memory>

namespace rdk::data {
class DeskConnection;
}

namespace rdk {

/// A worker connection for the calling thread, whatever thread that is. DeskConnection opens
/// worker sessions on the UI thread only (its verified main session vouches for them), while
/// screens ask from their worker threads; so the request is posted to the UI thread and the
/// caller waits for the answer, never longer than `timeoutMs`: a UI thread that is itself
/// waiting for this worker gets a clear error instead of a deadlock.
Result<std::unique_ptr<data::PgSession>> openWorkerSession(data::DeskConnection &connection, int timeoutMs = 15'000);

} // namespace rdk

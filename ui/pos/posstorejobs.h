#pragma once

#include "domain/pos.h"
#include "ui/common/uitaskrunner.h"

#include <functional>
#include <memory>

namespace rdk {

/// Gives each worker thread a PosStore on a session of its own (the store's calls block).
using PosStoreFactory = std::function<Result<std::unique_ptr<PosStore>>()>;

/// Runs `job` on one of `jobs`' worker threads with a store of its own from `stores` (its own
/// connection, so calls never share a session), then `done(result)` on the UI thread while
/// `receiver` exists. The counter's one way to call its store.
template <typename T>
void runStoreJob(UiTaskRunner &jobs, QObject *receiver, const PosStoreFactory &stores,
                 std::function<Result<T>(PosStore &)> job, std::function<void(const Result<T> &)> done)
{
    jobs.run(receiver, [stores, job = std::move(job)]() -> Result<T> {
        auto store = stores();
        if (!store)
            return store.error();
        return job(**store);
    }, std::move(done));
}

} // namespace rdk

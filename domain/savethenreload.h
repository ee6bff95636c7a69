#pragma once

#include "domain/result.h"

namespace rdk {

/// Saves `wanted` through a store made by `stores` (a settings store factory: load() and
/// save()), then reads back what the database now holds — what a settings dialog shows after
/// saving, since the database may normalise what it was given. One store for both calls.
template <typename Value, typename StoreFactory>
Result<Value> saveThenReload(const StoreFactory &stores, const Value &wanted)
{
    auto store = stores();
    if (!store)
        return store.error();
    if (Status saved = (*store)->save(wanted); !saved)
        return saved.error();
    return (*store)->load();
}

} // namespace rdk

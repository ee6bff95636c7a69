#pragma once
// A shop's tax settings in memory, for the dialog's tests and pictures: it refuses to save for
// anyone but an administrator, as the database does, and can be made to refuse or fail.

#include "domain/tax.h"

#include <QMutex>
#include <QMutexLocker>

#include <atomic>
#include <memory>

namespace rdk::test {

class TaxShelf final {
public:
    TaxSettings settings;
    std::atomic<int> saveCalls{0};
    std::atomic<int> loadCalls{0};
    /// When set, save() answers with it and stores nothing (a database refusal).
    std::optional<Error> refuseSave;
    QMutex mutex;
};

class MemoryTaxStore final : public TaxSettingsStore {
public:
    explicit MemoryTaxStore(std::shared_ptr<TaxShelf> shelf) : m_shelf(std::move(shelf)) {}

    Result<TaxSettings> load() override
    {
        ++m_shelf->loadCalls;
        QMutexLocker lock(&m_shelf->mutex);
        return m_shelf->settings;
    }
    Status save(const TaxSettings &settings) override
    {
        ++m_shelf->saveCalls;
        QMutexLocker lock(&m_shelf->mutex);
        if (m_shelf->refuseSave)
            return *m_shelf->refuseSave;
        auto checked = checkTaxRates(settings.rates);
        if (!checked)
            return checked.error();
        m_shelf->settings = TaxSettings{settings.pricesIncludeTax, *checked};
        return {};
    }

    static TaxSettingsStoreFactory factory(std::shared_ptr<TaxShelf> shelf)
    {
        return [shelf]() -> Result<std::unique_ptr<TaxSettingsStore>> {
            return std::unique_ptr<TaxSettingsStore>(new MemoryTaxStore(shelf));
        };
    }

private:
    std::shared_ptr<TaxShelf> m_shelf;
};

} // namespace rdk::test

#pragma once

#include "data/pgsession.h"
#include "domain/tax.h"

#include <memory>

namespace rdk::data {

/// A shop's tax settings on PostgreSQL: read under row-level security (every staff member of
/// the shop), saved through rdk.set_tax_settings (admin with a verified second factor; the
/// function checks the rates again and writes the audit row).
class PgTaxSettings final : public TaxSettingsStore {
public:
    explicit PgTaxSettings(PgSession &session) : m_session(&session) {}
    /// Owns its session: a worker thread's store (see app/desk workerFactory).
    explicit PgTaxSettings(std::unique_ptr<PgSession> session)
        : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<TaxSettings> load() override;
    Status save(const TaxSettings &settings) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

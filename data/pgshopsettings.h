#pragma once

#include "data/pgsession.h"
#include "domain/shopsettings.h"

#include <memory>

namespace rdk::data {

/// A shop's online settings on PostgreSQL: read under row-level security (the shop's staff
/// and its rdk-sync), saved through rdk.set_shop_settings (admin with a verified second
/// factor; the function checks everything again and writes the audit row).
class PgShopSettings final : public ShopSettingsStore {
public:
    explicit PgShopSettings(PgSession &session) : m_session(&session) {}
    /// Owns its session: a worker thread's store (see app/desk workerFactory).
    explicit PgShopSettings(std::unique_ptr<PgSession> session)
        : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<ShopSettings> load() override;
    Status save(const ShopSettings &settings) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

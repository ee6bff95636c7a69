#pragma once

// The desk's Releases window on PostgreSQL: dropdb's PgReleaseAdmin for the releases themselves
// (overview, save, cancel, draw, results) and one read of the product a SKU names with the sizes
// it stocks, for the New/Edit dialog's size boxes.

#include "data/pgreleaseadmin.h"
#include "data/pgsession.h"
#include "domain/releasebook.h"

#include <memory>

namespace rdk::data {

class PgReleaseBook final : public ReleaseBook {
public:
    /// Owns its session (one per desk worker thread, app/desk/screens.cpp's workerFactory).
    explicit PgReleaseBook(std::unique_ptr<PgSession> session);

    Result<QList<ReleaseSummary>> overview() override { return m_admin.overview(); }
    Result<QString> save(const QString &releaseId, const ReleaseSettings &settings) override
    {
        return m_admin.save(releaseId, settings);
    }
    Status cancel(const QString &releaseId, const QString &reason) override { return m_admin.cancel(releaseId, reason); }
    Result<int> draw(const QString &releaseId, const QString &seed) override { return m_admin.draw(releaseId, seed); }
    Result<QPair<QString, QList<RaffleResult>>> results(const QString &releaseId) override
    {
        return m_admin.results(releaseId);
    }
    Result<ReleaseProduct> product(const QString &sku) override;

private:
    std::unique_ptr<PgSession> m_session;
    PgReleaseAdmin m_admin;
};

} // namespace rdk::data

#pragma once

#include "data/pgsession.h"
#include "domain/catalogcsv.h"

#include <memory>

namespace rdk::data {

/// Catalog CSV import/export on PostgreSQL. `tenantId` names the shop for owner connections
/// (rdk-admin); staff sessions pass none and work on the shop of their login.
class PgCatalogCsvStore final : public CatalogCsvStore {
public:
    PgCatalogCsvStore(PgSession &session, QString tenantId = {});
    /// Owns its session (one opened for a worker thread).
    PgCatalogCsvStore(std::unique_ptr<PgSession> owned, QString tenantId = {});
    /// A store with its own connection, for a worker thread.
    static Result<std::unique_ptr<CatalogCsvStore>> open(const std::string &connectionString, QString tenantId = {});

    Result<QString> shopCurrency() override;
    Result<CatalogImportSummary> apply(const CatalogCsvImport &import, bool dryRun,
                                       const std::function<void(int, int)> &progress = {}) override;
    Result<QList<Product>> exportProducts() override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession &m_session;
    QString m_tenantId;
};

} // namespace rdk::data

#pragma once

#include "data/pgsession.h"
#include "domain/catalog.h"

#include <memory>
#include <string>

namespace rdk::data {

/// The catalog list's queries on PostgreSQL: one page of light rows (stock totals and the
/// primary thumbnail computed only for the rows on the page), thumbnails, brands.
class PgCatalogReader final : public CatalogReader {
public:
    /// Borrows a session owned elsewhere.
    explicit PgCatalogReader(PgSession &session) : m_session(&session) {}
    /// Owns its session: what a per-thread factory hands out.
    explicit PgCatalogReader(std::unique_ptr<PgSession> session)
        : m_owned(std::move(session)), m_session(m_owned.get())
    {
    }

    /// Opens a new connection for a reader of its own (for a worker thread).
    static Result<std::unique_ptr<PgCatalogReader>> open(const std::string &connectionString);

    Result<ProductListPage> listRows(const ProductQuery &query) override;
    Result<QByteArray> thumbnail(const QString &variantId) override;
    Result<QStringList> brands() override;
    Result<std::optional<Product>> productById(const QString &id) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

/// "ORDER BY ..." for a product query over `products p`, chosen from fixed text by the sort
/// key (never built from input). Ties are broken by id so offset pages never overlap.
std::string productOrderBy(const ProductQuery &query);

} // namespace rdk::data

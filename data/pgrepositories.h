#pragma once

#include "data/pgsessionpqxx.h"
#include "domain/repositories.h"

namespace rdk::data {

class PgTenantRepository final : public TenantRepository {
public:
    explicit PgTenantRepository(PgSession &session) : m_session(session) {}
    Result<Tenant> create(const Tenant &tenant) override;
    Result<std::optional<Tenant>> findBySlug(const QString &slug) override;

private:
    PgSession &m_session;
};

class PgProductRepository final : public ProductRepository {
public:
    /// Borrows a session owned elsewhere.
    explicit PgProductRepository(PgSession &session) : m_session(session) {}
    /// Owns its session: what a per-thread factory hands out.
    explicit PgProductRepository(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(*m_owned) {}
    Result<Product> create(const Product &product, const QString &reason) override;
    Result<Product> update(const Product &product, const QString &reason) override;
    Result<std::optional<Product>> findBySku(const QString &sku) override;
    Result<ProductPage> list(const ProductQuery &query) override;
    Result<std::optional<Product>> findById(const QString &id);
    /// The products with these ids, in the order asked; ids not found (or not uuids) are left out.
    Result<QList<Product>> findByIds(const QStringList &ids);

    /// The insert used by create(), for callers that batch many products in one transaction.
    static Result<Product> insert(pqxx::work &tx, const Product &product);

private:
    std::unique_ptr<PgSession> m_owned;  // before m_session, which may refer to it
    PgSession &m_session;
};

class PgOrderRepository final : public OrderRepository {
public:
    explicit PgOrderRepository(PgSession &session) : m_session(session) {}
    Result<Order> create(const Order &order) override;
    Result<std::optional<Order>> findById(const QString &id) override;
    Result<Order> changeStatus(const QString &id, OrderStatus to, const QString &reason) override;

    static Result<Order> insert(pqxx::work &tx, const Order &order);

private:
    PgSession &m_session;
};

class PgStaffDirectory final : public StaffDirectory {
public:
    explicit PgStaffDirectory(PgSession &session) : m_session(session) {}
    Result<StaffMember> create(const QString &login, const QString &password, const QString &tenantId,
                               StaffRole role, const QString &displayName) override;
    Status disable(const QString &login) override;
    Result<QList<StaffMember>> list() override;
    /// Owner only: enrols the login in TOTP and returns the base32 secret, shown once.
    Result<QString> enrolTotpAsOwner(const QString &login);
    /// Owner only: a LOGIN role for rdk-sync (member of rdk_sync).
    /// A login for rdk-sync that works for the shop `tenantId` only (empty: the only shop).
    Status createServiceLogin(const QString &login, const QString &password, const QString &tenantId = {});
    /// Binds an existing service login to the shop `tenantId` (logins made before 0012).
    Status bindServiceLogin(const QString &login, const QString &tenantId);

private:
    PgSession &m_session;
};

} // namespace rdk::data

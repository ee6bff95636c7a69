#pragma once

// Interfaces the domain needs from storage. data/ implements them on PostgreSQL; tests and
// future back ends can supply their own. "Not found" is a value (std::nullopt), not an error.

#include "domain/condition.h"
#include "domain/order.h"
#include "domain/product.h"
#include "domain/result.h"
#include "domain/staff.h"

#include <QList>
#include <QString>

#include <optional>

namespace rdk {

struct Tenant final {
    QString id;
    QString slug;
    QString name;
    QString currency = QStringLiteral("USD");
    QString timezone = QStringLiteral("UTC");
};

class TenantRepository {
public:
    virtual ~TenantRepository() = default;
    virtual Result<Tenant> create(const Tenant &tenant) = 0;
    virtual Result<std::optional<Tenant>> findBySlug(const QString &slug) = 0;
};

enum class StockFilter { Any, InStock, Low, SoldOut };

/// Columns a product list can be sorted by (ties are broken by product id, so pages are stable).
enum class ProductSortKey { Name, Sku, Brand, Condition, Price, TotalStock, Published, UpdatedAt };

struct ProductQuery final {
    QString search;                       ///< matched against SKU, name, brand and colorway
    QString brand;
    std::optional<Condition> condition;
    StockFilter stock = StockFilter::Any;
    std::optional<bool> published;
    bool includeArchived = false;
    ProductSortKey sortBy = ProductSortKey::Name;
    bool descending = false;
    int offset = 0;
    int limit = 100;
};

struct ProductPage final {
    QList<Product> items;
    bool hasMore = false;
};

class ProductRepository {
public:
    virtual ~ProductRepository() = default;
    /// Creates the product with its stock rows; `reason` goes to the audit log.
    virtual Result<Product> create(const Product &product, const QString &reason) = 0;
    /// Saves changes if nobody else saved since `product.version`; otherwise Conflict.
    virtual Result<Product> update(const Product &product, const QString &reason) = 0;
    virtual Result<std::optional<Product>> findBySku(const QString &sku) = 0;
    virtual Result<ProductPage> list(const ProductQuery &query) = 0;
};

class OrderRepository {
public:
    virtual ~OrderRepository() = default;
    /// Stores an order with its lines as given (status, totals, timestamps).
    virtual Result<Order> create(const Order &order) = 0;
    virtual Result<std::optional<Order>> findById(const QString &id) = 0;
    /// Moves the order through the state machine; illegal moves are refused.
    virtual Result<Order> changeStatus(const QString &id, OrderStatus to, const QString &reason) = 0;
};

class StaffDirectory {
public:
    virtual ~StaffDirectory() = default;
    /// Creates the staff member's own database login and profile. The password is sent to the
    /// server only as a SCRAM verifier.
    virtual Result<StaffMember> create(const QString &login, const QString &password, const QString &tenantId,
                                       StaffRole role, const QString &displayName) = 0;
    virtual Status disable(const QString &login) = 0;
    virtual Result<QList<StaffMember>> list() = 0;
};

} // namespace rdk

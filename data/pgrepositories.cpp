#include "data/pgrepositories.h"

#include "data/pgcatalogreader.h"
#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"
#include "data/pgproductrow.h"

#include "domain/scram.h"
#include "domain/sizes.h"

#include <QDateTime>
#include <QTimeZone>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

std::optional<qint64> millisOrNull(const QDateTime &t)
{
    return t.isValid() ? std::optional<qint64>(t.toMSecsSinceEpoch()) : std::nullopt;
}

QString likePattern(const QString &search)
{
    QString escaped = search.toLower();
    escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
    return u"%"_s + escaped + u"%"_s;
}

void loadStock(pqxx::transaction_base &tx, QList<Product> &products)
{
    if (products.isEmpty())
        return;
    QStringList ids;
    for (const auto &p : std::as_const(products))
        ids.append(p.id);
    const auto rows = tx.exec_params(
        "SELECT product_id::text, coalesce(size, ''), quantity, reserved, coalesce(gtin, '') FROM inventory "
        "WHERE product_id = ANY($1::uuid[])",
        textArray(ids));
    QHash<QString, QList<SizeStock>> byProduct;
    for (const auto &r : rows)
        byProduct[text(r[0])].append(SizeStock{text(r[1]), r[2].as<int>(), r[3].as<int>(), text(r[4])});
    for (auto &p : products) {
        QList<SizeStock> stock = byProduct.value(p.id);
        std::sort(stock.begin(), stock.end(), [](const SizeStock &a, const SizeStock &b) { return compareSizes(a.size, b.size) < 0; });
        p.stock = stock;
    }
}

Status validated(const Product &product)
{
    const QList<FieldError> problems = validateProduct(product);
    if (problems.isEmpty())
        return {};
    QStringList lines;
    for (const auto &p : problems)
        lines.append(p.message);
    return Error::invalid(lines.join(u'\n'), problems.first().field);
}

void writeStock(pqxx::work &tx, const QString &productId, const QString &tenantId, const QList<SizeStock> &stock)
{
    for (const SizeStock &s : stock) {
        tx.exec_params(
            "INSERT INTO inventory (tenant_id, product_id, size, quantity, gtin) VALUES ($1::uuid, $2::uuid, $3, $4, $5) "
            "ON CONFLICT ON CONSTRAINT inventory_product_size_unique "
            "DO UPDATE SET quantity = EXCLUDED.quantity, gtin = EXCLUDED.gtin "
            "WHERE inventory.quantity IS DISTINCT FROM EXCLUDED.quantity OR inventory.gtin IS DISTINCT FROM EXCLUDED.gtin",
            str(tenantId), str(productId), orNull(s.size), s.quantity, orNull(s.gtin));
    }
}

Tenant tenantFromRow(const pqxx::row &r)
{
    return Tenant{text(r[0]), text(r[1]), text(r[2]), text(r[3]).trimmed(), text(r[4])};
}

} // namespace

// ---- tenants ---------------------------------------------------------------------------

Result<Tenant> PgTenantRepository::create(const Tenant &tenant)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<Tenant> {
        const auto r = tx.exec_params1(
            "INSERT INTO tenants (slug, name, currency, timezone) VALUES ($1, $2, $3, $4) "
            "RETURNING id::text, slug, name, currency, timezone",
            str(tenant.slug), str(tenant.name), str(tenant.currency), str(tenant.timezone));
        return tenantFromRow(r);
    });
}

Result<std::optional<Tenant>> PgTenantRepository::findBySlug(const QString &slug)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<Tenant>> {
        const auto rows = tx.exec_params("SELECT id::text, slug, name, currency, timezone FROM tenants WHERE slug = $1", str(slug));
        if (rows.empty())
            return std::optional<Tenant>();
        return std::optional<Tenant>(tenantFromRow(rows[0]));
    });
}

// ---- products --------------------------------------------------------------------------

Result<Product> PgProductRepository::insert(pqxx::work &tx, const Product &product)
{
    if (auto ok = validated(product); !ok)
        return ok.error();
    const auto r = tx.exec_params1(
        "INSERT INTO products (tenant_id, sku, name, brand, colorway, description, condition, used_grade, price_minor, "
        "currency, inventory_strategy, size_system, size_run, published, archived) "
        "VALUES (coalesce($1::uuid, rdk.current_tenant()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text[], $14, $15) "
        "RETURNING id::text, tenant_id::text",
        orNull(product.tenantId), str(product.sku), str(product.name.trimmed()), str(product.brand.trimmed()),
        str(product.colorway.trimmed()), str(product.description), str(toString(product.condition)),
        orNull(toString(product.usedGrade)), product.price.minor(), str(product.price.currency()),
        str(toString(product.inventoryStrategy)),
        product.sizeSystem ? std::optional<std::string>(str(toString(*product.sizeSystem))) : std::nullopt,
        textArray(product.sizeRun), product.published, product.archived);
    const QString id = text(r[0]);
    writeStock(tx, id, text(r[1]), product.stock);
    QList<Product> created{productFromRow(tx.exec_params1(
        std::string("SELECT ") + kProductColumns + " FROM products p WHERE p.id = $1::uuid", str(id)))};
    loadStock(tx, created);
    return created.first();
}

Result<Product> PgProductRepository::create(const Product &product, const QString &reason)
{
    return m_session.transact([&](pqxx::work &tx) { return insert(tx, product); }, reason);
}

Result<Product> PgProductRepository::update(const Product &product, const QString &reason)
{
    if (auto ok = validated(product); !ok)
        return ok.error();
    return m_session.transact(
        [&](pqxx::work &tx) -> Result<Product> {
            const auto changed = tx.exec_params(
                "UPDATE products SET sku = $3, name = $4, brand = $5, colorway = $6, description = $7, condition = $8, "
                "used_grade = $9, price_minor = $10, currency = $11, inventory_strategy = $12, size_system = $13, "
                "size_run = $14::text[], published = $15, archived = $16, version = version + 1 "
                "WHERE id = $1::uuid AND version = $2 RETURNING tenant_id::text",
                str(product.id), product.version, str(product.sku), str(product.name.trimmed()),
                str(product.brand.trimmed()), str(product.colorway.trimmed()), str(product.description),
                str(toString(product.condition)), orNull(toString(product.usedGrade)), product.price.minor(),
                str(product.price.currency()), str(toString(product.inventoryStrategy)),
                product.sizeSystem ? std::optional<std::string>(str(toString(*product.sizeSystem))) : std::nullopt,
                textArray(product.sizeRun), product.published, product.archived);
            if (changed.empty()) {
                const auto exists = tx.exec_params("SELECT version FROM products WHERE id = $1::uuid", str(product.id));
                if (exists.empty())
                    return Error::notFound(u"The product no longer exists."_s);
                return Error::conflict(u"Someone else saved this product while you were editing it. "
                                       "Your changes are kept; review the latest version and save again."_s);
            }
            writeStock(tx, product.id, text(changed[0][0]), product.stock);
            QList<Product> updated{productFromRow(tx.exec_params1(
                std::string("SELECT ") + kProductColumns + " FROM products p WHERE p.id = $1::uuid", str(product.id)))};
            loadStock(tx, updated);
            return updated.first();
        },
        reason);
}

Result<std::optional<Product>> PgProductRepository::findBySku(const QString &sku)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<Product>> {
        const auto rows = tx.exec_params(std::string("SELECT ") + kProductColumns + " FROM products p WHERE p.sku = $1",
                                         str(sku.trimmed().toUpper()));
        if (rows.empty())
            return std::optional<Product>();
        QList<Product> found{productFromRow(rows[0])};
        loadStock(tx, found);
        return std::optional<Product>(found.first());
    });
}

Result<std::optional<Product>> PgProductRepository::findById(const QString &id)
{
    if (QUuid::fromString(id).isNull())
        return std::optional<Product>();
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<Product>> {
        const auto rows = tx.exec_params(std::string("SELECT ") + kProductColumns + " FROM products p WHERE p.id = $1::uuid",
                                         str(id));
        if (rows.empty())
            return std::optional<Product>();
        QList<Product> found{productFromRow(rows[0])};
        loadStock(tx, found);
        return std::optional<Product>(found.first());
    });
}

Result<QList<Product>> PgProductRepository::findByIds(const QStringList &ids)
{
    QStringList valid;
    for (const QString &id : ids) {
        if (!QUuid::fromString(id).isNull())
            valid.append(id);
    }
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<Product>> {
        QHash<QString, Product> byId;
        QList<Product> found;
        for (const auto &r : tx.exec_params(std::string("SELECT ") + kProductColumns + " FROM products p WHERE p.id = ANY($1::uuid[])",
                                            textArray(valid)))
            found.append(productFromRow(r));
        loadStock(tx, found);
        for (const Product &p : std::as_const(found))
            byId.insert(p.id, p);
        QList<Product> ordered;
        for (const QString &id : std::as_const(valid)) {
            if (byId.contains(id))
                ordered.append(byId.value(id));
        }
        return ordered;
    });
}

Result<ProductPage> PgProductRepository::list(const ProductQuery &query)
{
    const int limit = std::clamp(query.limit, 1, 1000);
    return m_session.transact([&](pqxx::work &tx) -> Result<ProductPage> {
        const auto rows = tx.exec_params(
            std::string("SELECT ") + kProductColumns + " FROM products p "
            "LEFT JOIN LATERAL (SELECT coalesce(sum(quantity - reserved), 0) AS available FROM inventory i "
            "                   WHERE i.product_id = p.id) s ON true "
            "WHERE ($1 = '' OR p.search_text LIKE $1) AND ($2 = '' OR p.brand = $2) "
            "  AND ($3 = '' OR p.condition = $3) AND ($4::boolean IS NULL OR p.published = $4) "
            "  AND ($5 OR NOT p.archived) "
            "  AND CASE $6 WHEN 'in' THEN s.available > 0 WHEN 'low' THEN s.available BETWEEN 1 AND 2 "
            "              WHEN 'out' THEN s.available = 0 ELSE true END "
            + productOrderBy(query) + " LIMIT $7 OFFSET $8",
            query.search.trimmed().isEmpty() ? std::string() : str(likePattern(query.search.trimmed())),
            str(query.brand), query.condition ? str(toString(*query.condition)) : std::string(),
            query.published, query.includeArchived,
            std::string(query.stock == StockFilter::InStock ? "in" : query.stock == StockFilter::Low ? "low"
                        : query.stock == StockFilter::SoldOut ? "out" : "any"),
            limit + 1, std::max(0, query.offset));
        ProductPage page;
        for (const auto &r : rows) {
            if (page.items.size() == limit) {
                page.hasMore = true;
                break;
            }
            page.items.append(productFromRow(r));
        }
        loadStock(tx, page.items);
        return page;
    });
}

// ---- orders ----------------------------------------------------------------------------

Result<Order> PgOrderRepository::insert(pqxx::work &tx, const Order &order)
{
    const OrderTotals &t = order.totals;
    const auto r = tx.exec_params1(
        "INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, shipping_minor, fee_minor, "
        "discount_minor, tax_minor, total_minor, refunded_minor, customer_email, stripe_checkout_session_id, "
        "stripe_payment_link_id, stripe_payment_intent_id, created_at, paid_at) "
        "VALUES (coalesce($1::uuid, rdk.current_tenant()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
        "        coalesce(to_timestamp($16::bigint / 1000.0), now()), to_timestamp($17::bigint / 1000.0)) "
        "RETURNING id::text, tenant_id::text, order_number, (extract(epoch from created_at) * 1000)::bigint",
        orNull(order.tenantId), str(toString(order.channel)), str(toString(order.status)),
        str(t.total.currency()), t.subtotal.minor(), t.shipping.minor(), t.fee.minor(), t.discount.minor(),
        t.tax.minor(), t.total.minor(), order.refunded.minor(), orNull(order.customerEmail),
        orNull(order.stripeCheckoutSessionId), orNull(order.stripePaymentLinkId),
        orNull(order.stripePaymentIntentId), millisOrNull(order.createdAt), millisOrNull(order.paidAt));
    Order stored = order;
    stored.id = text(r[0]);
    stored.tenantId = text(r[1]);
    stored.orderNumber = r[2].as<qint64>();
    stored.createdAt = fromMillis(r[3]);
    for (const OrderLine &line : order.lines) {
        auto lineTotal = line.lineTotal();
        if (!lineTotal)
            return lineTotal.error();
        tx.exec_params(
            "INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, "
            "discount_minor, line_total_minor, created_at) "
            "VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9, $10, coalesce(to_timestamp($11::bigint / 1000.0), now()))",
            str(stored.tenantId), str(stored.id), str(line.productId), str(line.sku), str(line.name),
            orNull(line.size), line.quantity, line.unitPrice.minor(), line.discount.minor(),
            lineTotal->minor(), millisOrNull(order.createdAt));
    }
    return stored;
}

Result<Order> PgOrderRepository::create(const Order &order)
{
    return m_session.transact([&](pqxx::work &tx) { return insert(tx, order); });
}

Result<std::optional<Order>> PgOrderRepository::findById(const QString &id)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<Order>> {
        // The plain staff role may not read the customer's e-mail (0010): it stays empty then.
        const bool emailVisible =
            tx.exec1("SELECT has_column_privilege('public.orders', 'customer_email', 'SELECT')")[0].as<bool>();
        const auto rows = tx.exec_params(
            std::string("SELECT id::text, tenant_id::text, order_number, channel, status, currency, subtotal_minor, shipping_minor, "
                        "fee_minor, discount_minor, tax_minor, total_minor, refunded_minor, ") +
            (emailVisible ? "coalesce(customer_email, ''), " : "'', ") +
            "coalesce(stripe_checkout_session_id, ''), coalesce(stripe_payment_link_id, ''), "
            "coalesce(stripe_payment_intent_id, ''), needs_review, coalesce(review_reason, ''), "
            "(extract(epoch from created_at) * 1000)::bigint, (extract(epoch from paid_at) * 1000)::bigint "
            "FROM orders WHERE id = $1::uuid",
            str(id));
        if (rows.empty())
            return std::optional<Order>();
        const auto &r = rows[0];
        const QString currency = text(r[5]).trimmed();
        auto money = [&](int column) { return Money::of(r[column].as<qint64>(), currency).value(); };
        Order o;
        o.id = text(r[0]);
        o.tenantId = text(r[1]);
        o.orderNumber = r[2].as<qint64>();
        o.channel = orderChannelFromString(text(r[3])).value_or(OrderChannel::Online);
        o.status = orderStatusFromString(text(r[4])).value_or(OrderStatus::Pending);
        o.totals = OrderTotals{money(6), money(7), money(8), money(9), money(10), money(11)};
        o.refunded = money(12);
        o.customerEmail = text(r[13]);
        o.stripeCheckoutSessionId = text(r[14]);
        o.stripePaymentLinkId = text(r[15]);
        o.stripePaymentIntentId = text(r[16]);
        o.needsReview = r[17].as<bool>();
        o.reviewReason = text(r[18]);
        o.createdAt = fromMillis(r[19]);
        o.paidAt = fromMillis(r[20]);
        const auto items = tx.exec_params(
            "SELECT product_id::text, sku, name, coalesce(size, ''), quantity, unit_price_minor, discount_minor "
            "FROM order_items WHERE order_id = $1::uuid ORDER BY id",
            str(id));
        for (const auto &i : items) {
            o.lines.append(OrderLine{text(i[0]), text(i[1]), text(i[2]), text(i[3]), i[4].as<int>(),
                                     Money::of(i[5].as<qint64>(), currency).value(),
                                     Money::of(i[6].as<qint64>(), currency).value()});
        }
        return std::optional<Order>(o);
    });
}

Result<Order> PgOrderRepository::changeStatus(const QString &id, OrderStatus to, const QString &reason)
{
    auto moved = m_session.transact(
        [&](pqxx::work &tx) -> Status {
            const auto rows = tx.exec_params("SELECT status FROM orders WHERE id = $1::uuid FOR UPDATE", str(id));
            if (rows.empty())
                return Error::notFound(u"The order no longer exists."_s);
            const auto from = orderStatusFromString(text(rows[0][0]));
            if (!from)
                return Error::internal(u"The order has an unknown status."_s);
            if (auto allowed = checkTransition(*from, to); !allowed)
                return allowed.error();
            tx.exec_params(
                "UPDATE orders SET status = $2, "
                "paid_at = CASE WHEN $2 = 'paid' THEN now() ELSE paid_at END, "
                "canceled_at = CASE WHEN $2 = 'canceled' THEN now() ELSE canceled_at END, "
                "fulfilled_at = CASE WHEN $2 IN ('fulfilled', 'shipped') THEN now() ELSE fulfilled_at END "
                "WHERE id = $1::uuid",
                str(id), str(toString(to)));
            return {};
        },
        reason);
    if (!moved)
        return moved.error();
    auto found = findById(id);
    if (!found)
        return found.error();
    if (!found->has_value())
        return Error::notFound(u"The order no longer exists."_s);
    return **found;
}

// ---- staff -----------------------------------------------------------------------------

Result<StaffMember> PgStaffDirectory::create(const QString &login, const QString &password, const QString &tenantId,
                                             StaffRole role, const QString &displayName)
{
    auto name = validateLoginName(login);
    if (!name)
        return name.error();
    if (auto ok = validatePassword(password, *name); !ok)
        return ok.error();
    const QString display = displayName.trimmed().isEmpty() ? *name : displayName.trimmed();
    return m_session.transact([&](pqxx::work &tx) -> Result<StaffMember> {
        const auto r = tx.exec_params1("SELECT rdk.create_staff($1, $2, $3::uuid, $4, $5)::text", str(*name),
                                       str(scramSha256Verifier(password)), str(tenantId), str(toString(role)),
                                       str(display));
        return StaffMember{text(r[0]), tenantId, *name, display, role, true, false};
    });
}

Status PgStaffDirectory::disable(const QString &login)
{
    return m_session.transact([&](pqxx::work &tx) -> Status {
        tx.exec_params("SELECT rdk.disable_staff($1)", str(login));
        return {};
    });
}

Result<QList<StaffMember>> PgStaffDirectory::list()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<StaffMember>> {
        QList<StaffMember> staff;
        const auto rows = tx.exec(
            "SELECT id::text, tenant_id::text, db_role, display_name, role, active, twofa_enabled FROM profiles ORDER BY display_name");
        for (const auto &r : rows)
            staff.append(StaffMember{text(r[0]), text(r[1]), text(r[2]), text(r[3]),
                                     staffRoleFromString(text(r[4])).value_or(StaffRole::Staff), r[5].as<bool>(), r[6].as<bool>()});
        return staff;
    });
}

Result<QString> PgStaffDirectory::enrolTotpAsOwner(const QString &login)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QString> {
        return text(tx.exec_params1("SELECT rdk.owner_enroll_totp($1)", str(login))[0]);
    });
}

Status PgStaffDirectory::createServiceLogin(const QString &login, const QString &password, const QString &tenantId)
{
    auto name = validateLoginName(login);
    if (!name)
        return name.error();
    if (auto ok = validatePassword(password, *name); !ok)
        return ok.error();
    return m_session.transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            if (tenantId.isEmpty())
                tx.exec_params("SELECT rdk.create_service_login($1, $2)", str(*name), str(scramSha256Verifier(password)));
            else
                tx.exec_params("SELECT rdk.create_service_login($1, $2, $3::uuid)", str(*name),
                               str(scramSha256Verifier(password)), str(tenantId));
            return {};
        });
    });
}

Status PgStaffDirectory::bindServiceLogin(const QString &login, const QString &tenantId)
{
    return m_session.transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            tx.exec_params("SELECT rdk.bind_service_login($1, $2::uuid)", str(login), str(tenantId));
            return {};
        });
    });
}

} // namespace rdk::data

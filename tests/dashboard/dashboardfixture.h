#pragma once
// A shop in America/New_York with a known mix of orders and visits around the 2026 DST change
// (Sunday 2026-03-08, 02:00 EST -> 03:00 EDT), written the way the apps write them: orders and
// page views by the service login, refunds and item corrections by the owner.

#include "data/pgsession.h"
#include "tests/support/testdatabase.h"

#include <QString>
#include <QTest>

#include <pqxx/pqxx>

namespace rdk::test {

class DashboardFixture final {
public:
    explicit DashboardFixture(TestDatabase &db) : m_db(db) {}

    QString createShop(const QString &slug, const QString &timezone = QStringLiteral("America/New_York"))
    {
        const QString id = m_db.createTenant(slug);
        m_db.execOwner("UPDATE tenants SET timezone = '" + timezone.toStdString() + "' WHERE id = '" + id.toStdString() + "'");
        return id;
    }

    /// A product (owner write) with per-size or flat stock; returns its id.
    QString addProduct(const QString &tenant, const QString &sku, const QString &brand, bool perSize, int stockEach = 5)
    {
        pqxx::connection c(m_db.ownerUrl());
        pqxx::work tx(c);
        const auto id = tx.exec_params1(
            "INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy, size_system, "
            "size_run, published) VALUES ($1::uuid, $2, $3, $4, 'new', 10000, 'USD', $5, $6, $7::text[], true) RETURNING id::text",
            tenant.toStdString(), sku.toStdString(), "Model " + sku.toStdString(), brand.toStdString(),
            perSize ? "per_size" : "flat", perSize ? std::optional<std::string>("mens") : std::nullopt,
            perSize ? "{9,10,11}" : "{}")[0].as<std::string>();
        if (perSize) {
            for (const char *size : {"9", "10", "11"})
                tx.exec_params("INSERT INTO inventory (tenant_id, product_id, size, quantity) VALUES ($1::uuid, $2::uuid, $3, $4)",
                               tenant.toStdString(), id, size, stockEach);
        } else {
            tx.exec_params("INSERT INTO inventory (tenant_id, product_id, size, quantity) VALUES ($1::uuid, $2::uuid, NULL, $3)",
                           tenant.toStdString(), id, stockEach);
        }
        tx.commit();
        return QString::fromStdString(id);
    }

    struct Line {
        QString productId;
        QString size;  // empty: flat
        int quantity;
        qint64 unitPrice;
    };

    // Orders are test data with chosen timestamps and amounts, so they are written as the
    // owner: no app login may write orders directly since migration 0012.

    /// A pending order with items, as checkout leaves it. Returns its id.
    QString placeOrder(const QString &tenant, const QString &channel, const QString &createdAt, const QList<Line> &lines)
    {
        pqxx::connection owner(m_db.ownerUrl());
        pqxx::work tx(owner);
        qint64 subtotal = 0;
        for (const Line &l : lines)
            subtotal += l.unitPrice * l.quantity;
        const qint64 shipping = channel == QStringLiteral("online") ? 995 : 0;
        const std::string id = tx.exec_params1(
            "INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, shipping_minor, total_minor, created_at) "
            "VALUES ($1::uuid, $2, 'pending', 'USD', $3, $4, $5, $6::timestamptz) RETURNING id::text",
            tenant.toStdString(), channel.toStdString(), subtotal, shipping, subtotal + shipping, createdAt.toStdString())[0].as<std::string>();
        for (const Line &l : lines) {
            tx.exec_params("INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, "
                           "line_total_minor) SELECT $1::uuid, $2::uuid, p.id, p.sku, p.name, $4, $5, $6, $7 FROM products p WHERE p.id = $3::uuid",
                           tenant.toStdString(), id, l.productId.toStdString(),
                           l.size.isEmpty() ? std::nullopt : std::optional<std::string>(l.size.toStdString()), l.quantity, l.unitPrice,
                           l.unitPrice * l.quantity);
        }
        tx.commit();
        return QString::fromStdString(id);
    }

    /// What the webhook does on payment (rdk.apply_payment_event), at a chosen time.
    void pay(const QString &tenant, const QString &orderId, const QString &paidAt)
    {
        pqxx::connection owner(m_db.ownerUrl());
        pqxx::work tx(owner);
        tx.exec_params("UPDATE orders SET status = 'paid', paid_at = $3::timestamptz WHERE id = $1::uuid AND tenant_id = $2::uuid",
                       orderId.toStdString(), tenant.toStdString(), paidAt.toStdString());
        tx.commit();
    }

    void setStatus(const QString &tenant, const QString &orderId, const QString &status, qint64 refunded = -1)
    {
        pqxx::connection owner(m_db.ownerUrl());
        pqxx::work tx(owner);
        if (refunded >= 0)
            tx.exec_params("UPDATE orders SET status = $2, refunded_minor = $3 WHERE id = $1::uuid AND tenant_id = $4::uuid",
                           orderId.toStdString(), status.toStdString(), refunded, tenant.toStdString());
        else
            tx.exec_params("UPDATE orders SET status = $2 WHERE id = $1::uuid AND tenant_id = $3::uuid", orderId.toStdString(),
                           status.toStdString(), tenant.toStdString());
        tx.commit();
    }

    /// Several page views in ONE statement (the statement-level trigger sees them together).
    void views(const QString &tenant, const QList<std::pair<QString, QString>> &atAndVisitor)
    {
        pqxx::connection owner(m_db.ownerUrl());
        pqxx::work tx(owner);
        QStringList at;
        QStringList who;
        for (const auto &[when, visitor] : atAndVisitor) {
            at.append(u'"' + when + u'"');
            who.append(visitor);
        }
        tx.exec_params("INSERT INTO page_views (tenant_id, viewed_at, visitor_hash, path) "
                       "SELECT $1::uuid, a, decode(lpad(w::text, 16, '0'), 'hex'), '/' FROM unnest($2::timestamptz[], $3::int[]) AS u(a, w)",
                       tenant.toStdString(), (u'{' + at.join(u',') + u'}').toStdString(),
                       (u'{' + who.join(u',') + u'}').toStdString());
        tx.commit();
    }

private:
    TestDatabase &m_db;
};

} // namespace rdk::test

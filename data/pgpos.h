#pragma once

#include "data/pgsession.h"
#include "domain/pos.h"

#include <memory>

namespace rdk::data {

/// The counter's storage on PostgreSQL. Runs as the signed-in staff member: row-level
/// security scopes everything to their shop, and the rdk.* functions of migration 0010 decide
/// what their role may do (discounts and cash: ops/admin). The payment link itself is made by
/// rdk-sync from the stripe_requests row that placeSale queues.
class PgPos final : public PosStore {
public:
    explicit PgPos(PgSession &session) : m_session(&session) {}
    /// Owns its session: a worker thread's store (see app/desk workerFactory).
    explicit PgPos(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<SellableProduct> findBySku(const QString &sku) override;
    Result<QList<SellableProduct>> search(const QString &text, int limit) override;
    Result<ScannedBox> findByBarcode(const QString &gtin) override;
    Result<PosOrderState> placeSale(const PosSaleRequest &sale) override;
    Result<PosOrderState> orderState(const QString &orderId) override;
    Status retryPaymentLink(const QString &orderId) override;
    Status cancelSale(const QString &orderId, const QString &reason) override;
    Result<PosOrderState> recordCashPayment(const QString &orderId, const Money &tendered) override;
    Result<TaxSettings> taxSettings() override;

    /// Longest reservation a sale may ask for (a day): beyond that stock is simply lost.
    static constexpr int MaxLinkMinutes = 24 * 60;
    /// Most lines in one sale.
    static constexpr int MaxLines = 100;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

#pragma once

#include "data/pgsession.h"
#include "domain/orderbook.h"

#include <memory>

namespace rdk::data {

/// The Orders screen's storage on PostgreSQL, as the signed-in staff member's own role.
/// Reads leave out orders.customer_email when the role may not SELECT it (plain staff), so
/// the same queries work for every role; actions call the point-of-sale functions
/// (rdk.mark_order_shipped, rdk.mark_order_fulfilled, rdk.cancel_order, rdk.request_refund),
/// which check the role and the state machine and write the audit trail.
class PgOrderBook final : public OrderBook {
public:
    explicit PgOrderBook(PgSession &session) : m_session(&session) {}
    /// Owns its session: what a worker thread's factory hands out (one connection per thread).
    explicit PgOrderBook(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<OrderPage> list(const OrderQuery &query) override;
    Result<OrderListTotals> totals(const OrderQuery &query) override;
    Result<OrderDetail> detail(const QString &orderId) override;
    Status markShipped(const QString &orderId, const QString &carrier, const QString &trackingNumber) override;
    Status markFulfilled(const QString &orderId) override;
    Result<ShipTo> shipTo(const QString &orderId) override;
    Status markReadyForPickup(const QString &orderId) override;
    Status cancel(const QString &orderId, const QString &reason) override;
    Result<qint64> requestRefund(const RefundRequest &request) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

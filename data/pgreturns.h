#pragma once

#include "data/pgsession.h"
#include "domain/returns.h"

#include <memory>

namespace rdk::data {

/// Returns at the counter on PostgreSQL, as the signed-in staff member: orders and lines are
/// read under row-level security (their shop only), and rdk.pos_return (module returns.sql)
/// decides, computes and refunds.
class PgReturns final : public ReturnStore {
public:
    explicit PgReturns(PgSession &session) : m_session(&session) {}
    /// Owns its session: a worker thread's store (see app/desk workerFactory).
    explicit PgReturns(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<ReturnableOrder> findOrder(qint64 orderNumber) override;
    Result<ReturnPolicy> policy() override;
    Result<ReturnReceipt> submitReturn(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                       const QString &reason) override;
    Result<ExchangeResult> submitExchange(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                          const QList<ExchangeItem> &items, const QString &reason, int linkMinutes) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

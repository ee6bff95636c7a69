#pragma once

#include "data/pgsession.h"
#include "domain/customer.h"

#include <memory>

namespace rdk::data {

/// Customers through the SECURITY DEFINER functions of module customers.sql, as the signed-in
/// staff member: the database picks the shop, masks e-mail and phone for plain staff and
/// refuses what the role may not do.
class PgCustomers final : public CustomerDirectory {
public:
    explicit PgCustomers(PgSession &session) : m_session(&session) {}
    /// Owns its session: a worker thread's directory (see app/desk workerFactory).
    explicit PgCustomers(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<QList<Customer>> search(const QString &query, int limit) override;
    Result<std::optional<Customer>> customer(const QString &id) override;
    Result<SavedCustomer> save(const CustomerDraft &draft) override;
    Result<QList<CustomerOrder>> orders(const QString &customerId) override;
    Status attachToSale(const QString &orderId, const QString &customerId) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

#include "data/pgcustomers.h"

#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include <QUuid>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

constexpr const char *kCustomerColumns =
    "SELECT customer_id::text, name, email, phone, email_full, marketing_consent, "
    "(extract(epoch FROM consent_at) * 1000)::bigint, consent_source, "
    "(extract(epoch FROM created_at) * 1000)::bigint, order_count, "
    "(extract(epoch FROM last_order_at) * 1000)::bigint ";

Customer customerFrom(const pqxx::row &r)
{
    Customer c;
    c.id = text(r[0]);
    c.name = text(r[1]);
    c.email = text(r[2]);
    c.phone = text(r[3]);
    c.contactVisible = r[4].as<bool>();
    c.marketingConsent = r[5].as<bool>();
    c.consentAt = fromMillis(r[6]);
    c.consentSource = text(r[7]);
    c.createdAt = fromMillis(r[8]);
    c.orderCount = r[9].as<qint64>();
    c.lastOrderAt = fromMillis(r[10]);
    return c;
}

bool isUuid(const QString &id)
{
    return !QUuid::fromString(id).isNull();
}

} // namespace

Result<QList<Customer>> PgCustomers::search(const QString &query, int limit)
{
    const QString q = query.simplified();
    if (q.size() > MaxEmailLength)
        return Error::invalid(u"Search for at most 254 characters."_s);
    const int bounded = std::clamp(limit, 1, MaxCustomerSearchResults);
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<Customer>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QList<Customer>> {
            QList<Customer> out;
            const auto rows = tx.exec_params(std::string(kCustomerColumns) + "FROM rdk.customer_search($1, $2)", str(q), bounded);
            for (const auto &r : rows)
                out.append(customerFrom(r));
            return out;
        });
    });
}

Result<std::optional<Customer>> PgCustomers::customer(const QString &id)
{
    if (!isUuid(id))
        return std::optional<Customer>();
    return m_session->transact([&](pqxx::work &tx) -> Result<std::optional<Customer>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<std::optional<Customer>> {
            const auto rows = tx.exec_params(std::string(kCustomerColumns) + "FROM rdk.customer_get($1::uuid)", str(id));
            if (rows.empty())
                return std::optional<Customer>();
            return std::optional<Customer>(customerFrom(rows[0]));
        });
    });
}

Result<SavedCustomer> PgCustomers::save(const CustomerDraft &raw)
{
    auto draft = validateCustomerDraft(raw);
    if (!draft)
        return draft.error();
    if (!draft->id.isEmpty() && !isUuid(draft->id))
        return Error::notFound(u"That customer no longer exists."_s);
    const auto optional = [](const std::optional<QString> &v) {
        return v ? std::optional<std::string>(v->toStdString()) : std::nullopt;
    };
    return m_session->transact([&](pqxx::work &tx) -> Result<SavedCustomer> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<SavedCustomer> {
            const auto r = tx.exec_params1("SELECT customer_id::text, created FROM rdk.customer_save($1::uuid, $2, $3, $4, $5)",
                                           orNull(draft->id), str(draft->name), optional(draft->email),
                                           optional(draft->phone), draft->marketingConsent);
            return SavedCustomer{text(r[0]), r[1].as<bool>()};
        });
    });
}

Result<QList<CustomerOrder>> PgCustomers::orders(const QString &customerId)
{
    if (!isUuid(customerId))
        return Error::notFound(u"That customer no longer exists."_s);
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<CustomerOrder>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QList<CustomerOrder>> {
            QList<CustomerOrder> out;
            const auto rows = tx.exec_params(
                "SELECT order_id::text, order_number, channel, status, currency, total_minor, refunded_minor, "
                "(extract(epoch FROM created_at) * 1000)::bigint, (extract(epoch FROM paid_at) * 1000)::bigint "
                "FROM rdk.customer_orders($1::uuid)",
                str(customerId));
            for (const auto &r : rows) {
                auto total = Money::of(r[5].as<qint64>(), text(r[4]));
                auto refunded = Money::of(r[6].as<qint64>(), text(r[4]));
                if (!total || !refunded)
                    return Error::internal(u"An order of this customer has an unknown currency."_s);
                out.append(CustomerOrder{text(r[0]), r[1].as<qint64>(), text(r[2]), text(r[3]), *total, *refunded,
                                         fromMillis(r[7]), fromMillis(r[8])});
            }
            return out;
        });
    });
}

Status PgCustomers::attachToSale(const QString &orderId, const QString &customerId)
{
    if (!isUuid(orderId))
        return Error::notFound(u"The order no longer exists."_s);
    if (!customerId.isEmpty() && !isUuid(customerId))
        return Error::notFound(u"That customer no longer exists."_s);
    return m_session->transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            tx.exec_params("SELECT rdk.pos_attach_customer($1::uuid, $2::uuid)", str(orderId), orNull(customerId));
            return {};
        });
    });
}

} // namespace rdk::data

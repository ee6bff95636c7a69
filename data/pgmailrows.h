#pragma once

// An order's mails as one statement inside a caller's transaction: shared by PgOrderMail and the
// order book's detail. For data/*.cpp only (it includes libpqxx).

#include "domain/ordermail.h"

#include <pqxx/pqxx>

namespace rdk::data {

/// The mails of `orderId` (a uuid) visible to the caller, oldest first. Named columns only:
/// staff may not read the recipient (migration 0020). Empty when the caller can't read the
/// outbox at all.
QList<OrderMail> readOrderMails(pqxx::work &tx, const QString &orderId);

} // namespace rdk::data

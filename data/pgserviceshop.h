#pragma once

#include "domain/result.h"

#include <QString>

#include <optional>
#include <string>

namespace rdk::data {

/// The shop a service login works for.
struct ServiceShop final {
    QString id;
    QString slug;
    QString name;
};

/// Asks the database which shop the login of `connectionString` is bound to (rdk.service_logins,
/// through rdk.current_tenant(), migration 0012): nullopt when it is bound to none. The
/// database decides; no setting of ours picks the shop. Unavailable when it can't be reached.
Result<std::optional<ServiceShop>> serviceShop(const std::string &connectionString);

/// Whether an error message still reads like the database or libpqxx talking (SQLSTATE,
/// "ERROR:", "violates", a relation name...) rather than one of our own sentences. The data
/// layer writes its messages for people (pgerror.cpp); this is the second line for answers
/// that leave the service.
bool looksLikeServerText(const QString &message);

} // namespace rdk::data

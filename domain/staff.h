#pragma once

#include "domain/result.h"

#include <QString>
#include <QStringView>

#include <optional>

namespace rdk {

enum class StaffRole { Staff, Ops, Admin };

/// Stored forms: "staff", "ops", "admin".
QString toString(StaffRole role);
std::optional<StaffRole> staffRoleFromString(QStringView text);
/// "Staff", "Operations", "Administrator".
QString displayName(StaffRole role);
/// The PostgreSQL group role that grants a role's rights: "rdk_staff", "rdk_ops", "rdk_admin".
QString groupRoleFor(StaffRole role);

/// A staff login becomes a PostgreSQL role name, so it is held to a shape that never needs
/// quoting: lowercased (ASCII only, checked before lowercasing so lookalikes such as the
/// Kelvin sign can't turn into letters), ^[a-z][a-z0-9_]{2,30}$, not starting with "pg_"
/// (reserved by PostgreSQL) or "rdk_" (our group and service roles), and not a name
/// PostgreSQL reserves ("public", "postgres", "current_user"...). Errors carry field "login".
Result<QString> validateLoginName(QStringView raw);

/// At least 12 and at most 128 characters, not one character repeated, not the login
/// name (ignoring case), and only printable ASCII (letters, digits, space, symbols).
/// The ASCII rule is deliberate: libpq SASLprep-normalizes non-ASCII passwords before
/// SCRAM, and scramSha256Verifier() does not, so a non-ASCII password could be
/// impossible to sign in with. Errors carry field "password".
Status validatePassword(QStringView password, QStringView login = {});

struct StaffMember {
    QString profileId;
    QString tenantId;
    QString login;       ///< also the PostgreSQL login role name
    QString displayName;
    StaffRole role = StaffRole::Staff;
    bool active = true;
    bool twofaEnabled = false;
};

} // namespace rdk

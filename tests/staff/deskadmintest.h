#pragma once
// Fixture pieces shared by the staff/audit tests: a fresh database, a shop, and the desk
// app's own kind of session for an admin who has entered a TOTP code (as after sign-in).

#include "data/pgsessionpqxx.h"
#include "tests/security/securitytest.h"
#include "tests/support/testdatabase.h"

#include <pqxx/pqxx>

#include <memory>

namespace rdk::test::deskadmin {

using security::str;

/// A desk session for `login`; for admins the session is 2FA-verified unless told not to.
/// A code is accepted once, so a second verified session of one login needs `stepOffset` 1.
inline std::unique_ptr<data::PgSession> openSession(TestDatabase &db, const Login &login, bool verify2fa,
                                                    int stepOffset = 0)
{
    auto session = data::PgSession::open(db.urlFor(login.login, login.password));
    if (!session)
        return nullptr;
    if (verify2fa) {
        security::waitAwayFromStepEdge();
        if (!security::verifySession((*session)->connection(), security::totpNow(db.totpSecretOf(login.login), stepOffset)))
            return nullptr;
    }
    return std::move(session).value();
}

/// True when `login`/`password` can open a connection to the test database.
inline bool canConnect(const TestDatabase &db, const QString &login, const QString &password)
{
    try {
        pqxx::connection conn(db.urlFor(login, password));
        pqxx::work tx(conn);
        tx.exec1("SELECT 1");
        return true;
    } catch (const std::exception &) {
        return false;
    }
}

/// One value, run as the owner (sees every tenant, bypasses RLS).
inline QString ownerScalar(const TestDatabase &db, const std::string &sql, const QString &arg = {})
{
    pqxx::connection conn(db.ownerUrl());
    pqxx::work tx(conn);
    const pqxx::row r = arg.isNull() ? tx.exec1(sql) : tx.exec_params1(sql, str(arg));
    return r[0].is_null() ? QString() : QString::fromStdString(r[0].as<std::string>());
}

inline bool roleExists(const TestDatabase &db, const QString &login)
{
    return ownerScalar(db, "SELECT count(*) FROM pg_roles WHERE rolname = $1", login) == QLatin1String("1");
}

} // namespace rdk::test::deskadmin

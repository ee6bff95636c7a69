#pragma once
// Small helpers shared by the security tests: run SQL as a real login role inside a
// transaction that is always rolled back, and classify the outcome.

#include "domain/totp.h"
#include "tests/support/testdatabase.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QThread>

#include <pqxx/pqxx>

#include <memory>
#include <string>

namespace rdk::test::security {

inline std::string str(const QString &s)
{
    return s.toStdString();
}

inline QString qstr(const std::string &s)
{
    return QString::fromStdString(s);
}

/// The roles `conn`'s login can SET ROLE to (its groups, transitively), plus its own.
inline QStringList reachableRoles(pqxx::connection &conn)
{
    pqxx::work tx(conn);
    const auto rows = tx.exec(
        "WITH RECURSIVE reach(oid) AS ("
        "  SELECT m.roleid FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = session_user "
        "  UNION SELECT m.roleid FROM pg_auth_members m JOIN reach ON m.member = reach.oid) "
        "SELECT rolname FROM pg_roles WHERE oid IN (SELECT oid FROM reach) UNION SELECT session_user::text ORDER BY 1");
    QStringList roles;
    for (const auto &r : rows)
        roles.append(qstr(r[0].as<std::string>()));
    return roles;
}

/// Runs `sql` as the database owner and commits; the first column of the first row, or "".
inline std::string ownerCommitted(const TestDatabase &db, const std::string &sql)
{
    pqxx::connection c(db.ownerUrl());
    pqxx::work tx(c);
    const auto r = tx.exec(sql);
    tx.commit();
    return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
}

/// "SET LOCAL ROLE ...;" for a role name, quoted.
inline std::string setLocalRole(const QString &role)
{
    return "SET LOCAL ROLE \"" + str(QString(role).replace(u'"', QStringLiteral("\"\""))) + "\"; ";
}

/// What a statement did: it ran (rows = affected rows, or the first column of a one-row
/// SELECT such as count(*)), or it failed with a SQLSTATE.
struct Outcome {
    bool ok = false;
    long long rows = 0;
    std::string sqlstate;
    QString message;

    /// Refused by the database for security reasons: a missing privilege or a row-level
    /// security WITH CHECK violation (both SQLSTATE 42501).
    bool refused() const { return !ok && sqlstate == "42501"; }
    QString describe() const
    {
        return ok ? QStringLiteral("ok, %1 row(s)").arg(rows) : QStringLiteral("error %1: %2").arg(qstr(sqlstate), message);
    }
};

/// Runs `sql` in a transaction that is rolled back. Every login's shop is fixed by the
/// database (service logins by rdk.service_logins), so nothing is set first.
inline Outcome tryExec(pqxx::connection &conn, const std::string &sql, bool scalar = false)
{
    Outcome out;
    pqxx::work tx(conn);
    try {
        const pqxx::result r = tx.exec(sql);
        out.ok = true;
        out.rows = scalar ? (r.empty() || r[0][0].is_null() ? 0 : r[0][0].as<long long>()) : r.affected_rows();
    } catch (const pqxx::sql_error &e) {
        out.sqlstate = e.sqlstate();
        // libpqxx 6.4 throws insufficient_privilege without its SQLSTATE: the type tells.
        if (out.sqlstate.empty() && dynamic_cast<const pqxx::insufficient_privilege *>(&e))
            out.sqlstate = "42501";
        out.message = QString::fromUtf8(e.what()).section(u'\n', 0, 0).trimmed();
    }
    tx.abort();
    return out;
}

/// One value of a one-row query, in a transaction that is committed.
inline std::string scalarCommitted(pqxx::connection &conn, const std::string &sql)
{
    pqxx::work tx(conn);
    const pqxx::row row = tx.exec1(sql);
    const std::string value = row[0].is_null() ? std::string() : row[0].as<std::string>();
    tx.commit();
    return value;
}

inline bool boolCommitted(pqxx::connection &conn, const std::string &sql)
{
    return scalarCommitted(conn, sql) == "t";
}

/// The TOTP code `offset` steps from now.
inline QString totpNow(const QByteArray &secret, int offset = 0)
{
    return rdk::totpCode(secret, QDateTime::currentSecsSinceEpoch() + qint64(offset) * 30);
}

/// A six-digit code that is wrong for the steps the server accepts right now.
inline QString wrongCode(const QByteArray &secret)
{
    for (int candidate = 123456;; candidate = (candidate + 7919) % 1000000) {
        const QString code = QStringLiteral("%1").arg(candidate, 6, 10, QLatin1Char('0'));
        bool hit = false;
        for (int offset = -2; offset <= 2; ++offset)
            hit = hit || code == totpNow(secret, offset);
        if (!hit)
            return code;
    }
}

/// Waits until the current 30 s step has at least `margin` seconds left, so a code
/// computed here is still in the same step when the server checks it.
inline void waitAwayFromStepEdge(int margin = 4)
{
    const qint64 ms = QDateTime::currentMSecsSinceEpoch() % 30000;
    if (ms > (30 - margin) * 1000)
        QThread::msleep(static_cast<unsigned long>(30000 - ms + 200));
}

/// Checks a code for this session and commits, as the desktop app does after sign-in.
inline bool verifySession(pqxx::connection &conn, const QString &code)
{
    pqxx::work tx(conn);
    const bool ok = tx.exec_params1("SELECT rdk.totp_verify($1)", str(code))[0].as<bool>();
    tx.commit();
    return ok;
}

inline std::unique_ptr<pqxx::connection> connectAs(const TestDatabase &db, const Login &login)
{
    return std::make_unique<pqxx::connection>(db.urlFor(login.login, login.password));
}

} // namespace rdk::test::security

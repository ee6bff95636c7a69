#pragma once

#include "data/pgsession.h"
#include "domain/auditlog.h"
#include "domain/staffadmin.h"

#include <memory>

namespace rdk::data {

/// Staff management through the SECURITY DEFINER functions of migrations 0002/0010, on the
/// signed-in admin's own session: the database checks role, shop and 2FA on every call.
class PgStaffAdministration final : public StaffAdministration {
public:
    explicit PgStaffAdministration(PgSession &session) : m_session(session) {}
    /// Owns a worker session (the desk's staff screen: one per action, on its worker thread).
    explicit PgStaffAdministration(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(*m_owned) {}

    Result<QList<StaffMember>> listStaff() override;
    Result<StaffMember> createStaff(const NewStaffAccount &account) override;
    Status changeRole(const QString &login, StaffRole role) override;
    Status resetPassword(const QString &login, const QString &newPassword) override;
    Status disable(const QString &login) override;
    Status enable(const QString &login) override;
    Result<TotpEnrolment> beginTotpEnrolment(const QString &login) override;
    Status confirmTotpEnrolment(const QString &login, const QString &code) override;

private:
    std::unique_ptr<PgSession> m_owned;  // before m_session, which may refer to it
    PgSession &m_session;
};

/// Keyset-paged reads of audit_log (row-level security: admins of the shop only).
class PgAuditLog final : public AuditLog {
public:
    explicit PgAuditLog(PgSession &session) : m_session(session) {}
    /// Owns a worker session (the desk's audit screen: one per lane, on its worker thread).
    explicit PgAuditLog(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(*m_owned) {}

    Result<AuditPage> page(const AuditFilter &filter, const std::optional<AuditCursor> &after, int limit) override;

private:
    std::unique_ptr<PgSession> m_owned;  // before m_session, which may refer to it
    PgSession &m_session;
};

} // namespace rdk::data

#pragma once

#include "domain/result.h"
#include "domain/staff.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace rdk {

/// The issuer authenticator apps show above the code (RFC 6238 key-uri format).
inline constexpr char16_t TotpIssuer[] = u"Real Deal Kickz";

/// What an admin types to open a staff account. The password is checked here and sent to
/// the server only as a SCRAM-SHA-256 verifier.
struct NewStaffAccount {
    QString login;
    QString displayName;
    StaffRole role = StaffRole::Staff;
    QString password;
};

/// A started authenticator enrolment: the secret (base32, shown once so it can be typed in
/// by hand) and the otpauth:// URI the QR code carries.
struct TotpEnrolment {
    QString login;
    QString secretBase32;
    QString uri;
};

/// Checks a new account before it reaches the database; errors name the field
/// ("login", "displayName", "password"). Returns the account with the login normalised.
Result<NewStaffAccount> validateNewStaffAccount(NewStaffAccount account);

/// Display names: trimmed, 1 to 120 characters (the profiles constraint), no control
/// characters. Empty means "use the login".
Result<QString> validateDisplayName(const QString &raw, const QString &login);

/// The enrolment for `login` with a server-made base32 secret; Invalid when the secret
/// is not base32 or shorter than 80 bits.
Result<TotpEnrolment> makeTotpEnrolment(const QString &login, const QString &secretBase32);

/// A first code as typed: spaces removed; Invalid unless exactly six digits.
Result<QString> normaliseTotpCode(const QString &typed);

/// Staff management for admins, on the admin's own signed-in session. The database decides
/// who may do what (rdk.create_staff & co. in migrations 0002/0010): an admin of the same
/// shop whose session passed 2FA; anyone else gets ErrorCode::Forbidden and nothing changes.
class StaffAdministration {
public:
    virtual ~StaffAdministration() = default;
    /// Everyone in the caller's shop, by display name.
    virtual Result<QList<StaffMember>> listStaff() = 0;
    /// Creates the PostgreSQL login role, its group membership and the profile.
    virtual Result<StaffMember> createStaff(const NewStaffAccount &account) = 0;
    virtual Status changeRole(const QString &login, StaffRole role) = 0;
    /// Sets a new password (sent as a SCRAM verifier); the old one stops working at once.
    virtual Status resetPassword(const QString &login, const QString &newPassword) = 0;
    /// The login can no longer connect; open sessions lose access to the shop's data.
    virtual Status disable(const QString &login) = 0;
    virtual Status enable(const QString &login) = 0;
    /// A new pending secret for `login`; the current one (if any) stays until confirmed.
    virtual Result<TotpEnrolment> beginTotpEnrolment(const QString &login) = 0;
    /// Confirms the pending secret with the first code from the app (checked by the
    /// database). A wrong code is ErrorCode::Invalid and counts toward the lock-out.
    virtual Status confirmTotpEnrolment(const QString &login, const QString &code) = 0;
};

/// Opens staff management on a database session of its own, on the thread that will use it
/// (the staff screen calls it on its worker thread, once per action).
using StaffAdministrationFactory = std::function<Result<std::unique_ptr<StaffAdministration>>()>;

} // namespace rdk

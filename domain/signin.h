#pragma once

#include "domain/staff.h"

#include <QString>
#include <QStringView>

#include <optional>
#include <utility>
#include <variant>

namespace rdk {

/// Where the desk signs in: a PostgreSQL server and database. Never carries credentials.
struct ServerAddress final {
    ServerAddress() = default;
    /// A server without TLS settings (libpq's defaults); set sslMode/sslRootCert for TLS.
    ServerAddress(QString h, int p, QString db) : host(std::move(h)), port(p), database(std::move(db)) {}

    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString database = QStringLiteral("rdk");
    /// libpq's sslmode ("verify-full" on counter PCs that reach the server over the shop's
    /// network, ADR 0025); empty leaves libpq's default.
    QString sslMode;
    /// The shop's certificate authority (PEM) the server's certificate must be signed by.
    QString sslRootCert;

    /// Reads a postgresql:// URL (any user or password in it is ignored; sslmode and
    /// sslrootcert in its query are kept); nullopt when it names no usable host, port or
    /// database, or an sslmode libpq doesn't know.
    static std::optional<ServerAddress> fromUrl(const QString &url);
    /// True when the connection checks the server's certificate and name (verify-full).
    bool verifiesServer() const { return sslMode == QStringLiteral("verify-full"); }
    /// Reads what a person types in the dialog: "host", "host:port", "host:port/db" or
    /// "[v6addr]:port/db"; missing parts come from `defaults`.
    static std::optional<ServerAddress> parse(QStringView text, const ServerAddress &defaults);
    /// "host:port/database", what the dialog and the status bar show.
    QString toDisplayString() const;
    bool operator==(const ServerAddress &) const = default;
};

/// The person signed in at this desk, as the database describes them.
struct SignedInUser final {
    QString profileId;
    QString login;
    QString displayName;
    StaffRole role = StaffRole::Staff;
    bool twofaEnabled = false;
    QString tenantId;
    QString tenantName;
    QString currency;
    QString timezone;

    /// Admins and anyone who enrolled a second factor must enter a code (the database
    /// refuses their writes otherwise: rdk.can_write()).
    bool needsSecondFactor() const { return role == StaffRole::Admin || twofaEnabled; }
};

enum class SignInErrorKind {
    InvalidInput,        ///< the form itself is unusable (empty, too long, malformed)
    WrongCredentials,    ///< unknown login or wrong password (the server does not say which)
    ServerUnreachable,   ///< nothing answers at that address, or the database is not there
    CodeRequired,        ///< the account needs a two-factor code and none was given
    CodeWrong,           ///< the code did not match
    TooManyAttempts,     ///< the database throttles code guesses
    AccountDisabled,     ///< the login or its profile was disabled by an admin
    NotStaffAccount,     ///< the login is valid but is not a staff member of any shop
    ServerNotTrusted,    ///< TLS: the server's certificate doesn't prove it is the shop's server
    Internal,
};

/// Stable names for logs and tests: "invalid_input", "wrong_credentials", ...
QString toString(SignInErrorKind kind);

struct SignInError final {
    SignInErrorKind kind = SignInErrorKind::Internal;
    QString message;   ///< for the person at the desk
    QString field;     ///< "server", "login", "password" or "code" when one is at fault
};

/// A signed-in user or the reason why not.
class [[nodiscard]] SignInResult final {
public:
    SignInResult(SignedInUser user) : m_state(std::move(user)) {}   // NOLINT: implicit on purpose
    SignInResult(SignInError error) : m_state(std::move(error)) {}  // NOLINT: implicit on purpose
    bool ok() const { return std::holds_alternative<SignedInUser>(m_state); }
    explicit operator bool() const { return ok(); }
    const SignedInUser &user() const { return std::get<SignedInUser>(m_state); }
    const SignInError &error() const { return std::get<SignInError>(m_state); }

private:
    std::variant<SignedInUser, SignInError> m_state;
};

struct SignInRequest final {
    ServerAddress server;
    QString login;
    QString password;
    QString code;      ///< two-factor code, may be empty
};

/// Limits on what the form accepts before anything is sent to a server.
inline constexpr int MaxSignInPasswordLength = 1024;

/// The request cleaned up for sending (login lowercased and trimmed, code without spaces),
/// or why it can't be sent. Nothing here contacts a server.
std::variant<SignInRequest, SignInError> normalizeSignInRequest(const SignInRequest &request);

/// A code as people type it ("123 456") reduced to digits, or nullopt when it is not six
/// digits after removing spaces.
std::optional<QString> normalizeTotpCode(QStringView code);

} // namespace rdk

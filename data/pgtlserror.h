#pragma once

#include <QString>

#include <optional>
#include <string_view>

namespace rdk::data {

/// What kind of TLS problem stopped a connection (ADR 0025).
enum class TlsProblem {
    NameMismatch,        ///< the certificate is for another host name
    UntrustedIssuer,     ///< not signed by the shop's certificate authority (or expired)
    NoCaFile,            ///< the CA file named by sslrootcert is missing or unreadable
    ServerWithoutTls,    ///< the server does not offer TLS at all
    ServerWantsTls,      ///< the server refuses a plain connection (pg_hba hostssl only)
    Handshake,           ///< any other TLS failure (protocol version, broken certificate)
};

struct TlsConnectError final {
    TlsProblem problem = TlsProblem::Handshake;
    QString message;   ///< a sentence for the person at the desk or the operator
};

/// Reads libpq's (English, fixed) text of a failed connection attempt and, when it is about
/// TLS, says in a sentence what went wrong and what to do. `caFile` is the sslrootcert the
/// attempt used (may be empty); the sentence names it when that helps. nullopt: not a TLS
/// problem. The caller keeps libpq's own text in its log.
std::optional<TlsConnectError> describeTlsConnectError(std::string_view libpqMessage, const QString &caFile = {});

/// The sslrootcert of a libpq connection string (keyword/value or URL), or empty.
QString sslRootCertOf(const std::string &connectionString);

} // namespace rdk::data

#include "data/pgtlserror.h"

#include <QRegularExpression>

#include <libpq-fe.h>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

TlsConnectError problem(TlsProblem kind, QString message)
{
    return {kind, std::move(message)};
}

} // namespace

std::optional<TlsConnectError> describeTlsConnectError(std::string_view libpqMessage, const QString &caFile)
{
    const QString text = QString::fromUtf8(libpqMessage.data(), qsizetype(libpqMessage.size()));

    // fe-secure-common.c: server certificate for "A" [(and N other name[s])] does not match host name "B"
    static const QRegularExpression mismatch(
        uR"re(server certificate for "([^"]*)"(?: \(and (\d+) other names?\))? does not match host name "([^"]*)")re"_s);
    if (const auto m = mismatch.match(text); m.hasMatch()) {
        // libpq's count of "other names" counts the common name again when the host is an IP
        // address, so only the first name is repeated here.
        return problem(TlsProblem::NameMismatch,
                       u"The database server's certificate is for %1, not %2. Either the server address is "
                       u"mistyped or this is not the shop's database server: use the name the certificate was made "
                       u"for, and ask whoever runs the database if in doubt."_s
                           .arg(m.captured(1), m.captured(3)));
    }
    if (text.contains(u"could not get server's host name from server certificate"_s))
        return problem(TlsProblem::NameMismatch,
                       u"The database server's certificate names no host, so this computer can't check that it is "
                       u"the shop's server. Make a new one with rdk-admin tls server-cert --host NAME."_s);

    static const QRegularExpression missingCa(uR"re(root certificate file "([^"]*)" does not exist)re"_s);
    if (const auto m = missingCa.match(text); m.hasMatch())
        return problem(TlsProblem::NoCaFile,
                       u"This computer has no copy of the shop's certificate authority at %1. Copy db-ca.crt "
                       u"from the counter bundle there (rdk-admin tls counter-bundle), then try again."_s
                           .arg(m.captured(1)));
    static const QRegularExpression unreadableCa(uR"re(could not read root certificate file "([^"]*)": ?(.*))re"_s);
    if (const auto m = unreadableCa.match(text); m.hasMatch())
        return problem(TlsProblem::NoCaFile,
                       u"The shop's certificate authority file %1 can't be read (%2). Copy db-ca.crt from the "
                       u"counter bundle there again."_s
                           .arg(m.captured(1), m.captured(2).section(u'\n', 0, 0).trimmed()));
    if (text.contains(u"could not get home directory to locate root certificate file"_s))
        return problem(TlsProblem::NoCaFile,
                       u"No certificate authority file is configured for the database connection: add "
                       u"sslrootcert=/etc/rdk/db-ca.crt to the database URL (rdk-admin tls counter-bundle)."_s);

    if (text.contains(u"certificate verify failed"_s)) {
        const QString ca = caFile.isEmpty() ? QString() : u" (%1)"_s.arg(caFile);
        return problem(TlsProblem::UntrustedIssuer,
                       u"The database server's certificate is not signed by the shop's certificate authority%1, "
                       u"or it has expired. This may not be the shop's server: don't sign in, and ask whoever runs "
                       u"the database."_s
                           .arg(ca));
    }
    if (text.contains(u"server does not support SSL, but SSL was required"_s))
        return problem(TlsProblem::ServerWithoutTls,
                       u"The database server does not offer TLS, and this computer connects only over TLS. Turn "
                       u"TLS on at the server (rdk-admin tls postgres-conf prints the lines)."_s);
    // "no pg_hba.conf entry ..." without a matching line, "pg_hba.conf rejects connection ..."
    // with `hostnossl ... reject` (what rdk-admin tls pg-hba prints).
    if ((text.contains(u"no pg_hba.conf entry"_s) || text.contains(u"pg_hba.conf rejects connection"_s))
        && text.contains(u"no encryption"_s))
        return problem(TlsProblem::ServerWantsTls,
                       u"The database server accepts only TLS connections, and this computer connects without "
                       u"TLS. Set sslmode=verify-full and sslrootcert in the database URL (rdk-admin tls "
                       u"counter-bundle prints them)."_s);
    static const QRegularExpression sslError(uR"re(SSL error: ([^\n]*))re"_s);
    if (const auto m = sslError.match(text); m.hasMatch())
        return problem(TlsProblem::Handshake,
                       u"The TLS handshake with the database server failed (%1). Ask whoever runs the database to "
                       u"check its certificate and ssl settings."_s
                           .arg(m.captured(1).trimmed()));
    return std::nullopt;
}

QString sslRootCertOf(const std::string &connectionString)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(connectionString.c_str(), &error);
    if (error)
        PQfreemem(error);
    if (!options)
        return {};
    QString value;
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (std::string_view(o->keyword) == "sslrootcert" && o->val)
            value = QString::fromUtf8(o->val);
    }
    PQconninfoFree(options);
    return value;
}

} // namespace rdk::data

#include "domain/signin.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int MaxHostLength = 253;
constexpr int MaxDatabaseNameLength = 63;  // PostgreSQL's NAMEDATALEN - 1

bool validHost(const QString &host)
{
    static const QRegularExpression pattern(u"^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$"_s);
    return !host.isEmpty() && host.size() <= MaxHostLength && pattern.match(host).hasMatch();
}

bool validDatabase(const QString &name)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_][A-Za-z0-9_$-]*$"_s);
    return !name.isEmpty() && name.size() <= MaxDatabaseNameLength && pattern.match(name).hasMatch();
}

SignInError invalid(QString message, QString field)
{
    return {SignInErrorKind::InvalidInput, std::move(message), std::move(field)};
}

} // namespace

std::optional<ServerAddress> ServerAddress::fromUrl(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != u"postgresql"_s && parsed.scheme() != u"postgres"_s))
        return std::nullopt;
    ServerAddress address;
    address.host = parsed.host();
    address.port = parsed.port(5432);
    address.database = parsed.path().mid(1);
    const QUrlQuery query(parsed);
    address.sslMode = query.queryItemValue(u"sslmode"_s, QUrl::FullyDecoded);
    address.sslRootCert = query.queryItemValue(u"sslrootcert"_s, QUrl::FullyDecoded);
    static const QStringList modes{u"disable"_s, u"allow"_s, u"prefer"_s, u"require"_s, u"verify-ca"_s, u"verify-full"_s};
    if (!address.sslMode.isEmpty() && !modes.contains(address.sslMode))
        return std::nullopt;
    if (!validHost(address.host) || address.port < 1 || address.port > 65535 || !validDatabase(address.database))
        return std::nullopt;
    return address;
}

std::optional<ServerAddress> ServerAddress::parse(QStringView text, const ServerAddress &defaults)
{
    static const QRegularExpression pattern(
        u"^(\\[(?<v6>[0-9A-Fa-f:.]+)\\]|(?<host>[A-Za-z0-9.-]+))(:(?<port>[0-9]{1,5}))?(/(?<db>[^/\\s]+))?$"_s);
    const QString trimmed = text.trimmed().toString();
    if (trimmed.size() > MaxHostLength + 80)
        return std::nullopt;
    const auto match = pattern.match(trimmed);
    if (!match.hasMatch())
        return std::nullopt;
    ServerAddress address = defaults;
    address.host = match.captured(u"v6"_s).isEmpty() ? match.captured(u"host"_s) : match.captured(u"v6"_s);
    if (const QString port = match.captured(u"port"_s); !port.isEmpty())
        address.port = port.toInt();
    if (const QString db = match.captured(u"db"_s); !db.isEmpty())
        address.database = db;
    if (!validHost(address.host) || address.port < 1 || address.port > 65535 || !validDatabase(address.database))
        return std::nullopt;
    return address;
}

QString ServerAddress::toDisplayString() const
{
    const QString h = host.contains(u':') ? u'[' + host + u']' : host;
    return u"%1:%2/%3"_s.arg(h).arg(port).arg(database);
}

QString toString(SignInErrorKind kind)
{
    switch (kind) {
    case SignInErrorKind::InvalidInput: return u"invalid_input"_s;
    case SignInErrorKind::WrongCredentials: return u"wrong_credentials"_s;
    case SignInErrorKind::ServerUnreachable: return u"server_unreachable"_s;
    case SignInErrorKind::CodeRequired: return u"code_required"_s;
    case SignInErrorKind::CodeWrong: return u"code_wrong"_s;
    case SignInErrorKind::TooManyAttempts: return u"too_many_attempts"_s;
    case SignInErrorKind::AccountDisabled: return u"account_disabled"_s;
    case SignInErrorKind::NotStaffAccount: return u"not_staff_account"_s;
    case SignInErrorKind::ServerNotTrusted: return u"server_not_trusted"_s;
    case SignInErrorKind::Internal: return u"internal"_s;
    }
    return u"internal"_s;
}

std::optional<QString> normalizeTotpCode(QStringView code)
{
    QString digits;
    for (const QChar c : code) {
        if (c == u' ' || c == u'-')
            continue;
        if (c < u'0' || c > u'9' || digits.size() >= 6)
            return std::nullopt;
        digits.append(c);
    }
    if (digits.size() != 6)
        return std::nullopt;
    return digits;
}

std::variant<SignInRequest, SignInError> normalizeSignInRequest(const SignInRequest &request)
{
    SignInRequest clean = request;
    if (!validHost(request.server.host) || request.server.port < 1 || request.server.port > 65535
        || !validDatabase(request.server.database))
        return invalid(u"Enter the server as host:port/database, for example 127.0.0.1:5432/rdk."_s, u"server"_s);
    if (request.login.trimmed().isEmpty())
        return invalid(u"Enter your login name."_s, u"login"_s);
    // The login becomes a PostgreSQL role name, so anything outside the rules can't be an account.
    auto login = validateLoginName(request.login);
    if (!login)
        return SignInError{SignInErrorKind::WrongCredentials, u"Wrong login or password."_s, u"login"_s};
    clean.login = login.value();
    if (request.password.isEmpty())
        return invalid(u"Enter your password."_s, u"password"_s);
    if (request.password.size() > MaxSignInPasswordLength || request.password.contains(QChar(0)))
        return SignInError{SignInErrorKind::WrongCredentials, u"Wrong login or password."_s, u"password"_s};
    if (!request.code.trimmed().isEmpty()) {
        const auto code = normalizeTotpCode(request.code);
        if (!code)
            return SignInError{SignInErrorKind::CodeWrong,
                               u"The two-factor code is the 6 digits your authenticator app shows."_s, u"code"_s};
        clean.code = *code;
    } else {
        clean.code.clear();
    }
    return clean;
}

} // namespace rdk

#include "domain/staff.h"

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

constexpr qsizetype MinLoginLength = 3;
constexpr qsizetype MaxLoginLength = 31;
constexpr qsizetype MinPasswordLength = 12;
constexpr qsizetype MaxPasswordLength = 128;

// Role names PostgreSQL refuses or gives special meaning, plus the bootstrap superuser.
constexpr std::array<const char16_t *, 8> ReservedLogins = {
    u"public", u"none", u"postgres", u"current_user", u"current_role",
    u"session_user", u"user", u"system_user"};

Error loginError(QString message)
{
    return Error::invalid(std::move(message), u"login"_s);
}

Error passwordError(QString message)
{
    return Error::invalid(std::move(message), u"password"_s);
}

bool isLoginCharacter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_';
}

QString asciiLower(QStringView text)
{
    QString lower;
    lower.reserve(text.size());
    for (QChar c : text)
        lower.append((c >= u'A' && c <= u'Z') ? QChar(c.unicode() - u'A' + u'a') : c);
    return lower;
}

bool isReserved(QStringView login)
{
    for (const char16_t *name : ReservedLogins) {
        if (login == QStringView(name))
            return true;
    }
    return false;
}

Status checkLoginShape(QStringView login)
{
    for (QChar c : login) {
        if (!isLoginCharacter(c))
            return loginError(u"Login names may only use letters, digits and underscores"_s);
    }
    const QChar first = login.front();
    if (!((first >= u'a' && first <= u'z') || (first >= u'A' && first <= u'Z')))
        return loginError(u"Login names must start with a letter"_s);
    if (login.size() < MinLoginLength || login.size() > MaxLoginLength)
        return loginError(u"Login names must be %1 to %2 characters long"_s.arg(MinLoginLength).arg(MaxLoginLength));
    return {};
}

bool allSameCharacter(QStringView text)
{
    for (QChar c : text) {
        if (c != text.front())
            return false;
    }
    return true;
}

bool isPrintableAscii(QStringView text)
{
    for (QChar c : text) {
        if (c < u' ' || c > u'~')
            return false;
    }
    return true;
}

} // namespace

QString toString(StaffRole role)
{
    switch (role) {
    case StaffRole::Staff: return u"staff"_s;
    case StaffRole::Ops: return u"ops"_s;
    case StaffRole::Admin: return u"admin"_s;
    }
    return {};
}

std::optional<StaffRole> staffRoleFromString(QStringView text)
{
    for (StaffRole role : {StaffRole::Staff, StaffRole::Ops, StaffRole::Admin}) {
        if (text == toString(role))
            return role;
    }
    return std::nullopt;
}

QString displayName(StaffRole role)
{
    switch (role) {
    case StaffRole::Staff: return u"Staff"_s;
    case StaffRole::Ops: return u"Operations"_s;
    case StaffRole::Admin: return u"Administrator"_s;
    }
    return {};
}

QString groupRoleFor(StaffRole role)
{
    return u"rdk_"_s + toString(role);
}

Result<QString> validateLoginName(QStringView raw)
{
    const QStringView trimmed = raw.trimmed();
    if (trimmed.isEmpty())
        return loginError(u"Enter a login name"_s);
    if (Status shape = checkLoginShape(trimmed); !shape)
        return shape.error();
    const QString login = asciiLower(trimmed);
    if (login.startsWith(u"pg_") || login.startsWith(u"rdk_"))
        return loginError(u"Login names starting with pg_ or rdk_ are reserved"_s);
    if (isReserved(login))
        return loginError(u"\"%1\" is reserved by the database; pick another login name"_s.arg(login));
    return login;
}

Status validatePassword(QStringView password, QStringView login)
{
    if (password.size() < MinPasswordLength)
        return passwordError(u"Passwords must be at least %1 characters long"_s.arg(MinPasswordLength));
    if (password.size() > MaxPasswordLength)
        return passwordError(u"Passwords must be at most %1 characters long"_s.arg(MaxPasswordLength));
    if (!isPrintableAscii(password))
        return passwordError(u"Passwords may use letters, digits, spaces and keyboard symbols, "
                             u"but no accented letters, emoji or invisible characters"_s);
    if (allSameCharacter(password))
        return passwordError(u"A password can't be one character repeated"_s);
    if (!login.isEmpty() && password.compare(login.trimmed(), Qt::CaseInsensitive) == 0)
        return passwordError(u"A password can't be the login name"_s);
    return {};
}

} // namespace rdk

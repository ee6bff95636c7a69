#include "domain/staffadmin.h"

#include "domain/totp.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int MaxDisplayNameLength = 120;  // profiles_display_name_length
constexpr int MinSecretBytes = 10;         // staff_totp_secret_length: 80 bits

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return true;
    }
    return false;
}

} // namespace

Result<QString> validateDisplayName(const QString &raw, const QString &login)
{
    const QString name = raw.trimmed();
    if (name.isEmpty())
        return login;
    if (name.size() > MaxDisplayNameLength)
        return Error::invalid(u"The display name can have at most %1 characters."_s.arg(MaxDisplayNameLength),
                              u"displayName"_s);
    if (hasControlCharacter(name))
        return Error::invalid(u"The display name can't contain line breaks or invisible characters."_s,
                              u"displayName"_s);
    return name;
}

Result<NewStaffAccount> validateNewStaffAccount(NewStaffAccount account)
{
    auto login = validateLoginName(account.login);
    if (!login)
        return login.error();
    account.login = *login;
    auto display = validateDisplayName(account.displayName, account.login);
    if (!display)
        return display.error();
    account.displayName = *display;
    if (auto ok = validatePassword(account.password, account.login); !ok)
        return ok.error();
    return account;
}

Result<TotpEnrolment> makeTotpEnrolment(const QString &login, const QString &secretBase32)
{
    const auto secret = base32Decode(secretBase32);
    if (!secret || secret->size() < MinSecretBytes)
        return Error::internal(u"The server sent an unusable two-factor secret."_s);
    return TotpEnrolment{login, base32Encode(*secret), otpauthUri(QString::fromUtf16(TotpIssuer), login, *secret)};
}

Result<QString> normaliseTotpCode(const QString &typed)
{
    QString code = typed;
    code.remove(u' ');
    if (code.size() != 6 || !std::all_of(code.cbegin(), code.cend(), [](QChar c) { return c >= u'0' && c <= u'9'; }))
        return Error::invalid(u"Enter the six-digit code the authenticator app shows."_s, u"code"_s);
    return code;
}

} // namespace rdk

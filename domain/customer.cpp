#include "domain/customer.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString Customer::summary() const
{
    QStringList parts{name};
    if (!email.isEmpty())
        parts.append(email);
    if (!phone.isEmpty())
        parts.append(phone);
    return parts.join(u" · "_s);
}

Result<QString> normalizeCustomerEmail(const QString &email)
{
    const QString v = email.trimmed().toLower();
    if (v.isEmpty())
        return QString();
    if (v.size() > MaxEmailLength)
        return Error::invalid(u"An e-mail address has at most 254 characters."_s, u"email"_s);
    static const QRegularExpression shape(u"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"_s);
    if (!shape.match(v).hasMatch())
        return Error::invalid(u"That e-mail address is not complete; it looks like name@example.com."_s, u"email"_s);
    return v;
}

Result<QString> normalizeCustomerPhone(const QString &phone)
{
    const QString v = phone.trimmed();
    if (v.isEmpty())
        return QString();
    static const QRegularExpression allowed(u"^\\+?[0-9 ()./-]+$"_s);
    if (v.size() > 40 || !allowed.match(v).hasMatch())
        return Error::invalid(u"A phone number has digits only (spaces, dashes, brackets and a leading + are fine)."_s,
                              u"phone"_s);
    QString digits;
    for (const QChar c : v)
        if (c >= u'0' && c <= u'9')
            digits.append(c);
    if (digits.size() < 6 || digits.size() > 15)
        return Error::invalid(u"A phone number has 6 to 15 digits."_s, u"phone"_s);
    return (v.startsWith(u'+') ? u"+"_s : QString()) + digits;
}

Result<QString> normalizeCustomerName(const QString &name)
{
    const QString v = name.simplified();
    if (v.isEmpty())
        return Error::invalid(u"Give the customer's name."_s, u"name"_s);
    if (v.size() > MaxCustomerNameLength)
        return Error::invalid(u"A customer's name has at most 120 characters."_s, u"name"_s);
    for (const QChar c : v)
        if (c.category() == QChar::Other_Control)
            return Error::invalid(u"A customer's name can't contain control characters."_s, u"name"_s);
    return v;
}

Result<CustomerDraft> validateCustomerDraft(const CustomerDraft &draft)
{
    CustomerDraft clean = draft;
    auto name = normalizeCustomerName(draft.name);
    if (!name)
        return name.error();
    clean.name = *name;
    if (draft.email) {
        auto email = normalizeCustomerEmail(*draft.email);
        if (!email)
            return email.error();
        clean.email = *email;
    }
    if (draft.phone) {
        auto phone = normalizeCustomerPhone(*draft.phone);
        if (!phone)
            return phone.error();
        clean.phone = *phone;
    }
    return clean;
}

QString maskEmail(const QString &email)
{
    const qsizetype at = email.indexOf(u'@');
    if (email.isEmpty() || at < 1)
        return email.isEmpty() ? QString() : u"•••"_s;
    return email.left(1) + u"•••"_s + email.mid(at);
}

QString maskPhone(const QString &phone)
{
    return phone.isEmpty() ? QString() : u"•••• "_s + phone.right(2);
}

bool maySeeCustomerContact(StaffRole role)
{
    return role == StaffRole::Ops || role == StaffRole::Admin;
}

QString channelTitle(const QString &channel)
{
    return channel == u"pos"_s ? u"Counter sale"_s : channel == u"online"_s ? u"Online order"_s : channel;
}

} // namespace rdk

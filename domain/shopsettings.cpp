#include "domain/shopsettings.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString toString(ShippingKind kind)
{
    switch (kind) {
    case ShippingKind::Flat:
        return u"flat"_s;
    case ShippingKind::FreeAbove:
        return u"free_above"_s;
    case ShippingKind::Pickup:
        return u"pickup"_s;
    }
    return u"flat"_s;
}

std::optional<ShippingKind> shippingKindFromString(const QString &text)
{
    if (text == u"flat"_s)
        return ShippingKind::Flat;
    if (text == u"free_above"_s)
        return ShippingKind::FreeAbove;
    if (text == u"pickup"_s)
        return ShippingKind::Pickup;
    return std::nullopt;
}

QList<ShippingOption> ShopSettings::activeOptions() const
{
    QList<ShippingOption> active;
    for (const ShippingOption &option : options) {
        if (option.active)
            active.append(option);
    }
    return active;
}

Result<QStringList> parseCountryList(const QString &text)
{
    static const QRegularExpression separators(u"[\\s,;]+"_s);
    static const QRegularExpression code(u"^[A-Z]{2}$"_s);
    QStringList countries;
    for (const QString &part : text.split(separators, Qt::SkipEmptyParts)) {
        const QString country = part.toUpper();
        if (!code.match(country).hasMatch())
            return Error::invalid(u"\"%1\" is not a country code; use two letters such as US or DE."_s.arg(part.left(20)),
                                  u"shipCountries"_s);
        if (!countries.contains(country))
            countries.append(country);
    }
    if (countries.size() > ShopSettings::MaxShipCountries)
        return Error::invalid(u"A shop can ship to at most %1 countries."_s.arg(ShopSettings::MaxShipCountries),
                              u"shipCountries"_s);
    return countries;
}

} // namespace rdk

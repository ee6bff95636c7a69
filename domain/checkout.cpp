#include "domain/checkout.h"

#include "domain/sku.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

bool looksLikeEmail(QStringView email)
{
    static const QRegularExpression pattern(u"^[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+$"_s);
    return email.size() <= 254 && pattern.match(email).hasMatch();
}

Result<CheckoutRequest> validateCheckout(const CheckoutRequest &request)
{
    if (request.items.isEmpty())
        return Error::invalid(u"Your cart is empty."_s, u"items"_s);
    if (request.items.size() > kMaxCartLines)
        return Error::invalid(u"A cart can hold at most %1 different items."_s.arg(kMaxCartLines), u"items"_s);

    CheckoutRequest normalized;
    normalized.email = request.email.trimmed();
    if (!normalized.email.isEmpty() && !looksLikeEmail(normalized.email))
        return Error::invalid(u"That email address doesn't look right."_s, u"email"_s);

    int units = 0;
    for (const CartItem &item : request.items) {
        auto sku = normalizeSku(item.sku);
        if (!sku)
            return Error::invalid(sku.error().message, u"sku"_s);
        const QString size = item.size.trimmed();
        static const QRegularExpression sizePattern(u"^[0-9]{1,2}(\\.5)?$"_s);
        if (!size.isEmpty() && !sizePattern.match(size).hasMatch())
            return Error::invalid(u"'%1' is not a shoe size."_s.arg(size.left(10)), u"size"_s);
        if (item.quantity < 1 || item.quantity > kMaxQuantityPerLine)
            return Error::invalid(u"You can buy 1 to %1 of each item."_s.arg(kMaxQuantityPerLine), u"quantity"_s);

        auto same = std::find_if(normalized.items.begin(), normalized.items.end(),
                                 [&](const CartItem &c) { return c.sku == *sku && c.size == size; });
        if (same != normalized.items.end()) {
            same->quantity += item.quantity;
            if (same->quantity > kMaxQuantityPerLine)
                return Error::invalid(u"You can buy 1 to %1 of each item."_s.arg(kMaxQuantityPerLine), u"quantity"_s);
        } else {
            normalized.items.append(CartItem{*sku, size, item.quantity});
        }
        units += item.quantity;
    }
    if (units > kMaxCartUnits)
        return Error::invalid(u"A cart can hold at most %1 pairs in total."_s.arg(kMaxCartUnits), u"items"_s);
    return normalized;
}

} // namespace rdk

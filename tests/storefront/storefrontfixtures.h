#pragma once

// Fake catalog data for the storefront tests and the preview renderer.

#include "domain/storefront.h"
#include "sync/storefront/storefrontpages.h"

#include <QString>

namespace rdk::storefrontfixtures {

using namespace Qt::Literals::StringLiterals;

inline Money usd(qint64 cents)
{
    return Money::of(cents, u"USD"_s).value();
}

inline StorefrontImage image(const QString &stem, int width = 1600, int height = 1600)
{
    StorefrontImage result;
    result.stem = stem;
    result.largeWidth = width;
    result.largeHeight = height;
    return result;
}

inline StorefrontProduct product(const QString &sku, const QString &brand, const QString &name,
                                 const QString &colorway, qint64 cents, QList<StorefrontSize> sizes,
                                 QList<StorefrontImage> images = {})
{
    StorefrontProduct p;
    p.id = u"id-"_s + sku;
    p.sku = sku;
    p.brand = brand;
    p.name = name;
    p.colorway = colorway;
    p.price = usd(cents);
    p.sizes = std::move(sizes);
    p.images = std::move(images);
    p.description = u"Clean pair, checked by hand.\n\nShips double-boxed."_s;
    return p;
}

/// Sizes 8..12 (halves), in stock except 9 and 10.5; 11 has exactly one.
inline QList<StorefrontSize> sizeRun()
{
    return {{u"8"_s, 2},  {u"8.5"_s, 4}, {u"9"_s, 0},  {u"9.5"_s, 3},  {u"10"_s, 5},
            {u"10.5"_s, 0}, {u"11"_s, 1}, {u"11.5"_s, 2}, {u"12"_s, 6}};
}

inline StorefrontProduct hostileProduct()
{
    StorefrontProduct p = product(u"X<script>1"_s, u"Evil\"onmouseover=alert(1) x='&'"_s,
                                  u"<script>alert('name')</script>"_s, u"\"onmouseover=alert(2)//"_s, 12000,
                                  {{u"10\"><script>"_s, 1}, {u"10"_s, 2}},
                                  {image(u"stem\"onerror=alert(3)<script>"_s)});
    p.description = u"<script>alert('desc')</script>\n\n<img src=x onerror=alert(4)> & 'quotes' \"too\""_s;
    return p;
}

} // namespace rdk::storefrontfixtures

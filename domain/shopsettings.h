#pragma once

#include "domain/money.h"
#include "domain/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

/// How an online order can go out (shipping_options.kind).
enum class ShippingKind {
    Flat,       ///< always costs `amount`
    FreeAbove,  ///< costs `amount` below `freeAbove`, nothing from it on
    Pickup,     ///< the customer collects it at the shop; free
};

QString toString(ShippingKind kind);                          ///< "flat", "free_above", "pickup"
std::optional<ShippingKind> shippingKindFromString(const QString &text);

/// One of a shop's shipping options as the admin sets it.
struct ShippingOption final {
    ShippingKind kind = ShippingKind::Flat;
    QString label;                  ///< what the shopper sees at checkout, 1..60 characters
    Money amount;                   ///< in the shop's currency; zero for pickup
    std::optional<Money> freeAbove; ///< FreeAbove only: the order amount from which it's free
    bool active = true;

    friend bool operator==(const ShippingOption &, const ShippingOption &) = default;
};

/// A shop's online settings (migration 0021): where and how it ships, whether Stripe
/// computes the tax of online orders and asks for a phone number, and the texts the
/// storefront's policy pages and the mails show. Read by every staff member and rdk-sync;
/// changed by an admin (rdk.set_shop_settings, which checks everything again).
struct ShopSettings final {
    static constexpr int MaxShippingOptions = 5;     ///< Stripe Checkout's limit
    static constexpr int MaxShipCountries = 60;
    static constexpr int MaxAddressLength = 300;
    static constexpr int MaxContactLength = 2000;
    static constexpr int MaxPolicyLength = 8000;

    QStringList shipCountries;      ///< ISO 3166 alpha-2, upper case
    bool collectPhone = false;
    bool stripeTax = false;         ///< Stripe's automatic_tax for online orders
    QString shopAddress;            ///< a few lines; shown on the contact page, mails, pickup mail
    QString contactText;
    QString shippingPolicy;
    QString returnsPolicy;
    QList<ShippingOption> options;  ///< in the order checkout offers them

    /// The active options, in order.
    QList<ShippingOption> activeOptions() const;
    friend bool operator==(const ShopSettings &, const ShopSettings &) = default;
};

/// Reads "US, de ca" (commas, spaces or line breaks) into upper-case two-letter codes, each
/// once. Invalid naming the first entry that is not two letters.
Result<QStringList> parseCountryList(const QString &text);

/// Where a shop's settings live (data::PgShopSettings; a fake in tests).
class ShopSettingsStore {
public:
    virtual ~ShopSettingsStore() = default;
    virtual Result<ShopSettings> load() = 0;
    /// Admin only; the database refuses anything else with a sentence.
    virtual Status save(const ShopSettings &settings) = 0;
};

using ShopSettingsStoreFactory = std::function<Result<std::unique_ptr<ShopSettingsStore>>()>;

} // namespace rdk

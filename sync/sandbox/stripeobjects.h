#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk::sandbox {

// The Stripe objects the sandbox keeps, with the JSON Stripe returns for them (API version
// 2024-06-20). Only the fields our service can use carry live values; the rest are present
// with Stripe's defaults so clients that decode whole objects see the real shape.

inline constexpr const char16_t kApiVersion[] = u"2024-06-20";

using Metadata = QMap<QString, QString>;
QJsonObject metadataJson(const Metadata &metadata);

struct Product final {
    QString id;
    qint64 created = 0;
    QString name;
    QStringList images;
    QJsonObject toJson() const;
};

struct Price final {
    QString id;
    qint64 created = 0;
    QString currency;       ///< lowercase, as Stripe writes it
    qint64 unitAmount = 0;  ///< minor units
    QString productId;
    QString productName;    ///< kept for line item descriptions and the pay page
    QString nickname;
    QString taxBehavior;    ///< "exclusive", "inclusive", "unspecified" or empty (not sent)
    Metadata metadata;
    QJsonObject toJson() const;
};

struct LineItem final {
    QString id;
    Price price;
    qint64 quantity = 1;
    qint64 amount() const { return price.unitAmount * quantity; }
    QJsonObject toJson() const;
};

/// A shipping option of a Checkout Session (shipping_rate_data: Stripe makes a ShippingRate
/// object of it, whose id the session's shipping_options and shipping_cost name).
struct ShippingChoice final {
    QString rateId;         ///< "shr_..."
    QString displayName;
    qint64 amount = 0;      ///< minor units
    QString taxBehavior;    ///< "exclusive", "inclusive", "unspecified" or empty
};

/// What the customer typed on the pay page (or a test control sent in their place).
struct CustomerEntry final {
    QString email;
    QString name;
    QString line1;
    QString line2;
    QString city;
    QString state;
    QString postalCode;
    QString country;
    QString phone;
    QString shippingRate;   ///< "shr_..." of the chosen option; empty: the first
    QString card;           ///< a test card number (digits, spaces allowed); empty: 4242 4242 4242 4242
};

enum class SessionStatus { Open, Complete, Expired };
enum class PaymentStatus { Unpaid, Paid };

struct CheckoutSession final {
    QString id;
    qint64 created = 0;
    qint64 expiresAt = 0;
    SessionStatus status = SessionStatus::Open;
    PaymentStatus paymentStatus = PaymentStatus::Unpaid;
    QString currency;
    QList<LineItem> lineItems;
    qint64 amountTotal = 0;
    QString successUrl;
    QString cancelUrl;
    QString clientReferenceId;
    QString customerEmail;          ///< as given at creation
    QString customerDetailsEmail;   ///< as entered on the pay page
    Metadata metadata;
    Metadata paymentIntentMetadata; ///< payment_intent_data[metadata]: lands on the PaymentIntent and Charge
    QStringList paymentMethodTypes;
    std::optional<QStringList> allowedCountries;
    QList<ShippingChoice> shippingOptions;
    qsizetype selectedShipping = -1;    ///< index into shippingOptions; the first until the customer picks
    bool phoneCollection = false;
    bool automaticTax = false;
    qint64 amountSubtotal = 0;          ///< the line items
    qint64 amountTax = 0;               ///< computed once the address is known (automatic_tax)
    QJsonObject shippingDetails;        ///< {name, address{...}} once collected
    QString customerPhone;
    QString paymentIntentId;
    QString paymentLinkId;

    qint64 amountShipping() const
    {
        return selectedShipping >= 0 && selectedShipping < shippingOptions.size() ? shippingOptions.at(selectedShipping).amount : 0;
    }

    QJsonObject toJson(const QString &publicBase) const;
};

struct PaymentIntent final {
    QString id;
    QString clientSecret;
    qint64 created = 0;
    qint64 amount = 0;
    QString currency;
    QString status;          ///< processing, succeeded, requires_payment_method
    QString latestChargeId;
    QString paymentMethodId;
    QString receiptEmail;
    Metadata metadata;
    QJsonObject toJson() const;
};

struct Charge final {
    QString id;
    qint64 created = 0;
    qint64 amount = 0;
    qint64 amountRefunded = 0;
    QString currency;
    QString paymentIntentId;
    QString paymentMethodId;
    QString email;
    QString cardLast4 = QStringLiteral("4242");
    QString cardFingerprint;    ///< the same test card gives the same fingerprint, as on Stripe
    Metadata metadata;
    bool refunded() const { return amountRefunded >= amount; }
    QJsonObject toJson() const;
};

struct Refund final {
    QString id;
    qint64 created = 0;
    qint64 amount = 0;
    QString currency;
    QString chargeId;
    QString paymentIntentId;
    QString reason;
    Metadata metadata;
    QJsonObject toJson() const;
};

enum class AfterCompletion { HostedConfirmation, Redirect };

struct PaymentLink final {
    QString id;
    bool active = true;
    QString currency;
    QList<LineItem> lineItems;
    Metadata metadata;
    Metadata paymentIntentMetadata;
    std::optional<qint64> completedSessionsLimit;
    qint64 completedSessions = 0;
    AfterCompletion afterCompletion = AfterCompletion::HostedConfirmation;
    QString redirectUrl;
    QString customMessage;
    QStringList paymentMethodTypes;  ///< empty: Stripe's null (dynamic payment methods)

    qint64 amountTotal() const;
    QJsonObject toJson(const QString &publicBase) const;
};

QString toString(SessionStatus status);
QString toString(PaymentStatus status);

/// "$24.68", "¥1,500", "12.50 CHF": for the pay page and error messages, via rdk::formatMoney.
QString displayAmount(qint64 minor, const QString &currency);

} // namespace rdk::sandbox

#pragma once

#include "domain/checkout.h"
#include "domain/order.h"
#include "domain/result.h"
#include "domain/shopsettings.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

/// A shipping option as checkout offers it to one order: priced for its subtotal.
struct ShippingOffer final {
    ShippingKind kind = ShippingKind::Flat;
    QString label;
    Money amount;
};

/// What checkout asks the shopper besides paying: an address in one of `countries` (none:
/// no address), a phone number, one of `offers`; and whether the provider adds the tax.
struct CheckoutShipping final {
    QStringList countries;
    QList<ShippingOffer> offers;
    bool collectPhone = false;
    bool providerTax = false;
};

/// An online order whose stock is held until `reservedUntil`.
struct PendingOrder final {
    QString orderId;
    qint64 orderNumber = 0;
    QList<OrderLine> lines;
    OrderTotals totals;
    QDateTime reservedUntil;
    CheckoutShipping shipping;  ///< as the database priced it for this order
};

/// Where a checkout's orders live. The database prices the lines and holds the stock
/// (data::PgCheckout, migration 0012); a fake in tests.
class CheckoutOrderStore {
public:
    virtual ~CheckoutOrderStore() = default;
    /// Holds the stock of a validated cart and creates a pending online order at the catalog's
    /// prices; all lines or none (OutOfStock naming the item).
    virtual Result<PendingOrder> placeOrder(const CheckoutRequest &cart, int reservationMinutes) = 0;
    /// Remembers the payment session that will pay the pending order, and the provider's ids
    /// of the shipping offers it shows (one per offer, in the order of PendingOrder::shipping).
    virtual Status attachCheckoutSession(const QString &orderId, const QString &checkoutSessionId,
                                         const QStringList &shippingRateIds) = 0;
    /// Gives the order's held stock back at once and cancels it (the payment never started).
    virtual Status abandon(const QString &orderId) = 0;
};

/// One line as the payment page shows it.
struct PaymentLine final {
    QString name;
    Money unitPrice;
    int quantity = 1;
};

/// What the payment provider needs to open a hosted payment page for an order.
struct PaymentSessionRequest final {
    QString orderId;
    QString currency;
    QList<PaymentLine> lines;
    QString successUrl;
    QString cancelUrl;
    QDateTime expiresAt;        ///< the page closes before the stock is released
    QString customerEmail;      ///< optional
    QString idempotencyKey;     ///< derived from the order id: a retry finds the same session
    CheckoutShipping shipping;
};

struct PaymentSession final {
    QString id;
    QUrl url;                   ///< where the shopper is sent to pay
    qint64 expiresAt = 0;       ///< Unix seconds
    QStringList shippingRateIds;///< the provider's id of each offer, in the request's order
};

/// The payment provider (Stripe Checkout in rdk-sync; a fake in tests).
class PaymentGateway {
public:
    virtual ~PaymentGateway() = default;
    virtual Result<PaymentSession> createCheckoutSession(const PaymentSessionRequest &request) = 0;
};

/// Which step of a checkout failed.
enum class CheckoutStep {
    OpenStore,          ///< no store to place the order in (the database is unreachable)
    PlaceOrder,
    PaymentSession,
    AttachSession,
};

struct CheckoutStarted final {
    PendingOrder order;
    PaymentSession session;
};

/// A started checkout, or the step that failed and why.
struct CheckoutOutcome final {
    std::optional<CheckoutStarted> started;
    CheckoutStep failedAt = CheckoutStep::PlaceOrder;
    Error error;
    bool ok() const { return started.has_value(); }
};

struct CheckoutOptions final {
    QString publicBaseUrl;      ///< shoppers' address, no trailing slash: success/cancel pages
    /// Stripe needs at least 30 minutes for a session's expiry; the session ends a minute
    /// before the hold, so the hold is 35.
    int reservationMinutes = 35;
    int sessionEndsBeforeHoldSeconds = 60;
};

/// An online checkout: hold the stock (pending order) -> open a payment session -> remember
/// it on the order. When the payment session can't be opened the hold is given back at once
/// (and should that fail too, the expiry sweep gives it back later), so a shopper who could
/// not pay never keeps stock from others. Thread-safe when the store factory and the gateway
/// are: each call takes a store of its own.
class CheckoutService final {
public:
    using StoreFactory = std::function<Result<std::unique_ptr<CheckoutOrderStore>>()>;

    CheckoutService(StoreFactory stores, PaymentGateway &payments, CheckoutOptions options);

    /// `cart` has passed validateCheckout().
    CheckoutOutcome start(const CheckoutRequest &cart);

    /// The payment session's request for a pending order (line names say the size).
    PaymentSessionRequest paymentRequest(const PendingOrder &order, const QString &email) const;

private:
    StoreFactory m_stores;
    PaymentGateway &m_payments;
    CheckoutOptions m_options;
};

} // namespace rdk

#pragma once

#include "sync/sandbox/formnode.h"
#include "sync/sandbox/stripeerror.h"
#include "sync/sandbox/stripeobjects.h"
#include "sync/sandbox/webhookendpoints.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace rdk::sandbox {

class ParamReader;

/// The API request behind an event (the event's `request` field); empty for events caused by
/// the customer on the pay page or by the clock, which Stripe reports as null.
struct EventRequest final {
    QString id;
    QString idempotencyKey;
};

/// Everything the sandbox knows (prices, sessions, payment intents, charges, refunds,
/// payment links) and Stripe's rules for changing it. In memory only, one thread.
/// Endpoints take the parsed form parameters and return Stripe's JSON or a StripeError;
/// state changes that Stripe announces go to the event sink as (type, object).
class SandboxStore final {
public:
    using Clock = std::function<qint64()>;  ///< unix seconds
    using EventSink = std::function<void(const QString &type, const QJsonObject &object,
                                         const QJsonObject &previousAttributes, const EventRequest &request)>;

    /// `publicBase` is how browsers reach the sandbox (for `url` fields), without a trailing slash.
    explicit SandboxStore(QString publicBase, Clock clock = {});

    void setEventSink(EventSink sink) { m_sink = std::move(sink); }
    void setPublicBase(QString publicBase) { m_publicBase = std::move(publicBase); }
    const QString &publicBase() const { return m_publicBase; }

    // The API (/v1).
    StripeResult<QJsonObject> createPrice(const FormNode &params);
    StripeResult<QJsonObject> createCheckoutSession(const FormNode &params);
    StripeResult<QJsonObject> retrieveCheckoutSession(const QString &id, const FormNode &params);
    StripeResult<QJsonObject> listCheckoutSessionLineItems(const QString &id, const FormNode &params);
    StripeResult<QJsonObject> expireCheckoutSession(const QString &id, const FormNode &params, const EventRequest &request);
    StripeResult<QJsonObject> createPaymentLink(const FormNode &params);
    StripeResult<QJsonObject> updatePaymentLink(const QString &id, const FormNode &params);
    StripeResult<QJsonObject> retrievePaymentLink(const QString &id, const FormNode &params);
    StripeResult<QJsonObject> createRefund(const FormNode &params, const EventRequest &request);

    /// GET /v1/account and /v1/webhook_endpoints.
    WebhookEndpointStore &webhookEndpoints() { return m_webhookEndpoints; }
    const WebhookEndpointStore &webhookEndpoints() const { return m_webhookEndpoints; }

    // What a customer does on the pay page, and the test controls that stand in for them.
    /// Completes an open session: `paid` false models an asynchronous payment method (bank
    /// debit) whose outcome comes later. `email` empty: the session's customer_email.
    StripeResult<QJsonObject> completeCheckoutSession(const QString &id, bool paid, const QString &email);
    /// The same with what the customer typed: the shipping address (required when the session
    /// collects one, in an allowed country), the phone (when collected) and the shipping option.
    StripeResult<QJsonObject> completeCheckoutSession(const QString &id, bool paid, const CustomerEntry &entry);
    /// `entry` with Stripe's test customer filled in where the session asks for more than it
    /// holds (the test controls' default; the pay page never fills anything in).
    static CustomerEntry testCustomer(const CheckoutSession &session, CustomerEntry entry);
    /// The tax rate the sandbox charges when a session has automatic_tax enabled: 10 %.
    static constexpr qint64 kSandboxTaxBasisPoints = 1000;
    StripeResult<QJsonObject> settleAsyncPayment(const QString &id, bool succeeded);
    /// A new session for the link, completed and paid; 410 when the link is used up or off.
    StripeResult<QJsonObject> payPaymentLink(const QString &id, const QString &email);

    /// Expires open sessions whose expires_at has passed (Stripe does this on its own);
    /// returns how many.
    int expireDueSessions();

    /// The session, or nullptr. Not const: a session whose time is up is expired (and its
    /// event sent) on the way, so the pay page never offers one Stripe would refuse.
    const CheckoutSession *checkoutSession(const QString &id);
    const PaymentLink *paymentLink(const QString &id) const;
    /// Every payment link (by id), or only those whose metadata[order_id] is `orderId`.
    QJsonArray paymentLinksJson(const QString &orderId = {}) const;
    /// Why the link can't be paid any more, or nullopt when it can.
    static std::optional<QString> unavailableReason(const PaymentLink &link);

    /// What the pay page sends a customer to after paying a session: success_url with
    /// {CHECKOUT_SESSION_ID} filled in.
    static QString successRedirect(const CheckoutSession &session);

    static constexpr qint64 kMaxAmount = 99'999'999;  ///< Stripe's cap: 999,999.99 in two-decimal currencies
    static constexpr qint64 kMinExpirySeconds = 30 * 60;
    static constexpr qint64 kMaxExpirySeconds = 24 * 60 * 60;

private:
    static std::optional<StripeError> takeCustomerEntry(CheckoutSession &session, const CustomerEntry &entry);
    qint64 now() const;
    void emitEvent(const QString &type, const QJsonObject &object, const QJsonObject &previous = {},
                   const EventRequest &request = {}) const;
    QJsonObject sessionJson(const CheckoutSession &session, const QStringList &expand) const;
    std::optional<QStringList> readExpand(ParamReader &reader, const QStringList &allowed) const;
    /// The session, expired first when its time is up (Stripe's expiry is lazy too).
    CheckoutSession *liveSession(const QString &id);
    void expire(CheckoutSession &session, const EventRequest &request);
    /// `card`: the test card's number (empty: 4242 4242 4242 4242), for its last four digits and fingerprint.
    QString createCharge(PaymentIntent &intent, const QString &card = {});
    QList<LineItem> copyLineItems(const QList<LineItem> &items) const;

    QString m_publicBase;
    Clock m_clock;
    EventSink m_sink;
    QHash<QString, Product> m_products;
    QHash<QString, Price> m_prices;
    QHash<QString, CheckoutSession> m_sessions;
    QHash<QString, PaymentIntent> m_intents;
    QHash<QString, Charge> m_charges;
    QHash<QString, Refund> m_refunds;
    QHash<QString, PaymentLink> m_links;
    WebhookEndpointStore m_webhookEndpoints{[this] { return now(); }};
};

} // namespace rdk::sandbox

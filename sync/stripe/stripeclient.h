#pragma once

#include "domain/result.h"
#include "sync/stripe/formencoding.h"
#include "sync/stripe/stripeevent.h"

#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace rdk::sync {

/// The API version every request pins, so a change of the account's default version on
/// Stripe's dashboard can't change the shape of what we get back.
inline constexpr char StripeApiVersion[] = "2024-06-20";

/// Why a call to Stripe failed, as a kind rather than a sentence: a caller that words its own
/// sentence (the request worker tells staff "Stripe could not be reached (no answer in time)")
/// branches on this, never on the message.
enum class StripeFailure {
    NotSent,        ///< refused before sending: a bad argument or the client's configuration
    Refused,        ///< Stripe answered 4xx (not 429): the request, the key or the object is wrong
    RateLimited,    ///< Stripe answered 429 on every try
    ServerError,    ///< Stripe answered 5xx, or reported its own api_error, on every try
    NoAnswer,       ///< no answer within the timeout, on every try
    NetworkError,   ///< no connection (refused, DNS, TLS) or one that broke off, on every try
    ShuttingDown,   ///< abandoned unanswered because the client was destroyed
    BadAnswer,      ///< a 2xx that is not what Stripe sends (is STRIPE_API_BASE Stripe?)
};

/// The Stripe client's error: the code and sentence every caller uses, plus why the call failed
/// and the HTTP status Stripe answered with (0 when no answer came). It slices to a plain Error
/// where a caller hands it across a layer (the checkout's PaymentGateway).
struct StripeCallError final : Error {
    StripeFailure failure = StripeFailure::NotSent;
    int httpStatus = 0;
};

template <typename T>
using StripeCallResult = Result<T, StripeCallError>;
using StripeCallStatus = StripeCallResult<void>;

/// When and how often a failed call is tried again. Only failures that may succeed on a
/// second try are retried: no answer (network error, timeout), 429 and 5xx. Other 4xx
/// answers mean the request itself is wrong and are returned at once. Every retry reuses
/// the call's Idempotency-Key, so Stripe never performs a POST twice.
struct StripeRetryPolicy {
    int maxAttempts = 3;                            ///< first try included
    std::chrono::milliseconds initialBackoff{500};  ///< doubled per retry: 0.5 s, 1 s, 2 s...
    double jitter = 0.2;                            ///< each wait scaled by a random factor in [1-j, 1+j]
    std::chrono::milliseconds maxRetryAfter{10000}; ///< a longer Retry-After is cut to this
};

struct StripeClientOptions {
    QUrl baseUrl = QUrl(QStringLiteral("https://api.stripe.com"));  ///< STRIPE_API_BASE; the sandbox in tests
    QString secretKey;                              ///< STRIPE_SECRET_KEY; never logged
    std::chrono::milliseconds timeout{15000};       ///< per attempt, connect to last byte
    StripeRetryPolicy retry;
};

/// One line of a Checkout Session, priced inline (no Stripe Product/Price objects needed).
struct CheckoutLine {
    QString name;           ///< shown on Stripe's page
    qint64 unitAmount = 0;  ///< minor units, >= 0
    int quantity = 1;       ///< >= 1
};

/// A shipping option offered on a Checkout Session, priced inline (shipping_rate_data).
struct CheckoutShippingOption {
    QString displayName;    ///< shown on Stripe's page, 1..100 characters
    qint64 amount = 0;      ///< minor units in the session's currency, >= 0
};

struct CheckoutSessionRequest {
    QString currency;               ///< ISO 4217, any case (sent lower-case, as Stripe documents)
    QList<CheckoutLine> lines;      ///< 1..100 (Stripe's limit)
    QString successUrl;             ///< may contain Stripe's {CHECKOUT_SESSION_ID} placeholder
    QString cancelUrl;
    QString orderId;                ///< sent as client_reference_id and metadata[order_id]
    std::optional<qint64> expiresAt;///< Unix seconds; Stripe wants 30 min..24 h from now
    QString customerEmail;          ///< optional: pre-fills Stripe's form
    QStringList shippingCountries;  ///< optional ISO 3166 alpha-2 codes: asks for a shipping address
    QList<CheckoutShippingOption> shippingOptions;  ///< 0..5 (Stripe's limit), the first preselected
    bool collectPhone = false;      ///< phone_number_collection[enabled]
    bool automaticTax = false;      ///< automatic_tax[enabled]; prices and shipping are then tax-exclusive
};

struct CheckoutSessionCreated {
    QString id;         ///< "cs_..."
    QUrl url;           ///< where to redirect the shopper
    qint64 expiresAt = 0;
    QStringList shippingRateIds;    ///< "shr_..." per requested shipping option, in order
};

struct PaymentLinkLine {
    QString priceId;    ///< "price_..." from createPrice
    int quantity = 1;
};

struct PaymentLinkRequest {
    QList<PaymentLinkLine> lines;
    QString orderId;                ///< metadata[order_id], copied by Stripe onto the sessions it creates
    int completedSessionsLimit = 1; ///< 1 = single use (POS); 0 = no limit sent
    QString afterCompletionUrl;     ///< optional redirect after paying
};

struct PaymentLinkCreated {
    QString id;         ///< "plink_..."
    QUrl url;           ///< what the POS QR code encodes
};

struct RefundCreated {
    QString id;         ///< "re_..."
    QString status;     ///< "pending", "succeeded", "failed", "requires_action", "canceled"
    qint64 amount = 0;
};

/// The Stripe account a key belongs to (GET /v1/account).
struct StripeAccount {
    QString id;             ///< "acct_..."
    QString displayName;    ///< settings.dashboard.display_name, else business_profile.name; may be empty
    QString country;
    bool chargesEnabled = false;
    bool detailsSubmitted = false;
};

/// A webhook endpoint as Stripe answers it. `secret` ("whsec_...") comes only in the answer to
/// creating one: Stripe never shows it again.
struct StripeWebhookEndpoint {
    QString id;             ///< "we_..."
    QString url;
    QStringList enabledEvents;
    QString status;         ///< "enabled" or "disabled"
    QString apiVersion;     ///< empty when the account's default applies
    QString description;
    QJsonObject metadata;
    qint64 created = 0;
    bool livemode = false;
    QString secret;
};

/// What to create or change. Update sends only the fields that are set (url and api_version
/// are Stripe's create-only choice here: an endpoint's api_version can't be changed).
struct StripeWebhookEndpointRequest {
    QString url;                            ///< create: required, https (http only in test mode)
    QStringList enabledEvents;              ///< create: required; update: empty = unchanged
    QString description;                    ///< empty = none / unchanged
    QList<QPair<QString, QString>> metadata;///< metadata[key]=value
    bool pinApiVersion = true;              ///< create: api_version=StripeApiVersion, so events parse as we expect
    std::optional<bool> disabled;           ///< update only
};

/// The one way the service talks to Stripe's API (DESIGN "Stripe"): form-encoded requests
/// with Bearer auth, a pinned Stripe-Version, an Idempotency-Key on every POST (a required
/// argument: derive it from our own ids, e.g. "checkout-<order id>", so a retried request
/// of ours maps onto the same Stripe object), a per-attempt timeout and bounded retries.
///
/// Asynchronous: every call returns a QFuture that is always fulfilled with exactly one
/// Result (never canceled, never empty, also when the client is destroyed first). Consume
/// it on your own thread with `future.then(this, [](Result<T> r) { ... })`, or block with
/// waitFor() from a worker thread. Calls may be made from any thread; the network work
/// runs on the client's thread, whose event loop must be running.
///
/// Errors (a StripeCallError, whose `failure` says why): Stripe's card/invalid_request errors ->
/// Invalid with Stripe's message (field = Stripe's `param`); a missing object -> NotFound; a
/// refused key -> Forbidden; a reused idempotency key with different parameters -> Conflict
/// (all Refused); rate limiting, 5xx, network failures and timeouts once retries are spent,
/// and calls abandoned by a destroyed client -> Unavailable.
class StripeClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StripeClient)

public:
    /// `network` is used when given (it must live on this client's thread and outlive it);
    /// otherwise the client makes its own. A live key (sk_live_/rk_live_) is refused for a
    /// base URL that is not https: every call then fails with an Internal error.
    explicit StripeClient(StripeClientOptions options, QNetworkAccessManager *network = nullptr,
                          QObject *parent = nullptr);
    ~StripeClient() override;

    /// POST /v1/checkout/sessions (mode=payment).
    QFuture<StripeCallResult<CheckoutSessionCreated>> createCheckoutSession(const CheckoutSessionRequest &request,
                                                                  const QString &idempotencyKey);
    /// GET /v1/checkout/sessions/{id}: reconciles an order whose webhook never came.
    QFuture<StripeCallResult<StripeCheckoutSession>> retrieveCheckoutSession(const QString &sessionId);
    /// POST /v1/checkout/sessions/{id}/expire: the shopper can no longer pay; stock can go back.
    QFuture<StripeCallResult<StripeCheckoutSession>> expireCheckoutSession(const QString &sessionId,
                                                                 const QString &idempotencyKey);
    /// POST /v1/prices with an inline product; the price id ("price_...") for a Payment Link.
    QFuture<StripeCallResult<QString>> createPrice(const QString &currency, qint64 unitAmount, const QString &productName,
                                         const QString &idempotencyKey);
    /// POST /v1/payment_links.
    QFuture<StripeCallResult<PaymentLinkCreated>> createPaymentLink(const PaymentLinkRequest &request,
                                                          const QString &idempotencyKey);
    /// POST /v1/payment_links/{id} active=true|false: deactivate a POS link once the order
    /// is paid or canceled, so the QR code stops working.
    QFuture<StripeCallStatus> setPaymentLinkActive(const QString &paymentLinkId, bool active, const QString &idempotencyKey);
    /// POST /v1/refunds; no amount = the whole remaining charge.
    QFuture<StripeCallResult<RefundCreated>> createRefund(const QString &paymentIntentId, std::optional<qint64> amount,
                                                const QString &orderId, const QString &idempotencyKey);

    /// GET /v1/account: which account the key belongs to.
    QFuture<StripeCallResult<StripeAccount>> retrieveAccount();
    /// GET /v1/webhook_endpoints?limit=100 (Stripe allows 16 endpoints per account, so one page
    /// holds them all; a page that says there are more is a bad answer).
    QFuture<StripeCallResult<QList<StripeWebhookEndpoint>>> listWebhookEndpoints();
    /// POST /v1/webhook_endpoints. The answer carries the signing secret, once.
    QFuture<StripeCallResult<StripeWebhookEndpoint>> createWebhookEndpoint(const StripeWebhookEndpointRequest &request,
                                                                           const QString &idempotencyKey);
    /// POST /v1/webhook_endpoints/{id}.
    QFuture<StripeCallResult<StripeWebhookEndpoint>> updateWebhookEndpoint(const QString &endpointId,
                                                                           const StripeWebhookEndpointRequest &request,
                                                                           const QString &idempotencyKey);
    /// DELETE /v1/webhook_endpoints/{id}.
    QFuture<StripeCallStatus> deleteWebhookEndpoint(const QString &endpointId);

    /// The exact form parameters createWebhookEndpoint / updateWebhookEndpoint send, in order.
    static Result<FormParams> webhookEndpointParams(const StripeWebhookEndpointRequest &request, bool create);

    /// The exact form parameters createCheckoutSession / createPaymentLink send, in order.
    /// Checks the request first (Error::invalid naming the field).
    static Result<FormParams> checkoutSessionParams(const CheckoutSessionRequest &request);
    static Result<FormParams> paymentLinkParams(const PaymentLinkRequest &request);

    /// Blocks until `future` is fulfilled. For worker threads only: on the client's own
    /// thread it would wait for an event loop it is blocking, so it refuses (Internal).
    template <typename T>
    StripeCallResult<T> waitFor(QFuture<StripeCallResult<T>> future) const
    {
        if (QThread::currentThread() == thread())
            return StripeCallError{Error::internal(QStringLiteral("StripeClient::waitFor was called on the client's "
                                                                  "own thread, which would deadlock.")),
                                   StripeFailure::NotSent, 0};
        future.waitForFinished();
        return future.result();
    }

private:
    struct Call;

    QFuture<StripeCallResult<QJsonObject>> send(QByteArray verb, QString path, FormParams params, QString idempotencyKey);
    void startAttempt(const std::shared_ptr<Call> &call);
    void onReplyFinished(const std::shared_ptr<Call> &call);
    void retryLater(const std::shared_ptr<Call> &call, std::chrono::milliseconds delay, const QString &why);
    void complete(const std::shared_ptr<Call> &call, StripeCallResult<QJsonObject> result);
    std::chrono::milliseconds backoffAfter(int attempt) const;

    StripeClientOptions m_options;
    QNetworkAccessManager *m_network = nullptr;
    std::optional<Error> m_configError;
    QList<std::shared_ptr<Call>> m_calls;   // in flight; touched on the client's thread only
};

} // namespace rdk::sync

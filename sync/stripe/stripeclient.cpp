#include "sync/stripe/stripeclient.h"

#include "domain/backoff.h"
#include "domain/money.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QPromise>
#include <QTimer>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace rdk::sync {

namespace {

Q_LOGGING_CATEGORY(lcStripe, "rdk.sync.stripe")

constexpr qsizetype MaxStripeIdLength = 255;
constexpr qsizetype MaxIdempotencyKeyLength = 255;   // Stripe's limit
constexpr qsizetype MaxLineItems = 100;              // Stripe's limit per Checkout Session
constexpr qsizetype MaxShippingOptions = 5;         // Stripe's limit per Checkout Session
constexpr qsizetype MaxStripeMessage = 500;          // of Stripe's error text, in our messages

bool isStripeId(const QString &id)
{
    return !id.isEmpty() && id.size() <= MaxStripeIdLength && std::all_of(id.begin(), id.end(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_';
    });
}

bool isIdempotencyKey(const QString &key)
{
    return !key.isEmpty() && key.size() <= MaxIdempotencyKeyLength
        && std::all_of(key.begin(), key.end(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

bool isHttpUrl(const QString &url)
{
    return url.startsWith(u"https://"_s) || url.startsWith(u"http://"_s);
}

StripeCallError failed(StripeFailure failure, Error error, int httpStatus = 0)
{
    return StripeCallError{std::move(error), failure, httpStatus};
}

/// A call refused before anything was sent.
template <typename T>
QFuture<StripeCallResult<T>> notSent(Error error)
{
    QPromise<StripeCallResult<T>> promise;
    promise.start();
    promise.addResult(StripeCallResult<T>(failed(StripeFailure::NotSent, std::move(error))));
    promise.finish();
    return promise.future();
}

StripeCallError abandoned()
{
    return failed(StripeFailure::ShuttingDown,
                  Error::unavailable(u"The Stripe request was abandoned because the service is shutting down."_s));
}

QString stripeMessage(const QJsonObject &error, int status)
{
    QString message = error.value(u"message"_s).toString().simplified();
    if (message.isEmpty())
        return u"HTTP %1 without an explanation"_s.arg(status);
    if (message.size() > MaxStripeMessage)
        message = message.first(MaxStripeMessage) + u"…"_s;
    return message;
}

/// Stripe's error body {"error":{"type","code","message","param"}} -> our error, with a
/// sentence an operator can act on and the kind of failure. Never echoes the API key (Stripe's
/// own authentication message may quote part of it, so it is not passed on).
StripeCallError mapStripeError(int status, const QByteArray &body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"error"_s).toObject();
    const QString type = error.value(u"type"_s).toString();
    const QString code = error.value(u"code"_s).toString();
    const QString param = error.value(u"param"_s).toString();
    const auto refused = [status](Error e) { return failed(StripeFailure::Refused, std::move(e), status); };
    if (status == 401 || type == u"authentication_error")
        return refused(Error::forbidden(u"Stripe refused the API key. Check STRIPE_SECRET_KEY (and that test and live "
                                        "keys are not mixed up)."_s));
    if (status == 403 || type == u"permission_error")
        return refused(Error::forbidden(u"Stripe refused the request: the API key may not do this (%1). Use a key "
                                        "with the needed permissions."_s.arg(stripeMessage(error, status))));
    if (type == u"idempotency_error")
        return refused(Error::conflict(u"Stripe refused the request: its idempotency key was already used for a "
                                       "different request (%1)."_s.arg(stripeMessage(error, status))));
    if (status == 429 || type == u"rate_limit_error")
        return failed(StripeFailure::RateLimited,
                      Error::unavailable(u"Stripe is limiting how fast we may call it and still refused after "
                                         "several tries; try again in a minute."_s),
                      status);
    if (status >= 500 || type == u"api_error")
        return failed(StripeFailure::ServerError,
                      Error::unavailable(u"Stripe had a problem (HTTP %1) and still failed after several tries; "
                                         "try again in a few minutes."_s.arg(status)),
                      status);
    if (status == 404 || code == u"resource_missing")
        return refused(Error::notFound(u"Stripe has no such object: %1"_s.arg(stripeMessage(error, status))));
    if (type == u"card_error")
        return refused(Error::invalid(u"The card was declined: %1"_s.arg(stripeMessage(error, status)), param));
    return refused(Error::invalid(u"Stripe refused the request: %1"_s.arg(stripeMessage(error, status)), param));
}

/// A Retry-After in seconds (the form Stripe and proxies use); HTTP dates are ignored.
std::optional<std::chrono::milliseconds> retryAfter(const QNetworkReply &reply)
{
    bool ok = false;
    const qint64 seconds = reply.rawHeader("Retry-After").trimmed().toLongLong(&ok);
    if (!ok || seconds < 0)
        return std::nullopt;
    return std::chrono::milliseconds(std::min<qint64>(seconds, 24 * 3600) * 1000);
}

/// A Checkout Session as Stripe answered it; one that does not parse is a bad answer.
StripeCallResult<StripeCheckoutSession> answeredSession(const QJsonObject &object)
{
    auto session = parseCheckoutSession(object);
    if (!session)
        return failed(StripeFailure::BadAnswer, session.error());
    return std::move(session).value();
}

StripeCallError missingField(const char *what)
{
    return failed(StripeFailure::BadAnswer, Error::internal(u"Stripe's answer has no %1; is STRIPE_API_BASE really "
                                                            "Stripe's API?"_s.arg(QString::fromLatin1(what))));
}

bool isEndpointId(const QString &id)
{
    return id.startsWith(u"we_"_s) && isStripeId(id);
}

StripeCallResult<StripeWebhookEndpoint> answeredEndpoint(const QJsonObject &o)
{
    StripeWebhookEndpoint e;
    e.id = o.value(u"id"_s).toString();
    e.url = o.value(u"url"_s).toString();
    for (const QJsonValue &event : o.value(u"enabled_events"_s).toArray())
        e.enabledEvents.append(event.toString());
    e.status = o.value(u"status"_s).toString();
    e.apiVersion = o.value(u"api_version"_s).toString();
    e.description = o.value(u"description"_s).toString();
    e.metadata = o.value(u"metadata"_s).toObject();
    e.created = o.value(u"created"_s).toInteger();
    e.livemode = o.value(u"livemode"_s).toBool();
    e.secret = o.value(u"secret"_s).toString();
    if (!isEndpointId(e.id) || e.url.isEmpty())
        return missingField("webhook endpoint id or url");
    return e;
}

} // namespace

struct StripeClient::Call {
    QByteArray verb;
    QString path;
    QByteArray body;
    QByteArray query;           // GET parameters, already encoded
    QByteArray idempotencyKey;
    int attempt = 0;
    bool timedOut = false;
    bool finished = false;
    QPointer<QNetworkReply> reply;
    QPromise<StripeCallResult<QJsonObject>> promise;

    ~Call()
    {
        // The future promises exactly one result; a call dropped unanswered (the client was
        // destroyed, or its thread stopped before the call got there) still gets one.
        if (!finished) {
            promise.addResult(StripeCallResult<QJsonObject>(abandoned()));
            promise.finish();
        }
    }
};

StripeClient::StripeClient(StripeClientOptions options, QNetworkAccessManager *network, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_network(network)
{
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    const QUrl &base = m_options.baseUrl;
    const bool liveKey = m_options.secretKey.startsWith(u"sk_live_"_s) || m_options.secretKey.startsWith(u"rk_live_"_s);
    if (!base.isValid() || base.host().isEmpty() || (base.scheme() != u"https" && base.scheme() != u"http"))
        m_configError = Error::internal(u"STRIPE_API_BASE is not an http(s) address."_s);
    else if (liveKey && base.scheme() != u"https")
        m_configError = Error::internal(u"A live Stripe key must only be sent over https; check STRIPE_API_BASE."_s);
    else if (m_options.secretKey.isEmpty())
        m_configError = Error::internal(u"STRIPE_SECRET_KEY is not set."_s);
    m_options.retry.maxAttempts = std::max(1, m_options.retry.maxAttempts);
}

StripeClient::~StripeClient()
{
    // Fulfil every future still waiting (its owner may be waiting on another thread), and
    // stop the transfers so nothing calls back into a destroyed client.
    const auto calls = std::exchange(m_calls, {});
    for (const std::shared_ptr<Call> &call : calls) {
        if (QNetworkReply *reply = call->reply) {
            reply->disconnect(this);
            reply->abort();
            delete reply;
        }
        if (!call->finished) {
            call->finished = true;
            call->promise.addResult(StripeCallResult<QJsonObject>(abandoned()));
            call->promise.finish();
        }
    }
}

Result<FormParams> StripeClient::checkoutSessionParams(const CheckoutSessionRequest &request)
{
    const QString currency = request.currency.toUpper();
    if (!Money::isValidCurrency(currency))
        return Error::invalid(u"The checkout currency must be a three-letter ISO code such as USD."_s, u"currency"_s);
    if (request.lines.isEmpty())
        return Error::invalid(u"A checkout needs at least one item."_s, u"lines"_s);
    if (request.lines.size() > MaxLineItems)
        return Error::invalid(u"Stripe Checkout takes at most 100 different items; split the order."_s, u"lines"_s);
    if (!isHttpUrl(request.successUrl) || !isHttpUrl(request.cancelUrl))
        return Error::invalid(u"The checkout return addresses must be http(s) URLs; check the shop's public "
                              "address setting."_s,
                              u"successUrl"_s);
    if (request.orderId.isEmpty() || request.orderId.size() > 200)
        return Error::invalid(u"A checkout needs the order id (at most 200 characters)."_s, u"orderId"_s);

    FormParams p;
    p.append({u"mode"_s, u"payment"_s});
    for (qsizetype i = 0; i < request.lines.size(); ++i) {
        const CheckoutLine &line = request.lines.at(i);
        if (line.name.trimmed().isEmpty())
            return Error::invalid(u"Every checkout item needs a name."_s, u"lines"_s);
        if (line.unitAmount < 0)
            return Error::invalid(u"A checkout item can't have a negative price."_s, u"lines"_s);
        if (line.quantity < 1)
            return Error::invalid(u"Every checkout item needs a quantity of at least 1."_s, u"lines"_s);
        p.append({formKey(u"line_items", i, u"price_data", u"currency"), currency.toLower()});
        p.append({formKey(u"line_items", i, u"price_data", u"unit_amount"), QString::number(line.unitAmount)});
        p.append({formKey(u"line_items", i, u"price_data", u"product_data", u"name"), line.name});
        if (request.automaticTax)
            p.append({formKey(u"line_items", i, u"price_data", u"tax_behavior"), u"exclusive"_s});
        p.append({formKey(u"line_items", i, u"quantity"), QString::number(line.quantity)});
    }
    p.append({u"success_url"_s, request.successUrl});
    p.append({u"cancel_url"_s, request.cancelUrl});
    p.append({u"client_reference_id"_s, request.orderId});
    p.append({formKey(u"metadata", u"order_id"), request.orderId});
    // Copied by Stripe onto the payment and its charge, so charge.succeeded (the card's
    // fingerprint, for a release's per-buyer limits) names the order too.
    p.append({formKey(u"payment_intent_data", u"metadata", u"order_id"), request.orderId});
    if (request.expiresAt)
        p.append({u"expires_at"_s, QString::number(*request.expiresAt)});
    if (!request.customerEmail.isEmpty())
        p.append({u"customer_email"_s, request.customerEmail});
    for (qsizetype i = 0; i < request.shippingCountries.size(); ++i) {
        const QString &country = request.shippingCountries.at(i);
        const bool iso = country.size() == 2
            && std::all_of(country.begin(), country.end(), [](QChar c) { return c >= u'A' && c <= u'Z'; });
        if (!iso)
            return Error::invalid(u"Shipping countries must be two-letter ISO codes such as US or DE."_s,
                                  u"shippingCountries"_s);
        p.append({formKey(u"shipping_address_collection", u"allowed_countries", i), country});
    }
    if (request.shippingOptions.size() > MaxShippingOptions)
        return Error::invalid(u"Stripe Checkout offers at most 5 shipping options."_s, u"shippingOptions"_s);
    for (qsizetype i = 0; i < request.shippingOptions.size(); ++i) {
        const CheckoutShippingOption &option = request.shippingOptions.at(i);
        if (option.displayName.trimmed().isEmpty() || option.displayName.size() > 100)
            return Error::invalid(u"Every shipping option needs a name of 1 to 100 characters."_s, u"shippingOptions"_s);
        if (option.amount < 0)
            return Error::invalid(u"A shipping option can't have a negative price."_s, u"shippingOptions"_s);
        p.append({formKey(u"shipping_options", i, u"shipping_rate_data", u"type"), u"fixed_amount"_s});
        p.append({formKey(u"shipping_options", i, u"shipping_rate_data", u"display_name"), option.displayName});
        p.append({formKey(u"shipping_options", i, u"shipping_rate_data", u"fixed_amount", u"amount"),
                  QString::number(option.amount)});
        p.append({formKey(u"shipping_options", i, u"shipping_rate_data", u"fixed_amount", u"currency"), currency.toLower()});
        if (request.automaticTax)
            p.append({formKey(u"shipping_options", i, u"shipping_rate_data", u"tax_behavior"), u"exclusive"_s});
    }
    if (request.collectPhone)
        p.append({formKey(u"phone_number_collection", u"enabled"), u"true"_s});
    if (request.automaticTax)
        p.append({formKey(u"automatic_tax", u"enabled"), u"true"_s});
    return p;
}

Result<FormParams> StripeClient::paymentLinkParams(const PaymentLinkRequest &request)
{
    if (request.lines.isEmpty())
        return Error::invalid(u"A payment link needs at least one item."_s, u"lines"_s);
    if (request.lines.size() > MaxLineItems)
        return Error::invalid(u"A payment link takes at most 100 different items."_s, u"lines"_s);
    if (request.orderId.isEmpty())
        return Error::invalid(u"A payment link needs the order id."_s, u"orderId"_s);
    if (request.completedSessionsLimit < 0)
        return Error::invalid(u"The payment link's use limit can't be negative."_s, u"completedSessionsLimit"_s);
    if (!request.afterCompletionUrl.isEmpty() && !isHttpUrl(request.afterCompletionUrl))
        return Error::invalid(u"The address after payment must be an http(s) URL."_s, u"afterCompletionUrl"_s);

    FormParams p;
    for (qsizetype i = 0; i < request.lines.size(); ++i) {
        const PaymentLinkLine &line = request.lines.at(i);
        if (!isStripeId(line.priceId))
            return Error::invalid(u"A payment link item has no valid Stripe price id."_s, u"lines"_s);
        if (line.quantity < 1)
            return Error::invalid(u"Every payment link item needs a quantity of at least 1."_s, u"lines"_s);
        p.append({formKey(u"line_items", i, u"price"), line.priceId});
        p.append({formKey(u"line_items", i, u"quantity"), QString::number(line.quantity)});
    }
    p.append({formKey(u"metadata", u"order_id"), request.orderId});
    if (request.completedSessionsLimit > 0)
        p.append({formKey(u"restrictions", u"completed_sessions", u"limit"),
                  QString::number(request.completedSessionsLimit)});
    if (!request.afterCompletionUrl.isEmpty()) {
        p.append({formKey(u"after_completion", u"type"), u"redirect"_s});
        p.append({formKey(u"after_completion", u"redirect", u"url"), request.afterCompletionUrl});
    }
    return p;
}

QFuture<StripeCallResult<CheckoutSessionCreated>> StripeClient::createCheckoutSession(const CheckoutSessionRequest &request,
                                                                            const QString &idempotencyKey)
{
    Result<FormParams> params = checkoutSessionParams(request);
    if (!params)
        return notSent<CheckoutSessionCreated>(params.error());
    return send("POST", u"/v1/checkout/sessions"_s, std::move(params).value(), idempotencyKey)
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<CheckoutSessionCreated> {
            if (!r)
                return r.error();
            CheckoutSessionCreated created;
            created.id = r->value(u"id"_s).toString();
            created.url = QUrl(r->value(u"url"_s).toString());
            created.expiresAt = r->value(u"expires_at"_s).toInteger();
            if (created.id.isEmpty())
                return missingField("checkout session id");
            if (!created.url.isValid() || created.url.isEmpty())
                return missingField("checkout page URL");
            // shipping_options[].shipping_rate: an id, or the object when expanded.
            for (const QJsonValue &option : r->value(u"shipping_options"_s).toArray()) {
                const QJsonValue rate = option.toObject().value(u"shipping_rate"_s);
                created.shippingRateIds.append(rate.isObject() ? rate.toObject().value(u"id"_s).toString() : rate.toString());
            }
            return created;
        });
}

QFuture<StripeCallResult<StripeCheckoutSession>> StripeClient::retrieveCheckoutSession(const QString &sessionId)
{
    if (!isStripeId(sessionId))
        return notSent<StripeCheckoutSession>(
            Error::invalid(u"That is not a Stripe Checkout Session id (cs_...)."_s, u"sessionId"_s));
    return send("GET", u"/v1/checkout/sessions/"_s + sessionId, {}, {})
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<StripeCheckoutSession> {
            if (!r)
                return r.error();
            return answeredSession(*r);
        });
}

QFuture<StripeCallResult<StripeCheckoutSession>> StripeClient::expireCheckoutSession(const QString &sessionId,
                                                                           const QString &idempotencyKey)
{
    if (!isStripeId(sessionId))
        return notSent<StripeCheckoutSession>(
            Error::invalid(u"That is not a Stripe Checkout Session id (cs_...)."_s, u"sessionId"_s));
    return send("POST", u"/v1/checkout/sessions/%1/expire"_s.arg(sessionId), {}, idempotencyKey)
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<StripeCheckoutSession> {
            if (!r)
                return r.error();
            return answeredSession(*r);
        });
}

QFuture<StripeCallResult<QString>> StripeClient::createPrice(const QString &currency, qint64 unitAmount,
                                                   const QString &productName, const QString &idempotencyKey)
{
    if (!Money::isValidCurrency(currency.toUpper()))
        return notSent<QString>(Error::invalid(u"The price currency must be a three-letter ISO code."_s, u"currency"_s));
    if (unitAmount < 0)
        return notSent<QString>(Error::invalid(u"A price can't be negative."_s, u"unitAmount"_s));
    if (productName.trimmed().isEmpty())
        return notSent<QString>(Error::invalid(u"A price needs a product name."_s, u"productName"_s));
    const FormParams params = {
        {u"currency"_s, currency.toLower()},
        {u"unit_amount"_s, QString::number(unitAmount)},
        {formKey(u"product_data", u"name"), productName},
    };
    return send("POST", u"/v1/prices"_s, params, idempotencyKey).then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<QString> {
        if (!r)
            return r.error();
        const QString id = r->value(u"id"_s).toString();
        if (id.isEmpty())
            return missingField("price id");
        return id;
    });
}

QFuture<StripeCallResult<PaymentLinkCreated>> StripeClient::createPaymentLink(const PaymentLinkRequest &request,
                                                                    const QString &idempotencyKey)
{
    Result<FormParams> params = paymentLinkParams(request);
    if (!params)
        return notSent<PaymentLinkCreated>(params.error());
    return send("POST", u"/v1/payment_links"_s, std::move(params).value(), idempotencyKey)
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<PaymentLinkCreated> {
            if (!r)
                return r.error();
            PaymentLinkCreated created{r->value(u"id"_s).toString(), QUrl(r->value(u"url"_s).toString())};
            if (created.id.isEmpty())
                return missingField("payment link id");
            if (!created.url.isValid() || created.url.isEmpty())
                return missingField("payment link URL");
            return created;
        });
}

QFuture<StripeCallStatus> StripeClient::setPaymentLinkActive(const QString &paymentLinkId, bool active,
                                                   const QString &idempotencyKey)
{
    if (!isStripeId(paymentLinkId))
        return notSent<void>(Error::invalid(u"That is not a Stripe payment link id (plink_...)."_s, u"paymentLinkId"_s));
    const FormParams params = {{u"active"_s, active ? u"true"_s : u"false"_s}};
    return send("POST", u"/v1/payment_links/"_s + paymentLinkId, params, idempotencyKey)
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallStatus {
            if (!r)
                return r.error();
            return {};
        });
}

QFuture<StripeCallResult<RefundCreated>> StripeClient::createRefund(const QString &paymentIntentId, std::optional<qint64> amount,
                                                          const QString &orderId, const QString &idempotencyKey)
{
    if (!isStripeId(paymentIntentId))
        return notSent<RefundCreated>(
            Error::invalid(u"That is not a Stripe payment id (pi_...); the order may not have been paid "
                           "through Stripe."_s,
                           u"paymentIntent"_s));
    if (amount && *amount <= 0)
        return notSent<RefundCreated>(Error::invalid(u"A refund must be more than zero."_s, u"amount"_s));
    FormParams params = {{u"payment_intent"_s, paymentIntentId}};
    if (amount)
        params.append({u"amount"_s, QString::number(*amount)});
    if (!orderId.isEmpty())
        params.append({formKey(u"metadata", u"order_id"), orderId});
    return send("POST", u"/v1/refunds"_s, params, idempotencyKey)
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<RefundCreated> {
            if (!r)
                return r.error();
            RefundCreated created{r->value(u"id"_s).toString(), r->value(u"status"_s).toString(),
                                  r->value(u"amount"_s).toInteger()};
            if (created.id.isEmpty())
                return missingField("refund id");
            return created;
        });
}

Result<FormParams> StripeClient::webhookEndpointParams(const StripeWebhookEndpointRequest &request, bool create)
{
    FormParams p;
    if (create || !request.url.isEmpty()) {
        const QUrl url(request.url, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"https"_s && url.scheme() != u"http"_s) || url.host().isEmpty()
            || url.hasFragment())
            return Error::invalid(u"The webhook address must be an http(s) URL; check RDK_PUBLIC_URL."_s, u"url"_s);
        p.append({u"url"_s, request.url});
    }
    if (create && request.enabledEvents.isEmpty())
        return Error::invalid(u"A webhook endpoint needs at least one event."_s, u"enabledEvents"_s);
    for (qsizetype i = 0; i < request.enabledEvents.size(); ++i) {
        const QString &type = request.enabledEvents.at(i);
        if (type.isEmpty() || type.size() > 100)
            return Error::invalid(u"An event name is empty or too long."_s, u"enabledEvents"_s);
        p.append({formKey(u"enabled_events", i), type});
    }
    if (create && request.pinApiVersion)
        p.append({u"api_version"_s, QString::fromLatin1(StripeApiVersion)});
    if (!request.description.isEmpty()) {
        if (request.description.size() > 5000)
            return Error::invalid(u"The webhook description is longer than Stripe takes (5000)."_s, u"description"_s);
        p.append({u"description"_s, request.description});
    }
    if (request.metadata.size() > 50)
        return Error::invalid(u"Stripe takes at most 50 metadata keys."_s, u"metadata"_s);
    for (const auto &[key, value] : request.metadata) {
        if (key.isEmpty() || key.size() > 40 || value.size() > 500 || key.contains(u'[') || key.contains(u']'))
            return Error::invalid(u"Metadata keys take 1-40 characters without brackets, values at most 500."_s,
                                  u"metadata"_s);
        p.append({formKey(u"metadata", key), value});
    }
    if (!create && request.disabled)
        p.append({u"disabled"_s, *request.disabled ? u"true"_s : u"false"_s});
    if (!create && p.isEmpty())
        return Error::invalid(u"Nothing to change on the webhook endpoint."_s);
    return p;
}

QFuture<StripeCallResult<StripeAccount>> StripeClient::retrieveAccount()
{
    return send("GET", u"/v1/account"_s, {}, {}).then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<StripeAccount> {
        if (!r)
            return r.error();
        StripeAccount account;
        account.id = r->value(u"id"_s).toString();
        account.displayName = r->value(u"settings"_s).toObject().value(u"dashboard"_s).toObject().value(u"display_name"_s).toString();
        if (account.displayName.isEmpty())
            account.displayName = r->value(u"business_profile"_s).toObject().value(u"name"_s).toString();
        account.country = r->value(u"country"_s).toString();
        account.chargesEnabled = r->value(u"charges_enabled"_s).toBool();
        account.detailsSubmitted = r->value(u"details_submitted"_s).toBool();
        if (!account.id.startsWith(u"acct_"_s) || !isStripeId(account.id))
            return missingField("account id");
        return account;
    });
}

QFuture<StripeCallResult<QList<StripeWebhookEndpoint>>> StripeClient::listWebhookEndpoints()
{
    return send("GET", u"/v1/webhook_endpoints"_s, {{u"limit"_s, u"100"_s}}, {})
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<QList<StripeWebhookEndpoint>> {
            if (!r)
                return r.error();
            if (r->value(u"object"_s).toString() != u"list"_s || !r->value(u"data"_s).isArray())
                return missingField("list of webhook endpoints");
            if (r->value(u"has_more"_s).toBool())
                return failed(StripeFailure::BadAnswer,
                              Error::internal(u"Stripe lists more than 100 webhook endpoints, more than an account may "
                                              "have; is STRIPE_API_BASE really Stripe's API?"_s));
            QList<StripeWebhookEndpoint> endpoints;
            for (const QJsonValue &item : r->value(u"data"_s).toArray()) {
                auto endpoint = answeredEndpoint(item.toObject());
                if (!endpoint)
                    return endpoint.error();
                endpoints.append(std::move(endpoint).value());
            }
            return endpoints;
        });
}

QFuture<StripeCallResult<StripeWebhookEndpoint>> StripeClient::createWebhookEndpoint(const StripeWebhookEndpointRequest &request,
                                                                                     const QString &idempotencyKey)
{
    Result<FormParams> params = webhookEndpointParams(request, true);
    if (!params)
        return notSent<StripeWebhookEndpoint>(params.error());
    return send("POST", u"/v1/webhook_endpoints"_s, std::move(params).value(), idempotencyKey)
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<StripeWebhookEndpoint> {
            if (!r)
                return r.error();
            auto endpoint = answeredEndpoint(*r);
            if (endpoint && !endpoint->secret.startsWith(u"whsec_"_s))
                return missingField("webhook signing secret");
            return endpoint;
        });
}

QFuture<StripeCallResult<StripeWebhookEndpoint>> StripeClient::updateWebhookEndpoint(const QString &endpointId,
                                                                                     const StripeWebhookEndpointRequest &request,
                                                                                     const QString &idempotencyKey)
{
    if (!isEndpointId(endpointId))
        return notSent<StripeWebhookEndpoint>(
            Error::invalid(u"That is not a Stripe webhook endpoint id (we_...)."_s, u"endpointId"_s));
    Result<FormParams> params = webhookEndpointParams(request, false);
    if (!params)
        return notSent<StripeWebhookEndpoint>(params.error());
    return send("POST", u"/v1/webhook_endpoints/"_s + endpointId, std::move(params).value(), idempotencyKey)
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallResult<StripeWebhookEndpoint> {
            if (!r)
                return r.error();
            return answeredEndpoint(*r);
        });
}

QFuture<StripeCallStatus> StripeClient::deleteWebhookEndpoint(const QString &endpointId)
{
    if (!isEndpointId(endpointId))
        return notSent<void>(Error::invalid(u"That is not a Stripe webhook endpoint id (we_...)."_s, u"endpointId"_s));
    return send("DELETE", u"/v1/webhook_endpoints/"_s + endpointId, {}, {})
        .then([](StripeCallResult<QJsonObject> r) -> StripeCallStatus {
            if (!r)
                return r.error();
            if (!r->value(u"deleted"_s).toBool())
                return missingField("deleted flag");
            return {};
        });
}

QFuture<StripeCallResult<QJsonObject>> StripeClient::send(QByteArray verb, QString path, FormParams params,
                                                QString idempotencyKey)
{
    if (m_configError)
        return notSent<QJsonObject>(*m_configError);
    const bool post = verb == "POST";
    if (post && !isIdempotencyKey(idempotencyKey))
        return notSent<QJsonObject>(Error::invalid(
            u"A Stripe request needs an idempotency key of 1-255 visible ASCII characters."_s, u"Idempotency-Key"_s));

    auto call = std::make_shared<Call>();
    call->verb = std::move(verb);
    call->path = std::move(path);
    call->body = post ? encodeForm(params) : QByteArray();
    call->query = post ? QByteArray() : encodeForm(params);
    call->idempotencyKey = post ? idempotencyKey.toLatin1() : QByteArray();
    call->promise.start();
    QFuture<StripeCallResult<QJsonObject>> future = call->promise.future();

    // QNetworkAccessManager belongs to one thread: hop there when called from another.
    if (QThread::currentThread() == thread()) {
        m_calls.append(call);
        startAttempt(call);
    } else {
        QMetaObject::invokeMethod(
            this,
            [this, call] {
                m_calls.append(call);
                startAttempt(call);
            },
            Qt::QueuedConnection);
    }
    return future;
}

void StripeClient::startAttempt(const std::shared_ptr<Call> &call)
{
    ++call->attempt;
    call->timedOut = false;

    QUrl url = m_options.baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + call->path);
    if (!call->query.isEmpty())
        url.setQuery(QString::fromLatin1(call->query));

    QNetworkRequest request(url);
    // Stripe never redirects; following one could hand the key to another host.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Authorization", "Bearer " + m_options.secretKey.toUtf8());
    request.setRawHeader("Stripe-Version", StripeApiVersion);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("RealDealKickz-rdk-sync"));

    QNetworkReply *reply = nullptr;
    if (call->verb == "POST") {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/x-www-form-urlencoded"));
        request.setRawHeader("Idempotency-Key", call->idempotencyKey);
        reply = m_network->post(request, call->body);
    } else if (call->verb == "DELETE") {
        reply = m_network->deleteResource(request);
    } else {
        reply = m_network->get(request);
    }
    call->reply = reply;

    // Per-attempt deadline, connect to last byte. Owned by the reply, so it dies with it.
    auto *deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, reply, [call, reply] {
        call->timedOut = true;
        reply->abort();
    });
    deadline->start(m_options.timeout);
    connect(reply, &QNetworkReply::finished, this, [this, call] { onReplyFinished(call); });
}

void StripeClient::onReplyFinished(const std::shared_ptr<Call> &call)
{
    QNetworkReply *reply = call->reply;
    call->reply = nullptr;
    if (!reply)
        return;
    reply->deleteLater();

    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    const bool success = status >= 200 && status < 300;
    const bool canRetry = call->attempt < m_options.retry.maxAttempts;
    const QByteArray requestId = reply->rawHeader("Request-Id");   // Stripe's id for its support

    // No complete answer: connection refused/reset, DNS, TLS, our deadline, or a 2xx whose
    // body broke off. Safe to retry: a POST carries the same Idempotency-Key.
    if (call->timedOut || status == 0 || (success && reply->error() != QNetworkReply::NoError)) {
        const QString why = call->timedOut
            ? u"no answer within %1 ms"_s.arg(m_options.timeout.count())
            : reply->errorString();   // "Connection refused", "Host ... not found": no secrets
        if (canRetry) {
            retryLater(call, backoffAfter(call->attempt), why);
            return;
        }
        qCWarning(lcStripe).noquote() << u"%1 %2 failed after %3 attempts: %4"_s.arg(QString::fromLatin1(call->verb),
                                                                                    call->path)
                                                 .arg(call->attempt)
                                                 .arg(why);
        complete(call, call->timedOut
                     ? failed(StripeFailure::NoAnswer,
                              Error::unavailable(u"Stripe can't be reached: it did not answer within %1 seconds, %2 "
                                                 "times. Try again in a few minutes."_s
                                                     .arg(double(m_options.timeout.count()) / 1000.0)
                                                     .arg(call->attempt)))
                     : failed(StripeFailure::NetworkError,
                              Error::unavailable(u"Stripe can't be reached. Check the internet connection and "
                                                 "STRIPE_API_BASE, then try again."_s)));
        return;
    }

    const QByteArray body = reply->readAll();
    if (success) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            complete(call, failed(StripeFailure::BadAnswer,
                                  Error::internal(u"Stripe's answer was not a JSON object; is STRIPE_API_BASE really "
                                                  "Stripe's API?"_s),
                                  status));
            return;
        }
        complete(call, document.object());
        return;
    }

    const bool retryable = status == 429 || status >= 500;
    // Stripe says outright when a retry can't help (e.g. a request it already failed for good).
    const bool stripeSaysNo = reply->rawHeader("Stripe-Should-Retry") == "false";
    if (retryable && !stripeSaysNo && canRetry) {
        std::chrono::milliseconds delay = backoffAfter(call->attempt);
        if (const auto asked = retryAfter(*reply))
            delay = std::max(delay, std::min(*asked, m_options.retry.maxRetryAfter));
        retryLater(call, delay, u"HTTP %1"_s.arg(status));
        return;
    }
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"error"_s).toObject();
    // Type, code and Stripe's request id find the request in Stripe's dashboard; Stripe's
    // message is left out of the log (it can quote customer input).
    qCWarning(lcStripe).noquote() << u"%1 %2: HTTP %3, type=%4 code=%5 request-id=%6 after %7 attempt(s)"_s
                                         .arg(QString::fromLatin1(call->verb), call->path)
                                         .arg(status)
                                         .arg(error.value(u"type"_s).toString(), error.value(u"code"_s).toString(),
                                              QString::fromLatin1(requestId))
                                         .arg(call->attempt);
    complete(call, mapStripeError(status, body));
}

void StripeClient::retryLater(const std::shared_ptr<Call> &call, std::chrono::milliseconds delay, const QString &why)
{
    qCInfo(lcStripe).noquote() << u"%1 %2: %3; retrying in %4 ms (attempt %5 of %6)"_s
                                      .arg(QString::fromLatin1(call->verb), call->path, why)
                                      .arg(delay.count())
                                      .arg(call->attempt + 1)
                                      .arg(m_options.retry.maxAttempts);
    QTimer::singleShot(delay, this, [this, call] { startAttempt(call); });
}

void StripeClient::complete(const std::shared_ptr<Call> &call, StripeCallResult<QJsonObject> result)
{
    call->finished = true;
    call->promise.addResult(std::move(result));
    call->promise.finish();
    m_calls.removeOne(call);
}

std::chrono::milliseconds StripeClient::backoffAfter(int attempt) const
{
    // Jitter spreads out the retries of many requests that failed together. No cap of its own:
    // maxAttempts keeps the waits short (0.5 s, 1 s with the defaults).
    const StripeRetryPolicy &policy = m_options.retry;
    return Backoff(policy.initialBackoff, std::chrono::hours(24), 2.0, policy.jitter).delay(attempt);
}

} // namespace rdk::sync

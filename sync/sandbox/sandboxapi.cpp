#include "sync/sandbox/sandboxapi.h"

#include "sync/sandbox/formparser.h"
#include "sync/sandbox/idgenerator.h"
#include "sync/sandbox/paypage.h"
#include "sync/sandbox/webhookdispatcher.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {
namespace {

enum class KeyCheck { Missing, Live, Invalid, Ok };

/// The API key from `Authorization: Bearer <key>` or Basic auth with the key as user name
/// (what `curl -u sk_test_...:` sends; Stripe accepts both).
QString apiKey(const QByteArray &authorization)
{
    if (authorization.startsWith("Bearer "))
        return QString::fromLatin1(authorization.mid(7).trimmed());
    if (authorization.startsWith("Basic ")) {
        const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6).trimmed());
        return QString::fromLatin1(decoded.left(decoded.indexOf(':') < 0 ? decoded.size() : decoded.indexOf(':')));
    }
    return {};
}

KeyCheck checkKey(const QString &key)
{
    if (key.isEmpty())
        return KeyCheck::Missing;
    if (key.startsWith(u"sk_live_"_s) || key.startsWith(u"rk_live_"_s))
        return KeyCheck::Live;
    static const QRegularExpression pattern(u"^(sk|rk)_test_[A-Za-z0-9_]{4,200}$"_s);
    return pattern.match(key).hasMatch() ? KeyCheck::Ok : KeyCheck::Invalid;
}

/// Never echo a whole key, not even a test one: logs and screenshots travel.
QString redactedKey(const QString &key)
{
    if (key.size() <= 12)
        return u"****"_s;
    return key.left(8) + QString(qMin<qsizetype>(key.size() - 12, 24), u'*') + key.right(4);
}

QString controlValue(const FormNode &body, const FormNode &query, const QString &name)
{
    if (const FormNode *n = body.child(name); n && n->isValue())
        return n->text();
    if (const FormNode *n = query.child(name); n && n->isValue())
        return n->text();
    return {};
}

// The pay page's fields (the test controls take the same names).
CustomerEntry customerEntry(const FormNode &body, const FormNode &query)
{
    CustomerEntry entry;
    entry.email = controlValue(body, query, u"email"_s);
    entry.name = controlValue(body, query, u"name"_s);
    entry.line1 = controlValue(body, query, u"line1"_s);
    entry.line2 = controlValue(body, query, u"line2"_s);
    entry.city = controlValue(body, query, u"city"_s);
    entry.state = controlValue(body, query, u"state"_s);
    entry.postalCode = controlValue(body, query, u"postal_code"_s);
    entry.country = controlValue(body, query, u"country"_s);
    entry.phone = controlValue(body, query, u"phone"_s);
    entry.shippingRate = controlValue(body, query, u"shipping_rate"_s);
    entry.card = controlValue(body, query, u"card"_s);
    return entry;
}

bool isFormBody(const QByteArray &contentType)
{
    return contentType.trimmed().toLower().startsWith("application/x-www-form-urlencoded");
}

} // namespace

SandboxApi::SandboxApi(SandboxStore &store, WebhookDispatcher &webhooks, IdempotencyStore &idempotency)
    : m_store(store), m_webhooks(webhooks), m_idempotency(idempotency)
{
}

HttpResponse SandboxApi::json(const QJsonObject &body, int status)
{
    HttpResponse response;
    response.status = status;
    response.contentType = "application/json";
    response.body = QJsonDocument(body).toJson(QJsonDocument::Indented);
    response.headers = {{"Cache-Control", "no-cache, no-store"}, {"Stripe-Version", QString::fromUtf16(kApiVersion).toLatin1()}};
    return response;
}

HttpResponse SandboxApi::error(const StripeError &error)
{
    return json(error.toJson(), error.status);
}

HttpResponse SandboxApi::page(const QByteArray &html, int status)
{
    HttpResponse response;
    response.status = status;
    response.contentType = "text/html; charset=utf-8";
    response.body = html;
    response.headers = PayPage::headers();
    return response;
}

HttpResponse SandboxApi::redirect(const QString &location)
{
    HttpResponse response = page(PayPage::message(u"Redirecting"_s, u"Taking you back to the shop."_s), 303);
    response.setHeader("Location", QUrl(location).toEncoded());
    return response;
}

HttpResponse SandboxApi::unrecognized(const HttpRequest &request)
{
    return error({404, u"invalid_request_error"_s, {}, {},
                  u"Unrecognized request URL (%1: %2). The Stripe sandbox implements only the endpoints Real Deal Kickz "
                  u"calls; see docs/adr/0003-stripe-sandbox.md."_s.arg(QString::fromLatin1(request.method), request.path.left(200)),
                  false});
}

HttpResponse SandboxApi::handle(const HttpRequest &request)
{
    const QString requestId = IdGenerator::make(u"req_", 14);
    HttpResponse response;
    if (request.body.size() > kMaxBodyBytes) {
        response = error({413, u"invalid_request_error"_s, {}, {},
                          u"The request body is larger than the sandbox accepts (1 MiB)."_s, false});
    } else {
        const QStringList segments = request.path.split(u'/', Qt::SkipEmptyParts);
        const QString area = segments.value(0);
        if (area == u"v1"_s)
            response = handleApi(request, segments, requestId);
        else if (area == u"pay"_s)
            response = handlePayPage(request, segments);
        else if (area == u"_sandbox"_s)
            response = handleControl(request, segments);
        else
            response = unrecognized(request);
    }
    if (response.header("Request-Id").isEmpty())
        response.setHeader("Request-Id", requestId.toLatin1());
    return response;
}

// ---------------------------------------------------------------------------------------------
// /v1

HttpResponse SandboxApi::handleApi(const HttpRequest &request, const QStringList &segments, const QString &requestId)
{
    const QString key = apiKey(request.header("Authorization"));
    switch (checkKey(key)) {
    case KeyCheck::Missing: {
        HttpResponse r = error(StripeError::authentication(
            u"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer "
            u"auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."_s));
        r.setHeader("WWW-Authenticate", "Bearer realm=\"Stripe\"");
        return r;
    }
    case KeyCheck::Live:
        return error(StripeError::authentication(
            u"The Stripe sandbox never accepts live API keys. Use a test key (sk_test_...), and keep live keys in production "
            u"configuration only."_s));
    case KeyCheck::Invalid:
        return error(StripeError::authentication(u"Invalid API Key provided: %1"_s.arg(redactedKey(key))));
    case KeyCheck::Ok:
        break;
    }
    // An armed fault answers before anything is parsed, stored or replayed.
    if (auto fault = m_faults.take(request.path)) {
        HttpResponse r = error(*fault);
        if (fault->status == 429)
            r.setHeader("Retry-After", "1");
        return r;
    }

    const bool post = request.method == "POST";
    if (!post && request.method != "GET" && request.method != "DELETE")
        return unrecognized(request);
    QByteArrayView raw = request.query;
    if (post) {
        if (!request.query.isEmpty()) {
            return error(StripeError::invalid(u"The Stripe sandbox takes POST parameters in the request body only; move "
                                              u"the query string into the form body."_s));
        }
        if (!request.body.isEmpty() && !isFormBody(request.header("Content-Type"))) {
            return error(StripeError::invalid(
                u"Invalid request: the Stripe API takes application/x-www-form-urlencoded bodies (got '%1')."_s.arg(
                    QString::fromLatin1(request.header("Content-Type").left(100)))));
        }
        raw = request.body;
    }
    const auto params = FormParser::parse(raw);
    if (!params)
        return error(StripeError::invalid(u"Invalid request body: %1"_s.arg(params.error().message), params.error().field));

    const QString idempotencyKey = post ? QString::fromUtf8(request.header("Idempotency-Key")) : QString();
    QByteArray fingerprint;
    if (!idempotencyKey.isEmpty()) {
        if (idempotencyKey.size() > kMaxIdempotencyKeyLength) {
            return error(StripeError::invalid(
                u"Idempotency-Key is too long: at most %1 characters."_s.arg(kMaxIdempotencyKeyLength)));
        }
        fingerprint = QCryptographicHash::hash((request.method + ' ' + request.path.toUtf8() + '\n' + params->canonical().toUtf8()),
                                               QCryptographicHash::Sha256);
        const auto hit = m_idempotency.find(key, idempotencyKey, fingerprint);
        if (hit.outcome == IdempotencyStore::Outcome::Replay) {
            HttpResponse replay = hit.response;
            replay.setHeader("Idempotent-Replayed", "true");
            return replay;
        }
        if (hit.outcome == IdempotencyStore::Outcome::Mismatch) {
            return error({400, u"idempotency_error"_s, {}, {},
                          u"Keys for idempotent requests can only be used with the same parameters they were first used "
                          u"with. Try using a key other than '%1' if you meant to execute a different request."_s.arg(idempotencyKey),
                          false});
        }
    }

    bool routed = false;
    const auto result = dispatchApi(request.method, segments, *params, {requestId, idempotencyKey}, routed);
    if (!routed)
        return unrecognized(request);
    HttpResponse response = result ? json(*result) : error(result.error());
    response.setHeader("Request-Id", requestId.toLatin1());
    if (!idempotencyKey.isEmpty()) {
        response.setHeader("Idempotency-Key", idempotencyKey.toUtf8());
        // Stripe saves a result once the endpoint started work; refusals of the parameters
        // themselves are not saved, so a corrected retry with the same key can succeed.
        if (result || result.error().replayable)
            m_idempotency.store(key, idempotencyKey, fingerprint, response);
    }
    return response;
}

StripeResult<QJsonObject> SandboxApi::dispatchApi(const QByteArray &method, const QStringList &segments,
                                                  const FormNode &params, const EventRequest &origin, bool &routed)
{
    routed = true;
    const bool post = method == "POST";
    const QString resource = segments.value(1);
    const qsizetype n = segments.size();
    // DELETE exists for webhook endpoints only; the other routes below read "not POST" as GET.
    if (method == "DELETE" && resource != u"webhook_endpoints"_s) {
        routed = false;
        return StripeError::invalid(u"unrouted"_s);
    }
    if (resource == u"checkout"_s && segments.value(2) == u"sessions"_s) {
        if (n == 3 && post)
            return m_store.createCheckoutSession(params);
        if (n == 4 && !post)
            return m_store.retrieveCheckoutSession(segments.at(3), params);
        if (n == 5 && !post && segments.at(4) == u"line_items"_s)
            return m_store.listCheckoutSessionLineItems(segments.at(3), params);
        if (n == 5 && post && segments.at(4) == u"expire"_s)
            return m_store.expireCheckoutSession(segments.at(3), params, origin);
    } else if (resource == u"prices"_s) {
        if (n == 2 && post)
            return m_store.createPrice(params);
    } else if (resource == u"payment_links"_s) {
        if (n == 2 && post)
            return m_store.createPaymentLink(params);
        if (n == 3 && post)
            return m_store.updatePaymentLink(segments.at(2), params);
        if (n == 3 && !post)
            return m_store.retrievePaymentLink(segments.at(2), params);
    } else if (resource == u"refunds"_s) {
        if (n == 2 && post)
            return m_store.createRefund(params, origin);
    } else if (resource == u"account"_s) {
        if (n == 2 && method == "GET")
            return m_store.webhookEndpoints().retrieveAccount(params);
    } else if (resource == u"webhook_endpoints"_s) {
        WebhookEndpointStore &endpoints = m_store.webhookEndpoints();
        if (n == 2 && post)
            return endpoints.create(params);
        if (n == 2 && method == "GET")
            return endpoints.list(params);
        if (n == 3 && post)
            return endpoints.update(segments.at(2), params);
        if (n == 3 && method == "GET")
            return endpoints.retrieve(segments.at(2), params);
        if (n == 3 && method == "DELETE")
            return endpoints.remove(segments.at(2), params);
    }
    routed = false;
    return StripeError::invalid(u"unrouted"_s);
}

// ---------------------------------------------------------------------------------------------
// /pay

HttpResponse SandboxApi::handlePayPage(const HttpRequest &request, const QStringList &segments)
{
    const QString id = segments.value(1);
    const QString action = segments.value(2);
    const bool isSession = id.startsWith(u"cs_"_s);
    const bool isLink = id.startsWith(u"plink_"_s);
    const bool get = request.method == "GET" && segments.size() == 2;
    const bool post = request.method == "POST" && segments.size() == 3 && (action == u"pay"_s || action == u"decline"_s);
    if ((!isSession && !isLink) || (!get && !post))
        return page(PayPage::message(u"Page not found"_s, u"There is no payment page at this address."_s), 404);

    if (isSession) {
        const CheckoutSession *session = m_store.checkoutSession(id);
        if (!session)
            return page(PayPage::message(u"Checkout not found"_s, u"This checkout session does not exist."_s), 404);
        if (session->status != SessionStatus::Open) {
            return page(PayPage::message(u"No longer available"_s,
                                         u"This checkout session is no longer available (it is %1)."_s.arg(toString(session->status))),
                        410);
        }
        if (get)
            return page(PayPage::checkout(*session));
        if (action == u"decline"_s) {
            // The customer went back to the shop; the session stays open, as at Stripe.
            if (!session->cancelUrl.isEmpty())
                return redirect(session->cancelUrl);
            return page(PayPage::message(u"Payment cancelled"_s, u"Nothing was charged. You can close this page."_s));
        }
    } else {
        const PaymentLink *link = m_store.paymentLink(id);
        if (!link)
            return page(PayPage::message(u"Link not found"_s, u"This payment link does not exist."_s), 404);
        if (const auto reason = SandboxStore::unavailableReason(*link))
            return page(PayPage::message(u"No longer available"_s, u"This payment link is no longer available. "_s + *reason), 410);
        if (get)
            return page(PayPage::paymentLink(*link));
        if (action == u"decline"_s)
            return page(PayPage::message(u"Payment cancelled"_s, u"Nothing was charged. You can close this page."_s));
    }

    // Pay.
    const auto form = FormParser::parse(request.body);
    if (!form)
        return page(PayPage::message(u"Invalid form"_s, form.error().message), 400);
    const CustomerEntry entry = customerEntry(*form, FormNode());
    const auto result = isSession ? m_store.completeCheckoutSession(id, true, entry) : m_store.payPaymentLink(id, entry.email);
    if (!result) {
        const StripeError &e = result.error();
        return page(PayPage::message(e.status == 410 ? u"No longer available"_s : u"Payment failed"_s, e.message), e.status);
    }
    const CheckoutSession *paid = m_store.checkoutSession(result->value(u"id"_s).toString());
    if (paid && !paid->successUrl.isEmpty())
        return redirect(SandboxStore::successRedirect(*paid));
    const PaymentLink *link = isLink ? m_store.paymentLink(id) : nullptr;
    const QString text = link && !link->customMessage.isEmpty() ? link->customMessage : u"Thanks for your payment."_s;
    return page(PayPage::message(u"Payment received"_s, text));
}

// ---------------------------------------------------------------------------------------------
// /_sandbox

HttpResponse SandboxApi::handleControl(const HttpRequest &request, const QStringList &segments)
{
    // The server listens on loopback only; this keeps the controls local even if someone
    // puts a proxy in front of it.
    if (!request.peer.isLoopback())
        return error({403, u"invalid_request_error"_s, {}, {}, u"Sandbox controls are available from loopback only."_s, false});
    const bool post = request.method == "POST";
    const bool get = request.method == "GET";
    const bool del = request.method == "DELETE";
    const auto body = FormParser::parse(request.body);
    const auto query = FormParser::parse(request.query);
    if (!body || !query) {
        const Error &e = !body ? body.error() : query.error();
        return error(StripeError::invalid(u"Invalid request: %1"_s.arg(e.message), e.field));
    }
    const qsizetype n = segments.size();
    const QString what = segments.value(1);

    if (get && n == 2 && what == u"health"_s) {
        return json({{u"status"_s, u"ok"_s},
                     {u"sandbox"_s, true},
                     {u"livemode"_s, false},
                     {u"api_version"_s, QString::fromUtf16(kApiVersion)},
                     {u"webhook_endpoint"_s, m_webhooks.endpoint().isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                             : QJsonValue(m_webhooks.endpoint().toString())}});
    }
    if (get && n == 2 && what == u"events"_s)
        return json({{u"object"_s, u"list"_s}, {u"data"_s, m_webhooks.eventsJson()}, {u"has_more"_s, false}});
    if (post && n == 4 && what == u"events"_s && segments.at(3) == u"resend"_s) {
        const QString eventId = segments.at(2);
        if (!m_webhooks.event(eventId))
            return error(StripeError::notFound(u"event"_s, eventId));
        if (!m_webhooks.resend(eventId))
            return error(StripeError::invalid(u"No webhook endpoint is set; POST /_sandbox/webhook_endpoint first."_s));
        return json(m_webhooks.event(eventId)->summaryJson());
    }
    if (post && n == 2 && what == u"webhook_endpoint"_s) {
        const QString text = controlValue(*body, *query, u"url"_s);
        const QUrl url(text, QUrl::StrictMode);
        if (!text.isEmpty() && (!url.isValid() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s) || url.host().isEmpty()))
            return error(StripeError::invalid(u"Not a valid URL"_s, u"url"_s, u"url_invalid"_s));
        m_webhooks.setEndpoint(text.isEmpty() ? QUrl() : url);
        return json({{u"url"_s, text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(url.toString())}});
    }
    if (post && n == 5 && what == u"checkout"_s && segments.at(2) == u"sessions"_s) {
        const QString id = segments.at(3);
        const QString action = segments.at(4);
        StripeResult<QJsonObject> result = StripeError::invalid({});
        if (action == u"complete"_s) {
            const QString status = controlValue(*body, *query, u"payment_status"_s);
            if (!status.isEmpty() && status != u"paid"_s && status != u"unpaid"_s)
                return error(StripeError::invalid(u"payment_status must be paid or unpaid."_s, u"payment_status"_s));
            const CheckoutSession *session = m_store.checkoutSession(id);
            const CustomerEntry entry = session ? SandboxStore::testCustomer(*session, customerEntry(*body, *query))
                                                : customerEntry(*body, *query);
            result = m_store.completeCheckoutSession(id, status != u"unpaid"_s, entry);
        } else if (action == u"async_succeeded"_s || action == u"async_failed"_s) {
            result = m_store.settleAsyncPayment(id, action == u"async_succeeded"_s);
        } else if (action == u"expire"_s) {
            result = m_store.expireCheckoutSession(id, FormNode(), {});
        } else {
            return unrecognized(request);
        }
        return result ? json(*result) : error(result.error());
    }
    if (n == 2 && what == u"faults"_s) {
        if (post) {
            if (auto refused = m_faults.add(controlValue(*body, *query, u"path"_s), controlValue(*body, *query, u"status"_s),
                                            controlValue(*body, *query, u"count"_s)))
                return error(*refused);
        } else if (del) {
            m_faults.clear();
        } else if (!get) {
            return unrecognized(request);
        }
        return json({{u"object"_s, u"list"_s}, {u"data"_s, m_faults.toJson()}, {u"has_more"_s, false}});
    }
    if (get && n == 2 && what == u"payment_links"_s) {
        // Every link the sandbox made, optionally only those with metadata[order_id]: tests
        // count them to prove a retried request made no second link.
        return json({{u"object"_s, u"list"_s},
                     {u"data"_s, m_store.paymentLinksJson(controlValue(*body, *query, u"order_id"_s))},
                     {u"has_more"_s, false}});
    }
    if (post && n == 4 && what == u"payment_links"_s && segments.at(3) == u"pay"_s) {
        const auto result = m_store.payPaymentLink(segments.at(2), controlValue(*body, *query, u"email"_s));
        return result ? json(*result) : error(result.error());
    }
    return unrecognized(request);
}

} // namespace rdk::sandbox

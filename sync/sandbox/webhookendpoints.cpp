#include "sync/sandbox/webhookendpoints.h"

#include "sync/sandbox/idgenerator.h"
#include "sync/sandbox/paramreader.h"
#include "sync/sandbox/paramschema.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {
namespace {

StripeError validation(QString message, QString param = {}, QString code = {})
{
    StripeError e = StripeError::invalid(std::move(message), std::move(param), std::move(code));
    e.replayable = false;
    return e;
}

/// enabled_events: required on create, optional on update; each a known type or "*".
std::optional<QStringList> readEvents(ParamReader &r, bool required)
{
    const QStringList path{u"enabled_events"_s};
    const auto events = r.stringList(path, required);
    if (!events)
        return std::nullopt;
    const QStringList &known = WebhookEndpointStore::knownEventTypes();
    for (qsizetype i = 0; i < events->size(); ++i) {
        const QString &type = events->at(i);
        if (type != u"*"_s && !known.contains(type)) {
            r.fail(validation(u"Invalid enabled_events[%1]: must be one of %2, or *"_s.arg(i).arg(known.join(u", "_s)),
                              u"enabled_events[%1]"_s.arg(i), u"parameter_invalid"_s));
            return std::nullopt;
        }
    }
    if (events->contains(u"*"_s) && events->size() > 1) {
        r.fail(validation(u"Invalid enabled_events: * enables every event and can't be combined with others."_s,
                          u"enabled_events"_s));
        return std::nullopt;
    }
    return events;
}

std::optional<QString> readUrl(ParamReader &r, bool required)
{
    const auto url = r.url({u"url"_s}, required);
    if (url && QUrl(*url).hasFragment()) {
        r.fail(validation(u"Invalid URL: a webhook URL can't have a fragment (#...)."_s, u"url"_s, u"url_invalid"_s));
        return std::nullopt;
    }
    return url;
}

} // namespace

QJsonObject WebhookEndpoint::toJson(bool withSecret) const
{
    const QJsonValue null(QJsonValue::Null);
    QJsonObject json{{u"id"_s, id},
                     {u"object"_s, u"webhook_endpoint"_s},
                     {u"api_version"_s, apiVersion.isEmpty() ? null : QJsonValue(apiVersion)},
                     {u"application"_s, null},
                     {u"created"_s, created},
                     {u"description"_s, description.isEmpty() ? null : QJsonValue(description)},
                     {u"enabled_events"_s, QJsonArray::fromStringList(enabledEvents)},
                     {u"livemode"_s, false},
                     {u"metadata"_s, metadataJson(metadata)},
                     {u"status"_s, disabled ? u"disabled"_s : u"enabled"_s},
                     {u"url"_s, url}};
    if (withSecret)
        json.insert(u"secret"_s, secret);
    return json;
}

bool WebhookEndpoint::wants(const QString &eventType) const
{
    return !disabled && (enabledEvents.contains(u"*"_s) || enabledEvents.contains(eventType));
}

const QStringList &WebhookEndpointStore::knownEventTypes()
{
    static const QStringList types = {
        u"account.updated"_s, u"account.application.authorized"_s, u"account.application.deauthorized"_s,
        u"account.external_account.created"_s, u"balance.available"_s,
        u"charge.captured"_s, u"charge.expired"_s, u"charge.failed"_s, u"charge.pending"_s, u"charge.refunded"_s,
        u"charge.succeeded"_s, u"charge.updated"_s, u"charge.dispute.created"_s, u"charge.dispute.closed"_s,
        u"charge.dispute.updated"_s, u"charge.refund.updated"_s,
        u"checkout.session.async_payment_failed"_s, u"checkout.session.async_payment_succeeded"_s,
        u"checkout.session.completed"_s, u"checkout.session.expired"_s,
        u"customer.created"_s, u"customer.deleted"_s, u"customer.updated"_s,
        u"customer.subscription.created"_s, u"customer.subscription.deleted"_s, u"customer.subscription.updated"_s,
        u"invoice.created"_s, u"invoice.finalized"_s, u"invoice.paid"_s, u"invoice.payment_failed"_s,
        u"invoice.payment_succeeded"_s,
        u"payment_intent.amount_capturable_updated"_s, u"payment_intent.canceled"_s, u"payment_intent.created"_s,
        u"payment_intent.partially_funded"_s, u"payment_intent.payment_failed"_s, u"payment_intent.processing"_s,
        u"payment_intent.requires_action"_s, u"payment_intent.succeeded"_s,
        u"payment_link.created"_s, u"payment_link.updated"_s,
        u"payout.canceled"_s, u"payout.created"_s, u"payout.failed"_s, u"payout.paid"_s,
        u"price.created"_s, u"price.deleted"_s, u"price.updated"_s,
        u"product.created"_s, u"product.deleted"_s, u"product.updated"_s,
        u"refund.created"_s, u"refund.failed"_s, u"refund.updated"_s,
        u"setup_intent.canceled"_s, u"setup_intent.created"_s, u"setup_intent.succeeded"_s,
    };
    return types;
}

StripeResult<QJsonObject> WebhookEndpointStore::retrieveAccount(const FormNode &params) const
{
    static const ParamSchema schema({u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    const QJsonValue null(QJsonValue::Null);
    const QString id = QString::fromUtf16(kAccountId);
    return QJsonObject{{u"id"_s, id},
                       {u"object"_s, u"account"_s},
                       {u"business_profile"_s, QJsonObject{{u"name"_s, u"Sandbox Sneakers"_s}, {u"url"_s, null}}},
                       {u"business_type"_s, u"company"_s},
                       {u"capabilities"_s, QJsonObject{{u"card_payments"_s, u"active"_s}, {u"transfers"_s, u"active"_s}}},
                       {u"charges_enabled"_s, true},
                       {u"country"_s, u"US"_s},
                       {u"created"_s, 1'700'000'000},
                       {u"default_currency"_s, u"usd"_s},
                       {u"details_submitted"_s, true},
                       {u"email"_s, u"owner@sandbox.invalid"_s},
                       {u"payouts_enabled"_s, true},
                       {u"settings"_s, QJsonObject{{u"dashboard"_s, QJsonObject{{u"display_name"_s, u"Sandbox Sneakers"_s},
                                                                                {u"timezone"_s, u"Etc/UTC"_s}}}}},
                       {u"type"_s, u"standard"_s}};
}

StripeResult<QJsonObject> WebhookEndpointStore::create(const FormNode &params)
{
    static const ParamSchema schema({u"url"_s, u"enabled_events[#]"_s, u"api_version"_s, u"connect"_s,
                                     u"description"_s, u"metadata[*]"_s, u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    WebhookEndpoint e;
    e.url = readUrl(r, true).value_or(QString());
    e.enabledEvents = readEvents(r, true).value_or(QStringList());
    if (const auto version = r.string({u"api_version"_s}, false, 40)) {
        static const QRegularExpression pattern(u"^20[0-9]{2}-[01][0-9]-[0-3][0-9](\\.[a-z]+)?$"_s);
        if (!pattern.match(*version).hasMatch())
            r.fail(validation(u"Invalid api_version: %1 is not a Stripe API version (such as %2)."_s.arg(
                                  version->left(40), QString::fromUtf16(kApiVersion)),
                              u"api_version"_s));
        e.apiVersion = *version;
    }
    if (r.boolean({u"connect"_s}).value_or(false))
        r.fail(validation(u"The Stripe sandbox has no Connect accounts, so it can't make a Connect webhook endpoint."_s,
                          u"connect"_s));
    e.description = r.string({u"description"_s}, false, 5000).value_or(QString());
    e.metadata = r.metadata({u"metadata"_s});
    if (r.failed())
        return r.error();
    if (m_endpoints.size() >= kMaxEndpoints)
        return StripeError::invalid(u"You have reached the maximum of %1 test webhook endpoints."_s.arg(kMaxEndpoints));
    e.id = IdGenerator::make(u"we_");
    e.created = m_clock();
    e.secret = IdGenerator::make(u"whsec_", 32);
    m_endpoints.append(e);
    return e.toJson(true);
}

StripeResult<QJsonObject> WebhookEndpointStore::list(const FormNode &params) const
{
    static const ParamSchema schema({u"limit"_s, u"starting_after"_s, u"ending_before"_s, u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    const qint64 limit = r.integer({u"limit"_s}, false, 1, 100).value_or(10);
    const QString after = r.string({u"starting_after"_s}, false, 200).value_or(QString());
    const QString before = r.string({u"ending_before"_s}, false, 200).value_or(QString());
    if (!after.isEmpty() && !before.isEmpty())
        r.fail(validation(u"You may only specify one of these parameters: ending_before, starting_after."_s,
                          u"ending_before"_s));
    if (r.failed())
        return r.error();
    // Newest first, as Stripe lists.
    QList<WebhookEndpoint> newest(m_endpoints.crbegin(), m_endpoints.crend());
    qsizetype from = 0;
    qsizetype to = newest.size();
    const auto indexOf = [&newest](const QString &id) {
        for (qsizetype i = 0; i < newest.size(); ++i)
            if (newest.at(i).id == id)
                return i;
        return qsizetype(-1);
    };
    if (!after.isEmpty()) {
        const qsizetype i = indexOf(after);
        if (i < 0)
            return StripeError::notFound(u"webhook endpoint"_s, after, u"starting_after"_s);
        from = i + 1;
    }
    if (!before.isEmpty()) {
        const qsizetype i = indexOf(before);
        if (i < 0)
            return StripeError::notFound(u"webhook endpoint"_s, before, u"ending_before"_s);
        to = i;
        from = std::max<qsizetype>(0, to - limit);
    }
    QJsonArray data;
    for (qsizetype i = from; i < to && data.size() < limit; ++i)
        data.append(newest.at(i).toJson(false));
    return QJsonObject{{u"object"_s, u"list"_s},
                       {u"data"_s, data},
                       {u"has_more"_s, before.isEmpty() ? from + data.size() < to : from > 0},
                       {u"url"_s, u"/v1/webhook_endpoints"_s}};
}

StripeResult<QJsonObject> WebhookEndpointStore::retrieve(const QString &id, const FormNode &params) const
{
    static const ParamSchema schema({u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    for (const WebhookEndpoint &e : m_endpoints) {
        if (e.id == id)
            return e.toJson(false);
    }
    return StripeError::notFound(u"webhook endpoint"_s, id);
}

StripeResult<QJsonObject> WebhookEndpointStore::update(const QString &id, const FormNode &params)
{
    static const ParamSchema schema({u"url"_s, u"enabled_events[#]"_s, u"description"_s, u"disabled"_s,
                                     u"metadata[*]"_s, u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    auto it = std::find_if(m_endpoints.begin(), m_endpoints.end(), [&id](const WebhookEndpoint &e) { return e.id == id; });
    if (it == m_endpoints.end())
        return StripeError::notFound(u"webhook endpoint"_s, id);
    ParamReader r(params);
    WebhookEndpoint updated = *it;
    if (const auto url = readUrl(r, false))
        updated.url = *url;
    if (const auto events = readEvents(r, false))
        updated.enabledEvents = *events;
    if (r.has({u"description"_s}))
        updated.description = r.string({u"description"_s}, false, 5000).value_or(QString());
    if (const auto disabled = r.boolean({u"disabled"_s}))
        updated.disabled = *disabled;
    r.updateMetadata({u"metadata"_s}, updated.metadata);
    if (r.failed())
        return r.error();
    *it = updated;
    return it->toJson(false);
}

StripeResult<QJsonObject> WebhookEndpointStore::remove(const QString &id, const FormNode &params)
{
    if (!params.children().empty())
        return StripeError::parameterUnknown(params.children().front().key());
    const auto it = std::find_if(m_endpoints.begin(), m_endpoints.end(), [&id](const WebhookEndpoint &e) { return e.id == id; });
    if (it == m_endpoints.end())
        return StripeError::notFound(u"webhook endpoint"_s, id);
    m_endpoints.erase(it);
    return QJsonObject{{u"id"_s, id}, {u"object"_s, u"webhook_endpoint"_s}, {u"deleted"_s, true}};
}

QList<WebhookTarget> WebhookEndpointStore::targetsFor(const QString &eventType) const
{
    QList<WebhookTarget> targets;
    for (const WebhookEndpoint &e : m_endpoints) {
        if (e.wants(eventType))
            targets.append({e.id, QUrl(e.url), e.secret});
    }
    return targets;
}

} // namespace rdk::sandbox

#include "sync/sandbox/webhookdispatcher.h"

#include "domain/backoff.h"
#include "sync/sandbox/idgenerator.h"
#include "sync/sandbox/stripeobjects.h"
#include "sync/sandbox/webhooksigner.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcWebhooks, "rdk.sandbox.webhooks")

namespace rdk::sandbox {

QJsonObject WebhookEvent::summaryJson() const
{
    QJsonArray tries;
    for (const WebhookDelivery &d : deliveries) {
        QJsonObject entry{{u"attempt"_s, d.attempt}, {u"at"_s, d.at}, {u"status"_s, d.status},
                          {u"manual"_s, d.manual}, {u"endpoint"_s, d.endpoint}};
        if (!d.error.isEmpty())
            entry.insert(u"error"_s, d.error);
        tries.append(entry);
    }
    return {{u"id"_s, id},
            {u"object"_s, u"sandbox.event_summary"_s},
            {u"type"_s, type},
            {u"created"_s, created},
            {u"object_id"_s, objectId},
            {u"delivered"_s, delivered},
            {u"retry_scheduled"_s, retryScheduled},
            {u"deliveries"_s, tries},
            {u"webhook_endpoint"_s, target.endpointId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(target.endpointId)}};
}

WebhookDispatcher::WebhookDispatcher(Settings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings))
{
    // Webhook receivers are local services; a proxy from the environment would only get in
    // the way (and would see signed payloads).
    m_network.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
}

int WebhookDispatcher::retryDelayMs(int attempt, int baseMs)
{
    // The first retry (attempt 2) waits the base; each next one twice as long, up to a minute.
    const Backoff backoff(std::chrono::milliseconds(std::max(baseMs, 1)), std::chrono::milliseconds(kMaxDelayMs));
    return int(backoff.delay(attempt - 1).count());
}

QByteArray WebhookDispatcher::eventBody(const QString &id, const QString &type, qint64 created, const QJsonObject &object,
                                        const QJsonObject &previousAttributes, const EventRequest &request,
                                        int pendingWebhooks)
{
    QJsonObject data{{u"object"_s, object}};
    if (!previousAttributes.isEmpty())
        data.insert(u"previous_attributes"_s, previousAttributes);
    const QJsonValue null(QJsonValue::Null);
    const QJsonObject requestJson{
        {u"id"_s, request.id.isEmpty() ? null : QJsonValue(request.id)},
        {u"idempotency_key"_s, request.idempotencyKey.isEmpty() ? null : QJsonValue(request.idempotencyKey)}};
    const QJsonObject event{{u"id"_s, id},
                            {u"object"_s, u"event"_s},
                            {u"api_version"_s, QString::fromUtf16(kApiVersion)},
                            {u"created"_s, created},
                            {u"data"_s, data},
                            {u"livemode"_s, false},
                            {u"pending_webhooks"_s, pendingWebhooks},
                            {u"request"_s, requestJson},
                            {u"type"_s, type}};
    // Indented like Stripe's own bodies: a receiver that verifies a re-serialised body
    // instead of the raw bytes fails here just as it would in production.
    return QJsonDocument(event).toJson(QJsonDocument::Indented);
}

QString WebhookDispatcher::publish(const QString &type, const QJsonObject &object, const QJsonObject &previousAttributes,
                                   const EventRequest &request)
{
    WebhookEvent event;
    event.id = IdGenerator::make(u"evt_");
    event.type = type;
    event.created = QDateTime::currentSecsSinceEpoch();
    event.objectId = object.value(u"id"_s).toString();
    const bool hasEndpoint = !m_settings.endpoint.isEmpty();
    const QList<WebhookTarget> targets = m_targets ? m_targets(type) : QList<WebhookTarget>();
    event.body = eventBody(event.id, type, event.created, object, previousAttributes, request,
                           int(targets.size()) + (hasEndpoint ? 1 : 0));
    // The configured endpoint's copy is kept under the event id (resend and /_sandbox/events
    // find it there); each registered endpoint's copy under "<event id>@<endpoint id>".
    QStringList keys{event.id};
    m_events.insert(event.id, event);
    m_order.append(event.id);
    for (const WebhookTarget &target : targets) {
        WebhookEvent copy = event;
        copy.target = target;
        const QString key = event.id + u'@' + target.endpointId;
        m_events.insert(key, copy);
        m_order.append(key);
        keys.append(key);
    }
    while (m_order.size() > kMaxEvents)
        m_events.remove(m_order.takeFirst());
    qCInfo(lcWebhooks).noquote() << "event" << event.id << type << "for" << event.objectId;
    for (const QString &key : std::as_const(keys)) {
        if (key != event.id || hasEndpoint)
            QTimer::singleShot(0, this, [this, key] { attempt(key, false); });
    }
    return event.id;
}

bool WebhookDispatcher::resend(const QString &eventId)
{
    if (!m_events.contains(eventId) || m_settings.endpoint.isEmpty())
        return false;
    attempt(eventId, true);
    return true;
}

const WebhookEvent *WebhookDispatcher::event(const QString &id) const
{
    const auto it = m_events.constFind(id);
    return it == m_events.constEnd() ? nullptr : &*it;
}

QJsonArray WebhookDispatcher::eventsJson() const
{
    QJsonArray out;
    for (auto it = m_order.crbegin(); it != m_order.crend(); ++it)
        out.append(m_events.value(*it).summaryJson());
    return out;
}

void WebhookDispatcher::attempt(const QString &eventId, bool manual)
{
    const auto it = m_events.find(eventId);
    if (it == m_events.end())
        return;
    if (!manual)
        it->retryScheduled = false;
    const bool registered = !it->target.endpointId.isEmpty();
    const QUrl endpoint = registered ? it->target.url : m_settings.endpoint;
    const QString secret = registered ? it->target.secret : m_settings.secret;
    if (endpoint.isEmpty())
        return;
    if (!manual) {
        // A manual resend may have got through while this try was waiting.
        if (it->delivered)
            return;
        ++it->automaticAttempts;
    }
    WebhookDelivery delivery;
    delivery.attempt = ++it->attemptsStarted;
    delivery.manual = manual;
    delivery.endpoint = endpoint.toString();
    // Each try is signed afresh, so its timestamp is current (receivers check the age).
    const qint64 timestamp = QDateTime::currentSecsSinceEpoch();
    QNetworkRequest request(endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json; charset=utf-8"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Stripe/1.0 (+https://stripe.com/docs/webhooks)"));
    request.setRawHeader("Stripe-Signature", WebhookSigner::header(secret, timestamp, it->body));
    request.setRawHeader("Cache-Control", "no-cache");
    request.setTransferTimeout(kTimeoutMs);
    // Stripe treats a redirect as a failed delivery instead of following it.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network.post(request, it->body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, eventId, delivery, manual]() mutable {
        reply->deleteLater();
        delivery.at = QDateTime::currentSecsSinceEpoch();
        delivery.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (delivery.status == 0)
            delivery.error = reply->errorString();
        finishAttempt(eventId, delivery, manual);
    });
}

void WebhookDispatcher::finishAttempt(const QString &eventId, const WebhookDelivery &delivery, bool manual)
{
    const auto it = m_events.find(eventId);
    if (it == m_events.end())
        return;
    it->deliveries.append(delivery);
    const bool ok = delivery.status >= 200 && delivery.status < 300;
    if (ok)
        it->delivered = true;
    qCInfo(lcWebhooks).noquote() << "delivery" << eventId << "attempt" << delivery.attempt << "status" << delivery.status
                                 << delivery.error;
    if (!ok && !manual && !it->delivered && !it->retryScheduled) {
        if (it->automaticAttempts < kMaxAttempts) {
            it->retryScheduled = true;
            const int delay = retryDelayMs(it->automaticAttempts + 1, m_settings.retryBaseMs);
            QTimer::singleShot(delay, this, [this, eventId] { attempt(eventId, false); });
        } else {
            qCWarning(lcWebhooks).noquote() << "giving up on" << eventId << "after" << kMaxAttempts << "attempts";
        }
    }
    Q_EMIT deliveryFinished(eventId, delivery.status);
}

} // namespace rdk::sandbox

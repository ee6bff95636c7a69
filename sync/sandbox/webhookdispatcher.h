#pragma once

#include "sync/sandbox/sandboxstore.h"
#include "sync/sandbox/webhookendpoints.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace rdk::sandbox {

/// One try at delivering an event.
struct WebhookDelivery final {
    int attempt = 0;      ///< 1, 2, ... counting automatic tries and manual resends together
    qint64 at = 0;        ///< unix seconds
    int status = 0;       ///< HTTP status, 0 when no response came (refused, timeout)
    QString error;        ///< network error text when status is 0
    bool manual = false;  ///< a resend asked for through /_sandbox
    QString endpoint;
};

struct WebhookEvent final {
    QString id;
    QString type;
    qint64 created = 0;
    QString objectId;
    QByteArray body;      ///< the exact bytes sent and signed
    QList<WebhookDelivery> deliveries;
    int attemptsStarted = 0;
    int automaticAttempts = 0;
    bool delivered = false;
    bool retryScheduled = false;
    /// Empty: the endpoint set by SANDBOX_WEBHOOK_URL or /_sandbox/webhook_endpoint, signed with
    /// STRIPE_WEBHOOK_SECRET. Else a registered webhook endpoint, signed with its own secret.
    WebhookTarget target;

    QJsonObject summaryJson() const;
};

/// Turns store changes into Stripe events and delivers them to the configured endpoint,
/// signed, with Stripe's retry behaviour: a non-2xx answer or a network error is retried
/// with exponential backoff (base, 2x base, 4x base... capped at kMaxDelayMs) for at most
/// kMaxAttempts automatic tries. Every try is recorded for /_sandbox/events.
class WebhookDispatcher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookDispatcher)

public:
    static constexpr int kMaxAttempts = 8;
    static constexpr int kMaxDelayMs = 60'000;
    static constexpr int kTimeoutMs = 10'000;
    /// Bounds memory in a long demo run; the oldest events are forgotten first.
    static constexpr qsizetype kMaxEvents = 10'000;

    struct Settings final {
        QString secret;           ///< whsec_...
        QUrl endpoint;            ///< empty: events are recorded, not sent
        int retryBaseMs = 1000;
    };

    explicit WebhookDispatcher(Settings settings, QObject *parent = nullptr);

    /// Records a new event and starts delivering it (after the current request is answered,
    /// as Stripe never sends an event before the API response). Returns the event id.
    QString publish(const QString &type, const QJsonObject &object, const QJsonObject &previousAttributes,
                    const EventRequest &request);
    /// Another try right now, outside the automatic schedule (the Dashboard's "Resend").
    /// False when the event is unknown or no endpoint is set.
    bool resend(const QString &eventId);

    /// The webhook endpoints registered through the API that want an event type: each gets its
    /// own copy of every event (same id and body), signed with its own secret, retried on its own.
    using TargetProvider = std::function<QList<WebhookTarget>(const QString &type)>;
    void setTargetProvider(TargetProvider provider) { m_targets = std::move(provider); }

    void setEndpoint(const QUrl &endpoint) { m_settings.endpoint = endpoint; }
    const QUrl &endpoint() const { return m_settings.endpoint; }

    const WebhookEvent *event(const QString &id) const;
    /// Newest first, like Stripe's lists.
    QJsonArray eventsJson() const;

    /// Wait before automatic try `attempt` (2..kMaxAttempts): base * 2^(attempt-2), capped.
    static int retryDelayMs(int attempt, int baseMs);

    /// The event JSON Stripe sends (api_version 2024-06-20), pretty-printed like Stripe's bodies.
    static QByteArray eventBody(const QString &id, const QString &type, qint64 created, const QJsonObject &object,
                                const QJsonObject &previousAttributes, const EventRequest &request, int pendingWebhooks);

Q_SIGNALS:
    void deliveryFinished(const QString &eventId, int status);

private:
    void attempt(const QString &eventId, bool manual);
    void finishAttempt(const QString &eventId, const WebhookDelivery &delivery, bool manual);

    Settings m_settings;
    TargetProvider m_targets;
    QNetworkAccessManager m_network;
    QHash<QString, WebhookEvent> m_events;
    QStringList m_order;
};

} // namespace rdk::sandbox

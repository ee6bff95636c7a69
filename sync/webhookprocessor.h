#pragma once

#include "domain/payment.h"
#include "sync/webhookbatcher.h"
#include "sync/stripe/stripeevent.h"

#include <QByteArray>
#include <QList>

namespace rdk::sync {

/// Where rdk-sync takes Stripe's webhooks, under RDK_PUBLIC_URL. `rdk-admin stripe connect`
/// registers exactly this path with Stripe.
inline constexpr char16_t StripeWebhookPath[] = u"/api/stripe/webhook";

/// Stripe's event, in the order book's terms. Unknown event types carry no report.
PaymentEvent toPaymentEvent(const StripeEvent &event);

struct WebhookResult final {
    int httpStatus = 200;       ///< 2xx only after the effects are committed
    QByteArray body;            ///< small JSON answer
    QString outcome;            ///< for metrics and logs: applied, duplicate, ..., bad_signature
    QString eventId;
};

/// The whole webhook path: verify the signature over the raw body, parse leniently, record
/// the event and apply its effect (with the events that arrive together: `batcher`). A bad
/// signature or body is a 400 with nothing changed; a database that can't be reached is a 503
/// so Stripe retries.
/// `webhookSecrets`: the endpoint's current secret first, then any still accepted while a
/// secret is rolled (STRIPE_WEBHOOK_SECRET_PREVIOUS); a signature by any one of them passes.
WebhookResult processStripeWebhook(WebhookBatcher &batcher, const QByteArray &rawBody, const QByteArray &signatureHeader,
                                   const QList<QByteArray> &webhookSecrets, qint64 nowUnix);

} // namespace rdk::sync

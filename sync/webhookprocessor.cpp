#include "sync/webhookprocessor.h"

#include "domain/logcontext.h"
#include "sync/stripe/webhooksignature.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <optional>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcWebhook, "rdk.sync.webhook")

namespace rdk::sync {
namespace {

WebhookResult answer(int status, const QString &outcome, const QString &message = {}, const QString &eventId = {})
{
    QJsonObject body{{u"outcome"_s, outcome}};
    if (status < 300)
        body.insert(u"received"_s, true);
    if (!message.isEmpty())
        body.insert(u"error"_s, message);
    return {status, QJsonDocument(body).toJson(QJsonDocument::Compact), outcome, eventId};
}

std::optional<PaymentReport> reportFor(PaymentSignal signal, qint64 amount, const QString &currency)
{
    PaymentReport report;
    report.signal = signal;
    auto money = Money::of(std::max<qint64>(amount, 0), currency.isEmpty() ? u"USD"_s : currency);
    report.amountKnown = amount >= 0 && !currency.isEmpty() && money.ok();
    report.amount = money.ok() ? *money : Money();
    return report;
}

} // namespace

PaymentEvent toPaymentEvent(const StripeEvent &event)
{
    PaymentEvent e;
    e.eventId = event.id;
    e.type = event.type;
    if (event.session) {
        const StripeCheckoutSession &s = *event.session;
        e.orderId = s.orderId;
        e.paymentIntentId = s.paymentIntent;
        e.checkoutSessionId = s.id;
        e.paymentLinkId = s.paymentLink;
        e.customerEmail = s.customerEmail;
        e.shippingAddress = s.shippingAddress;
        if (!s.shippingName.isEmpty() && !e.shippingAddress.isEmpty())
            e.shippingAddress.insert(u"name"_s, s.shippingName);
        e.customerPhone = s.customerPhone;
        e.shippingRateId = s.shippingRate;
        if (s.amountShipping >= 0)
            e.shippingMinor = s.amountShipping;
        if (s.amountTax >= 0)
            e.taxMinor = s.amountTax;
    }
    switch (event.kind) {
    case StripeEventKind::CheckoutCompleted:
        if (event.session->paymentStatus == u"unpaid"_s)
            e.report = reportFor(PaymentSignal::AwaitingPayment, event.session->amountTotal, event.session->currency);
        else
            e.report = reportFor(PaymentSignal::Paid, event.session->amountTotal, event.session->currency);
        break;
    case StripeEventKind::CheckoutAsyncSucceeded:
        e.report = reportFor(PaymentSignal::Paid, event.session->amountTotal, event.session->currency);
        break;
    case StripeEventKind::CheckoutAsyncFailed:
        e.report = reportFor(PaymentSignal::Failed, -1, {});
        break;
    case StripeEventKind::CheckoutExpired:
        e.report = reportFor(PaymentSignal::Expired, -1, {});
        break;
    case StripeEventKind::ChargeRefunded:
        e.orderId = event.charge->orderId;
        e.paymentIntentId = event.charge->paymentIntent;
        e.chargeId = event.charge->id;
        e.report = reportFor(PaymentSignal::Refunded, event.charge->amountRefunded, event.charge->currency);
        break;
    case StripeEventKind::ChargeSucceeded:
        // Not a payment signal (the Checkout Session's events are): it reports the card's
        // fingerprint, which the database keeps for a release's per-buyer limits.
        e.orderId = event.charge->orderId;
        e.paymentIntentId = event.charge->paymentIntent;
        e.chargeId = event.charge->id;
        e.cardFingerprint = event.charge->cardFingerprint;
        break;
    case StripeEventKind::Other:
        break;
    }
    return e;
}

WebhookResult processStripeWebhook(WebhookBatcher &batcher, const QByteArray &rawBody, const QByteArray &signatureHeader,
                                   const QList<QByteArray> &webhookSecrets, qint64 nowUnix)
{
    if (signatureHeader.isEmpty())
        return answer(400, u"missing_signature"_s, u"The Stripe-Signature header is missing."_s);
    // The first secret's refusal is the one reported: it is the current one, and the header's
    // shape or age fails the same way for every secret.
    std::optional<Error> refusal;
    bool verified = false;
    for (const QByteArray &secret : webhookSecrets) {
        if (secret.isEmpty())
            continue;
        if (auto checked = verifyStripeSignature(rawBody, signatureHeader, secret, nowUnix)) {
            verified = true;
            break;
        } else if (!refusal) {
            refusal = checked.error();
        }
    }
    if (!verified) {
        const QString message = refusal ? refusal->message : u"No webhook signing secret is configured."_s;
        qCWarning(lcWebhook).noquote() << "refused a webhook:" << message;
        return answer(400, u"bad_signature"_s, message);
    }
    auto parsed = parseStripeEvent(rawBody);
    if (!parsed) {
        qCWarning(lcWebhook).noquote() << "refused a webhook body:" << parsed.error().message;
        return answer(400, u"bad_body"_s, parsed.error().message);
    }
    ScopedLogField eventField(u"stripe_event_id"_s, parsed->id);
    const PaymentEvent event = toPaymentEvent(*parsed);
    auto outcome = batcher.apply(event);
    if (!outcome) {
        const bool down = outcome.error().code == ErrorCode::Unavailable;
        qCWarning(lcWebhook).noquote() << "webhook" << parsed->type << "not applied:" << outcome.error().message;
        return answer(down ? 503 : 500, down ? u"database_unavailable"_s : u"error"_s, u"Not processed; Stripe will retry."_s,
                      parsed->id);
    }
    qCInfo(lcWebhook).noquote() << "webhook" << parsed->type << "->" << toString(*outcome);
    return answer(200, toString(*outcome), {}, parsed->id);
}

} // namespace rdk::sync

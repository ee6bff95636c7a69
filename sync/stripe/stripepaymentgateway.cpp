#include "sync/stripe/stripepaymentgateway.h"

namespace rdk::sync {

Result<PaymentSession> StripePaymentGateway::createCheckoutSession(const PaymentSessionRequest &request)
{
    CheckoutSessionRequest stripe;
    stripe.currency = request.currency;
    for (const PaymentLine &line : request.lines)
        stripe.lines.append(CheckoutLine{line.name, line.unitPrice.minor(), line.quantity});
    stripe.successUrl = request.successUrl;
    stripe.cancelUrl = request.cancelUrl;
    stripe.orderId = request.orderId;
    if (request.expiresAt.isValid())
        stripe.expiresAt = request.expiresAt.toSecsSinceEpoch();
    stripe.customerEmail = request.customerEmail;
    auto created = m_stripe.waitFor(m_stripe.createCheckoutSession(stripe, request.idempotencyKey));
    if (!created)
        return created.error();
    return PaymentSession{created->id, created->url, created->expiresAt};
}

} // namespace rdk::sync

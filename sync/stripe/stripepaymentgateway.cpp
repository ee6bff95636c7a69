#include "sync/stripe/stripepaymentgateway.h"

using namespace Qt::Literals::StringLiterals;

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
    stripe.shippingCountries = request.shipping.countries;
    for (const ShippingOffer &offer : request.shipping.offers)
        stripe.shippingOptions.append(CheckoutShippingOption{offer.label, offer.amount.minor()});
    stripe.collectPhone = request.shipping.collectPhone;
    stripe.automaticTax = request.shipping.providerTax;
    auto created = m_stripe.waitFor(m_stripe.createCheckoutSession(stripe, request.idempotencyKey));
    if (!created)
        return created.error();
    if (created->shippingRateIds.size() != stripe.shippingOptions.size())
        return Error::unavailable(u"Stripe answered %1 shipping options for the %2 sent; try again."_s.arg(
            created->shippingRateIds.size()).arg(stripe.shippingOptions.size()));
    return PaymentSession{created->id, created->url, created->expiresAt, created->shippingRateIds};
}

} // namespace rdk::sync

#pragma once

#include "domain/checkoutservice.h"
#include "sync/stripe/stripeclient.h"

namespace rdk::sync {

/// The checkout's PaymentGateway on Stripe Checkout: one Checkout Session per order, with the
/// order's idempotency key. Blocks the calling worker thread until Stripe answered (the client
/// runs on its own thread, see StripeClient::waitFor).
class StripePaymentGateway final : public PaymentGateway {
public:
    explicit StripePaymentGateway(StripeClient &stripe) : m_stripe(stripe) {}

    Result<PaymentSession> createCheckoutSession(const PaymentSessionRequest &request) override;

private:
    StripeClient &m_stripe;
};

} // namespace rdk::sync

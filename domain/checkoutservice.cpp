#include "domain/checkoutservice.h"

#include "domain/logcontext.h"

#include <QLoggingCategory>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcCheckout, "rdk.checkout")

namespace rdk {
namespace {

CheckoutOutcome failed(CheckoutStep step, Error error)
{
    CheckoutOutcome outcome;
    outcome.failedAt = step;
    outcome.error = std::move(error);
    return outcome;
}

} // namespace

CheckoutService::CheckoutService(StoreFactory stores, PaymentGateway &payments, CheckoutOptions options)
    : m_stores(std::move(stores)), m_payments(payments), m_options(std::move(options))
{
}

PaymentSessionRequest CheckoutService::paymentRequest(const PendingOrder &order, const QString &email) const
{
    PaymentSessionRequest request;
    request.orderId = order.orderId;
    request.currency = order.totals.total.currency();
    for (const OrderLine &line : order.lines)
        request.lines.append(PaymentLine{line.size.isEmpty() ? line.name : u"%1 — size %2"_s.arg(line.name, line.size),
                                         line.unitPrice, line.quantity});
    request.successUrl = m_options.publicBaseUrl + u"/checkout/success?order="_s + order.orderId;
    request.cancelUrl = m_options.publicBaseUrl + u"/checkout/cancel?order="_s + order.orderId;
    request.expiresAt = order.reservedUntil.addSecs(-m_options.sessionEndsBeforeHoldSeconds);
    request.customerEmail = email;
    request.idempotencyKey = u"checkout-"_s + order.orderId;
    request.shipping = order.shipping;
    return request;
}

CheckoutOutcome CheckoutService::start(const CheckoutRequest &cart)
{
    auto store = m_stores();
    if (!store)
        return failed(CheckoutStep::OpenStore, store.error());
    CheckoutOrderStore &orders = **store;
    auto pending = orders.placeOrder(cart, m_options.reservationMinutes);
    if (!pending)
        return failed(CheckoutStep::PlaceOrder, pending.error());
    const ScopedLogField orderField(u"order_id"_s, pending->orderId);

    auto created = m_payments.createCheckoutSession(paymentRequest(*pending, cart.email));
    if (!created) {
        qCWarning(lcCheckout).noquote() << "Stripe refused the checkout session:" << created.error().message;
        if (const Status released = orders.abandon(pending->orderId); !released)
            qCWarning(lcCheckout).noquote() << "could not release the hold at once; the sweep will:" << released.error().message;
        return failed(CheckoutStep::PaymentSession, created.error());
    }
    if (const Status attached = orders.attachCheckoutSession(pending->orderId, created->id, created->shippingRateIds);
        !attached)
        return failed(CheckoutStep::AttachSession, attached.error());
    CheckoutOutcome outcome;
    outcome.started = CheckoutStarted{*pending, *created};
    return outcome;
}

} // namespace rdk

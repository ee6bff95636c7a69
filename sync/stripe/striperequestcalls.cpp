#include "sync/stripe/striperequestcalls.h"

#include <QMetaObject>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

StripeClientRequestCalls::StripeClientRequestCalls(StripeClientOptions options)
{
    m_thread.setObjectName(u"rdk-stripe-requests"_s);
    m_client = new StripeClient(std::move(options));
    m_client->moveToThread(&m_thread);
    m_thread.start();
}

StripeClientRequestCalls::~StripeClientRequestCalls()
{
    StripeClient *client = std::exchange(m_client, nullptr);
    QMetaObject::invokeMethod(client, [client] { delete client; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

StripeCallResult<QString> StripeClientRequestCalls::createPrice(const Money &unitPrice, const QString &productName,
                                                                const QString &idempotencyKey)
{
    return m_client->waitFor(m_client->createPrice(unitPrice.currency(), unitPrice.minor(), productName, idempotencyKey));
}

StripeCallResult<PaymentLinkCreated> StripeClientRequestCalls::createPaymentLink(const PaymentLinkRequest &request,
                                                                                 const QString &idempotencyKey)
{
    return m_client->waitFor(m_client->createPaymentLink(request, idempotencyKey));
}

StripeCallStatus StripeClientRequestCalls::deactivatePaymentLink(const QString &paymentLinkId,
                                                                 const QString &idempotencyKey)
{
    return m_client->waitFor(m_client->setPaymentLinkActive(paymentLinkId, false, idempotencyKey));
}

StripeCallResult<RefundCreated> StripeClientRequestCalls::createRefund(const QString &paymentIntentId,
                                                                       const std::optional<Money> &amount,
                                                                       const QString &orderId,
                                                                       const QString &idempotencyKey)
{
    const std::optional<qint64> minor = amount ? std::optional<qint64>(amount->minor()) : std::nullopt;
    return m_client->waitFor(m_client->createRefund(paymentIntentId, minor, orderId, idempotencyKey));
}

} // namespace rdk::sync

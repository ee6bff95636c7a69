#pragma once

#include "domain/money.h"
#include "sync/stripe/stripeclient.h"

#include <QString>
#include <QThread>

#include <optional>

namespace rdk::sync {

/// The Stripe calls the request worker makes for the desk (ADR 0007): Prices and a Payment Link
/// for a counter sale, turning the link off, refunds. Each call blocks the calling thread until
/// Stripe answered, and may be made from several threads at once. StripeClientRequestCalls makes
/// them over HTTP; tests hand the worker a fake.
class StripeRequestCalls {
public:
    virtual ~StripeRequestCalls() = default;

    /// A one-off Price with an inline product; Stripe's id for it ("price_...").
    virtual StripeCallResult<QString> createPrice(const Money &unitPrice, const QString &productName,
                                                  const QString &idempotencyKey) = 0;
    virtual StripeCallResult<PaymentLinkCreated> createPaymentLink(const PaymentLinkRequest &request,
                                                                   const QString &idempotencyKey) = 0;
    /// Turns a payment link off, so its QR code stops working.
    virtual StripeCallStatus deactivatePaymentLink(const QString &paymentLinkId, const QString &idempotencyKey) = 0;
    /// Refunds `amount` of the payment (Stripe refunds in the charge's currency), or with no
    /// amount everything not refunded yet.
    virtual StripeCallResult<RefundCreated> createRefund(const QString &paymentIntentId,
                                                         const std::optional<Money> &amount, const QString &orderId,
                                                         const QString &idempotencyKey) = 0;
};

/// The request worker's Stripe calls over a StripeClient of their own, which lives on a thread
/// of its own. The calls block worker threads (StripeClient::waitFor) while the client's event
/// loop does the network work; that loop must not be the one of the thread that stops the
/// service, which blocks while it waits for those workers (StripeRequestWorker::stop), or calls
/// in flight could never finish. A client of its own also keeps the counter's calls from
/// queueing behind online checkouts on one client's connections.
class StripeClientRequestCalls final : public StripeRequestCalls {
    Q_DISABLE_COPY_MOVE(StripeClientRequestCalls)

public:
    /// Starts the client's thread.
    explicit StripeClientRequestCalls(StripeClientOptions options);
    /// Deletes the client on its thread (its network objects belong there), then ends the thread.
    /// Calls still waiting are answered "shutting down".
    ~StripeClientRequestCalls() override;

    StripeCallResult<QString> createPrice(const Money &unitPrice, const QString &productName,
                                          const QString &idempotencyKey) override;
    StripeCallResult<PaymentLinkCreated> createPaymentLink(const PaymentLinkRequest &request,
                                                           const QString &idempotencyKey) override;
    StripeCallStatus deactivatePaymentLink(const QString &paymentLinkId, const QString &idempotencyKey) override;
    StripeCallResult<RefundCreated> createRefund(const QString &paymentIntentId, const std::optional<Money> &amount,
                                                 const QString &orderId, const QString &idempotencyKey) override;

private:
    QThread m_thread;
    StripeClient *m_client = nullptr;   // lives on m_thread; deleted there
};

} // namespace rdk::sync

#pragma once

#include <QByteArray>
#include <QString>

namespace rdk::sandbox {

/// Signs webhook bodies exactly as Stripe does: HMAC-SHA256 keyed with the whole endpoint
/// secret (including its "whsec_" prefix) over "<timestamp>.<raw body>", sent as
/// `Stripe-Signature: t=<timestamp>,v1=<lowercase hex>`.
class WebhookSigner final {
public:
    static QByteArray signature(const QString &secret, qint64 timestamp, const QByteArray &body);
    static QByteArray header(const QString &secret, qint64 timestamp, const QByteArray &body);
};

} // namespace rdk::sandbox

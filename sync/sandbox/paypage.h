#pragma once

#include "sync/sandbox/stripeobjects.h"

#include <QByteArray>
#include <QString>

namespace rdk::sandbox {

/// The hosted pay page the sandbox serves in place of checkout.stripe.com / buy.stripe.com:
/// one self-contained HTML document (inline CSS, no scripts, nothing fetched from elsewhere)
/// with the line items, the total and two plain forms, Pay and Decline.
class PayPage final {
public:
    static constexpr const char16_t kShopName[] = u"Real Deal Kickz";

    static QByteArray checkout(const CheckoutSession &session);
    static QByteArray paymentLink(const PaymentLink &link);
    /// A short page for outcomes: "no longer available", "payment received", errors.
    static QByteArray message(const QString &title, const QString &text);

    /// Headers every page gets: a CSP that allows nothing external, no caching, no framing.
    static QList<QPair<QByteArray, QByteArray>> headers();

private:
    static QByteArray render(const QString &title, const QString &body);
    /// `extraRows`: table rows after the items (shipping, tax); `extraFields`: inputs before
    /// the card (address, phone, shipping options). Both already HTML.
    static QByteArray payForm(const QString &id, const QList<LineItem> &items, const QString &currency, qint64 total,
                              const QString &email, const QString &footnote, const QString &extraRows = {},
                              const QString &extraFields = {}, bool exactTotal = true);
};

} // namespace rdk::sandbox

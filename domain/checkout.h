#pragma once

#include "domain/result.h"

#include <QList>
#include <QString>

namespace rdk {

/// One line of a shopper's cart as it arrives from the storefront.
struct CartItem final {
    QString sku;
    QString size;       ///< empty for products with flat stock
    int quantity = 1;
};

/// What lets a cart buy pairs of a release (issue 15): the waiting room's admitted ticket, or
/// a raffle winner's claim code. The database checks either; empty for ordinary carts.
struct ReleasePass final {
    QString ticket;  ///< "v1.<release>.<join ms>.<nonce>.<hmac>"
    QString claim;   ///< a raffle entry's claim code (uuid)

    bool isEmpty() const { return ticket.isEmpty() && claim.isEmpty(); }
};

struct CheckoutRequest final {
    QList<CartItem> items;
    QString email;      ///< optional; Stripe asks for one if it's empty (required for pairs of a release)
    ReleasePass pass;   ///< for pairs of a release; one release per order
};

/// Limits that keep one checkout small enough to reserve atomically and to stop a script
/// from holding the whole shop's stock hostage.
inline constexpr int kMaxQuantityPerLine = 10;
inline constexpr int kMaxCartLines = 20;
inline constexpr int kMaxCartUnits = 30;
/// How long stock stays reserved for an online checkout. Stripe needs at least 30 minutes
/// for a Checkout Session's expires_at.
inline constexpr int kOnlineReservationMinutes = 30;

/// Checks and normalizes a checkout: SKUs upper-cased, duplicate (SKU, size) lines merged,
/// quantities 1..10 per line, at most 20 lines and 30 units, a plausible email if any.
/// Whether the products exist and are in stock is the repository's question.
Result<CheckoutRequest> validateCheckout(const CheckoutRequest &request);

/// A light syntax check (local@domain.tld, no spaces, at most 254 characters).
bool looksLikeEmail(QStringView email);

} // namespace rdk

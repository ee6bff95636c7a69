#pragma once

#include "domain/checkout.h"

#include <QByteArray>
#include <QList>

namespace rdk::sync {

/// The storefront's cart lives in the shopper's browser as one cookie (no account, no server
/// state, works without JavaScript). It is only a wish list: prices and stock are looked up
/// again for every page and checked once more at checkout.
inline constexpr char kCartCookieName[] = "rdk_cart";

/// Reads `rdk_cart=SKU~size~qty|...` from a Cookie header. Malformed entries are dropped, not
/// trusted: at most 20 lines, quantities 1..10.
QList<CartItem> cartFromCookieHeader(QByteArrayView cookieHeader);
/// The Set-Cookie value for the cart (an expired cookie when the cart is empty).
QByteArray cartSetCookie(const QList<CartItem> &items, bool secure);
/// Adds (or, with `replace`, sets) a line; quantity 0 with `replace` removes it.
QList<CartItem> withLine(QList<CartItem> items, const CartItem &line, bool replace);
int cartUnits(const QList<CartItem> &items);

} // namespace rdk::sync

#pragma once

#include "domain/checkout.h"
#include "domain/result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace rdk::sync {

/// Reads the body of POST /api/checkout: the cart form (`items[N][sku|size|quantity]`,
/// `email`, application/x-www-form-urlencoded) or JSON (`{"items":[{...}],"email":...}`).
/// `contentType` is the lower-cased Content-Type header. Only the shape is checked here
/// (whole-number quantities, at most kMaxCartLines JSON items); validateCheckout() applies
/// the cart rules afterwards. Unknown form fields are ignored, as browsers add their own.
/// Pure and thread-safe, so it can be fuzzed on its own.
Result<CheckoutRequest> parseCheckoutBody(QByteArrayView contentType, const QByteArray &body);

} // namespace rdk::sync

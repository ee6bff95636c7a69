#pragma once

#include "domain/checkout.h"
#include "domain/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QUrlQuery>

namespace rdk::sync {

/// The fields of an application/x-www-form-urlencoded body, as every storefront form posts them
/// ('+' is a space there, which QUrlQuery alone would keep). Read values with QUrl::FullyDecoded.
QUrlQuery formFields(QByteArray body);

/// Reads the body of POST /api/checkout: the cart form (`items[N][sku|size|quantity]`,
/// `email`, application/x-www-form-urlencoded) or JSON (`{"items":[{...}],"email":...}`).
/// `contentType` is the lower-cased Content-Type header. Only the shape is checked here
/// (whole-number quantities, at most kMaxCartLines JSON items); validateCheckout() applies
/// the cart rules afterwards. Unknown form fields are ignored, as browsers add their own.
/// Pure and thread-safe, so it can be fuzzed on its own.
Result<CheckoutRequest> parseCheckoutBody(QByteArrayView contentType, const QByteArray &body);

} // namespace rdk::sync

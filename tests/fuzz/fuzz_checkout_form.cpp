// POST /api/checkout body (form or JSON), the cart cookie and the catalog query string.
// Input: first byte picks the Content-Type, the rest is the body; the same bytes are also
// read as a Cookie header and as a query string.
// Properties: nothing crashes; a validated cart keeps the cart rules; the cookie reader keeps
// its bounds, and what cartSetCookie writes reads back unchanged.
#include "domain/checkout.h"
#include "sync/cartcookie.h"
#include "sync/checkoutform.h"
#include "sync/storefront/storefrontpages.h"
#include "tests/fuzz/fuzzsupport.h"

#include <QUrlQuery>

#include <cstddef>
#include <cstdint>

using namespace rdk;
using namespace rdk::sync;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const QByteArray kTypes[] = {"application/x-www-form-urlencoded", "application/json; charset=utf-8",
                                        "text/plain", "application/json"};
    const QByteArray &contentType = kTypes[data[0] % 4];
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    const auto parsed = parseCheckoutBody(contentType, body);
    if (parsed) {
        const auto cart = validateCheckout(*parsed);
        if (cart) {
            RDK_FUZZ_CHECK(!cart->items.isEmpty() && cart->items.size() <= kMaxCartLines);
            int units = 0;
            for (const CartItem &item : cart->items) {
                RDK_FUZZ_CHECK(item.quantity >= 1);
                units += item.quantity;
            }
            RDK_FUZZ_CHECK(units <= kMaxCartUnits);
        }
    }

    const QList<CartItem> fromCookie = cartFromCookieHeader(body);
    RDK_FUZZ_CHECK(fromCookie.size() <= kMaxCartLines);
    for (const CartItem &item : fromCookie)
        RDK_FUZZ_CHECK(item.quantity >= 1 && item.quantity <= kMaxQuantityPerLine);
    const QByteArray cookie = cartSetCookie(fromCookie, false);
    const QList<CartItem> again = cartFromCookieHeader(cookie.left(cookie.indexOf(';')));
    RDK_FUZZ_CHECK(again.size() == fromCookie.size());
    for (qsizetype i = 0; i < again.size(); ++i)
        RDK_FUZZ_CHECK(again[i].sku == fromCookie[i].sku && again[i].size == fromCookie[i].size
                       && again[i].quantity == fromCookie[i].quantity);

    const CatalogQuery query = parseCatalogQuery(QUrlQuery(QString::fromUtf8(body)));
    // What we write for a query reads back as the same query (pagination links rely on it).
    const QString written = catalogQueryString(query, query.page);
    RDK_FUZZ_CHECK(catalogQueryString(parseCatalogQuery(QUrlQuery(written)), query.page) == written);
    return 0;
}

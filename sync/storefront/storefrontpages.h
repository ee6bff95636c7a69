#pragma once

// The online storefront as server-rendered HTML: pure functions, data in, UTF-8 bytes out.
// Every page works without JavaScript and fits the strict CSP rdk-sync sends: no inline
// style or script, one stylesheet at /assets/storefront.css, images from /media only.
// Every value that reaches the markup is escaped here; callers pass raw text.

#include "domain/money.h"
#include "domain/storefront.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace rdk::sync {

/// What every page needs besides its own data.
struct PageContext final {
    QString shopName;      ///< shown in the header, footer and <title>
    QString requestPath;   ///< e.g. "/cart"; marks the current navigation link
    int cartCount = 0;     ///< units in the shopper's cart, shown on the cart link
    QString search = {};   ///< what the header's search field shows (the catalog's current search)
};

/// One line of the shopper's cart, as the cart handler resolved it against the catalog.
struct CartLineView final {
    QString sku;
    QString name;
    QString size;          ///< empty for flat-stock products
    int quantity = 1;
    Money unitPrice;
    QString imageStem;     ///< empty when the product has no photo
    int available = 0;     ///< what can be bought right now (on hand minus reserved)
};

/// `/` and `/?brand=...`: filters, result count, product grid, pagination. `dropBadges` (product
/// id -> a short text such as "Drops Sat 12 Dec, 10:00") marks products of a coming release.
QByteArray renderCatalogPage(const PageContext &context, const CatalogPage &page, const CatalogQuery &query,
                             const QHash<QString, QString> &dropBadges = {});

/// What a release (issue 15, sync/storefront/droppages.h) puts on its product's page instead of,
/// or above, the add-to-cart form. Empty: the page as usual.
struct ProductPageExtras final {
    QString buyBoxHtml;         ///< already escaped markup shown in place of the add-to-cart form
    bool keepAddToCart = false; ///< show the add-to-cart form under buyBoxHtml
    QStringList scripts;        ///< same-origin scripts the page needs (e.g. /static/drop.js)
    bool showsClock = false;    ///< counts down from the time it was made: not to be kept long
};

/// `/products/{sku}`: gallery, details and the add-to-cart form (none when sold out).
QByteArray renderProductPage(const PageContext &context, const StorefrontProduct &product, const ProductPageExtras &extras = {});

/// `/cart`: lines with update/remove forms, subtotal and the checkout form. `notice` is a
/// sentence for the shopper (e.g. why checkout was refused); empty for none.
QByteArray renderCartPage(const PageContext &context, const QList<CartLineView> &lines, const QString &notice);

/// `/checkout/success?order=...` (canceled = false; nullopt when the order is unknown) and
/// `/checkout/cancel` (canceled = true; the order is ignored).
QByteArray renderCheckoutResultPage(const PageContext &context, const std::optional<CheckoutSummary> &order,
                                    bool canceled);

/// Any 4xx/5xx page. `message` is shown to the shopper as plain text; keep internals out.
/// What a shopper typed into the order lookup form, and why it was refused (empty when not).
struct OrderLookupForm final {
    QString number;
    QString email;
    QString problem;
};

/// "Find your order": order number and e-mail, no account needed; `form` refills the fields.
QByteArray renderOrderLookupPage(const PageContext &context, const OrderLookupForm &form);
/// One order found by the lookup: status, the day it was placed, tracking, the items.
QByteArray renderOrderStatusPage(const PageContext &context, const CheckoutSummary &order);

QByteArray renderErrorPage(const PageContext &context, int httpStatus, const QString &message);

/// The shop's own pages, written by an admin in rdk-desk (rdk.set_shop_settings).
enum class ShopPage { Shipping, Returns, Contact };
/// "/policies/shipping", "/policies/returns", "/contact".
QString shopPagePath(ShopPage page);
/// One of them: its text as paragraphs (staff text, escaped), and for Contact the shop's
/// address too; a sentence pointing to the contact page when the shop has written nothing.
QByteArray renderShopPage(const PageContext &context, ShopPage page, const QString &text, const QString &shopAddress);

/// The query string (no leading '?') of a catalog link: only values that differ from the
/// defaults, percent-encoded, in a fixed order. `page` overrides query.page when set; page 1
/// is left out. Empty when everything is default. parseCatalogQuery reads it back unchanged.
QString catalogQueryString(const CatalogQuery &query, std::optional<int> page = {});

/// Reads `/` query parameters leniently: anything unknown, malformed or hostile falls back to
/// its default instead of failing the page. page is clamped to 1..1000, per_page to 1..60;
/// sort = newest|price_asc|price_desc|name; condition = new|used; in_stock = 1; size must
/// look like a US size (^[0-9]{1,2}(\.5)?$); brand is trimmed and dropped when longer than
/// 80 characters or holding control characters. '+' in values means a space (HTML forms).
CatalogQuery parseCatalogQuery(const QUrlQuery &query);

/// The stylesheet served at /assets/storefront.css (compiled in from
/// resources/storefront/storefront.css).
QByteArray storefrontStylesheet();
/// A file of resources/storefront (built in), e.g. "order-status.js"; empty when there is none.
QByteArray storefrontAsset(const QString &name);

} // namespace rdk::sync

#include "sync/storefront/storefrontpages.h"

#include "domain/moneyformat.h"
#include "domain/order.h"
#include "sync/storefront/storefronthtml.h"

#include <QFile>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

using html::escape;
using html::ImageVariant;

constexpr int maxQuantityPerAdd = 10;
constexpr int lowStockThreshold = 3;
constexpr int maxPages = 1000;

const QString middleDot = u" \u00B7 "_s;

// ---------------------------------------------------------------- shared bits

QString catalogUrl(const CatalogQuery &query, std::optional<int> page = {})
{
    const QString qs = catalogQueryString(query, page);
    return qs.isEmpty() ? u"/"_s : u"/?"_s + qs;
}

QString brandUrl(const QString &brand)
{
    CatalogQuery query;
    query.brand = brand;
    return catalogUrl(query);
}

// The catalog counts products (styles), not pairs: a product has many pairs, and socks or a
// cleaning kit are not pairs at all.
QString productsText(qint64 count)
{
    return QString::number(count) + (count == 1 ? u" product"_s : u" products"_s);
}

// "New", "Used · Good", or "Used" for an ungraded used pair.
QString conditionLabel(Condition condition, UsedGrade grade)
{
    if (condition == Condition::New)
        return displayName(Condition::New);
    const QString gradeName = displayName(grade);
    return gradeName.isEmpty() ? displayName(Condition::Used) : displayName(Condition::Used) + middleDot + gradeName;
}

// The grade in words, for the product page.
QString conditionSentence(Condition condition, UsedGrade grade, bool wearable)
{
    if (condition == Condition::New)
        return wearable ? u"Brand new and never worn."_s : u"Brand new."_s;
    switch (grade) {
    case UsedGrade::LikeNew: return u"Like new: worn a handful of times at most, with no real signs of wear."_s;
    case UsedGrade::Good: return u"Good: light wear and creasing, clean uppers and plenty of life left."_s;
    case UsedGrade::Fair: return u"Fair: visible wear, priced to match. Check the photos for the details."_s;
    case UsedGrade::None: break;
    }
    return u"Pre-owned. Check the photos and description for the details."_s;
}

QString conditionBadge(Condition condition, UsedGrade grade)
{
    const QString kind = condition == Condition::New ? u"badge-new"_s : u"badge-used"_s;
    return u"<span class=\"badge "_s + kind + u"\">"_s + escape(conditionLabel(condition, grade)) + u"</span>"_s;
}

// "Sold out", "Only N left" or nothing.
QString stockBadge(int available)
{
    if (available <= 0)
        return u"<span class=\"badge badge-soldout\">Sold out</span>"_s;
    if (available <= lowStockThreshold)
        return u"<span class=\"badge badge-low\">Only "_s + QString::number(available) + u" left</span>"_s;
    return {};
}

bool isFlatStock(const StorefrontProduct &product)
{
    return !product.sizes.isEmpty()
        && std::all_of(product.sizes.cbegin(), product.sizes.cend(),
                       [](const StorefrontSize &s) { return s.size.trimmed().isEmpty(); });
}

int availableOf(const StorefrontProduct &product)
{
    int total = 0;
    for (const auto &s : product.sizes)
        total += qMax(0, s.available);
    return total;
}

QString imageAlt(const QString &name, const QString &colorway)
{
    return colorway.trimmed().isEmpty() ? name : name + u", "_s + colorway;
}

QString hiddenInput(const QString &name, const QString &value)
{
    return u"<input type=\"hidden\" name=\""_s + escape(name) + u"\" value=\""_s + escape(value) + u"\">"_s;
}

QString option(const QString &value, const QString &label, bool selected)
{
    return u"<option value=\""_s + escape(value) + u"\""_s + (selected ? u" selected"_s : QString()) + u">"_s
        + escape(label) + u"</option>\n"_s;
}

QString moneyOrDash(const Result<Money> &money)
{
    return money ? escape(formatMoney(*money)) : u"\u2014"_s;
}

// ---------------------------------------------------------------- catalog

QStringList filterSizes()
{
    QStringList sizes;
    for (int halves = 8; halves <= 30; ++halves)
        sizes.append(halves % 2 == 0 ? QString::number(halves / 2) : QString::number(halves / 2) + u".5"_s);
    return sizes;
}

bool hasFilters(const CatalogQuery &query)
{
    return !query.search.isEmpty() || !query.brand.isEmpty() || !query.size.isEmpty() || query.condition
        || query.inStockOnly;
}

QString filterForm(const CatalogPage &page, const CatalogQuery &query)
{
    QString out = u"<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\" "
                  "aria-label=\"Filter sneakers\">\n"_s;

    // Brand: every published brand, plus the requested one when it isn't (so it stays visible).
    QStringList brands = page.brands;
    if (!query.brand.isEmpty() && !brands.contains(query.brand))
        brands.prepend(query.brand);
    out += u"<div class=\"field\"><label for=\"filter-brand\">Brand</label>\n"
           "<select id=\"filter-brand\" name=\"brand\">\n"_s;
    out += option(QString(), u"All brands"_s, query.brand.isEmpty());
    for (const QString &brand : brands)
        out += option(brand, brand, brand == query.brand);
    out += u"</select></div>\n"_s;

    QStringList sizes = filterSizes();
    if (!query.size.isEmpty() && !sizes.contains(query.size))
        sizes.prepend(query.size);
    out += u"<div class=\"field\"><label for=\"filter-size\">Size (US)</label>\n"
           "<select id=\"filter-size\" name=\"size\">\n"_s;
    out += option(QString(), u"Any size"_s, query.size.isEmpty());
    for (const QString &size : sizes)
        out += option(size, size, size == query.size);
    out += u"</select></div>\n"_s;

    out += u"<div class=\"field\"><label for=\"filter-condition\">Condition</label>\n"
           "<select id=\"filter-condition\" name=\"condition\">\n"_s;
    out += option(QString(), u"New & used"_s, !query.condition);
    out += option(u"new"_s, u"New"_s, query.condition == Condition::New);
    out += option(u"used"_s, u"Pre-owned"_s, query.condition == Condition::Used);
    out += u"</select></div>\n"_s;

    out += u"<div class=\"field\"><label for=\"filter-sort\">Sort by</label>\n"
           "<select id=\"filter-sort\" name=\"sort\">\n"_s;
    out += option(u"newest"_s, u"Newest"_s, query.sort == CatalogSort::Newest);
    out += option(u"price_asc"_s, u"Price: low to high"_s, query.sort == CatalogSort::PriceLowHigh);
    out += option(u"price_desc"_s, u"Price: high to low"_s, query.sort == CatalogSort::PriceHighLow);
    out += option(u"name"_s, u"Name"_s, query.sort == CatalogSort::Name);
    out += u"</select></div>\n"_s;

    out += u"<div class=\"field field-check\"><input type=\"checkbox\" id=\"filter-stock\" name=\"in_stock\" "
           "value=\"1\""_s
        + (query.inStockOnly ? u" checked"_s : QString()) + u"><label for=\"filter-stock\">In stock only</label></div>\n"_s;

    if (query.perPage != 24)
        out += hiddenInput(u"per_page"_s, QString::number(qBound(1, query.perPage, 60))) + u"\n"_s;
    if (!query.search.isEmpty())
        out += hiddenInput(u"q"_s, query.search) + u"\n"_s;   // filtering keeps the search

    out += u"<div class=\"filter-actions\"><button type=\"submit\" class=\"button\">Apply</button>"_s;
    if (hasFilters(query))
        out += u"<a class=\"text-link\" href=\"/\">Clear filters</a>"_s;
    out += u"</div>\n</form>\n"_s;
    return out;
}

QString productCard(const StorefrontProduct &product, const QString &dropBadge = {})
{
    const int available = availableOf(product);
    QString out = u"<li class=\"card"_s + (available <= 0 ? u" is-soldout"_s : QString()) + u"\">\n<a class=\"card-link\" href=\""_s
        + escape(html::productUrl(product.sku)) + u"\">\n<div class=\"card-media\">\n"_s;
    if (!product.images.isEmpty() && !product.images.first().stem.isEmpty()) {
        out += u"<img"_s
            + html::responsiveImageAttributes(product.images.first(), ImageVariant::Medium,
                                              u"(max-width: 600px) 50vw, 25vw")
            + u" loading=\"lazy\" alt=\""_s + escape(imageAlt(product.name, product.colorway)) + u"\">\n"_s;
    } else {
        out += html::placeholderImage({}) + u"\n"_s;
    }
    out += u"<div class=\"card-badges\">"_s + conditionBadge(product.condition, product.usedGrade)
        + (dropBadge.isEmpty() ? stockBadge(available) : u"<span class=\"badge badge-drop\">"_s + escape(dropBadge) + u"</span>"_s)
        + u"</div>\n</div>\n<div class=\"card-body\">\n"_s;
    if (!product.brand.isEmpty())
        out += u"<p class=\"card-brand\">"_s + escape(product.brand) + u"</p>\n"_s;
    out += u"<h2 class=\"card-title\">"_s + escape(product.name) + u"</h2>\n"_s;
    if (!product.colorway.isEmpty())
        out += u"<p class=\"card-colorway\">"_s + escape(product.colorway) + u"</p>\n"_s;
    out += u"<p class=\"card-price\">"_s + escape(formatMoney(product.price)) + u"</p>\n"_s;
    out += u"</div>\n</a>\n</li>\n"_s;
    return out;
}

QString pageLink(const CatalogQuery &query, int page, int current)
{
    if (page == current) {
        return u"<li><a class=\"page-number\" href=\""_s + escape(catalogUrl(query, page))
            + u"\" aria-current=\"page\"><span class=\"visually-hidden\">Page </span>"_s + QString::number(page)
            + u"</a></li>\n"_s;
    }
    return u"<li><a class=\"page-number\" href=\""_s + escape(catalogUrl(query, page))
        + u"\"><span class=\"visually-hidden\">Page </span>"_s + QString::number(page) + u"</a></li>\n"_s;
}

QString pagination(const CatalogQuery &query, int current, int totalPages)
{
    if (totalPages <= 1)
        return {};
    QString out = u"<nav class=\"pagination\" aria-label=\"Pages\">\n<ul>\n"_s;
    if (current > 1) {
        out += u"<li><a class=\"page-step\" href=\""_s + escape(catalogUrl(query, qMin(current - 1, totalPages)))
            + u"\" rel=\"prev\"><span aria-hidden=\"true\">\u2190</span> Previous</a></li>\n"_s;
    } else {
        out += u"<li><span class=\"page-step is-disabled\" aria-disabled=\"true\"><span aria-hidden=\"true\">"
               "\u2190</span> Previous</span></li>\n"_s;
    }

    // 1 … 4 5 6 … 20: the ends, the current page and its neighbours.
    int last = 0;
    for (int page = 1; page <= totalPages; ++page) {
        const bool shown = page == 1 || page == totalPages || (page >= current - 1 && page <= current + 1)
            || (current <= 3 && page <= 4) || (current >= totalPages - 2 && page >= totalPages - 3);
        if (!shown)
            continue;
        if (last != 0 && page > last + 1)
            out += u"<li><span class=\"page-gap\" aria-hidden=\"true\">\u2026</span></li>\n"_s;
        out += pageLink(query, page, current);
        last = page;
    }

    if (current < totalPages) {
        out += u"<li><a class=\"page-step\" href=\""_s + escape(catalogUrl(query, current + 1))
            + u"\" rel=\"next\">Next <span aria-hidden=\"true\">\u2192</span></a></li>\n"_s;
    } else {
        out += u"<li><span class=\"page-step is-disabled\" aria-disabled=\"true\">Next <span aria-hidden=\"true\">"
               "\u2192</span></span></li>\n"_s;
    }
    out += u"</ul>\n</nav>\n"_s;
    return out;
}

// ---------------------------------------------------------------- product

QString gallery(const StorefrontProduct &product)
{
    QList<StorefrontImage> images;
    for (const auto &image : product.images) {
        if (!image.stem.isEmpty())
            images.append(image);
    }
    QString out = u"<section class=\"gallery\" aria-label=\"Photos\">\n"_s;
    if (images.isEmpty()) {
        out += html::placeholderImage(u"gallery-placeholder") + u"\n</section>\n"_s;
        return out;
    }
    const QString alt = imageAlt(product.name, product.colorway);
    out += u"<a class=\"gallery-main\" href=\""_s + escape(html::mediaUrl(images.first().stem, ImageVariant::Large))
        + u"\"><img"_s
        + html::responsiveImageAttributes(images.first(), ImageVariant::Large, u"(max-width: 900px) 100vw, 55vw")
        + u" alt=\""_s + escape(alt) + u"\"></a>\n"_s;
    if (images.size() > 1) {
        out += u"<ul class=\"gallery-thumbs\">\n"_s;
        for (qsizetype i = 1; i < images.size(); ++i) {
            const QString label = alt + u", photo "_s + QString::number(i + 1);
            out += u"<li><a href=\""_s + escape(html::mediaUrl(images[i].stem, ImageVariant::Large))
                + u"\"><img"_s
                + html::responsiveImageAttributes(images[i], ImageVariant::Thumb, u"120px")
                + u" loading=\"lazy\" alt=\""_s + escape(label) + u"\"></a></li>\n"_s;
        }
        out += u"</ul>\n"_s;
    }
    out += u"</section>\n"_s;
    return out;
}

QString addToCartForm(const StorefrontProduct &product)
{
    const int available = availableOf(product);
    if (available <= 0) {
        return u"<div class=\"soldout-note\">\n<p class=\"soldout-title\">Sold out</p>\n"
               "<p>This pair has found a new home. Fresh pairs land all the time.</p>\n"
               "<p><a class=\"button button-secondary\" href=\"/\">Shop the latest</a></p>\n</div>\n"_s;
    }

    const bool flat = isFlatStock(product);
    int maxQuantity = 0;
    QString out = u"<form class=\"buy-form\" method=\"post\" action=\"/cart/add\">\n"_s
        + hiddenInput(u"sku"_s, product.sku) + u"\n"_s;
    if (flat) {
        maxQuantity = available;
        out += hiddenInput(u"size"_s, QString()) + u"\n"_s;
    } else {
        out += u"<fieldset class=\"size-picker\">\n<legend>Select size <span class=\"legend-note\">US</span>"
               "</legend>\n<div class=\"size-options\">\n"_s;
        int index = 0;
        for (const auto &s : product.sizes) {
            if (s.available <= 0 || s.size.trimmed().isEmpty())
                continue;
            maxQuantity = qMax(maxQuantity, s.available);
            const QString id = u"size-"_s + QString::number(index++);
            out += u"<div class=\"size-chip\"><input type=\"radio\" name=\"size\" id=\""_s + id + u"\" value=\""_s
                + escape(s.size) + u"\" required><label for=\""_s + id + u"\">"_s + escape(s.size)
                + u"</label></div>\n"_s;
        }
        out += u"</div>\n</fieldset>\n"_s;
    }
    maxQuantity = qBound(1, maxQuantity, maxQuantityPerAdd);
    out += u"<div class=\"buy-row\">\n<div class=\"field field-quantity\"><label for=\"quantity\">Quantity</label>"
           "<input type=\"number\" id=\"quantity\" name=\"quantity\" min=\"1\" max=\""_s
        + QString::number(maxQuantity)
        + u"\" value=\"1\" inputmode=\"numeric\" required></div>\n"
          "<button type=\"submit\" class=\"button button-large\">Add to cart</button>\n</div>\n</form>\n"_s;
    return out;
}

// ---------------------------------------------------------------- cart

QString cartLine(const CartLineView &line, int index)
{
    const QString url = escape(html::productUrl(line.sku));
    QString out = u"<li class=\"cart-line\">\n<div class=\"cart-line-media\">"_s;
    if (!line.imageStem.isEmpty()) {
        StorefrontImage image;
        image.stem = line.imageStem;
        out += u"<img"_s + html::responsiveImageAttributes(image, ImageVariant::Thumb, u"112px")
            + u" alt=\"\">"_s;
    } else {
        out += html::placeholderImage(u"placeholder-small");
    }
    out += u"</div>\n<div class=\"cart-line-info\">\n<h2 class=\"cart-line-name\"><a href=\""_s + url + u"\">"_s
        + escape(line.name) + u"</a></h2>\n<p class=\"cart-line-meta\">"_s;
    if (!line.size.isEmpty())
        out += u"Size "_s + escape(line.size) + middleDot;
    out += escape(formatMoney(line.unitPrice)) + u" each</p>\n"_s;
    if (line.available <= 0) {
        out += u"<p class=\"cart-line-warning\">Sold out"_s
            + (line.size.isEmpty() ? QString() : u" in this size"_s) + u". Remove it to check out.</p>\n"_s;
    } else if (line.quantity > line.available) {
        out += u"<p class=\"cart-line-warning\">Only "_s + QString::number(line.available) + u" left"_s
            + (line.size.isEmpty() ? QString() : u" in this size"_s) + u". Lower the quantity to check out.</p>\n"_s;
    }
    out += u"</div>\n"_s;

    const QString qtyId = u"qty-"_s + QString::number(index);
    const int maxQuantity = qBound(0, qMax(line.available, line.quantity), maxQuantityPerAdd);
    const QString what = escape(line.name) + (line.size.isEmpty() ? QString() : u", size "_s + escape(line.size));
    out += u"<div class=\"cart-line-actions\">\n<form class=\"qty-form\" method=\"post\" action=\"/cart/update\">"_s
        + hiddenInput(u"sku"_s, line.sku) + hiddenInput(u"size"_s, line.size) + u"<label for=\""_s + qtyId
        + u"\">Qty<span class=\"visually-hidden\"> of "_s + what + u"</span></label><input type=\"number\" id=\""_s
        + qtyId + u"\" name=\"quantity\" min=\"0\" max=\""_s + QString::number(maxQuantity) + u"\" value=\""_s
        + QString::number(line.quantity)
        + u"\" inputmode=\"numeric\" required><button type=\"submit\" class=\"button button-small "
          "button-secondary\">Update<span class=\"visually-hidden\"> "_s
        + what + u"</span></button></form>\n"_s;
    out += u"<form class=\"remove-form\" method=\"post\" action=\"/cart/remove\">"_s + hiddenInput(u"sku"_s, line.sku)
        + hiddenInput(u"size"_s, line.size)
        + u"<button type=\"submit\" class=\"link-button\">Remove<span class=\"visually-hidden\"> "_s + what
        + u"</span></button></form>\n</div>\n"_s;
    out += u"<p class=\"cart-line-total\">"_s + moneyOrDash(line.unitPrice.times(line.quantity)) + u"</p>\n</li>\n"_s;
    return out;
}

Result<Money> cartSubtotal(const QList<CartLineView> &lines)
{
    if (lines.isEmpty())
        return Money();
    Result<Money> sum = Money::zero(lines.first().unitPrice.currency());
    for (const auto &line : lines) {
        const Result<Money> amount = line.unitPrice.times(line.quantity);
        if (!amount)
            return amount.error();
        sum = sum->plus(*amount);
        if (!sum)
            return sum;
    }
    return sum;
}

// ---------------------------------------------------------------- checkout result

QString statusClass(OrderStatus status)
{
    switch (status) {
    case OrderStatus::Paid:
    case OrderStatus::Shipped:
    case OrderStatus::Fulfilled: return u"status-ok"_s;
    case OrderStatus::Pending:
    case OrderStatus::AwaitingPayment: return u"status-wait"_s;
    case OrderStatus::Canceled:
    case OrderStatus::Refunded:
    case OrderStatus::PartiallyRefunded: return u"status-off"_s;
    }
    return u"status-wait"_s;
}

QString statusSentence(OrderStatus status)
{
    switch (status) {
    case OrderStatus::Paid: return u"Payment received. We\u2019ll email you as soon as your order ships."_s;
    case OrderStatus::Shipped: return u"Your order is on its way."_s;
    case OrderStatus::Fulfilled: return u"Your order is complete."_s;
    case OrderStatus::Pending:
    case OrderStatus::AwaitingPayment:
        return u"We\u2019re waiting for the payment to be confirmed. This usually takes a few seconds; this page "
               "refreshes by itself."_s;
    case OrderStatus::Canceled: return u"This order was canceled."_s;
    case OrderStatus::Refunded: return u"This order was refunded."_s;
    case OrderStatus::PartiallyRefunded: return u"Part of this order was refunded."_s;
    }
    return {};
}

bool isWaiting(OrderStatus status)
{
    return status == OrderStatus::Pending || status == OrderStatus::AwaitingPayment;
}

QString orderTable(const CheckoutSummary &order)
{
    QString out = u"<table class=\"order-lines\">\n<caption class=\"visually-hidden\">Items in this order</caption>\n"
                  "<thead><tr><th scope=\"col\">Item</th><th scope=\"col\" class=\"num\">Qty</th>"
                  "<th scope=\"col\" class=\"num\">Price</th></tr></thead>\n<tbody>\n"_s;
    for (const auto &line : order.lines) {
        out += u"<tr><td><span class=\"order-item-name\">"_s + escape(line.name) + u"</span>"_s;
        if (!line.size.isEmpty())
            out += u"<span class=\"order-item-meta\">Size "_s + escape(line.size) + u"</span>"_s;
        out += u"</td><td class=\"num\">"_s + QString::number(line.quantity) + u"</td><td class=\"num\">"_s
            + moneyOrDash(line.lineTotal()) + u"</td></tr>\n"_s;
    }
    out += u"</tbody>\n<tfoot>"_s;
    if (order.shipping) {
        out += u"<tr><th scope=\"row\" colspan=\"2\">"_s + escape(order.pickup ? u"Pickup"_s : u"Shipping"_s)
            + u"<span class=\"order-item-meta\">"_s + escape(order.shippingMethod) + u"</span></th><td class=\"num\">"_s
            + escape(order.shipping->isZero() ? u"Free"_s : formatMoney(*order.shipping)) + u"</td></tr>\n"_s;
    }
    if (order.tax)
        out += u"<tr><th scope=\"row\" colspan=\"2\">Tax</th><td class=\"num\">"_s + escape(formatMoney(*order.tax))
            + u"</td></tr>\n"_s;
    out += u"<tr><th scope=\"row\" colspan=\"2\">Total</th><td class=\"num\">"_s + escape(formatMoney(order.total))
        + u"</td></tr></tfoot>\n</table>\n"_s;
    return out;
}

QString reasonPhrase(int status)
{
    switch (status) {
    case 400: return u"Bad request"_s;
    case 401: return u"Sign-in required"_s;
    case 403: return u"Not allowed"_s;
    case 404: return u"Page not found"_s;
    case 405: return u"Method not allowed"_s;
    case 409: return u"Conflict"_s;
    case 410: return u"Gone"_s;
    case 413: return u"Request too large"_s;
    case 415: return u"Unsupported request"_s;
    case 422: return u"Couldn\u2019t process that"_s;
    case 429: return u"Too many requests"_s;
    case 502:
    case 503:
    case 504: return u"Temporarily unavailable"_s;
    default: break;
    }
    return status >= 500 ? u"Something went wrong"_s : u"Request error"_s;
}

} // namespace

// ==================================================================== pages

QByteArray renderCatalogPage(const PageContext &context, const CatalogPage &page, const CatalogQuery &query,
                             const QHash<QString, QString> &dropBadges)
{
    const int perPage = qBound(1, page.perPage, 60);
    const int total = qMax(0, page.total);
    const int totalPages = qBound(1, int((qint64(total) + perPage - 1) / perPage), maxPages);
    const int current = qBound(1, page.page, maxPages);

    QString heading = u"Shop all sneakers"_s;
    if (!query.search.isEmpty())
        heading = u"Results for \u201c"_s + query.search + u"\u201d"_s;
    else if (!query.brand.isEmpty())
        heading = query.brand;
    else if (query.condition == Condition::New)
        heading = u"New sneakers"_s;
    else if (query.condition == Condition::Used)
        heading = u"Pre-owned sneakers"_s;

    QString out = u"<div class=\"page-head\">\n<h1>"_s + escape(heading) + u"</h1>\n"_s;
    QString count;
    if (total == 0) {
        count = u"No products found"_s;
    } else if (page.products.isEmpty()) {
        count = productsText(total);
    } else {
        const qint64 first = qint64(current - 1) * perPage + 1;
        const qint64 last = first + page.products.size() - 1;
        count = total <= perPage && current == 1
            ? productsText(total)
            : u"Showing "_s + QString::number(first) + u"\u2013"_s + QString::number(last) + u" of "_s
                + productsText(total);
    }
    out += u"<p class=\"result-count\">"_s + escape(count) + u"</p>\n</div>\n"_s;
    out += filterForm(page, query);

    if (page.products.isEmpty()) {
        out += u"<section class=\"empty-state\">\n"_s;
        if (total > 0) {
            out += u"<h2>There\u2019s nothing on this page</h2>\n<p>The list is shorter than that now.</p>\n"
                   "<p><a class=\"button\" href=\""_s
                + escape(catalogUrl(query, 1)) + u"\">Back to page 1</a></p>\n"_s;
        } else {
            if (!query.search.isEmpty()) {
                out += u"<h2>Nothing matches \u201c"_s + escape(query.search)
                    + u"\u201d</h2>\n<p>Check the spelling, try fewer words, or search by brand or SKU.</p>\n"
                      "<p><a class=\"button\" href=\"/\">See everything</a></p>\n"_s;
            } else {
                out += u"<h2>No products match these filters</h2>\n<p>Try another size or brand, or see everything we "
                       "have in stock.</p>\n<p><a class=\"button\" href=\"/\">Clear filters</a></p>\n"_s;
            }
        }
        out += u"</section>\n"_s;
    } else {
        out += u"<ul class=\"product-grid\">\n"_s;
        for (const auto &product : page.products)
            out += productCard(product, dropBadges.value(product.id));
        out += u"</ul>\n"_s;
        out += pagination(query, current, totalPages);
    }

    html::DocumentOptions options;
    options.title = heading + (current > 1 ? u" (page "_s + QString::number(current) + u")"_s : QString());
    options.description = u"New and pre-owned sneakers."_s;
    options.mainClass = u"page-catalog"_s;
    return html::document(context, options, out);
}

QByteArray renderProductPage(const PageContext &context, const StorefrontProduct &product, const ProductPageExtras &extras)
{
    const int available = availableOf(product);
    QString out = u"<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\">\n<ol>\n<li><a href=\"/\">Shop</a></li>\n"_s;
    if (!product.brand.isEmpty())
        out += u"<li><a href=\""_s + escape(brandUrl(product.brand)) + u"\">"_s + escape(product.brand)
            + u"</a></li>\n"_s;
    out += u"<li><span aria-current=\"page\">"_s + escape(product.name) + u"</span></li>\n</ol>\n</nav>\n"_s;

    out += u"<div class=\"product\">\n"_s + gallery(product);
    out += u"<div class=\"product-info\">\n"_s;
    if (!product.brand.isEmpty())
        out += u"<p class=\"product-brand\">"_s + escape(product.brand) + u"</p>\n"_s;
    out += u"<h1 class=\"product-name\">"_s + escape(product.name) + u"</h1>\n"_s;
    if (!product.colorway.isEmpty())
        out += u"<p class=\"product-colorway\">"_s + escape(product.colorway) + u"</p>\n"_s;
    out += u"<p class=\"product-price\">"_s + escape(formatMoney(product.price)) + u"</p>\n"_s;
    out += u"<div class=\"product-badges\">"_s + conditionBadge(product.condition, product.usedGrade)
        + stockBadge(available) + u"</div>\n"_s;
    out += u"<p class=\"condition-note\">"_s + escape(conditionSentence(product.condition, product.usedGrade, !isFlatStock(product)))
        + u"</p>\n"_s;
    out += extras.buyBoxHtml;
    if (extras.buyBoxHtml.isEmpty() || extras.keepAddToCart)
        out += addToCartForm(product);

    const QString description = html::paragraphs(product.description);
    if (!description.isEmpty())
        out += u"<section class=\"product-description\" aria-label=\"Description\">\n"_s + description
            + u"</section>\n"_s;
    out += u"<dl class=\"product-facts\">\n"_s;
    if (!product.brand.isEmpty())
        out += u"<div><dt>Brand</dt><dd>"_s + escape(product.brand) + u"</dd></div>\n"_s;
    if (!product.colorway.isEmpty())
        out += u"<div><dt>Colorway</dt><dd>"_s + escape(product.colorway) + u"</dd></div>\n"_s;
    out += u"<div><dt>Condition</dt><dd>"_s + escape(conditionLabel(product.condition, product.usedGrade))
        + u"</dd></div>\n<div><dt>SKU</dt><dd>"_s + escape(product.sku) + u"</dd></div>\n</dl>\n"_s;
    out += u"</div>\n</div>\n"_s;

    html::DocumentOptions options;
    options.title = product.brand.isEmpty() ? product.name : product.brand + u" "_s + product.name;
    options.description = product.description.simplified().isEmpty()
        ? options.title + u" \u2014 "_s + conditionLabel(product.condition, product.usedGrade)
        : product.description.simplified();
    options.mainClass = u"page-product"_s;
    options.scripts = extras.scripts;
    return html::document(context, options, out);
}

QByteArray renderCartPage(const PageContext &context, const QList<CartLineView> &lines, const QString &notice)
{
    QString out = u"<div class=\"page-head\">\n<h1>Your cart</h1>\n</div>\n"_s;
    if (!notice.trimmed().isEmpty())
        out += u"<div class=\"notice\" role=\"alert\"><p>"_s + escape(notice.trimmed()) + u"</p></div>\n"_s;

    if (lines.isEmpty()) {
        out += u"<section class=\"empty-state\">\n<h2>Your cart is empty</h2>\n<p>Find your next pair: new "
               "releases and pre-owned classics.</p>\n<p><a class=\"button\" href=\"/\">Shop "
               "sneakers</a></p>\n</section>\n"_s;
    } else {
        int units = 0;
        for (const auto &line : lines)
            units += qMax(0, line.quantity);

        out += u"<div class=\"cart-layout\">\n<ul class=\"cart-lines\" aria-label=\"Items\">\n"_s;
        for (qsizetype i = 0; i < lines.size(); ++i)
            out += cartLine(lines[i], int(i));
        out += u"</ul>\n"_s;

        out += u"<aside class=\"cart-summary\" aria-labelledby=\"summary-title\">\n<h2 id=\"summary-title\">Order "
               "summary</h2>\n<dl class=\"summary-rows\">\n<div><dt>Subtotal <span class=\"muted\">("_s
            + QString::number(units) + (units == 1 ? u" item"_s : u" items"_s) + u")</span></dt><dd>"_s
            + moneyOrDash(cartSubtotal(lines))
            + u"</dd></div>\n<div><dt>Shipping</dt><dd class=\"muted\">Calculated at checkout</dd></div>\n</dl>\n"_s;
        out += u"<form class=\"checkout-form\" method=\"post\" action=\"/api/checkout\">\n"_s;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QString prefix = u"items["_s + QString::number(i) + u"]"_s;
            out += hiddenInput(prefix + u"[sku]"_s, lines[i].sku) + hiddenInput(prefix + u"[size]"_s, lines[i].size)
                + hiddenInput(prefix + u"[quantity]"_s, QString::number(lines[i].quantity)) + u"\n"_s;
        }
        out += u"<div class=\"field\"><label for=\"checkout-email\">Email for your receipt <span "
               "class=\"muted\">(optional)</span></label><input type=\"email\" id=\"checkout-email\" name=\"email\" "
               "autocomplete=\"email\" maxlength=\"254\" placeholder=\"you@example.com\"></div>\n"
               "<button type=\"submit\" class=\"button button-large button-block\">Checkout</button>\n</form>\n"
               "<p class=\"fine-print\">Shipping is calculated at checkout. You\u2019ll pay securely on Stripe\u2019s "
               "checkout page.</p>\n<p class=\"continue\"><a class=\"text-link\" href=\"/\">Continue shopping</a>"
               "</p>\n</aside>\n</div>\n"_s;
    }

    html::DocumentOptions options;
    options.title = u"Your cart"_s;
    options.noIndex = true;
    options.mainClass = u"page-cart"_s;
    return html::document(context, options, out);
}

QByteArray renderCheckoutResultPage(const PageContext &context, const std::optional<CheckoutSummary> &order,
                                    bool canceled)
{
    html::DocumentOptions options;
    options.noIndex = true;
    options.mainClass = u"page-checkout"_s;
    QString out = u"<section class=\"result-card\""_s;
    if (order && !canceled)
        out += u" data-order-id=\""_s + escape(order->orderId) + u"\" data-order-status=\""_s + escape(toString(order->status)) + u"\""_s;
    out += u">\n"_s;

    if (canceled) {
        options.title = u"Checkout canceled"_s;
        out += u"<h1>Checkout canceled</h1>\n<p class=\"lead\">No worries, your cart is kept just as you left it. "
               "Nothing was charged.</p>\n<p class=\"actions\"><a class=\"button\" href=\"/cart\">Back to cart</a> "
               "<a class=\"text-link\" href=\"/\">Keep shopping</a></p>\n"_s;
    } else if (!order) {
        options.title = u"Order not found"_s;
        out += u"<h1>We couldn\u2019t find that order</h1>\n<p class=\"lead\">The link may be incomplete or "
               "out of date. If you just paid, your confirmation email has your order number; reply to it and "
               "we\u2019ll sort it out.</p>\n<p class=\"actions\"><a class=\"button\" href=\"/\">Back to the "
               "shop</a></p>\n"_s;
    } else {
        const bool waiting = isWaiting(order->status);
        options.title = u"Thank you"_s;
        // While waiting: a script asks for the status twice a second (order-status.js), a
        // refresh every 3 s does the same without JavaScript.
        options.refreshSeconds = waiting ? 3 : 0;
        options.refreshOnlyWithoutScript = true;
        if (waiting)
            options.scripts.append(u"/assets/order-status.js"_s);
        // A clock while the payment is being confirmed, a tick once it is.
        out += waiting ? u"<p class=\"result-icon result-icon-wait\" aria-hidden=\"true\"><svg viewBox=\"0 0 24 24\" "
                         "width=\"28\" height=\"28\" focusable=\"false\"><circle cx=\"12\" cy=\"12\" r=\"9\" "
                         "fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M12 7v5l3 2\" "
                         "fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg></p>\n"_s
                       : u"<p class=\"result-icon\" aria-hidden=\"true\"><svg viewBox=\"0 0 24 24\" width=\"28\" "
                         "height=\"28\" focusable=\"false\"><path d=\"M5 12.5l4.5 4.5L19 7.5\" fill=\"none\" "
                         "stroke=\"currentColor\" stroke-width=\"2.6\" stroke-linecap=\"round\" "
                         "stroke-linejoin=\"round\"/></svg></p>\n"_s;
        out += u"<h1>Thank you for your order!</h1>\n"_s;
        out += u"<dl class=\"order-meta\">\n<div><dt>Order number</dt><dd>"_s
            + escape(formatOrderNumber(order->orderNumber)) + u"</dd></div>\n<div><dt>Status</dt><dd><span "
                                                               "class=\"status "_s
            + statusClass(order->status) + u"\">"_s + escape(displayName(order->status))
            + u"</span></dd></div>\n</dl>\n"_s;
        out += u"<p class=\"lead\">"_s + escape(statusSentence(order->status)) + u"</p>\n"_s;
        if (!order->lines.isEmpty())
            out += orderTable(*order);
        else
            out += u"<p class=\"order-total\">Total: "_s + escape(formatMoney(order->total)) + u"</p>\n"_s;
        out += u"<p class=\"actions\"><a class=\"button\" href=\"/\">Keep shopping</a></p>\n"_s;
    }
    out += u"</section>\n"_s;
    return html::document(context, options, out);
}

QByteArray renderOrderLookupPage(const PageContext &context, const OrderLookupForm &form)
{
    html::DocumentOptions options;
    options.title = u"Find your order"_s;
    options.noIndex = true;
    options.mainClass = u"page-checkout"_s;
    QString out = u"<section class=\"result-card\">\n<h1>Find your order</h1>\n<p class=\"lead\">Enter the order "
                  "number from your confirmation e-mail and the e-mail address you paid with.</p>\n"_s;
    if (!form.problem.isEmpty())
        out += u"<div class=\"notice\" role=\"alert\"><p>"_s + escape(form.problem) + u"</p></div>\n"_s;
    out += u"<form class=\"checkout-form\" method=\"post\" action=\"/orders/lookup\">\n"
           "<div class=\"field\"><label for=\"lookup-number\">Order number</label><input type=\"text\" "
           "id=\"lookup-number\" name=\"number\" required maxlength=\"24\" autocomplete=\"off\" "
           "placeholder=\"RDK-1001\" value=\""_s
        + escape(form.number.left(24)) + u"\"></div>\n<div class=\"field\"><label for=\"lookup-email\">E-mail</label>"
           "<input type=\"email\" id=\"lookup-email\" name=\"email\" required maxlength=\"254\" "
           "autocomplete=\"email\" placeholder=\"you@example.com\" value=\""_s
        + escape(form.email.left(254)) + u"\"></div>\n<button type=\"submit\" class=\"button button-large "
           "button-block\">Find my order</button>\n</form>\n</section>\n"_s;
    return html::document(context, options, out);
}

QByteArray renderOrderStatusPage(const PageContext &context, const CheckoutSummary &order)
{
    html::DocumentOptions options;
    options.title = u"Order "_s + formatOrderNumber(order.orderNumber);
    options.noIndex = true;
    options.mainClass = u"page-checkout"_s;
    QString out = u"<section class=\"result-card\">\n<h1>Order "_s + escape(formatOrderNumber(order.orderNumber))
        + u"</h1>\n<dl class=\"order-meta\">\n"_s;
    if (!order.placedOn.isEmpty())
        out += u"<div><dt>Placed</dt><dd>"_s + escape(order.placedOn) + u"</dd></div>\n"_s;
    out += u"<div><dt>Status</dt><dd><span class=\"status "_s + statusClass(order.status) + u"\">"_s
        + escape(displayName(order.status)) + u"</span></dd></div>\n"_s;
    if (!order.trackingNumber.isEmpty())
        out += u"<div><dt>Tracking</dt><dd>"_s + escape(order.carrier) + u" "_s + escape(order.trackingNumber)
            + u"</dd></div>\n"_s;
    out += u"</dl>\n"_s;
    // The result page's sentence speaks of a page that refreshes itself; this one doesn't.
    out += u"<p class=\"lead\">"_s
        + escape(isWaiting(order.status) ? u"We\u2019re waiting for the payment to be confirmed."_s
                                         : statusSentence(order.status))
        + u"</p>\n"_s;
    if (!order.lines.isEmpty())
        out += orderTable(order);
    out += u"<p class=\"actions\"><a class=\"button\" href=\"/\">Keep shopping</a> <a class=\"text-link\" "
           "href=\"/orders/lookup\">Look up another order</a></p>\n</section>\n"_s;
    return html::document(context, options, out);
}

QString shopPagePath(ShopPage page)
{
    switch (page) {
    case ShopPage::Shipping:
        return u"/policies/shipping"_s;
    case ShopPage::Returns:
        return u"/policies/returns"_s;
    case ShopPage::Contact:
        break;
    }
    return u"/contact"_s;
}

QByteArray renderShopPage(const PageContext &context, ShopPage page, const QString &text, const QString &shopAddress)
{
    html::DocumentOptions options;
    options.title = page == ShopPage::Shipping ? u"Shipping"_s : page == ShopPage::Returns ? u"Returns"_s : u"Contact"_s;
    options.mainClass = u"page-checkout"_s;
    QString out = u"<section class=\"result-card policy\">\n<h1>"_s + escape(options.title) + u"</h1>\n"_s;
    const QString body = html::paragraphs(text);
    if (!body.isEmpty())
        out += body;
    if (page == ShopPage::Contact && !shopAddress.trimmed().isEmpty())
        out += u"<h2>Visit us</h2>\n<address>"_s + html::paragraphs(shopAddress) + u"</address>\n"_s;
    if (body.isEmpty() && (page != ShopPage::Contact || shopAddress.trimmed().isEmpty())) {
        out += page == ShopPage::Contact
            ? u"<p class=\"lead\">Reply to your order confirmation e-mail and the shop will get back to you.</p>\n"_s
            : u"<p class=\"lead\">The shop hasn\u2019t published this policy yet. <a href=\"/contact\">Ask the shop</a> "
              "before you order.</p>\n"_s;
    }
    out += u"<p class=\"actions\"><a class=\"button\" href=\"/\">Keep shopping</a></p>\n</section>\n"_s;
    return html::document(context, options, out);
}

QByteArray renderErrorPage(const PageContext &context, int httpStatus, const QString &message)
{
    const int status = httpStatus >= 400 && httpStatus <= 599 ? httpStatus : 500;
    const QString phrase = reasonPhrase(status);
    QString text = message.trimmed();
    if (text.isEmpty()) {
        text = status == 404 ? u"We couldn\u2019t find the page you were looking for."_s
                             : u"Please try again in a moment."_s;
    }
    QString out = u"<section class=\"result-card error-card\">\n<p class=\"error-code\">"_s + QString::number(status)
        + u"</p>\n<h1>"_s + escape(phrase) + u"</h1>\n<p class=\"lead\">"_s + escape(text.left(500))
        + u"</p>\n<p class=\"actions\"><a class=\"button\" href=\"/\">Back to the shop</a></p>\n</section>\n"_s;

    html::DocumentOptions options;
    options.title = QString::number(status) + u" "_s + phrase;
    options.noIndex = true;
    options.mainClass = u"page-error"_s;
    return html::document(context, options, out);
}

QByteArray storefrontAsset(const QString &name)
{
    QFile file(u":/storefront/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QByteArray storefrontStylesheet()
{
    return storefrontAsset(u"storefront.css"_s);
}

} // namespace rdk::sync

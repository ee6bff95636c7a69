// Storefront rendering: every page escapes what it shows, fits the strict CSP (no inline style
// or script), is well-formed, and links keep the shopper's filters. Pure functions: no server.
#include "domain/moneyformat.h"
#include "domain/order.h"
#include "sync/storefront/storefrontpages.h"
#include "tests/storefront/storefrontfixtures.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::storefrontfixtures;
using rdk::sync::CartLineView;
using rdk::sync::PageContext;

namespace {

// ------------------------------------------------------------------ a small HTML tokenizer

struct Tag final {
    QString name;
    bool closing = false;
    QMap<QString, QString> attributes; ///< decoded values
    bool has(const QString &attribute) const { return attributes.contains(attribute); }
    QString attr(const QString &attribute) const { return attributes.value(attribute); }
};

QString decodeEntities(QString text)
{
    text.replace(u"&lt;"_s, u"<"_s);
    text.replace(u"&gt;"_s, u">"_s);
    text.replace(u"&quot;"_s, u"\""_s);
    text.replace(u"&#39;"_s, u"'"_s);
    text.replace(u"&amp;"_s, u"&"_s);
    return text;
}

const QSet<QString> &allowedElements()
{
    static const QSet<QString> elements = {
        u"html"_s, u"head"_s, u"meta"_s, u"title"_s, u"link"_s, u"body"_s, u"a"_s, u"header"_s, u"div"_s,
        u"nav"_s, u"ul"_s, u"ol"_s, u"li"_s, u"span"_s, u"svg"_s, u"path"_s, u"main"_s, u"footer"_s, u"p"_s,
        u"form"_s, u"label"_s, u"select"_s, u"option"_s, u"input"_s, u"button"_s, u"h1"_s, u"h2"_s,
        u"section"_s, u"img"_s, u"circle"_s, u"dl"_s, u"dt"_s, u"dd"_s, u"fieldset"_s, u"legend"_s, u"aside"_s, u"table"_s,
        u"caption"_s, u"thead"_s, u"tbody"_s, u"tfoot"_s, u"tr"_s, u"th"_s, u"td"_s, u"br"_s, u"noscript"_s,
        u"script"_s,   // pageProblems() accepts only same-origin files, never inline code
    };
    return elements;
}

const QSet<QString> &allowedAttributes()
{
    static const QSet<QString> attributes = {
        u"lang"_s, u"charset"_s, u"name"_s, u"content"_s, u"http-equiv"_s, u"rel"_s, u"href"_s, u"class"_s,
        u"id"_s, u"aria-label"_s, u"aria-current"_s, u"aria-hidden"_s, u"aria-disabled"_s,
        u"aria-labelledby"_s, u"role"_s, u"viewbox"_s, u"width"_s, u"height"_s, u"focusable"_s, u"d"_s,
        u"fill"_s, u"stroke"_s, u"stroke-width"_s, u"stroke-linejoin"_s, u"stroke-linecap"_s, u"method"_s,
        u"action"_s, u"type"_s, u"value"_s, u"for"_s, u"selected"_s, u"checked"_s, u"required"_s, u"min"_s,
        u"max"_s, u"inputmode"_s, u"src"_s, u"srcset"_s, u"sizes"_s, u"loading"_s, u"alt"_s,
        u"autocomplete"_s, u"maxlength"_s, u"placeholder"_s, u"scope"_s, u"colspan"_s, u"cx"_s, u"cy"_s, u"r"_s,
        u"defer"_s, u"data-order-id"_s, u"data-order-status"_s,
    };
    return attributes;
}

const QSet<QString> &voidElements()
{
    static const QSet<QString> elements = {u"meta"_s, u"link"_s, u"img"_s, u"input"_s, u"br"_s};
    return elements;
}

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'-' || c == u'_' || c == u':';
}

// Reads every tag, checking on the way: known elements and attributes only (no on*=, no style=),
// attribute values double-quoted without raw < > ' inside, text without raw < > " ', tags
// balanced. Returns the tags, or sets *error.
QList<Tag> tokenize(const QString &html, QString *error)
{
    QList<Tag> tags;
    QStringList open;
    qsizetype i = 0;
    const auto fail = [&](const QString &why, qsizetype at) {
        *error = why + u" at "_s + QString::number(at) + u": "_s + html.mid(qMax<qsizetype>(0, at - 60), 140);
        return QList<Tag>();
    };
    while (i < html.size()) {
        const qsizetype lt = html.indexOf(u'<', i);
        const QStringView text = QStringView(html).mid(i, (lt < 0 ? html.size() : lt) - i);
        for (const QChar c : text) {
            if (c == u'>' || c == u'"' || c == u'\'')
                return fail(u"raw "_s + c + u" in text"_s, i);
        }
        if (lt < 0)
            break;
        i = lt + 1;
        if (html.mid(lt, 2) == u"<!") {
            const qsizetype gt = html.indexOf(u'>', lt);
            if (gt < 0)
                return fail(u"unterminated declaration"_s, lt);
            i = gt + 1;
            continue;
        }
        Tag tag;
        if (i < html.size() && html[i] == u'/') {
            tag.closing = true;
            ++i;
        }
        const qsizetype nameStart = i;
        while (i < html.size() && isNameChar(html[i]))
            ++i;
        tag.name = html.mid(nameStart, i - nameStart).toLower();
        if (tag.name.isEmpty() || !allowedElements().contains(tag.name))
            return fail(u"unexpected element <"_s + tag.name, lt);
        bool selfClosing = false;
        for (;;) {
            while (i < html.size() && html[i].isSpace())
                ++i;
            if (i >= html.size())
                return fail(u"unterminated tag"_s, lt);
            if (html[i] == u'>') {
                ++i;
                break;
            }
            if (html.mid(i, 2) == u"/>") {
                selfClosing = true;
                i += 2;
                break;
            }
            const qsizetype attrStart = i;
            while (i < html.size() && isNameChar(html[i]))
                ++i;
            const QString attrName = html.mid(attrStart, i - attrStart).toLower();
            if (attrName.isEmpty())
                return fail(u"garbage in tag"_s, i);
            if (!allowedAttributes().contains(attrName))
                return fail(u"unexpected attribute "_s + attrName, attrStart);
            if (tag.closing)
                return fail(u"attribute on a closing tag"_s, attrStart);
            QString value;
            if (i < html.size() && html[i] == u'=') {
                ++i;
                if (i >= html.size() || html[i] != u'"')
                    return fail(u"unquoted attribute value"_s, i);
                const qsizetype close = html.indexOf(u'"', i + 1);
                if (close < 0)
                    return fail(u"unterminated attribute value"_s, i);
                value = html.mid(i + 1, close - i - 1);
                if (value.contains(u'<') || value.contains(u'>') || value.contains(u'\''))
                    return fail(u"raw < > or ' in attribute value"_s, i);
                i = close + 1;
            }
            if (tag.attributes.contains(attrName))
                return fail(u"duplicate attribute "_s + attrName, attrStart);
            tag.attributes.insert(attrName, decodeEntities(value));
        }
        if (tag.closing) {
            if (open.isEmpty() || open.last() != tag.name)
                return fail(u"mismatched </"_s + tag.name + u">"_s, lt);
            open.removeLast();
        } else if (!selfClosing && !voidElements().contains(tag.name)) {
            open.append(tag.name);
        }
        tags.append(tag);
    }
    if (!open.isEmpty())
        return fail(u"unclosed <"_s + open.join(u"> <"_s) + u">"_s, html.size());
    return tags;
}

QList<Tag> tagsOf(const QByteArray &page)
{
    QString error;
    const QList<Tag> tags = tokenize(QString::fromUtf8(page), &error);
    if (!error.isEmpty())
        qWarning().noquote() << error;
    return tags;
}

// The structural checks every page must pass; empty when it does.
QString pageProblems(const QByteArray &page)
{
    if (!page.startsWith("<!doctype html>\n<html lang=\"en\">"))
        return u"no doctype/lang"_s;
    QByteArray lower = page.toLower();
    // Scripts: only this shop's own files under /assets/, deferred, with no inline code
    // (the Content-Security-Policy is script-src 'self').
    static const QRegularExpression ownScript(u"<script src=\"/assets/[a-z-]+\\.js\" defer></script>"_s);
    lower = QString::fromUtf8(lower).remove(ownScript).toUtf8();
    if (lower.contains("<script"))
        return u"<script element"_s;
    if (lower.contains("<style"))
        return u"<style element"_s;
    if (lower.contains("style="))
        return u"style attribute"_s;
    if (lower.count("<h1") != 1)
        return u"expected exactly one <h1>, got "_s + QString::number(lower.count("<h1"));
    if (!page.contains("<link rel=\"stylesheet\" href=\"/assets/storefront.css\">"))
        return u"no stylesheet link"_s;
    if (lower.contains("http://") || lower.contains("https://") || lower.contains("//cdn"))
        return u"external reference"_s;
    if (!page.contains("<main id=\"main\""))
        return u"no <main> landmark"_s;
    QString error;
    tokenize(QString::fromUtf8(page), &error);
    return error;
}

QList<Tag> tagsNamed(const QList<Tag> &tags, const QString &name)
{
    QList<Tag> found;
    for (const Tag &tag : tags) {
        if (!tag.closing && tag.name == name)
            found.append(tag);
    }
    return found;
}

QList<Tag> inputsNamed(const QList<Tag> &tags, const QString &name)
{
    QList<Tag> found;
    for (const Tag &tag : tagsNamed(tags, u"input"_s)) {
        if (tag.attr(u"name"_s) == name)
            found.append(tag);
    }
    return found;
}

bool hasClass(const Tag &tag, const QString &cls)
{
    return tag.attr(u"class"_s).split(u' ').contains(cls);
}

/// The page's own forms: every page's header also has the shop's search form.
QList<Tag> pageForms(const QList<Tag> &tags)
{
    QList<Tag> found;
    for (const Tag &tag : tagsNamed(tags, u"form"_s)) {
        if (!hasClass(tag, u"site-search"_s))
            found.append(tag);
    }
    return found;
}

QList<Tag> formsWithAction(const QList<Tag> &tags, const QString &action)
{
    QList<Tag> found;
    for (const Tag &tag : pageForms(tags)) {
        if (tag.attr(u"action"_s) == action)
            found.append(tag);
    }
    return found;
}

// ------------------------------------------------------------------ fake data

PageContext context(const QString &path = u"/"_s, int cartCount = 2)
{
    PageContext ctx;
    ctx.shopName = u"Real Deal Kickz"_s;
    ctx.requestPath = path;
    ctx.cartCount = cartCount;
    return ctx;
}

StorefrontProduct jordan()
{
    return product(u"AJ1-CHI-85"_s, u"Nike"_s, u"Air Jordan 1 Retro High OG"_s, u"Chicago"_s, 18000, sizeRun(),
                   {image(u"product-aj1-chi-3f78"_s, 1600, 1200), image(u"product-aj1-chi-side"_s),
                    image(u"product-aj1-chi-back"_s)});
}

StorefrontProduct soldOut()
{
    StorefrontProduct p = product(u"NB-990-GRY"_s, u"New Balance"_s, u"990v6"_s, u"Grey"_s, 19999,
                                  {{u"9"_s, 0}, {u"10"_s, 0}}, {image(u"product-990"_s)});
    p.condition = Condition::Used;
    p.usedGrade = UsedGrade::Good;
    return p;
}

StorefrontProduct flat(int available)
{
    return product(u"CLEAN-KIT"_s, u"Jason Markk"_s, u"Premium cleaning kit"_s, QString(), 2000,
                   {{QString(), available}});
}

CatalogPage catalogOf(QList<StorefrontProduct> products, int total, int page = 1, int perPage = 24)
{
    CatalogPage result;
    result.products = std::move(products);
    result.total = total;
    result.page = page;
    result.perPage = perPage;
    result.brands = {u"Adidas"_s, u"New Balance"_s, u"Nike"_s};
    return result;
}

QList<CartLineView> cartLines()
{
    return {
        {u"AJ1-CHI-85"_s, u"Air Jordan 1 Retro High OG"_s, u"10"_s, 2, usd(18000), u"product-aj1-chi-3f78"_s, 5},
        {u"CLEAN-KIT"_s, u"Premium cleaning kit"_s, QString(), 1, usd(2000), QString(), 9},
        {u"NB-990-GRY"_s, u"990v6"_s, u"9.5"_s, 3, usd(19999), u"product-990"_s, 1},
    };
}

CheckoutSummary paidOrder(OrderStatus status = OrderStatus::Paid)
{
    CheckoutSummary order;
    order.orderId = u"6b3c0a4e-0000-4000-8000-000000000001"_s;
    order.orderNumber = 1042;
    order.status = status;
    order.total = usd(38000);
    OrderLine line;
    line.sku = u"AJ1-CHI-85"_s;
    line.name = u"Air Jordan 1 Retro High OG"_s;
    line.size = u"10"_s;
    line.quantity = 2;
    line.unitPrice = usd(18000);
    order.lines = {line};
    return order;
}

bool sameFilters(const CatalogQuery &a, const CatalogQuery &b)
{
    return a.brand == b.brand && a.size == b.size && a.condition == b.condition && a.inStockOnly == b.inStockOnly
        && a.sort == b.sort && a.perPage == b.perPage;
}

} // namespace

class TstStorefrontPages final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void allPages_render_wellFormedAndCspCompliant_data();
    void allPages_render_wellFormedAndCspCompliant();
    void catalogPage_hostileValues_escaped();
    void productPage_hostileValues_escaped();
    void cartPage_hostileValues_escaped();
    void checkoutResultPage_hostileValues_escaped();
    void errorPage_hostileMessage_escaped();
    void header_cartCount_shownOnCartLink();
    void catalogCard_image_hasSrcsetWithThreeWidths();
    void catalogCard_noImage_showsPlaceholder();
    void catalogCard_badges_showConditionAndStock();
    void catalogPage_filterForm_reflectsQuery();
    void catalogPage_pagination_keepsFilters();
    void catalogPage_noResults_showsEmptyStateWithClearLink();
    void catalogPage_search_headingHeaderAndFilters();
    void catalogPage_search_noResults_saysWhatWasSearched();
    void orderLookup_hostileValues_escaped();
    void parseCatalogQuery_search_cleaned_data();
    void parseCatalogQuery_search_cleaned();
    void productPage_sizePicker_listsOnlyInStockSizes();
    void productPage_quantity_cappedByStockAndTen_data();
    void productPage_quantity_cappedByStockAndTen();
    void productPage_soldOut_hasNoAddToCartForm();
    void productPage_flatStock_hasNoSizePicker();
    void productPage_gallery_thumbnailsLinkToLargeFiles();
    void cartPage_hiddenInputs_matchLines();
    void cartPage_lineForms_postSkuAndSize();
    void cartPage_notice_shownAsAlert();
    void cartPage_empty_showsEmptyStateWithoutCheckout();
    void checkoutResultPage_paid_showsNumberStatusAndTotal();
    void checkoutResultPage_pending_refreshesItself();
    void checkoutResultPage_unknownOrder_saysNotFound();
    void checkoutResultPage_canceled_pointsBackToCart();
    void errorPage_status_shownWithHomeLink();
    void parseCatalogQuery_values_parsedOrDefaulted_data();
    void parseCatalogQuery_values_parsedOrDefaulted();
    void catalogQueryString_roundTrip_preservesQuery_data();
    void catalogQueryString_roundTrip_preservesQuery();
    void catalogQueryString_defaults_empty();
    void storefrontStylesheet_resource_isCompiledIn();
};

// ------------------------------------------------------------------ structure and CSP

void TstStorefrontPages::allPages_render_wellFormedAndCspCompliant_data()
{
    QTest::addColumn<QByteArray>("page");
    CatalogQuery query;
    query.brand = u"Nike"_s;
    StorefrontProduct noImages = jordan();
    noImages.images.clear();
    noImages.description.clear();

    QTest::newRow("catalog") << sync::renderCatalogPage(context(), catalogOf({jordan(), soldOut(), flat(3)}, 80, 2),
                                                        query);
    QTest::newRow("catalog-empty") << sync::renderCatalogPage(context(), catalogOf({}, 0), query);
    QTest::newRow("catalog-out-of-range") << sync::renderCatalogPage(context(), catalogOf({}, 30, 900), {});
    QTest::newRow("catalog-no-brands") << sync::renderCatalogPage(context(u"/"_s, 0), CatalogPage(), {});
    QTest::newRow("product") << sync::renderProductPage(context(u"/products/AJ1-CHI-85"_s), jordan());
    QTest::newRow("product-sold-out") << sync::renderProductPage(context(), soldOut());
    QTest::newRow("product-flat") << sync::renderProductPage(context(), flat(4));
    QTest::newRow("product-no-images") << sync::renderProductPage(context(), noImages);
    QTest::newRow("product-default") << sync::renderProductPage(context(), StorefrontProduct());
    QTest::newRow("cart") << sync::renderCartPage(context(u"/cart"_s), cartLines(), QString());
    QTest::newRow("cart-notice") << sync::renderCartPage(context(u"/cart"_s), cartLines(), u"Size 9.5 sold out"_s);
    QTest::newRow("cart-empty") << sync::renderCartPage(context(u"/cart"_s, 0), {}, QString());
    QTest::newRow("checkout-paid") << sync::renderCheckoutResultPage(context(), paidOrder(), false);
    QTest::newRow("checkout-pending")
        << sync::renderCheckoutResultPage(context(), paidOrder(OrderStatus::AwaitingPayment), false);
    QTest::newRow("checkout-no-lines") << sync::renderCheckoutResultPage(context(), CheckoutSummary(), false);
    QTest::newRow("checkout-unknown") << sync::renderCheckoutResultPage(context(), std::nullopt, false);
    QTest::newRow("checkout-canceled") << sync::renderCheckoutResultPage(context(), std::nullopt, true);
    QTest::newRow("lookup") << sync::renderOrderLookupPage(context(u"/orders/lookup"_s), {});
    QTest::newRow("lookup-problem")
        << sync::renderOrderLookupPage(context(u"/orders/lookup"_s), {u"RDK-1"_s, u"a@b.co"_s, u"Not found."_s});
    QTest::newRow("order-status") << sync::renderOrderStatusPage(context(), paidOrder(OrderStatus::Shipped));
    QTest::newRow("order-status-empty") << sync::renderOrderStatusPage(context(), CheckoutSummary());
    QTest::newRow("error-404") << sync::renderErrorPage(context(), 404, QString());
    QTest::newRow("error-500") << sync::renderErrorPage(context(), 500, u"Try again"_s);
    QTest::newRow("error-bogus-status") << sync::renderErrorPage(context(), -7, u"?"_s);
    QTest::newRow("empty-shop-name") << sync::renderErrorPage(PageContext(), 429, u"Slow down"_s);
}

void TstStorefrontPages::allPages_render_wellFormedAndCspCompliant()
{
    QFETCH(QByteArray, page);
    QCOMPARE(pageProblems(page), QString());
    QVERIFY(page.contains("<meta name=\"viewport\""));
    QVERIFY(page.contains("<header class=\"site-header\">"));
    QVERIFY(page.contains("<footer class=\"site-footer\">"));
    QVERIFY(page.contains("href=\"#main\""));
    QVERIFY(!QString::fromUtf8(page).contains(QChar::ReplacementCharacter));
}

// ------------------------------------------------------------------ escaping

void TstStorefrontPages::catalogPage_hostileValues_escaped()
{
    CatalogQuery query;
    query.brand = u"\"><script>alert('q')</script>&"_s;
    query.size = u"10"_s;
    CatalogPage page = catalogOf({hostileProduct()}, 50);
    page.brands.append(u"<script>brand</script>"_s);
    const QByteArray html = sync::renderCatalogPage(context(), page, query);

    QCOMPARE(pageProblems(html), QString());
    QVERIFY(!html.toLower().contains("<script"));
    QVERIFY(!html.contains("\"onmouseover"));
    QVERIFY(!html.contains("\"onerror"));
    QVERIFY(html.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"));
    QVERIFY(html.contains("Evil&quot;onmouseover=alert(1) x=&#39;&amp;&#39;"));
    // The hostile brand in the query survives into the select and the links, escaped and encoded.
    const QList<Tag> tags = tagsOf(html);
    bool selected = false;
    for (const Tag &option : tagsNamed(tags, u"option"_s))
        selected = selected || (option.has(u"selected"_s) && option.attr(u"value"_s) == query.brand);
    QVERIFY(selected);
    for (const Tag &link : tagsNamed(tags, u"a"_s)) {
        const QString href = link.attr(u"href"_s);
        QVERIFY2(!href.contains(u'<') && !href.contains(u'"') && !href.contains(u' '), qPrintable(href));
    }
    // The product link and image URLs are percent-encoded.
    QVERIFY(html.contains("href=\"/products/X%3Cscript%3E1\""));
    QVERIFY(html.contains("/media/stem%22onerror%3Dalert%283%29%3Cscript%3E-medium.jpg"));
}

void TstStorefrontPages::productPage_hostileValues_escaped()
{
    const QByteArray html = sync::renderProductPage(context(), hostileProduct());
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(!html.toLower().contains("<script"));
    QVERIFY(!html.toLower().contains("<img src=x"));
    QVERIFY(html.contains("&lt;img src=x onerror=alert(4)&gt; &amp; &#39;quotes&#39; &quot;too&quot;"));
    const QList<Tag> tags = tagsOf(html);
    QCOMPARE(inputsNamed(tags, u"sku"_s).size(), 1);
    QCOMPARE(inputsNamed(tags, u"sku"_s).first().attr(u"value"_s), u"X<script>1"_s);
    QStringList sizes;
    for (const Tag &radio : inputsNamed(tags, u"size"_s))
        sizes.append(radio.attr(u"value"_s));
    QCOMPARE(sizes, QStringList({u"10\"><script>"_s, u"10"_s}));
    const QList<Tag> images = tagsNamed(tags, u"img"_s);
    QVERIFY(!images.isEmpty());
    QCOMPARE(images.first().attr(u"alt"_s), u"<script>alert('name')</script>, \"onmouseover=alert(2)//"_s);
}

void TstStorefrontPages::cartPage_hostileValues_escaped()
{
    const QList<CartLineView> lines = {
        {u"S\"K<U>'&"_s, u"<script>x</script>"_s, u"\" onfocus=\"x"_s, 1, usd(100), u"a\"b<c"_s, 1},
    };
    const QByteArray html = sync::renderCartPage(context(u"/cart"_s), lines, u"<script>alert('n')</script>"_s);
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(!html.toLower().contains("<script"));
    QVERIFY(!html.contains("\" onfocus"));
    const QList<Tag> tags = tagsOf(html);
    QCOMPARE(inputsNamed(tags, u"items[0][sku]"_s).first().attr(u"value"_s), u"S\"K<U>'&"_s);
    QCOMPARE(inputsNamed(tags, u"items[0][size]"_s).first().attr(u"value"_s), u"\" onfocus=\"x"_s);
    QVERIFY(html.contains("&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt;"));
}

void TstStorefrontPages::checkoutResultPage_hostileValues_escaped()
{
    CheckoutSummary order = paidOrder();
    order.lines.first().name = u"<script>boom</script>"_s;
    order.lines.first().size = u"'\"><b>"_s;
    const QByteArray html = sync::renderCheckoutResultPage(context(), order, false);
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(!html.toLower().contains("<script"));
    QVERIFY(!html.contains("<b>"));
    QVERIFY(html.contains("&lt;script&gt;boom&lt;/script&gt;"));
}

void TstStorefrontPages::errorPage_hostileMessage_escaped()
{
    const QByteArray html = sync::renderErrorPage(context(), 400, u"<script>alert(\"e\")</script> & '"_s);
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(!html.toLower().contains("<script"));
    QVERIFY(html.contains("&lt;script&gt;alert(&quot;e&quot;)&lt;/script&gt; &amp; &#39;"));
}

void TstStorefrontPages::header_cartCount_shownOnCartLink()
{
    const QByteArray withItems = sync::renderCartPage(context(u"/cart"_s, 3), cartLines(), QString());
    QVERIFY(withItems.contains("<span class=\"cart-count\">3</span><span class=\"visually-hidden\">, 3 items</span>"));
    QVERIFY(withItems.contains("<a class=\"cart-link\" href=\"/cart\" aria-current=\"page\">"));
    const QByteArray empty = sync::renderErrorPage(context(u"/x"_s, 0), 404, QString());
    QVERIFY(!empty.contains("cart-count"));
    QVERIFY(empty.contains(", empty</span>"));
    QVERIFY(!empty.contains("aria-current"));
    QVERIFY(sync::renderErrorPage(context(u"/x"_s, 250), 404, QString()).contains(">99+</span>"));
}

// ------------------------------------------------------------------ catalog

void TstStorefrontPages::catalogCard_image_hasSrcsetWithThreeWidths()
{
    const QByteArray html = sync::renderCatalogPage(context(), catalogOf({jordan()}, 1), {});
    const QList<Tag> images = tagsNamed(tagsOf(html), u"img"_s);
    QCOMPARE(images.size(), 1);
    const Tag &img = images.first();
    QCOMPARE(img.attr(u"src"_s), u"/media/product-aj1-chi-3f78-medium.jpg"_s);
    QCOMPARE(img.attr(u"srcset"_s),
             u"/media/product-aj1-chi-3f78-thumb.jpg 200w, /media/product-aj1-chi-3f78-medium.jpg 800w, "
             "/media/product-aj1-chi-3f78-large.jpg 1600w"_s);
    QCOMPARE(img.attr(u"sizes"_s), u"(max-width: 600px) 50vw, 25vw"_s);
    QCOMPARE(img.attr(u"loading"_s), u"lazy"_s);
    QCOMPARE(img.attr(u"width"_s), u"800"_s);
    QCOMPARE(img.attr(u"height"_s), u"600"_s); // 1600x1200 original
    QCOMPARE(img.attr(u"alt"_s), u"Air Jordan 1 Retro High OG, Chicago"_s);
}

void TstStorefrontPages::catalogCard_noImage_showsPlaceholder()
{
    StorefrontProduct p = jordan();
    p.images.clear();
    const QByteArray html = sync::renderCatalogPage(context(), catalogOf({p}, 1), {});
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(tagsNamed(tagsOf(html), u"img"_s).isEmpty());
    QVERIFY(html.contains("class=\"placeholder\" role=\"img\" aria-label=\"No photo yet\""));
}

void TstStorefrontPages::catalogCard_badges_showConditionAndStock()
{
    StorefrontProduct lastOne = flat(1);
    StorefrontProduct plenty = flat(40);
    const QByteArray html = sync::renderCatalogPage(context(), catalogOf({soldOut(), lastOne, plenty}, 3), {});
    QVERIFY(html.contains("<span class=\"badge badge-used\">Used \u00B7 Good</span>"_ba));
    QVERIFY(html.contains("<span class=\"badge badge-soldout\">Sold out</span>"));
    QVERIFY(html.contains("<span class=\"badge badge-low\">Only 1 left</span>"));
    QCOMPARE(html.count("badge-low"), 1);
    QCOMPARE(html.count("<span class=\"badge badge-new\">New</span>"), 2);
    QVERIFY(html.contains("<li class=\"card is-soldout\">"));
    QVERIFY(html.contains(formatMoney(usd(19999)).toUtf8()));
}

void TstStorefrontPages::catalogPage_filterForm_reflectsQuery()
{
    CatalogQuery query;
    query.brand = u"New Balance"_s;
    query.size = u"16"_s; // valid but outside the usual 4-15 list: still shown as selected
    query.condition = Condition::Used;
    query.inStockOnly = true;
    query.sort = CatalogSort::PriceHighLow;
    const QList<Tag> tags = tagsOf(sync::renderCatalogPage(context(), catalogOf({jordan()}, 1), query));
    QStringList selected;
    for (const Tag &option : tagsNamed(tags, u"option"_s)) {
        if (option.has(u"selected"_s))
            selected.append(option.attr(u"value"_s));
    }
    QCOMPARE(selected, QStringList({u"New Balance"_s, u"16"_s, u"used"_s, u"price_desc"_s}));
    const QList<Tag> stock = inputsNamed(tags, u"in_stock"_s);
    QCOMPARE(stock.size(), 1);
    QVERIFY(stock.first().has(u"checked"_s));

    const QList<Tag> forms = formsWithAction(tags, u"/"_s);
    QCOMPARE(forms.size(), 1);
    QCOMPARE(forms.first().attr(u"method"_s), u"get"_s);
    QStringList sizeOptions;
    for (const Tag &option : tagsNamed(tags, u"option"_s)) {
        static const QRegularExpression sizePattern(u"^[0-9]{1,2}(\\.5)?$"_s);
        if (sizePattern.match(option.attr(u"value"_s)).hasMatch())
            sizeOptions.append(option.attr(u"value"_s));
    }
    QCOMPARE(sizeOptions.size(), 1 + 23); // "16" + 4..15 in halves
    QVERIFY(sizeOptions.contains(u"4"_s) && sizeOptions.contains(u"9.5"_s) && sizeOptions.contains(u"15"_s));
    // Every select has a label.
    for (const Tag &select : tagsNamed(tags, u"select"_s)) {
        bool labelled = false;
        for (const Tag &label : tagsNamed(tags, u"label"_s))
            labelled = labelled || label.attr(u"for"_s) == select.attr(u"id"_s);
        QVERIFY2(labelled, qPrintable(select.attr(u"id"_s)));
    }
}

void TstStorefrontPages::catalogPage_pagination_keepsFilters()
{
    CatalogQuery query;
    query.brand = u"New Balance"_s;
    query.size = u"10.5"_s;
    query.condition = Condition::New;
    query.inStockOnly = true;
    query.sort = CatalogSort::PriceLowHigh;
    query.perPage = 12;
    query.page = 5;
    const QByteArray html = sync::renderCatalogPage(context(), catalogOf({jordan(), flat(2)}, 200, 5, 12), query);
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(html.contains("Showing 49\u201350 of 200 products"_ba));

    QList<int> pages;
    for (const Tag &link : tagsNamed(tagsOf(html), u"a"_s)) {
        if (!hasClass(link, u"page-number"_s) && !hasClass(link, u"page-step"_s))
            continue;
        const QString href = link.attr(u"href"_s);
        QVERIFY2(href.startsWith(u"/?"_s), qPrintable(href));
        const CatalogQuery parsed = sync::parseCatalogQuery(QUrlQuery(href.mid(2)));
        QVERIFY2(sameFilters(parsed, query), qPrintable(href));
        if (hasClass(link, u"page-number"_s))
            pages.append(parsed.page);
        if (link.attr(u"rel"_s) == u"prev")
            QCOMPARE(parsed.page, 4);
        if (link.attr(u"rel"_s) == u"next")
            QCOMPARE(parsed.page, 6);
    }
    QCOMPARE(pages, QList<int>({1, 4, 5, 6, 17}));
    QVERIFY(html.contains("aria-current=\"page\"><span class=\"visually-hidden\">Page </span>5</a>"));
}

void TstStorefrontPages::catalogPage_noResults_showsEmptyStateWithClearLink()
{
    CatalogQuery query;
    query.size = u"4"_s;
    const QByteArray html = sync::renderCatalogPage(context(), catalogOf({}, 0), query);
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(html.contains("No products match these filters"));
    QVERIFY(html.contains("<a class=\"button\" href=\"/\">Clear filters</a>"));
    QVERIFY(!html.contains("product-grid"));
    QVERIFY(!html.contains("class=\"pagination\""));
}

// ------------------------------------------------------------------ product

void TstStorefrontPages::productPage_sizePicker_listsOnlyInStockSizes()
{
    const QList<Tag> tags = tagsOf(sync::renderProductPage(context(), jordan()));
    QStringList sizes;
    for (const Tag &radio : inputsNamed(tags, u"size"_s)) {
        QCOMPARE(radio.attr(u"type"_s), u"radio"_s);
        QVERIFY(radio.has(u"required"_s));
        sizes.append(radio.attr(u"value"_s));
        bool labelled = false;
        for (const Tag &label : tagsNamed(tags, u"label"_s))
            labelled = labelled || label.attr(u"for"_s) == radio.attr(u"id"_s);
        QVERIFY(labelled);
    }
    QCOMPARE(sizes, QStringList({u"8"_s, u"8.5"_s, u"9.5"_s, u"10"_s, u"11"_s, u"11.5"_s, u"12"_s}));
    const QList<Tag> forms = formsWithAction(tags, u"/cart/add"_s);
    QCOMPARE(forms.size(), 1);
    QCOMPARE(forms.first().attr(u"method"_s), u"post"_s);
    QCOMPARE(inputsNamed(tags, u"sku"_s).first().attr(u"value"_s), u"AJ1-CHI-85"_s);
}

void TstStorefrontPages::productPage_quantity_cappedByStockAndTen_data()
{
    QTest::addColumn<StorefrontProduct>("product");
    QTest::addColumn<QString>("max");
    QTest::newRow("flat-2") << flat(2) << u"2"_s;
    QTest::newRow("flat-40") << flat(40) << u"10"_s;
    QTest::newRow("sized-largest-6") << jordan() << u"6"_s;
    QTest::newRow("sized-one-big") << product(u"A"_s, u"B"_s, u"C"_s, u"D"_s, 100, {{u"9"_s, 1}, {u"10"_s, 99}})
                                   << u"10"_s;
}

void TstStorefrontPages::productPage_quantity_cappedByStockAndTen()
{
    QFETCH(StorefrontProduct, product);
    QFETCH(QString, max);
    const QList<Tag> quantity = inputsNamed(tagsOf(sync::renderProductPage(context(), product)), u"quantity"_s);
    QCOMPARE(quantity.size(), 1);
    QCOMPARE(quantity.first().attr(u"type"_s), u"number"_s);
    QCOMPARE(quantity.first().attr(u"min"_s), u"1"_s);
    QCOMPARE(quantity.first().attr(u"max"_s), max);
    QCOMPARE(quantity.first().attr(u"value"_s), u"1"_s);
}

void TstStorefrontPages::productPage_soldOut_hasNoAddToCartForm()
{
    const QByteArray html = sync::renderProductPage(context(), soldOut());
    QCOMPARE(pageProblems(html), QString());
    const QList<Tag> tags = tagsOf(html);
    QVERIFY(formsWithAction(tags, u"/cart/add"_s).isEmpty());
    QVERIFY(pageForms(tags).isEmpty());
    QVERIFY(inputsNamed(tags, u"size"_s).isEmpty());
    QVERIFY(html.contains("<p class=\"soldout-title\">Sold out</p>"));
    QVERIFY(html.contains("Used \u00B7 Good"_ba));
    QVERIFY(html.contains("Good: light wear"));

    StorefrontProduct noSizes = jordan();
    noSizes.sizes.clear();
    QVERIFY(formsWithAction(tagsOf(sync::renderProductPage(context(), noSizes)), u"/cart/add"_s).isEmpty());
}

void TstStorefrontPages::productPage_flatStock_hasNoSizePicker()
{
    const QByteArray html = sync::renderProductPage(context(), flat(4));
    const QList<Tag> tags = tagsOf(html);
    QCOMPARE(formsWithAction(tags, u"/cart/add"_s).size(), 1);
    QVERIFY(!html.contains("type=\"radio\""));
    QVERIFY(!html.contains("size-picker"));
    const QList<Tag> size = inputsNamed(tags, u"size"_s);
    QCOMPARE(size.size(), 1);
    QCOMPARE(size.first().attr(u"type"_s), u"hidden"_s);
    QCOMPARE(size.first().attr(u"value"_s), QString());
}

void TstStorefrontPages::productPage_gallery_thumbnailsLinkToLargeFiles()
{
    const QList<Tag> tags = tagsOf(sync::renderProductPage(context(), jordan()));
    const QList<Tag> images = tagsNamed(tags, u"img"_s);
    QCOMPARE(images.size(), 3);
    QCOMPARE(images[0].attr(u"src"_s), u"/media/product-aj1-chi-3f78-large.jpg"_s);
    QVERIFY(images[0].attr(u"srcset"_s).contains(u"-thumb.jpg 200w"_s));
    QVERIFY(images[0].attr(u"srcset"_s).contains(u"-medium.jpg 800w"_s));
    QVERIFY(images[0].attr(u"srcset"_s).contains(u"-large.jpg 1600w"_s));
    QCOMPARE(images[1].attr(u"src"_s), u"/media/product-aj1-chi-side-thumb.jpg"_s);
    QCOMPARE(images[2].attr(u"alt"_s), u"Air Jordan 1 Retro High OG, Chicago, photo 3"_s);
    QStringList hrefs;
    for (const Tag &link : tagsNamed(tags, u"a"_s)) {
        if (link.attr(u"href"_s).startsWith(u"/media/"_s))
            hrefs.append(link.attr(u"href"_s));
    }
    QCOMPARE(hrefs, QStringList({u"/media/product-aj1-chi-3f78-large.jpg"_s, u"/media/product-aj1-chi-side-large.jpg"_s,
                                 u"/media/product-aj1-chi-back-large.jpg"_s}));
}

// ------------------------------------------------------------------ cart

void TstStorefrontPages::cartPage_hiddenInputs_matchLines()
{
    const QList<CartLineView> lines = cartLines();
    const QByteArray html = sync::renderCartPage(context(u"/cart"_s), lines, QString());
    const QList<Tag> tags = tagsOf(html);
    QCOMPARE(formsWithAction(tags, u"/api/checkout"_s).size(), 1);
    QCOMPARE(formsWithAction(tags, u"/api/checkout"_s).first().attr(u"method"_s), u"post"_s);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString prefix = u"items["_s + QString::number(i) + u"]"_s;
        const QList<Tag> sku = inputsNamed(tags, prefix + u"[sku]"_s);
        const QList<Tag> size = inputsNamed(tags, prefix + u"[size]"_s);
        const QList<Tag> quantity = inputsNamed(tags, prefix + u"[quantity]"_s);
        QCOMPARE(sku.size(), 1);
        QCOMPARE(size.size(), 1);
        QCOMPARE(quantity.size(), 1);
        QCOMPARE(sku.first().attr(u"type"_s), u"hidden"_s);
        QCOMPARE(sku.first().attr(u"value"_s), lines[i].sku);
        QCOMPARE(size.first().attr(u"value"_s), lines[i].size);
        QCOMPARE(quantity.first().attr(u"value"_s), QString::number(lines[i].quantity));
    }
    QVERIFY(inputsNamed(tags, u"items[3][sku]"_s).isEmpty());
    const QList<Tag> email = inputsNamed(tags, u"email"_s);
    QCOMPARE(email.size(), 1);
    QCOMPARE(email.first().attr(u"type"_s), u"email"_s);
    QVERIFY(!email.first().has(u"required"_s));
    // 2 x 180 + 20 + 3 x 199.99 = 979.97
    QVERIFY(html.contains(formatMoney(usd(97997)).toUtf8()));
    QVERIFY(html.contains("(6 items)"));
    QVERIFY(html.contains("Shipping is calculated at checkout"));
    QVERIFY(html.contains(">Checkout</button>"));
}

void TstStorefrontPages::cartPage_lineForms_postSkuAndSize()
{
    const QList<CartLineView> lines = cartLines();
    const QByteArray html = sync::renderCartPage(context(u"/cart"_s), lines, QString());
    const QList<Tag> tags = tagsOf(html);
    QCOMPARE(formsWithAction(tags, u"/cart/update"_s).size(), lines.size());
    QCOMPARE(formsWithAction(tags, u"/cart/remove"_s).size(), lines.size());
    QStringList skus;
    for (const Tag &input : inputsNamed(tags, u"sku"_s))
        skus.append(input.attr(u"value"_s));
    QCOMPARE(skus, QStringList({u"AJ1-CHI-85"_s, u"AJ1-CHI-85"_s, u"CLEAN-KIT"_s, u"CLEAN-KIT"_s, u"NB-990-GRY"_s,
                                u"NB-990-GRY"_s}));
    const QList<Tag> quantities = inputsNamed(tags, u"quantity"_s);
    QCOMPARE(quantities.size(), lines.size());
    QCOMPARE(quantities.first().attr(u"min"_s), u"0"_s);
    QCOMPARE(quantities.first().attr(u"value"_s), u"2"_s);
    // Line 3 wants 3 but only 1 is left: the shopper is told before checkout refuses.
    QVERIFY(html.contains("Only 1 left in this size"));
}

void TstStorefrontPages::cartPage_notice_shownAsAlert()
{
    const QByteArray html = sync::renderCartPage(context(u"/cart"_s), cartLines(), u"Size 10 just sold out."_s);
    QVERIFY(html.contains("<div class=\"notice\" role=\"alert\"><p>Size 10 just sold out.</p></div>"));
    QVERIFY(!sync::renderCartPage(context(u"/cart"_s), cartLines(), u"  "_s).contains("role=\"alert\""));
}

void TstStorefrontPages::cartPage_empty_showsEmptyStateWithoutCheckout()
{
    const QByteArray html = sync::renderCartPage(context(u"/cart"_s, 0), {}, QString());
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(html.contains("Your cart is empty"));
    QVERIFY(pageForms(tagsOf(html)).isEmpty());
    QVERIFY(html.contains("<meta name=\"robots\" content=\"noindex\">"));
}

// ------------------------------------------------------------------ checkout result, errors

void TstStorefrontPages::checkoutResultPage_paid_showsNumberStatusAndTotal()
{
    const QByteArray html = sync::renderCheckoutResultPage(context(), paidOrder(), false);
    QVERIFY(html.contains("Thank you"));
    QVERIFY(html.contains(formatOrderNumber(1042).toUtf8()));
    QVERIFY(html.contains("<span class=\"status status-ok\">Paid</span>"));
    QVERIFY(html.contains(formatMoney(usd(38000)).toUtf8()));
    QVERIFY(html.contains("Air Jordan 1 Retro High OG"));
    QVERIFY(!html.contains("http-equiv=\"refresh\""));
}

void TstStorefrontPages::checkoutResultPage_pending_refreshesItself()
{
    const QByteArray html = sync::renderCheckoutResultPage(context(), paidOrder(OrderStatus::AwaitingPayment), false);
    QVERIFY(html.contains("<span class=\"status status-wait\">Awaiting payment</span>"));
    // A script asks for the status twice a second; without JavaScript the page refreshes itself.
    QVERIFY(html.contains("<noscript><meta http-equiv=\"refresh\" content=\"3\"></noscript>"));
    QVERIFY(html.contains("<script src=\"/assets/order-status.js\" defer></script>"));
    QVERIFY(html.contains("data-order-id=\"6b3c0a4e-0000-4000-8000-000000000001\" data-order-status=\"awaiting_payment\""));
    // A paid order has nothing to wait for.
    const QByteArray paid = sync::renderCheckoutResultPage(context(), paidOrder(), false);
    QVERIFY(!paid.contains("refresh"));
    QVERIFY(!paid.contains("<script"));
}

void TstStorefrontPages::checkoutResultPage_unknownOrder_saysNotFound()
{
    const QByteArray html = sync::renderCheckoutResultPage(context(), std::nullopt, false);
    QVERIFY(html.contains("We couldn\u2019t find that order"_ba));
    QVERIFY(!html.contains("Thank you"));
}

void TstStorefrontPages::checkoutResultPage_canceled_pointsBackToCart()
{
    const QByteArray html = sync::renderCheckoutResultPage(context(), paidOrder(), true);
    QVERIFY(html.contains("Checkout canceled"));
    QVERIFY(html.contains("your cart is kept"));
    QVERIFY(html.contains("<a class=\"button\" href=\"/cart\">Back to cart</a>"));
    QVERIFY(!html.contains(formatOrderNumber(1042).toUtf8()));
}

void TstStorefrontPages::errorPage_status_shownWithHomeLink()
{
    const QByteArray html = sync::renderErrorPage(context(), 404, u"No such sneaker."_s);
    QVERIFY(html.contains("<p class=\"error-code\">404</p>"));
    QVERIFY(html.contains("<h1>Page not found</h1>"));
    QVERIFY(html.contains("No such sneaker."));
    QVERIFY(html.contains("href=\"/\">Back to the shop</a>"));
    QVERIFY(sync::renderErrorPage(context(), 200, QString()).contains("<p class=\"error-code\">500</p>"));
}

// ------------------------------------------------------------------ query string

void TstStorefrontPages::catalogPage_search_headingHeaderAndFilters()
{
    CatalogQuery query;
    query.search = u"\"><script>x</script> dunk"_s;
    query.brand = u"Nike"_s;
    PageContext ctx = context();
    ctx.search = query.search;
    const QByteArray html = sync::renderCatalogPage(ctx, catalogOf({hostileProduct()}, 1), query);
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(html.contains("<h1>Results for \u201c&quot;&gt;&lt;script&gt;x&lt;/script&gt; dunk\u201d</h1>"_ba));
    QVERIFY(html.contains("1 product<"));
    const QList<Tag> tags = tagsOf(html);
    // The header's search shows what was searched; the filters keep it when applied.
    const QList<Tag> q = inputsNamed(tags, u"q"_s);
    QCOMPARE(q.size(), 2);
    for (const Tag &input : q)
        QCOMPARE(input.attr(u"value"_s), query.search);
    QCOMPARE(q.first().attr(u"type"_s), u"search"_s);
    QCOMPARE(q.last().attr(u"type"_s), u"hidden"_s);
    // Clearing drops the search with the filters.
    QVERIFY(html.contains("<a class=\"text-link\" href=\"/\">Clear filters</a>"));
}

void TstStorefrontPages::catalogPage_search_noResults_saysWhatWasSearched()
{
    CatalogQuery query;
    query.search = u"yeezy"_s;
    const QByteArray html = sync::renderCatalogPage(context(), catalogOf({}, 0), query);
    QCOMPARE(pageProblems(html), QString());
    QVERIFY(html.contains("Nothing matches \u201cyeezy\u201d"_ba));
    QVERIFY(html.contains("No products found"));
}

void TstStorefrontPages::orderLookup_hostileValues_escaped()
{
    const QByteArray form = sync::renderOrderLookupPage(
        context(u"/orders/lookup"_s), {u"\"><script>1</script>"_s, u"x\" onfocus=\"y"_s, u"<b>problem</b>"_s});
    QCOMPARE(pageProblems(form), QString());
    QVERIFY(!form.contains("<b>"));
    const QList<Tag> tags = tagsOf(form);
    QCOMPARE(inputsNamed(tags, u"number"_s).first().attr(u"value"_s), u"\"><script>1</script>"_s);
    QCOMPARE(inputsNamed(tags, u"email"_s).first().attr(u"value"_s), u"x\" onfocus=\"y"_s);
    QCOMPARE(formsWithAction(tags, u"/orders/lookup"_s).first().attr(u"method"_s), u"post"_s);

    CheckoutSummary order = paidOrder(OrderStatus::Shipped);
    order.carrier = u"<i>UPS</i>"_s;
    order.trackingNumber = u"1Z\"><script>"_s;
    order.placedOn = u"7 Dec 2026"_s;
    const QByteArray status = sync::renderOrderStatusPage(context(), order);
    QCOMPARE(pageProblems(status), QString());
    QVERIFY(status.contains("<h1>Order RDK-1042</h1>"));
    QVERIFY(status.contains("&lt;i&gt;UPS&lt;/i&gt; 1Z&quot;&gt;&lt;script&gt;"));
    QVERIFY(status.contains("<dd>7 Dec 2026</dd>"));
    QVERIFY(status.contains("Your order is on its way."));
}

void TstStorefrontPages::parseCatalogQuery_search_cleaned_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("search");
    QTest::newRow("plain") << u"q=Dunk+Low"_s << u"dunk low"_s;
    QTest::newRow("spaces collapsed") << u"q=%20%20Air%09%20Max%20"_s << u"air max"_s;
    QTest::newRow("sku") << u"q=DNK-LO-PANDA"_s << u"dnk-lo-panda"_s;
    QTest::newRow("like wildcards kept as text") << u"q=100%25_x"_s << u"100%_x"_s;
    QTest::newRow("script kept for escaping") << u"q=%3Cscript%3E"_s << u"<script>"_s;
    QTest::newRow("control char") << u"q=du%00nk"_s << QString();
    QTest::newRow("bad utf8") << u"q=%FF%FE"_s << QString();
    QTest::newRow("only spaces") << u"q=+++"_s << QString();
    QTest::newRow("six words at most") << u"q=a+b+c+d+e+f+g+h"_s << u"a b c d e f"_s;
    QTest::newRow("80 chars at most") << u"q="_s + QString(200, u'z') << QString(80, u'z');
    QTest::newRow("huge") << u"q="_s + QString(100000, u'z') << QString();
}

void TstStorefrontPages::parseCatalogQuery_search_cleaned()
{
    QFETCH(QString, raw);
    QFETCH(QString, search);
    const CatalogQuery query = sync::parseCatalogQuery(QUrlQuery(raw));
    QCOMPARE(query.search, search);
    // And back: the links the page prints carry the same search.
    QCOMPARE(sync::parseCatalogQuery(QUrlQuery(sync::catalogQueryString(query))).search, search);
}

void TstStorefrontPages::parseCatalogQuery_values_parsedOrDefaulted_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("brand");
    QTest::addColumn<QString>("size");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<bool>("inStock");
    QTest::addColumn<int>("sort");
    QTest::addColumn<int>("page");
    QTest::addColumn<int>("perPage");

    const int newest = int(CatalogSort::Newest);
    QTest::newRow("empty") << QString() << QString() << QString() << QString() << false << newest << 1 << 24;
    QTest::newRow("all-valid")
        << u"brand=Nike&size=10.5&condition=used&in_stock=1&sort=price_desc&page=3&per_page=12"_s << u"Nike"_s
        << u"10.5"_s << u"used"_s << true << int(CatalogSort::PriceHighLow) << 3 << 12;
    QTest::newRow("form-plus-is-space") << u"brand=New+Balance"_s << u"New Balance"_s << QString() << QString()
                                        << false << newest << 1 << 24;
    QTest::newRow("encoded-plus-kept") << u"brand=A%2BB"_s << u"A+B"_s << QString() << QString() << false << newest
                                       << 1 << 24;
    QTest::newRow("brand-trimmed") << u"brand=%20%20Nike%20"_s << u"Nike"_s << QString() << QString() << false
                                   << newest << 1 << 24;
    QTest::newRow("brand-script-kept-for-escaping") << u"brand=%3Cscript%3E"_s << u"<script>"_s << QString()
                                                    << QString() << false << newest << 1 << 24;
    QTest::newRow("brand-oversized") << u"brand="_s + QString(81, u'a') << QString() << QString() << QString()
                                     << false << newest << 1 << 24;
    QTest::newRow("brand-huge") << u"brand="_s + QString(100000, u'a') << QString() << QString() << QString()
                                << false << newest << 1 << 24;
    QTest::newRow("brand-control-char") << u"brand=Ni%00ke"_s << QString() << QString() << QString() << false
                                        << newest << 1 << 24;
    QTest::newRow("brand-newline") << u"brand=Ni%0Ake"_s << QString() << QString() << QString() << false << newest
                                   << 1 << 24;
    QTest::newRow("brand-bad-utf8") << u"brand=%FF%FE"_s << QString() << QString() << QString() << false << newest
                                    << 1 << 24;
    QTest::newRow("size-quarter") << u"size=10.25"_s << QString() << QString() << QString() << false << newest << 1
                                  << 24;
    QTest::newRow("size-three-digits") << u"size=100"_s << QString() << QString() << QString() << false << newest
                                       << 1 << 24;
    QTest::newRow("size-injection") << u"size=10%22%3E%3Cscript%3E"_s << QString() << QString() << QString() << false
                                    << newest << 1 << 24;
    QTest::newRow("size-negative") << u"size=-9"_s << QString() << QString() << QString() << false << newest << 1
                                   << 24;
    QTest::newRow("condition-upper") << u"condition=NEW"_s << QString() << QString() << u"new"_s << false << newest
                                     << 1 << 24;
    QTest::newRow("condition-unknown") << u"condition=mint"_s << QString() << QString() << QString() << false
                                       << newest << 1 << 24;
    QTest::newRow("in-stock-zero") << u"in_stock=0"_s << QString() << QString() << QString() << false << newest << 1
                                   << 24;
    QTest::newRow("in-stock-garbage") << u"in_stock=yesplease"_s << QString() << QString() << QString() << false
                                      << newest << 1 << 24;
    QTest::newRow("sort-unknown") << u"sort=random()"_s << QString() << QString() << QString() << false << newest
                                  << 1 << 24;
    QTest::newRow("sort-name") << u"sort=name"_s << QString() << QString() << QString() << false
                               << int(CatalogSort::Name) << 1 << 24;
    QTest::newRow("page-zero") << u"page=0"_s << QString() << QString() << QString() << false << newest << 1 << 24;
    QTest::newRow("page-negative") << u"page=-4"_s << QString() << QString() << QString() << false << newest << 1
                                   << 24;
    QTest::newRow("page-huge") << u"page=99999999999999999999999"_s << QString() << QString() << QString() << false
                               << newest << 1000 << 24;
    QTest::newRow("page-over-limit") << u"page=1001"_s << QString() << QString() << QString() << false << newest
                                     << 1000 << 24;
    QTest::newRow("page-not-number") << u"page=2abc"_s << QString() << QString() << QString() << false << newest << 1
                                     << 24;
    QTest::newRow("page-hex") << u"page=0x10"_s << QString() << QString() << QString() << false << newest << 1 << 24;
    QTest::newRow("page-float") << u"page=2.5"_s << QString() << QString() << QString() << false << newest << 1
                                << 24;
    QTest::newRow("per-page-zero") << u"per_page=0"_s << QString() << QString() << QString() << false << newest << 1
                                   << 1;
    QTest::newRow("per-page-huge") << u"per_page=100000"_s << QString() << QString() << QString() << false << newest
                                   << 1 << 60;
    QTest::newRow("per-page-empty") << u"per_page="_s << QString() << QString() << QString() << false << newest << 1
                                    << 24;
    QTest::newRow("duplicate-keys-first-wins") << u"page=2&page=9&size=9&size=10"_s << QString() << u"9"_s
                                               << QString() << false << newest << 2 << 24;
    QTest::newRow("unknown-keys-ignored") << u"utm_source=x&__proto__=1&page=3"_s << QString() << QString()
                                          << QString() << false << newest << 3 << 24;
    QTest::newRow("empty-form-submit") << u"brand=&size=&condition=&sort=newest"_s << QString() << QString()
                                       << QString() << false << newest << 1 << 24;
}

void TstStorefrontPages::parseCatalogQuery_values_parsedOrDefaulted()
{
    QFETCH(QString, raw);
    QFETCH(QString, brand);
    QFETCH(QString, size);
    QFETCH(QString, condition);
    QFETCH(bool, inStock);
    QFETCH(int, sort);
    QFETCH(int, page);
    QFETCH(int, perPage);

    const CatalogQuery query = sync::parseCatalogQuery(QUrlQuery(raw));
    QCOMPARE(query.brand, brand);
    QCOMPARE(query.size, size);
    QCOMPARE(query.condition ? toString(*query.condition) : QString(), condition);
    QCOMPARE(query.inStockOnly, inStock);
    QCOMPARE(int(query.sort), sort);
    QCOMPARE(query.page, page);
    QCOMPARE(query.perPage, perPage);
}

void TstStorefrontPages::catalogQueryString_roundTrip_preservesQuery_data()
{
    QTest::addColumn<CatalogQuery>("query");
    CatalogQuery all;
    all.brand = u"New Balance"_s;
    all.size = u"9.5"_s;
    all.condition = Condition::New;
    all.inStockOnly = true;
    all.sort = CatalogSort::Name;
    all.page = 7;
    all.perPage = 48;
    QTest::newRow("everything") << all;
    CatalogQuery symbols;
    symbols.brand = u"A&B=C+D #1 / \"x\" 'y' <z> \u00E9\u00E8 \U0001F45F"_s;
    symbols.condition = Condition::Used;
    symbols.sort = CatalogSort::PriceLowHigh;
    QTest::newRow("brand-with-symbols") << symbols;
    CatalogQuery last;
    last.page = 1000;
    last.perPage = 1;
    last.sort = CatalogSort::PriceHighLow;
    QTest::newRow("limits") << last;
    QTest::newRow("defaults") << CatalogQuery();
}

void TstStorefrontPages::catalogQueryString_roundTrip_preservesQuery()
{
    QFETCH(CatalogQuery, query);
    const QString qs = sync::catalogQueryString(query);
    for (const QChar c : qs)
        QVERIFY2(c.unicode() > 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'<' && c != u'\'', qPrintable(qs));
    const CatalogQuery parsed = sync::parseCatalogQuery(QUrlQuery(qs));
    QVERIFY2(sameFilters(parsed, query), qPrintable(qs));
    QCOMPARE(parsed.page, query.page);
    // An explicit page overrides the query's own.
    QCOMPARE(sync::parseCatalogQuery(QUrlQuery(sync::catalogQueryString(query, 3))).page, 3);
}

void TstStorefrontPages::catalogQueryString_defaults_empty()
{
    QCOMPARE(sync::catalogQueryString(CatalogQuery()), QString());
    QCOMPARE(sync::catalogQueryString(CatalogQuery(), 1), QString());
    QCOMPARE(sync::catalogQueryString(CatalogQuery(), 2), u"page=2"_s);
    CatalogQuery query;
    query.brand = u"Nike"_s;
    query.inStockOnly = true;
    QCOMPARE(sync::catalogQueryString(query), u"brand=Nike&in_stock=1"_s);
}

void TstStorefrontPages::storefrontStylesheet_resource_isCompiledIn()
{
    const QByteArray css = sync::storefrontStylesheet();
    QVERIFY(css.size() > 1000);
    QVERIFY(css.contains("prefers-color-scheme: dark"));
    QVERIFY(css.contains(".product-grid"));
    QVERIFY(css.contains(":focus-visible"));
    QVERIFY(!css.contains("@import"));
    QVERIFY(!css.contains("url(http"));
    QVERIFY(!css.contains("url(//"));
}

QTEST_GUILESS_MAIN(TstStorefrontPages)
#include "tst_storefrontpages.moc"

#include "sync/storefront/storefronthtml.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync::html {

namespace {

QString shopNameOf(const PageContext &context)
{
    const QString name = context.shopName.trimmed();
    return name.isEmpty() ? u"Real Deal Kickz"_s : name;
}

QString cartIcon()
{
    return u"<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"22\" height=\"22\" aria-hidden=\"true\" "
           "focusable=\"false\"><path d=\"M5.5 8h13l-1 12.5h-11z\" fill=\"none\" stroke=\"currentColor\" "
           "stroke-width=\"1.8\" stroke-linejoin=\"round\"/><path d=\"M9 10V7a3 3 0 0 1 6 0v3\" fill=\"none\" "
           "stroke=\"currentColor\" stroke-width=\"1.8\" stroke-linecap=\"round\"/></svg>"_s;
}

QString searchIcon()
{
    return u"<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\" "
           "focusable=\"false\"><circle cx=\"10.5\" cy=\"10.5\" r=\"6\" fill=\"none\" stroke=\"currentColor\" "
           "stroke-width=\"1.9\"/><path d=\"M15 15l5 5\" stroke=\"currentColor\" stroke-width=\"1.9\" "
           "stroke-linecap=\"round\"/></svg>"_s;
}

QString navLink(const PageContext &context, const QString &href, const QString &label, bool currentOnPath)
{
    const bool current = currentOnPath && context.requestPath == href;
    return u"<li><a href=\""_s + href + u"\""_s + (current ? u" aria-current=\"page\""_s : QString()) + u">"_s
        + escape(label) + u"</a></li>"_s;
}

} // namespace

QString escape(QStringView text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '&': out += u"&amp;"_s; break;
        case '<': out += u"&lt;"_s; break;
        case '>': out += u"&gt;"_s; break;
        case '"': out += u"&quot;"_s; break;
        case '\'': out += u"&#39;"_s; break;
        case '\t':
        case '\n': out += c; break;
        case '\r': break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                break;
            out += c;
        }
    }
    return out;
}

QString paragraphs(QStringView text)
{
    QString normalized = text.toString();
    normalized.replace(u"\r\n"_s, u"\n"_s);
    normalized.replace(u'\r', u'\n');
    static const QRegularExpression blankLines(u"\\n[ \\t]*\\n\\s*"_s);
    QString out;
    for (const QString &block : normalized.split(blankLines, Qt::SkipEmptyParts)) {
        const QString trimmed = block.trimmed();
        if (trimmed.isEmpty())
            continue;
        QString escaped = escape(trimmed);
        escaped.replace(u'\n', u"<br>\n"_s);
        out += u"<p>"_s + escaped + u"</p>\n"_s;
    }
    return out;
}

QString percentEncoded(QStringView text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text.toString()));
}

QString productUrl(QStringView sku)
{
    return u"/products/"_s + percentEncoded(sku);
}

QString mediaUrl(QStringView stem, ImageVariant variant)
{
    QString suffix;
    switch (variant) {
    case ImageVariant::Thumb: suffix = u"-thumb.jpg"_s; break;
    case ImageVariant::Medium: suffix = u"-medium.jpg"_s; break;
    case ImageVariant::Large: suffix = u"-large.jpg"_s; break;
    }
    return u"/media/"_s + percentEncoded(stem) + suffix;
}

QString responsiveImageAttributes(const StorefrontImage &image, ImageVariant src, QStringView sizes)
{
    int srcWidth = 800;
    switch (src) {
    case ImageVariant::Thumb: srcWidth = 200; break;
    case ImageVariant::Medium: srcWidth = 800; break;
    case ImageVariant::Large: srcWidth = 1600; break;
    }
    // The aspect ratio of the original, scaled to the src file; square when unknown.
    int height = srcWidth;
    if (image.largeWidth > 0 && image.largeHeight > 0)
        height = int(qint64(srcWidth) * image.largeHeight / image.largeWidth);
    height = qBound(1, height, 10 * srcWidth);

    const QString srcset = mediaUrl(image.stem, ImageVariant::Thumb) + u" 200w, "_s
        + mediaUrl(image.stem, ImageVariant::Medium) + u" 800w, "_s + mediaUrl(image.stem, ImageVariant::Large)
        + u" 1600w"_s;
    return u" src=\""_s + escape(mediaUrl(image.stem, src)) + u"\" srcset=\""_s + escape(srcset)
        + u"\" sizes=\""_s + escape(sizes) + u"\" width=\""_s + QString::number(srcWidth) + u"\" height=\""_s
        + QString::number(height) + u"\""_s;
}

QString placeholderImage(QStringView extraClass)
{
    QString classes = u"placeholder"_s;
    if (!extraClass.isEmpty())
        classes += u' ' + escape(extraClass);
    return u"<div class=\""_s + classes
        + u"\" role=\"img\" aria-label=\"No photo yet\"><svg viewBox=\"0 0 96 48\" width=\"96\" height=\"48\" "
          "aria-hidden=\"true\" focusable=\"false\"><path fill=\"currentColor\" d=\"M6 36c0-6 2-13 5-19l3-6c1-2 "
          "4-3 6-1 4 4 10 6 17 6 4 0 7-2 9-5 1-2 4-2 6 0 7 8 19 12 30 14 6 1 9 5 9 9v2H6z\"/><path "
          "fill=\"currentColor\" d=\"M6 39h85v3c0 2-1 3-3 3H9c-2 0-3-1-3-3z\"/></svg></div>"_s;
}

QByteArray document(const PageContext &context, const DocumentOptions &options, const QString &mainHtml)
{
    const QString shop = shopNameOf(context);
    const QString title = options.title.isEmpty() ? shop : options.title + u" \u00B7 "_s + shop;

    QString out;
    out.reserve(mainHtml.size() + 4096);
    out += u"<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"color-scheme\" content=\"light dark\">\n"_s;
    out += u"<title>"_s + escape(title) + u"</title>\n"_s;
    if (!options.description.isEmpty())
        out += u"<meta name=\"description\" content=\""_s + escape(options.description.left(300)) + u"\">\n"_s;
    if (options.noIndex)
        out += u"<meta name=\"robots\" content=\"noindex\">\n"_s;
    if (options.refreshSeconds > 0) {
        const QString refresh = u"<meta http-equiv=\"refresh\" content=\""_s + QString::number(options.refreshSeconds) + u"\">"_s;
        out += options.refreshOnlyWithoutScript ? u"<noscript>"_s + refresh + u"</noscript>\n"_s : refresh + u"\n"_s;
    }
    for (const QString &script : options.scripts)
        out += u"<script src=\""_s + escape(script) + u"\" defer></script>\n"_s;
    out += u"<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n"_s;
    out += u"<link rel=\"stylesheet\" href=\"/assets/storefront.css\">\n</head>\n<body>\n"
           "<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n"_s;

    // Header: shop name, search, quick links, cart with its count. On a phone the links and
    // the search take a second row rather than disappearing.
    out += u"<header class=\"site-header\">\n<div class=\"wrap header-inner\">\n<a class=\"logo\" href=\"/\">"_s
        + escape(shop) + u"</a>\n"_s;
    out += u"<form class=\"site-search\" method=\"get\" action=\"/\" role=\"search\">"
           "<label class=\"visually-hidden\" for=\"site-search-q\">Search the shop</label>"
           "<input id=\"site-search-q\" type=\"search\" name=\"q\" maxlength=\"80\" autocomplete=\"off\" "
           "placeholder=\"Search sneakers, brands, SKUs\" value=\""_s
        + escape(context.search) + u"\"><button type=\"submit\" class=\"search-button\"><span class=\"visually-hidden\">"
           "Search</span>"_s + searchIcon() + u"</button></form>\n"_s;
    out += u"<nav class=\"site-nav\" aria-label=\"Main\">\n<ul>\n"_s;
    out += navLink(context, u"/"_s, u"Shop all"_s, true);
    out += navLink(context, u"/?condition=new"_s, u"New"_s, false);
    out += navLink(context, u"/?condition=used"_s, u"Pre-owned"_s, false);
    const int count = qMax(0, context.cartCount);
    const bool onCart = context.requestPath == u"/cart";
    out += u"<li><a class=\"cart-link\" href=\"/cart\""_s + (onCart ? u" aria-current=\"page\""_s : QString())
        + u">"_s + cartIcon() + u"<span class=\"cart-label\">Cart</span>"_s;
    if (count > 0) {
        const QString shown = count > 99 ? u"99+"_s : QString::number(count);
        out += u"<span class=\"cart-count\">"_s + shown + u"</span><span class=\"visually-hidden\">, "_s
            + QString::number(count) + (count == 1 ? u" item"_s : u" items"_s) + u"</span>"_s;
    } else {
        out += u"<span class=\"visually-hidden\">, empty</span>"_s;
    }
    out += u"</a></li>\n</ul>\n</nav>\n</div>\n</header>\n"_s;

    out += u"<main id=\"main\" class=\"wrap"_s;
    if (!options.mainClass.isEmpty())
        out += u' ' + escape(options.mainClass);
    out += u"\">\n"_s + mainHtml + u"</main>\n"_s;

    out += u"<footer class=\"site-footer\">\n<div class=\"wrap footer-inner\">\n<p class=\"footer-brand\">"_s
        + escape(shop)
        + u"</p>\n<p><a href=\"/orders/lookup\">Find your order</a> &middot; <a href=\"/policies/shipping\">Shipping</a> "
          "&middot; <a href=\"/policies/returns\">Returns</a> &middot; <a href=\"/contact\">Contact</a></p>\n"
          "<p>Secure checkout with Stripe</p>\n"
          "</div>\n</footer>\n</body>\n</html>\n"_s;
    return out.toUtf8();
}

} // namespace rdk::sync::html

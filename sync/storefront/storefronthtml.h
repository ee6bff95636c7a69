#pragma once

// Building blocks of the storefront markup: escaping, URLs and the page shell.
// Internal to sync/storefront; the pages themselves are in storefrontpages.h.

#include "sync/storefront/storefrontpages.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace rdk::sync::html {

/// Text for element content and double-quoted attribute values: & < > " ' become entities,
/// C0 control characters (other than tab and newline) and DEL are dropped.
QString escape(QStringView text);

/// Like escape(), for longer text typed by staff: blank lines separate <p> paragraphs and
/// single newlines become <br>. Empty for text that is only whitespace.
QString paragraphs(QStringView text);

/// Every character outside RFC 3986 "unreserved" percent-encoded (UTF-8), so the result is
/// plain ASCII that can't end a path segment, a query value or an attribute.
QString percentEncoded(QStringView text);

/// "/products/<sku>".
QString productUrl(QStringView sku);

/// Which served file of a photo: 200, 800 and 1600 px wide.
enum class ImageVariant { Thumb, Medium, Large };

/// "/media/<stem>-thumb.jpg" and so on.
QString mediaUrl(QStringView stem, ImageVariant variant);

/// `src`, `srcset` (thumb 200w, medium 800w, large 1600w), `sizes`, `width` and `height`
/// attributes (escaped, each with a leading space) for a photo. width/height carry the
/// aspect ratio of the large file so the layout doesn't jump while it loads.
QString responsiveImageAttributes(const StorefrontImage &image, ImageVariant src, QStringView sizes);

/// An inline, decorative SVG shoe shown where a product has no photo.
QString placeholderImage(QStringView extraClass);

struct DocumentOptions final {
    QString title;            ///< page part of <title>; the shop name is appended
    QString description;      ///< <meta name="description">; omitted when empty
    bool noIndex = false;     ///< cart, checkout and error pages stay out of search engines
    int refreshSeconds = 0;   ///< > 0: <meta http-equiv="refresh"> (no JS needed)
    bool refreshOnlyWithoutScript = false;   ///< the refresh inside <noscript>: a script does better
    QStringList scripts;      ///< same-origin script URLs, loaded deferred
    QString mainClass;        ///< extra class on <main>
};

/// The whole document: doctype, head, skip link, header with cart count, <main> holding
/// `mainHtml` (already escaped markup), footer.
QByteArray document(const PageContext &context, const DocumentOptions &options, const QString &mainHtml);

} // namespace rdk::sync::html

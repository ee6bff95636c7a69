// The storefront's HTML pages: thin handlers over PgStorefront and the renderers.
#include "data/pgshopsettings.h"
#include "data/pgstorefront.h"
#include "domain/checkout.h"
#include "domain/sku.h"
#include "sync/cartcookie.h"
#include "sync/catalogchanges.h"
#include "sync/checkoutform.h"
#include "sync/droproutes.h"
#include "sync/edgeviews.h"
#include "sync/storefront/storefrontpages.h"
#include "sync/syncserver.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {
namespace {

using HttpStatus = QHttpServerResponder::StatusCode;

QHttpServerResponse html(QByteArray body, HttpStatus status = HttpStatus::Ok)
{
    return QHttpServerResponse("text/html; charset=utf-8", std::move(body), status);
}

QString normalizedSku(const QString &raw)
{
    auto sku = normalizeSku(raw);
    return sku ? *sku : QString();
}

} // namespace

bool SyncServer::sameOrigin(const RequestInfo &info) const
{
    if (info.origin.isEmpty())
        return true;  // old browsers and curl send none; SameSite=Lax still covers the cookie
    const QUrl origin(QString::fromLatin1(info.origin));
    const QUrl ours = m_options.publicUrl;
    const bool sameAsPublic = origin.scheme() == ours.scheme() && origin.host() == ours.host()
        && origin.port(origin.scheme() == u"https"_s ? 443 : 80) == ours.port(ours.scheme() == u"https"_s ? 443 : 80);
    const bool sameAsHost = !info.host.isEmpty() && origin.authority() == QString::fromLatin1(info.host);
    return sameAsPublic || sameAsHost;
}

void SyncServer::countVisit(const RequestInfo &info, const QString &productId)
{
    if (info.edgeRefresh || m_options.edgeCountsViews)
        return;   // the edge fetching a page again, not a shopper; or the edge counts every view
    countView(info.client, info.userAgent, info.path, productId, QDateTime::currentDateTimeUtc());
}

void SyncServer::countView(const QHostAddress &client, QByteArrayView userAgent, const QString &path,
                           const QString &productId, const QDateTime &at)
{
    const QByteArray visitor = m_visitors.visitorId(client, userAgent, QDateTime::currentDateTimeUtc().date());
    if (visitor.isEmpty())
        return;
    // Counting must never cost the shopper time: the view is written with the next batch.
    if (!m_pageViews.add(PageView{visitor, path, productId, at}))
        m_metrics.countPageViews("dropped", 1);
}

void SyncServer::countEdgeView(const EdgeView &view)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // A report is a few milliseconds old. One that claims another time (a clock set wrong, a
    // forged datagram) is counted now rather than in a day the dashboard has already shown.
    constexpr qint64 kMaxReportAgeSeconds = 300;
    const qint64 age = view.at.secsTo(now);
    const bool plausible = age >= -1 && age <= kMaxReportAgeSeconds;
    countView(view.client, view.userAgent, view.path, {}, plausible ? view.at : now);
}

QHttpServerResponse SyncServer::pageError(const RequestInfo &info, int status, const QString &message)
{
    PageContext context{m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    return html(renderErrorPage(context, status, message), static_cast<HttpStatus>(status));
}

QHttpServerResponse SyncServer::catalogPage(const RequestInfo &info)
{
    const CatalogQuery query = parseCatalogQuery(info.query);
    const int cartCount = cartUnits(cartFromCookieHeader(info.cookie));
    const QString key = u"page:/?%1#cart=%2"_s.arg(catalogQueryString(query, query.page)).arg(cartCount);
    QHttpServerResponse response = cached(info, key, {u"catalog"_s}, "text/html; charset=utf-8", [&]() -> Result<QByteArray> {
        auto session = m_sessions.session();
        if (!session)
            return session.error();
        auto page = data::PgStorefront(**session).catalog(query);
        if (!page)
            return page.error();
        return renderCatalogPage(PageContext{m_options.shopName, info.path, cartCount, query.search}, *page, query,
                                 m_drops ? m_drops->catalogBadges() : QHash<QString, QString>{});
    });
    // Counted after cached(): an answer first tried on the event loop (Answer::ReadyOrPool) and
    // then rendered on the pool is one view, not two.
    countVisit(info, {});
    if (response.statusCode() == HttpStatus::ServiceUnavailable)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    return response;
}

QHttpServerResponse SyncServer::productPage(const RequestInfo &info, const QString &rawSku)
{
    const QString sku = normalizedSku(rawSku);
    if (sku.isEmpty())
        return pageError(info, 404, u"We couldn't find that product."_s);
    const int cartCount = cartUnits(cartFromCookieHeader(info.cookie));
    QStringList tags;   // the product's id, once it is read
    QHttpServerResponse response = cached(info, u"page:/products/%1#cart=%2"_s.arg(sku).arg(cartCount), tags,
                                          "text/html; charset=utf-8", [&]() -> Result<QByteArray> {
        auto product = publishedProduct(sku);
        if (!product)
            return product.error();
        tags.append(CatalogChanges::productTag(product->id));
        const ProductPageExtras extras = m_drops ? m_drops->productExtras(*product) : ProductPageExtras{};
        if (extras.showsClock)
            tags.append(CatalogCache::clockTag());   // the countdown's clock stays within a second
        return renderProductPage(PageContext{m_options.shopName, info.path, cartCount}, *product, extras);
    });
    if (response.statusCode() == HttpStatus::NotFound)
        return pageError(info, 404, u"We couldn't find that product. It may have sold out and been taken down."_s);
    if (response.statusCode() == HttpStatus::ServiceUnavailable)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    // The path names the product; the cached page path doesn't know its id, so none is stored.
    countVisit(info, {});
    return response;
}

QHttpServerResponse SyncServer::cartPage(const RequestInfo &info)
{
    const QList<CartItem> items = cartFromCookieHeader(info.cookie);
    QStringList skus;
    for (const CartItem &i : items)
        skus.append(i.sku);
    auto session = m_sessions.session();
    if (!session)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    auto products = data::PgStorefront(**session).productsBySku(skus);
    if (!products)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    QList<CartLineView> lines;
    for (const CartItem &item : items) {
        const auto product = std::find_if(products->cbegin(), products->cend(), [&](const StorefrontProduct &p) { return p.sku == item.sku; });
        if (product == products->cend())
            continue;   // no longer for sale: quietly dropped from the view
        int available = 0;
        for (const StorefrontSize &s : product->sizes)
            if (s.size == item.size)
                available = s.available;
        lines.append(CartLineView{item.sku, product->name, item.size, item.quantity, product->price,
                                  product->images.isEmpty() ? QString() : product->images.first().stem, available});
    }
    const QString notice = info.query.queryItemValue(u"notice"_s, QUrl::FullyDecoded).left(300);
    return html(renderCartPage(PageContext{m_options.shopName, info.path, cartUnits(items)}, lines, notice));
}

QHttpServerResponse SyncServer::changeCart(const RequestInfo &info, CartChange change)
{
    if (!sameOrigin(info))
        return pageError(info, 403, u"This form must be sent from the shop's own pages."_s);
    const QUrlQuery form = formFields(info.body);
    const QString sku = normalizedSku(form.queryItemValue(u"sku"_s, QUrl::FullyDecoded));
    const QString size = form.queryItemValue(u"size"_s, QUrl::FullyDecoded).trimmed();
    static const QRegularExpression sizePattern(u"^([0-9]{1,2}(\\.5)?)?$"_s);
    bool quantityOk = true;
    const QString quantityText = form.queryItemValue(u"quantity"_s, QUrl::FullyDecoded);
    int quantity = quantityText.isEmpty() ? (change == CartChange::Add ? 1 : 0) : quantityText.toInt(&quantityOk);
    if (sku.isEmpty() || !sizePattern.match(size).hasMatch() || !quantityOk || quantity < 0 || quantity > kMaxQuantityPerLine)
        return pageError(info, 400, u"That item or quantity isn't valid."_s);
    if (change == CartChange::Remove)
        quantity = 0;
    const QList<CartItem> items = withLine(cartFromCookieHeader(info.cookie), CartItem{sku, size, quantity}, change != CartChange::Add);
    QHttpServerResponse response(HttpStatus::SeeOther);
    response.setHeader("Location", "/cart");
    response.setHeader("Set-Cookie", cartSetCookie(items, m_https));
    return response;
}

QHttpServerResponse SyncServer::checkoutResult(const RequestInfo &info, bool canceled)
{
    const PageContext context{m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    if (canceled)
        return html(renderCheckoutResultPage(context, std::nullopt, true));
    auto session = m_sessions.session();
    if (!session)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    auto summary = data::PgStorefront(**session).orderSummary(info.query.queryItemValue(u"order"_s));
    if (!summary)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    // A paid order empties the cart, and the page's header already says so.
    const bool paid = summary->has_value() && (*summary)->status != OrderStatus::Pending
        && (*summary)->status != OrderStatus::AwaitingPayment && (*summary)->status != OrderStatus::Canceled;
    QHttpServerResponse response = html(renderCheckoutResultPage(paid ? PageContext{m_options.shopName, info.path, 0} : context, *summary, false));
    if (paid)
        response.setHeader("Set-Cookie", cartSetCookie({}, m_https));
    return response;
}

QHttpServerResponse SyncServer::orderLookup(const RequestInfo &info)
{
    const PageContext context{m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    if (info.method != "POST")
        return html(renderOrderLookupPage(context, {}));
    const QUrlQuery fields = formFields(info.body);
    OrderLookupForm form{fields.queryItemValue(u"number"_s, QUrl::FullyDecoded).trimmed(),
                         fields.queryItemValue(u"email"_s, QUrl::FullyDecoded).trimmed(), QString()};
    const std::optional<qint64> number = parseOrderNumber(form.number);
    if (!number || form.email.size() > 254 || !looksLikeEmail(form.email)) {
        form.problem = u"Enter an order number like RDK-1001 and the e-mail address you paid with."_s;
        return html(renderOrderLookupPage(context, form), HttpStatus::UnprocessableEntity);
    }
    auto session = m_sessions.session();
    if (!session)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    auto found = data::PgStorefront(**session).lookupOrder(*number, form.email);
    if (!found)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    if (!found->has_value()) {
        // The same answer whichever of the two was wrong: the form must not tell which order
        // numbers exist.
        form.problem = u"We couldn't find an order with that number and e-mail address. Check both against your "
                       "confirmation e-mail."_s;
        return html(renderOrderLookupPage(context, form), HttpStatus::NotFound);
    }
    return html(renderOrderStatusPage(context, **found));
}

QHttpServerResponse SyncServer::shopPage(const RequestInfo &info, ShopPage page)
{
    // Kept like the catalog's pages until the shop's settings change (rdk.set_shop_settings
    // sends a notice): footer links on drop day cost no database read each.
    const PageContext context{m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    QHttpServerResponse response = cached(info, u"page:%1#cart=%2"_s.arg(shopPagePath(page)).arg(context.cartCount),
                                          {CatalogChanges::shopTag()}, "text/html; charset=utf-8", [&]() -> Result<QByteArray> {
        auto settings = m_sessions.run([](data::PgSession &session) { return data::PgShopSettings(session).load(); });
        if (!settings)
            return settings.error();
        const QString &text = page == ShopPage::Shipping  ? settings->shippingPolicy
                              : page == ShopPage::Returns ? settings->returnsPolicy
                                                          : settings->contactText;
        return renderShopPage(context, page, text, settings->shopAddress);
    });
    if (response.statusCode() != HttpStatus::Ok && response.statusCode() != HttpStatus::NotModified)
        return pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    return response;
}

} // namespace rdk::sync

// Renders every storefront page with a fake catalog into a folder, with the stylesheet and
// coloured stand-in photos, so the look can be checked in a real browser:
//   rdk_storefront_preview /tmp/storefront-preview
//   (cd /tmp/storefront-preview && python3 -m http.server 8765)  ->  http://127.0.0.1:8765/index.html
#include "domain/order.h"
#include "sync/storefront/storefrontpages.h"
#include "tests/storefront/storefrontfixtures.h"

#include <QColor>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QTextStream>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::storefrontfixtures;

namespace {

struct Shoe final {
    QString stem;
    QColor upper;
    QColor accent;
    QColor sole;
    QColor backdrop;
};

// A side view of a sneaker, drawn in a 100 x 100 box.
void paintShoe(QPainter &p, const Shoe &shoe, qreal size, qreal aspect)
{
    QLinearGradient bg(0, 0, 0, size / aspect);
    bg.setColorAt(0, shoe.backdrop.lighter(106));
    bg.setColorAt(1, shoe.backdrop.darker(104));
    p.fillRect(QRectF(0, 0, size, size / aspect), bg);

    p.save();
    p.translate(0, (size / aspect - size) / 2);
    p.scale(size / 100.0, size / 100.0);
    p.setRenderHint(QPainter::Antialiasing);

    // Shadow.
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0, 0, 0, 40));
    p.drawEllipse(QRectF(12, 68, 78, 6));

    QPainterPath upper;
    upper.moveTo(12, 66);
    upper.cubicTo(11, 55, 14, 44, 19, 36);
    upper.lineTo(22, 30);
    upper.cubicTo(24, 27, 28, 27, 30, 30);
    upper.cubicTo(34, 36, 42, 40, 50, 40);
    upper.cubicTo(54, 40, 57, 38, 58, 35);
    upper.cubicTo(60, 32, 63, 32, 65, 35);
    upper.cubicTo(71, 45, 80, 49, 88, 52);
    upper.cubicTo(92, 54, 93, 59, 92, 66);
    upper.closeSubpath();
    p.setBrush(shoe.upper);
    p.drawPath(upper);

    // Swoosh-ish stripe and heel tab in the accent colour.
    QPainterPath stripe;
    stripe.moveTo(30, 60);
    stripe.cubicTo(45, 52, 62, 47, 80, 50);
    stripe.cubicTo(64, 53, 50, 58, 36, 64);
    stripe.closeSubpath();
    p.setBrush(shoe.accent);
    p.drawPath(stripe);
    p.drawRoundedRect(QRectF(13, 40, 8, 18), 3, 3);

    // Laces.
    p.setPen(QPen(shoe.upper.lightness() > 128 ? QColor(60, 60, 60) : QColor(240, 240, 240), 1.4));
    for (int i = 0; i < 4; ++i)
        p.drawLine(QPointF(36 + i * 6, 41 + i * 0.8), QPointF(40 + i * 6, 36 + i * 1.6));
    p.setPen(Qt::NoPen);

    // Sole.
    QPainterPath sole;
    sole.addRoundedRect(QRectF(10, 64, 84, 7), 3.5, 3.5);
    p.setBrush(shoe.sole);
    p.drawPath(sole);
    p.restore();
}

bool writeImages(const QString &mediaDir, const Shoe &shoe, qreal aspect)
{
    for (const auto &[suffix, width] : {std::pair{u"-thumb.jpg"_s, 200}, std::pair{u"-medium.jpg"_s, 800},
                                        std::pair{u"-large.jpg"_s, 1600}}) {
        QImage image(width, int(width / aspect), QImage::Format_RGB32);
        QPainter painter(&image);
        paintShoe(painter, shoe, width, aspect);
        painter.end();
        if (!image.save(mediaDir + u'/' + shoe.stem + suffix, "JPG", 85))
            return false;
    }
    return true;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(bytes) == bytes.size();
}

StorefrontProduct withImage(StorefrontProduct p, const QString &stem, int w = 1600, int h = 1600)
{
    p.images = {image(stem, w, h)};
    return p;
}

QList<StorefrontSize> sizes(std::initializer_list<std::pair<const char *, int>> list)
{
    QList<StorefrontSize> result;
    for (const auto &[size, available] : list)
        result.append({QString::fromLatin1(size), available});
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : u"/tmp/storefront-preview"_s;
    QDir().mkpath(out + u"/assets"_s);
    QDir().mkpath(out + u"/media"_s);
    QTextStream err(stderr);

    const QList<Shoe> shoes = {
        {u"aj1-chicago"_s, QColor(250, 250, 248), QColor(200, 16, 46), QColor(30, 30, 30), QColor(236, 235, 230)},
        {u"aj1-chicago-side"_s, QColor(200, 16, 46), QColor(250, 250, 248), QColor(30, 30, 30), QColor(236, 235, 230)},
        {u"aj1-chicago-sole"_s, QColor(30, 30, 30), QColor(200, 16, 46), QColor(250, 250, 248), QColor(236, 235, 230)},
        {u"dunk-panda"_s, QColor(250, 250, 250), QColor(20, 20, 20), QColor(245, 245, 245), QColor(228, 228, 226)},
        {u"samba-og"_s, QColor(248, 247, 242), QColor(24, 96, 62), QColor(178, 132, 86), QColor(236, 232, 222)},
        {u"nb-990"_s, QColor(150, 152, 156), QColor(110, 112, 118), QColor(235, 235, 232), QColor(226, 226, 224)},
        {u"am1-bubble"_s, QColor(240, 238, 232), QColor(214, 40, 40), QColor(250, 250, 250), QColor(232, 230, 224)},
        {u"kayano-cream"_s, QColor(238, 230, 210), QColor(20, 20, 20), QColor(246, 244, 238), QColor(228, 224, 214)},
        {u"yeezy-zebra"_s, QColor(235, 235, 235), QColor(40, 40, 40), QColor(250, 250, 250), QColor(220, 220, 220)},
        {u"nb-550"_s, QColor(252, 252, 250), QColor(30, 110, 70), QColor(240, 240, 236), QColor(230, 236, 230)},
        {u"xt6"_s, QColor(40, 44, 52), QColor(120, 200, 190), QColor(60, 60, 64), QColor(215, 222, 226)},
        {u"chuck-70"_s, QColor(20, 20, 22), QColor(250, 250, 245), QColor(245, 240, 225), QColor(230, 228, 222)},
    };
    for (const Shoe &shoe : shoes) {
        if (!writeImages(out + u"/media"_s, shoe, shoe.stem == u"aj1-chicago" ? 4.0 / 3.0 : 1.0)) {
            err << "could not write images for " << shoe.stem << Qt::endl;
            return 1;
        }
    }

    auto aj1 = product(u"AJ1-CHI-85"_s, u"Jordan"_s, u"Air Jordan 1 Retro High OG"_s, u"Chicago Lost & Found"_s,
                       38000, sizeRun());
    aj1.images = {image(u"aj1-chicago"_s, 1600, 1200), image(u"aj1-chicago-side"_s), image(u"aj1-chicago-sole"_s)};
    aj1.condition = Condition::Used;
    aj1.usedGrade = UsedGrade::LikeNew;
    aj1.description = u"Worn twice, stored boxed. Comes with the original box, extra laces and the hang tag.\n\n"
                      "Cracked-leather collar is part of the \"Lost & Found\" design, not wear."_s;
    auto dunk = withImage(product(u"DD1391-100"_s, u"Nike"_s, u"Dunk Low Retro"_s, u"White / Black \"Panda\""_s,
                                  11500, sizes({{"7", 4}, {"8", 6}, {"9", 8}, {"10", 12}, {"11", 5}, {"12", 2}})),
                          u"dunk-panda"_s);
    auto samba = withImage(product(u"B75806"_s, u"adidas"_s, u"Samba OG"_s, u"Cloud White / Core Green"_s, 10000,
                                   sizes({{"8", 3}, {"9", 5}, {"10", 9}})),
                           u"samba-og"_s);
    auto nb990 = withImage(product(u"M990GL6"_s, u"New Balance"_s, u"Made in USA 990v6"_s, u"Grey"_s, 15000,
                                   sizes({{"10", 1}, {"10.5", 1}})),
                           u"nb-990"_s);
    nb990.condition = Condition::Used;
    nb990.usedGrade = UsedGrade::Good;
    auto am1 = withImage(product(u"DQ3989-100"_s, u"Nike"_s, u"Air Max 1 '86 OG"_s, u"Big Bubble Sport Red"_s,
                                 16000, sizes({{"9", 0}, {"10", 0}})),
                         u"am1-bubble"_s);
    auto kayano = withImage(product(u"1201A019-108"_s, u"ASICS"_s, u"GEL-KAYANO 14"_s, u"Cream / Black"_s, 15000,
                                    sizes({{"9.5", 1}, {"10", 0}})),
                            u"kayano-cream"_s);
    auto zebra = withImage(product(u"CP9654"_s, u"adidas"_s, u"Yeezy Boost 350 V2"_s, u"Zebra"_s, 21000,
                                   sizes({{"11", 1}})),
                           u"yeezy-zebra"_s);
    zebra.condition = Condition::Used;
    zebra.usedGrade = UsedGrade::Fair;
    auto nb550 = withImage(product(u"BB550WT1"_s, u"New Balance"_s, u"550"_s, u"White / Green"_s, 11000,
                                   sizes({{"8", 5}, {"9", 5}, {"10", 5}})),
                           u"nb-550"_s);
    auto af1 = product(u"CW2288-111"_s, u"Nike"_s, u"Air Force 1 '07"_s, u"Triple White"_s, 11500,
                       sizes({{"9", 7}, {"10", 9}}));
    auto xt6 = withImage(product(u"L41086600"_s, u"Salomon"_s, u"XT-6"_s, u"Black / Ebony / Aqua"_s, 20000,
                                 sizes({{"9", 2}, {"10", 3}})),
                         u"xt6"_s);
    auto chuck = withImage(product(u"162050C"_s, u"Converse"_s, u"Chuck 70 Hi"_s, u"Black / Egret"_s, 9000,
                                   sizes({{"8", 6}, {"9", 6}, {"10", 6}})),
                           u"chuck-70"_s);
    auto kit = product(u"JM-PREMIUM"_s, u"Jason Markk"_s, u"Premium Shoe Cleaning Kit"_s, QString(), 2000,
                       {{QString(), 14}});

    sync::PageContext context;
    context.shopName = u"Real Deal Kickz"_s;
    context.requestPath = u"/"_s;
    context.cartCount = 3;

    CatalogPage catalog;
    catalog.products = {aj1, dunk, samba, nb990, am1, kayano, zebra, nb550, af1, xt6, chuck, kit};
    catalog.total = 58;
    catalog.page = 1;
    catalog.perPage = 12;
    catalog.brands = {u"adidas"_s, u"ASICS"_s, u"Converse"_s, u"Jason Markk"_s, u"Jordan"_s, u"New Balance"_s,
                      u"Nike"_s, u"Salomon"_s};
    CatalogQuery query;
    query.perPage = 12;

    CatalogQuery filtered = sync::parseCatalogQuery(
        QUrlQuery(u"brand=New+Balance&size=10&condition=used&in_stock=1&sort=price_asc&page=2&per_page=12"_s));
    CatalogPage filteredPage = catalog;
    filteredPage.products = {nb990, nb550, dunk, samba};
    filteredPage.total = 16;
    filteredPage.page = 2;

    QList<sync::CartLineView> cart = {
        {aj1.sku, aj1.name, u"10"_s, 1, aj1.price, u"aj1-chicago"_s, 5},
        {dunk.sku, dunk.name, u"9"_s, 1, dunk.price, u"dunk-panda"_s, 8},
        {kayano.sku, kayano.name, u"9.5"_s, 2, kayano.price, u"kayano-cream"_s, 1},
        {kit.sku, kit.name, QString(), 1, kit.price, QString(), 14},
    };

    CheckoutSummary order;
    order.orderId = u"5c7e0c1e-4d6a-4f43-9a77-2f1c9a0b1d11"_s;
    order.orderNumber = 1042;
    order.status = OrderStatus::Paid;
    order.total = usd(49500);
    for (const auto &line : cart.mid(0, 2)) {
        OrderLine l;
        l.sku = line.sku;
        l.name = line.name;
        l.size = line.size;
        l.quantity = line.quantity;
        l.unitPrice = line.unitPrice;
        order.lines.append(l);
    }
    CheckoutSummary pending = order;
    pending.status = OrderStatus::AwaitingPayment;

    sync::PageContext cartContext = context;
    cartContext.requestPath = u"/cart"_s;
    sync::PageContext emptyCart = cartContext;
    emptyCart.cartCount = 0;

    const QList<std::pair<QString, QByteArray>> pages = {
        {u"index.html"_s, sync::renderCatalogPage(context, catalog, query)},
        {u"catalog-filtered.html"_s, sync::renderCatalogPage(context, filteredPage, filtered)},
        {u"catalog-empty.html"_s, sync::renderCatalogPage(context, CatalogPage{{}, 0, 1, 24, catalog.brands}, filtered)},
        {u"product.html"_s, sync::renderProductPage(context, aj1)},
        {u"product-new.html"_s, sync::renderProductPage(context, dunk)},
        {u"product-soldout.html"_s, sync::renderProductPage(context, am1)},
        {u"product-flat.html"_s, sync::renderProductPage(context, kit)},
        {u"cart.html"_s, sync::renderCartPage(cartContext, cart,
                                              u"Only 1 pair of GEL-KAYANO 14 in size 9.5 is left. Lower the quantity "
                                              "to check out."_s)},
        {u"cart-empty.html"_s, sync::renderCartPage(emptyCart, {}, QString())},
        {u"checkout-success.html"_s, sync::renderCheckoutResultPage(context, order, false)},
        {u"checkout-pending.html"_s, sync::renderCheckoutResultPage(context, pending, false)},
        {u"checkout-unknown.html"_s, sync::renderCheckoutResultPage(context, std::nullopt, false)},
        {u"checkout-cancel.html"_s, sync::renderCheckoutResultPage(context, std::nullopt, true)},
        {u"error-404.html"_s, sync::renderErrorPage(context, 404, u"We couldn\u2019t find that sneaker."_s)},
        {u"error-500.html"_s, sync::renderErrorPage(context, 500, QString())},
    };
    for (const auto &[name, bytes] : pages) {
        if (!writeFile(out + u'/' + name, bytes)) {
            err << "could not write " << name << Qt::endl;
            return 1;
        }
    }
    if (!writeFile(out + u"/assets/storefront.css"_s, sync::storefrontStylesheet())) {
        err << "could not write the stylesheet" << Qt::endl;
        return 1;
    }
    QTextStream(stdout) << "wrote " << pages.size() << " pages to " << out << Qt::endl;
    return 0;
}

#include "sync/catalogjson.h"

#include "domain/moneyformat.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {
namespace {

QJsonObject moneyJson(const Money &m)
{
    return {{u"amount"_s, double(m.minor())}, {u"currency"_s, m.currency()}, {u"formatted"_s, formatMoney(m)}};
}

} // namespace

QJsonObject productJson(const StorefrontProduct &p, bool withDescription)
{
    QJsonArray sizes;
    for (const auto &s : p.sizes)
        sizes.append(QJsonObject{{u"size"_s, s.size}, {u"available"_s, s.available}});
    QJsonArray images;
    for (const auto &i : p.images)
        images.append(QJsonObject{{u"thumb"_s, u"/media/%1-thumb.jpg"_s.arg(i.stem)},
                                  {u"medium"_s, u"/media/%1-medium.jpg"_s.arg(i.stem)},
                                  {u"large"_s, u"/media/%1-large.jpg"_s.arg(i.stem)}});
    QJsonObject o{{u"sku"_s, p.sku},
                  {u"name"_s, p.name},
                  {u"brand"_s, p.brand},
                  {u"colorway"_s, p.colorway},
                  {u"condition"_s, toString(p.condition)},
                  {u"price"_s, moneyJson(p.price)},
                  {u"available"_s, p.totalAvailable()},
                  {u"sizes"_s, sizes},
                  {u"images"_s, images},
                  {u"url"_s, u"/products/"_s + p.sku}};
    if (p.usedGrade != UsedGrade::None)
        o.insert(u"used_grade"_s, toString(p.usedGrade));
    if (withDescription)
        o.insert(u"description"_s, p.description);
    return o;
}

QJsonObject catalogJson(const CatalogPage &page)
{
    QJsonArray products;
    for (const auto &p : page.products)
        products.append(productJson(p, false));
    return {{u"products"_s, products},
            {u"total"_s, page.total},
            {u"page"_s, page.page},
            {u"per_page"_s, page.perPage},
            {u"brands"_s, QJsonArray::fromStringList(page.brands)}};
}

QJsonObject orderSummaryJson(const CheckoutSummary &s)
{
    return {{u"order_id"_s, s.orderId},
            {u"order_number"_s, formatOrderNumber(s.orderNumber)},
            {u"status"_s, toString(s.status)},
            {u"total"_s, moneyJson(s.total)}};
}

} // namespace rdk::sync

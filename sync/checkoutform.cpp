#include "sync/checkoutform.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {
namespace {

Result<CheckoutRequest> parseJsonCart(const QByteArray &body)
{
    CheckoutRequest request;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return Error::invalid(u"The request body is not a JSON object."_s);
    const QJsonObject o = doc.object();
    if (!o.value(u"items"_s).isArray())
        return Error::invalid(u"\"items\" must be a list."_s, u"items"_s);
    const QJsonArray items = o.value(u"items"_s).toArray();
    if (items.size() > kMaxCartLines)
        return Error::invalid(u"A cart can hold at most %1 different items."_s.arg(kMaxCartLines), u"items"_s);
    for (const QJsonValue &v : items) {
        const QJsonObject item = v.toObject();
        const QJsonValue quantity = item.value(u"quantity"_s);
        if (!quantity.isDouble() || quantity.toDouble() != double(quantity.toInt()))
            return Error::invalid(u"Each item needs a whole-number quantity."_s, u"quantity"_s);
        request.items.append(CartItem{item.value(u"sku"_s).toString(), item.value(u"size"_s).toString(), quantity.toInt()});
    }
    request.email = o.value(u"email"_s).toString();
    return request;
}

Result<CheckoutRequest> parseFormCart(const QByteArray &body)
{
    CheckoutRequest request;
    const QUrlQuery form = formFields(body);
    static const QRegularExpression itemKey(u"^items\\[(\\d{1,2})\\]\\[(sku|size|quantity)\\]$"_s);
    QMap<int, CartItem> byIndex;
    for (const auto &[rawKey, rawValue] : form.queryItems(QUrl::FullyDecoded)) {
        if (rawKey == u"email"_s) {
            request.email = rawValue;
            continue;
        }
        const auto match = itemKey.match(rawKey);
        if (!match.hasMatch())
            continue;   // unknown fields are ignored, as browsers may add their own
        CartItem &item = byIndex[match.captured(1).toInt()];
        const QString field = match.captured(2);
        if (field == u"sku"_s)
            item.sku = rawValue;
        else if (field == u"size"_s)
            item.size = rawValue;
        else {
            bool ok = false;
            item.quantity = rawValue.toInt(&ok);
            if (!ok)
                return Error::invalid(u"Each item needs a whole-number quantity."_s, u"quantity"_s);
        }
    }
    request.items = byIndex.values();
    return request;
}

} // namespace

QUrlQuery formFields(QByteArray body)
{
    body.replace('+', "%20");
    return QUrlQuery(QString::fromUtf8(body));
}

Result<CheckoutRequest> parseCheckoutBody(QByteArrayView contentType, const QByteArray &body)
{
    if (contentType.startsWith("application/json"))
        return parseJsonCart(body);
    if (!contentType.startsWith("application/x-www-form-urlencoded"))
        return Error::invalid(u"Send the cart as a form or as JSON."_s);
    return parseFormCart(body);
}

} // namespace rdk::sync

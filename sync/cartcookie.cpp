#include "sync/cartcookie.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

QList<CartItem> cartFromCookieHeader(QByteArrayView cookieHeader)
{
    static const QRegularExpression entry(u"^([A-Z0-9][A-Z0-9-]{2,39})~((?:[0-9]{1,2}(?:\\.5)?)?)~([0-9]{1,2})$"_s);
    QList<CartItem> items;
    const QByteArray header = cookieHeader.toByteArray();
    for (const QByteArray &part : header.split(';')) {
        const QByteArray trimmed = part.trimmed();
        if (!trimmed.startsWith(QByteArray(kCartCookieName) + '='))
            continue;
        const QString value = QString::fromLatin1(QByteArray::fromPercentEncoding(trimmed.mid(qstrlen(kCartCookieName) + 1)));
        for (const QString &line : value.split(u'|', Qt::SkipEmptyParts)) {
            const auto m = entry.match(line);
            const int quantity = m.hasMatch() ? m.captured(3).toInt() : 0;
            if (quantity < 1 || quantity > kMaxQuantityPerLine || items.size() >= kMaxCartLines)
                continue;
            items = withLine(items, CartItem{m.captured(1), m.captured(2), quantity}, false);
        }
    }
    return items;
}

QByteArray cartSetCookie(const QList<CartItem> &items, bool secure)
{
    QStringList lines;
    for (const CartItem &i : items)
        lines.append(u"%1~%2~%3"_s.arg(i.sku, i.size).arg(i.quantity));
    QByteArray cookie = QByteArray(kCartCookieName) + '=' + QUrl::toPercentEncoding(lines.join(u'|'))
        + "; Path=/; HttpOnly; SameSite=Lax";
    cookie += items.isEmpty() ? "; Max-Age=0" : "; Max-Age=2592000";
    if (secure)
        cookie += "; Secure";
    return cookie;
}

QList<CartItem> withLine(QList<CartItem> items, const CartItem &line, bool replace)
{
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (items[i].sku != line.sku || items[i].size != line.size)
            continue;
        const int quantity = replace ? line.quantity : items[i].quantity + line.quantity;
        if (quantity <= 0)
            items.removeAt(i);
        else
            items[i].quantity = std::min(quantity, kMaxQuantityPerLine);
        return items;
    }
    if (line.quantity > 0 && items.size() < kMaxCartLines)
        items.append(CartItem{line.sku, line.size, std::min(line.quantity, kMaxQuantityPerLine)});
    return items;
}

int cartUnits(const QList<CartItem> &items)
{
    int units = 0;
    for (const CartItem &i : items)
        units += i.quantity;
    return units;
}

} // namespace rdk::sync

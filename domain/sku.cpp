#include "domain/sku.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

bool isSkuCharacter(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')
        || c == u'-';
}

Error skuError(QString message)
{
    return Error::invalid(std::move(message), u"sku"_s);
}

QString asciiUpper(QStringView text)
{
    QString upper;
    upper.reserve(text.size());
    for (QChar c : text)
        upper.append((c >= u'a' && c <= u'z') ? QChar(c.unicode() - u'a' + u'A') : c);
    return upper;
}

} // namespace

Result<QString> normalizeSku(QStringView raw)
{
    const QStringView sku = raw.trimmed();
    if (sku.isEmpty())
        return skuError(u"Enter a SKU"_s);
    for (QChar c : sku) {
        if (!isSkuCharacter(c))
            return skuError(u"SKU may only use letters, digits and dashes"_s);
    }
    if (sku.front() == u'-')
        return skuError(u"SKU must start with a letter or digit"_s);
    if (sku.size() < MinSkuLength)
        return skuError(u"SKU must be at least %1 characters"_s.arg(MinSkuLength));
    if (sku.size() > MaxSkuLength)
        return skuError(u"SKU must be at most %1 characters"_s.arg(MaxSkuLength));
    return asciiUpper(sku);
}

} // namespace rdk

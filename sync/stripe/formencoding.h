#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringView>

#include <concepts>

namespace rdk::sync {

/// Ordered name/value pairs of a form body. A list, not a map: Stripe reads array items
/// (`line_items[0]`, `line_items[1]`) by index, and an exact, stable order makes request
/// bodies reproducible for tests and logs.
using FormParams = QList<QPair<QString, QString>>;

namespace detail {
inline void appendFormKeyPart(QString &key, QStringView part)
{
    key += u'[';
    key += part;
    key += u']';
}
template <std::integral Index>
void appendFormKeyPart(QString &key, Index index)
{
    key += u'[';
    key += QString::number(index);
    key += u']';
}
} // namespace detail

/// Stripe's nested parameter name: formKey(u"line_items", 0, u"price_data", u"currency")
/// is "line_items[0][price_data][currency]". Integers become array indexes.
template <typename... Parts>
QString formKey(QStringView root, const Parts &...parts)
{
    QString key = root.toString();
    (detail::appendFormKeyPart(key, parts), ...);
    return key;
}

/// Percent-encodes one name or value for application/x-www-form-urlencoded: UTF-8, every
/// byte except the unreserved set (A-Z a-z 0-9 - . _ ~) as %XX with capital hex. A space
/// becomes %20 rather than '+': Stripe accepts both, and %20 means the same thing to
/// decoders that don't know the '+' rule (QUrlQuery, for one).
QByteArray encodeFormComponent(QStringView text);

/// "name=value&name=value" in the given order. Brackets in names are encoded too (%5B %5D);
/// Stripe, like every form decoder, decodes names before reading the nesting.
QByteArray encodeForm(const FormParams &params);

/// The inverse of encodeForm, for test doubles and the sandbox: splits on '&' and the first
/// '=', decodes '+' as a space and %XX escapes. Refused with Error::invalid: a broken
/// escape or bytes that are not UTF-8 once decoded.
Result<FormParams> decodeForm(QByteArrayView body);

} // namespace rdk::sync

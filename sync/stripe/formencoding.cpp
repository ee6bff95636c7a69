#include "sync/stripe/formencoding.h"

#include <QStringDecoder>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

Result<QString> decodeComponent(QByteArrayView text)
{
    QByteArray bytes;
    bytes.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            bytes += ' ';
        } else if (c == '%') {
            const int high = i + 2 < text.size() ? hexValue(text[i + 1]) : -1;
            const int low = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
            if (high < 0 || low < 0)
                return Error::invalid(u"The form body has a broken percent escape."_s);
            bytes += char(high * 16 + low);
            i += 2;
        } else {
            bytes += c;
        }
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString decoded = utf8(bytes);
    if (utf8.hasError())
        return Error::invalid(u"The form body is not UTF-8 text."_s);
    return decoded;
}

} // namespace

QByteArray encodeFormComponent(QStringView text)
{
    static constexpr char Hex[] = "0123456789ABCDEF";
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() * 3);
    for (const char c : utf8) {
        if (isUnreserved(c)) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += Hex[byte >> 4];
            out += Hex[byte & 0x0f];
        }
    }
    return out;
}

QByteArray encodeForm(const FormParams &params)
{
    QByteArray body;
    for (const auto &[name, value] : params) {
        if (!body.isEmpty())
            body += '&';
        body += encodeFormComponent(name);
        body += '=';
        body += encodeFormComponent(value);
    }
    return body;
}

Result<FormParams> decodeForm(QByteArrayView body)
{
    FormParams params;
    qsizetype start = 0;
    while (start < body.size()) {
        qsizetype end = body.indexOf('&', start);
        if (end < 0)
            end = body.size();
        const QByteArrayView pair = body.sliced(start, end - start);
        start = end + 1;
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const Result<QString> name = decodeComponent(eq < 0 ? pair : pair.first(eq));
        const Result<QString> value = decodeComponent(eq < 0 ? QByteArrayView() : pair.sliced(eq + 1));
        if (!name)
            return name.error();
        if (!value)
            return value.error();
        params.append({*name, *value});
    }
    return params;
}

} // namespace rdk::sync

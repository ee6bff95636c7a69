#include "domain/gtin.h"

using namespace Qt::StringLiterals;

namespace rdk {

namespace {

bool allAsciiDigits(QStringView text)
{
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return true;
}

} // namespace

int gtinCheckDigit(QStringView body)
{
    if ((body.size() != 11 && body.size() != 12) || !allAsciiDigits(body))
        return -1;
    int sum = 0;
    // The digit next to the check digit has weight 3, then 1, 3, … leftwards.
    for (qsizetype i = 0; i < body.size(); ++i) {
        const int digit = body[body.size() - 1 - i].unicode() - u'0';
        sum += digit * (i % 2 == 0 ? 3 : 1);
    }
    return (10 - sum % 10) % 10;
}

Result<QString> normalizeGtin(QStringView raw)
{
    const QStringView text = raw.trimmed();
    if (text.isEmpty())
        return Error::invalid(u"Enter the barcode number from the box"_s, u"gtin"_s);
    if (!allAsciiDigits(text))
        return Error::invalid(u"A barcode number has digits only"_s, u"gtin"_s);
    if (text.size() != 12 && text.size() != 13)
        return Error::invalid(u"A box barcode has 12 digits (UPC-A) or 13 (EAN-13); this one has %1"_s.arg(text.size()),
                              u"gtin"_s);
    const int expected = gtinCheckDigit(text.first(text.size() - 1));
    const int given = text.last().unicode() - u'0';
    if (expected != given)
        return Error::invalid(u"Barcode %1 has a wrong check digit (should end in %2); check for a typo"_s
                                  .arg(text.toString())
                                  .arg(expected),
                              u"gtin"_s);
    return text.toString();
}

QString gtinKey(QStringView gtin)
{
    return gtin.size() == 12 ? u"0"_s + gtin.toString() : gtin.toString();
}

bool looksLikeGtin(QStringView scanned)
{
    const QStringView text = scanned.trimmed();
    return (text.size() == 12 || text.size() == 13) && allAsciiDigits(text);
}

} // namespace rdk

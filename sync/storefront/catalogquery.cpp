// The catalog's query string, both ways: parseCatalogQuery (lenient, for whatever a browser or
// a bot sends) and catalogQueryString (for the links the pages print).
#include "sync/storefront/storefrontpages.h"

#include "sync/storefront/storefronthtml.h"

#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

constexpr int defaultPerPage = 24;
constexpr int maxPage = 1000;
constexpr int maxPerPage = 60;
constexpr qsizetype maxBrandLength = 80;
constexpr qsizetype maxSearchLength = 80;
constexpr int maxSearchWords = 6;
constexpr qsizetype maxRawValueLength = 1024;

// The decoded value of the first `key`, with '+' read as a space the way HTML forms send it.
// nullopt when the key is absent.
std::optional<QString> valueOf(const QUrlQuery &query, const QString &key)
{
    if (!query.hasQueryItem(key))
        return std::nullopt;
    QString encoded = query.queryItemValue(key, QUrl::FullyEncoded);
    if (encoded.size() > maxRawValueLength)
        return QString(); // far beyond anything valid: treated as garbage
    encoded.replace(u'+', u' ');
    return QUrl::fromPercentEncoding(encoded.toUtf8());
}

// Whole decimal numbers only ("12", not "12abc", "1e3" or "0x10"); huge values saturate so
// that clamping still applies; nullopt for anything else.
std::optional<qint64> wholeNumber(const QString &text)
{
    static const QRegularExpression digits(u"^-?[0-9]{1,30}$"_s);
    const QString trimmed = text.trimmed();
    if (!digits.match(trimmed).hasMatch())
        return std::nullopt;
    bool ok = false;
    const qint64 value = trimmed.toLongLong(&ok);
    if (ok)
        return value;
    return trimmed.startsWith(u'-') ? std::numeric_limits<qint64>::min() : std::numeric_limits<qint64>::max();
}

// Printable text: no control, format or unassigned code points, no lone surrogates.
bool isPrintable(const QString &text)
{
    // Code points, so an emoji (a surrogate pair) is fine and a lone surrogate is not.
    for (const char32_t c : text.toUcs4()) {
        const QChar::Category category = QChar::category(c);
        if (category == QChar::Other_Control || category == QChar::Other_Format || category == QChar::Other_Surrogate
            || category == QChar::Other_NotAssigned || c == 0xFFFD)
            return false;
    }
    return true;
}

bool isCleanBrand(const QString &brand)
{
    return !brand.isEmpty() && brand.size() <= maxBrandLength && isPrintable(brand);
}

// What a shopper typed, as the search runs it: lower case, single spaces, at most
// maxSearchWords words and maxSearchLength characters; empty when it is not printable text.
QString cleanSearch(const QString &typed)
{
    const QString simplified = typed.simplified().toLower();
    if (simplified.isEmpty() || !isPrintable(simplified))
        return {};
    QStringList words = simplified.split(u' ');
    if (words.size() > maxSearchWords)
        words.resize(maxSearchWords);
    QString joined = words.join(u' ');
    if (joined.size() > maxSearchLength) {
        joined.truncate(maxSearchLength);
        if (joined.back().isHighSurrogate())
            joined.chop(1);
        joined = joined.trimmed();
    }
    return joined;
}

QString sortKey(CatalogSort sort)
{
    switch (sort) {
    case CatalogSort::Newest: return u"newest"_s;
    case CatalogSort::PriceLowHigh: return u"price_asc"_s;
    case CatalogSort::PriceHighLow: return u"price_desc"_s;
    case CatalogSort::Name: return u"name"_s;
    }
    return u"newest"_s;
}

std::optional<CatalogSort> sortFromKey(QStringView key)
{
    for (const CatalogSort sort : {CatalogSort::Newest, CatalogSort::PriceLowHigh, CatalogSort::PriceHighLow,
                                   CatalogSort::Name}) {
        if (key == sortKey(sort))
            return sort;
    }
    return std::nullopt;
}

bool isSizeLabel(const QString &size)
{
    static const QRegularExpression pattern(u"^[0-9]{1,2}(\\.5)?$"_s);
    return pattern.match(size).hasMatch();
}

} // namespace

CatalogQuery parseCatalogQuery(const QUrlQuery &query)
{
    CatalogQuery result;

    if (const auto search = valueOf(query, u"q"_s))
        result.search = cleanSearch(*search);
    if (const auto brand = valueOf(query, u"brand"_s)) {
        const QString trimmed = brand->trimmed();
        if (isCleanBrand(trimmed))
            result.brand = trimmed;
    }
    if (const auto size = valueOf(query, u"size"_s)) {
        const QString trimmed = size->trimmed();
        if (isSizeLabel(trimmed))
            result.size = trimmed;
    }
    if (const auto condition = valueOf(query, u"condition"_s)) {
        const QString key = condition->trimmed().toLower();
        if (key == u"new")
            result.condition = Condition::New;
        else if (key == u"used")
            result.condition = Condition::Used;
    }
    if (const auto inStock = valueOf(query, u"in_stock"_s)) {
        const QString key = inStock->trimmed().toLower();
        result.inStockOnly = key == u"1" || key == u"on" || key == u"true";
    }
    if (const auto sort = valueOf(query, u"sort"_s)) {
        if (const auto parsed = sortFromKey(sort->trimmed().toLower()))
            result.sort = *parsed;
    }
    if (const auto page = valueOf(query, u"page"_s)) {
        if (const auto number = wholeNumber(*page))
            result.page = int(std::clamp<qint64>(*number, 1, maxPage));
    }
    if (const auto perPage = valueOf(query, u"per_page"_s)) {
        if (const auto number = wholeNumber(*perPage))
            result.perPage = int(std::clamp<qint64>(*number, 1, maxPerPage));
    }
    return result;
}

QString catalogQueryString(const CatalogQuery &query, std::optional<int> page)
{
    QStringList parts;
    const auto add = [&parts](const QString &key, const QString &value) {
        parts.append(key + u'=' + html::percentEncoded(value));
    };
    if (!query.search.isEmpty())
        add(u"q"_s, query.search);
    if (!query.brand.isEmpty())
        add(u"brand"_s, query.brand);
    if (!query.size.isEmpty())
        add(u"size"_s, query.size);
    if (query.condition)
        add(u"condition"_s, toString(*query.condition));
    if (query.inStockOnly)
        add(u"in_stock"_s, u"1"_s);
    if (query.sort != CatalogSort::Newest)
        add(u"sort"_s, sortKey(query.sort));
    const int perPage = qBound(1, query.perPage, maxPerPage);
    if (perPage != defaultPerPage)
        add(u"per_page"_s, QString::number(perPage));
    const int shownPage = qBound(1, page.value_or(query.page), maxPage);
    if (shownPage != 1)
        add(u"page"_s, QString::number(shownPage));
    return parts.join(u'&');
}

} // namespace rdk::sync

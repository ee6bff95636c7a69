#include "sync/sandbox/paramreader.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {
namespace {

constexpr int kMaxMetadataKeys = 50;
constexpr int kMaxMetadataKeyLength = 40;
constexpr int kMaxMetadataValueLength = 500;

StripeError validation(QString message, QString param, QString code = {})
{
    StripeError e = StripeError::invalid(std::move(message), std::move(param), std::move(code));
    e.replayable = false;
    return e;
}

} // namespace

void ParamReader::fail(StripeError error)
{
    if (!m_error)
        m_error = std::move(error);
}

std::optional<QString> ParamReader::string(const QStringList &path, bool required, qsizetype maxLength)
{
    if (failed())
        return std::nullopt;
    const FormNode *n = node(path);
    if (!n) {
        if (required)
            fail(StripeError::parameterMissing(name(path)));
        return std::nullopt;
    }
    if (n->isHash()) {
        fail(validation(u"Invalid string: {...}"_s, name(path)));
        return std::nullopt;
    }
    if (n->text().isEmpty()) {
        if (required)
            fail(StripeError::parameterEmpty(name(path)));
        return std::nullopt;
    }
    if (n->text().size() > maxLength) {
        fail(validation(u"Invalid string: %1...; must be at most %2 characters"_s.arg(n->text().left(20), QString::number(maxLength)),
                        name(path)));
        return std::nullopt;
    }
    return n->text();
}

std::optional<qint64> ParamReader::integer(const QStringList &path, bool required, qint64 min, qint64 max)
{
    const auto text = string(path, required, 40);
    if (!text)
        return std::nullopt;
    static const QRegularExpression pattern(u"^-?[0-9]{1,18}$"_s);
    if (!pattern.match(*text).hasMatch()) {
        fail(StripeError::parameterInvalidInteger(name(path), *text));
        return std::nullopt;
    }
    const qint64 value = text->toLongLong();
    if (value < min) {
        fail(validation(u"This value must be greater than or equal to %1."_s.arg(min), name(path)));
        return std::nullopt;
    }
    if (value > max) {
        fail(validation(u"This value must be less than or equal to %1."_s.arg(max), name(path)));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> ParamReader::boolean(const QStringList &path)
{
    const auto text = string(path, false, 10);
    if (!text)
        return std::nullopt;
    if (*text == u"true"_s)
        return true;
    if (*text == u"false"_s)
        return false;
    fail(validation(u"Invalid boolean: %1"_s.arg(*text), name(path)));
    return std::nullopt;
}

std::optional<QString> ParamReader::url(const QStringList &path, bool required)
{
    const auto text = string(path, required, 5000);
    if (!text)
        return std::nullopt;
    // Stripe keeps the {CHECKOUT_SESSION_ID} template literally, so check a URL without it.
    QString probe = *text;
    probe.replace(u"{CHECKOUT_SESSION_ID}"_s, u"cs"_s);
    const QUrl parsed(probe, QUrl::StrictMode);
    if (!parsed.isValid() || (parsed.scheme() != u"http"_s && parsed.scheme() != u"https"_s) || parsed.host().isEmpty()) {
        fail(validation(u"Not a valid URL"_s, name(path), u"url_invalid"_s));
        return std::nullopt;
    }
    return *text;
}

std::optional<QString> ParamReader::currency(const QStringList &path, bool required)
{
    const auto text = string(path, required, 10);
    if (!text)
        return std::nullopt;
    static const QRegularExpression pattern(u"^[a-z]{3}$"_s);
    const QString lower = text->toLower();
    if (!pattern.match(lower).hasMatch()) {
        fail(validation(u"Invalid currency: %1. Stripe currently supports these currencies: usd, eur, gbp, ..."_s.arg(*text),
                        name(path)));
        return std::nullopt;
    }
    return lower;
}

std::optional<QString> ParamReader::oneOf(const QStringList &path, const QStringList &allowed, bool required)
{
    const auto text = string(path, required, 100);
    if (!text)
        return std::nullopt;
    if (!allowed.contains(*text)) {
        QStringList quoted = allowed;
        for (QString &a : quoted)
            a = u'`' + a + u'`';
        fail(validation(u"Invalid %1: must be one of %2"_s.arg(path.last(), quoted.join(u", "_s)), name(path)));
        return std::nullopt;
    }
    return text;
}

std::optional<QStringList> ParamReader::stringList(const QStringList &path, bool required)
{
    const auto children = items(path, required, 100);
    if (failed() || children.empty())  // absent, or sent empty to unset it
        return std::nullopt;
    QStringList out;
    for (const FormNode *child : children) {
        QStringList childPath = path;
        childPath.append(child->key());
        const auto text = string(childPath, true, 200);
        if (!text)
            return std::nullopt;
        out.append(*text);
    }
    return out;
}

std::vector<const FormNode *> ParamReader::items(const QStringList &path, bool required, int maxItems)
{
    if (failed())
        return {};
    const FormNode *n = node(path);
    if (!n || (n->isValue() && n->text().isEmpty())) {
        if (required)
            fail(StripeError::parameterMissing(name(path)));
        return {};
    }
    const auto list = n->list();
    if (!list) {
        fail(validation(u"Invalid array"_s, name(path)));
        return {};
    }
    if (list->empty() && required) {
        fail(StripeError::parameterMissing(name(path)));
        return {};
    }
    if (list->size() > size_t(maxItems)) {
        fail(validation(u"Invalid array: %1 may contain at most %2 items."_s.arg(name(path), QString::number(maxItems)), name(path)));
        return {};
    }
    return *list;
}

Metadata ParamReader::metadata(const QStringList &path)
{
    Metadata out;
    updateMetadata(path, out);
    return out;
}

void ParamReader::updateMetadata(const QStringList &path, Metadata &target)
{
    if (failed())
        return;
    const FormNode *n = node(path);
    if (!n)
        return;
    if (n->isValue()) {
        // The schema only lets an empty value through: "metadata=" clears everything.
        target.clear();
        return;
    }
    Metadata updated = target;
    for (const FormNode &entry : n->children()) {
        const QString param = name(QStringList(path) << entry.key());
        if (entry.isHash()) {
            fail(validation(u"Invalid string: {...}"_s, param));
            return;
        }
        if (entry.key().size() > kMaxMetadataKeyLength) {
            fail(validation(u"Metadata keys can have up to %1 characters. The key '%2' is too long."_s.arg(
                                QString::number(kMaxMetadataKeyLength), entry.key().left(60)),
                            param));
            return;
        }
        if (entry.text().size() > kMaxMetadataValueLength) {
            fail(validation(u"Metadata values can have up to %1 characters, but the value for key '%2' is longer."_s.arg(
                                QString::number(kMaxMetadataValueLength), entry.key()),
                            param));
            return;
        }
        if (entry.text().isEmpty())
            updated.remove(entry.key());
        else
            updated.insert(entry.key(), entry.text());
    }
    if (updated.size() > kMaxMetadataKeys) {
        fail(validation(u"You can have up to %1 metadata keys."_s.arg(kMaxMetadataKeys), name(path)));
        return;
    }
    target = updated;
}

} // namespace rdk::sandbox

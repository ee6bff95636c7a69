#include "sync/sandbox/paramschema.h"

#include "sync/sandbox/formparser.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {

ParamSchema::ParamSchema(const QStringList &patterns)
{
    for (const QString &pattern : patterns) {
        auto path = FormParser::splitName(pattern);
        Q_ASSERT(path.ok());
        if (path)
            m_patterns.append(*path);
    }
}

bool ParamSchema::segmentMatches(const QString &segment, const QString &pattern)
{
    if (pattern == u"#"_s)
        return !segment.isEmpty() && std::all_of(segment.cbegin(), segment.cend(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    if (pattern == u"*"_s)
        return !segment.isEmpty();
    return segment == pattern;
}

bool ParamSchema::matches(const QStringList &path, qsizetype length, bool exact) const
{
    for (const QStringList &pattern : m_patterns) {
        if (pattern.size() < length || (exact && pattern.size() != length))
            continue;
        bool ok = true;
        for (qsizetype i = 0; i < length && ok; ++i)
            ok = segmentMatches(path.at(i), pattern.at(i));
        if (ok)
            return true;
    }
    return false;
}

std::optional<StripeError> ParamSchema::check(const FormNode &params) const
{
    std::optional<StripeError> violation;
    params.forEachValue([&](const QStringList &path, const QString &text) {
        if (violation || matches(path, path.size(), true))
            return;
        if (matches(path, path.size(), false)) {
            // A value where a hash or array belongs. An empty one unsets it ("metadata="),
            // which Stripe allows; anything else is refused like Stripe does.
            if (text.isEmpty())
                return;
            StripeError e = StripeError::invalid(u"Invalid hash"_s, FormNode::pathName(path));
            for (const QStringList &pattern : m_patterns) {
                if (pattern.size() <= path.size() || pattern.at(path.size()) != u"#"_s)
                    continue;
                bool prefix = true;
                for (qsizetype i = 0; i < path.size() && prefix; ++i)
                    prefix = segmentMatches(path.at(i), pattern.at(i));
                if (prefix)
                    e.message = u"Invalid array"_s;
            }
            e.replayable = false;
            violation = e;
            return;
        }
        for (qsizetype length = 1; length <= path.size(); ++length) {
            if (!matches(path, length, false)) {
                violation = StripeError::parameterUnknown(FormNode::pathName(path.first(length)));
                return;
            }
        }
    });
    return violation;
}

} // namespace rdk::sandbox

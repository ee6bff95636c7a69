#pragma once

#include "sync/sandbox/formnode.h"
#include "sync/sandbox/stripeerror.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace rdk::sandbox {

/// The parameters one endpoint accepts, written the way Stripe documents them:
///   "line_items[#][price_data][product_data][name]", "metadata[*]"
/// `#` stands for an index, `*` for any key. Anything else sent is refused the way Stripe
/// refuses it ("Received unknown parameter: line_items[0][prise]"), so a typo in our client
/// fails in tests instead of being silently ignored.
class ParamSchema final {
public:
    explicit ParamSchema(const QStringList &patterns);

    /// The first violation in request order, or nullopt when every parameter is known.
    std::optional<StripeError> check(const FormNode &params) const;

private:
    bool matches(const QStringList &path, qsizetype length, bool exact) const;
    static bool segmentMatches(const QString &segment, const QString &pattern);

    QList<QStringList> m_patterns;
};

} // namespace rdk::sandbox

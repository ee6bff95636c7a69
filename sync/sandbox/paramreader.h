#pragma once

#include "sync/sandbox/formnode.h"
#include "sync/sandbox/stripeerror.h"
#include "sync/sandbox/stripeobjects.h"

#include <QStringList>

#include <optional>
#include <vector>

namespace rdk::sandbox {

/// Typed reads of request parameters with Stripe's error messages. Stripe reports one
/// problem per request, so the first failure sticks and later reads return nothing.
/// Optional parameters sent empty count as absent (Stripe's "unset" convention).
class ParamReader final {
public:
    explicit ParamReader(const FormNode &params) : m_params(params) {}

    bool failed() const { return m_error.has_value(); }
    const StripeError &error() const { return *m_error; }
    /// Records `error` unless an earlier one is already recorded.
    void fail(StripeError error);

    const FormNode *node(const QStringList &path) const { return m_params.at(path); }
    bool has(const QStringList &path) const { return node(path) != nullptr; }

    std::optional<QString> string(const QStringList &path, bool required = false, qsizetype maxLength = 5000);
    std::optional<qint64> integer(const QStringList &path, bool required, qint64 min, qint64 max);
    std::optional<bool> boolean(const QStringList &path);
    /// An absolute http(s) URL (Stripe: "Not a valid URL", code url_invalid).
    std::optional<QString> url(const QStringList &path, bool required);
    /// A lowercase ISO currency code; "USD" is accepted and lowered like Stripe does.
    std::optional<QString> currency(const QStringList &path, bool required);
    std::optional<QString> oneOf(const QStringList &path, const QStringList &allowed, bool required);
    /// The values of `path[0]`, `path[1]`... in index order.
    std::optional<QStringList> stringList(const QStringList &path, bool required);
    /// The children of an indexed list (`line_items[0]`, `line_items[1]`...) in index order.
    std::vector<const FormNode *> items(const QStringList &path, bool required, int maxItems);
    /// `metadata[*]` within Stripe's limits: 50 keys, keys up to 40 and values up to 500 characters.
    Metadata metadata(const QStringList &path);
    /// Applies a metadata update to `target` like Stripe: `metadata[k]=v` sets, `metadata[k]=`
    /// removes a key, `metadata=` removes them all.
    void updateMetadata(const QStringList &path, Metadata &target);

    static QString name(const QStringList &path) { return FormNode::pathName(path); }

private:
    const FormNode &m_params;
    std::optional<StripeError> m_error;
};

} // namespace rdk::sandbox

#pragma once

#include "domain/result.h"
#include "sync/sandbox/formnode.h"

#include <QByteArrayView>

namespace rdk::sandbox {

/// Decodes `application/x-www-form-urlencoded` bodies (and query strings) written with
/// Stripe's nested bracket syntax into a FormNode tree:
///   line_items[0][price_data][product_data][name]=Air+Max&metadata[order_id]=42
/// Strict on purpose, so client bugs surface here rather than as odd Stripe behaviour:
/// malformed percent escapes, invalid UTF-8, NUL bytes, unbalanced brackets, empty names,
/// a parameter sent twice or used both as a value and as a hash are errors. `a[]=x` appends
/// (as curl examples in Stripe's docs do for `expand[]`), but only in the last position.
/// Hostile input is bounded: at most kMaxParams pairs and kMaxDepth bracket levels.
class FormParser final {
public:
    static constexpr int kMaxParams = 1000;
    /// Bracket groups after the name; `line_items[0][price_data][product_data][images][0]`
    /// (5) is the deepest parameter we accept.
    static constexpr int kMaxDepth = 5;
    static constexpr int kMaxNameLength = 500;

    /// Error::invalid with `field` set to the parameter at fault when there is one.
    static Result<FormNode> parse(QByteArrayView body);

    /// Splits "a[b][c]" into {"a", "b", "c"}; an empty last group stays empty ("a[]" ->
    /// {"a", ""}). Error for anything that isn't name + bracket groups.
    static Result<QStringList> splitName(const QString &name);
};

} // namespace rdk::sandbox

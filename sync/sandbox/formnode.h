#pragma once

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace rdk::sandbox {

/// One node of a form body decoded with Stripe's bracket syntax: either a text value
/// (`mode=payment`) or a hash of named children (`metadata[order_id]=42`). Arrays are hashes
/// whose keys are indexes (`line_items[0][price]`), which is how Stripe itself reads them.
/// Children keep request order, so errors name the first offending parameter as sent.
class FormNode final {
public:
    enum class Kind { Value, Hash };

    /// An empty hash: the root of every parsed body.
    FormNode() = default;
    static FormNode value(QString key, QString text);
    static FormNode hash(QString key);

    Kind kind() const { return m_kind; }
    bool isValue() const { return m_kind == Kind::Value; }
    bool isHash() const { return m_kind == Kind::Hash; }
    const QString &key() const { return m_key; }
    /// The text of a value node (empty for hashes).
    const QString &text() const { return m_text; }
    const std::vector<FormNode> &children() const { return m_children; }
    bool isEmpty() const { return m_kind == Kind::Hash && m_children.empty(); }

    const FormNode *child(const QString &key) const;
    FormNode *child(const QString &key);
    /// The node at `path` below this one, or nullptr.
    const FormNode *at(const QStringList &path) const;
    /// The children ordered by index when every key is a decimal index, else nullopt.
    std::optional<std::vector<const FormNode *>> list() const;

    /// Appends a child; the caller makes sure the key is new.
    FormNode &add(FormNode node);

    /// Calls `visit` for every value below this node with its full path, in request order.
    void forEachValue(const std::function<void(const QStringList &path, const QString &text)> &visit) const;

    /// A stable, unambiguous text of all parameters, independent of their order: two
    /// requests with the same parameters have the same canonical form (idempotency).
    QString canonical() const;

    /// "line_items[0][price]" for {"line_items", "0", "price"}: how Stripe names a parameter.
    static QString pathName(const QStringList &path);

private:
    void visitValues(QStringList &path, const std::function<void(const QStringList &, const QString &)> &visit) const;

    QString m_key;
    Kind m_kind = Kind::Hash;
    QString m_text;
    std::vector<FormNode> m_children;
};

} // namespace rdk::sandbox

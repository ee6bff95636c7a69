#include "sync/sandbox/formnode.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {

FormNode FormNode::value(QString key, QString text)
{
    FormNode node;
    node.m_key = std::move(key);
    node.m_kind = Kind::Value;
    node.m_text = std::move(text);
    return node;
}

FormNode FormNode::hash(QString key)
{
    FormNode node;
    node.m_key = std::move(key);
    return node;
}

const FormNode *FormNode::child(const QString &key) const
{
    for (const FormNode &c : m_children) {
        if (c.m_key == key)
            return &c;
    }
    return nullptr;
}

FormNode *FormNode::child(const QString &key)
{
    for (FormNode &c : m_children) {
        if (c.m_key == key)
            return &c;
    }
    return nullptr;
}

const FormNode *FormNode::at(const QStringList &path) const
{
    const FormNode *node = this;
    for (const QString &segment : path) {
        node = node->child(segment);
        if (!node)
            return nullptr;
    }
    return node;
}

std::optional<std::vector<const FormNode *>> FormNode::list() const
{
    if (m_kind != Kind::Hash)
        return std::nullopt;
    std::vector<std::pair<qint64, const FormNode *>> indexed;
    indexed.reserve(m_children.size());
    for (const FormNode &c : m_children) {
        bool ok = false;
        const qint64 index = c.m_key.toLongLong(&ok);
        // Only plain decimal digits: "+1", " 1" or "1e2" are keys, not indexes.
        if (!ok || c.m_key.isEmpty() || c.m_key.size() > 9
            || !std::all_of(c.m_key.cbegin(), c.m_key.cend(), [](QChar ch) { return ch.isDigit() && ch.unicode() < 128; }))
            return std::nullopt;
        indexed.emplace_back(index, &c);
    }
    std::sort(indexed.begin(), indexed.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<const FormNode *> out;
    out.reserve(indexed.size());
    for (const auto &[index, node] : indexed)
        out.push_back(node);
    return out;
}

FormNode &FormNode::add(FormNode node)
{
    m_children.push_back(std::move(node));
    return m_children.back();
}

void FormNode::forEachValue(const std::function<void(const QStringList &, const QString &)> &visit) const
{
    QStringList path;
    visitValues(path, visit);
}

void FormNode::visitValues(QStringList &path, const std::function<void(const QStringList &, const QString &)> &visit) const
{
    for (const FormNode &c : m_children) {
        path.append(c.m_key);
        if (c.isValue())
            visit(path, c.m_text);
        else
            c.visitValues(path, visit);
        path.removeLast();
    }
}

QString FormNode::canonical() const
{
    QStringList entries;
    forEachValue([&entries](const QStringList &path, const QString &text) {
        const QString name = pathName(path);
        // Length-prefixed, so no choice of characters in names or values can make two
        // different parameter sets read the same.
        entries.append(u"%1:%2=%3:%4"_s.arg(QString::number(name.size()), name, QString::number(text.size()), text));
    });
    entries.sort();
    return entries.join(u'\n');
}

QString FormNode::pathName(const QStringList &path)
{
    if (path.isEmpty())
        return {};
    QString name = path.first();
    for (qsizetype i = 1; i < path.size(); ++i)
        name += u'[' + path.at(i) + u']';
    return name;
}

} // namespace rdk::sandbox

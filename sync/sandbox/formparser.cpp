#include "sync/sandbox/formparser.h"

#include <QStringDecoder>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {
namespace {

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

/// Percent-decodes one name or value ('+' is a space, as in every HTML form) and checks it
/// is valid UTF-8 without NUL bytes.
Result<QString> decodeComponent(QByteArrayView raw, const QString &what)
{
    QByteArray bytes;
    bytes.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw.at(i);
        if (c == '+') {
            bytes.append(' ');
        } else if (c == '%') {
            if (i + 2 >= raw.size())
                return Error::invalid(u"Malformed percent-encoding in %1."_s.arg(what));
            const int hi = hexValue(raw.at(i + 1));
            const int lo = hexValue(raw.at(i + 2));
            if (hi < 0 || lo < 0)
                return Error::invalid(u"Malformed percent-encoding in %1."_s.arg(what));
            bytes.append(char(hi * 16 + lo));
            i += 2;
        } else {
            bytes.append(c);
        }
    }
    if (bytes.contains('\0'))
        return Error::invalid(u"NUL byte in %1."_s.arg(what));
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return Error::invalid(u"Invalid UTF-8 in %1."_s.arg(what));
    return text;
}

} // namespace

Result<QStringList> FormParser::splitName(const QString &name)
{
    const qsizetype open = name.indexOf(u'[');
    const QString root = open < 0 ? name : name.left(open);
    if (root.isEmpty())
        return Error::invalid(u"Empty parameter name in '%1'."_s.arg(name.left(80)), name.left(80));
    if (root.contains(u']'))
        return Error::invalid(u"Unbalanced brackets in parameter '%1'."_s.arg(name.left(80)), name.left(80));
    QStringList path{root};
    qsizetype pos = open;
    while (pos >= 0 && pos < name.size()) {
        if (name.at(pos) != u'[')
            return Error::invalid(u"Unbalanced brackets in parameter '%1'."_s.arg(name.left(80)), name.left(80));
        const qsizetype close = name.indexOf(u']', pos + 1);
        if (close < 0)
            return Error::invalid(u"Unbalanced brackets in parameter '%1'."_s.arg(name.left(80)), name.left(80));
        const QString segment = name.mid(pos + 1, close - pos - 1);
        if (segment.contains(u'['))
            return Error::invalid(u"Unbalanced brackets in parameter '%1'."_s.arg(name.left(80)), name.left(80));
        path.append(segment);
        if (path.size() - 1 > kMaxDepth)
            return Error::invalid(u"Parameter '%1' is nested too deeply (at most %2 levels)."_s.arg(name.left(80), QString::number(kMaxDepth)),
                                  name.left(80));
        pos = close + 1;
    }
    for (qsizetype i = 1; i + 1 < path.size(); ++i) {
        if (path.at(i).isEmpty())
            return Error::invalid(u"Empty brackets may only end a parameter name ('%1'); use an index such as [0]."_s.arg(name.left(80)),
                                  name.left(80));
    }
    return path;
}

Result<FormNode> FormParser::parse(QByteArrayView body)
{
    FormNode root;
    if (body.isEmpty())
        return root;
    // Count before decoding anything, so 100k tiny pairs cost one scan and no allocations.
    if (body.count('&') + 1 > kMaxParams * 2) // generous for empty pairs; the exact count follows
        return Error::invalid(u"Too many parameters (at most %1)."_s.arg(kMaxParams));
    int pairs = 0;
    qsizetype start = 0;
    while (start <= body.size()) {
        qsizetype end = body.indexOf('&', start);
        if (end < 0)
            end = body.size();
        const QByteArrayView pair = body.sliced(start, end - start);
        start = end + 1;
        if (pair.isEmpty())
            continue; // "a=1&&b=2": browsers and curl produce these; harmless
        if (++pairs > kMaxParams)
            return Error::invalid(u"Too many parameters (at most %1)."_s.arg(kMaxParams));
        const qsizetype eq = pair.indexOf('=');
        const QByteArrayView rawName = eq < 0 ? pair : pair.first(eq);
        const QByteArrayView rawValue = eq < 0 ? QByteArrayView() : pair.sliced(eq + 1);
        if (rawName.size() > kMaxNameLength * 3)
            return Error::invalid(u"Parameter name longer than %1 characters."_s.arg(kMaxNameLength));
        auto name = decodeComponent(rawName, u"a parameter name"_s);
        if (!name)
            return name.error();
        if (name->size() > kMaxNameLength)
            return Error::invalid(u"Parameter name longer than %1 characters."_s.arg(kMaxNameLength));
        auto value = decodeComponent(rawValue, u"the value of '%1'"_s.arg(name->left(80)));
        if (!value)
            return Error::invalid(value.error().message, *name);
        auto path = splitName(*name);
        if (!path)
            return path.error();

        FormNode *node = &root;
        for (qsizetype i = 0; i + 1 < path->size(); ++i) {
            const QString &segment = path->at(i);
            FormNode *next = node->child(segment);
            if (!next) {
                next = &node->add(FormNode::hash(segment));
            } else if (next->isValue()) {
                const QString prefix = FormNode::pathName(path->first(i + 1));
                return Error::invalid(u"Parameter '%1' is sent both as a value and as a hash."_s.arg(prefix), prefix);
            }
            node = next;
        }
        QString leaf = path->last();
        if (leaf.isEmpty()) // "expand[]=x": the next index
            leaf = QString::number(node->children().size());
        if (const FormNode *existing = node->child(leaf)) {
            QStringList fullPath = path->first(path->size() - 1);
            fullPath.append(leaf);
            const QString full = FormNode::pathName(fullPath);
            if (existing->isHash())
                return Error::invalid(u"Parameter '%1' is sent both as a value and as a hash."_s.arg(full), full);
            return Error::invalid(u"Parameter '%1' is sent more than once."_s.arg(full), full);
        }
        node->add(FormNode::value(leaf, *value));
    }
    return root;
}

} // namespace rdk::sandbox

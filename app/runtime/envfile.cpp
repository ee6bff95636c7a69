#include "app/runtime/envfile.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr qsizetype kMaxLineLength = 16 * 1024;

bool unquote(QString &value, QString &error)
{
    if (value.isEmpty())
        return true;
    const QChar quote = value.front();
    if (quote != u'"' && quote != u'\'') {
        const qsizetype comment = value.indexOf(u" #"_s);
        if (comment >= 0)
            value.truncate(comment);
        value = value.trimmed();
        return true;
    }
    if (value.size() < 2 || value.back() != quote) {
        error = u"unterminated quoted value"_s;
        return false;
    }
    QString inner = value.mid(1, value.size() - 2);
    if (quote == u'\'') {
        value = inner;
        return true;
    }
    QString out;
    for (qsizetype i = 0; i < inner.size(); ++i) {
        if (inner[i] != u'\\' || i + 1 == inner.size()) {
            out.append(inner[i]);
            continue;
        }
        const QChar next = inner[++i];
        out.append(next == u'n' ? QChar(u'\n') : next);
    }
    value = out;
    return true;
}

} // namespace

EnvFile parseEnvFile(const QByteArray &content)
{
    static const QRegularExpression keyPattern(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    EnvFile file;
    if (content.contains('\0')) {
        file.errors.append(u"the file contains NUL bytes; is it a text file?"_s);
        return file;
    }
    const QStringList lines = QString::fromUtf8(content).split(u'\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        QString line = lines[n];
        if (line.endsWith(u'\r'))
            line.chop(1);
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(u'#'))
            continue;
        const QString where = u"line %1: "_s.arg(n + 1);
        if (line.size() > kMaxLineLength) {
            file.errors.append(where + u"longer than 16 KiB"_s);
            continue;
        }
        QString body = trimmed.startsWith(u"export "_s) ? trimmed.mid(7).trimmed() : trimmed;
        const qsizetype eq = body.indexOf(u'=');
        if (eq <= 0) {
            file.errors.append(where + u"expected KEY=VALUE"_s);
            continue;
        }
        const QString key = body.left(eq).trimmed();
        if (!keyPattern.match(key).hasMatch()) {
            file.errors.append(where + u"'%1' is not a valid variable name"_s.arg(key.left(40)));
            continue;
        }
        QString value = body.mid(eq + 1).trimmed();
        QString error;
        if (!unquote(value, error)) {
            file.errors.append(where + key + u": "_s + error);
            continue;
        }
        file.values.insert(key, value);
    }
    return file;
}

} // namespace rdk

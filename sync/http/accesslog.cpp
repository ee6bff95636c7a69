#include "sync/http/accesslog.h"

#include "domain/logcontext.h"

#include <algorithm>
#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(rdk::sync::lcAccess, "rdk.sync.access")

namespace rdk::sync {

namespace {

constexpr qsizetype maxFieldChars = 200;

// Printable and short: control characters become '?' so a crafted path or user agent can't end
// the line and forge another one in a text log.
QString clean(QByteArrayView raw)
{
    QString text = QString::fromUtf8(raw.first(std::min<qsizetype>(raw.size(), maxFieldChars * 4)));
    if (text.size() > maxFieldChars)
        text.truncate(maxFieldChars);
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            c = u'?';
    }
    return text;
}

QString loggedPath(const AccessLogEntry &entry)
{
    QByteArrayView target = entry.target;
    const qsizetype query = target.indexOf('?');
    if (entry.privateRoute && query >= 0)
        target = target.first(query);
    // The fragment never reaches a server, but a hand-written request may carry one anyway.
    if (const qsizetype fragment = target.indexOf('#'); entry.privateRoute && fragment >= 0)
        target = target.first(fragment);
    return clean(target);
}

} // namespace

QList<QPair<QString, QString>> accessLogFields(const AccessLogEntry &entry)
{
    QList<QPair<QString, QString>> fields = {
        {u"request_id"_s, clean(entry.requestId)},
        {u"method"_s, clean(entry.method.left(16))},
        {u"route"_s, entry.route.isEmpty() ? u"unmatched"_s : entry.route.left(maxFieldChars)},
        {u"path"_s, loggedPath(entry)},
        {u"status"_s, QString::number(entry.status)},
        {u"duration_ms"_s, QString::number(entry.durationMs, 'f', 3)},
        {u"bytes"_s, QString::number(entry.bytes)},
        {u"client"_s, entry.client.isNull() ? u"-"_s : entry.client.toString()},
        {u"user_agent"_s, clean(entry.userAgent)},
    };
    if (entry.loop >= 0)
        fields.append({u"loop"_s, QString::number(entry.loop)});
    return fields;
}

QString accessLogMessage(const AccessLogEntry &entry)
{
    // One multi-arg call: chained arg() would expand a "%3" that the client put in its path.
    return u"%1 %2 %3 %4 ms %5 B"_s.arg(clean(entry.method.left(16)), loggedPath(entry), QString::number(entry.status),
                                         QString::number(entry.durationMs, 'f', 1), QString::number(entry.bytes));
}

void logAccess(const AccessLogEntry &entry)
{
    if (!lcAccess().isInfoEnabled())
        return;
    const LogFields &existing = threadLogFields();
    std::vector<std::unique_ptr<ScopedLogField>> scoped;
    for (const auto &[key, value] : accessLogFields(entry)) {
        if (existing.contains(qMakePair(key, value)))
            continue;
        scoped.push_back(std::make_unique<ScopedLogField>(key, value));
    }
    qCInfo(lcAccess).noquote() << accessLogMessage(entry);
}

} // namespace rdk::sync

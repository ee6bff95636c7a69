#include "app/runtime/logging.h"

#include "app/runtime/crashreport.h"
#include "app/runtime/version.h"
#include "domain/logcontext.h"

#include <QDateTime>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

struct LogState {
    QString component;
    bool json = true;
    std::shared_ptr<spdlog::logger> logger;
};

LogState &state()
{
    static LogState s;
    return s;
}

QString jsonString(const QString &text)
{
    QString out;
    out.reserve(text.size() + 2);
    out.append(u'"');
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '"': out.append(u"\\\""_s); break;
        case '\\': out.append(u"\\\\"_s); break;
        case '\n': out.append(u"\\n"_s); break;
        case '\r': out.append(u"\\r"_s); break;
        case '\t': out.append(u"\\t"_s); break;
        default:
            if (c.unicode() < 0x20)
                out.append(u"\\u%1"_s.arg(c.unicode(), 4, 16, QLatin1Char('0')));
            else
                out.append(c);
        }
    }
    out.append(u'"');
    return out;
}

spdlog::level::level_enum spdLevel(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return spdlog::level::debug;
    case QtInfoMsg: return spdlog::level::info;
    case QtWarningMsg: return spdlog::level::warn;
    case QtCriticalMsg: return spdlog::level::err;
    case QtFatalMsg: return spdlog::level::critical;
    }
    return spdlog::level::info;
}

void handleQtMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    LogState &s = state();
    const auto level = spdLevel(type);
    if (!s.logger || !s.logger->should_log(level))
        return;
    const QString category = context.category ? QString::fromLatin1(context.category) : QString();
    const QString levelName = QString::fromLatin1(spdlog::level::to_string_view(level).data());
    const QString ts = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    QString line;
    if (s.json) {
        line = formatJsonLogLine(ts, levelName, message, s.component, category);
    } else {
        line = u"%1 %2 [%3] %4"_s.arg(ts, levelName.leftJustified(5), category, message);
        for (const auto &[key, value] : std::as_const(threadLogFields()))
            line += u" %1=%2"_s.arg(key, value);
    }
    const std::string utf8 = line.toStdString();
    rememberLogLine(QByteArrayView(utf8.data(), qsizetype(utf8.size())));   // for a crash report
    s.logger->log(level, "{}", utf8);
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

QString formatJsonLogLine(const QString &timestamp, const QString &level, const QString &message,
                          const QString &component, const QString &category)
{
    QString line = u"{\"ts\":%1,\"level\":%2,\"msg\":%3,\"release\":%4,\"component\":%5"_s.arg(
        jsonString(timestamp), jsonString(level), jsonString(message), jsonString(QString::fromLatin1(releaseString())),
        jsonString(component));
    if (!category.isEmpty() && category != u"default"_s)
        line += u",\"category\":"_s + jsonString(category);
    for (const auto &[key, value] : std::as_const(threadLogFields()))
        line += u","_s + jsonString(key) + u":"_s + jsonString(value);
    line += u'}';
    return line;
}

void installLogging(const QString &component, const LogSettings &settings)
{
    LogState &s = state();
    s.component = component;
    s.json = settings.format == LogFormat::Json;
    s.logger = spdlog::stderr_logger_mt("rdk");
    s.logger->set_pattern("%v");
    s.logger->set_level(spdlog::level::from_str(settings.level.toStdString()));
    s.logger->flush_on(spdlog::level::info);
    qInstallMessageHandler(handleQtMessage);
}

} // namespace rdk

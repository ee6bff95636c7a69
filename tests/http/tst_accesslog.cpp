// One access line per request on rdk.sync.access, fields through the thread's log context;
// private queries, long user agents and control characters never reach the log.
#include "sync/http/accesslog.h"

#include "domain/logcontext.h"

#include <QLoggingCategory>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::AccessLogEntry;

namespace {

struct Captured final {
    QtMsgType type = QtDebugMsg;
    QString category;
    QString message;
    rdk::LogFields fields;
};

QList<Captured> g_captured;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_captured.append({type, QString::fromLatin1(context.category), message, rdk::threadLogFields()});
}

AccessLogEntry sampleEntry()
{
    AccessLogEntry entry;
    entry.requestId = "9f2c4e1a"_ba;
    entry.method = "GET"_ba;
    entry.route = u"/api/products/<arg>"_s;
    entry.target = "/api/products/42?utm_source=mail"_ba;
    entry.status = 200;
    entry.durationMs = 3.26;
    entry.bytes = 512;
    entry.client = QHostAddress(u"203.0.113.7"_s);
    entry.userAgent = "Mozilla/5.0 (X11; Linux x86_64)"_ba;
    return entry;
}

QString field(const rdk::LogFields &fields, const QString &key)
{
    for (const auto &[k, v] : fields) {
        if (k == key)
            return v;
    }
    return u"<missing>"_s;
}

} // namespace

class TstAccessLog final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void logAccess_oneInfoLineWithFields();
    void logAccess_requestIdAlreadyOnThread_notDuplicated();
    void logAccess_categoryOff_logsNothing();
    void path_queryKeptOnlyForPublicRoutes_data();
    void path_queryKeptOnlyForPublicRoutes();
    void userAgent_truncatedTo200();
    void fields_controlCharacters_replaced_data();
    void fields_controlCharacters_replaced();
    void message_percentInPath_notExpanded();
    void fields_missingValues_haveDefaults();

private:
    QtMessageHandler m_previous = nullptr;
};

void TstAccessLog::init()
{
    g_captured.clear();
    m_previous = qInstallMessageHandler(capture);
}

void TstAccessLog::cleanup()
{
    qInstallMessageHandler(m_previous);
    QLoggingCategory::setFilterRules(QString());
}

void TstAccessLog::logAccess_oneInfoLineWithFields()
{
    rdk::sync::logAccess(sampleEntry());
    QCOMPARE(g_captured.size(), 1);
    const Captured &line = g_captured.first();
    QCOMPARE(line.type, QtInfoMsg);
    QCOMPARE(line.category, u"rdk.sync.access"_s);
    QCOMPARE(line.message, u"GET /api/products/42?utm_source=mail 200 3.3 ms 512 B"_s);
    const rdk::LogFields expected = {
        {u"request_id"_s, u"9f2c4e1a"_s}, {u"method"_s, u"GET"_s}, {u"route"_s, u"/api/products/<arg>"_s},
        {u"path"_s, u"/api/products/42?utm_source=mail"_s}, {u"status"_s, u"200"_s},
        {u"duration_ms"_s, u"3.260"_s}, {u"bytes"_s, u"512"_s}, {u"client"_s, u"203.0.113.7"_s},
        {u"user_agent"_s, u"Mozilla/5.0 (X11; Linux x86_64)"_s},
    };
    QCOMPARE(line.fields, expected);
    QVERIFY(rdk::threadLogFields().isEmpty());   // scoped: nothing leaks into later lines
}

void TstAccessLog::logAccess_requestIdAlreadyOnThread_notDuplicated()
{
    {
        const rdk::ScopedLogField requestId(u"request_id"_s, u"9f2c4e1a"_s);
        rdk::sync::logAccess(sampleEntry());
        QCOMPARE(rdk::threadLogFields().size(), 1);
    }
    QCOMPARE(g_captured.size(), 1);
    const rdk::LogFields &fields = g_captured.first().fields;
    QCOMPARE(std::count_if(fields.cbegin(), fields.cend(), [](const auto &f) { return f.first == u"request_id"_s; }), 1);
    QCOMPARE(fields.size(), 9);
}

void TstAccessLog::logAccess_categoryOff_logsNothing()
{
    QLoggingCategory::setFilterRules(u"rdk.sync.access.info=false"_s);
    rdk::sync::logAccess(sampleEntry());
    QVERIFY(g_captured.isEmpty());
}

void TstAccessLog::path_queryKeptOnlyForPublicRoutes_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<bool>("privateRoute");
    QTest::addColumn<QString>("expected");
    QTest::addRow("public keeps query") << "/products?page=2"_ba << false << u"/products?page=2"_s;
    QTest::addRow("private drops query") << "/orders/7?token=s3cr3t&email=a@b.c"_ba << true << u"/orders/7"_s;
    QTest::addRow("private drops fragment") << "/account#token=x"_ba << true << u"/account"_s;
    QTest::addRow("private without query") << "/api/checkout"_ba << true << u"/api/checkout"_s;
    QTest::addRow("private empty query") << "/cart?"_ba << true << u"/cart"_s;
}

void TstAccessLog::path_queryKeptOnlyForPublicRoutes()
{
    QFETCH(QByteArray, target);
    QFETCH(bool, privateRoute);
    QFETCH(QString, expected);
    AccessLogEntry entry = sampleEntry();
    entry.target = target;
    entry.privateRoute = privateRoute;
    QCOMPARE(field(rdk::sync::accessLogFields(entry), u"path"_s), expected);
    QVERIFY(rdk::sync::accessLogMessage(entry).contains(u' ' + expected + u' '));
    if (privateRoute)
        QVERIFY(!rdk::sync::accessLogMessage(entry).contains(u"token"_s));
}

void TstAccessLog::userAgent_truncatedTo200()
{
    AccessLogEntry entry = sampleEntry();
    entry.userAgent = QByteArray(100'000, 'A');
    QCOMPARE(field(rdk::sync::accessLogFields(entry), u"user_agent"_s), QString(200, u'A'));
    entry.userAgent = QByteArray(300, 'x') + "\xc3\xa9";
    QCOMPARE(field(rdk::sync::accessLogFields(entry), u"user_agent"_s).size(), 200);
    entry.target = "/" + QByteArray(5'000, 'p');
    QCOMPARE(field(rdk::sync::accessLogFields(entry), u"path"_s).size(), 200);
}

void TstAccessLog::fields_controlCharacters_replaced_data()
{
    QTest::addColumn<QByteArray>("userAgent");
    QTest::addColumn<QString>("expected");
    QTest::addRow("forged newline") << "curl\n2024-01-01 INFO fake line"_ba << u"curl?2024-01-01 INFO fake line"_s;
    QTest::addRow("carriage return") << "a\rb"_ba << u"a?b"_s;
    QTest::addRow("escape sequence") << "a\x1b[31mred"_ba << u"a?[31mred"_s;
    QTest::addRow("unicode line separator") << "a\xe2\x80\xa8" "b"_ba << u"a?b"_s;
    QTest::addRow("plain unicode kept") << "Caf\xc3\xa9" "Browser/1"_ba << u"Caf\u00e9Browser/1"_s;
}

void TstAccessLog::fields_controlCharacters_replaced()
{
    QFETCH(QByteArray, userAgent);
    QFETCH(QString, expected);
    AccessLogEntry entry = sampleEntry();
    entry.userAgent = userAgent;
    entry.target = "/x" + userAgent;
    const rdk::LogFields fields = rdk::sync::accessLogFields(entry);
    QCOMPARE(field(fields, u"user_agent"_s), expected);
    QCOMPARE(field(fields, u"path"_s), u"/x"_s + expected);
    QVERIFY(!rdk::sync::accessLogMessage(entry).contains(u'\n'));
}

void TstAccessLog::message_percentInPath_notExpanded()
{
    AccessLogEntry entry = sampleEntry();
    entry.target = "/search?q=%1%2%3%4%5"_ba;
    QCOMPARE(rdk::sync::accessLogMessage(entry), u"GET /search?q=%1%2%3%4%5 200 3.3 ms 512 B"_s);
}

void TstAccessLog::fields_missingValues_haveDefaults()
{
    const rdk::LogFields fields = rdk::sync::accessLogFields(AccessLogEntry{});
    QCOMPARE(field(fields, u"route"_s), u"unmatched"_s);
    QCOMPARE(field(fields, u"client"_s), u"-"_s);
    QCOMPARE(field(fields, u"status"_s), u"0"_s);
    QCOMPARE(fields.size(), 9);
}

QTEST_GUILESS_MAIN(TstAccessLog)
#include "tst_accesslog.moc"

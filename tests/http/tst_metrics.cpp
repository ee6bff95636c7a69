// The Prometheus registry behind /metrics: text format 0.0.4 that parses, stable ordering,
// escaping of hostile label values, bounded cardinality, thread safety.
#include "sync/http/metrics.h"

#include <QRegularExpression>
#include <QTest>

#include <algorithm>
#include <thread>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::MetricsRegistry;

namespace {

// One line of the text exposition format 0.0.4: a HELP/TYPE comment or a sample.
const QRegularExpression &lineFormat()
{
    static const QRegularExpression format(
        uR"(^(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*)"
        uR"(|# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))"
        uR"(|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")"
        uR"((,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})?)"
        uR"( (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|[-+]Inf))$)"_s);
    return format;
}

// Every line well-formed, text ends with a newline, each metric's HELP and TYPE come before its
// samples and only once.
QString formatProblem(const QByteArray &text)
{
    if (!text.endsWith('\n'))
        return u"no final newline"_s;
    QStringList typed;
    const QList<QByteArray> lines = text.chopped(1).split('\n');
    for (const QByteArray &line : lines) {
        const QString l = QString::fromUtf8(line);
        if (!lineFormat().match(l).hasMatch())
            return u"bad line: "_s + l;
        if (l.startsWith(u"# TYPE "_s)) {
            const QString name = l.section(u' ', 2, 2);
            if (typed.contains(name))
                return u"TYPE twice: "_s + name;
            typed.append(name);
        } else if (!l.startsWith(u'#')) {
            const QString name = l.section(QRegularExpression(u"[{ ]"_s), 0, 0);
            const bool known = std::any_of(typed.cbegin(), typed.cend(), [&name](const QString &base) {
                return name == base || name == base + u"_bucket"_s || name == base + u"_sum"_s || name == base + u"_count"_s;
            });
            if (!known)
                return u"sample before its TYPE: "_s + l;
        }
    }
    return {};
}

QByteArrayList samples(const QByteArray &text, const QByteArray &prefix)
{
    QByteArrayList found;
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(prefix))
            found.append(line);
    }
    return found;
}

} // namespace

class TstMetrics final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void render_fresh_parsesAndDeclaresStandardMetrics();
    void render_afterTraffic_parses();
    void render_orderIsStable();
    void observeRequest_countsAndTimes();
    void observeRequest_unknownMethodOrStatus_isOther_data();
    void observeRequest_unknownMethodOrStatus_isOther();
    void histogram_bucketsCumulative();
    void labelValues_hostile_escaped_data();
    void labelValues_hostile_escaped();
    void labelValues_invalidUtf8AndHuge_sanitized();
    void help_newlineAndBackslash_escaped();
    void cardinality_overflowIntoOther();
    void declare_invalid_refused_data();
    void declare_invalid_refused();
    void update_invalid_refused();
    void gauge_setAndAdd();
    void webhookAndCache_counted();
    void concurrentUpdates_totalsConsistent();
};

void TstMetrics::render_fresh_parsesAndDeclaresStandardMetrics()
{
    const MetricsRegistry registry;
    const QByteArray text = registry.render();
    QCOMPARE(formatProblem(text), QString());
    for (const QByteArray &line : {"# TYPE rdk_http_requests_total counter"_ba,
                                   "# TYPE rdk_http_request_duration_seconds histogram"_ba,
                                   "# TYPE rdk_webhook_events_total counter"_ba,
                                   "# TYPE rdk_webhook_batch_events histogram"_ba,
                                   "# TYPE rdk_cache_hits_total counter"_ba,
                                   "# TYPE rdk_cache_misses_total counter"_ba,
                                   "# TYPE rdk_cache_invalidations_total counter"_ba,
                                   "rdk_cache_hits_total 0"_ba, "rdk_cache_misses_total 0"_ba})
        QVERIFY2(text.split('\n').contains(line), line.constData());
}

void TstMetrics::render_afterTraffic_parses()
{
    MetricsRegistry registry;
    registry.observeRequest(u"/api/products"_s, "GET", 200, 0.0042);
    registry.observeRequest(u"/api/checkout"_s, "POST", 303, 0.31);
    registry.observeRequest(u"unmatched"_s, "GET", 404, 0.0001);
    registry.observeRequest(u"/media/<arg>"_s, "GET", 200, 7.5);
    registry.countWebhookEvent("processed");
    registry.countCacheHit();
    registry.countCacheInvalidation("product_changed");
    QVERIFY(registry.addGauge("rdk_http_in_flight"_ba, "Requests being answered."_ba));
    QVERIFY(registry.setGauge("rdk_http_in_flight"_ba, {}, -0.5));
    QCOMPARE(formatProblem(registry.render()), QString());
}

void TstMetrics::render_orderIsStable()
{
    MetricsRegistry first;
    MetricsRegistry second;
    first.observeRequest(u"/b"_s, "GET", 200, 0.1);
    first.observeRequest(u"/a"_s, "POST", 201, 0.2);
    second.observeRequest(u"/a"_s, "POST", 201, 0.2);
    second.observeRequest(u"/b"_s, "GET", 200, 0.1);
    QCOMPARE(first.render(), second.render());
    const QByteArray text = first.render();
    QVERIFY(text.indexOf("route=\"/a\"") < text.indexOf("route=\"/b\""));
    QVERIFY(text.indexOf("# HELP rdk_cache_hits_total") < text.indexOf("# HELP rdk_http_requests_total"));
}

void TstMetrics::observeRequest_countsAndTimes()
{
    MetricsRegistry registry;
    for (int i = 0; i < 3; ++i)
        registry.observeRequest(u"/api/products/<arg>"_s, "GET", 200, 0.002);
    registry.observeRequest(u"/api/products/<arg>"_s, "GET", 404, 0.001);
    const QByteArray text = registry.render();
    QCOMPARE(samples(text, "rdk_http_requests_total{"_ba),
             (QByteArrayList{"rdk_http_requests_total{route=\"/api/products/<arg>\",method=\"GET\",status=\"200\"} 3"_ba,
                             "rdk_http_requests_total{route=\"/api/products/<arg>\",method=\"GET\",status=\"404\"} 1"_ba}));
    QCOMPARE(samples(text, "rdk_http_request_duration_seconds_count"_ba),
             QByteArrayList{"rdk_http_request_duration_seconds_count{route=\"/api/products/<arg>\"} 4"_ba});
    QCOMPARE(samples(text, "rdk_http_request_duration_seconds_sum"_ba),
             QByteArrayList{"rdk_http_request_duration_seconds_sum{route=\"/api/products/<arg>\"} 0.007"_ba});
}

void TstMetrics::observeRequest_unknownMethodOrStatus_isOther_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("invented method") << "BREW"_ba << 200 << "method=\"other\",status=\"200\""_ba;
    QTest::addRow("lowercase method") << "get"_ba << 200 << "method=\"other\",status=\"200\""_ba;
    QTest::addRow("status zero") << "GET"_ba << 0 << "method=\"GET\",status=\"other\""_ba;
    QTest::addRow("status too big") << "GET"_ba << 1000 << "method=\"GET\",status=\"other\""_ba;
    QTest::addRow("ordinary") << "DELETE"_ba << 204 << "method=\"DELETE\",status=\"204\""_ba;
}

void TstMetrics::observeRequest_unknownMethodOrStatus_isOther()
{
    QFETCH(QByteArray, method);
    QFETCH(int, status);
    QFETCH(QByteArray, expected);
    MetricsRegistry registry;
    registry.observeRequest(u"/x"_s, method, status, 0.01);
    QCOMPARE(samples(registry.render(), "rdk_http_requests_total{"_ba),
             QByteArrayList{"rdk_http_requests_total{route=\"/x\"," + expected + "} 1"});
}

void TstMetrics::histogram_bucketsCumulative()
{
    MetricsRegistry registry;
    QVERIFY(registry.addHistogram("t_seconds"_ba, "t"_ba, {}, {0.1, 1.0, 2.5}));
    for (const double v : {0.05, 0.1, 0.5, 2.0, 10.0})
        QVERIFY(registry.observe("t_seconds"_ba, {}, v));
    QCOMPARE(samples(registry.render(), "t_seconds"_ba),
             (QByteArrayList{"t_seconds_bucket{le=\"0.1\"} 2"_ba, "t_seconds_bucket{le=\"1\"} 3"_ba,
                             "t_seconds_bucket{le=\"2.5\"} 4"_ba, "t_seconds_bucket{le=\"+Inf\"} 5"_ba,
                             "t_seconds_sum 12.65"_ba, "t_seconds_count 5"_ba}));
    // The standard latency buckets render as plain decimals.
    registry.observeRequest(u"/x"_s, "GET", 200, 0.0003);
    const QByteArrayList latency = samples(registry.render(), "rdk_http_request_duration_seconds_bucket"_ba);
    QCOMPARE(latency.size(), 14);
    QCOMPARE(latency.first(), "rdk_http_request_duration_seconds_bucket{route=\"/x\",le=\"0.0005\"} 1"_ba);
    QCOMPARE(latency.at(12), "rdk_http_request_duration_seconds_bucket{route=\"/x\",le=\"5\"} 1"_ba);
}

void TstMetrics::labelValues_hostile_escaped_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("rendered");
    QTest::addRow("quote closes label") << R"(a"} 1e9)"_ba << R"(a\"} 1e9)"_ba;
    QTest::addRow("newline forges sample") << "a\nrdk_cache_hits_total 999"_ba << R"(a\nrdk_cache_hits_total 999)"_ba;
    QTest::addRow("backslash") << R"(C:\temp\)"_ba << R"(C:\\temp\\)"_ba;
    QTest::addRow("backslash then quote") << R"(\")"_ba << R"(\\\")"_ba;
    QTest::addRow("unicode kept") << "caf\xc3\xa9"_ba << "caf\xc3\xa9"_ba;
    QTest::addRow("empty") << QByteArray() << QByteArray();
}

void TstMetrics::labelValues_hostile_escaped()
{
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, rendered);
    MetricsRegistry registry;
    QVERIFY(registry.increment("rdk_cache_invalidations_total"_ba, {value}));
    const QByteArray text = registry.render();
    QCOMPARE(formatProblem(text), QString());
    QCOMPARE(samples(text, "rdk_cache_invalidations_total{"_ba),
             QByteArrayList{"rdk_cache_invalidations_total{reason=\"" + rendered + "\"} 1"});
    QCOMPARE(samples(text, "rdk_cache_hits_total"_ba), QByteArrayList{"rdk_cache_hits_total 0"_ba});
}

void TstMetrics::labelValues_invalidUtf8AndHuge_sanitized()
{
    MetricsRegistry registry;
    QVERIFY(registry.increment("rdk_cache_invalidations_total"_ba, {"bad\xff\xfe"_ba}));
    QVERIFY(registry.increment("rdk_cache_invalidations_total"_ba, {QByteArray(100'000, 'x')}));
    const QByteArray text = registry.render();
    QCOMPARE(formatProblem(text), QString());
    QVERIFY(QByteArrayView(text).isValidUtf8());
    QVERIFY(text.contains("reason=\"bad\xef\xbf\xbd\xef\xbf\xbd\"} 1"));
    QVERIFY(text.contains("reason=\"" + QByteArray(128, 'x') + "\"} 1"));
    QVERIFY(text.size() < 4096);
}

void TstMetrics::help_newlineAndBackslash_escaped()
{
    MetricsRegistry registry;
    QVERIFY(registry.addCounter("x_total"_ba, "line one\nline \\two"_ba));
    const QByteArray text = registry.render();
    QCOMPARE(formatProblem(text), QString());
    QVERIFY(text.contains("# HELP x_total line one\\nline \\\\two\n"));
}

void TstMetrics::cardinality_overflowIntoOther()
{
    MetricsRegistry registry(50);
    // A router bug passing raw paths: every request a new "route".
    for (int i = 0; i < 5'000; ++i)
        registry.observeRequest(u"/products/%1?ref=%2"_s.arg(i).arg(i * 7), "GET", 200, 0.001);
    const QByteArray text = registry.render();
    QCOMPARE(formatProblem(text), QString());
    const QByteArrayList counted = samples(text, "rdk_http_requests_total{"_ba);
    QCOMPARE(counted.size(), 51);
    QVERIFY(counted.contains("rdk_http_requests_total{route=\"other\",method=\"other\",status=\"other\"} 4950"_ba));
    QCOMPARE(samples(text, "rdk_http_request_duration_seconds_count"_ba).size(), 51);
    QVERIFY(text.contains("rdk_http_request_duration_seconds_count{route=\"other\"} 4950\n"));
    // Known series keep counting after the cap.
    registry.observeRequest(u"/products/0?ref=0"_s, "GET", 200, 0.001);
    QVERIFY(registry.render().contains("route=\"/products/0?ref=0\",method=\"GET\",status=\"200\"} 2\n"));
}

void TstMetrics::declare_invalid_refused_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArrayList>("labels");
    QTest::addColumn<bool>("histogram");
    QTest::addColumn<QList<double>>("buckets");
    QTest::addRow("name with dash") << "bad-name"_ba << QByteArrayList() << false << QList<double>();
    QTest::addRow("name starts with digit") << "1abc"_ba << QByteArrayList() << false << QList<double>();
    QTest::addRow("empty name") << QByteArray() << QByteArrayList() << false << QList<double>();
    QTest::addRow("name taken") << "rdk_cache_hits_total"_ba << QByteArrayList() << false << QList<double>();
    QTest::addRow("label with colon") << "ok_total"_ba << QByteArrayList{"a:b"_ba} << false << QList<double>();
    QTest::addRow("reserved label") << "ok_total"_ba << QByteArrayList{"__name__"_ba} << false << QList<double>();
    QTest::addRow("label le") << "ok_total"_ba << QByteArrayList{"le"_ba} << false << QList<double>();
    QTest::addRow("duplicate label") << "ok_total"_ba << QByteArrayList{"a"_ba, "a"_ba} << false << QList<double>();
    QTest::addRow("no buckets") << "ok_seconds"_ba << QByteArrayList() << true << QList<double>();
    QTest::addRow("buckets not increasing") << "ok_seconds"_ba << QByteArrayList() << true << QList<double>{1.0, 1.0};
    QTest::addRow("infinite bucket") << "ok_seconds"_ba << QByteArrayList() << true << QList<double>{qInf()};
}

void TstMetrics::declare_invalid_refused()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArrayList, labels);
    QFETCH(bool, histogram);
    QFETCH(QList<double>, buckets);
    MetricsRegistry registry;
    const QByteArray before = registry.render();
    const bool added = histogram ? registry.addHistogram(name, "h"_ba, labels, buckets)
                                 : registry.addCounter(name, "h"_ba, labels);
    QVERIFY(!added);
    QCOMPARE(registry.render(), before);
}

void TstMetrics::update_invalid_refused()
{
    MetricsRegistry registry;
    QVERIFY(!registry.increment("nope_total"_ba));
    QVERIFY(!registry.increment("rdk_cache_hits_total"_ba, {}, -1.0));
    QVERIFY(!registry.increment("rdk_cache_hits_total"_ba, {}, qQNaN()));
    QVERIFY(!registry.increment("rdk_cache_hits_total"_ba, {"extra"_ba}));
    QVERIFY(!registry.increment("rdk_webhook_events_total"_ba, {}));
    QVERIFY(!registry.observe("rdk_cache_hits_total"_ba, {}, 1.0));
    QVERIFY(!registry.observe("rdk_http_request_duration_seconds"_ba, {"/x"_ba}, qQNaN()));
    QVERIFY(!registry.setGauge("rdk_cache_hits_total"_ba, {}, 1.0));
    QVERIFY(samples(registry.render(), "rdk_cache_hits_total "_ba) == QByteArrayList{"rdk_cache_hits_total 0"_ba});
}

void TstMetrics::gauge_setAndAdd()
{
    MetricsRegistry registry;
    QVERIFY(registry.addGauge("pool_connections"_ba, "Open database connections."_ba, {"state"_ba}));
    QVERIFY(registry.setGauge("pool_connections"_ba, {"idle"_ba}, 4));
    QVERIFY(registry.addToGauge("pool_connections"_ba, {"idle"_ba}, -1.5));
    QVERIFY(registry.addToGauge("pool_connections"_ba, {"busy"_ba}, 2));
    QCOMPARE(samples(registry.render(), "pool_connections{"_ba),
             (QByteArrayList{"pool_connections{state=\"busy\"} 2"_ba, "pool_connections{state=\"idle\"} 2.5"_ba}));
}

void TstMetrics::webhookAndCache_counted()
{
    MetricsRegistry registry;
    registry.countWebhookEvent("processed");
    registry.countWebhookEvent("processed");
    registry.countWebhookEvent("bad_signature");
    registry.countCacheHit();
    registry.countCacheHit();
    registry.countCacheMiss();
    registry.countCacheInvalidation("stock_changed");
    registry.observeWebhookBatch(1);
    registry.observeWebhookBatch(20);
    const QByteArray text = registry.render();
    QCOMPARE(samples(text, "rdk_webhook_batch_events_count "_ba), QByteArrayList{"rdk_webhook_batch_events_count 2"_ba});
    QCOMPARE(samples(text, "rdk_webhook_batch_events_sum "_ba), QByteArrayList{"rdk_webhook_batch_events_sum 21"_ba});
    QCOMPARE(samples(text, "rdk_webhook_batch_events_bucket{le=\"16\"}"_ba),
             QByteArrayList{"rdk_webhook_batch_events_bucket{le=\"16\"} 1"_ba});
    QCOMPARE(samples(text, "rdk_webhook_events_total{"_ba),
             (QByteArrayList{"rdk_webhook_events_total{outcome=\"bad_signature\"} 1"_ba,
                             "rdk_webhook_events_total{outcome=\"processed\"} 2"_ba}));
    QCOMPARE(samples(text, "rdk_cache_hits_total "_ba), QByteArrayList{"rdk_cache_hits_total 2"_ba});
    QCOMPARE(samples(text, "rdk_cache_misses_total "_ba), QByteArrayList{"rdk_cache_misses_total 1"_ba});
    QCOMPARE(samples(text, "rdk_cache_invalidations_total{"_ba),
             QByteArrayList{"rdk_cache_invalidations_total{reason=\"stock_changed\"} 1"_ba});
}

void TstMetrics::concurrentUpdates_totalsConsistent()
{
    MetricsRegistry registry;
    constexpr int threads = 4;
    constexpr int perThread = 10'000;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&registry, t] {
            for (int i = 0; i < perThread; ++i) {
                registry.observeRequest(t % 2 == 0 ? u"/even"_s : u"/odd"_s, "GET", 200, 0.001);
                registry.countCacheHit();
                if (i % 1000 == 0)
                    (void)registry.render();
            }
        });
    }
    for (std::thread &worker : workers)
        worker.join();
    const QByteArray text = registry.render();
    QCOMPARE(formatProblem(text), QString());
    QVERIFY(text.contains("rdk_http_requests_total{route=\"/even\",method=\"GET\",status=\"200\"} 20000\n"));
    QVERIFY(text.contains("rdk_http_requests_total{route=\"/odd\",method=\"GET\",status=\"200\"} 20000\n"));
    QVERIFY(text.contains("rdk_http_request_duration_seconds_count{route=\"/even\"} 20000\n"));
    QVERIFY(text.contains("rdk_cache_hits_total 40000\n"));
}

QTEST_GUILESS_MAIN(TstMetrics)
#include "tst_metrics.moc"

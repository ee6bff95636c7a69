#include "sync/http/metrics.h"

#include <QLocale>
#include <QMutexLocker>
#include <QString>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

constexpr qsizetype maxLabelValueBytes = 128;
const QByteArray overflowValue = "other"_ba;

bool isNameChar(char c, bool first, bool allowColon)
{
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allowColon && c == ':');
    return letter || (!first && c >= '0' && c <= '9');
}

bool isValidName(QByteArrayView name, bool allowColon)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (!isNameChar(name[i], i == 0, allowColon))
            return false;
    }
    return true;
}

bool isValidLabelName(QByteArrayView name)
{
    // "__" names are reserved for Prometheus itself; "le" belongs to histogram buckets.
    return isValidName(name, false) && !name.startsWith("__") && name != "le";
}

// Valid UTF-8, at most maxLabelValueBytes: the format requires the former, the scrape size and
// memory the latter.
QByteArray cleanLabelValue(const QByteArray &value)
{
    if (value.size() <= maxLabelValueBytes && QByteArrayView(value).isValidUtf8())
        return value;
    QString text = QString::fromUtf8(value.left(maxLabelValueBytes));
    QByteArray utf8 = text.toUtf8();
    while (utf8.size() > maxLabelValueBytes) {   // U+FFFD replacements can grow it
        text.chop(1);
        utf8 = text.toUtf8();
    }
    return utf8;
}

QByteArray escapeLabelValue(const QByteArray &value)
{
    QByteArray out;
    out.reserve(value.size() + 8);
    for (const char c : value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out;
}

QByteArray escapeHelp(const QByteArray &help)
{
    QByteArray out = help;
    return out.replace('\\', "\\\\").replace('\n', "\\n");
}

QByteArray formatValue(double value)
{
    if (std::isnan(value))
        return "NaN"_ba;
    if (std::isinf(value))
        return value > 0 ? "+Inf"_ba : "-Inf"_ba;
    if (value == std::trunc(value) && std::abs(value) < 1e15)
        return QByteArray::number(static_cast<qint64>(value));
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

QByteArray formatBound(double bound)
{
    // Plain decimals ("0.0005", "2.5") as the official clients print `le`.
    return QByteArray::number(bound, 'f', QLocale::FloatingPointShortest);
}

QByteArray labelText(const QByteArrayList &names, const QByteArrayList &values, const QByteArray &extra = {})
{
    QByteArrayList pairs;
    for (qsizetype i = 0; i < names.size(); ++i)
        pairs.append(names[i] + "=\"" + escapeLabelValue(values[i]) + '"');
    if (!extra.isEmpty())
        pairs.append(extra);
    return pairs.isEmpty() ? QByteArray() : '{' + pairs.join(',') + '}';
}

QByteArray kindName(MetricsRegistry::Kind kind)
{
    switch (kind) {
    case MetricsRegistry::Kind::Counter: return "counter"_ba;
    case MetricsRegistry::Kind::Gauge: return "gauge"_ba;
    case MetricsRegistry::Kind::Histogram: return "histogram"_ba;
    }
    return "untyped"_ba;
}

} // namespace

QList<double> MetricsRegistry::latencyBuckets()
{
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0};
}

MetricsRegistry::MetricsRegistry(qsizetype maxSeriesPerMetric)
    : m_maxSeriesPerMetric(std::max<qsizetype>(1, maxSeriesPerMetric))
{
    addCounter("rdk_http_requests_total"_ba, "HTTP requests answered, by route template, method and status."_ba,
               {"route"_ba, "method"_ba, "status"_ba});
    addHistogram("rdk_http_request_duration_seconds"_ba, "Time to answer an HTTP request, by route template."_ba,
                 {"route"_ba}, latencyBuckets());
    addCounter("rdk_webhook_events_total"_ba, "Stripe webhook deliveries, by outcome."_ba, {"outcome"_ba});
    addHistogram("rdk_webhook_batch_events"_ba, "Stripe events applied per database transaction (ADR 0031)."_ba, {},
                 {1, 2, 4, 8, 16, 32});
    addCounter("rdk_cache_hits_total"_ba, "Catalog cache lookups answered from the cache."_ba);
    addCounter("rdk_cache_misses_total"_ba, "Catalog cache lookups that went to the database."_ba);
    addCounter("rdk_cache_invalidations_total"_ba, "Catalog cache invalidations, by reason."_ba, {"reason"_ba});
    addCounter("rdk_page_views_total"_ba, "Storefront views by outcome: written, or dropped when the buffer was full."_ba,
               {"outcome"_ba});
    addCounter("rdk_http_loop_requests_total"_ba, "HTTP requests taken, by the event loop that read them (RDK_SYNC_EVENT_LOOPS)."_ba,
               {"loop"_ba});
    addCounter("rdk_edge_refreshes_total"_ba, "Answers a keeping edge was asked to fetch again, by result (ADR 0034)."_ba,
               {"result"_ba});
    addCounter("rdk_edge_views_total"_ba, "Page views a keeping edge reported, by result: counted or refused (ADR 0034)."_ba,
               {"result"_ba});
}

bool MetricsRegistry::add(const QByteArray &name, const QByteArray &help, Kind kind,
                          const QByteArrayList &labelNames, const QList<double> &buckets)
{
    if (!isValidName(name, true) || !std::all_of(labelNames.begin(), labelNames.end(), isValidLabelName))
        return false;
    QByteArrayList sortedLabels = labelNames;
    std::sort(sortedLabels.begin(), sortedLabels.end());
    if (std::adjacent_find(sortedLabels.cbegin(), sortedLabels.cend()) != sortedLabels.cend())
        return false;
    if (kind == Kind::Histogram) {
        if (buckets.isEmpty() || !std::all_of(buckets.begin(), buckets.end(), [](double b) { return std::isfinite(b); })
            || std::adjacent_find(buckets.cbegin(), buckets.cend(), std::greater_equal<double>()) != buckets.cend())
            return false;
    }
    const QMutexLocker lock(&m_mutex);
    if (m_metrics.count(name) != 0)
        return false;
    Metric &metric = m_metrics[name];
    metric.kind = kind;
    metric.help = help;
    metric.labelNames = labelNames;
    metric.buckets = kind == Kind::Histogram ? buckets : QList<double>();
    if (labelNames.isEmpty())
        seriesFor(metric, {});   // unlabeled metrics show 0 before their first event
    return true;
}

bool MetricsRegistry::addCounter(const QByteArray &name, const QByteArray &help, const QByteArrayList &labelNames)
{
    return add(name, help, Kind::Counter, labelNames, {});
}

bool MetricsRegistry::addGauge(const QByteArray &name, const QByteArray &help, const QByteArrayList &labelNames)
{
    return add(name, help, Kind::Gauge, labelNames, {});
}

bool MetricsRegistry::addHistogram(const QByteArray &name, const QByteArray &help, const QByteArrayList &labelNames,
                                   const QList<double> &buckets)
{
    return add(name, help, Kind::Histogram, labelNames, buckets);
}

MetricsRegistry::Metric *MetricsRegistry::find(const QByteArray &name, Kind kind)
{
    const auto found = m_metrics.find(name);
    return found != m_metrics.end() && found->second.kind == kind ? &found->second : nullptr;
}

MetricsRegistry::Series *MetricsRegistry::seriesFor(Metric &metric, const QByteArrayList &labelValues)
{
    if (labelValues.size() != metric.labelNames.size())
        return nullptr;
    QByteArrayList key;
    key.reserve(labelValues.size());
    for (const QByteArray &value : labelValues)
        key.append(cleanLabelValue(value));
    auto found = metric.series.find(key);
    if (found == metric.series.end()) {
        if (qsizetype(metric.series.size()) >= m_maxSeriesPerMetric)
            key = QByteArrayList(labelValues.size(), overflowValue);
        found = metric.series.try_emplace(key).first;
        if (metric.kind == Kind::Histogram && found->second.bucketCounts.isEmpty())
            found->second.bucketCounts.resize(metric.buckets.size());
    }
    return &found->second;
}

template <typename Change>
bool MetricsRegistry::updateSeries(const QByteArray &name, Kind kind, const QByteArrayList &labelValues, Change change)
{
    const QMutexLocker lock(&m_mutex);
    Metric *metric = find(name, kind);
    Series *series = metric ? seriesFor(*metric, labelValues) : nullptr;
    if (!series)
        return false;
    change(*metric, *series);
    return true;
}

bool MetricsRegistry::increment(const QByteArray &name, const QByteArrayList &labelValues, double by)
{
    if (!(by >= 0.0) || std::isinf(by))
        return false;
    return updateSeries(name, Kind::Counter, labelValues, [by](Metric &, Series &series) { series.value += by; });
}

bool MetricsRegistry::setGauge(const QByteArray &name, const QByteArrayList &labelValues, double value)
{
    if (std::isnan(value))
        return false;
    return updateSeries(name, Kind::Gauge, labelValues, [value](Metric &, Series &series) { series.value = value; });
}

bool MetricsRegistry::addToGauge(const QByteArray &name, const QByteArrayList &labelValues, double delta)
{
    if (std::isnan(delta))
        return false;
    return updateSeries(name, Kind::Gauge, labelValues, [delta](Metric &, Series &series) { series.value += delta; });
}

bool MetricsRegistry::observe(const QByteArray &name, const QByteArrayList &labelValues, double value)
{
    if (std::isnan(value))
        return false;
    return updateSeries(name, Kind::Histogram, labelValues, [value](Metric &metric, Series &series) {
        const auto bucket = std::lower_bound(metric.buckets.cbegin(), metric.buckets.cend(), value);
        if (bucket != metric.buckets.cend())
            ++series.bucketCounts[bucket - metric.buckets.cbegin()];
        series.sum += value;
        ++series.count;
    });
}

QByteArray MetricsRegistry::render() const
{
    const QMutexLocker lock(&m_mutex);
    QByteArray out;
    for (const auto &[name, metric] : m_metrics) {
        out += "# HELP " + name + ' ' + escapeHelp(metric.help) + '\n';
        out += "# TYPE " + name + ' ' + kindName(metric.kind) + '\n';
        for (const auto &[values, series] : metric.series) {
            if (metric.kind != Kind::Histogram) {
                out += name + labelText(metric.labelNames, values) + ' ' + formatValue(series.value) + '\n';
                continue;
            }
            quint64 cumulative = 0;
            for (qsizetype i = 0; i < metric.buckets.size(); ++i) {
                cumulative += series.bucketCounts[i];
                out += name + "_bucket" + labelText(metric.labelNames, values, "le=\"" + formatBound(metric.buckets[i]) + '"')
                    + ' ' + QByteArray::number(cumulative) + '\n';
            }
            out += name + "_bucket" + labelText(metric.labelNames, values, "le=\"+Inf\""_ba) + ' '
                + QByteArray::number(series.count) + '\n';
            out += name + "_sum" + labelText(metric.labelNames, values) + ' ' + formatValue(series.sum) + '\n';
            out += name + "_count" + labelText(metric.labelNames, values) + ' ' + QByteArray::number(series.count) + '\n';
        }
    }
    return out;
}

void MetricsRegistry::observeRequest(QStringView routeTemplate, QByteArrayView method, int status, double seconds)
{
    static const QByteArrayList knownMethods = {"GET"_ba, "HEAD"_ba, "POST"_ba, "PUT"_ba, "DELETE"_ba,
                                                "PATCH"_ba, "OPTIONS"_ba, "CONNECT"_ba, "TRACE"_ba};
    const QByteArray route = routeTemplate.isEmpty() ? "unmatched"_ba : routeTemplate.toUtf8();
    const QByteArray methodLabel = knownMethods.contains(method) ? method.toByteArray() : overflowValue;
    const QByteArray statusLabel = status >= 100 && status <= 599 ? QByteArray::number(status) : overflowValue;
    increment("rdk_http_requests_total"_ba, {route, methodLabel, statusLabel});
    observe("rdk_http_request_duration_seconds"_ba, {route}, seconds);
}

void MetricsRegistry::countWebhookEvent(QByteArrayView outcome)
{
    increment("rdk_webhook_events_total"_ba, {outcome.isEmpty() ? overflowValue : outcome.toByteArray()});
}

void MetricsRegistry::observeWebhookBatch(int events)
{
    observe("rdk_webhook_batch_events"_ba, {}, events);
}

void MetricsRegistry::countCacheHit()
{
    increment("rdk_cache_hits_total"_ba);
}

void MetricsRegistry::countCacheMiss()
{
    increment("rdk_cache_misses_total"_ba);
}

void MetricsRegistry::countCacheInvalidation(QByteArrayView reason)
{
    increment("rdk_cache_invalidations_total"_ba, {reason.isEmpty() ? overflowValue : reason.toByteArray()});
}

void MetricsRegistry::countPageViews(QByteArrayView outcome, qsizetype count)
{
    increment("rdk_page_views_total"_ba, {outcome.toByteArray()}, double(count));
}

void MetricsRegistry::countEdgeRefresh(QByteArrayView result)
{
    increment("rdk_edge_refreshes_total"_ba, {result.toByteArray()});
}

void MetricsRegistry::countEdgeView(QByteArrayView result)
{
    increment("rdk_edge_views_total"_ba, {result.toByteArray()});
}

void MetricsRegistry::countLoopRequest(const QByteArray &loop)
{
    increment("rdk_http_loop_requests_total"_ba, {loop});
}

} // namespace rdk::sync

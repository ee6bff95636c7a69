#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QList>
#include <QMutex>
#include <QStringView>

#include <map>

namespace rdk::sync {

/// A small Prometheus registry for `/metrics`: counters, gauges and fixed-bucket histograms
/// with labels, rendered in the text exposition format 0.0.4
/// (`Content-Type: text/plain; version=0.0.4; charset=utf-8`). Thread-safe: one mutex, held
/// for a map lookup and an add, which is far below the cost of the request being counted.
///
/// Cardinality is bounded: each metric keeps at most `maxSeriesPerMetric` label sets; later
/// new label sets are counted under one overflow series whose every label is "other", so a
/// bug that passes raw paths (or a client that invents methods) can't grow memory or the
/// scrape without bound. Label values are also cut to 128 bytes and made valid UTF-8.
///
/// The constructor declares the service's standard metrics:
/// - `rdk_http_requests_total{route,method,status}` (counter)
/// - `rdk_http_request_duration_seconds{route}` (histogram, latencyBuckets())
/// - `rdk_webhook_events_total{outcome}` (counter)
/// - `rdk_webhook_batch_events` (histogram: Stripe events per database transaction, ADR 0031)
/// - `rdk_cache_hits_total`, `rdk_cache_misses_total` (counters)
/// - `rdk_cache_invalidations_total{reason}` (counter)
/// - `rdk_http_loop_requests_total{loop}` (counter: requests each HTTP event loop took, ADR 0027)
/// - `rdk_edge_refreshes_total{result}` (counter: refreshes asked of a keeping edge, ADR 0034)
/// - `rdk_edge_views_total{result}` (counter: page views a keeping edge reported, sync/edgeviews.h)
class MetricsRegistry final {
public:
    enum class Kind { Counter, Gauge, Histogram };

    static constexpr qsizetype defaultMaxSeriesPerMetric = 1000;

    /// Request latency buckets in seconds, 0.5 ms to 5 s.
    static QList<double> latencyBuckets();

    explicit MetricsRegistry(qsizetype maxSeriesPerMetric = defaultMaxSeriesPerMetric);

    /// Declare a metric. False (and nothing changes) when the name or a label name is not a valid
    /// Prometheus name, the name is taken, or histogram buckets are empty or not increasing.
    bool addCounter(const QByteArray &name, const QByteArray &help, const QByteArrayList &labelNames = {});
    bool addGauge(const QByteArray &name, const QByteArray &help, const QByteArrayList &labelNames = {});
    bool addHistogram(const QByteArray &name, const QByteArray &help, const QByteArrayList &labelNames,
                      const QList<double> &buckets);

    /// Update a series. False when the metric is unknown or of another kind, the number of label
    /// values differs from the declaration, or the value is not allowed (a counter only goes up;
    /// NaN is refused everywhere).
    bool increment(const QByteArray &name, const QByteArrayList &labelValues = {}, double by = 1.0);
    bool setGauge(const QByteArray &name, const QByteArrayList &labelValues, double value);
    bool addToGauge(const QByteArray &name, const QByteArrayList &labelValues, double delta);
    bool observe(const QByteArray &name, const QByteArrayList &labelValues, double value);

    /// The exposition text: metrics by name, series by label values, so scrapes diff cleanly.
    QByteArray render() const;

    /// One answered request. `routeTemplate` is the router's pattern (`/api/products/<arg>`) or
    /// "unmatched" for a 404 from the missing-route handler, never the raw path. Unknown methods
    /// and out-of-range statuses are counted as "other".
    void observeRequest(QStringView routeTemplate, QByteArrayView method, int status, double seconds);
    /// A Stripe webhook delivery's outcome ("processed", "duplicate", "bad_signature", ...).
    void countWebhookEvent(QByteArrayView outcome);
    /// One database transaction of webhooks that arrived together, with `events` events.
    void observeWebhookBatch(int events);
    void countCacheHit();
    void countCacheMiss();
    void countCacheInvalidation(QByteArrayView reason);
    /// Storefront views written to the database, or dropped because the buffer was full.
    void countPageViews(QByteArrayView outcome, qsizetype count);
    /// One request taken by HTTP event loop `loop` ("0", "1", ...).
    void countLoopRequest(const QByteArray &loop);
    /// Refreshes asked of a keeping edge: "sent", "failed" (of those sent), "dropped" (never sent).
    void countEdgeRefresh(QByteArrayView result);
    /// Page views a keeping edge reported over syslog: "counted", or "refused" (malformed, not from loopback).
    void countEdgeView(QByteArrayView result);

private:
    struct Series final {
        double value = 0.0;              // counter, gauge
        QList<quint64> bucketCounts;     // histogram, not cumulative
        double sum = 0.0;
        quint64 count = 0;
    };
    struct Metric final {
        Kind kind = Kind::Counter;
        QByteArray help;
        QByteArrayList labelNames;
        QList<double> buckets;
        std::map<QByteArrayList, Series> series;
    };

    bool add(const QByteArray &name, const QByteArray &help, Kind kind, const QByteArrayList &labelNames,
             const QList<double> &buckets);
    Series *seriesFor(Metric &metric, const QByteArrayList &labelValues);
    Metric *find(const QByteArray &name, Kind kind);
    /// Finds the series under the lock and applies `change(metric, series)`; false when the
    /// metric or the label values are unknown.
    template <typename Change>
    bool updateSeries(const QByteArray &name, Kind kind, const QByteArrayList &labelValues, Change change);

    mutable QMutex m_mutex;
    qsizetype m_maxSeriesPerMetric;
    std::map<QByteArray, Metric> m_metrics;
};

} // namespace rdk::sync

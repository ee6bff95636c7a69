#pragma once

#include "domain/orderbook.h"

#include <QAbstractTableModel>
#include <QTimeZone>

namespace rdk {

/// Orders as a table, a page at a time (keyset pages, newest first): it never holds more
/// rows than the user scrolled through. It does no I/O itself: it asks for pages through
/// pageRequested() and takes the answers through applyPage(), so the screen serves them from
/// a worker thread (and a test synchronously). Answers to an older query are dropped.
class OrderTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrderTableModel)

public:
    enum Column { NumberColumn, DateColumn, ChannelColumn, StatusColumn, PaymentColumn, UnitsColumn, TotalColumn,
                  RefundedColumn, EmailColumn, ColumnCount };
    /// Role giving the row's order id.
    static constexpr int OrderIdRole = Qt::UserRole + 1;

    explicit OrderTableModel(int pageSize = 100, QObject *parent = nullptr);

    /// Starts over with new filters; the first page is requested at once.
    void setQuery(const OrderQuery &query);
    const OrderQuery &query() const { return m_query; }
    void reload() { setQuery(m_query); }

    const OrderSummary *orderAt(int row) const;
    int rowOfOrder(const QString &orderId) const;
    /// Replaces a row in place after its order changed (live refresh, an action).
    void updateOrder(const OrderSummary &order);
    bool isLoading() const { return m_loading; }
    bool hasMore() const { return m_hasMore; }
    quint64 generation() const { return m_generation; }
    QString lastError() const { return m_lastError; }
    /// The shop's time zone as the last page reported it (dates are shown in shop time).
    const QTimeZone &shopZone() const { return m_zone; }
    QString shopZoneId() const { return m_zoneId; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

public Q_SLOTS:
    void applyPage(quint64 generation, const rdk::OrderQuery &query, const rdk::OrderPage &page);
    void applyFailure(quint64 generation, const QString &message);

Q_SIGNALS:
    void pageRequested(quint64 generation, const rdk::OrderQuery &query);
    /// A query's first page arrived (or failed).
    void resultsReady(quint64 generation);
    void loadFailed(const QString &message);

private:
    void requestPage(std::optional<qint64> before);

    int m_pageSize;
    OrderQuery m_query;
    QList<OrderSummary> m_rows;
    bool m_hasMore = false;
    bool m_loading = false;
    quint64 m_generation = 0;
    QString m_lastError;
    QString m_zoneId;
    QTimeZone m_zone = QTimeZone::utc();
};

} // namespace rdk

#pragma once

#include "domain/auditlog.h"

#include <QAbstractTableModel>
#include <QTimeZone>

#include <optional>

namespace rdk {

/// The audit log as a table that loads itself a page at a time as the view scrolls
/// (canFetchMore/fetchMore), newest first. Only the pages seen are ever in memory. It does no
/// I/O itself: it asks for pages through pageRequested() and takes the answers through
/// applyPage()/applyFailure(), so the screen can serve them from a worker thread (and a test
/// synchronously). Answers for an older filter are dropped.
class AuditTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditTableModel)

public:
    enum Column { TimeColumn, PersonColumn, ActionColumn, EntityColumn, RecordColumn, ChangesColumn, ReasonColumn, ColumnCount };

    explicit AuditTableModel(int pageSize = 200, QObject *parent = nullptr);

    /// Starts over with `filter`: clears the rows and asks for the first page.
    void setFilter(const AuditFilter &filter);
    const AuditFilter &filter() const { return m_filter; }
    const AuditEntry *entryAt(int row) const;
    QString lastError() const { return m_lastError; }
    /// Times are shown in this zone (the shop's); the PC's own zone until set.
    void setTimeZone(const QTimeZone &zone);
    /// For amounts of entries that don't name their currency.
    void setShopCurrency(const QString &currency) { m_currency = currency; }
    /// A page was asked for and has not arrived.
    bool isLoading() const { return m_loading; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

public Q_SLOTS:
    void applyPage(quint64 generation, const rdk::AuditPage &page);
    void applyFailure(quint64 generation, const QString &message);

Q_SIGNALS:
    /// Asks for the entries after `after` (from the start when empty) matching `filter`.
    void pageRequested(quint64 generation, const rdk::AuditFilter &filter, const std::optional<rdk::AuditCursor> &after,
                       int limit);
    void loadFailed(const QString &message);

private:
    void requestPage();

    int m_pageSize;
    AuditFilter m_filter;
    QList<AuditEntry> m_entries;
    std::optional<AuditCursor> m_next;
    bool m_atEnd = true;
    bool m_loading = false;
    quint64 m_generation = 0;
    QString m_lastError;
    QTimeZone m_zone = QTimeZone::systemTimeZone();
    QString m_currency = QStringLiteral("USD");
};

} // namespace rdk

#pragma once

#include "domain/auditlog.h"

#include <QAbstractTableModel>

#include <optional>

namespace rdk {

/// The audit log as a table that loads itself a page at a time as the view scrolls
/// (canFetchMore/fetchMore), newest first. Only the pages seen are ever in memory.
class AuditTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TimeColumn, PersonColumn, ActionColumn, EntityColumn, RecordColumn, ChangesColumn, ReasonColumn, ColumnCount };

    explicit AuditTableModel(AuditLog &log, int pageSize = 200, QObject *parent = nullptr);

    /// Starts over with `filter`: clears the rows and loads the first page. Returns the
    /// error (bad filter, database refusal) and keeps the table empty on failure.
    Status setFilter(const AuditFilter &filter);
    const AuditFilter &filter() const { return m_filter; }
    const AuditEntry *entryAt(int row) const;
    QString lastError() const { return m_lastError; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void loadFailed(const QString &message);

private:
    Status loadPage();

    AuditLog &m_log;
    int m_pageSize;
    AuditFilter m_filter;
    QList<AuditEntry> m_entries;
    std::optional<AuditCursor> m_next;
    bool m_atEnd = true;
    QString m_lastError;
};

} // namespace rdk

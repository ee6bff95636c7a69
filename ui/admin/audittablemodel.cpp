#include "ui/admin/audittablemodel.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

AuditTableModel::AuditTableModel(int pageSize, QObject *parent)
    : QAbstractTableModel(parent), m_pageSize(qBound(1, pageSize, MaxAuditPageSize))
{
}

void AuditTableModel::setFilter(const AuditFilter &filter)
{
    beginResetModel();
    ++m_generation;
    m_filter = filter;
    m_entries.clear();
    m_next.reset();
    m_atEnd = false;
    m_loading = false;
    m_lastError.clear();
    endResetModel();
    requestPage();
}

void AuditTableModel::requestPage()
{
    if (m_atEnd || m_loading)
        return;
    m_loading = true;
    Q_EMIT pageRequested(m_generation, m_filter, m_next, m_pageSize);
}

void AuditTableModel::applyPage(quint64 generation, const AuditPage &page)
{
    if (generation != m_generation)
        return;
    m_loading = false;
    if (!page.entries.isEmpty()) {
        const int first = int(m_entries.size());
        beginInsertRows({}, first, first + int(page.entries.size()) - 1);
        m_entries.append(page.entries);
        endInsertRows();
    }
    m_next = page.next;
    m_atEnd = !m_next.has_value();
}

void AuditTableModel::applyFailure(quint64 generation, const QString &message)
{
    if (generation != m_generation)
        return;
    // Stop fetching: a view would otherwise ask again on every scroll.
    m_loading = false;
    m_atEnd = true;
    m_lastError = message;
    Q_EMIT loadFailed(message);
}

const AuditEntry *AuditTableModel::entryAt(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
}

int AuditTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int AuditTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void AuditTableModel::setTimeZone(const QTimeZone &zone)
{
    m_zone = zone;
    if (!m_entries.isEmpty())
        Q_EMIT dataChanged(index(0, TimeColumn), index(int(m_entries.size()) - 1, TimeColumn));
}

QVariant AuditTableModel::data(const QModelIndex &index, int role) const
{
    const AuditEntry *e = index.isValid() ? entryAt(index.row()) : nullptr;
    if (!e || (role != Qt::DisplayRole && role != Qt::AccessibleTextRole && role != Qt::ToolTipRole))
        return {};
    switch (index.column()) {
    case TimeColumn:
        return role == Qt::ToolTipRole ? e->at.toUTC().toString(Qt::ISODateWithMs)
                                        : QLocale().toString(e->at.toTimeZone(m_zone), QLocale::ShortFormat);
    case PersonColumn:
        return e->actor;
    case ActionColumn:
        return e->action;
    case EntityColumn:
        return e->entity;
    case RecordColumn:
        if (role == Qt::ToolTipRole)
            return e->entityId;
        return e->recordLabel.isEmpty() ? e->entityId : e->recordLabel;
    case ChangesColumn:
        return auditChangeSummary(*e, m_currency);
    case ReasonColumn:
        return e->reason;
    default:
        return {};
    }
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case PersonColumn:
        return tr("Person");
    case ActionColumn:
        return tr("Action");
    case EntityColumn:
        return tr("Entity");
    case RecordColumn:
        return tr("Record");
    case ChangesColumn:
        return tr("Changed");
    case ReasonColumn:
        return tr("Reason");
    default:
        return {};
    }
}

bool AuditTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && !m_loading;
}

void AuditTableModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage();
}

} // namespace rdk

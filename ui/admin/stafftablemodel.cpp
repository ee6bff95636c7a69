#include "ui/admin/stafftablemodel.h"

#include <QApplication>
#include <QPalette>

namespace rdk {

void StaffTableModel::setStaff(QList<StaffMember> staff)
{
    beginResetModel();
    m_staff = std::move(staff);
    endResetModel();
}

const StaffMember *StaffTableModel::memberAt(int row) const
{
    return row >= 0 && row < m_staff.size() ? &m_staff.at(row) : nullptr;
}

int StaffTableModel::rowOfLogin(const QString &login) const
{
    for (int i = 0; i < m_staff.size(); ++i) {
        if (m_staff.at(i).login == login)
            return i;
    }
    return -1;
}

int StaffTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_staff.size());
}

int StaffTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StaffTableModel::data(const QModelIndex &index, int role) const
{
    const StaffMember *m = index.isValid() ? memberAt(index.row()) : nullptr;
    if (!m)
        return {};
    if (role == Qt::DisplayRole || role == Qt::AccessibleTextRole) {
        switch (index.column()) {
        case LoginColumn:
            return m->login;
        case NameColumn:
            return m->displayName;
        case RoleColumn:
            return displayName(m->role);
        case TwoFactorColumn:
            return m->twofaEnabled ? tr("On") : tr("Off");
        case StatusColumn:
            return m->active ? tr("Active") : tr("Disabled");
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && !m->active)
        return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    if (role == Qt::ToolTipRole && index.column() == TwoFactorColumn && !m->twofaEnabled && m->role == StaffRole::Admin)
        return tr("Administrators can't change anything until two-factor sign-in is set up.");
    return {};
}

QVariant StaffTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case LoginColumn:
        return tr("Login");
    case NameColumn:
        return tr("Name");
    case RoleColumn:
        return tr("Role");
    case TwoFactorColumn:
        return tr("Two-factor");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

} // namespace rdk

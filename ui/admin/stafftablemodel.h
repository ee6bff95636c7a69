#pragma once

#include "domain/staff.h"

#include <QAbstractTableModel>
#include <QList>

namespace rdk {

/// The staff list as a table; holds no rules, only shows what the service returned.
class StaffTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { LoginColumn, NameColumn, RoleColumn, TwoFactorColumn, StatusColumn, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setStaff(QList<StaffMember> staff);
    const StaffMember *memberAt(int row) const;
    int rowOfLogin(const QString &login) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<StaffMember> m_staff;
};

} // namespace rdk

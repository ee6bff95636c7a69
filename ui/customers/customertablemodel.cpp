#include "ui/customers/customertablemodel.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

CustomerTableModel::CustomerTableModel(const QTimeZone &shopZone, QObject *parent)
    : QAbstractTableModel(parent), m_zone(shopZone)
{
}

void CustomerTableModel::setCustomers(QList<Customer> customers)
{
    beginResetModel();
    m_customers = std::move(customers);
    endResetModel();
}

const Customer *CustomerTableModel::customerAt(int row) const
{
    return row >= 0 && row < m_customers.size() ? &m_customers.at(row) : nullptr;
}

int CustomerTableModel::rowOf(const QString &id) const
{
    for (int row = 0; row < m_customers.size(); ++row)
        if (m_customers.at(row).id == id)
            return row;
    return -1;
}

int CustomerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_customers.size());
}

int CustomerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CustomerTableModel::data(const QModelIndex &index, int role) const
{
    const Customer *c = customerAt(index.row());
    if (!c)
        return {};
    if (role == Qt::TextAlignmentRole && index.column() == Orders)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && (index.column() == Email || index.column() == Phone) && !c->contactVisible
        && !(index.column() == Email ? c->email : c->phone).isEmpty())
        return tr("Only ops or admin staff see a customer's e-mail address and phone number in full.");
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return c->name;
    case Email: return c->email.isEmpty() ? u"—"_s : c->email;
    case Phone: return c->phone.isEmpty() ? u"—"_s : c->phone;
    case Orders: return c->orderCount;
    case LastOrder: return c->lastOrderAt.isValid() ? c->lastOrderAt.toTimeZone(m_zone).toString(u"yyyy-MM-dd"_s) : u"—"_s;
    case Marketing: return c->marketingConsent ? tr("Yes") : tr("No");
    }
    return {};
}

QVariant CustomerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case Email: return tr("E-mail");
    case Phone: return tr("Phone");
    case Orders: return tr("Orders");
    case LastOrder: return tr("Last order");
    case Marketing: return tr("Marketing");
    }
    return {};
}

} // namespace rdk

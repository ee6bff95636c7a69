#pragma once

#include "domain/customer.h"

#include <QAbstractTableModel>
#include <QTimeZone>

namespace rdk {

/// The customers a search found, one a row: name, e-mail, phone (masked for plain staff, as
/// the database sent them), orders, last order (a day in the shop's time zone), marketing.
class CustomerTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CustomerTableModel)

public:
    enum Column { Name, Email, Phone, Orders, LastOrder, Marketing, ColumnCount };

    explicit CustomerTableModel(const QTimeZone &shopZone, QObject *parent = nullptr);

    void setCustomers(QList<Customer> customers);
    const QList<Customer> &customers() const { return m_customers; }
    /// The customer of a row, or nullptr.
    const Customer *customerAt(int row) const;
    /// The row of a customer id, or -1.
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QTimeZone m_zone;
    QList<Customer> m_customers;
};

} // namespace rdk

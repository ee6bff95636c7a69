#pragma once

#include "domain/poscart.h"

#include <QAbstractTableModel>

namespace rdk {

/// Shows the counter's cart as a table. Holds no rules: the screen changes the PosCart and
/// calls reload().
class PosCartModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PosCartModel)

public:
    enum Column { ItemColumn, SizeColumn, QuantityColumn, PriceColumn, DiscountColumn, TotalColumn, ColumnCount };

    explicit PosCartModel(const PosCart &cart, QObject *parent = nullptr);

    void reload();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const PosCart &m_cart;
};

} // namespace rdk

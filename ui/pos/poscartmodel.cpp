#include "ui/pos/poscartmodel.h"

#include "domain/moneyformat.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

PosCartModel::PosCartModel(const PosCart &cart, QObject *parent) : QAbstractTableModel(parent), m_cart(cart) {}

void PosCartModel::reload()
{
    beginResetModel();
    endResetModel();
}

int PosCartModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_cart.size());
}

int PosCartModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PosCartModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_cart.size())
        return {};
    const PosCartLine &line = m_cart.lines()[index.row()];
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == ItemColumn)
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        if (index.column() == SizeColumn || index.column() == QuantityColumn)
            return QVariant::fromValue(Qt::AlignCenter);
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole && index.column() == QuantityColumn)
        return tr("%1 in stock").arg(line.available);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case ItemColumn: return u"%1\n%2"_s.arg(line.title(), line.sku);
    case SizeColumn: return line.size.isEmpty() ? u"—"_s : line.size;
    case QuantityColumn: return line.quantity;
    case PriceColumn: return formatMoney(line.unitPrice);
    case DiscountColumn: {
        if (line.discount.isNone())
            return QString();
        auto off = m_cart.lineDiscount(index.row());
        const QString amount = off ? u"-"_s + formatMoney(*off) : QString();
        return line.discount.kind == DiscountKind::Percent ? u"%1 (%2)"_s.arg(amount, describeDiscount(line.discount))
                                                           : amount;
    }
    case TotalColumn: {
        auto total = m_cart.lineTotal(index.row());
        return total ? formatMoney(*total) : QString();
    }
    default: return {};
    }
}

QVariant PosCartModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ItemColumn: return tr("Item");
    case SizeColumn: return tr("Size");
    case QuantityColumn: return tr("Qty");
    case PriceColumn: return tr("Price");
    case DiscountColumn: return tr("Discount");
    case TotalColumn: return tr("Total");
    default: return {};
    }
}

} // namespace rdk

#include "ui/orders/ordertablemodel.h"

#include "domain/ordercsv.h"
#include "domain/moneyformat.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

OrderTableModel::OrderTableModel(int pageSize, QObject *parent)
    : QAbstractTableModel(parent), m_pageSize(qBound(1, pageSize, 500))
{
}

void OrderTableModel::setQuery(const OrderQuery &query)
{
    beginResetModel();
    m_query = query;
    m_query.beforeOrderNumber.reset();
    m_query.limit = m_pageSize;
    m_rows.clear();
    m_hasMore = false;
    ++m_generation;
    endResetModel();
    requestPage(std::nullopt);
}

void OrderTableModel::requestPage(std::optional<qint64> before)
{
    m_loading = true;
    OrderQuery page = m_query;
    page.beforeOrderNumber = before;
    Q_EMIT pageRequested(m_generation, page);
}

void OrderTableModel::applyPage(quint64 generation, const OrderQuery &query, const OrderPage &page)
{
    // 0: the first page (order numbers start at 1).
    const qint64 expected = m_rows.isEmpty() ? 0 : m_rows.constLast().orderNumber;
    if (generation != m_generation || query.beforeOrderNumber.value_or(0) != expected)
        return;  // an answer to a query the user already replaced, or a page already shown
    m_loading = false;
    m_lastError.clear();
    if (page.shopTimeZone != m_zoneId) {
        m_zoneId = page.shopTimeZone;
        m_zone = shopTimeZone(m_zoneId);
    }
    if (!page.items.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.items.size() - 1));
        m_rows.append(page.items);
        endInsertRows();
    }
    m_hasMore = page.hasMore && !page.items.isEmpty();
    if (!query.beforeOrderNumber)
        Q_EMIT resultsReady(generation);
}

void OrderTableModel::applyFailure(quint64 generation, const QString &message)
{
    if (generation != m_generation)
        return;
    m_loading = false;
    m_hasMore = false;
    m_lastError = message;
    Q_EMIT loadFailed(message);
    Q_EMIT resultsReady(generation);
}

const OrderSummary *OrderTableModel::orderAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int OrderTableModel::rowOfOrder(const QString &orderId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).orderId == orderId)
            return row;
    }
    return -1;
}

void OrderTableModel::updateOrder(const OrderSummary &order)
{
    const int row = rowOfOrder(order.orderId);
    if (row < 0)
        return;
    m_rows[row] = order;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int OrderTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OrderTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OrderTableModel::data(const QModelIndex &index, int role) const
{
    const OrderSummary *o = orderAt(index.row());
    if (!o || !index.isValid())
        return {};
    if (role == OrderIdRole)
        return o->orderId;
    if (role == Qt::TextAlignmentRole) {
        const int c = index.column();
        return c == UnitsColumn || c == TotalColumn || c == RefundedColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    if (role == Qt::ToolTipRole && o->needsReview && index.column() == StatusColumn)
        return tr("Flagged for review: open the order to see why.");
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case NumberColumn: return formatOrderNumber(o->orderNumber);
    case DateColumn:
        return QLocale().toString(o->createdAt.toTimeZone(m_zone), u"yyyy-MM-dd HH:mm"_s);
    case ChannelColumn: return displayName(o->channel);
    case StatusColumn:
        return o->needsReview ? tr("%1 ⚑ review").arg(displayName(o->status)) : displayName(o->status);
    case PaymentColumn:
        return o->paymentMethod == PaymentMethod::Cash ? tr("Cash")
               : o->paymentMethod == PaymentMethod::Card ? tr("Card") : QString();
    case UnitsColumn: return o->units;
    case TotalColumn: return formatMoney(o->total);
    case RefundedColumn: return o->refunded.isZero() ? QString() : formatMoney(o->refunded);
    case EmailColumn: return o->customerEmail;
    case ColumnCount: break;
    }
    return {};
}

QVariant OrderTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case NumberColumn: return tr("Order");
    case DateColumn: return tr("Date (shop time)");
    case ChannelColumn: return tr("Channel");
    case StatusColumn: return tr("Status");
    case PaymentColumn: return tr("Payment");
    case UnitsColumn: return tr("Units");
    case TotalColumn: return tr("Total");
    case RefundedColumn: return tr("Refunded");
    case EmailColumn: return tr("Email");
    case ColumnCount: break;
    }
    return {};
}

bool OrderTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore && !m_loading;
}

void OrderTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_rows.isEmpty())
        return;
    requestPage(m_rows.constLast().orderNumber);
}

} // namespace rdk

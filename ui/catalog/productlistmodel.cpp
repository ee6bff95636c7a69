#include "ui/catalog/productlistmodel.h"

#include "domain/moneyformat.h"

#include <QApplication>
#include <QIcon>
#include <QPalette>
#include <QPixmap>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

ProductListModel::ProductListModel(QObject *parent) : QAbstractTableModel(parent) {}

void ProductListModel::setQuery(const ProductQuery &query)
{
    beginResetModel();
    m_query = query;
    m_query.offset = 0;
    m_query.limit = PageSize;
    m_rows.clear();
    m_hasMore = false;
    ++m_generation;
    endResetModel();
    requestPage(0);
}

void ProductListModel::reload()
{
    setQuery(m_query);
}

void ProductListModel::requestPage(int offset)
{
    m_loading = true;
    ProductQuery page = m_query;
    page.offset = offset;
    page.limit = PageSize;
    Q_EMIT pageRequested(m_generation, page);
}

void ProductListModel::applyPage(quint64 generation, int offset, const ProductListPage &page)
{
    if (generation != m_generation || offset != m_rows.size())
        return;  // an answer to a query the user already replaced
    m_loading = false;
    m_lastError.clear();
    if (!page.rows.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.rows.size() - 1));
        m_rows.append(page.rows);
        endInsertRows();
    }
    m_hasMore = page.hasMore;
    if (offset == 0)
        Q_EMIT resultsReady(generation);
}

void ProductListModel::applyFailure(quint64 generation, const QString &message)
{
    if (generation != m_generation)
        return;
    m_loading = false;
    m_hasMore = false;
    m_lastError = message;
    Q_EMIT loadFailed(message);
    Q_EMIT resultsReady(generation);
}

void ProductListModel::applyThumbnail(const QString &variantId, const QImage &image)
{
    m_thumbnails.insert(variantId, new QImage(image));
    m_requested.remove(variantId);  // if the cache drops it later, it is asked for again
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].thumbnailId == variantId) {
            const QModelIndex cell = index(row, PhotoColumn);
            Q_EMIT dataChanged(cell, cell, {Qt::DecorationRole});
        }
    }
}

const ProductListRow *ProductListModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int ProductListModel::rowOfProduct(const QString &productId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].id == productId)
            return row;
    }
    return -1;
}

int ProductListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ProductListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProductListModel::data(const QModelIndex &index, int role) const
{
    const ProductListRow *row = rowAt(index.row());
    if (!row)
        return {};
    if (role == ProductIdRole)
        return row->id;
    if (role == Qt::DecorationRole && index.column() == PhotoColumn) {
        if (row->thumbnailId.isEmpty())
            return {};
        if (const QImage *image = m_thumbnails.object(row->thumbnailId))
            // An icon is scaled into the view's icon size keeping its shape; a bare QImage
            // would be drawn at its own size and clipped by the cell.
            return image->isNull() ? QVariant() : QVariant(QIcon(QPixmap::fromImage(*image)));
        if (!m_requested.contains(row->thumbnailId)) {
            m_requested.insert(row->thumbnailId);  // lazily, only for rows a view actually paints
            Q_EMIT thumbnailRequested(row->thumbnailId);
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole && (index.column() == PriceColumn || index.column() == StockColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && row->archived)
        return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    if (role == Qt::ToolTipRole && index.column() == StockColumn)
        return tr("%1 on hand, %2 available (%3)").arg(row->totalStock).arg(row->available).arg(stockLevelLabel(row->available));
    if (role == Qt::AccessibleTextRole && index.column() == PhotoColumn)
        return row->thumbnailId.isEmpty() ? tr("No photo") : tr("Photo of %1").arg(row->name);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case SkuColumn: return row->sku;
    case NameColumn: return row->archived ? tr("%1 (archived)").arg(row->name) : row->name;
    case BrandColumn: return row->brand;
    case ConditionColumn: return displayName(row->condition);
    case PriceColumn: return formatMoney(row->price);
    case StockColumn: return row->totalStock;
    case PublishedColumn: return row->published ? tr("Published") : tr("Draft");
    default: return {};
    }
}

QVariant ProductListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PhotoColumn: return tr("Photo");
    case SkuColumn: return tr("SKU");
    case NameColumn: return tr("Name");
    case BrandColumn: return tr("Brand");
    case ConditionColumn: return tr("Condition");
    case PriceColumn: return tr("Price");
    case StockColumn: return tr("Stock");
    case PublishedColumn: return tr("Status");
    default: return {};
    }
}

bool ProductListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore && !m_loading;
}

void ProductListModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage(int(m_rows.size()));
}

std::optional<ProductSortKey> ProductListModel::sortKeyOf(int column)
{
    switch (column) {
    case SkuColumn: return ProductSortKey::Sku;
    case NameColumn: return ProductSortKey::Name;
    case BrandColumn: return ProductSortKey::Brand;
    case ConditionColumn: return ProductSortKey::Condition;
    case PriceColumn: return ProductSortKey::Price;
    case StockColumn: return ProductSortKey::TotalStock;
    case PublishedColumn: return ProductSortKey::Published;
    case PhotoColumn: return ProductSortKey::Name;  // photos have no order; keep the list readable
    default: return std::nullopt;
    }
}

void ProductListModel::sort(int column, Qt::SortOrder order)
{
    const auto key = sortKeyOf(column);
    if (!key)
        return;
    ProductQuery query = m_query;
    query.sortBy = *key;
    query.descending = order == Qt::DescendingOrder;
    if (query.sortBy == m_query.sortBy && query.descending == m_query.descending && m_generation > 0)
        return;
    setQuery(query);
}

} // namespace rdk

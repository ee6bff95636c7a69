#pragma once

#include "domain/catalog.h"

#include <QAbstractTableModel>
#include <QCache>
#include <QImage>
#include <QSet>

namespace rdk {

/// The catalog as a table, a page at a time: it never holds more rows than the user scrolled
/// through. It does no I/O itself: it asks for pages and thumbnails through signals and
/// takes the answers through apply*(), so the screen can serve them from a worker thread
/// (and a test synchronously). Answers for an older query are dropped.
class ProductListModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProductListModel)

public:
    enum Column { PhotoColumn, SkuColumn, NameColumn, BrandColumn, ConditionColumn, PriceColumn, StockColumn,
                  PublishedColumn, ColumnCount };
    static constexpr int PageSize = 100;
    /// Role giving the row's product id.
    static constexpr int ProductIdRole = Qt::UserRole + 1;

    explicit ProductListModel(QObject *parent = nullptr);

    /// Starts over with a new query (filters, search, sort); the first page is requested at once.
    void setQuery(const ProductQuery &query);
    const ProductQuery &query() const { return m_query; }
    /// Runs the current query again (after a save), from the first page.
    void reload();

    const ProductListRow *rowAt(int row) const;
    int rowOfProduct(const QString &productId) const;
    bool isLoading() const { return m_loading; }
    quint64 generation() const { return m_generation; }
    QString lastError() const { return m_lastError; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static std::optional<ProductSortKey> sortKeyOf(int column);

public Q_SLOTS:
    void applyPage(quint64 generation, int offset, const rdk::ProductListPage &page);
    void applyFailure(quint64 generation, const QString &message);
    void applyThumbnail(const QString &variantId, const QImage &image);

Q_SIGNALS:
    void pageRequested(quint64 generation, const rdk::ProductQuery &query);
    void thumbnailRequested(const QString &variantId) const;
    /// A query's first page arrived (the list now shows its results) or failed.
    void resultsReady(quint64 generation);
    void loadFailed(const QString &message);

private:
    void requestPage(int offset);

    ProductQuery m_query;
    QList<ProductListRow> m_rows;
    bool m_hasMore = false;
    bool m_loading = false;
    quint64 m_generation = 0;
    QString m_lastError;
    QCache<QString, QImage> m_thumbnails{400};
    mutable QSet<QString> m_requested;
};

} // namespace rdk

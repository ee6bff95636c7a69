#pragma once

#include "ui/catalog/catalogqueryrunner.h"
#include "ui/catalog/producteditor.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QToolBar;

namespace rdk {

class ProductListModel;

/// The Catalog screen: the product list (search as you type, filters, sort by any column,
/// fetched a page at a time off the UI thread) and the product editor.
class CatalogScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CatalogScreen)

public:
    /// `readers` makes one reader per worker thread (each with its own database session),
    /// `products` a repository for the editor's saves, likewise. `currency` is the shop's.
    CatalogScreen(CatalogReaderFactory readers, ProductRepositoryFactory products, QString currency,
                  QWidget *parent = nullptr);
    ~CatalogScreen() override;

    /// Where other features (CSV import/export, ...) add their actions.
    QToolBar *toolBar() const { return m_toolBar; }
    /// Gives the editor a "Photos" tab.
    void setPhotosFactory(ProductEditor::PhotosFactory factory);
    /// The shop's time zone, for the times the editor shows.
    void setShopTimeZone(const QString &ianaId) { m_shopTimeZone = ianaId; }
    /// For logins that may only look (cashiers): no "New product", and the editor read-only,
    /// each saying `reason`.
    void setReadOnly(const QString &reason);

    ProductListModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *searchField() const { return m_search; }
    /// "Catalog: changes to <product> not saved" while the editor holds unsaved changes.
    QString pendingWork() const;
    /// The editor, created on first use.
    ProductEditor *editor();

    /// The query the filters and search box describe right now.
    ProductQuery currentQuery() const;
    /// The products selected in the list, in list order.
    QStringList selectedProductIds() const;

public Q_SLOTS:
    void newProduct();
    /// Opens the selected product in the editor.
    void openSelected();
    /// Opens a product in the editor by id (e.g. from the dashboard's low-stock list), once it
    /// has been read off the UI thread.
    void openProduct(const QString &productId);
    void refresh();

Q_SIGNALS:
    /// The list shows the results of the latest search/filters (or an error).
    void resultsShown();

private:
    void buildFilters(QWidget *bar);
    void applyFilters();
    void showCount();

    CatalogQueryRunner *m_runner = nullptr;
    CatalogReaderFactory m_readers;
    ProductRepositoryFactory m_products;
    QString m_currency;
    ProductEditor::PhotosFactory m_photos;
    QString m_shopTimeZone;
    QString m_readOnlyReason;
    ProductEditor *m_editor = nullptr;

    ProductListModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QToolBar *m_toolBar = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_brand = nullptr;
    QComboBox *m_condition = nullptr;
    QComboBox *m_stock = nullptr;
    QComboBox *m_published = nullptr;
    QCheckBox *m_archived = nullptr;
    QLabel *m_count = nullptr;
    QTimer *m_debounce = nullptr;
};

} // namespace rdk

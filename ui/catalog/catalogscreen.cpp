#include "ui/catalog/catalogscreen.h"

#include "ui/catalog/productlistmodel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QShortcut>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kDebounceMs = 150;

/// Arrow down in the search box moves into the list, so the keyboard never has to leave home.
class SearchKeys final : public QObject {
public:
    SearchKeys(QTableView *view, QObject *parent) : QObject(parent), m_view(view) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const int key = static_cast<QKeyEvent *>(event)->key();
            if ((key == Qt::Key_Down || key == Qt::Key_Return || key == Qt::Key_Enter) && m_view->model()->rowCount() > 0) {
                m_view->setFocus();
                if (!m_view->currentIndex().isValid())
                    m_view->setCurrentIndex(m_view->model()->index(0, ProductListModel::NameColumn));
                m_view->selectRow(m_view->currentIndex().row());
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QTableView *m_view;
};

} // namespace

CatalogScreen::CatalogScreen(CatalogReaderFactory readers, ProductRepositoryFactory products, QString currency,
                             QWidget *parent)
    : QWidget(parent), m_readers(readers), m_products(std::move(products)), m_currency(std::move(currency))
{
    setObjectName(u"catalogScreen"_s);
    setAccessibleName(tr("Catalog"));
    m_runner = new CatalogQueryRunner(std::move(readers), this);
    m_model = new ProductListModel(this);

    auto *layout = new QVBoxLayout(this);
    m_toolBar = new QToolBar(tr("Catalog"), this);
    m_toolBar->setObjectName(u"catalogToolBar"_s);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *newAction = m_toolBar->addAction(QIcon::fromTheme(u"document-new"_s), tr("&New product"), this,
                                           &CatalogScreen::newProduct);
    newAction->setShortcut(QKeySequence::New);
    newAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    newAction->setObjectName(u"newProductAction"_s);
    addAction(newAction);
    auto *openAction = m_toolBar->addAction(QIcon::fromTheme(u"document-open"_s), tr("&Edit"), this,
                                            &CatalogScreen::openSelected);
    openAction->setObjectName(u"editProductAction"_s);
    auto *refreshAction = m_toolBar->addAction(QIcon::fromTheme(u"view-refresh"_s), tr("&Refresh"), this,
                                               &CatalogScreen::refresh);
    refreshAction->setShortcut(QKeySequence::Refresh);
    refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(refreshAction);
    layout->addWidget(m_toolBar);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &CatalogScreen::applyFilters);

    m_view = new QTableView(this);
    auto *bar = new QWidget(this);
    buildFilters(bar);
    layout->addWidget(bar);

    m_view->setObjectName(u"productTable"_s);
    m_view->setAccessibleName(tr("Products"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);   // several products for labels
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setIconSize(QSize(60, 40));
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setDefaultSectionSize(44);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(ProductListModel::NameColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSortIndicatorShown(true);
    m_view->setColumnWidth(ProductListModel::PhotoColumn, 72);
    m_view->setColumnWidth(ProductListModel::SkuColumn, 170);
    m_view->setColumnWidth(ProductListModel::BrandColumn, 130);
    m_view->setTabKeyNavigation(false);
    layout->addWidget(m_view, 1);

    m_count = new QLabel(this);
    m_count->setObjectName(u"countLabel"_s);
    m_count->setAccessibleName(tr("List status"));
    layout->addWidget(m_count);

    connect(m_model, &ProductListModel::pageRequested, m_runner, &CatalogQueryRunner::requestPage);
    connect(m_runner, &CatalogQueryRunner::pageReady, m_model, &ProductListModel::applyPage);
    connect(m_runner, &CatalogQueryRunner::pageFailed, m_model, &ProductListModel::applyFailure);
    connect(m_model, &ProductListModel::thumbnailRequested, m_runner, &CatalogQueryRunner::requestThumbnail);
    connect(m_runner, &CatalogQueryRunner::thumbnailReady, m_model, &ProductListModel::applyThumbnail);
    connect(m_model, &ProductListModel::resultsReady, this, [this] {
        showCount();
        Q_EMIT resultsShown();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &CatalogScreen::showCount);
    connect(m_runner, &CatalogQueryRunner::brandsReady, this, [this](const QStringList &brands) {
        const QString current = m_brand->currentData().toString();
        const QSignalBlocker block(m_brand);
        m_brand->clear();
        m_brand->addItem(tr("All brands"), QString());
        for (const QString &b : brands)
            m_brand->addItem(b, b);
        m_brand->setCurrentIndex(qMax(0, m_brand->findData(current)));
    });
    connect(m_view, &QTableView::activated, this, &CatalogScreen::openSelected);

    auto *find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });

    setTabOrder(m_search, m_brand);
    setTabOrder(m_brand, m_condition);
    setTabOrder(m_condition, m_stock);
    setTabOrder(m_stock, m_published);
    setTabOrder(m_published, m_archived);
    setTabOrder(m_archived, m_view);

    m_runner->requestBrands();
    // Sorting by name is the first query; setSortingEnabled() asks the model to sort at once.
    m_view->horizontalHeader()->setSortIndicator(ProductListModel::NameColumn, Qt::AscendingOrder);
    m_view->setSortingEnabled(true);
    m_model->setQuery(currentQuery());
}

CatalogScreen::~CatalogScreen()
{
    // Children die after this body; their last signals must not reach a half-destroyed screen.
    for (QObject *source : std::initializer_list<QObject *>{m_search, m_brand, m_condition, m_stock, m_published, m_archived,
                                                            m_model, m_runner, m_debounce, m_view})
        source->disconnect(this);
}

void CatalogScreen::buildFilters(QWidget *bar)
{
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_search = new QLineEdit(bar);
    m_search->setObjectName(u"searchField"_s);
    m_search->setAccessibleName(tr("Search products"));
    m_search->setPlaceholderText(tr("Search SKU, name, brand, colorway (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaxLength(200);
    m_search->installEventFilter(new SearchKeys(m_view, m_search));
    row->addWidget(m_search, 3);

    auto combo = [&](QComboBox *&box, const QString &name, const QString &accessible) {
        box = new QComboBox(bar);
        box->setObjectName(name);
        box->setAccessibleName(accessible);
        row->addWidget(box, 1);
    };
    combo(m_brand, u"brandFilter"_s, tr("Brand filter"));
    m_brand->addItem(tr("All brands"), QString());
    combo(m_condition, u"conditionFilter"_s, tr("Condition filter"));
    m_condition->addItem(tr("Any condition"), QString());
    for (Condition c : {Condition::New, Condition::Used})
        m_condition->addItem(displayName(c), toString(c));
    combo(m_stock, u"stockFilter"_s, tr("Stock filter"));
    m_stock->addItem(tr("Any stock"), int(StockFilter::Any));
    m_stock->addItem(tr("In stock"), int(StockFilter::InStock));
    m_stock->addItem(tr("Low stock"), int(StockFilter::Low));
    m_stock->addItem(tr("Sold out"), int(StockFilter::SoldOut));
    combo(m_published, u"publishedFilter"_s, tr("Published filter"));
    m_published->addItem(tr("Published and drafts"), QString());
    m_published->addItem(tr("Published"), u"yes"_s);
    m_published->addItem(tr("Drafts"), u"no"_s);
    m_archived = new QCheckBox(tr("Show arc&hived"), bar);
    m_archived->setObjectName(u"archivedFilter"_s);
    m_archived->setAccessibleName(tr("Show archived products"));
    row->addWidget(m_archived);
    // Connected once filled, so building the combos runs no queries.
    for (QComboBox *box : {m_brand, m_condition, m_stock, m_published})
        connect(box, &QComboBox::currentIndexChanged, this, &CatalogScreen::applyFilters);
    connect(m_archived, &QCheckBox::toggled, this, &CatalogScreen::applyFilters);
    connect(m_search, &QLineEdit::textEdited, m_debounce, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())  // the clear button: no need to wait
            applyFilters();
    });
}

ProductQuery CatalogScreen::currentQuery() const
{
    ProductQuery q = m_model->query();
    q.search = m_search->text().trimmed();
    q.brand = m_brand->currentData().toString();
    q.condition = conditionFromString(m_condition->currentData().toString());
    q.stock = static_cast<StockFilter>(m_stock->currentData().toInt());
    const QString published = m_published->currentData().toString();
    q.published = published.isEmpty() ? std::nullopt : std::optional<bool>(published == u"yes"_s);
    q.includeArchived = m_archived->isChecked();
    return q;
}

void CatalogScreen::applyFilters()
{
    m_debounce->stop();
    m_count->setText(tr("Searching…"));
    m_model->setQuery(currentQuery());
}

void CatalogScreen::refresh()
{
    m_runner->requestBrands();
    m_model->reload();
}

void CatalogScreen::showCount()
{
    if (!m_model->lastError().isEmpty()) {
        m_count->setText(tr("The product list could not be loaded: %1").arg(m_model->lastError()));
        return;
    }
    const int rows = m_model->rowCount();
    m_count->setText(m_model->canFetchMore({}) ? tr("Showing the first %1 products; scroll for more").arg(rows)
                                               : rows == 1 ? tr("1 product") : tr("%1 products").arg(rows));
}

void CatalogScreen::setPhotosFactory(ProductEditor::PhotosFactory factory)
{
    m_photos = std::move(factory);
    delete m_editor;
    m_editor = nullptr;
}

QString CatalogScreen::pendingWork() const
{
    if (!m_editor || !m_editor->isVisible() || !m_editor->isDirty())
        return {};
    return tr("Catalog: unsaved changes in “%1”").arg(m_editor->windowTitle());
}

ProductEditor *CatalogScreen::editor()
{
    if (!m_editor) {
        m_editor = new ProductEditor(m_products, m_readers, m_currency, m_photos, this);
        if (!m_shopTimeZone.isEmpty())
            m_editor->setShopTimeZone(m_shopTimeZone);
        if (!m_readOnlyReason.isEmpty())
            m_editor->setReadOnly(m_readOnlyReason);
        connect(m_editor, &ProductEditor::saved, this, [this] { m_model->reload(); });
    }
    return m_editor;
}

void CatalogScreen::newProduct()
{
    ProductEditor *e = editor();
    e->startNew();
    e->show();
    e->raise();
}

void CatalogScreen::setReadOnly(const QString &reason)
{
    m_readOnlyReason = reason;
    if (QAction *add = findChild<QAction *>(u"newProductAction"_s)) {
        add->setEnabled(reason.isEmpty());
        add->setToolTip(reason.isEmpty() ? tr("New product (Ctrl+N)") : reason);
    }
    if (m_editor)
        m_editor->setReadOnly(reason);
}

QStringList CatalogScreen::selectedProductIds() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    QStringList ids;
    for (int row : std::as_const(rows)) {
        if (const ProductListRow *product = m_model->rowAt(row))
            ids.append(product->id);
    }
    return ids;
}

void CatalogScreen::openSelected()
{
    const ProductListRow *row = m_model->rowAt(m_view->currentIndex().row());
    if (row)
        openProduct(row->id);
}

void CatalogScreen::openProduct(const QString &productId)
{
    // On the list's reader, after the queries asked before it: no session of its own needed.
    m_runner->runWithReader(this, [productId](CatalogReader &reader) { return reader.productById(productId); },
                            [this](const Result<std::optional<Product>> &product) {
        if (!product || !product->has_value()) {
            m_count->setText(product ? tr("That product no longer exists.")
                                     : tr("The product could not be opened: %1").arg(product.error().message));
            return;
        }
        ProductEditor *e = editor();
        e->edit(**product);
        e->show();
        e->raise();
    });
}

} // namespace rdk

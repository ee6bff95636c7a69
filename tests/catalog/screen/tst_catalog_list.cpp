// The catalog screen's list against a real PostgreSQL: pages fetched on demand, search as
// you type and filters served off the UI thread, sorting, keyboard navigation, thumbnails.
#include "tests/catalog/screen/catalogfixture.h"
#include "ui/catalog/catalogscreen.h"
#include "ui/catalog/producteditor.h"
#include "ui/catalog/productlistmodel.h"

#include <QApplication>
#include <QBuffer>
#include <QComboBox>
#include <QHeaderView>
#include <QIcon>
#include <QImage>
#include <QLineEdit>
#include <QSet>
#include <QTableView>
#include <QIcon>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr int kProducts = 260;

QStringList skusShown(const ProductListModel &model)
{
    QStringList skus;
    for (int row = 0; row < model.rowCount(); ++row)
        skus.append(model.rowAt(row)->sku);
    return skus;
}

/// Pulls every page the way a view does when the user scrolls to the end.
void fetchAll(ProductListModel &model)
{
    const bool done = QTest::qWaitFor([&model] {
        if (model.canFetchMore({}))
            model.fetchMore({});
        return !model.canFetchMore({}) && !model.isLoading();
    }, 60'000);
    QVERIFY2(done, "the list did not finish loading in 60 s");
}

} // namespace

class TestCatalogList final : public QObject {
    Q_OBJECT

    test::CatalogFixture m_f;
    std::unique_ptr<CatalogScreen> m_screen;

    /// SKUs the database itself returns for a condition, sorted like the list's default.
    QStringList expectedSkus(const std::string &where)
    {
        pqxx::work tx(m_f.owner->connection());
        QStringList skus;
        for (const auto &r : tx.exec("SELECT p.sku FROM products p WHERE NOT archived AND (" + where + ") ORDER BY p.name, p.id"))
            skus.append(data::text(r[0]));
        tx.commit();
        return skus;
    }

    void waitForResults()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!m_screen->model()->isLoading(), 10000);
    }

private Q_SLOTS:
    void init()
    {
        const QString error = m_f.setUp();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_f.bulkInsert(kProducts);
        m_screen = std::make_unique<CatalogScreen>(m_f.readerFactory(), m_f.productFactory(), u"USD"_s);
        m_screen->resize(1100, 700);
        m_screen->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_screen.get()));
        waitForResults();
    }

    void cleanup()
    {
        m_screen.reset();
        m_f.tearDown();
    }

    void list_firstPage_isOnePageNotTheWholeTable()
    {
        ProductListModel *model = m_screen->model();
        QCOMPARE(model->rowCount(), ProductListModel::PageSize);
        QVERIFY(model->canFetchMore({}));
        QCOMPARE(model->lastError(), QString());
        QCOMPARE(skusShown(*model), expectedSkus("true").mid(0, ProductListModel::PageSize));
    }

    void list_fetchMore_pagesThroughEveryProductOnce()
    {
        ProductListModel *model = m_screen->model();
        model->fetchMore({});
        QTRY_COMPARE(model->rowCount(), 2 * ProductListModel::PageSize);
        fetchAll(*model);
        QCOMPARE(model->rowCount(), kProducts);
        QVERIFY(!model->canFetchMore({}));
        const QStringList skus = skusShown(*model);
        QCOMPARE(QSet<QString>(skus.begin(), skus.end()).size(), kProducts);
        QCOMPARE(skus, expectedSkus("true"));
    }

    void list_scrollingToTheEnd_fetchesTheNextPage()
    {
        QTableView *view = m_screen->view();
        view->scrollToBottom();  // the view asks the model for more when it reaches the end
        QTRY_COMPARE(m_screen->model()->rowCount(), 2 * ProductListModel::PageSize);
        view->scrollToBottom();
        QTRY_COMPARE(m_screen->model()->rowCount(), kProducts);
        view->scrollToBottom();
        QTest::qWait(50);   // proves a negative: a further scroll at the end fetches nothing more
        QCOMPARE(m_screen->model()->rowCount(), kProducts);
    }

    void list_rowsCarryStockAndPrice()
    {
        ProductListModel *model = m_screen->model();
        const ProductListRow *row = model->rowAt(0);
        QVERIFY(row);
        const QString stock = m_f.scalar("SELECT sum(quantity) FROM inventory i JOIN products p ON p.id = i.product_id "
                                         "WHERE p.sku = '" + row->sku.toStdString() + "'");
        QCOMPARE(QString::number(row->totalStock), stock);
        const QString price = m_f.scalar("SELECT price_minor FROM products WHERE sku = '" + row->sku.toStdString() + "'");
        QCOMPARE(QString::number(row->price.minor()), price);
        QCOMPARE(model->data(model->index(0, ProductListModel::StockColumn)).toInt(), row->totalStock);
    }

    void search_typed_showsOnlyMatchesFromTheDatabase_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("where");
        QTest::addRow("colorway") << u"zebra"_s << u"p.colorway ILIKE '%zebra%'"_s;
        QTest::addRow("brand, mixed case") << u"NeW bAlAnCe"_s << u"p.brand = 'New Balance'"_s;
        QTest::addRow("sku part") << u"bulk-0012"_s << u"p.sku LIKE 'BULK-0012%'"_s;
        QTest::addRow("name") << u"kayano"_s << u"p.name ILIKE '%kayano%'"_s;
        QTest::addRow("like wildcards are literal") << u"%_"_s << u"false"_s;
        QTest::addRow("hostile") << u"'; DROP TABLE products; --"_s << u"false"_s;
    }

    void search_typed_showsOnlyMatchesFromTheDatabase()
    {
        QFETCH(QString, typed);
        QFETCH(QString, where);
        QLineEdit *search = m_screen->searchField();
        search->setFocus();
        QTest::keyClicks(search, typed);  // one keystroke at a time, as a person types
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->model()->query().search, typed.trimmed(), 5000);
        waitForResults();
        fetchAll(*m_screen->model());
        QCOMPARE(skusShown(*m_screen->model()), expectedSkus(where.toStdString()));
        QCOMPARE(m_f.scalar("SELECT count(*) FROM products"), QString::number(kProducts));  // the hostile one did nothing
    }

    void search_neverShowsAnotherShopsProducts()
    {
        // The search function runs with the owner's rights; it must still keep to the caller's shop.
        const QString other = m_f.db->createTenant(u"other-shop"_s);
        m_f.db->execOwner("INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, "
                          "inventory_strategy) VALUES ('" + other.toStdString() + "', 'OTHER-ZEBRA-1', 'Zebra Other', "
                          "'Nike', 'new', 1000, 'USD', 'flat')");
        for (const QString &term : {u"other-zebra"_s, u"zebra other"_s}) {
            ProductQuery q = m_screen->model()->query();
            q.search = term;
            m_screen->model()->setQuery(q);
            waitForResults();
            QCOMPARE(m_screen->model()->lastError(), QString());
            QCOMPARE(m_screen->model()->rowCount(), 0);
        }
        ProductQuery q = m_screen->model()->query();
        q.search = u"zebra"_s;
        m_screen->model()->setQuery(q);
        waitForResults();
        fetchAll(*m_screen->model());
        QVERIFY(!skusShown(*m_screen->model()).contains(u"OTHER-ZEBRA-1"_s));
        QCOMPARE(m_screen->model()->rowCount(), expectedSkus("p.colorway = 'Zebra'").size());
    }

    void search_fastTyping_staleResultsAreDropped()
    {
        ProductListModel *model = m_screen->model();
        // Each query replaces the previous before its answer can land; only the last may show.
        for (const QString &text : {u"a"_s, u"ai"_s, u"air"_s, u"air j"_s, u"air jordan"_s}) {
            ProductQuery q = model->query();
            q.search = text;
            model->setQuery(q);
        }
        waitForResults();
        fetchAll(*model);
        QCOMPARE(skusShown(*model), expectedSkus("p.name ILIKE '%air jordan%'"));
    }

    void search_runsOffTheUiThread()
    {
        // The UI thread keeps turning while the query runs: a timer fires before the results land.
        ProductListModel *model = m_screen->model();
        bool ticked = false;
        QTimer::singleShot(0, this, [&] { ticked = true; });
        ProductQuery q = model->query();
        q.search = u"dunk"_s;
        model->setQuery(q);
        QVERIFY(model->isLoading());
        QCOMPARE(model->rowCount(), 0);
        QTRY_VERIFY(ticked);
        waitForResults();
        QVERIFY(model->rowCount() > 0);
    }

    void filters_combined_matchTheDatabase_data()
    {
        QTest::addColumn<QString>("brand");
        QTest::addColumn<QString>("condition");
        QTest::addColumn<int>("stock");
        QTest::addColumn<QString>("published");
        QTest::addColumn<QString>("where");
        QTest::addRow("brand") << u"Asics"_s << QString() << int(StockFilter::Any) << QString() << u"p.brand = 'Asics'"_s;
        QTest::addRow("used") << QString() << u"used"_s << int(StockFilter::Any) << QString() << u"p.condition = 'used'"_s;
        QTest::addRow("sold out") << QString() << QString() << int(StockFilter::SoldOut) << QString()
                                  << u"right(p.sku, 1) IN ('0', '1')"_s;
        QTest::addRow("low") << QString() << QString() << int(StockFilter::Low) << QString() << u"right(p.sku, 1) = '2'"_s;
        QTest::addRow("in stock, drafts") << QString() << QString() << int(StockFilter::InStock) << u"no"_s
                                          << u"right(p.sku, 1) NOT IN ('0', '1') AND NOT p.published"_s;
        QTest::addRow("nike, new, published") << u"Nike"_s << u"new"_s << int(StockFilter::Any) << u"yes"_s
                                              << u"p.brand = 'Nike' AND p.condition = 'new' AND p.published"_s;
    }

    void filters_combined_matchTheDatabase()
    {
        QFETCH(QString, brand);
        QFETCH(QString, condition);
        QFETCH(int, stock);
        QFETCH(QString, published);
        QFETCH(QString, where);
        auto *brandBox = m_screen->findChild<QComboBox *>(u"brandFilter"_s);
        QTRY_VERIFY(brandBox->count() > 1);  // brands arrive from the worker thread
        auto pick = [](QComboBox *box, const QVariant &data) {
            const int index = box->findData(data);
            QVERIFY2(index >= 0, qPrintable(data.toString()));
            box->setCurrentIndex(index);
        };
        pick(brandBox, brand);
        pick(m_screen->findChild<QComboBox *>(u"conditionFilter"_s), condition);
        pick(m_screen->findChild<QComboBox *>(u"stockFilter"_s), stock);
        pick(m_screen->findChild<QComboBox *>(u"publishedFilter"_s), published);
        waitForResults();
        fetchAll(*m_screen->model());
        const QStringList expected = expectedSkus(where.toStdString());
        QVERIFY(!expected.isEmpty());
        QCOMPARE(skusShown(*m_screen->model()), expected);
    }

    void sort_clickingColumns_ordersByThatColumn()
    {
        QHeaderView *header = m_screen->view()->horizontalHeader();
        ProductListModel *model = m_screen->model();
        // Clicking the Price header sorts by price; clicking again reverses the order.
        for (int click = 0; click < 2; ++click) {
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                              QPoint(header->sectionViewportPosition(ProductListModel::PriceColumn) + 5, 5));
            QCOMPARE(header->sortIndicatorSection(), int(ProductListModel::PriceColumn));
            const bool descending = header->sortIndicatorOrder() == Qt::DescendingOrder;
            QCOMPARE(model->query().descending, descending);
            waitForResults();
            QCOMPARE(QString::number(model->rowAt(0)->price.minor()),
                     m_f.scalar(descending ? "SELECT max(price_minor) FROM products" : "SELECT min(price_minor) FROM products"));
        }
        // Every other column: the first page comes back in that column's order.
        for (int column : {int(ProductListModel::SkuColumn), int(ProductListModel::BrandColumn),
                           int(ProductListModel::StockColumn), int(ProductListModel::ConditionColumn),
                           int(ProductListModel::PublishedColumn)}) {
            m_screen->view()->sortByColumn(column, Qt::AscendingOrder);
            waitForResults();
            QCOMPARE(model->rowCount(), ProductListModel::PageSize);
            for (int row = 1; row < model->rowCount(); ++row) {
                const QVariant a = model->data(model->index(row - 1, column));
                const QVariant b = model->data(model->index(row, column));
                if (column == ProductListModel::StockColumn)
                    QVERIFY(model->rowAt(row - 1)->available <= model->rowAt(row)->available);
                else
                    QVERIFY2(QString::compare(a.toString(), b.toString()) <= 0 || column == ProductListModel::PublishedColumn,
                             qPrintable(a.toString() + u" > "_s + b.toString()));
            }
        }
    }

    void keyboard_ctrlFThenArrowsAndEnter_opensTheProduct()
    {
        QApplication::setActiveWindow(m_screen.get());
        QTest::keyClick(m_screen.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(m_screen->searchField()->hasFocus());
        QTest::keyClick(m_screen->searchField(), Qt::Key_Down);
        QTRY_VERIFY(m_screen->view()->hasFocus());
        QTest::keyClick(m_screen->view(), Qt::Key_Down);
        QCOMPARE(m_screen->view()->currentIndex().row(), 1);
        const QString sku = m_screen->model()->rowAt(1)->sku;
        QTest::keyClick(m_screen->view(), Qt::Key_Return);
        QTRY_VERIFY(m_screen->editor()->isVisible());
        QCOMPARE(m_screen->editor()->storedProduct().sku, sku);
        QCOMPARE(m_screen->editor()->findChild<QLineEdit *>(u"skuEdit"_s)->text(), sku);
    }

    void keyboard_ctrlN_opensAnEmptyEditor()
    {
        QApplication::setActiveWindow(m_screen.get());
        m_screen->view()->setFocus();
        QTest::keyClick(m_screen->view(), Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(m_screen->editor()->isVisible());
        QVERIFY(m_screen->editor()->storedProduct().id.isEmpty());
        QCOMPARE(m_screen->editor()->findChild<QLineEdit *>(u"skuEdit"_s)->text(), QString());
    }

    void pendingWork_namesTheProductWithUnsavedChanges()
    {
        QCOMPARE(m_screen->pendingWork(), QString());   // no editor yet
        QApplication::setActiveWindow(m_screen.get());
        m_screen->view()->setFocus();
        m_screen->view()->setCurrentIndex(m_screen->model()->index(0, 0));
        QTest::keyClick(m_screen->view(), Qt::Key_Return);
        QTRY_VERIFY(m_screen->editor()->isVisible());
        QTRY_VERIFY(!m_screen->editor()->storedProduct().sku.isEmpty());
        QCOMPARE(m_screen->pendingWork(), QString());   // open, nothing changed
        const QString sku = m_screen->editor()->storedProduct().sku;
        QTest::keyClicks(m_screen->editor()->findChild<QLineEdit *>(u"nameEdit"_s), u" v2"_s);
        QVERIFY2(m_screen->pendingWork().startsWith(u"Catalog: unsaved changes in “"_s + sku), qPrintable(m_screen->pendingWork()));
        m_screen->editor()->hide();
        QCOMPARE(m_screen->pendingWork(), QString());
    }

    void thumbnails_loadLazilyForVisibleRows()
    {
        ProductListModel *model = m_screen->model();
        const ProductListRow *first = model->rowAt(0);
        QVERIFY(first);
        QImage picture(120, 80, QImage::Format_RGB32);
        picture.fill(Qt::red);
        QByteArray jpeg;
        QBuffer buffer(&jpeg);
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(picture.save(&buffer, "JPEG"));
        const std::string hex = jpeg.toHex().toStdString();
        m_f.db->execOwner(
            "WITH img AS (INSERT INTO product_images (tenant_id, product_id, content_hash, is_primary) "
            "  SELECT tenant_id, id, repeat('a', 64), true FROM products WHERE id = '" + first->id.toStdString() + "' "
            "  RETURNING id, tenant_id) "
            "INSERT INTO product_image_variants (tenant_id, image_id, variant, file_name, mime, width, height, byte_size, data) "
            "SELECT tenant_id, id, 'thumb', 'product-x-thumb.jpg', 'image/jpeg', 120, 80, " + std::to_string(jpeg.size()) +
            ", decode('" + hex + "', 'hex') FROM img");
        m_screen->refresh();
        waitForResults();
        QVERIFY(!model->rowAt(0)->thumbnailId.isEmpty());
        QVERIFY(model->rowAt(1)->thumbnailId.isEmpty());
        m_screen->view()->viewport()->update();
        QTRY_VERIFY(model->data(model->index(0, ProductListModel::PhotoColumn), Qt::DecorationRole).canConvert<QIcon>());
        const QIcon icon = model->data(model->index(0, ProductListModel::PhotoColumn), Qt::DecorationRole).value<QIcon>();
        // Fitted into the view's icon size with its shape kept (120x80 -> 60x40), not clipped.
        const QImage shown = icon.pixmap(m_screen->view()->iconSize()).toImage();
        QVERIFY(!shown.isNull());
        QCOMPARE(shown.size(), QSize(60, 40));
        QVERIFY(qRed(shown.pixel(shown.width() / 2, shown.height() / 2)) > 200);
    }
};

QTEST_MAIN(TestCatalogList)
#include "tst_catalog_list.moc"

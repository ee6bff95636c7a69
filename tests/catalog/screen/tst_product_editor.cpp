// The product editor driven through its widgets against a real PostgreSQL: create with a size
// run and stock, price edits, stock reasons in the audit log, the concurrent-edit conflict,
// and bad input refused next to its field with nothing stored.
#include "tests/catalog/screen/catalogfixture.h"
#include "ui/catalog/producteditor.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QTimer>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTimeZone>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestProductEditor final : public QObject {
    Q_OBJECT

    test::CatalogFixture m_f;
    std::unique_ptr<ProductEditor> m_editor;

    template <typename T>
    T *child(const QString &name)
    {
        T *widget = m_editor->findChild<T *>(name);
        if (!widget)
            qFatal("no widget %s", qPrintable(name));
        return widget;
    }

    void type(const QString &field, const QString &text)
    {
        auto *edit = child<QLineEdit>(field);
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        bool ascii = true;
        for (QChar c : text)
            ascii = ascii && c.unicode() < 0x80;
        if (ascii)
            QTest::keyClicks(edit, text);
        else
            edit->insert(text);  // QTest can only synthesise ASCII key presses
    }

    void pickData(const QString &combo, const QString &data)
    {
        auto *box = child<QComboBox>(combo);
        const int index = box->findData(data);
        QVERIFY2(index >= 0, qPrintable(data));
        box->setCurrentIndex(index);
    }

    /// Ticks a size in the grid and types its quantity, the way the cell editor commits it.
    void setSize(const QString &size, const QString &quantity, bool inRun = true)
    {
        auto *grid = child<QTableWidget>(u"stockGrid"_s);
        for (int row = 0; row < grid->rowCount(); ++row) {
            if (grid->item(row, 0)->text() == size) {
                grid->item(row, 0)->setCheckState(inRun ? Qt::Checked : Qt::Unchecked);
                grid->item(row, 1)->setText(quantity);
                return;
            }
        }
        QFAIL(qPrintable(u"size %1 not in the grid"_s.arg(size)));
    }

    /// Types a box barcode into a size's row, the way a scanner in the cell editor commits it.
    void setBarcode(const QString &size, const QString &barcode)
    {
        auto *grid = child<QTableWidget>(u"stockGrid"_s);
        for (int row = 0; row < grid->rowCount(); ++row) {
            if (grid->item(row, 0)->text() == size) {
                grid->item(row, 3)->setText(barcode);
                return;
            }
        }
        QFAIL(qPrintable(u"size %1 not in the grid"_s.arg(size)));
    }

    /// Saves run off the UI thread: waits until the answer is in (at once if none was started).
    void waitForSave() { QTRY_VERIFY_WITH_TIMEOUT(!m_editor->isSaving(), 15000); }

    void clickSave()
    {
        QTest::mouseClick(child<QPushButton>(u"saveButton"_s), Qt::LeftButton);
        waitForSave();
    }

    /// save() and its answer: true when the product was stored.
    bool saveAndWait()
    {
        QSignalSpy finished(m_editor.get(), &ProductEditor::saveFinished);
        if (!m_editor->save())
            return false;
        return finished.wait(15000) && finished.first().first().toBool();
    }

    /// Fills in a valid per-size product: SKU, name, brand, colorway, price, sizes 9/9.5/10.
    void fillValidProduct(const QString &sku)
    {
        type(u"skuEdit"_s, sku);
        type(u"nameEdit"_s, u"Air Jordan 1 Retro High OG"_s);
        type(u"brandEdit"_s, u"Jordan"_s);
        type(u"colorwayEdit"_s, u"Chicago"_s);
        type(u"priceEdit"_s, u"180.00"_s);
        child<QRadioButton>(u"perSizeRadio"_s)->setChecked(true);
        pickData(u"sizeSystemCombo"_s, u"mens"_s);
        setSize(u"9"_s, u"2"_s);
        setSize(u"9.5"_s, u"0"_s);
        setSize(u"10"_s, u"1"_s);
        pickData(u"stockReasonCombo"_s, u"received"_s);
    }

    Product stored(const QString &sku)
    {
        auto found = m_f.products->findBySku(sku);
        if (!found || !found->has_value())
            qFatal("product %s not stored", qPrintable(sku));
        return **found;
    }

    QStringList auditRows(const std::string &entity)
    {
        pqxx::work tx(m_f.owner->connection());
        QStringList rows;
        for (const auto &r : tx.exec_params("SELECT action, coalesce(reason, ''), coalesce(before::text, ''), "
                                            "coalesce(after::text, '') FROM audit_log WHERE entity = $1 ORDER BY id",
                                            entity))
            rows.append(data::text(r[0]) + u"|"_s + data::text(r[1]) + u"|"_s + data::text(r[2]) + u"|"_s + data::text(r[3]));
        tx.commit();
        return rows;
    }

private Q_SLOTS:
    void init()
    {
        const QString error = m_f.setUp();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_editor = std::make_unique<ProductEditor>(m_f.productFactory(), m_f.readerFactory(), u"USD"_s);
        m_editor->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_editor.get()));
    }

    void cleanup()
    {
        m_editor.reset();
        m_f.tearDown();
    }

    void create_withSizeRunAndStock_storesItAndAuditsTheReason()
    {
        fillValidProduct(u"aj1-chi-01"_s);
        QSignalSpy saved(m_editor.get(), &ProductEditor::saved);
        clickSave();
        QCOMPARE(saved.count(), 1);
        QCOMPARE(child<QLabel>(u"stockError"_s)->isVisible(), false);

        const Product p = stored(u"AJ1-CHI-01"_s);  // the SKU is stored in its normal form
        QCOMPARE(p.name, u"Air Jordan 1 Retro High OG"_s);
        QCOMPARE(p.price.minor(), 18000);
        QCOMPARE(p.price.currency(), u"USD"_s);
        QCOMPARE(toString(p.inventoryStrategy), u"per_size"_s);
        QCOMPARE(p.sizeRun, QStringList({u"9"_s, u"9.5"_s, u"10"_s}));
        QCOMPARE(p.stock.size(), 3);
        QCOMPARE(p.stock[0].size, u"9"_s);
        QCOMPARE(p.stock[0].quantity, 2);
        QCOMPARE(p.stock[2].quantity, 1);
        QCOMPARE(p.totalStock(), 3);

        const QStringList inventory = auditRows("inventory");
        QCOMPARE(inventory.size(), 3);
        for (const QString &row : inventory)
            QVERIFY2(row.startsWith(u"insert|received|"_s), qPrintable(row));
        QVERIFY(auditRows("product").first().startsWith(u"insert|received|"_s));
        QVERIFY(!m_editor->isDirty());
    }

    void editPrice_savesAndAuditsBeforeAndAfter()
    {
        fillValidProduct(u"AJ1-CHI-02"_s);
        clickSave();
        const Product created = stored(u"AJ1-CHI-02"_s);
        m_editor->edit(created);
        type(u"priceEdit"_s, u"165.50"_s);
        QVERIFY(m_editor->isDirty());
        QApplication::setActiveWindow(m_editor.get());
        QTest::keyClick(child<QLineEdit>(u"priceEdit"_s), Qt::Key_S, Qt::ControlModifier);  // Ctrl+S saves
        waitForSave();
        QCOMPARE(m_editor->errorFor(u"price"_s), QString());
        const Product after = stored(u"AJ1-CHI-02"_s);
        QCOMPARE(after.price.minor(), 16550);
        QCOMPARE(after.version, created.version + 1);
        const QStringList product = auditRows("product");
        QCOMPARE(product.size(), 2);
        QVERIFY2(product.last().startsWith(u"update|edit|"_s), qPrintable(product.last()));
        QVERIFY2(product.last().contains(u"\"price_minor\": 18000"_s), qPrintable(product.last()));
        QVERIFY2(product.last().contains(u"\"price_minor\": 16550"_s), qPrintable(product.last()));
        QCOMPARE(auditRows("inventory").size(), 3);  // price only: no stock rows touched
    }

    void stockChange_withoutReason_isRefused_thenSavedWithIt()
    {
        fillValidProduct(u"AJ1-CHI-03"_s);
        clickSave();
        m_editor->edit(stored(u"AJ1-CHI-03"_s));
        setSize(u"9"_s, u"1"_s);  // one pair damaged
        QVERIFY(!saveAndWait());
        QVERIFY(!m_editor->errorFor(u"stockReason"_s).isEmpty());
        QCOMPARE(stored(u"AJ1-CHI-03"_s).stock[0].quantity, 2);

        pickData(u"stockReasonCombo"_s, u"damaged"_s);
        QVERIFY(saveAndWait());
        QCOMPARE(stored(u"AJ1-CHI-03"_s).stock[0].quantity, 1);
        const QStringList inventory = auditRows("inventory");
        QCOMPARE(inventory.size(), 4);
        QVERIFY2(inventory.last().startsWith(u"update|damaged|{\"reserved\": 0, \"quantity\": 2}"_s) ||
                     inventory.last().startsWith(u"update|damaged|{\"quantity\": 2, \"reserved\": 0}"_s),
                 qPrintable(inventory.last()));

    }

    void flatStock_countedAsAWhole_savesOneRowWithItsReason()
    {
        fillValidProduct(u"CAP-1"_s);
        child<QRadioButton>(u"flatRadio"_s)->setChecked(true);
        pickData(u"sizeSystemCombo"_s, QString());
        type(u"flatStockEdit"_s, u"4"_s);
        QVERIFY(saveAndWait());
        Product flat = stored(u"CAP-1"_s);
        QCOMPARE(toString(flat.inventoryStrategy), u"flat"_s);
        QCOMPARE(flat.stock.size(), 1);
        QCOMPARE(flat.stock[0].quantity, 4);
        m_editor->edit(flat);
        type(u"flatStockEdit"_s, u"3"_s);
        pickData(u"stockReasonCombo"_s, u"sold_in_store"_s);
        QVERIFY(saveAndWait());
        QCOMPARE(stored(u"CAP-1"_s).stock[0].quantity, 3);
        QVERIFY(auditRows("inventory").last().startsWith(u"update|sold_in_store|"_s));
    }

    // A cashier's login may not change products (the database grants them SELECT only): the
    // editor says so up front, every field is read-only and nothing can be saved or archived.
    void readOnly_forCashiers_saysWhyAndSavesNothing()
    {
        fillValidProduct(u"AJ1-RO-01"_s);
        QVERIFY(saveAndWait());
        m_editor->edit(stored(u"AJ1-RO-01"_s));
        m_editor->setReadOnly(u"Products are changed by operations staff or an administrator."_s);
        QVERIFY(child<QLabel>(u"readOnlyBanner"_s)->isVisible());
        QVERIFY(child<QLineEdit>(u"priceEdit"_s)->isReadOnly());
        QVERIFY(!child<QPushButton>(u"saveButton"_s)->isEnabled());
        QVERIFY(!child<QPushButton>(u"archiveButton"_s)->isEnabled());
        QVERIFY(!child<QPushButton>(u"duplicateButton"_s)->isEnabled());
        QCOMPARE(child<QPushButton>(u"saveButton"_s)->toolTip(), u"Products are changed by operations staff or an administrator."_s);
        QTest::keyClicks(child<QLineEdit>(u"priceEdit"_s), u"1"_s);   // typing changes nothing
        QCOMPARE(child<QLineEdit>(u"priceEdit"_s)->text(), u"180.00"_s);
        QVERIFY(!m_editor->save());
        QTest::keyClick(m_editor.get(), Qt::Key_S, Qt::ControlModifier);
        QVERIFY(!m_editor->setArchived(true));
        waitForSave();
        QCOMPARE(stored(u"AJ1-RO-01"_s).version, 1);   // never written again
    }

    void savedAt_isTheShopsTime_notThePcs()
    {
        // Kiritimati is UTC+14: no test machine runs in it, so the PC's clock can't pass for it.
        m_editor->setShopTimeZone(u"Pacific/Kiritimati"_s);
        const QTimeZone shop("Pacific/Kiritimati");
        const QString before = QDateTime::currentDateTimeUtc().toTimeZone(shop).toString(u"HH:mm"_s);
        fillValidProduct(u"AJ1-TZ-01"_s);
        QVERIFY(saveAndWait());
        const QString after = QDateTime::currentDateTimeUtc().toTimeZone(shop).toString(u"HH:mm"_s);
        const QString status = child<QLabel>(u"statusLabel"_s)->text();
        QVERIFY2(status.contains(u"at %1."_s.arg(before)) || status.contains(u"at %1."_s.arg(after)), qPrintable(status));
    }

    void boxBarcodes_checkedBeforeSaving_storedPerSize_andNeverOnTwoProducts()
    {
        fillValidProduct(u"AJ1-CHI-09"_s);
        setBarcode(u"9"_s, u"036000291453"_s);  // one digit off
        QVERIFY(!saveAndWait());
        QVERIFY2(m_editor->errorFor(u"gtin"_s).contains(u"should end in 2"_s), qPrintable(m_editor->errorFor(u"gtin"_s)));
        QCOMPARE(m_editor->findChild<QTabWidget *>()->currentIndex(), 1);   // the Stock tab, where the field is
        QVERIFY(!m_f.products->findBySku(u"AJ1-CHI-09"_s)->has_value());

        setBarcode(u"9"_s, u"036000291452\n"_s);   // as a scanner types it
        QVERIFY(saveAndWait());
        QVERIFY(m_editor->errorFor(u"gtin"_s).isEmpty());
        QCOMPARE(stored(u"AJ1-CHI-09"_s).stock[0].gtin, u"036000291452"_s);

        // A second product can't take the same box (the database says so; nothing is stored).
        m_editor->startNew();
        fillValidProduct(u"AJ1-CHI-10"_s);
        setBarcode(u"10"_s, u"0036000291452"_s);
        QVERIFY(!saveAndWait());
        QVERIFY2(m_editor->errorFor(u"gtin"_s).contains(u"already on another product or size"_s),
                 qPrintable(m_editor->errorFor(u"gtin"_s)));
        QVERIFY(m_editor->errorFor(u"sku"_s).isEmpty());   // not mistaken for a duplicate SKU
        QVERIFY(!m_editor->hasConflict());                  // nor for someone else's edit
        QVERIFY(!m_f.products->findBySku(u"AJ1-CHI-10"_s)->has_value());

        // The same when an existing product takes the code: a field error, not an edit conflict.
        setBarcode(u"10"_s, QString());
        QVERIFY(saveAndWait());
        m_editor->edit(stored(u"AJ1-CHI-10"_s));
        setBarcode(u"10"_s, u"036000291452"_s);
        QVERIFY(!saveAndWait());
        QVERIFY(m_editor->errorFor(u"gtin"_s).contains(u"already on another product or size"_s));
        QVERIFY(!m_editor->hasConflict());
        QVERIFY(stored(u"AJ1-CHI-10"_s).stock[2].gtin.isEmpty());
    }

    void concurrentEdit_isRefusedWithWhatChanged_andMyEditsCanBeReapplied()
    {
        fillValidProduct(u"AJ1-CHI-04"_s);
        clickSave();
        const Product loaded = stored(u"AJ1-CHI-04"_s);
        m_editor->edit(loaded);

        // Someone else, on their own connection, saves a new name and price meanwhile.
        auto other = data::PgSession::open(m_f.staffUrl);
        QVERIFY(other.ok());
        data::PgProductRepository theirRepo(*other.value());
        Product theirs = loaded;
        theirs.name = u"Air Jordan 1 High '85"_s;
        theirs.price = Money::of(20000, u"USD"_s).value();
        QVERIFY(theirRepo.update(theirs, u"edit"_s).ok());

        // Meanwhile I change the colorway and the price.
        type(u"colorwayEdit"_s, u"Chicago Lost & Found"_s);
        type(u"priceEdit"_s, u"175"_s);
        clickSave();
        QVERIFY(m_editor->hasConflict());
        QVERIFY(child<QWidget>(u"conflictPanel"_s)->isVisible());
        QCOMPARE(stored(u"AJ1-CHI-04"_s).price.minor(), 20000);  // nothing of mine overwrote theirs
        QCOMPARE(stored(u"AJ1-CHI-04"_s).colorway, u"Chicago"_s);
        QCOMPARE(child<QLineEdit>(u"colorwayEdit"_s)->text(), u"Chicago Lost & Found"_s);  // my edit is kept

        const QList<FieldDifference> diff = m_editor->conflictDifferences();
        QCOMPARE(diff.size(), 2);
        QCOMPARE(diff[0].field, u"name"_s);
        QCOMPARE(diff[0].theirs, u"Air Jordan 1 High '85"_s);
        QCOMPARE(diff[0].yours, u"Air Jordan 1 Retro High OG"_s);
        QCOMPARE(diff[1].field, u"price"_s);
        QCOMPARE(diff[1].theirs, u"$200.00"_s);
        QCOMPARE(diff[1].yours, u"$175.00"_s);
        auto *table = child<QTableWidget>(u"conflictTable"_s);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(1, 1)->text(), u"$200.00"_s);

        QTest::mouseClick(child<QPushButton>(u"reapplyButton"_s), Qt::LeftButton);
        QVERIFY(!m_editor->hasConflict());
        QCOMPARE(child<QLineEdit>(u"nameEdit"_s)->text(), u"Air Jordan 1 High '85"_s);
        QCOMPARE(child<QLineEdit>(u"colorwayEdit"_s)->text(), u"Chicago Lost & Found"_s);
        QCOMPARE(child<QLineEdit>(u"priceEdit"_s)->text(), u"175.00"_s);
        QVERIFY(saveAndWait());
        const Product merged = stored(u"AJ1-CHI-04"_s);
        QCOMPARE(merged.name, u"Air Jordan 1 High '85"_s);
        QCOMPARE(merged.colorway, u"Chicago Lost & Found"_s);
        QCOMPARE(merged.price.minor(), 17500);
        QCOMPARE(merged.version, loaded.version + 2);
    }

    void concurrentEdit_overwriteAfterSeeing_savesMine()
    {
        fillValidProduct(u"AJ1-CHI-05"_s);
        clickSave();
        const Product loaded = stored(u"AJ1-CHI-05"_s);
        m_editor->edit(loaded);
        Product theirs = loaded;
        theirs.stock[0].quantity = 5;  // they received three pairs of size 9
        QVERIFY(m_f.products->update(theirs, u"received"_s).ok());

        type(u"nameEdit"_s, u"AJ1 Chicago"_s);
        QVERIFY(!saveAndWait());
        QVERIFY(m_editor->hasConflict());
        const QList<FieldDifference> diff = m_editor->conflictDifferences();
        QCOMPARE(diff.size(), 1);
        QCOMPARE(diff[0].label, u"Stock, size 9"_s);
        QCOMPARE(diff[0].theirs, u"5"_s);
        QCOMPARE(diff[0].yours, u"2"_s);
        // Overwriting mine would set size 9 back to 2: that is a stock change and needs a reason.
        QTest::mouseClick(child<QPushButton>(u"overwriteButton"_s), Qt::LeftButton);
        waitForSave();
        QVERIFY(!m_editor->errorFor(u"stockReason"_s).isEmpty());
        QCOMPARE(stored(u"AJ1-CHI-05"_s).stock[0].quantity, 5);
        pickData(u"stockReasonCombo"_s, u"count_correction"_s);
        QVERIFY(saveAndWait());
        const Product after = stored(u"AJ1-CHI-05"_s);
        QCOMPARE(after.name, u"AJ1 Chicago"_s);
        QCOMPARE(after.stock[0].quantity, 2);
        QVERIFY(auditRows("inventory").last().startsWith(u"update|count_correction|"_s));
    }

    void invalidInput_isRefusedInline_nothingStored_data()
    {
        QTest::addColumn<QString>("widget");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("field");
        QTest::addRow("bad SKU") << u"skuEdit"_s << u"AJ1 CHI!"_s << u"sku"_s;
        QTest::addRow("SKU too short") << u"skuEdit"_s << u"A1"_s << u"sku"_s;
        QTest::addRow("SKU lookalike letters") << u"skuEdit"_s << u"aır-1"_s << u"sku"_s;
        QTest::addRow("empty name") << u"nameEdit"_s << u"   "_s << u"name"_s;
        QTest::addRow("empty brand") << u"brandEdit"_s << QString() << u"brand"_s;
        QTest::addRow("price with three decimals") << u"priceEdit"_s << u"180.001"_s << u"price"_s;
        QTest::addRow("negative price") << u"priceEdit"_s << u"-5"_s << u"price"_s;
        QTest::addRow("price in words") << u"priceEdit"_s << u"lots"_s << u"price"_s;
        QTest::addRow("price beyond int64") << u"priceEdit"_s << u"999999999999999999999"_s << u"price"_s;
        QTest::addRow("flat stock negative") << u"flatStockEdit"_s << u"-3"_s << u"stock"_s;
        QTest::addRow("flat stock oversized") << u"flatStockEdit"_s << u"100001"_s << u"stock"_s;
        QTest::addRow("flat stock fractional") << u"flatStockEdit"_s << u"1.5"_s << u"stock"_s;
    }

    void invalidInput_isRefusedInline_nothingStored()
    {
        QFETCH(QString, widget);
        QFETCH(QString, text);
        QFETCH(QString, field);
        fillValidProduct(u"GOOD-SKU-1"_s);
        if (widget == u"flatStockEdit"_s)
            child<QRadioButton>(u"flatRadio"_s)->setChecked(true);
        type(widget, text);
        QSignalSpy saved(m_editor.get(), &ProductEditor::saved);
        clickSave();
        QCOMPARE(saved.count(), 0);
        QVERIFY2(!m_editor->errorFor(field).isEmpty(), qPrintable(field));
        QVERIFY(child<QLabel>(field + u"Error"_s)->isVisible());
        QCOMPARE(m_f.scalar("SELECT count(*) FROM products"), u"0"_s);
        QCOMPARE(m_f.scalar("SELECT count(*) FROM inventory"), u"0"_s);
        QCOMPARE(m_f.scalar("SELECT count(*) FROM audit_log WHERE entity IN ('product', 'inventory')"), u"0"_s);
    }

    void negativeStockInGrid_isRefused()
    {
        fillValidProduct(u"GOOD-SKU-2"_s);
        setSize(u"10"_s, u"-1"_s);
        QVERIFY(!saveAndWait());
        QVERIFY(m_editor->errorFor(u"stock"_s).contains(u"size 10"_s));
        QCOMPARE(m_f.scalar("SELECT count(*) FROM products"), u"0"_s);
    }

    void duplicateSku_isRefusedNextToTheSku()
    {
        fillValidProduct(u"DUP-1"_s);
        QVERIFY(saveAndWait());
        m_editor->startNew();
        fillValidProduct(u"dup-1"_s);
        QVERIFY(!saveAndWait());
        QVERIFY(!m_editor->errorFor(u"sku"_s).isEmpty());
        QCOMPARE(m_f.scalar("SELECT count(*) FROM products"), u"1"_s);
    }

    void duplicateThenArchive_keepsBothAndNeverDeletes()
    {
        fillValidProduct(u"ORIG-1"_s);
        QVERIFY(saveAndWait());
        QApplication::setActiveWindow(m_editor.get());
        QTest::keyClick(m_editor.get(), Qt::Key_D, Qt::ControlModifier);
        QVERIFY(m_editor->storedProduct().id.isEmpty());
        QCOMPARE(child<QLineEdit>(u"skuEdit"_s)->text(), QString());
        QCOMPARE(child<QLineEdit>(u"nameEdit"_s)->text(), u"Air Jordan 1 Retro High OG"_s);
        type(u"skuEdit"_s, u"COPY-1"_s);
        QVERIFY(saveAndWait());
        const Product copy = stored(u"COPY-1"_s);
        QCOMPARE(copy.totalStock(), 0);
        QVERIFY(!copy.published);

        m_editor->edit(stored(u"ORIG-1"_s));
        child<QCheckBox>(u"publishedCheck"_s)->setChecked(true);
        QVERIFY(saveAndWait());
        QVERIFY(stored(u"ORIG-1"_s).published);
        QTest::mouseClick(child<QPushButton>(u"archiveButton"_s), Qt::LeftButton);
        waitForSave();
        const Product archived = stored(u"ORIG-1"_s);
        QVERIFY(archived.archived);
        QVERIFY(!archived.published);
        QCOMPARE(m_f.scalar("SELECT count(*) FROM products"), u"2"_s);
    }

    void save_showsProgress_thenGivesTheFocusBack()
    {
        fillValidProduct(u"BUSY-1"_s);
        QApplication::setActiveWindow(m_editor.get());
        auto *name = child<QLineEdit>(u"nameEdit"_s);
        name->setFocus();
        auto *save = child<QPushButton>(u"saveButton"_s);
        QSignalSpy finished(m_editor.get(), &ProductEditor::saveFinished);
        QVERIFY(m_editor->save());
        // The answer can't be in yet: it comes through the event loop.
        QVERIFY(m_editor->isSaving());
        QVERIFY(!save->isEnabled());
        QCOMPARE(save->text(), u"Saving…"_s);
        QCOMPARE(child<QLabel>(u"statusLabel"_s)->text(), u"Saving…"_s);
        QVERIFY(!m_editor->save());  // one save at a time
        QVERIFY(finished.wait(15000));
        QCOMPARE(finished.size(), 1);
        QVERIFY(finished.first().first().toBool());
        QVERIFY(save->isEnabled());
        QCOMPARE(save->text(), u"&Save"_s);
        QTRY_VERIFY(name->hasFocus());
        QCOMPARE(m_f.scalar("SELECT count(*) FROM products"), u"1"_s);
    }

    void save_withoutDatabase_saysWhyAndKeepsTheForm()
    {
        m_editor = std::make_unique<ProductEditor>([]() -> Result<std::unique_ptr<ProductRepository>> {
            return Error::unavailable(u"The database is not reachable."_s);
        }, m_f.readerFactory(), u"USD"_s);
        m_editor->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_editor.get()));
        fillValidProduct(u"OFF-1"_s);
        QVERIFY(!saveAndWait());
        QVERIFY(child<QLabel>(u"statusLabel"_s)->text().contains(u"The database is not reachable."_s));
        QCOMPARE(child<QLineEdit>(u"skuEdit"_s)->text(), u"OFF-1"_s);
        QVERIFY(child<QPushButton>(u"saveButton"_s)->isEnabled());
    }

    void escape_withUnsavedEdits_asksBeforeDiscarding()
    {
        fillValidProduct(u"ESC-1"_s);
        QVERIFY(m_editor->isDirty());
        // First answer Cancel: the editor stays open with the edits; then Discard closes it.
        for (const auto button : {QMessageBox::Cancel, QMessageBox::Discard}) {
            bool asked = false;
            QTimer::singleShot(0, this, [&] {
                auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
                asked = box != nullptr;
                if (box)
                    box->button(button)->click();
            });
            QTest::keyClick(m_editor.get(), Qt::Key_Escape);
            QVERIFY(asked);
            QCOMPARE(m_editor->isVisible(), button == QMessageBox::Cancel);
        }
        QCOMPARE(m_f.scalar("SELECT count(*) FROM products"), u"0"_s);
    }

    void escape_withoutEdits_closesAtOnce()
    {
        QVERIFY(!m_editor->isDirty());
        QTest::keyClick(m_editor.get(), Qt::Key_Escape);
        QVERIFY(!m_editor->isVisible());
    }

    void everyControl_hasAnAccessibleName()
    {
        for (QWidget *w : m_editor->findChildren<QWidget *>()) {
            const bool input = qobject_cast<QLineEdit *>(w) || qobject_cast<QComboBox *>(w) ||
                               qobject_cast<QTableWidget *>(w) || qobject_cast<QPlainTextEdit *>(w);
            if (input && w->objectName() != u"qt_spinbox_lineedit"_s && !w->objectName().startsWith(u"qt_"_s))
                QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName()));
            auto *button = qobject_cast<QAbstractButton *>(w);
            const bool ours = qobject_cast<QPushButton *>(w) || qobject_cast<QRadioButton *>(w) || qobject_cast<QCheckBox *>(w);
            if (button && ours)  // the table's corner button is Qt's own
                QVERIFY2(!button->text().isEmpty() || !button->accessibleName().isEmpty(), qPrintable(w->objectName()));
        }
    }

    void photosTab_onlyWithAFactory()
    {
        auto *tabs = child<QTabWidget>(u"editorTabs"_s);
        QCOMPARE(tabs->count(), 2);
        int made = 0;
        ProductEditor withPhotos(m_f.productFactory(), m_f.readerFactory(), u"USD"_s, [&](const Product &, QWidget *parent) {
            ++made;
            auto *panel = new QLabel(u"photos"_s, parent);
            panel->setObjectName(u"photosPanel"_s);
            return panel;
        });
        auto *photoTabs = withPhotos.findChild<QTabWidget *>(u"editorTabs"_s);
        QCOMPARE(photoTabs->count(), 3);
        QCOMPARE(photoTabs->tabText(2).remove(u'&'), u"Photos"_s);
        QVERIFY(made >= 1);
    }
};

QTEST_MAIN(TestProductEditor)
#include "tst_product_editor.moc"

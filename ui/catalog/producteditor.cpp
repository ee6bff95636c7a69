#include "ui/catalog/producteditor.h"

#include "domain/moneyformat.h"
#include "domain/sizes.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QShortcut>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

enum GridColumn { SizeColumn, OnHandColumn, ReservedColumn, BarcodeColumn };

/// A red that reads on light and dark windows alike.
QColor errorColor(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() > 128 ? QColor(0xb0, 0x1e, 0x1e) : QColor(0xff, 0x8a, 0x80);
}

Product blankProduct(const QString &currency)
{
    Product p;
    p.price = Money::zero(currency);
    p.inventoryStrategy = InventoryStrategy::PerSize;
    p.sizeSystem = SizeSystem::Mens;
    return p;
}

} // namespace

/// What a save brings back: the stored product, or the refusal plus, for a lost race, the
/// version that won it (read in the same trip, so the conflict panel opens at once).
struct ProductEditor::SaveOutcome {
    Result<Product> stored;
    std::optional<Result<std::optional<Product>>> theirs;
};

ProductEditor::ProductEditor(ProductRepositoryFactory products, CatalogReaderFactory readers, QString currency,
                             PhotosFactory photos, QWidget *parent)
    : QDialog(parent), m_products(std::move(products)), m_readers(std::move(readers)),
      m_saves(UiTaskRunner::Options{u"product-save"_s}), m_currency(std::move(currency)), m_photos(std::move(photos))
{
    setObjectName(u"productEditor"_s);
    setWindowTitle(tr("Product"));
    setAccessibleName(tr("Product editor"));
    auto *layout = new QVBoxLayout(this);
    m_readOnlyBanner = new QLabel(this);
    m_readOnlyBanner->setObjectName(u"readOnlyBanner"_s);
    m_readOnlyBanner->setWordWrap(true);
    m_readOnlyBanner->hide();
    layout->addWidget(m_readOnlyBanner);
    layout->addWidget(buildConflictPanel());
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"editorTabs"_s);
    m_tabs->addTab(buildDetailsTab(), tr("&Details"));
    m_tabs->addTab(buildStockTab(), tr("S&tock"));
    layout->addWidget(m_tabs, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(u"statusLabel"_s);
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Editor status"));
    layout->addWidget(m_status);

    auto *buttons = new QDialogButtonBox(this);
    m_save = buttons->addButton(tr("&Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(u"saveButton"_s);
    m_save->setToolTip(tr("Save (Ctrl+S)"));
    m_duplicate = buttons->addButton(tr("D&uplicate"), QDialogButtonBox::ActionRole);
    m_duplicate->setObjectName(u"duplicateButton"_s);
    m_duplicate->setToolTip(tr("Start a new product from this one (Ctrl+D)"));
    m_archive = buttons->addButton(tr("&Archive"), QDialogButtonBox::ActionRole);
    m_archive->setObjectName(u"archiveButton"_s);
    auto *close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(u"closeButton"_s);
    layout->addWidget(buttons);
    // The dialog's own default-button handling would save on any Enter in a line edit.
    m_save->setAutoDefault(false);
    connect(m_save, &QPushButton::clicked, this, [this] { save(); });
    connect(m_duplicate, &QPushButton::clicked, this, &ProductEditor::duplicate);
    connect(m_archive, &QPushButton::clicked, this, [this] { setArchived(!m_loaded.archived); });
    connect(close, &QPushButton::clicked, this, &ProductEditor::reject);

    auto *saveShortcut = new QShortcut(QKeySequence::Save, this);
    connect(saveShortcut, &QShortcut::activated, this, [this] { save(); });
    auto *duplicateShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_D), this);
    connect(duplicateShortcut, &QShortcut::activated, this, &ProductEditor::duplicate);

    resize(720, 640);
    startNew();
}

QLabel *ProductEditor::errorLabel(const QString &field)
{
    auto *label = new QLabel(this);
    label->setObjectName(field + u"Error"_s);
    label->setWordWrap(true);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, errorColor(palette));
    label->setPalette(palette);
    label->hide();
    m_errorLabels.insert(field, label);
    return label;
}

QWidget *ProductEditor::buildDetailsTab()
{
    auto *tab = new QWidget(this);
    auto *form = new QFormLayout(tab);
    auto line = [&](QLineEdit *&edit, const QString &name, const QString &label, const QString &field, int maxLength) {
        edit = new QLineEdit(tab);
        edit->setObjectName(name);
        edit->setAccessibleName(label);
        edit->setMaxLength(maxLength);
        form->addRow(label + u":"_s, edit);
        form->addRow(QString(), errorLabel(field));
    };
    line(m_sku, u"skuEdit"_s, tr("SKU"), u"sku"_s, 60);
    m_sku->setPlaceholderText(tr("e.g. AJ1-CHI-2015"));
    line(m_name, u"nameEdit"_s, tr("Name"), u"name"_s, 250);
    line(m_brand, u"brandEdit"_s, tr("Brand"), u"brand"_s, 100);
    line(m_colorway, u"colorwayEdit"_s, tr("Colorway"), u"colorway"_s, 150);

    m_condition = new QComboBox(tab);
    m_condition->setObjectName(u"conditionCombo"_s);
    m_condition->setAccessibleName(tr("Condition"));
    for (Condition c : {Condition::New, Condition::Used})
        m_condition->addItem(displayName(c), toString(c));
    form->addRow(tr("Condition:"), m_condition);
    m_grade = new QComboBox(tab);
    m_grade->setObjectName(u"gradeCombo"_s);
    m_grade->setAccessibleName(tr("Grade of a used pair"));
    m_grade->addItem(tr("Not graded"), QString());
    for (UsedGrade g : {UsedGrade::LikeNew, UsedGrade::Good, UsedGrade::Fair})
        m_grade->addItem(displayName(g), toString(g));
    form->addRow(tr("Grade:"), m_grade);
    form->addRow(QString(), errorLabel(u"usedGrade"_s));
    connect(m_condition, &QComboBox::currentIndexChanged, this, [this] { updateEnabledState(); });

    auto *priceRow = new QHBoxLayout;
    m_price = new QLineEdit(tab);
    m_price->setObjectName(u"priceEdit"_s);
    m_price->setAccessibleName(tr("Price"));
    m_price->setMaxLength(24);
    m_price->setAlignment(Qt::AlignRight);
    m_currencyLabel = new QLabel(tab);
    m_currencyLabel->setBuddy(m_price);
    priceRow->addWidget(m_price, 1);
    priceRow->addWidget(m_currencyLabel);
    form->addRow(tr("Price:"), priceRow);
    form->addRow(QString(), errorLabel(u"price"_s));

    m_description = new QPlainTextEdit(tab);
    m_description->setObjectName(u"descriptionEdit"_s);
    m_description->setAccessibleName(tr("Description"));
    m_description->setTabChangesFocus(true);
    form->addRow(tr("Description:"), m_description);
    form->addRow(QString(), errorLabel(u"description"_s));

    m_published = new QCheckBox(tr("&Published on the storefront"), tab);
    m_published->setObjectName(u"publishedCheck"_s);
    m_published->setAccessibleName(tr("Published"));
    form->addRow(QString(), m_published);
    return tab;
}

QWidget *ProductEditor::buildStockTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    auto *form = new QFormLayout;
    auto *strategyRow = new QHBoxLayout;
    m_perSize = new QRadioButton(tr("Per &size"), tab);
    m_perSize->setObjectName(u"perSizeRadio"_s);
    m_flat = new QRadioButton(tr("As a &whole"), tab);
    m_flat->setObjectName(u"flatRadio"_s);
    strategyRow->addWidget(m_perSize);
    strategyRow->addWidget(m_flat);
    strategyRow->addStretch();
    form->addRow(tr("Count stock:"), strategyRow);

    auto *systemRow = new QHBoxLayout;
    m_sizeSystem = new QComboBox(tab);
    m_sizeSystem->setObjectName(u"sizeSystemCombo"_s);
    m_sizeSystem->setAccessibleName(tr("Size run template"));
    m_sizeSystem->addItem(tr("No sizes"), QString());
    for (SizeSystem s : {SizeSystem::Mens, SizeSystem::Womens, SizeSystem::GradeSchool})
        m_sizeSystem->addItem(displayName(s), toString(s));
    m_fullRun = new QPushButton(tr("Select &all sizes"), tab);
    m_fullRun->setObjectName(u"fullRunButton"_s);
    systemRow->addWidget(m_sizeSystem, 1);
    systemRow->addWidget(m_fullRun);
    form->addRow(tr("Size run:"), systemRow);
    form->addRow(QString(), errorLabel(u"sizeSystem"_s));
    form->addRow(QString(), errorLabel(u"sizeRun"_s));

    m_flatStock = new QLineEdit(tab);
    m_flatStock->setObjectName(u"flatStockEdit"_s);
    m_flatStock->setAccessibleName(tr("Units on hand"));
    m_flatStock->setMaxLength(12);
    form->addRow(tr("Units on hand:"), m_flatStock);
    m_flatBarcode = new QLineEdit(tab);
    m_flatBarcode->setObjectName(u"flatBarcodeEdit"_s);
    m_flatBarcode->setAccessibleName(tr("Box barcode (UPC or EAN)"));
    m_flatBarcode->setPlaceholderText(tr("Scan or type the UPC/EAN from the box"));
    m_flatBarcode->setMaxLength(20);
    form->addRow(tr("Box &barcode:"), m_flatBarcode);
    layout->addLayout(form);

    m_grid = new QTableWidget(0, 4, tab);
    m_grid->setObjectName(u"stockGrid"_s);
    m_grid->setAccessibleName(tr("Stock per size"));
    m_grid->setHorizontalHeaderLabels({tr("Size (tick to sell it)"), tr("On hand"), tr("Held for orders"), tr("Box barcode (UPC/EAN)")});
    m_grid->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_grid->verticalHeader()->hide();
    m_grid->setTabKeyNavigation(false);
    layout->addWidget(m_grid, 1);
    layout->addWidget(errorLabel(u"stock"_s));
    layout->addWidget(errorLabel(u"gtin"_s));

    auto *reasonRow = new QFormLayout;
    m_stockReason = new QComboBox(tab);
    m_stockReason->setObjectName(u"stockReasonCombo"_s);
    m_stockReason->setAccessibleName(tr("Reason for the stock change"));
    m_stockReason->addItem(tr("Choose a reason…"), QString());
    for (StockChangeReason r : allStockChangeReasons())
        m_stockReason->addItem(displayName(r), toString(r));
    reasonRow->addRow(tr("Why did stock change?"), m_stockReason);
    reasonRow->addRow(QString(), errorLabel(u"stockReason"_s));
    layout->addLayout(reasonRow);

    connect(m_perSize, &QRadioButton::toggled, this, [this] { updateEnabledState(); });
    connect(m_sizeSystem, &QComboBox::currentIndexChanged, this, [this] {
        QHash<QString, SizeStock> bySize;
        QStringList run;
        for (int row = 0; row < m_grid->rowCount(); ++row) {
            const QString size = m_grid->item(row, SizeColumn)->text();
            bySize.insert(size, SizeStock{size, m_grid->item(row, OnHandColumn)->text().toInt(), 0,
                                          m_grid->item(row, BarcodeColumn)->text()});
            if (m_grid->item(row, SizeColumn)->checkState() == Qt::Checked)
                run.append(size);
        }
        rebuildGrid(bySize, run);
    });
    connect(m_fullRun, &QPushButton::clicked, this, [this] {
        for (int row = 0; row < m_grid->rowCount(); ++row)
            m_grid->item(row, SizeColumn)->setCheckState(Qt::Checked);
    });
    return tab;
}

QWidget *ProductEditor::buildConflictPanel()
{
    m_conflictPanel = new QFrame(this);
    m_conflictPanel->setObjectName(u"conflictPanel"_s);
    m_conflictPanel->setFrameShape(QFrame::StyledPanel);
    m_conflictPanel->setAccessibleName(tr("Someone else saved this product"));
    auto *layout = new QVBoxLayout(m_conflictPanel);
    m_conflictText = new QLabel(m_conflictPanel);
    m_conflictText->setWordWrap(true);
    layout->addWidget(m_conflictText);
    m_conflictTable = new QTableWidget(0, 3, m_conflictPanel);
    m_conflictTable->setObjectName(u"conflictTable"_s);
    m_conflictTable->setAccessibleName(tr("What changed: field, their value, your value"));
    m_conflictTable->setHorizontalHeaderLabels({tr("Field"), tr("Saved by someone else"), tr("Yours")});
    m_conflictTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_conflictTable->verticalHeader()->hide();
    m_conflictTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_conflictTable->setMaximumHeight(160);
    layout->addWidget(m_conflictTable);
    auto *buttons = new QHBoxLayout;
    auto *reapply = new QPushButton(tr("&Load theirs and re-apply my changes"), m_conflictPanel);
    reapply->setObjectName(u"reapplyButton"_s);
    auto *overwrite = new QPushButton(tr("&Overwrite with mine"), m_conflictPanel);
    overwrite->setObjectName(u"overwriteButton"_s);
    buttons->addWidget(reapply);
    buttons->addWidget(overwrite);
    buttons->addStretch();
    layout->addLayout(buttons);
    connect(reapply, &QPushButton::clicked, this, &ProductEditor::reapplyMineOnTheirs);
    connect(overwrite, &QPushButton::clicked, this, [this] { overwriteWithMine(); });
    m_conflictPanel->hide();
    return m_conflictPanel;
}

void ProductEditor::startNew()
{
    m_base = blankProduct(m_currency);
    m_base.inventoryStrategy = InventoryStrategy::PerSize;
    load(m_base);
    setStatus(tr("New product."));
}

void ProductEditor::edit(const Product &product)
{
    m_base = product;
    load(product);
    setStatus(QString());
}

void ProductEditor::load(const Product &p)
{
    ++m_form;
    m_loaded = p;
    m_differences.clear();
    m_conflictPanel->hide();
    showErrors({});
    setWindowTitle(p.id.isEmpty() ? tr("New product") : tr("%1 — %2").arg(p.sku, p.name));
    m_sku->setText(p.sku);
    m_name->setText(p.name);
    m_brand->setText(p.brand);
    m_colorway->setText(p.colorway);
    m_condition->setCurrentIndex(m_condition->findData(toString(p.condition)));
    m_grade->setCurrentIndex(qMax(0, m_grade->findData(toString(p.usedGrade))));
    m_price->setText(formatMinorPlain(p.price));
    m_currencyLabel->setText(p.price.currency());
    m_description->setPlainText(p.description);
    m_published->setChecked(p.published);
    (p.inventoryStrategy == InventoryStrategy::Flat ? m_flat : m_perSize)->setChecked(true);
    QHash<QString, SizeStock> bySize;
    SizeStock flat;
    for (const SizeStock &row : p.stock) {
        if (row.size.isEmpty())
            flat = row;
        else
            bySize.insert(row.size, row);
    }
    m_flatStock->setText(QString::number(flat.quantity));
    m_flatBarcode->setText(flat.gtin);
    {
        const QSignalBlocker block(m_sizeSystem);
        m_sizeSystem->setCurrentIndex(qMax(0, m_sizeSystem->findData(p.sizeSystem ? toString(*p.sizeSystem) : QString())));
    }
    rebuildGrid(bySize, p.sizeRun);
    m_stockReason->setCurrentIndex(0);
    m_archive->setText(p.archived ? tr("Un&archive") : tr("&Archive"));
    updateEnabledState();
    updatePhotosTab();
}

void ProductEditor::setShopTimeZone(const QString &ianaId)
{
    const QTimeZone zone(ianaId.toUtf8());
    m_shopZone = zone.isValid() ? zone : QTimeZone::utc();
}

void ProductEditor::setReadOnly(const QString &reason)
{
    m_readOnlyReason = reason;
    m_readOnlyBanner->setText(reason);
    m_readOnlyBanner->setVisible(!reason.isEmpty());
    const bool editable = reason.isEmpty();
    for (QLineEdit *edit : findChildren<QLineEdit *>())
        edit->setReadOnly(!editable);   // still selectable and copyable
    for (QPlainTextEdit *edit : findChildren<QPlainTextEdit *>())
        edit->setReadOnly(!editable);
    for (QWidget *w : QList<QWidget *>{m_condition, m_grade, m_published, m_perSize, m_flat, m_sizeSystem, m_fullRun,
                                       m_stockReason})
        w->setEnabled(editable);
    m_grid->setEditTriggers(editable ? QAbstractItemView::AllEditTriggers : QAbstractItemView::NoEditTriggers);
    m_grid->setEnabled(editable);
    if (!editable) {
        for (QPushButton *button : {m_save, m_duplicate, m_archive})
            button->setToolTip(reason);
    }
    updateEnabledState();
    m_save->setEnabled(editable && !m_saving);
}

void ProductEditor::rebuildGrid(const QHash<QString, SizeStock> &bySize, const QStringList &run)
{
    const auto system = sizeSystemFromString(m_sizeSystem->currentData().toString());
    const QStringList sizes = system ? sizeRunTemplate(*system) : QStringList();
    m_grid->setRowCount(0);
    m_grid->setRowCount(int(sizes.size()));
    for (int row = 0; row < sizes.size(); ++row) {
        const QString &size = sizes[row];
        auto *sizeItem = new QTableWidgetItem(size);
        sizeItem->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        sizeItem->setCheckState(run.contains(size) ? Qt::Checked : Qt::Unchecked);
        m_grid->setItem(row, SizeColumn, sizeItem);
        m_grid->setItem(row, OnHandColumn, new QTableWidgetItem(QString::number(bySize.value(size).quantity)));
        m_grid->setItem(row, BarcodeColumn, new QTableWidgetItem(bySize.value(size).gtin));
        int reserved = 0;
        for (const SizeStock &s : std::as_const(m_loaded.stock)) {
            if (s.size == size)
                reserved = s.reserved;
        }
        auto *reservedItem = new QTableWidgetItem(QString::number(reserved));
        reservedItem->setFlags(Qt::ItemIsEnabled);
        m_grid->setItem(row, ReservedColumn, reservedItem);
    }
}

void ProductEditor::updateEnabledState()
{
    const bool used = m_condition->currentData().toString() == toString(Condition::Used);
    m_grade->setEnabled(used);
    const bool perSize = m_perSize->isChecked();
    m_flatStock->setEnabled(!perSize);
    m_flatBarcode->setEnabled(!perSize);
    m_grid->setColumnHidden(OnHandColumn, !perSize);
    m_grid->setColumnHidden(ReservedColumn, !perSize);
    m_grid->setColumnHidden(BarcodeColumn, !perSize);
    m_archive->setEnabled(!m_saving && !m_loaded.id.isEmpty() && !isReadOnly());
    m_duplicate->setEnabled(!m_saving && !m_loaded.id.isEmpty() && !isReadOnly());
}

void ProductEditor::updatePhotosTab()
{
    if (!m_photos)
        return;
    if (m_photosTab) {
        m_tabs->removeTab(m_tabs->indexOf(m_photosTab));
        m_photosTab->deleteLater();
        m_photosTab = nullptr;
    }
    m_photosTab = m_photos(m_loaded, m_tabs);
    if (m_photosTab)
        m_tabs->addTab(m_photosTab, tr("&Photos"));
}

Product ProductEditor::productFromForm(QList<FieldError> &errors) const
{
    Product p = m_loaded;
    p.sku = m_sku->text();
    p.name = m_name->text();
    p.brand = m_brand->text();
    p.colorway = m_colorway->text();
    p.description = m_description->toPlainText();
    p.condition = conditionFromString(m_condition->currentData().toString()).value_or(Condition::New);
    p.usedGrade = p.condition == Condition::Used ? usedGradeFromString(m_grade->currentData().toString()).value_or(UsedGrade::None)
                                                 : UsedGrade::None;
    const QString currency = m_loaded.price.currency();
    if (Result<Money> price = Money::parse(m_price->text(), currency))
        p.price = price.value();
    else
        errors.append({u"price"_s, price.error().message});
    p.published = m_published->isChecked();
    p.inventoryStrategy = m_perSize->isChecked() ? InventoryStrategy::PerSize : InventoryStrategy::Flat;
    p.sizeSystem = sizeSystemFromString(m_sizeSystem->currentData().toString());
    p.sizeRun.clear();
    p.stock.clear();
    auto reservedOf = [this](const QString &size) {
        for (const SizeStock &s : m_loaded.stock) {
            if (s.size == size)
                return s.reserved;
        }
        return 0;
    };
    for (int row = 0; row < m_grid->rowCount(); ++row) {
        if (m_grid->item(row, SizeColumn)->checkState() != Qt::Checked)
            continue;
        const QString size = m_grid->item(row, SizeColumn)->text();
        p.sizeRun.append(size);
        if (p.inventoryStrategy != InventoryStrategy::PerSize)
            continue;
        Result<int> quantity = parseStockQuantity(m_grid->item(row, OnHandColumn)->text(), size);
        if (!quantity)
            errors.append({u"stock"_s, quantity.error().message});
        p.stock.append(SizeStock{size, quantity ? quantity.value() : 0, reservedOf(size),
                                 m_grid->item(row, BarcodeColumn)->text()});
    }
    if (p.inventoryStrategy == InventoryStrategy::Flat) {
        Result<int> quantity = parseStockQuantity(m_flatStock->text());
        if (!quantity)
            errors.append({u"stock"_s, quantity.error().message});
        p.stock.append(SizeStock{QString(), quantity ? quantity.value() : 0, reservedOf(QString()), m_flatBarcode->text()});
    }
    return p;
}

void ProductEditor::showErrors(const QList<FieldError> &errors)
{
    QHash<QString, QStringList> byField;
    for (const FieldError &e : errors)
        byField[m_errorLabels.contains(e.field) ? e.field : u"sku"_s].append(e.message);
    for (auto it = m_errorLabels.cbegin(); it != m_errorLabels.cend(); ++it) {
        const QStringList messages = byField.value(it.key());
        it.value()->setText(messages.join(u'\n'));
        it.value()->setVisible(!messages.isEmpty());
    }
    if (errors.isEmpty())
        return;
    const QString first = errors.first().field;
    const bool onStockTab = first == u"stock"_s || first == u"stockReason"_s || first == u"sizeRun"_s
        || first == u"sizeSystem"_s || first == u"gtin"_s;
    m_tabs->setCurrentIndex(onStockTab ? 1 : 0);
    setStatus(tr("Please fix the marked fields; nothing was saved."));
}

QString ProductEditor::errorFor(const QString &field) const
{
    QLabel *label = m_errorLabels.value(field);
    return label && !label->isHidden() ? label->text() : QString();
}

bool ProductEditor::save()
{
    if (m_saving)
        return false;
    if (isReadOnly()) {
        setStatus(m_readOnlyReason);
        return false;
    }
    QList<FieldError> errors;
    Product product = productFromForm(errors);
    product = normalizeProduct(product);
    errors += validateProduct(product);
    const auto reason = stockChangeReasonFromString(m_stockReason->currentData().toString());
    Result<QString> auditReason = auditReasonForSave(m_base, product, reason);
    if (!auditReason)
        errors.append({auditReason.error().field, auditReason.error().message});
    if (!errors.isEmpty()) {
        showErrors(errors);
        return false;
    }
    showErrors({});
    setSaving(true);
    m_saves.run(this, [products = m_products, readers = m_readers, product, why = auditReason.value()]() -> Result<SaveOutcome> {
        auto repository = products();
        if (!repository)
            return repository.error();
        SaveOutcome outcome{product.id.isEmpty() ? (*repository)->create(product, why) : (*repository)->update(product, why),
                            std::nullopt};
        // A conflict without a field is someone else's save; with one (a box barcode another
        // product carries) it is this form's to fix.
        if (!outcome.stored && outcome.stored.error().code == ErrorCode::Conflict && outcome.stored.error().field.isEmpty()
            && !product.id.isEmpty()) {
            auto reader = readers();
            outcome.theirs = reader ? (*reader)->productById(product.id) : Result<std::optional<Product>>(reader.error());
        }
        return outcome;
    }, [this, form = m_form, product](const Result<SaveOutcome> &outcome) { finishSave(form, product, outcome); });
    return true;
}

void ProductEditor::finishSave(quint64 form, const Product &mine, const Result<SaveOutcome> &outcome)
{
    setSaving(false);
    const Result<Product> stored = outcome ? outcome->stored : Result<Product>(outcome.error());
    const std::optional<ArchiveUndo> undo = std::exchange(m_archiveUndo, std::nullopt);
    if (form != m_form) {
        // The form moved on to another product while this one was saved: leave it alone.
        if (stored)
            Q_EMIT saved(stored.value());
        Q_EMIT saveFinished(stored.ok());
        return;
    }
    if (!stored) {
        if (undo) {
            m_loaded.archived = undo->archived;
            m_published->setCheckState(undo->published);
        }
        if (stored.error().code == ErrorCode::Conflict && !mine.id.isEmpty() && outcome.ok() && outcome->theirs) {
            showConflict(mine, *outcome->theirs);
        } else if (stored.error().code == ErrorCode::Conflict && stored.error().field.isEmpty()) {
            showErrors({{u"sku"_s, tr("Another product already has this SKU.")}});
        } else {
            showErrors({{stored.error().field.isEmpty() ? u"sku"_s : stored.error().field, stored.error().message}});
            setStatus(tr("Not saved: %1").arg(stored.error().message));
        }
        Q_EMIT saveFinished(false);
        return;
    }
    m_base = stored.value();
    load(m_base);
    setStatus(tr("Saved %1 at %2.").arg(m_base.sku, QDateTime::currentDateTimeUtc().toTimeZone(m_shopZone).toString(u"HH:mm"_s)));
    Q_EMIT saved(m_base);
    Q_EMIT saveFinished(true);
}

void ProductEditor::setSaving(bool saving)
{
    m_saving = saving;
    if (saving) {
        // Disabling Save moves the focus away from it; it comes back when the answer does.
        m_focusBeforeSave = QApplication::focusWidget();
        setCursor(Qt::BusyCursor);
        setStatus(tr("Saving…"));
    } else {
        unsetCursor();
    }
    m_save->setEnabled(!saving && !isReadOnly());
    m_save->setText(saving ? tr("Saving…") : tr("&Save"));
    m_archive->setEnabled(!saving && !m_loaded.id.isEmpty() && !isReadOnly());
    m_duplicate->setEnabled(!saving && !m_loaded.id.isEmpty() && !isReadOnly());
    m_conflictPanel->setEnabled(!saving);
    if (!saving && m_focusBeforeSave && isAncestorOf(m_focusBeforeSave) && m_focusBeforeSave->isEnabled())
        m_focusBeforeSave->setFocus();
}

void ProductEditor::showConflict(const Product &mine, const Result<std::optional<Product>> &theirs)
{
    if (!theirs || !theirs->has_value()) {
        setStatus(theirs ? tr("Someone else removed this product; your edits are still in the form.")
                         : tr("Someone else saved this product, and loading their version failed: %1")
                               .arg(theirs.error().message));
        return;
    }
    m_theirs = **theirs;
    m_mineAtConflict = mine;
    m_differences = conflictingChanges(m_base, mine, m_theirs);
    m_conflictText->setText(
        tr("Someone else saved this product while you were editing it, so your save was refused. Nothing of yours is lost: "
           "your edits are still in the form. What they changed:"));
    m_conflictTable->setRowCount(int(m_differences.size()));
    for (int row = 0; row < m_differences.size(); ++row) {
        const FieldDifference &d = m_differences[row];
        m_conflictTable->setItem(row, 0, new QTableWidgetItem(d.label));
        m_conflictTable->setItem(row, 1, new QTableWidgetItem(d.theirs));
        m_conflictTable->setItem(row, 2, new QTableWidgetItem(d.yours));
    }
    m_conflictPanel->show();
    setStatus(tr("Not saved: someone else changed this product. Choose how to continue above."));
}

void ProductEditor::reapplyMineOnTheirs()
{
    if (!hasConflict())
        return;
    const Product merged = reapplyEdits(m_base, m_mineAtConflict, m_theirs);
    const int reason = m_stockReason->currentIndex();
    m_base = m_theirs;
    load(merged);
    m_stockReason->setCurrentIndex(reason);
    setStatus(tr("Their version is loaded with your changes applied on top. Check it and save."));
}

bool ProductEditor::overwriteWithMine()
{
    if (!hasConflict())
        return false;
    Product mine = m_mineAtConflict;
    mine.version = m_theirs.version;
    const int reason = m_stockReason->currentIndex();
    m_base = m_theirs;
    load(mine);
    m_stockReason->setCurrentIndex(reason);
    return save();
}

bool ProductEditor::hasConflict() const
{
    return !m_conflictPanel->isHidden();
}

void ProductEditor::duplicate()
{
    if (m_loaded.id.isEmpty())
        return;
    QList<FieldError> ignored;
    const Product copy = duplicateProduct(productFromForm(ignored));
    m_base = blankProduct(copy.price.currency());
    load(copy);
    m_sku->setFocus();
    setStatus(tr("A copy: give it its own SKU and stock, then save."));
}

bool ProductEditor::setArchived(bool archived)
{
    if (m_loaded.id.isEmpty() || m_saving || isReadOnly())
        return false;
    const ArchiveUndo undo{m_loaded.archived, m_published->checkState()};
    m_loaded.archived = archived;
    if (archived)
        m_published->setChecked(false);  // an archived product leaves the storefront
    if (save()) {
        m_archiveUndo = undo;
        return true;
    }
    m_loaded.archived = undo.archived;
    m_published->setCheckState(undo.published);
    return false;
}

bool ProductEditor::isDirty() const
{
    QList<FieldError> errors;
    const Product form = normalizeProduct(productFromForm(errors));
    return !errors.isEmpty() || !conflictingChanges(normalizeProduct(m_base), form, form).isEmpty();
}

void ProductEditor::reject()
{
    if (isDirty()) {
        const auto answer = QMessageBox::question(this, tr("Discard changes?"),
                                                  tr("This product has changes that are not saved. Discard them?"),
                                                  QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Discard)
            return;
    }
    QDialog::reject();
}

void ProductEditor::setStatus(const QString &text)
{
    m_status->setText(text);
}

} // namespace rdk

#include "ui/catalog/labelsdialog.h"

#include "domain/dashboard.h"
#include "ui/print/labelprinter.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

enum Column { ProductColumn, SizeColumn, BarcodeColumn, CopiesColumn };

QString barcodeText(const LabelContent &label)
{
    switch (label.kind) {
    case BarcodeKind::UpcA:
        return QObject::tr("UPC-A %1").arg(label.barcode);
    case BarcodeKind::Ean13:
        return QObject::tr("EAN-13 %1").arg(label.barcode);
    case BarcodeKind::Code128:
        return QObject::tr("Shop code %1").arg(label.barcode);
    }
    return label.barcode;
}

/// Midnight today in the shop's time zone (the PC's own zone plays no part).
QDateTime startOfShopDay(const QString &timeZone)
{
    const QTimeZone zone(timeZone.toUtf8());
    const QTimeZone shop = zone.isValid() ? zone : QTimeZone::utc();
    return QDateTime(shopToday(QDateTime::currentDateTimeUtc(), timeZone), QTime(0, 0), shop);
}

} // namespace

LabelsDialog::LabelsDialog(LabelSourceFactory sources, Options options, QWidget *parent)
    : QDialog(parent), m_sources(std::move(sources)), m_options(std::move(options)),
      m_loads(UiTaskRunner::Options{u"labels"_s})
{
    setWindowTitle(tr("Price labels"));
    buildLayout();
    connect(&m_loads, &UiTaskRunner::busyChanged, this, &LabelsDialog::setBusy);
    if (!m_options.productIds.isEmpty()) {
        setStatus(tr("Loading the products…"));
        m_loads.run(this, [sources = m_sources, ids = m_options.productIds]() -> Result<QList<Product>> {
            auto source = sources();
            if (!source)
                return source.error();
            return (*source)->products(ids);
        }, [this](const Result<QList<Product>> &products) {
            if (products)
                addProducts(*products);
            else
                setStatus(tr("Could not load the products: %1").arg(products.error().message));
            Q_EMIT loaded();
        });
    } else {
        updatePreview();
    }
}

void LabelsDialog::buildLayout()
{
    auto *layout = new QVBoxLayout(this);
    m_table = new QTableWidget(0, 4, this);
    m_table->setObjectName(u"labelsTable"_s);
    m_table->setAccessibleName(tr("Labels to print"));
    m_table->setHorizontalHeaderLabels({tr("Product"), tr("Size"), tr("Barcode"), tr("Labels")});
    m_table->horizontalHeader()->setSectionResizeMode(ProductColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(BarcodeColumn, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table, 1);
    auto *remove = new QShortcut(QKeySequence::Delete, m_table);
    connect(remove, &QShortcut::activated, this, [this] {
        const int row = m_table->currentRow();
        if (row < 0)
            return;
        m_rows.removeAt(row);
        m_table->removeRow(row);
        updatePreview();
    });

    auto *controls = new QHBoxLayout;
    m_received = new QPushButton(tr("Add what came in &today"), this);
    m_received->setObjectName(u"receivedTodayButton"_s);
    const bool mayReadReceipts = m_options.role != StaffRole::Staff;
    m_received->setEnabled(mayReadReceipts);
    m_received->setToolTip(mayReadReceipts ? tr("Every size received today, one label per unit")
                                           : tr("Operations or an administrator can label what was received"));
    connect(m_received, &QPushButton::clicked, this, &LabelsDialog::addReceivedToday);
    controls->addWidget(m_received);
    controls->addStretch();
    controls->addWidget(new QLabel(tr("Label &stock:"), this));
    m_stock = new QComboBox(this);
    m_stock->setObjectName(u"labelStockCombo"_s);
    for (const LabelStock &stock : labelStocks())
        m_stock->addItem(stock.name, stock.id);
    qobject_cast<QLabel *>(controls->itemAt(controls->count() - 1)->widget())->setBuddy(m_stock);
    connect(m_stock, &QComboBox::currentIndexChanged, this, &LabelsDialog::updatePreview);
    controls->addWidget(m_stock);
    layout->addLayout(controls);

    m_preview = new QLabel(this);
    m_preview->setObjectName(u"labelPreview"_s);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumHeight(160);
    layout->addWidget(m_preview);
    m_status = new QLabel(this);
    m_status->setObjectName(u"labelsStatus"_s);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_pdf = buttons->addButton(tr("Save &PDF…"), QDialogButtonBox::ActionRole);
    m_pdf->setShortcut(QKeySequence::Save);
    m_print = buttons->addButton(tr("P&rint…"), QDialogButtonBox::ActionRole);
    m_print->setShortcut(QKeySequence::Print);
    connect(m_pdf, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save labels as PDF"), u"labels.pdf"_s, tr("PDF (*.pdf)"));
        if (!path.isEmpty())
            savePdf(path);
    });
    connect(m_print, &QPushButton::clicked, this, &LabelsDialog::print);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(760, 560);
}

void LabelsDialog::addProducts(const QList<Product> &products)
{
    QList<LabelRequest> requests;
    for (const Product &p : products) {
        for (const SizeStock &row : p.stock) {
            if (p.inventoryStrategy == InventoryStrategy::PerSize && !p.sizeRun.contains(row.size))
                continue;
            requests.append({p, row.size, qBound(1, row.quantity, MaxLabelsPerJob)});
        }
    }
    addRequests(requests);
}

void LabelsDialog::addRequests(const QList<LabelRequest> &requests)
{
    for (const LabelRequest &request : requests) {
        const LabelContent label = labelFor(request.product, request.size);
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, ProductColumn, new QTableWidgetItem(u"%1 · %2"_s.arg(request.product.sku, request.product.name)));
        m_table->setItem(row, SizeColumn, new QTableWidgetItem(request.size.isEmpty() ? tr("—") : request.size));
        m_table->setItem(row, BarcodeColumn, new QTableWidgetItem(barcodeText(label)));
        auto *copies = new QSpinBox(m_table);
        copies->setRange(0, MaxLabelsPerJob);
        copies->setValue(request.copies);
        copies->setAccessibleName(tr("Labels for %1 %2").arg(request.product.sku, request.size));
        connect(copies, &QSpinBox::valueChanged, this, [this, copies](int value) {
            for (int r = 0; r < m_table->rowCount(); ++r) {
                if (m_table->cellWidget(r, CopiesColumn) == copies)
                    m_rows[r].copies = value;
            }
            updatePreview();
        });
        m_table->setCellWidget(row, CopiesColumn, copies);
        m_rows.append(request);
    }
    updatePreview();
}

QList<LabelRequest> LabelsDialog::requests() const
{
    QList<LabelRequest> out;
    for (const LabelRequest &r : m_rows) {
        if (r.copies > 0)   // 0 = skip this size this time
            out.append(r);
    }
    return out;
}

void LabelsDialog::addReceivedToday()
{
    setStatus(tr("Looking up what came in today…"));
    m_loads.run(this, [sources = m_sources, since = startOfShopDay(m_options.shopTimeZone)]() -> Result<QList<LabelRequest>> {
        auto source = sources();
        if (!source)
            return source.error();
        return (*source)->receivedSince(since);
    }, [this](const Result<QList<LabelRequest>> &received) {
        if (!received)
            setStatus(tr("Could not read today's deliveries: %1").arg(received.error().message));
        else if (received->isEmpty())
            setStatus(tr("Nothing was received today (stock counted in with the reason \"Received\")."));
        else
            addRequests(*received);
        Q_EMIT loaded();
    });
}

LabelStock LabelsDialog::currentStock() const
{
    return labelStockById(m_stock->currentData().toString()).value_or(labelStocks().first());
}

Result<QList<LabelContent>> LabelsDialog::currentLabels() const
{
    return labelsForJob(requests());
}

void LabelsDialog::updatePreview()
{
    const Result<QList<LabelContent>> labels = currentLabels();
    const bool printable = labels && !labels->isEmpty() && !m_loads.isBusy();
    m_pdf->setEnabled(printable);
    m_print->setEnabled(printable);
    if (!labels) {
        m_preview->clear();
        setStatus(labels.error().message);
        return;
    }
    if (labels->isEmpty()) {
        m_preview->setText(tr("No labels yet: add products from the Catalog, or what came in today."));
        return;
    }
    const LabelStock stock = currentStock();
    const QImage page = ui::renderLabelPage(stock, *labels, 0, 96);
    m_preview->setPixmap(QPixmap::fromImage(page).scaled(QSize(700, 220), Qt::KeepAspectRatio, Qt::SmoothTransformation));
    setStatus(tr("%n label(s)", nullptr, int(labels->size())) + u" · "_s +
              tr("%n page(s)", nullptr, ui::labelPageCount(stock, labels->size())) + u" · "_s + stock.name);
}

bool LabelsDialog::savePdf(const QString &path)
{
    const Result<QList<LabelContent>> labels = currentLabels();
    const Status written = labels ? ui::writeLabelsPdf(path, currentStock(), *labels) : Status(labels.error());
    setStatus(written ? tr("Saved %1").arg(path) : tr("Nothing saved: %1").arg(written.error().message));
    return bool(written);
}

void LabelsDialog::print()
{
    const Result<QList<LabelContent>> labels = currentLabels();
    if (!labels) {
        setStatus(labels.error().message);
        return;
    }
    QPrinter printer(QPrinter::HighResolution);
    QPrintDialog dialog(&printer, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const Status printed = ui::printLabels(printer, currentStock(), *labels);
    setStatus(printed ? tr("Sent %n label(s) to the printer", nullptr, int(labels->size()))
                      : tr("Not printed: %1").arg(printed.error().message));
}

void LabelsDialog::setBusy(bool busy)
{
    m_received->setEnabled(!busy && m_options.role != StaffRole::Staff);
    updatePreview();
}

void LabelsDialog::setStatus(const QString &text)
{
    m_status->setText(text);
}

QString LabelsDialog::status() const
{
    return m_status->text();
}

} // namespace rdk

#include "ui/catalog/csvimportdialog.h"

#include "ui/common/uitaskrunner.h"

#include <QAbstractTableModel>
#include <QApplication>
#include <QColor>
#include <QDialogButtonBox>
#include <QEventLoop>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

/// Rows of the file as read: the line number, the row's problems (next to it, so nobody has to
/// scroll to find them), then the cells. An adapter: every judgement comes from parseCatalogCsv.
class CsvPreviewModel final : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setImport(const CatalogCsvImport *import)
    {
        beginResetModel();
        m_import = import;
        endResetModel();
    }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() || !m_import ? 0 : int(m_import->rows.size());
    }

    int columnCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() || !m_import ? 0 : int(m_import->header.size()) + 2;
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole || !m_import)
            return QAbstractTableModel::headerData(section, orientation, role);
        if (section == 0)
            return tr("Line");
        if (section == 1)
            return tr("Problems");
        return m_import->header.value(section - 2);
    }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (!index.isValid() || !m_import)
            return {};
        const CatalogCsvRow &row = m_import->rows[index.row()];
        const bool last = index.column() == 1; // the problems column
        const QString column = index.column() < 2 ? QString() : m_import->header.value(index.column() - 2);
        const bool cellBad = !column.isEmpty() && hasIssue(row, column);
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == 0)
                return row.line;
            if (last)
                return problems(row).join(u"; "_s);
            return shortened(row.cells.value(index.column() - 2));
        case Qt::ToolTipRole:
            if (index.column() == 0)
                return {};
            return last || cellBad ? problems(row, column).join(u'\n') : row.cells.value(index.column() - 2);
        case Qt::BackgroundRole:
            // Translucent so it reads on light and dark palettes alike.
            if (cellBad)
                return QColor(220, 40, 40, 110);
            if (!row.issues.isEmpty())
                return QColor(220, 40, 40, 40);
            return {};
        default:
            return {};
        }
    }

private:
    static bool hasIssue(const CatalogCsvRow &row, const QString &column)
    {
        return std::any_of(row.issues.cbegin(), row.issues.cend(), [&](const CsvIssue &i) { return i.column == column; });
    }

    static QStringList problems(const CatalogCsvRow &row, const QString &column = {})
    {
        QStringList lines;
        for (const CsvIssue &i : row.issues) {
            if (column.isEmpty() || i.column == column)
                lines.append(i.column.isEmpty() ? i.message : i.column + u": "_s + i.message);
        }
        return lines;
    }

    static QString shortened(const QString &cell)
    {
        QString oneLine = cell;
        oneLine.replace(u"\r\n"_s, u" "_s).replace(u'\n', u' ');
        return oneLine.size() > 80 ? oneLine.left(79) + QChar(0x2026) : oneLine;
    }

    const CatalogCsvImport *m_import = nullptr;
};

namespace {

constexpr int kMaxIssuesListed = 1000;

struct Loaded {
    QString error;
    CatalogCsvImport import;
};

// Size first, so a huge file is refused without being read.
Loaded loadAndCheck(const QString &path, const CatalogCsvStoreFactory &stores)
{
    Loaded loaded;
    const CatalogCsvLimits limits;
    const QFileInfo info(path);
    if (info.size() > limits.maxBytes) {
        loaded.error = QObject::tr("%1 is %2 MB; an import can be at most %3 MB. Split it into several files.")
                           .arg(info.fileName()).arg(double(info.size()) / (1024.0 * 1024.0), 0, 'f', 1)
                           .arg(limits.maxBytes / (1024 * 1024));
        return loaded;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        loaded.error = QObject::tr("%1 cannot be read: %2").arg(info.fileName(), file.errorString());
        return loaded;
    }
    const QByteArray bytes = file.read(limits.maxBytes + 1);
    auto store = stores ? stores() : Result<std::unique_ptr<CatalogCsvStore>>(Error::unavailable(u"No catalog is connected."_s));
    if (!store) {
        loaded.error = store.error().message;
        return loaded;
    }
    auto currency = (*store)->shopCurrency();
    if (!currency) {
        loaded.error = currency.error().message;
        return loaded;
    }
    loaded.import = parseCatalogCsv(bytes, *currency, limits);
    return loaded;
}

} // namespace

CsvImportDialog::CsvImportDialog(CatalogCsvStoreFactory stores, QWidget *parent)
    : QDialog(parent), m_stores(std::move(stores)), m_tasks(new UiTaskRunner(UiTaskRunner::Options{u"csv-import"_s}, this))
{
    setWindowTitle(tr("Import catalog from CSV"));
    m_choose = new QPushButton(tr("Choose file…"), this);
    m_choose->setObjectName(u"chooseFileButton"_s);
    m_file = new QLabel(tr("No file chosen. Columns: %1").arg(catalogCsvColumns().join(u", "_s)), this);
    m_file->setObjectName(u"fileLabel"_s);
    m_file->setWordWrap(true);
    auto *top = new QHBoxLayout;
    top->addWidget(m_choose);
    top->addWidget(m_file, 1);

    m_model = new CsvPreviewModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(u"previewTable"_s);
    m_table->setAccessibleName(tr("Rows of the file"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->setVisible(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);

    m_issues = new QListWidget(this);
    m_issues->setObjectName(u"issueList"_s);
    m_issues->setAccessibleName(tr("Problems in the file"));
    connect(m_issues, &QListWidget::currentRowChanged, this, [this](int) {
        const QListWidgetItem *item = m_issues->currentItem();
        const int row = item ? item->data(Qt::UserRole).toInt() : -1;
        if (row >= 0)
            m_table->selectRow(row);
    });
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_issues);
    split->setSizes({360, 140});

    m_summary = new QLabel(this);
    m_summary->setObjectName(u"summaryLabel"_s);
    m_summary->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"importProgress"_s);
    m_progress->setVisible(false);

    auto *buttons = new QDialogButtonBox(this);
    m_apply = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(u"applyButton"_s);
    m_apply->setEnabled(false);
    m_close = buttons->addButton(QDialogButtonBox::Close);
    connect(m_apply, &QPushButton::clicked, this, &CsvImportDialog::apply);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_choose, &QPushButton::clicked, this, &CsvImportDialog::chooseFile);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_progress);
    layout->addWidget(buttons);
    resize(960, 600);
}

// Running jobs own copies of what they need and their own store; the runner goes with the
// dialog, so a late result is simply dropped (an apply under way still commits or rolls back whole).
CsvImportDialog::~CsvImportDialog() = default;

void CsvImportDialog::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import catalog"), QString(),
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (!path.isEmpty())
        loadFile(path);
}

void CsvImportDialog::loadFile(const QString &path)
{
    if (m_busy)
        return;
    m_path = path;
    m_applied = false;
    m_import = {};
    m_model->setImport(nullptr);
    m_issues->clear();
    m_file->setText(QFileInfo(path).fileName());
    m_summary->setText(tr("Reading and checking %1…").arg(QFileInfo(path).fileName()));
    setBusy(true);
    m_tasks->run(this, [path, stores = m_stores]() -> Result<Loaded> { return loadAndCheck(path, stores); },
                 [this](const Result<Loaded> &loaded) {
                     m_import = loaded ? loaded->import : CatalogCsvImport{};
                     setBusy(false);
                     showPreview(loaded ? loaded->error : loaded.error().message);
                     Q_EMIT previewReady();
                 });
}

void CsvImportDialog::showPreview(const QString &fileError)
{
    m_model->setImport(&m_import);
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(1, qMin(m_table->columnWidth(1), 420)); // long reasons stay in the tooltip and the list
    const QList<CsvIssue> issues = m_import.allIssues();
    QHash<int, int> rowOfLine;
    for (qsizetype r = 0; r < m_import.rows.size(); ++r)
        rowOfLine.insert(m_import.rows[r].line, int(r));
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    if (!fileError.isEmpty())
        new QListWidgetItem(warning, fileError, m_issues);
    for (qsizetype i = 0; i < issues.size() && i < kMaxIssuesListed; ++i) {
        auto *item = new QListWidgetItem(warning, issues[i].toString(), m_issues);
        item->setData(Qt::UserRole, rowOfLine.value(issues[i].line, -1));
    }
    if (issues.size() > kMaxIssuesListed)
        new QListWidgetItem(tr("… and %1 more").arg(issues.size() - kMaxIssuesListed), m_issues);

    if (!fileError.isEmpty())
        m_summary->setText(tr("The file can't be imported: %1").arg(fileError));
    else if (!m_import.ok())
        m_summary->setText(tr("%n problem(s) found. Fix them in the file and choose it again; nothing is imported "
                              "until every row is right.", nullptr, int(issues.size())));
    else
        m_summary->setText(tr("%n row(s) ready to import. Apply saves all of them in one go, or none.", nullptr,
                              int(m_import.rows.size())));
    m_apply->setEnabled(fileError.isEmpty() && m_import.ok());
}

void CsvImportDialog::apply()
{
    if (m_busy || m_applied || !m_import.ok())
        return;
    setBusy(true);
    m_apply->setEnabled(false);
    m_progress->setRange(0, int(m_import.rows.size()));
    m_progress->setValue(0);
    m_summary->setText(tr("Importing %n row(s)…", nullptr, int(m_import.rows.size())));
    // The apply is one transaction in the database: progress is shown, but there is no Cancel
    // that could leave half a file stored.
    m_tasks->runWithProgress<int>(this, [stores = m_stores, import = m_import](const TaskProgress<int> &progress) -> Result<QString> {
        auto store = stores ? stores() : Result<std::unique_ptr<CatalogCsvStore>>(Error::unavailable(u"No catalog is connected."_s));
        if (!store)
            return store.error();
        auto summary = (*store)->apply(import, false, [&progress](int done, int) { progress.report(done); });
        if (!summary)
            return summary.error();
        return summary->toString();
    }, [this](int rowsDone) { m_progress->setValue(rowsDone); }, [this](const Result<QString> &summary) {
        setBusy(false);
        showApplied(summary.ok(), summary ? *summary : summary.error().message);
        Q_EMIT applyFinished(summary.ok());
    });
}

void CsvImportDialog::showApplied(bool ok, const QString &message)
{
    m_applied = ok;
    if (ok) {
        m_summary->setText(tr("Imported: %1.").arg(message));
        m_apply->setEnabled(false);
        return;
    }
    m_summary->setText(tr("Nothing was imported: %1").arg(message));
    m_apply->setEnabled(m_import.ok());
}

void CsvImportDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_choose->setEnabled(!busy);
    m_progress->setVisible(busy);
    if (busy)
        m_apply->setEnabled(false);
}

Result<int> exportCatalogCsvTo(const QString &path, const CatalogCsvStoreFactory &stores)
{
    if (!stores)
        return Error::unavailable(u"No catalog is connected."_s);
    auto store = stores();
    if (!store)
        return store.error();
    auto products = (*store)->exportProducts();
    if (!products)
        return products.error();
    const QByteArray csv = writeCatalogCsv(*products);
    QSaveFile file(path); // all or nothing: a failed export leaves no half-written file
    if (!file.open(QIODevice::WriteOnly) || file.write(csv) != csv.size() || !file.commit())
        return Error::unavailable(QObject::tr("%1 cannot be written: %2").arg(path, file.errorString()));
    return int(products->size());
}

bool exportCatalogCsv(QWidget *parent, const CatalogCsvStoreFactory &stores)
{
    const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export catalog"), u"catalog.csv"_s,
                                                      QObject::tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return false;
    QProgressDialog busy(QObject::tr("Exporting the catalog…"), QString(), 0, 0, parent);
    busy.setWindowModality(Qt::WindowModal);
    busy.setMinimumDuration(300);
    // The caller waits for the file (it reports the outcome), with the event loop running so
    // the window keeps painting.
    UiTaskRunner runner(UiTaskRunner::Options{u"catalog-export"_s});
    QEventLoop loop;
    std::optional<Result<int>> written;
    runner.run(&loop, [path, stores] { return exportCatalogCsvTo(path, stores); }, [&](const Result<int> &outcome) {
        written = outcome;
        loop.quit();
    });
    if (!written)
        loop.exec();
    busy.reset();
    if (!*written) {
        QMessageBox::warning(parent, QObject::tr("Export failed"), written->error().message);
        return false;
    }
    QMessageBox::information(parent, QObject::tr("Catalog exported"),
                             QObject::tr("%n product(s) written to %1.", nullptr, written->value()).arg(path));
    return true;
}

} // namespace rdk

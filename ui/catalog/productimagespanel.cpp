#include "ui/catalog/productimagespanel.h"

#include <QAbstractItemModel>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

/// Result of a change plus the reloaded list, so the grid always shows what is stored.
struct ProductImagesPanel::Outcome {
    QString error;
    bool listed = false;
    QList<ProductImage> images;
};

namespace {

constexpr int kThumbEdge = 112;

/// Opened lazily on the panel's worker thread, and again after a failure.
std::shared_ptr<LaneResource<ImageLibrary>> libraryLane(ImageLibraryFactory libraries)
{
    return std::make_shared<LaneResource<ImageLibrary>>([libraries]() -> Result<std::unique_ptr<ImageLibrary>> {
        if (!libraries)
            return Error::unavailable(u"No photo storage is configured."_s);
        return libraries();
    });
}

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1) + u" MB"_s;
}

// The file is judged by its size before it is read: a 2 GB video dropped by mistake costs nothing.
ProductImagesPanel::FileOutcome uploadOne(ImageLibrary &library, const QString &product, const QString &path)
{
    ProductImagesPanel::FileOutcome outcome;
    const QFileInfo info(path);
    outcome.fileName = info.fileName();
    if (!info.isFile()) {
        outcome.error = u"%1: the file cannot be found"_s.arg(outcome.fileName);
        return outcome;
    }
    if (info.size() > MaxImageUploadBytes) {
        outcome.error = u"%1: the file is %2; photos can be at most %3"_s.arg(outcome.fileName, megabytes(info.size()),
                                                                            megabytes(MaxImageUploadBytes));
        return outcome;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        outcome.error = u"%1: the file cannot be read (%2)"_s.arg(outcome.fileName, file.errorString());
        return outcome;
    }
    const QByteArray bytes = file.read(MaxImageUploadBytes + 1);
    const Result<UploadedImage> uploaded = library.upload(product, outcome.fileName, bytes);
    if (!uploaded) {
        outcome.error = uploaded.error().message;
        return outcome;
    }
    outcome.stored = true;
    outcome.alreadyPresent = uploaded->alreadyPresent;
    return outcome;
}

} // namespace

ProductImagesPanel::ProductImagesPanel(ImageLibraryFactory libraries, QString product, QWidget *parent)
    : QWidget(parent), m_product(std::move(product)), m_library(libraryLane(std::move(libraries))),
      m_tasks(UiTaskRunner::Options{u"product-photos"_s})
{
    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Remove photo"), question) == QMessageBox::Yes;
    };
    buildUi();
    reload();
}

// The runner goes with the panel: a batch under way stops after its current photo (the runner
// asks it to), and answers for the closed panel are dropped.
ProductImagesPanel::~ProductImagesPanel() = default;

std::function<QWidget *(const QString &, QWidget *)> ProductImagesPanel::factory(ImageLibraryFactory libraries)
{
    return [libraries](const QString &product, QWidget *parent) -> QWidget * {
        return new ProductImagesPanel(libraries, product, parent);
    };
}

std::function<QWidget *(const Product &, QWidget *)> ProductImagesPanel::productFactory(ImageLibraryFactory libraries)
{
    return [libraries](const Product &product, QWidget *parent) -> QWidget * {
        return new ProductImagesPanel(libraries, product.id.isEmpty() ? product.sku : product.id, parent);
    };
}

void ProductImagesPanel::buildUi()
{
    setAcceptDrops(true);
    installEventFilter(this);
    m_add = new QPushButton(tr("Add photos…"), this);
    m_add->setObjectName(u"addPhotosButton"_s);
    m_add->setToolTip(tr("JPEG, PNG or WebP, up to 20 MB each. You can also drop files here."));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"uploadProgress"_s);
    m_progress->setAccessibleName(tr("Upload progress"));
    m_progress->setVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(u"cancelUploadButton"_s);
    m_cancel->setVisible(false);
    auto *top = new QHBoxLayout;
    top->addWidget(m_add);
    top->addWidget(m_progress, 1);
    top->addWidget(m_cancel);

    m_grid = new QListWidget(this);
    m_grid->setObjectName(u"photoGrid"_s);
    m_grid->setAccessibleName(tr("Product photos"));
    // List mode flowing left to right: a grid whose drag-and-drop reorders the model
    // (icon mode would only move the icons around freely).
    m_grid->setViewMode(QListView::ListMode);
    m_grid->setFlow(QListView::LeftToRight);
    m_grid->setWrapping(true);
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setIconSize(QSize(kThumbEdge, kThumbEdge));
    m_grid->setSpacing(6);
    m_grid->setDragDropMode(QAbstractItemView::InternalMove);
    m_grid->setDefaultDropAction(Qt::MoveAction);
    m_grid->setSelectionMode(QAbstractItemView::SingleSelection);
    m_grid->setMinimumHeight(kThumbEdge + 48);
    m_grid->viewport()->installEventFilter(this);
    m_grid->installEventFilter(this);
    connect(m_grid->model(), &QAbstractItemModel::rowsMoved, this, [this] {
        if (!m_showing)
            persistOrderFromView();
    });
    connect(m_grid, &QListWidget::itemSelectionChanged, this, &ProductImagesPanel::updateButtons);

    m_left = new QPushButton(tr("Move left"), this);
    m_left->setObjectName(u"moveLeftButton"_s);
    m_right = new QPushButton(tr("Move right"), this);
    m_right->setObjectName(u"moveRightButton"_s);
    m_primary = new QPushButton(tr("Set as primary"), this);
    m_primary->setObjectName(u"setPrimaryButton"_s);
    m_remove = new QPushButton(tr("Remove…"), this);
    m_remove->setObjectName(u"removePhotoButton"_s);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_left);
    actions->addWidget(m_right);
    actions->addWidget(m_primary);
    actions->addStretch(1);
    actions->addWidget(m_remove);

    m_status = new QLabel(this);
    m_status->setObjectName(u"photoStatus"_s);
    m_status->setWordWrap(true);
    m_errors = new QListWidget(this);
    m_errors->setObjectName(u"uploadErrors"_s);
    m_errors->setAccessibleName(tr("Files that were refused"));
    m_errors->setVisible(false);
    m_errors->setMaximumHeight(110);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_grid, 1);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    layout->addWidget(m_errors);

    connect(m_add, &QPushButton::clicked, this, &ProductImagesPanel::chooseFiles);
    connect(m_cancel, &QPushButton::clicked, this, &ProductImagesPanel::cancelUpload);
    connect(m_left, &QPushButton::clicked, this, [this] { moveSelected(-1); });
    connect(m_right, &QPushButton::clicked, this, [this] { moveSelected(1); });
    connect(m_primary, &QPushButton::clicked, this, &ProductImagesPanel::makeSelectedPrimary);
    connect(m_remove, &QPushButton::clicked, this, &ProductImagesPanel::removeSelected);
    updateButtons();
}

QStringList ProductImagesPanel::errors() const
{
    QStringList lines;
    for (const FileOutcome &o : m_outcomes) {
        if (!o.error.isEmpty())
            lines.append(o.error);
    }
    return lines;
}

void ProductImagesPanel::setRemovalConfirmation(std::function<bool(const QString &)> confirm)
{
    m_confirm = std::move(confirm);
}

void ProductImagesPanel::chooseFiles()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Add photos"), QString(), tr("Photos (*.jpg *.jpeg *.png *.webp);;All files (*)"));
    if (!paths.isEmpty())
        uploadFiles(paths);
}

void ProductImagesPanel::uploadFiles(const QStringList &paths)
{
    if (m_busy || paths.isEmpty())
        return;
    m_outcomes.clear();
    m_errors->clear();
    m_errors->setVisible(false);
    m_progress->setRange(0, int(paths.size()));
    m_progress->setValue(0);
    m_status->setText(tr("Adding %n photo(s)…", nullptr, int(paths.size())));
    setBusy(true);
    // One outcome per file as it is done (the progress), then the batch's end (the answer).
    m_upload = m_tasks.runWithProgress<FileOutcome>(this, [library = m_library, product = m_product, paths](const TaskProgress<FileOutcome> &progress) -> Status {
        auto opened = library->get();
        for (const QString &path : paths) {
            if (progress.isCancelRequested())
                break;
            if (!opened)
                progress.report(FileOutcome{QFileInfo(path).fileName(), false, false, opened.error().message});
            else
                progress.report(uploadOne(**opened, product, path));
        }
        return {};
    }, [this](const FileOutcome &outcome) { onFileDone(outcome); }, [this](const Status &ended) {
        onUploadDone();
        if (!ended)  // the batch broke off (an unexpected error); what was done is shown above
            Q_EMIT operationFailed(ended.error().message);
    });
}

void ProductImagesPanel::cancelUpload()
{
    if (!m_busy)
        return;
    m_status->setText(tr("Canceling… the photo being processed is finished first."));
    m_upload.requestCancel();
}

void ProductImagesPanel::onFileDone(const FileOutcome &outcome)
{
    m_outcomes.append(outcome);
    m_progress->setValue(int(m_outcomes.size()));
    if (!outcome.error.isEmpty()) {
        auto *item = new QListWidgetItem(style()->standardIcon(QStyle::SP_MessageBoxWarning), outcome.error, m_errors);
        item->setToolTip(outcome.error);
        m_errors->setVisible(true);
    }
    Q_EMIT fileProcessed(int(m_outcomes.size()), m_progress->maximum());
}

void ProductImagesPanel::onUploadDone()
{
    int stored = 0;
    int duplicates = 0;
    for (const FileOutcome &o : std::as_const(m_outcomes)) {
        stored += o.stored && !o.alreadyPresent ? 1 : 0;
        duplicates += o.alreadyPresent ? 1 : 0;
    }
    const int refused = int(errors().size());
    const bool canceled = m_upload.isCancelRequested() && m_outcomes.size() < m_progress->maximum();
    QStringList parts{tr("%n photo(s) added", nullptr, stored)};
    if (duplicates > 0)
        parts.append(tr("%n already there", nullptr, duplicates));
    if (refused > 0)
        parts.append(tr("%n refused (see below)", nullptr, refused));
    if (canceled)
        parts.append(tr("canceled"));
    m_status->setText(parts.join(u", "_s) + u'.');
    setBusy(false);
    Q_EMIT uploadFinished(stored, refused, canceled);
    reload();
}

void ProductImagesPanel::reload()
{
    run({});
}

void ProductImagesPanel::run(std::function<Status(ImageLibrary &)> change)
{
    m_tasks.run(this, [library = m_library, product = m_product, change]() -> Result<Outcome> {
        Outcome outcome;
        auto opened = library->get();
        if (!opened) {
            outcome.error = opened.error().message;
            return outcome;
        }
        if (change) {
            if (Status done = change(**opened); !done)
                outcome.error = done.error().message;
        }
        auto listed = (*opened)->list(product);
        if (listed) {
            outcome.listed = true;
            outcome.images = std::move(listed).value();
        } else if (outcome.error.isEmpty()) {
            outcome.error = listed.error().message;
        }
        return outcome;
    }, [this](const Result<Outcome> &answer) {
        const Outcome outcome = answer ? answer.value() : Outcome{answer.error().message, false, {}};
        if (outcome.listed)
            showImages(outcome.images);
        if (!outcome.error.isEmpty()) {
            m_status->setText(outcome.error);
            Q_EMIT operationFailed(outcome.error);
        }
        if (outcome.listed)
            Q_EMIT imagesChanged();
    });
}

void ProductImagesPanel::showImages(const QList<ProductImage> &images)
{
    const QString selected = selectedRow() >= 0 ? m_images.value(selectedRow()).id : QString();
    m_showing = true;
    m_images = images;
    m_grid->clear();
    for (qsizetype i = 0; i < images.size(); ++i) {
        const ProductImage &image = images[i];
        QPixmap thumb;
        thumb.loadFromData(image.thumbJpeg, "JPEG");
        const QString label = image.primary ? tr("%1 ★ Primary").arg(i + 1) : QString::number(i + 1);
        auto *item = new QListWidgetItem(QIcon(thumb), label, m_grid);
        item->setData(Qt::UserRole, image.id);
        QStringList keys;
        for (const ProductImageVariant &v : image.variants)
            keys.append(u"%1: %2 (%3×%4)"_s.arg(v.variant, v.fileName).arg(v.width).arg(v.height));
        item->setToolTip(keys.join(u'\n'));
        item->setFlags(item->flags() | Qt::ItemIsDragEnabled);
        if (image.id == selected)
            item->setSelected(true);
    }
    m_showing = false;
    updateButtons();
}

int ProductImagesPanel::selectedRow() const
{
    const QList<QListWidgetItem *> selected = m_grid->selectedItems();
    return selected.isEmpty() ? -1 : m_grid->row(selected.first());
}

void ProductImagesPanel::moveSelected(int delta)
{
    const int row = selectedRow();
    const int to = row + delta;
    if (m_busy || row < 0 || to < 0 || to >= m_images.size())
        return;
    QStringList order;
    for (const ProductImage &image : std::as_const(m_images))
        order.append(image.id);
    order.move(row, to);
    const QString product = m_product;
    run([product, order](ImageLibrary &library) { return library.reorder(product, order); });
}

void ProductImagesPanel::persistOrderFromView()
{
    QStringList order;
    for (int i = 0; i < m_grid->count(); ++i)
        order.append(m_grid->item(i)->data(Qt::UserRole).toString());
    const QString product = m_product;
    run([product, order](ImageLibrary &library) { return library.reorder(product, order); });
}

void ProductImagesPanel::makeSelectedPrimary()
{
    const int row = selectedRow();
    if (m_busy || row < 0)
        return;
    const QString product = m_product;
    const QString id = m_images[row].id;
    run([product, id](ImageLibrary &library) { return library.setPrimary(product, id); });
}

void ProductImagesPanel::removeSelected()
{
    const int row = selectedRow();
    if (m_busy || row < 0)
        return;
    if (m_confirm && !m_confirm(tr("Remove photo %1 and all its sizes from this product? The storefront stops "
                                   "showing it.").arg(row + 1)))
        return;
    const QString product = m_product;
    const QString id = m_images[row].id;
    run([product, id](ImageLibrary &library) { return library.remove(product, id); });
}

void ProductImagesPanel::setBusy(bool busy)
{
    m_busy = busy;
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    m_add->setEnabled(!busy);
    m_grid->setDragDropMode(busy ? QAbstractItemView::NoDragDrop : QAbstractItemView::InternalMove);
    updateButtons();
}

void ProductImagesPanel::updateButtons()
{
    const int row = selectedRow();
    const bool editable = !m_busy && row >= 0;
    m_left->setEnabled(editable && row > 0);
    m_right->setEnabled(editable && row + 1 < m_grid->count());
    m_primary->setEnabled(editable && !m_images.value(row).primary);
    m_remove->setEnabled(editable);
}

// Files dropped anywhere on the panel (the grid included) are uploaded; drags inside the
// grid stay reorders.
bool ProductImagesPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove) {
        auto *drag = static_cast<QDropEvent *>(event);
        if (drag->mimeData()->hasUrls()) {
            drag->setDropAction(Qt::CopyAction);
            drag->setAccepted(!m_busy);
            return true;
        }
    } else if (event->type() == QEvent::Drop) {
        auto *drop = static_cast<QDropEvent *>(event);
        if (drop->mimeData()->hasUrls()) {
            QStringList paths;
            for (const QUrl &url : drop->mimeData()->urls()) {
                if (url.isLocalFile())
                    paths.append(url.toLocalFile());
            }
            drop->setDropAction(Qt::CopyAction);
            drop->accept();
            uploadFiles(paths);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace rdk

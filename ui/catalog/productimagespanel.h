#pragma once

#include "domain/imagelibrary.h"
#include "domain/product.h"
#include "ui/common/uitaskrunner.h"

#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace rdk {

/// The photos of one product: add files (file dialog or drag and drop, several at once),
/// see progress, cancel, read why a file was refused, reorder, choose the primary photo,
/// remove. All database and image work runs on a one-thread UiTaskRunner, in order, with one
/// library (its own session from the factory) kept for the panel's life, so the window stays
/// responsive.
class ProductImagesPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProductImagesPanel)

public:
    /// What the outcome of one file was, for the list of refusals.
    struct FileOutcome {
        QString fileName;
        bool stored = false;
        bool alreadyPresent = false;
        QString error;
    };

    /// `product` is the product's id or SKU.
    ProductImagesPanel(ImageLibraryFactory libraries, QString product, QWidget *parent = nullptr);
    ~ProductImagesPanel() override;

    /// For a product editor that hosts the panel: builds one panel per product.
    static std::function<QWidget *(const QString &product, QWidget *parent)> factory(ImageLibraryFactory libraries);
    /// The same, for hosts that hand over the Product itself (uses its id).
    static std::function<QWidget *(const Product &product, QWidget *parent)> productFactory(ImageLibraryFactory libraries);

    /// The photos as last loaded, in display order.
    const QList<ProductImage> &images() const { return m_images; }
    /// Per-file refusals of the last batch, one "file: reason" line each.
    QStringList errors() const;
    bool isBusy() const { return m_busy; }
    /// Removal asks first; tests and scripts may answer instead of a message box.
    void setRemovalConfirmation(std::function<bool(const QString &question)> confirm);

public Q_SLOTS:
    void chooseFiles();
    void uploadFiles(const QStringList &paths);
    void cancelUpload();
    void reload();
    void moveSelected(int delta);
    void makeSelectedPrimary();
    void removeSelected();

Q_SIGNALS:
    void fileProcessed(int done, int total);
    /// A batch ended: how many files were stored, refused, and whether it was canceled.
    void uploadFinished(int stored, int refused, bool canceled);
    /// The photo list was (re)loaded after any change.
    void imagesChanged();
    void operationFailed(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Outcome;

    void buildUi();
    void run(std::function<Status(ImageLibrary &)> change);
    void showImages(const QList<ProductImage> &images);
    void onFileDone(const FileOutcome &outcome);
    void onUploadDone();
    void setBusy(bool busy);
    void updateButtons();
    void persistOrderFromView();
    int selectedRow() const;

    QString m_product;
    // Jobs hold the library too: it lives until the last job that uses it is done.
    std::shared_ptr<LaneResource<ImageLibrary>> m_library;
    UiTaskRunner m_tasks;  // one thread: jobs run in order, and the library is never shared
    // Cancel stops the batch between files: the photo being processed still gets stored, and
    // its outcome still reaches the panel, so the count shown is the truth.
    TaskHandle m_upload;
    std::function<bool(const QString &)> m_confirm;
    QList<ProductImage> m_images;
    QList<FileOutcome> m_outcomes;
    bool m_busy = false;
    bool m_showing = false;

    QListWidget *m_grid = nullptr;
    QListWidget *m_errors = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_left = nullptr;
    QPushButton *m_right = nullptr;
    QPushButton *m_primary = nullptr;
    QPushButton *m_remove = nullptr;
};

} // namespace rdk

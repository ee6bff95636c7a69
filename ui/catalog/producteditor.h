#pragma once

#include "domain/catalog.h"
#include "ui/catalog/catalogqueryrunner.h"
#include "ui/common/uitaskrunner.h"

#include <QDialog>
#include <QHash>
#include <QPointer>
#include <QTimeZone>

#include <functional>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QTabWidget;
class QTableWidget;

namespace rdk {

/// Makes a ProductRepository with a database session of its own, on the calling (worker)
/// thread; an error means "no database" and is shown as the reason nothing was saved.
using ProductRepositoryFactory = std::function<Result<std::unique_ptr<ProductRepository>>()>;

/// Creates, edits, duplicates and archives one product. Every field is checked with the
/// domain rules before anything is sent, errors show next to their field, a stock change
/// needs a reason (it goes to the audit log), and a save that lost a race with someone
/// else's shows what they changed and keeps the user's edits to re-apply or overwrite.
/// Saving runs off the UI thread (a UiTaskRunner, a session of its own per save): the form
/// stays responsive, Save reads "Saving…" and is disabled until the answer is back.
class ProductEditor final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProductEditor)

public:
    /// Builds the widget of the "Photos" tab for a product (its id is empty until the first save).
    using PhotosFactory = std::function<QWidget *(const Product &product, QWidget *parent)>;

    /// `products` saves and `readers` reload a product after a conflict, each on a worker
    /// thread with a session of its own. `currency` is the shop's, for new products. Without
    /// `photos` there is no Photos tab.
    ProductEditor(ProductRepositoryFactory products, CatalogReaderFactory readers, QString currency,
                  PhotosFactory photos = {}, QWidget *parent = nullptr);

    /// Times the editor shows ("Saved … at 10:15") are in the shop's zone, not the PC's.
    void setShopTimeZone(const QString &ianaId);
    /// For logins that may not change products (cashiers): every field is shown but can't be
    /// edited, Save, Duplicate and Archive are off, and `reason` says why, up front rather than
    /// as a refusal at Save.
    void setReadOnly(const QString &reason);
    bool isReadOnly() const { return !m_readOnlyReason.isEmpty(); }

    void startNew();
    void edit(const Product &product);

    /// Validates, then starts saving off the UI thread; false when the form was refused (see
    /// the inline errors) or a save is still running. saveFinished() tells how it went.
    bool save();
    /// A save was started and its answer is not back yet.
    bool isSaving() const { return m_saving; }
    /// Turns the form into a new, unsaved product copied from this one (SKU and stock cleared).
    void duplicate();
    /// Archives (or brings back) the product: it leaves the storefront but is never deleted.
    /// Saves like save(); the form goes back to how it was if the save fails.
    bool setArchived(bool archived);

    /// After a conflict: load what is stored and apply this user's edits on top (not saved yet).
    void reapplyMineOnTheirs();
    /// After a conflict, having seen the differences: save this user's version over theirs.
    bool overwriteWithMine();

    bool isDirty() const;
    bool hasConflict() const;
    const Product &storedProduct() const { return m_base; }
    /// The message shown for a field ("sku", "price", "stock", "stockReason", ...), empty if none.
    QString errorFor(const QString &field) const;
    QList<FieldDifference> conflictDifferences() const { return m_differences; }

    void reject() override;

Q_SIGNALS:
    void saved(const rdk::Product &product);
    /// A save started by save() has answered: stored, or refused (see the form).
    void saveFinished(bool stored);

private:
    QWidget *buildDetailsTab();
    QWidget *buildStockTab();
    QWidget *buildConflictPanel();
    QLabel *errorLabel(const QString &field);
    void load(const Product &product);
    void rebuildGrid(const QHash<QString, SizeStock> &bySize, const QStringList &run);
    Product productFromForm(QList<FieldError> &errors) const;
    void showErrors(const QList<FieldError> &errors);
    struct SaveOutcome;
    void finishSave(quint64 form, const Product &mine, const Result<SaveOutcome> &outcome);
    void setSaving(bool saving);
    void showConflict(const Product &mine, const Result<std::optional<Product>> &theirs);
    void updateEnabledState();
    void updatePhotosTab();
    void setStatus(const QString &text);

    ProductRepositoryFactory m_products;
    CatalogReaderFactory m_readers;
    UiTaskRunner m_saves;
    bool m_saving = false;
    quint64 m_form = 0;       ///< grows when the form is loaded with another product
    QPointer<QWidget> m_focusBeforeSave;
    /// What setArchived() changed, to undo if its save fails.
    struct ArchiveUndo {
        bool archived;
        Qt::CheckState published;
    };
    std::optional<ArchiveUndo> m_archiveUndo;
    QString m_currency;
    PhotosFactory m_photos;

    Product m_base;           ///< as stored when loaded (empty for a new product)
    Product m_loaded;         ///< what the form was filled from (id, version and reserved units come from it)
    Product m_theirs;         ///< the stored version that won a conflict
    Product m_mineAtConflict; ///< the user's product when the conflict happened
    QList<FieldDifference> m_differences;

    QTabWidget *m_tabs = nullptr;
    QWidget *m_photosTab = nullptr;
    QLineEdit *m_sku = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_brand = nullptr;
    QLineEdit *m_colorway = nullptr;
    QComboBox *m_condition = nullptr;
    QComboBox *m_grade = nullptr;
    QLineEdit *m_price = nullptr;
    QLabel *m_currencyLabel = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QCheckBox *m_published = nullptr;
    QRadioButton *m_flat = nullptr;
    QRadioButton *m_perSize = nullptr;
    QComboBox *m_sizeSystem = nullptr;
    QPushButton *m_fullRun = nullptr;
    QLineEdit *m_flatStock = nullptr;
    QLineEdit *m_flatBarcode = nullptr;
    QTimeZone m_shopZone = QTimeZone::systemTimeZone();
    QString m_readOnlyReason;
    QLabel *m_readOnlyBanner = nullptr;
    QTableWidget *m_grid = nullptr;
    QComboBox *m_stockReason = nullptr;
    QFrame *m_conflictPanel = nullptr;
    QLabel *m_conflictText = nullptr;
    QTableWidget *m_conflictTable = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_duplicate = nullptr;
    QPushButton *m_archive = nullptr;
    QHash<QString, QLabel *> m_errorLabels;
};

} // namespace rdk

#pragma once

#include "domain/catalogcsv.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableView;

namespace rdk {

class CsvPreviewModel;
class UiTaskRunner;

/// Catalog CSV import: choose a file -> preview of every row with its problems (line, column,
/// reason) highlighted -> Apply, enabled only when the file has no problem -> progress ->
/// summary. Reading, checking and applying run off the UI thread on a UiTaskRunner, each job
/// with its own store (database session) from the factory; the apply is all or nothing.
class CsvImportDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CsvImportDialog)

public:
    explicit CsvImportDialog(CatalogCsvStoreFactory stores, QWidget *parent = nullptr);
    ~CsvImportDialog() override;

    bool isBusy() const { return m_busy; }
    const CatalogCsvImport &currentImport() const { return m_import; }

public Q_SLOTS:
    void chooseFile();
    /// Reads and checks the file (off the UI thread); previewReady() follows.
    void loadFile(const QString &path);
    /// Applies the checked file (off the UI thread); applyFinished() follows.
    void apply();

Q_SIGNALS:
    void previewReady();
    void applyFinished(bool ok);

private:
    void showPreview(const QString &fileError);
    void showApplied(bool ok, const QString &message);
    void setBusy(bool busy);

    CatalogCsvStoreFactory m_stores;
    UiTaskRunner *m_tasks;  // one thread: reading and applying never overlap
    CatalogCsvImport m_import;
    QString m_path;
    bool m_busy = false;
    bool m_applied = false;

    CsvPreviewModel *m_model = nullptr;
    QLabel *m_file = nullptr;
    QTableView *m_table = nullptr;
    QListWidget *m_issues = nullptr;
    QLabel *m_summary = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_choose = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_close = nullptr;
};

/// Writes the whole catalog to `path` in the import format; returns the number of products.
/// Blocking: call it off the UI thread (exportCatalogCsv does).
Result<int> exportCatalogCsvTo(const QString &path, const CatalogCsvStoreFactory &stores);

/// The catalog screen's "Export CSV…" action: asks where to save (QFileDialog), exports off the
/// UI thread with a busy indicator, then says how it went. Returns true when a file was written.
bool exportCatalogCsv(QWidget *parent, const CatalogCsvStoreFactory &stores);

} // namespace rdk

#pragma once

#include "domain/auditlog.h"

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTableWidget;

namespace rdk {

class AuditTableModel;

/// Admins' audit log: filter by person, entity, action and dates; rows load as you scroll;
/// the selected entry's before/after side by side with the changed fields marked; export of
/// everything the filter matches (not only the loaded rows) to CSV.
class AuditLogScreen final : public QWidget {
    Q_OBJECT
public:
    explicit AuditLogScreen(AuditLog &log, QWidget *parent = nullptr, int pageSize = 200);

    AuditTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QTableWidget *detail() const { return m_detail; }
    /// The banner text (errors, export result), empty when hidden.
    QString message() const;
    /// Logins offered while typing in the person filter.
    void setKnownPeople(const QStringList &logins);
    /// The filter as the controls describe it (dates: local whole days, "to" inclusive).
    AuditFilter filterFromControls() const;

    /// Entries fetched per query while exporting (default and maximum: MaxAuditPageSize).
    void setExportPageSize(int entries) { m_exportPageSize = qBound(1, entries, MaxAuditPageSize); }
    /// Called after each page with the entries written so far; return false to cancel.
    using ExportProgress = std::function<bool(int written)>;
    /// Writes every entry matching the current filter to `path` (CSV, formulas neutralised);
    /// the number of entries written, or why not. Nothing is left at `path` on failure.
    Result<int> exportCsv(const QString &path, const ExportProgress &progress = {});

public Q_SLOTS:
    void applyFilter();
    void clearFilter();
    void exportWithDialog();

private:
    void showEntry(const AuditEntry *entry);
    void showMessage(const QString &text, bool error);

    AuditLog &m_log;
    int m_exportPageSize = MaxAuditPageSize;
    AuditTableModel *m_model;
    QLineEdit *m_person;
    QComboBox *m_entity;
    QComboBox *m_action;
    QLineEdit *m_record;
    QCheckBox *m_useFrom;
    QDateEdit *m_from;
    QCheckBox *m_useTo;
    QDateEdit *m_to;
    QPushButton *m_apply, *m_clear, *m_export;
    QLabel *m_banner;
    QTableView *m_table;
    QLabel *m_detailTitle;
    QTableWidget *m_detail;
};

} // namespace rdk

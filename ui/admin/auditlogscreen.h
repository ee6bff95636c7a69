#pragma once

#include "domain/auditlog.h"
#include "ui/common/uitaskrunner.h"

#include <QPointer>
#include <QTimeZone>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QProgressDialog;
class QPushButton;
class QTableView;
class QTableWidget;

namespace rdk {

class AuditTableModel;

/// Called after each page of an export with the entries written so far; false cancels it.
using AuditExportProgress = std::function<bool(int written)>;

/// Writes every entry of `log` matching `filter` to `path` as CSV (formulas neutralised),
/// `pageSize` entries per query; the number of entries written, or why not. Nothing is left
/// at `path` on failure or cancel. Blocking: the screen runs it off the UI thread.
Result<int> exportAuditLogCsv(AuditLog &log, const AuditFilter &filter, const QString &path, int pageSize,
                              const AuditExportProgress &progress = {});

/// Admins' audit log: filter by person, entity, action and dates; rows load as you scroll;
/// the selected entry's before/after side by side with the changed fields marked; export of
/// everything the filter matches (not only the loaded rows) to CSV.
///
/// Every query runs off the UI thread on a UiTaskRunner: pages on a browsing lane that keeps
/// one log (its own database session) for the screen's life, where a page for a filter that a
/// newer one replaced is skipped or dropped; exports on a lane of their own, a log per export,
/// with progress and Cancel. A status line says what is loading.
class AuditLogScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditLogScreen)

public:
    /// Looks up the logins of the shop's staff, for the person filter (runs off the UI thread).
    using KnownPeople = std::function<Result<QStringList>()>;

    /// `logs` opens the audit log on a session of its own (called on a worker thread). The
    /// first page is asked for at once.
    explicit AuditLogScreen(AuditLogFactory logs, QWidget *parent = nullptr, int pageSize = 200);

    AuditTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QTableWidget *detail() const { return m_detail; }
    /// The banner text (errors, export result), empty when hidden.
    QString message() const;
    /// What is being loaded off the UI thread ("Searching the audit log…"), empty when nothing is.
    QString status() const;
    /// A page (or the known people) was asked for and has not arrived.
    bool isLoading() const { return m_pages->isBusy(); }
    bool isExporting() const { return m_exports->isBusy(); }
    /// Logins offered while typing in the person filter.
    void setKnownPeople(const QStringList &logins);
    /// Runs `people` off the UI thread, then offers its logins (see setKnownPeople).
    void loadKnownPeople(KnownPeople people);
    /// The filter as the controls describe it (dates: whole days of the shop, "to" inclusive).
    AuditFilter filterFromControls() const;
    /// The shop's zone (IANA id): times shown and the days of the date filter are in it, not
    /// in the PC's zone.
    void setShopTimeZone(const QString &ianaId);
    /// For amounts of entries that don't name their currency.
    void setShopCurrency(const QString &currency);

    /// Entries fetched per query while exporting (default and maximum: MaxAuditPageSize).
    void setExportPageSize(int entries) { m_exportPageSize = qBound(1, entries, MaxAuditPageSize); }
    /// Starts writing every entry matching the current filter to `path`, off the UI thread,
    /// with a progress dialog whose Cancel stops it; exportFinished() and the banner tell how
    /// it went. False (and nothing started) when the filter is refused or an export is running.
    bool exportTo(const QString &path);

public Q_SLOTS:
    void applyFilter();
    void clearFilter();
    void exportWithDialog();
    /// Stops the running export after its current page; no file is left.
    void cancelExport();

Q_SIGNALS:
    /// An export wrote another page: `written` entries so far.
    void exportProgressed(int written);
    void exportFinished(bool ok);

private:
    void loadPage(quint64 generation, const AuditFilter &filter, const std::optional<AuditCursor> &after, int limit);
    void finishExport(const QString &path, const Result<int> &written);
    void showEntry(const AuditEntry *entry);
    void showMessage(const QString &text, bool error);
    void setStatus(const QString &text);

    AuditLogFactory m_logs;
    // Jobs hold the browsing log too: it lives until the last page query is done.
    std::shared_ptr<LaneResource<AuditLog>> m_browseLog;
    UiTaskRunner *m_pages;
    UiTaskRunner *m_exports;
    LatestRequest m_pageTickets;
    TaskHandle m_exportJob;
    QPointer<QProgressDialog> m_exportProgress;
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
    QLabel *m_status;
    QTableView *m_table;
    QLabel *m_detailTitle;
    QTableWidget *m_detail;
    QTimeZone m_zone = QTimeZone::systemTimeZone();
    QString m_currency = QStringLiteral("USD");
};

} // namespace rdk

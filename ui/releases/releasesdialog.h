#pragma once

#include "domain/releasebook.h"
#include "domain/staff.h"
#include "ui/common/uitaskrunner.h"

#include <QDialog>
#include <QPointer>
#include <QTimeZone>
#include <QTimer>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace rdk {

class RaffleResultsDialog;
class ReleaseEditDialog;
class ReleaseTableModel;

/// Shop ▸ Releases…: the shop's upcoming and recent releases with their state and a live
/// countdown (ticks every second; the list is re-read every few seconds off the UI thread),
/// sizes, release time in the shop's time zone, how they sell and their counts. Operations staff
/// and administrators create, edit and cancel releases and draw raffles; cashiers see the same
/// list with those buttons off and the reason in their tooltips (the database refuses them too).
class ReleasesDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReleasesDialog)

public:
    /// Re-read the list this often while the window is open.
    static constexpr int RefreshMs = 5000;

    ReleasesDialog(ReleaseBookFactory books, StaffRole role, const QString &timeZone, QWidget *parent = nullptr);
    ~ReleasesDialog() override;

    /// For tests and previews: what "now" is (default: the system clock).
    void setClock(std::function<QDateTime()> now);

    ReleaseTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    /// The release selected, or nullptr.
    const ReleaseSummary *selected() const;
    bool selectRelease(const QString &releaseId);
    bool isBusy() const { return m_jobs.isBusy(); }
    /// What the last action said (or why the list could not be read).
    QString statusText() const;
    /// "3 release(s) · updated 10:02:03".
    QString updatedText() const;
    /// The dialogs this window opened, while they are open (tests, previews).
    ReleaseEditDialog *editDialog() const;
    RaffleResultsDialog *resultsDialog() const;
    QDialog *cancelDialog() const;

public Q_SLOTS:
    void refresh();
    void newRelease();        ///< Ctrl+N
    void editRelease();       ///< Enter, Ctrl+E
    void cancelRelease();     ///< Delete: asks for a reason
    void drawRaffle();        ///< Ctrl+D: asks first
    void showResults();       ///< Ctrl+R

Q_SIGNALS:
    /// The list was read (or failed to be): tests wait for it.
    void refreshed();
    /// A draw answered: `outcome` is empty when it was refused (statusText() says why).
    void drawAnswered(const QString &seed);
    void canceled(const QString &releaseId);

private:
    void updateButtons();
    void setStatus(const QString &text, bool error);
    void startDraw(const QString &releaseId, const QString &label);
    void sendCancel(const QString &releaseId, const QString &reason);

    ReleaseBookFactory m_books;
    StaffRole m_role;
    QTimeZone m_zone;
    std::function<QDateTime()> m_now;
    UiTaskRunner m_jobs;
    LatestRequest m_reads;
    ReleaseTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_new = nullptr;
    QPushButton *m_editButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QPushButton *m_draw = nullptr;
    QPushButton *m_resultsButton = nullptr;
    QPushButton *m_refresh = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_updated = nullptr;
    QTimer m_tick;
    QTimer m_reload;
    QDateTime m_readAt;
    QPointer<ReleaseEditDialog> m_edit;
    QPointer<RaffleResultsDialog> m_results;
    QPointer<QDialog> m_cancel;
};

} // namespace rdk

#pragma once

#include "domain/staffadmin.h"
#include "ui/common/uitaskrunner.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTableView;

namespace rdk {

class StaffSubmitDialog;
class StaffTableModel;

/// Admins' staff screen: the shop's accounts, and create / change role / reset password /
/// disable / enable / set up two-factor. Every call goes through StaffAdministration, so the
/// database decides; refusals show in a banner or in the dialog that asked.
///
/// The calls run off the UI thread on a one-thread UiTaskRunner, each action on a service (and
/// database session) of its own from the factory: a session opened after the admin's code was
/// verified, so the database lets it write. While one runs, the buttons are disabled and a
/// status line says what is being done. A list that a newer one overtook is dropped; a change
/// goes on when its dialog or the screen is closed, and its outcome shows on the screen.
class StaffScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StaffScreen)

public:
    /// Asks the admin a yes/no question; the default shows a message box. Tests pass their own.
    using Confirm = std::function<bool(const QString &title, const QString &question)>;

    /// Starts loading the list at once.
    explicit StaffScreen(StaffAdministrationFactory staff, QWidget *parent = nullptr);

    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    QTableView *table() const { return m_table; }
    StaffTableModel *model() const { return m_model; }
    /// The banner text (errors and confirmations), empty when hidden.
    QString message() const;
    /// What is being done off the UI thread ("Loading the staff list…"), empty when nothing is.
    QString status() const;
    /// A load or a change has not answered yet.
    bool isBusy() const { return m_tasks->isBusy(); }
    /// Selects the row of `login`; false when it is not listed.
    bool selectLogin(const QString &login);

public Q_SLOTS:
    void reload();
    void createAccount();
    void changeRole();
    void resetPassword();
    void disableAccount();
    void enableAccount();
    void setUpTwoFactor();

Q_SIGNALS:
    /// After any successful change (the audit screen may want to refresh).
    void staffChanged();

private:
    struct ChangeOutcome;
    /// What a change says: on the status line while it runs, in the banner once it answered.
    struct ChangeText {
        QString working;
        std::function<QString(const QString &login)> done;
        std::function<QString(const QString &why)> failed;  ///< when its dialog is no longer open
    };
    /// Makes one change with the service; answers with the login it was about.
    using Change = std::function<Result<QString>(StaffAdministration &)>;

    void runChange(Change change, ChangeText text, QPointer<StaffSubmitDialog> dialog = {});
    void showList(const Result<QList<StaffMember>> &staff, const QString &select);
    void openDialog(StaffSubmitDialog *dialog);
    const StaffMember *selected() const;
    void showMessage(const QString &text, bool error);
    void setStatus(const QString &text);
    void setBusy(bool busy);
    void updateActions();

    StaffAdministrationFactory m_staff;
    UiTaskRunner *m_tasks;
    LatestRequest m_lists;
    Confirm m_confirm;
    StaffTableModel *m_model;
    QTableView *m_table;
    QLabel *m_banner;
    QLabel *m_status;
    QPushButton *m_create, *m_role, *m_password, *m_disable, *m_enable, *m_twofa, *m_reload;
};

} // namespace rdk

#pragma once

#include "domain/staffadmin.h"

#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTableView;

namespace rdk {

class StaffTableModel;

/// Admins' staff screen: the shop's accounts, and create / change role / reset password /
/// disable / enable / set up two-factor. Every change goes through StaffAdministration on
/// the admin's own session, so the database decides; refusals show in a banner.
class StaffScreen final : public QWidget {
    Q_OBJECT
public:
    /// Asks the admin a yes/no question; the default shows a message box. Tests pass their own.
    using Confirm = std::function<bool(const QString &title, const QString &question)>;

    explicit StaffScreen(StaffAdministration &service, QWidget *parent = nullptr);

    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    QTableView *table() const { return m_table; }
    StaffTableModel *model() const { return m_model; }
    /// The banner text (errors and confirmations), empty when hidden.
    QString message() const;
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
    const StaffMember *selected() const;
    void showMessage(const QString &text, bool error);
    void done(const QString &login, const QString &message);
    void updateActions();

    StaffAdministration &m_service;
    Confirm m_confirm;
    StaffTableModel *m_model;
    QTableView *m_table;
    QLabel *m_banner;
    QPushButton *m_create, *m_role, *m_password, *m_disable, *m_enable, *m_twofa, *m_reload;
};

} // namespace rdk

#pragma once

#include "domain/desksession.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSettings;
class QFormLayout;

namespace rdk {

/// Sign-in to the back office: server, login, password and, when the account needs it, a
/// two-factor code. The check itself happens in the database (DeskSession); this dialog only
/// collects the input and explains the outcome. It remembers the last login and server in
/// `settings` (never the password or the code).
class SignInDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignInDialog)

public:
    /// `defaultServer` comes from the configuration; `settings` may be null (nothing remembered).
    SignInDialog(DeskSession &session, const ServerAddress &defaultServer, QSettings *settings,
                 QWidget *parent = nullptr);

    /// True while a sign-in attempt is running (the form is disabled meanwhile).
    bool isBusy() const { return m_busy; }
    /// Kind of the last failure, for tests and logs; empty after success.
    QString lastErrorKind() const { return m_lastErrorKind; }
    /// Fills the form (automation: screenshots); the password is never taken from settings.
    void prefill(const QString &login, const QString &password);

    static constexpr const char *LastLoginKey = "signIn/lastLogin";
    static constexpr const char *LastServerKey = "signIn/lastServer";

public Q_SLOTS:
    /// Tries to sign in with what the form holds; accepts the dialog on success.
    void submit();

private:
    void onFinished(const SignInResult &result);
    void setBusy(bool busy);
    void showProblem(const SignInError &error);
    void showCodeRow(bool visible);
    void clearProblem();

    DeskSession &m_session;
    ServerAddress m_defaultServer;
    QSettings *m_settings;
    QFormLayout *m_form = nullptr;
    QLineEdit *m_server = nullptr;
    QLineEdit *m_login = nullptr;
    QLineEdit *m_password = nullptr;
    QLineEdit *m_code = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QLabel *m_status = nullptr;
    ServerAddress m_pendingServer;
    QString m_lastErrorKind;
    bool m_busy = false;
};

} // namespace rdk

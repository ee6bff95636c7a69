#pragma once

#include "domain/desksession.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace rdk {

/// Covers the whole window while the desk is locked. Only the signed-in person's password
/// (and code, for accounts with a second factor), checked by the database, opens it again.
/// It hides what is beneath without touching it, so unsaved edits stay as they were.
class LockOverlay final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LockOverlay)

public:
    LockOverlay(DeskSession &session, QWidget *parent);

    /// Shows the overlay over its parent and takes the keyboard focus.
    void activate();
    QString lastErrorKind() const { return m_lastErrorKind; }
    /// True while the password is being checked.
    bool isBusy() const { return m_busy; }

public Q_SLOTS:
    void tryUnlock();

Q_SIGNALS:
    void unlocked();

protected:
    /// Keeps the overlay over its parent and, while locked, swallows input and shortcuts
    /// meant for anything else in the application (other windows and dialogs included).
    bool eventFilter(QObject *watched, QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    bool isMine(QObject *object) const;
    void onChecked(const SignInResult &result);

    DeskSession &m_session;
    QLabel *m_who = nullptr;
    QLineEdit *m_password = nullptr;
    QLineEdit *m_code = nullptr;
    QLabel *m_codeLabel = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_unlock = nullptr;
    QLabel *m_status = nullptr;
    QString m_lastErrorKind;
    bool m_busy = false;
};

} // namespace rdk

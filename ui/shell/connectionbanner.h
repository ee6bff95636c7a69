#pragma once

#include "domain/connectionsupervisor.h"

#include <QFrame>

class QLabel;
class QLineEdit;
class QPushButton;

namespace rdk {

/// A strip above the screens that says when the database connection is gone and that it is
/// being restored; after a reconnect that needs a fresh two-factor code it asks for one.
/// It never covers the screens, so whatever people were typing stays where it is.
class ConnectionBanner final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionBanner)

public:
    ConnectionBanner(DeskSession &session, ConnectionSupervisor &supervisor, QWidget *parent = nullptr);

    QString message() const;

private:
    void onStateChanged(ConnectionSupervisor::State state, const QString &message);
    void verifyCode();

    DeskSession &m_session;
    ConnectionSupervisor &m_supervisor;
    QLabel *m_text = nullptr;
    QPushButton *m_retry = nullptr;
    QLineEdit *m_code = nullptr;
    QPushButton *m_verify = nullptr;
};

} // namespace rdk

#pragma once

#include "domain/connectionsupervisor.h"
#include "domain/deskaccess.h"
#include "domain/desksession.h"

#include <QIcon>
#include <QKeySequence>
#include <QMainWindow>
#include <QPointer>

#include <chrono>
#include <functional>

class QAction;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace rdk {

class ConnectionBanner;
class InactivityWatcher;
class LockOverlay;

/// How a screen appears in the navigation.
struct ScreenSpec final {
    ScreenKey key = ScreenKey::Catalog;
    QString title;
    QIcon icon;
    QKeySequence shortcut;
    StaffRole minimumRole = StaffRole::Admin;

    /// The domain's title and minimum role, and Ctrl+N for the Nth screen of allScreens().
    static ScreenSpec defaultsFor(ScreenKey key);
};

/// The back office window: navigation on the left showing only what the signed-in role may
/// open, the screens (handed in from outside: addScreen) on the right, a connection banner
/// above them, and the inactivity lock over everything. It holds no business rules: the
/// screens own their work, DeskSession owns the database session.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(DeskSession &session, std::chrono::milliseconds lockAfter, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// The page shown first and under "Overview" (the window takes ownership).
    void setHomeScreen(QWidget *home);
    /// Adds a screen (the window takes ownership). Refused (and `screen` deleted) when the
    /// signed-in role is below spec.minimumRole or the key is already taken.
    bool addScreen(const ScreenSpec &spec, QWidget *screen);

    QList<ScreenKey> screenKeys() const;
    /// What the navigation lists, top to bottom.
    QStringList navigationTitles() const;
    QWidget *screen(ScreenKey key) const;
    bool showScreen(ScreenKey key);
    void showHome();
    QWidget *currentScreen() const;

    /// A screen's answer to "what would be lost if the window closed now?" ("a sale of 2
    /// items in the cart"); empty when nothing would be.
    using PendingWorkCheck = std::function<QString()>;
    void addPendingWorkCheck(PendingWorkCheck check);
    /// What every screen would lose, one sentence each.
    QStringList pendingWork() const;

    void lockNow();
    bool isLocked() const;
    void setLockTimeout(std::chrono::milliseconds timeout);

    ConnectionSupervisor &connectionSupervisor() { return *m_supervisor; }
    ConnectionBanner *connectionBanner() const { return m_banner; }
    LockOverlay *lockOverlay() const { return m_lock; }

public Q_SLOTS:
    /// File → Sign out (Ctrl+Shift+O): after asking when work would be lost, closes the window
    /// and emits signOutRequested(), so the sign-in screen can take the next person.
    void signOut();

Q_SIGNALS:
    void locked();
    void unlockedAgain();
    void signOutRequested();

protected:
    /// Quitting asks first when a screen would lose work.
    void closeEvent(QCloseEvent *event) override;

private:
    /// True when nothing would be lost, or the person chose to `action` anyway.
    bool mayLeave(const QString &action);
    void buildNavigation();
    void buildMenus();
    void buildStatusBar();
    void onUnlocked();
    void onConnectionState(ConnectionSupervisor::State state);
    void insertNavigationItem(int position, const QString &title, const QIcon &icon, const QKeySequence &shortcut, int data);

    DeskSession &m_session;
    ConnectionSupervisor *m_supervisor = nullptr;
    InactivityWatcher *m_inactivity = nullptr;
    QWidget *m_body = nullptr;
    ConnectionBanner *m_banner = nullptr;
    QListWidget *m_nav = nullptr;
    QStackedWidget *m_stack = nullptr;
    LockOverlay *m_lock = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QWidget *m_home = nullptr;
    QHash<int, QWidget *> m_screens;
    QList<QAction *> m_screenActions;
    QAction *m_lockAction = nullptr;
    QList<PendingWorkCheck> m_pendingWorkChecks;
    bool m_leaveConfirmed = false;
    QPointer<QWidget> m_focusBeforeLock;
};

} // namespace rdk

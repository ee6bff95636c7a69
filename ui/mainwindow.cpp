#include "ui/mainwindow.h"

#include "ui/shell/connectionbanner.h"
#include "ui/shell/inactivitywatcher.h"
#include "ui/shell/lockoverlay.h"
#include "ui/shell/theme.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

/// The screen list. Typing a letter does not jump to a screen ("p" would open Point of Sale
/// while someone meant to type in it); Ctrl+1…9 and the arrows choose screens.
class NavigationList final : public QListWidget {
public:
    using QListWidget::QListWidget;
    void keyboardSearch(const QString &) override {}
};

/// Gives the keyboard to `screen`: where it was last in that screen, else its first field.
void focusScreen(QWidget *screen)
{
    if (!screen)
        return;
    if (QWidget *last = screen->focusWidget(); last && last->isVisible() && last->isEnabled()) {
        last->setFocus(Qt::MouseFocusReason);
        return;
    }
    for (QWidget *child : screen->findChildren<QWidget *>()) {
        if ((child->focusPolicy() & Qt::TabFocus) && child->isVisibleTo(screen) && child->isEnabled()) {
            child->setFocus(Qt::MouseFocusReason);
            return;
        }
    }
}


constexpr int HomeItem = -1;
constexpr int KeyRole = Qt::UserRole + 1;

int positionOf(ScreenKey key)
{
    return int(allScreens().indexOf(key));
}

} // namespace

ScreenSpec ScreenSpec::defaultsFor(ScreenKey key)
{
    ScreenSpec spec;
    spec.key = key;
    spec.title = screenTitle(key);
    spec.minimumRole = minimumRoleFor(key);
    spec.shortcut = QKeySequence(QKeyCombination(Qt::ControlModifier, Qt::Key(Qt::Key_1 + positionOf(key))));
    return spec;
}

MainWindow::MainWindow(DeskSession &session, std::chrono::milliseconds lockAfter, QWidget *parent)
    : QMainWindow(parent), m_session(session)
{
    setObjectName(u"mainWindow"_s);
    const SignedInUser &user = m_session.user();
    setWindowTitle(tr("%1 — Real Deal Kickz").arg(user.tenantName));

    m_supervisor = new ConnectionSupervisor(m_session, this);
    m_inactivity = new InactivityWatcher(lockAfter, this);
    connect(m_inactivity, &InactivityWatcher::idle, this, &MainWindow::lockNow);

    m_body = new QWidget(this);
    m_banner = new ConnectionBanner(m_session, *m_supervisor, m_body);
    m_stack = new QStackedWidget(m_body);
    m_stack->setObjectName(u"screens"_s);
    buildNavigation();

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    auto *divider = new QFrame(m_body);
    divider->setFrameShape(QFrame::VLine);
    divider->setFrameShadow(QFrame::Plain);
    divider->setForegroundRole(QPalette::Mid);
    row->addWidget(m_nav->parentWidget());
    row->addWidget(divider);
    row->addWidget(m_stack, 1);
    auto *column = new QVBoxLayout(m_body);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_banner);
    column->addLayout(row, 1);
    setCentralWidget(m_body);

    buildMenus();
    buildStatusBar();
    m_lock = new LockOverlay(m_session, this);
    connect(m_lock, &LockOverlay::unlocked, this, &MainWindow::onUnlocked);
    connect(m_supervisor, &ConnectionSupervisor::stateChanged, this,
            [this](ConnectionSupervisor::State state, const QString &) { onConnectionState(state); });

    resize(1180, 760);
    m_inactivity->restart();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildNavigation()
{
    const SignedInUser &user = m_session.user();
    auto *panel = new QWidget(m_body);
    panel->setObjectName(u"navigationPanel"_s);
    panel->setAutoFillBackground(true);
    panel->setBackgroundRole(QPalette::Base);
    panel->setFixedWidth(232);

    auto *shop = new QLabel(user.tenantName, panel);
    shop->setObjectName(u"navShop"_s);
    shop->setTextFormat(Qt::PlainText);
    shop->setWordWrap(true);
    theme::setRelativeFontSize(shop, 1.15, true);
    theme::setForeground(shop, theme::accent(palette()));
    auto *who = new QLabel(u"%1 · %2"_s.arg(user.displayName, displayName(user.role)), panel);
    who->setTextFormat(Qt::PlainText);
    who->setWordWrap(true);
    theme::setForeground(who, theme::mutedText(palette()));

    m_nav = new NavigationList(panel);
    m_nav->setObjectName(u"navigation"_s);
    m_nav->setAccessibleName(tr("Screens"));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setIconSize(QSize(20, 20));
    m_nav->setSpacing(2);
    m_nav->setUniformItemSizes(true);
    m_nav->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_nav->setStyleSheet(u"QListWidget { background: transparent; outline: 0; }"
                         u"QListWidget::item { padding: 7px 10px; border-radius: 6px; }"
                         u"QListWidget::item:selected { background: palette(highlight); color: palette(highlighted-text); }"_s);
    connect(m_nav, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (!item)
            return;
        const int key = item->data(KeyRole).toInt();
        m_stack->setCurrentWidget(key == HomeItem ? m_home : m_screens.value(key));
    });
    // A click hands the keyboard to the screen, so its own shortcuts (Ctrl+F in the Catalog)
    // and typing work at once; arrow keys in the list keep it there.
    connect(m_nav, &QListWidget::itemClicked, this, [this] { focusScreen(m_stack->currentWidget()); });

    auto *lock = new QPushButton(tr("Lock desk   Ctrl+L"), panel);
    lock->setObjectName(u"lockButton"_s);
    lock->setToolTip(tr("Lock the desk when you step away (Ctrl+L)"));
    lock->setFocusPolicy(Qt::TabFocus);
    connect(lock, &QPushButton::clicked, this, &MainWindow::lockNow);
    auto *signOut = new QPushButton(tr("Sign out   Ctrl+Shift+O"), panel);
    signOut->setObjectName(u"signOutButton"_s);
    signOut->setToolTip(tr("Sign out so a colleague can sign in on this desk (Ctrl+Shift+O)"));
    signOut->setFocusPolicy(Qt::TabFocus);
    connect(signOut, &QPushButton::clicked, this, &MainWindow::signOut);

    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(14, 18, 14, 14);
    layout->setSpacing(4);
    layout->addWidget(shop);
    layout->addWidget(who);
    layout->addSpacing(14);
    layout->addWidget(m_nav, 1);
    layout->addWidget(lock);
    layout->addWidget(signOut);
}

void MainWindow::buildMenus()
{
    auto *file = menuBar()->addMenu(tr("&File"));
    m_lockAction = file->addAction(tr("&Lock now"), this, &MainWindow::lockNow);
    m_lockAction->setObjectName(u"lockAction"_s);
    m_lockAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_lockAction->setShortcutContext(Qt::ApplicationShortcut);
    auto *signOut = file->addAction(tr("Sign &out"), this, &MainWindow::signOut);
    signOut->setObjectName(u"signOutAction"_s);
    signOut->setShortcut(QKeySequence(u"Ctrl+Shift+O"_s));
    file->addSeparator();
    auto *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    menuBar()->addMenu(tr("&Go"))->setObjectName(u"goMenu"_s);
}

void MainWindow::buildStatusBar()
{
    const SignedInUser &user = m_session.user();
    auto *who = new QLabel(tr("Signed in as %1 (%2) · %3").arg(user.displayName, user.login, displayName(user.role)), this);
    who->setObjectName(u"statusUser"_s);
    who->setTextFormat(Qt::PlainText);
    auto *server = new QLabel(tr("Server %1").arg(m_session.server().toDisplayString()), this);
    server->setObjectName(u"statusServer"_s);
    server->setTextFormat(Qt::PlainText);
    m_connectionLabel = new QLabel(tr("Connected"), this);
    m_connectionLabel->setObjectName(u"statusConnection"_s);
    statusBar()->setContentsMargins(8, 0, 8, 0);
    statusBar()->addWidget(who);
    statusBar()->addPermanentWidget(server);
    statusBar()->addPermanentWidget(m_connectionLabel);
}

void MainWindow::insertNavigationItem(int position, const QString &title, const QIcon &icon, const QKeySequence &shortcut,
                                      int data)
{
    auto *item = new QListWidgetItem(icon, title);
    item->setData(KeyRole, data);
    if (!shortcut.isEmpty())
        item->setToolTip(u"%1 (%2)"_s.arg(title, shortcut.toString(QKeySequence::NativeText)));
    item->setSizeHint(QSize(0, m_nav->fontMetrics().height() + 18));
    m_nav->insertItem(position, item);
}

void MainWindow::setHomeScreen(QWidget *home)
{
    if (m_home) {
        m_stack->removeWidget(m_home);
        delete m_home;
        delete m_nav->takeItem(0);
    }
    m_home = home;
    m_stack->insertWidget(0, home);
    insertNavigationItem(0, tr("Overview"), {}, {}, HomeItem);
    m_nav->setCurrentRow(0);
}

bool MainWindow::addScreen(const ScreenSpec &spec, QWidget *screen)
{
    const int key = int(spec.key);
    if (!screen || !roleAtLeast(m_session.user().role, spec.minimumRole) || m_screens.contains(key)) {
        delete screen;
        return false;
    }
    m_screens.insert(key, screen);
    m_stack->addWidget(screen);

    // Keep the navigation in the domain's order, whatever order screens arrive in.
    int row = m_home ? 1 : 0;
    while (row < m_nav->count() && positionOf(ScreenKey(m_nav->item(row)->data(KeyRole).toInt())) < positionOf(spec.key))
        ++row;
    insertNavigationItem(row, spec.title, spec.icon, spec.shortcut, key);

    auto *action = new QAction(spec.icon, spec.title, this);
    action->setObjectName(u"show_"_s + toString(spec.key));
    action->setShortcut(spec.shortcut);
    connect(action, &QAction::triggered, this, [this, k = spec.key] { showScreen(k); });
    addAction(action);
    if (auto *go = menuBar()->findChild<QMenu *>(u"goMenu"_s))
        go->addAction(action);
    m_screenActions.append(action);
    if (!m_home && m_nav->count() == 1)
        m_nav->setCurrentRow(0);
    return true;
}

QList<ScreenKey> MainWindow::screenKeys() const
{
    QList<ScreenKey> keys;
    for (int row = 0; row < m_nav->count(); ++row) {
        const int key = m_nav->item(row)->data(KeyRole).toInt();
        if (key != HomeItem)
            keys.append(ScreenKey(key));
    }
    return keys;
}

QStringList MainWindow::navigationTitles() const
{
    QStringList titles;
    for (int row = 0; row < m_nav->count(); ++row)
        titles.append(m_nav->item(row)->text());
    return titles;
}

QWidget *MainWindow::screen(ScreenKey key) const
{
    return m_screens.value(int(key));
}

bool MainWindow::showScreen(ScreenKey key)
{
    if (isLocked())
        return false;
    for (int row = 0; row < m_nav->count(); ++row) {
        if (m_nav->item(row)->data(KeyRole).toInt() == int(key)) {
            m_nav->setCurrentRow(row);
            return true;
        }
    }
    return false;
}

void MainWindow::showHome()
{
    if (m_home && !isLocked())
        m_nav->setCurrentRow(0);
}

QWidget *MainWindow::currentScreen() const
{
    return m_stack->currentWidget();
}

void MainWindow::addPendingWorkCheck(PendingWorkCheck check)
{
    m_pendingWorkChecks.append(std::move(check));
}

QStringList MainWindow::pendingWork() const
{
    QStringList work;
    for (const PendingWorkCheck &check : m_pendingWorkChecks) {
        if (const QString what = check(); !what.isEmpty())
            work.append(what);
    }
    return work;
}

bool MainWindow::mayLeave(const QString &action)
{
    if (m_leaveConfirmed)
        return true;
    const QStringList work = pendingWork();
    if (work.isEmpty())
        return true;
    QMessageBox ask(QMessageBox::Warning, tr("%1?").arg(action),
                    tr("Not finished on this desk:\n\n• %1\n\n%2 anyway?").arg(work.join(u"\n• "_s), action),
                    QMessageBox::NoButton, this);
    ask.setObjectName(u"leaveQuestion"_s);
    QPushButton *leave = ask.addButton(tr("%1 anyway").arg(action), QMessageBox::DestructiveRole);
    ask.addButton(tr("Stay"), QMessageBox::RejectRole);
    ask.setDefaultButton(qobject_cast<QPushButton *>(ask.buttons().constLast()));
    ask.exec();
    return ask.clickedButton() == leave;
}

void MainWindow::signOut()
{
    if (isLocked() || !mayLeave(tr("Sign out")))
        return;
    m_leaveConfirmed = true;
    close();
    Q_EMIT signOutRequested();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!mayLeave(tr("Quit"))) {
        event->ignore();
        return;
    }
    m_leaveConfirmed = true;
    QMainWindow::closeEvent(event);
}

void MainWindow::lockNow()
{
    if (isLocked())
        return;
    m_focusBeforeLock = QApplication::focusWidget();
    // Disabled, not hidden or rebuilt: every field keeps its text and state beneath the lock.
    m_body->setEnabled(false);
    menuBar()->setEnabled(false);
    for (QAction *action : std::as_const(m_screenActions))
        action->setEnabled(false);
    m_lockAction->setEnabled(false);
    m_inactivity->stop();
    m_lock->activate();
    Q_EMIT locked();
}

bool MainWindow::isLocked() const
{
    return m_lock->isVisible() || !m_body->isEnabled();
}

void MainWindow::onUnlocked()
{
    m_body->setEnabled(true);
    menuBar()->setEnabled(true);
    for (QAction *action : std::as_const(m_screenActions))
        action->setEnabled(true);
    m_lockAction->setEnabled(true);
    if (m_focusBeforeLock)
        m_focusBeforeLock->setFocus();
    m_inactivity->restart();
    Q_EMIT unlockedAgain();
}

void MainWindow::setLockTimeout(std::chrono::milliseconds timeout)
{
    m_inactivity->setTimeout(timeout);
    if (!isLocked())
        m_inactivity->restart();
}

void MainWindow::onConnectionState(ConnectionSupervisor::State state)
{
    switch (state) {
    case ConnectionSupervisor::State::Connected: m_connectionLabel->setText(tr("Connected")); break;
    case ConnectionSupervisor::State::Reconnecting: m_connectionLabel->setText(tr("Reconnecting…")); break;
    case ConnectionSupervisor::State::NeedsCode: m_connectionLabel->setText(tr("Connected (read only until code)")); break;
    case ConnectionSupervisor::State::AccessRevoked: m_connectionLabel->setText(tr("Signed out by the server")); break;
    }
}

} // namespace rdk

#pragma once

#include "domain/drawer.h"
#include "ui/common/uitaskrunner.h"

#include <QFrame>

#include <optional>

class QLabel;
class QPushButton;

namespace rdk {

class DrawerCountDialog;
class DrawerPayDialog;
class DrawerReportDialog;

/// The counter's cash drawer strip, above the cart: "Drawer open since 09:02 · float $150.00 ·
/// in drawer $305.00" with Paid in/out, X report and Close, or "Drawer closed" with Open drawer.
/// Every DrawerStore call runs on its own runner (ADR 0014); the dialogs wait for the database's
/// answer and keep a refusal in view. drawerChanged tells the sale whether cash can be taken.
class DrawerStrip final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DrawerStrip)

public:
    /// `timeZone`: the shop's IANA id, for "open since". `manager`: ops/admin, who may close a
    /// colleague's drawer (the database allows the same).
    DrawerStrip(DrawerStoreFactory drawers, QString currency, QString timeZone, bool manager, QWidget *parent = nullptr);
    ~DrawerStrip() override;

    /// Re-reads the signed-in staff member's drawer (at start, after a cash sale).
    void refresh();
    /// F8 when closed: count the float and open.
    void openDrawer();
    /// Ctrl+F8: cash paid in or out with a reason.
    void payInOrOut();
    /// F8 when open: the X report so far.
    void showXReport();
    /// Shift+F8: count the cash, close, then the Z report.
    void closeDrawer();
    /// F8: open when closed, else the X report; reads the drawer again after a failed read.
    void primaryAction();
    /// Ctrl+Shift+F8 (ops/admin): the shop's open drawers, to close a colleague's.
    void showOpenDrawers();

    bool isOpen() const { return m_session.has_value(); }
    const std::optional<DrawerSession> &session() const { return m_session; }
    QString stateText() const;
    bool isBusy() const { return m_jobs.isBusy(); }

Q_SIGNALS:
    /// The drawer was found, opened or closed: cash may be taken only while it is open.
    void drawerChanged(bool open);
    /// A report is on screen (X or Z).
    void reportShown(rdk::DrawerReportDialog *dialog);
    void dialogClosed();
    void message(const QString &text);

private:
    template <typename T>
    void runDrawerJob(std::function<Result<T>(DrawerStore &)> job, std::function<void(const Result<T> &)> done);
    void show(const std::optional<DrawerSession> &session);
    void showReport(const DrawerReport &report);
    /// Counts and closes `drawer` (the caller's or, for a manager, a colleague's), then the Z report.
    void closeSession(const DrawerSession &drawer);

    DrawerStoreFactory m_drawers;
    QString m_currency;
    QString m_timeZone;
    UiTaskRunner m_jobs;
    std::optional<DrawerSession> m_session;
    bool m_announced = false;   // drawerChanged sent once the first read is back
    bool m_known = false;       // the last read of the drawer answered (F8 reads again when not)
    QLabel *m_state = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_pay = nullptr;
    QPushButton *m_report = nullptr;
    QPushButton *m_close = nullptr;
    QPushButton *m_others = nullptr;
    bool m_manager = false;
};

} // namespace rdk

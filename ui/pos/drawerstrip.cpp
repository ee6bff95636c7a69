#include "ui/pos/drawerstrip.h"

#include "domain/moneyformat.h"
#include "ui/pos/drawerdialogs.h"
#include "ui/pos/poswidgets.h"
#include "ui/shell/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimeZone>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

DrawerStrip::DrawerStrip(DrawerStoreFactory drawers, QString currency, QString timeZone, bool manager, QWidget *parent)
    : QFrame(parent), m_drawers(std::move(drawers)), m_currency(std::move(currency)), m_timeZone(std::move(timeZone)),
      m_jobs(UiTaskRunner::Options{u"drawer"_s, 1}), m_manager(manager)
{
    setObjectName(u"drawer-strip"_s);
    setFrameShape(QFrame::StyledPanel);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(10, 6, 10, 6);
    m_state = pos::plainLabel(u"drawer-state"_s, this);
    theme::setRelativeFontSize(m_state, 1.05, true);
    row->addWidget(m_state, 1);
    m_open = pos::bigButton(tr("Open drawer  (F8)"), u"drawer-open"_s, this, 1.0);
    m_pay = pos::bigButton(tr("Paid in/out  (Ctrl+F8)"), u"drawer-pay"_s, this, 1.0);
    m_report = pos::bigButton(tr("X report  (F8)"), u"drawer-x"_s, this, 1.0);
    m_close = pos::bigButton(tr("Close drawer  (Shift+F8)"), u"drawer-close"_s, this, 1.0);
    m_others = pos::bigButton(tr("Drawers…"), u"drawer-others"_s, this, 1.0);
    m_others->setEnabled(manager);
    m_others->setToolTip(manager ? tr("The shop's open drawers: close a colleague's (Ctrl+Shift+F8)")
                                 : tr("Only ops or admin staff close a colleague's drawer."));
    for (QPushButton *b : {m_open, m_pay, m_report, m_close, m_others})
        row->addWidget(b);
    connect(m_others, &QPushButton::clicked, this, &DrawerStrip::showOpenDrawers);
    connect(m_open, &QPushButton::clicked, this, &DrawerStrip::openDrawer);
    connect(m_pay, &QPushButton::clicked, this, &DrawerStrip::payInOrOut);
    connect(m_report, &QPushButton::clicked, this, &DrawerStrip::showXReport);
    connect(m_close, &QPushButton::clicked, this, &DrawerStrip::closeDrawer);
    show(std::nullopt);
    m_state->setText(tr("Looking for your cash drawer…"));
    m_open->setEnabled(true);
    refresh();
}

DrawerStrip::~DrawerStrip() = default;

template <typename T>
void DrawerStrip::runDrawerJob(std::function<Result<T>(DrawerStore &)> job, std::function<void(const Result<T> &)> done)
{
    m_jobs.run(this, [drawers = m_drawers, job = std::move(job)]() -> Result<T> {
        auto store = drawers();
        if (!store)
            return store.error();
        return job(**store);
    }, std::move(done));
}

QString DrawerStrip::stateText() const
{
    return m_state->text();
}

void DrawerStrip::show(const std::optional<DrawerSession> &session)
{
    m_session = session;
    const bool open = session.has_value();
    if (open) {
        const QTimeZone zone(m_timeZone.toUtf8());
        const QString since = session->openedAt.toTimeZone(zone.isValid() ? zone : QTimeZone::utc()).toString(u"HH:mm"_s);
        m_state->setText(tr("Drawer open since %1 · float %2 · in drawer %3")
                             .arg(since, formatMoney(session->floatAmount), formatMoney(session->cash)));
    } else {
        m_state->setText(tr("Drawer closed — open it (F8) to take cash"));
    }
    m_open->setVisible(!open);
    m_pay->setVisible(open);
    m_report->setVisible(open);
    m_close->setVisible(open);
}

void DrawerStrip::refresh()
{
    runDrawerJob<std::optional<DrawerSession>>([](DrawerStore &store) { return store.current(); },
                                               [this](const Result<std::optional<DrawerSession>> &result) {
                                                   if (!result) {
                                                       m_known = false;
                                                       show(std::nullopt);
                                                       m_state->setText(tr("The drawer could not be read: %1")
                                                                            .arg(result.error().message));
                                                       m_open->setText(tr("Read again  (F8)"));
                                                       if (m_announced)
                                                           Q_EMIT drawerChanged(false);
                                                       return;
                                                   }
                                                   m_known = true;
                                                   m_open->setText(tr("Open drawer  (F8)"));
                                                   const bool was = isOpen();
                                                   show(*result);
                                                   if (was != isOpen() || !m_announced) {
                                                       m_announced = true;
                                                       Q_EMIT drawerChanged(isOpen());
                                                   }
                                               });
}

void DrawerStrip::primaryAction()
{
    if (!m_known)
        refresh();
    else if (isOpen())
        showXReport();
    else
        openDrawer();
}

void DrawerStrip::openDrawer()
{
    if (!m_known) {
        refresh();
        return;
    }
    if (isOpen() || findChild<DrawerCountDialog *>())
        return;
    auto *dialog = new DrawerCountDialog(DrawerCountDialog::Mode::Open, m_currency, std::nullopt, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, &DrawerStrip::dialogClosed);
    connect(dialog, &DrawerCountDialog::submitted, this, [this, dialog] {
        dialog->setBusy(true);
        const Money amount = dialog->counted();
        const auto count = dialog->count();
        runDrawerJob<DrawerSession>([amount, count](DrawerStore &store) { return store.open(amount, count); },
                                    [this, dialog = QPointer<DrawerCountDialog>(dialog)](const Result<DrawerSession> &opened) {
                                        if (!opened) {
                                            if (dialog)
                                                dialog->showRefusal(opened.error().message);
                                            return;
                                        }
                                        show(*opened);
                                        Q_EMIT drawerChanged(true);
                                        if (dialog)
                                            dialog->accept();
                                    });
    });
    dialog->open();
}

void DrawerStrip::payInOrOut()
{
    if (!isOpen() || findChild<DrawerPayDialog *>())
        return;
    auto *dialog = new DrawerPayDialog(m_session->cash, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, &DrawerStrip::dialogClosed);
    connect(dialog, &DrawerPayDialog::submitted, this, [this, dialog] {
        dialog->setBusy(true);
        const DrawerPayKind kind = dialog->kind();
        const Money amount = dialog->amount();
        const QString reason = dialog->reason();
        runDrawerJob<DrawerSession>([kind, amount, reason](DrawerStore &store) { return store.pay(kind, amount, reason); },
                                    [this, dialog = QPointer<DrawerPayDialog>(dialog)](const Result<DrawerSession> &paid) {
                                        if (!paid) {
                                            if (dialog)
                                                dialog->showRefusal(paid.error().message);
                                            return;
                                        }
                                        show(*paid);
                                        if (dialog)
                                            dialog->accept();
                                    });
    });
    dialog->open();
}

void DrawerStrip::showXReport()
{
    if (!isOpen())
        return;
    const QString id = m_session->id;
    runDrawerJob<DrawerReport>([id](DrawerStore &store) { return store.report(id); },
                               [this](const Result<DrawerReport> &report) {
                                   if (!report) {
                                       Q_EMIT message(report.error().message);
                                       return;
                                   }
                                   showReport(*report);
                               });
}

void DrawerStrip::closeDrawer()
{
    if (!isOpen() || findChild<DrawerCountDialog *>())
        return;
    // What the drawer should hold now, read fresh: a cash sale may have landed since the strip
    // last looked. The database computes it again at close.
    runDrawerJob<std::optional<DrawerSession>>([](DrawerStore &store) { return store.current(); },
                                               [this](const Result<std::optional<DrawerSession>> &now) {
        if (!now || !now->has_value()) {
            if (now) {
                show(std::nullopt);
                Q_EMIT drawerChanged(false);
            } else {
                Q_EMIT message(now.error().message);
            }
            return;
        }
        show(*now);
        closeSession(**now);
    });
}

void DrawerStrip::showOpenDrawers()
{
    if (!m_manager || findChild<DrawerListDialog *>())
        return;
    runDrawerJob<QList<DrawerSession>>([](DrawerStore &store) { return store.openDrawers(); },
                                       [this](const Result<QList<DrawerSession>> &drawers) {
                                           if (!drawers) {
                                               Q_EMIT message(drawers.error().message);
                                               return;
                                           }
                                           auto *dialog = new DrawerListDialog(*drawers, m_timeZone, this);
                                           dialog->setAttribute(Qt::WA_DeleteOnClose);
                                           connect(dialog, &QDialog::finished, this, &DrawerStrip::dialogClosed);
                                           connect(dialog, &DrawerListDialog::closeRequested, this, &DrawerStrip::closeSession);
                                           dialog->open();
                                       });
}

void DrawerStrip::closeSession(const DrawerSession &drawer)
{
    if (findChild<DrawerCountDialog *>())
        return;
    const QString id = drawer.id;
    const bool mine = drawer.mine;
    {
        auto *dialog = new DrawerCountDialog(DrawerCountDialog::Mode::Close, m_currency, drawer.cash, this);
        if (!mine)
            dialog->setWindowTitle(tr("Close %1's cash drawer").arg(drawer.openedBy));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::finished, this, &DrawerStrip::dialogClosed);
        connect(dialog, &DrawerCountDialog::submitted, this, [this, dialog, id, mine] {
            dialog->setBusy(true);
            const Money counted = dialog->counted();
            const auto count = dialog->count();
            const QString note = dialog->note();
            runDrawerJob<DrawerReport>(
                [id, counted, count, note](DrawerStore &store) { return store.close(id, counted, count, note); },
                [this, mine, dialog = QPointer<DrawerCountDialog>(dialog)](const Result<DrawerReport> &z) {
                    if (!z) {
                        if (dialog)
                            dialog->showRefusal(z.error().message);
                        return;
                    }
                    if (mine) {
                        show(std::nullopt);
                        Q_EMIT drawerChanged(false);
                    }
                    if (dialog)
                        dialog->accept();
                    showReport(*z);
                });
        });
        dialog->open();
    }
}

void DrawerStrip::showReport(const DrawerReport &report)
{
    auto *dialog = new DrawerReportDialog(report, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, &DrawerStrip::dialogClosed);
    dialog->open();
    Q_EMIT reportShown(dialog);
}

} // namespace rdk

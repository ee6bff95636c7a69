#include "ui/admin/staffscreen.h"

#include "ui/admin/staffdialogs.h"
#include "ui/admin/stafftablemodel.h"
#include "ui/shell/theme.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QPushButton *actionButton(QWidget *parent, const QString &name, const QString &text, const QString &accessible,
                          const QKeySequence &shortcut = {})
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(name);
    button->setAccessibleName(accessible);
    if (!shortcut.isEmpty()) {
        button->setShortcut(shortcut);
        button->setToolTip(u"%1 (%2)"_s.arg(accessible, shortcut.toString(QKeySequence::NativeText)));
    }
    return button;
}

} // namespace

StaffScreen::StaffScreen(StaffAdministrationFactory staff, QWidget *parent)
    : QWidget(parent), m_staff(std::move(staff)), m_tasks(new UiTaskRunner(UiTaskRunner::Options{u"staff"_s}, this)),
      m_model(new StaffTableModel(this)), m_table(new QTableView(this)), m_banner(new QLabel(this)), m_status(new QLabel(this))
{
    setObjectName(u"staffScreen"_s);
    setAccessibleName(tr("Staff accounts"));
    m_confirm = [this](const QString &title, const QString &question) {
        return QMessageBox::question(this, title, question, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               == QMessageBox::Yes;
    };

    m_create = actionButton(this, u"create"_s, tr("&New account…"), tr("New staff account"), QKeySequence::New);
    m_role = actionButton(this, u"changeRole"_s, tr("Change &role…"), tr("Change role"));
    m_password = actionButton(this, u"resetPassword"_s, tr("Reset &password…"), tr("Reset password"));
    m_twofa = actionButton(this, u"twoFactor"_s, tr("Set up &two-factor…"), tr("Set up two-factor sign-in"));
    m_disable = actionButton(this, u"disable"_s, tr("&Disable"), tr("Disable account"));
    m_enable = actionButton(this, u"enable"_s, tr("&Enable"), tr("Enable account"));
    m_reload = actionButton(this, u"reload"_s, tr("Re&fresh"), tr("Refresh list"), QKeySequence::Refresh);

    m_banner->setObjectName(u"banner"_s);
    m_banner->setAccessibleName(tr("Message"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAutoFillBackground(true);
    m_banner->setMargin(6);
    m_banner->hide();

    m_status->setObjectName(u"status"_s);
    m_status->setAccessibleName(tr("Status"));
    m_status->hide();

    m_table->setObjectName(u"staffTable"_s);
    m_table->setAccessibleName(tr("Staff accounts"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_create, m_role, m_password, m_twofa, m_disable, m_enable})
        buttons->addWidget(b);
    buttons->addStretch();
    buttons->addWidget(m_reload);

    auto *title = new QLabel(tr("Staff accounts"), this);
    theme::setRelativeFontSize(title, 1.4, true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_banner);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);

    connect(m_create, &QPushButton::clicked, this, &StaffScreen::createAccount);
    connect(m_role, &QPushButton::clicked, this, &StaffScreen::changeRole);
    connect(m_password, &QPushButton::clicked, this, &StaffScreen::resetPassword);
    connect(m_twofa, &QPushButton::clicked, this, &StaffScreen::setUpTwoFactor);
    connect(m_disable, &QPushButton::clicked, this, &StaffScreen::disableAccount);
    connect(m_enable, &QPushButton::clicked, this, &StaffScreen::enableAccount);
    connect(m_reload, &QPushButton::clicked, this, &StaffScreen::reload);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &StaffScreen::updateActions);
    connect(m_table, &QTableView::activated, this, &StaffScreen::changeRole);

    setTabOrder(m_create, m_role);
    setTabOrder(m_role, m_password);
    setTabOrder(m_password, m_twofa);
    setTabOrder(m_twofa, m_disable);
    setTabOrder(m_disable, m_enable);
    setTabOrder(m_enable, m_reload);
    setTabOrder(m_reload, m_table);

    connect(m_tasks, &UiTaskRunner::busyChanged, this, &StaffScreen::setBusy);
    reload();
}

QString StaffScreen::message() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

QString StaffScreen::status() const
{
    return m_status->isHidden() ? QString() : m_status->text();
}

bool StaffScreen::selectLogin(const QString &login)
{
    const int row = m_model->rowOfLogin(login);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->setCurrentIndex(m_model->index(row, 0));
    return true;
}

void StaffScreen::reload()
{
    setStatus(tr("Loading the staff list…"));
    m_tasks->run(this, m_lists.next(), [staff = m_staff]() -> Result<QList<StaffMember>> {
        auto service = staff();
        if (!service)
            return service.error();
        return (*service)->listStaff();
    }, [this](const Result<QList<StaffMember>> &list) { showList(list, QString()); });
}

/// A change and the list as it stands right after it, read on the same session.
struct StaffScreen::ChangeOutcome {
    Result<QString> changed;
    Result<QList<StaffMember>> staff;
};

void StaffScreen::runChange(Change change, ChangeText text, QPointer<StaffSubmitDialog> dialog)
{
    setStatus(text.working);
    // The list read after the change is newer than any asked for before it.
    const LatestRequest::Ticket list = m_lists.next();
    // No ticket on the change itself: a change is never skipped, whatever was asked after it.
    m_tasks->run(this, [staff = m_staff, change]() -> Result<ChangeOutcome> {
        auto service = staff();
        if (!service)
            return service.error();
        Result<QString> changed = change(**service);
        return ChangeOutcome{std::move(changed), (*service)->listStaff()};
    }, [this, text, dialog, list](const Result<ChangeOutcome> &outcome) {
        const Result<QString> changed = outcome ? outcome->changed : Result<QString>(outcome.error());
        // A dialog closed while it waited may not be deleted yet: the screen speaks instead.
        const bool dialogOpen = dialog && dialog->isVisible();
        if (dialogOpen)
            dialog->finishSubmit(changed ? Status() : Status(changed.error()));
        if (changed)
            showMessage(text.done(*changed), false);
        else if (!dialogOpen)
            showMessage(text.failed(changed.error().message), true);
        if (outcome && !list.isStale())
            showList(outcome->staff, changed ? *changed : QString());
        if (changed)
            Q_EMIT staffChanged();
    });
}

void StaffScreen::showList(const Result<QList<StaffMember>> &staff, const QString &select)
{
    const QString keep = !select.isEmpty() ? select : selected() ? selected()->login : QString();
    if (!staff) {
        showMessage(tr("Couldn't load the staff list: %1").arg(staff.error().message), true);
        m_model->setStaff({});
    } else {
        m_model->setStaff(staff.value());
    }
    if (!keep.isEmpty())
        selectLogin(keep);
    updateActions();
}

const StaffMember *StaffScreen::selected() const
{
    const QModelIndexList rows = m_table->selectionModel() ? m_table->selectionModel()->selectedRows() : QModelIndexList();
    return rows.isEmpty() ? nullptr : m_model->memberAt(rows.constFirst().row());
}

void StaffScreen::showMessage(const QString &text, bool error)
{
    // Palette roles only, so the banner follows light and dark themes.
    QPalette p = palette();
    p.setColor(QPalette::Window, error ? p.color(QPalette::ToolTipBase) : p.color(QPalette::AlternateBase));
    p.setColor(QPalette::WindowText, error ? p.color(QPalette::ToolTipText) : p.color(QPalette::Text));
    m_banner->setPalette(p);
    m_banner->setText(text);
    m_banner->setAccessibleDescription(error ? tr("Error") : tr("Information"));
    m_banner->setVisible(!text.isEmpty());
}

void StaffScreen::setStatus(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

void StaffScreen::setBusy(bool busy)
{
    if (busy) {
        setCursor(Qt::BusyCursor);
    } else {
        unsetCursor();
        setStatus(QString());
    }
    updateActions();
}

void StaffScreen::updateActions()
{
    // One thing at a time: an action on a list that is about to change could hit the wrong row.
    const bool idle = !m_tasks->isBusy();
    const StaffMember *m = idle ? selected() : nullptr;
    for (QPushButton *b : {m_role, m_password, m_twofa})
        b->setEnabled(m != nullptr && m->active);
    m_disable->setEnabled(m != nullptr && m->active);
    m_enable->setEnabled(m != nullptr && !m->active);
    m_create->setEnabled(idle);
    m_reload->setEnabled(idle);
}

void StaffScreen::openDialog(StaffSubmitDialog *dialog)
{
    // Window-modal and not exec(): the screen keeps running (answers arrive) and the dialog
    // goes with the screen if that is closed first.
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void StaffScreen::createAccount()
{
    if (isBusy())
        return;
    auto *dialog = new StaffAccountDialog(this);
    connect(dialog, &StaffAccountDialog::submitted, this, [this, dialog](const NewStaffAccount &account) {
        runChange([account](StaffAdministration &staff) -> Result<QString> {
            auto created = staff.createStaff(account);
            if (!created)
                return created.error();
            return created->login;
        }, {tr("Creating the account %1…").arg(account.login),
            [](const QString &login) {
                return tr("Account %1 created. They can sign in now; set up two-factor sign-in next.").arg(login);
            },
            [login = account.login](const QString &why) { return tr("Couldn't create the account %1: %2").arg(login, why); }},
                  dialog);
    });
    openDialog(dialog);
}

void StaffScreen::changeRole()
{
    const StaffMember *m = selected();
    if (!m || !m->active || isBusy())
        return;
    const QString login = m->login;
    const QString name = m->displayName;
    auto *dialog = new RoleDialog(login, m->role, this);
    connect(dialog, &RoleDialog::submitted, this, [this, dialog, login, name](StaffRole role) {
        if (role == StaffRole::Admin
            && !m_confirm(tr("Make administrator"),
                          tr("%1 will be able to manage staff accounts and read the audit log. Continue?").arg(name))) {
            dialog->finishSubmit(Error::invalid(tr("Not changed.")));
            return;
        }
        runChange([login, role](StaffAdministration &staff) -> Result<QString> {
            if (Status changed = staff.changeRole(login, role); !changed)
                return changed.error();
            return login;
        }, {tr("Changing the role of %1…").arg(login),
            [role](const QString &who) { return tr("%1 is now %2.").arg(who, displayName(role)); },
            [login](const QString &why) { return tr("Couldn't change the role of %1: %2").arg(login, why); }},
                  dialog);
    });
    openDialog(dialog);
}

void StaffScreen::resetPassword()
{
    const StaffMember *m = selected();
    if (!m || !m->active || isBusy())
        return;
    const QString login = m->login;
    auto *dialog = new PasswordResetDialog(login, this);
    connect(dialog, &PasswordResetDialog::submitted, this, [this, dialog, login](const QString &password) {
        runChange([login, password](StaffAdministration &staff) -> Result<QString> {
            if (Status reset = staff.resetPassword(login, password); !reset)
                return reset.error();
            return login;
        }, {tr("Resetting the password of %1…").arg(login),
            [](const QString &who) { return tr("The password of %1 was reset.").arg(who); },
            [login](const QString &why) { return tr("Couldn't reset the password of %1: %2").arg(login, why); }},
                  dialog);
    });
    openDialog(dialog);
}

void StaffScreen::disableAccount()
{
    const StaffMember *m = selected();
    if (!m || !m->active || isBusy())
        return;
    const QString login = m->login;
    if (!m_confirm(tr("Disable account"),
                   tr("%1 (%2) will no longer be able to sign in. Their history stays in the audit log. Disable?")
                       .arg(m->displayName, login)))
        return;
    runChange([login](StaffAdministration &staff) -> Result<QString> {
        if (Status disabled = staff.disable(login); !disabled)
            return disabled.error();
        return login;
    }, {tr("Disabling %1…").arg(login),
        [](const QString &who) { return tr("%1 is disabled and can no longer sign in.").arg(who); },
        [login](const QString &why) { return tr("Couldn't disable %1: %2").arg(login, why); }});
}

void StaffScreen::enableAccount()
{
    const StaffMember *m = selected();
    if (!m || m->active || isBusy())
        return;
    const QString login = m->login;
    runChange([login](StaffAdministration &staff) -> Result<QString> {
        if (Status enabled = staff.enable(login); !enabled)
            return enabled.error();
        return login;
    }, {tr("Enabling %1…").arg(login), [](const QString &who) { return tr("%1 can sign in again.").arg(who); },
        [login](const QString &why) { return tr("Couldn't enable %1: %2").arg(login, why); }});
}

void StaffScreen::setUpTwoFactor()
{
    const StaffMember *m = selected();
    if (!m || !m->active || isBusy())
        return;
    const QString login = m->login;
    if (m->twofaEnabled
        && !m_confirm(tr("Replace authenticator"),
                      tr("%1 already has two-factor sign-in. Set up a new phone? The old one keeps working until "
                         "the new code is confirmed.")
                          .arg(login)))
        return;
    setStatus(tr("Starting two-factor set-up for %1…").arg(login));
    m_tasks->run(this, [staff = m_staff, login]() -> Result<TotpEnrolment> {
        auto service = staff();
        if (!service)
            return service.error();
        return (*service)->beginTotpEnrolment(login);
    }, [this, login](const Result<TotpEnrolment> &enrolment) {
        if (!enrolment) {
            showMessage(tr("Couldn't start two-factor set-up for %1: %2").arg(login, enrolment.error().message), true);
            return;
        }
        auto *dialog = new TotpEnrolmentDialog(*enrolment, this);
        connect(dialog, &TotpEnrolmentDialog::submitted, this, [this, dialog, login](const QString &code) {
            runChange([login, code](StaffAdministration &staff) -> Result<QString> {
                if (Status confirmed = staff.confirmTotpEnrolment(login, code); !confirmed)
                    return confirmed.error();
                return login;
            }, {tr("Checking the code for %1…").arg(login),
                [](const QString &who) { return tr("Two-factor sign-in is on for %1.").arg(who); },
                [login](const QString &why) { return tr("Couldn't turn on two-factor sign-in for %1: %2").arg(login, why); }},
                      dialog);
        });
        openDialog(dialog);
    });
}

} // namespace rdk

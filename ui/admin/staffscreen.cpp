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

StaffScreen::StaffScreen(StaffAdministration &service, QWidget *parent)
    : QWidget(parent), m_service(service), m_model(new StaffTableModel(this)), m_table(new QTableView(this)),
      m_banner(new QLabel(this))
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

    reload();
}

QString StaffScreen::message() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
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
    const QString keep = selected() ? selected()->login : QString();
    auto staff = m_service.listStaff();
    if (!staff) {
        showMessage(tr("Couldn't load the staff list: %1").arg(staff.error().message), true);
        m_model->setStaff({});
    } else {
        m_model->setStaff(std::move(staff).value());
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

void StaffScreen::done(const QString &login, const QString &message)
{
    reload();
    selectLogin(login);
    showMessage(message, false);
    Q_EMIT staffChanged();
}

void StaffScreen::updateActions()
{
    const StaffMember *m = selected();
    for (QPushButton *b : {m_role, m_password, m_twofa})
        b->setEnabled(m != nullptr && m->active);
    m_disable->setEnabled(m != nullptr && m->active);
    m_enable->setEnabled(m != nullptr && !m->active);
}

void StaffScreen::createAccount()
{
    QString created;
    StaffAccountDialog dialog(
        [&](const NewStaffAccount &account) -> Status {
            auto result = m_service.createStaff(account);
            if (!result)
                return result.error();
            created = result->login;
            return {};
        },
        this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    done(created, tr("Account %1 created. They can sign in now; set up two-factor sign-in next.").arg(created));
}

void StaffScreen::changeRole()
{
    const StaffMember *m = selected();
    if (!m || !m->active)
        return;
    const QString login = m->login;
    const QString name = m->displayName;
    StaffRole chosen = m->role;
    RoleDialog dialog(
        login, m->role,
        [&](StaffRole role) -> Status {
            if (role == StaffRole::Admin && !m_confirm(tr("Make administrator"),
                                                       tr("%1 will be able to manage staff accounts and read the audit log. "
                                                          "Continue?")
                                                           .arg(name)))
                return Error::invalid(tr("Not changed."));
            chosen = role;
            return m_service.changeRole(login, role);
        },
        this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    done(login, tr("%1 is now %2.").arg(login, displayName(chosen)));
}

void StaffScreen::resetPassword()
{
    const StaffMember *m = selected();
    if (!m || !m->active)
        return;
    const QString login = m->login;
    PasswordResetDialog dialog(
        login, [&](const QString &password) { return m_service.resetPassword(login, password); }, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    done(login, tr("The password of %1 was reset.").arg(login));
}

void StaffScreen::disableAccount()
{
    const StaffMember *m = selected();
    if (!m || !m->active)
        return;
    const QString login = m->login;
    if (!m_confirm(tr("Disable account"),
                   tr("%1 (%2) will no longer be able to sign in. Their history stays in the audit log. Disable?")
                       .arg(m->displayName, login)))
        return;
    if (auto status = m_service.disable(login); !status) {
        showMessage(tr("Couldn't disable %1: %2").arg(login, status.error().message), true);
        return;
    }
    done(login, tr("%1 is disabled and can no longer sign in.").arg(login));
}

void StaffScreen::enableAccount()
{
    const StaffMember *m = selected();
    if (!m || m->active)
        return;
    const QString login = m->login;
    if (auto status = m_service.enable(login); !status) {
        showMessage(tr("Couldn't enable %1: %2").arg(login, status.error().message), true);
        return;
    }
    done(login, tr("%1 can sign in again.").arg(login));
}

void StaffScreen::setUpTwoFactor()
{
    const StaffMember *m = selected();
    if (!m || !m->active)
        return;
    const QString login = m->login;
    if (m->twofaEnabled
        && !m_confirm(tr("Replace authenticator"),
                      tr("%1 already has two-factor sign-in. Set up a new phone? The old one keeps working until "
                         "the new code is confirmed.")
                          .arg(login)))
        return;
    auto enrolment = m_service.beginTotpEnrolment(login);
    if (!enrolment) {
        showMessage(tr("Couldn't start two-factor set-up for %1: %2").arg(login, enrolment.error().message), true);
        return;
    }
    TotpEnrolmentDialog dialog(
        *enrolment, [&](const QString &code) { return m_service.confirmTotpEnrolment(login, code); }, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    done(login, tr("Two-factor sign-in is on for %1.").arg(login));
}

} // namespace rdk

#include "ui/customers/customerdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QString onlyOps()
{
    return QObject::tr("Only ops or admin staff can change or remove a customer's e-mail address or phone number.");
}

} // namespace

CustomerDialog::CustomerDialog(StaffRole role, const Customer *existing, const QString &prefill, QWidget *parent)
    : QDialog(parent), m_name(new QLineEdit(this)), m_email(new QLineEdit(this)), m_phone(new QLineEdit(this)),
      m_consent(new QCheckBox(tr("Agrees to receive news and offers by e-mail or text"), this)), m_error(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"customerDialog"_s);
    m_editing = existing != nullptr;
    if (existing)
        m_existing = *existing;
    setWindowTitle(m_editing ? tr("Edit customer") : tr("New customer"));

    m_name->setObjectName(u"name"_s);
    m_name->setMaxLength(MaxCustomerNameLength);
    m_name->setAccessibleName(tr("Name"));
    m_email->setObjectName(u"email"_s);
    m_email->setMaxLength(MaxEmailLength);
    m_email->setAccessibleName(tr("E-mail"));
    m_email->setPlaceholderText(tr("name@example.com"));
    m_phone->setObjectName(u"phone"_s);
    m_phone->setMaxLength(40);
    m_phone->setAccessibleName(tr("Phone"));
    m_phone->setPlaceholderText(tr("+1 555 010 4477"));
    m_consent->setObjectName(u"consent"_s);
    m_error->setObjectName(u"error"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #b3261e;"_s);
    m_error->hide();

    if (m_editing) {
        m_name->setText(m_existing.name);
        m_email->setText(m_existing.email);
        m_phone->setText(m_existing.phone);
        m_consent->setChecked(m_existing.marketingConsent);
        const bool full = maySeeCustomerContact(role) && m_existing.contactVisible;
        m_lockEmail = !full && !m_existing.email.isEmpty();
        m_lockPhone = !full && !m_existing.phone.isEmpty();
        for (auto [edit, locked] : {std::pair{m_email, m_lockEmail}, std::pair{m_phone, m_lockPhone}}) {
            edit->setReadOnly(locked);
            edit->setEnabled(!locked);
            if (locked)
                edit->setToolTip(onlyOps());
        }
    } else if (!prefill.trimmed().isEmpty()) {
        // What was searched for becomes the field it looks like.
        const QString text = prefill.trimmed();
        if (text.contains(u'@'))
            m_email->setText(text);
        else if (normalizeCustomerPhone(text).ok())
            m_phone->setText(text);
        else
            m_name->setText(text);
    }

    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&E-mail"), m_email);
    form->addRow(tr("&Phone"), m_phone);
    form->addRow(QString(), m_consent);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    setMinimumWidth(460);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &CustomerDialog::trySubmit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *edit : {m_name, m_email, m_phone})
        connect(edit, &QLineEdit::textChanged, this, &CustomerDialog::check);
    check();
}

CustomerDraft CustomerDialog::draft() const
{
    CustomerDraft d;
    d.id = m_existing.id;
    d.name = m_name->text();
    d.marketingConsent = m_consent->isChecked();
    // An edit sends only what changed (nullopt keeps it); a locked, masked field never.
    if (!m_lockEmail && (!m_editing || m_email->text() != m_existing.email))
        d.email = m_email->text();
    if (!m_lockPhone && (!m_editing || m_phone->text() != m_existing.phone))
        d.phone = m_phone->text();
    return d;
}

void CustomerDialog::check()
{
    const auto checked = validateCustomerDraft(draft());
    // An empty name is not worth a red line before anything was typed.
    const bool show = !checked.ok() && !(checked.error().field == u"name"_s && m_name->text().isEmpty());
    m_error->setText(show ? checked.error().message : QString());
    m_error->setVisible(show);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(checked.ok() && !m_busy);
}

void CustomerDialog::trySubmit()
{
    const auto checked = validateCustomerDraft(draft());
    if (!checked) {
        showError(checked.error().message, checked.error().field);
        return;
    }
    Q_EMIT submitted(*checked);
}

void CustomerDialog::showError(const QString &message, const QString &field)
{
    setBusy(false);
    m_error->setText(message);
    m_error->show();
    if (field == u"email"_s)
        m_email->setFocus();
    else if (field == u"phone"_s)
        m_phone->setFocus();
    else if (field == u"name"_s)
        m_name->setFocus();
}

void CustomerDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_name->setReadOnly(busy);
    m_email->setReadOnly(busy || m_lockEmail);
    m_phone->setReadOnly(busy || m_lockPhone);
    m_consent->setEnabled(!busy);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(!busy);
    m_buttons->button(QDialogButtonBox::Save)->setText(busy ? tr("Saving…") : tr("Save"));
}

QString CustomerDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

} // namespace rdk

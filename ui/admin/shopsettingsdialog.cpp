#include "ui/admin/shopsettingsdialog.h"

#include "domain/moneyformat.h"
#include "domain/savethenreload.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

enum Column { KindColumn, NameColumn, PriceColumn, FreeFromColumn, ActiveColumn };

QString onlyAdmins()
{
    return QObject::tr("Only an administrator can change where and how the shop ships.");
}

} // namespace

ShopSettingsDialog::ShopSettingsDialog(ShopSettingsStoreFactory stores, StaffRole role, QString currency, QWidget *parent)
    : QDialog(parent), m_stores(std::move(stores)), m_role(role), m_currency(std::move(currency)),
      m_mayEdit(role == StaffRole::Admin), m_jobs(UiTaskRunner::Options{u"shop-settings"_s})
{
    setWindowTitle(tr("Online orders"));
    setObjectName(u"shopSettingsDialog"_s);
    auto *layout = new QVBoxLayout(this);

    auto *intro = new QLabel(tr("How the online shop's orders go out: checkout collects an address in these countries "
                                "and offers the active options below. The texts show on the storefront's policy pages "
                                "and in the mails to customers."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    if (!m_mayEdit) {
        auto *readOnly = new QLabel(onlyAdmins() + u' ' + tr("You can see the settings here."), this);
        readOnly->setObjectName(u"readOnlyNote"_s);
        readOnly->setWordWrap(true);
        readOnly->setStyleSheet(u"font-weight: bold;"_s);
        layout->addWidget(readOnly);
    }

    auto *columns = new QHBoxLayout;
    layout->addLayout(columns, 1);

    // Left: where and how.
    auto *left = new QVBoxLayout;
    columns->addLayout(left, 3);
    auto *countriesLabel = new QLabel(tr("&Countries shipped to (two-letter codes, e.g. US, CA, DE):"), this);
    m_countries = new QLineEdit(this);
    m_countries->setObjectName(u"countries"_s);
    m_countries->setAccessibleName(tr("Countries shipped to"));
    m_countries->setPlaceholderText(tr("US, CA"));
    countriesLabel->setBuddy(m_countries);
    left->addWidget(countriesLabel);
    left->addWidget(m_countries);

    auto *optionsLabel = new QLabel(tr("Shipping &options (at most %1; checkout offers the active ones in this order):")
                                        .arg(ShopSettings::MaxShippingOptions), this);
    m_options = new QTableWidget(0, 5, this);
    m_options->setObjectName(u"options"_s);
    m_options->setAccessibleName(tr("Shipping options"));
    m_options->setHorizontalHeaderLabels(
        {tr("Kind"), tr("Name at checkout"), tr("Price (%1)").arg(m_currency), tr("Free from"), tr("Active")});
    m_options->verticalHeader()->hide();
    m_options->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_options->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_options->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_options->setSelectionMode(QAbstractItemView::SingleSelection);
    optionsLabel->setBuddy(m_options);
    left->addWidget(optionsLabel);
    left->addWidget(m_options, 1);

    auto *rowButtons = new QHBoxLayout;
    m_add = new QPushButton(tr("Add option"), this);
    m_add->setObjectName(u"addOption"_s);
    m_add->setShortcut(QKeySequence(u"Ctrl+N"_s));
    m_remove = new QPushButton(tr("Remove option"), this);
    m_remove->setObjectName(u"removeOption"_s);
    rowButtons->addWidget(m_add);
    rowButtons->addWidget(m_remove);
    rowButtons->addStretch(1);
    left->addLayout(rowButtons);
    auto *removeKey = new QShortcut(QKeySequence::Delete, m_options);
    removeKey->setContext(Qt::WidgetShortcut);
    connect(removeKey, &QShortcut::activated, this, &ShopSettingsDialog::removeOption);

    m_stripeTax = new QCheckBox(tr("Stripe computes the &tax of online orders"), this);
    m_stripeTax->setObjectName(u"stripeTax"_s);
    auto *taxNote = new QLabel(tr("Stripe adds the tax for the shopper's address at checkout (Stripe Tax must be set up "
                                  "in the Stripe account); the order keeps what Stripe charged."), this);
    taxNote->setWordWrap(true);
    taxNote->setIndent(22);
    m_collectPhone = new QCheckBox(tr("Ask for a &phone number at checkout (for the carrier)"), this);
    m_collectPhone->setObjectName(u"collectPhone"_s);
    left->addWidget(m_stripeTax);
    left->addWidget(taxNote);
    left->addWidget(m_collectPhone);

    // Texts, each with its count against the limit the database keeps.
    const auto addText = [this](QVBoxLayout *column, const QString &label, QPlainTextEdit *edit, int stretch) {
        auto *title = new QLabel(label, this);
        title->setBuddy(edit);
        auto *count = m_counts.constLast().second;
        auto *head = new QHBoxLayout;
        head->addWidget(title, 1);
        head->addWidget(count);
        column->addLayout(head);
        column->addWidget(edit, stretch);
    };
    m_address = textEdit(u"shopAddress"_s, tr("Shop address"), ShopSettings::MaxAddressLength);
    addText(left, tr("Shop &address (return address, pickup mails):"), m_address, 0);
    m_address->setMaximumHeight(m_address->fontMetrics().lineSpacing() * 4 + 12);

    auto *right = new QVBoxLayout;
    columns->addLayout(right, 2);
    m_shipping = textEdit(u"shippingPolicy"_s, tr("Shipping policy"), ShopSettings::MaxPolicyLength);
    addText(right, tr("S&hipping policy:"), m_shipping, 2);
    m_returns = textEdit(u"returnsPolicy"_s, tr("Returns policy"), ShopSettings::MaxPolicyLength);
    addText(right, tr("&Returns policy:"), m_returns, 2);
    m_contact = textEdit(u"contactText"_s, tr("Contact text"), ShopSettings::MaxContactLength);
    addText(right, tr("Co&ntact (how to reach the shop):"), m_contact, 1);

    m_message = new QLabel(this);
    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    layout->addWidget(m_message);

    auto *buttons = new QDialogButtonBox(this);
    m_save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(u"save"_s);
    m_save->setShortcut(QKeySequence::Save);
    auto *close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(u"close"_s);
    layout->addWidget(buttons);

    if (m_mayEdit) {
        m_add->setToolTip(tr("Add a shipping option (Ctrl+N)"));
        m_remove->setToolTip(tr("Remove the selected option (Delete)"));
        m_save->setToolTip(tr("Save for the whole shop; checkout uses it from the next order (Ctrl+S)"));
    } else {
        for (QWidget *w : std::initializer_list<QWidget *>{m_add, m_remove, m_save, m_stripeTax, m_collectPhone,
                                                            m_countries, m_address, m_shipping, m_returns, m_contact})
            w->setToolTip(onlyAdmins());
        m_options->setEditTriggers(QAbstractItemView::NoEditTriggers);
        m_options->setToolTip(onlyAdmins());
        m_countries->setReadOnly(true);
        for (QPlainTextEdit *edit : {m_address, m_shipping, m_returns, m_contact})
            edit->setReadOnly(true);
    }

    connect(m_add, &QPushButton::clicked, this, &ShopSettingsDialog::addOption);
    connect(m_remove, &QPushButton::clicked, this, &ShopSettingsDialog::removeOption);
    connect(m_save, &QPushButton::clicked, this, &ShopSettingsDialog::save);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_options, &QTableWidget::itemSelectionChanged, this, &ShopSettingsDialog::updateButtons);
    connect(&m_jobs, &UiTaskRunner::busyChanged, this, &ShopSettingsDialog::updateButtons);

    resize(1100, 660);
    updateCounts();
    updateButtons();
    load();
}

ShopSettingsDialog::~ShopSettingsDialog() = default;

QPlainTextEdit *ShopSettingsDialog::textEdit(const QString &name, const QString &accessible, int max)
{
    auto *edit = new QPlainTextEdit(this);
    edit->setObjectName(name);
    edit->setAccessibleName(accessible);
    edit->setTabChangesFocus(true);
    auto *count = new QLabel(this);
    count->setObjectName(name + u"Count"_s);
    count->setProperty("max", max);
    m_counts.append({edit, count});
    connect(edit, &QPlainTextEdit::textChanged, this, &ShopSettingsDialog::updateCounts);
    return edit;
}

bool ShopSettingsDialog::isBusy() const
{
    return m_jobs.isBusy();
}

QString ShopSettingsDialog::message() const
{
    return m_message->text();
}

void ShopSettingsDialog::load()
{
    setMessage(tr("Reading the shop's settings…"), false);
    m_jobs.run(this, [stores = m_stores]() -> Result<ShopSettings> {
        auto store = stores();
        if (!store)
            return store.error();
        return (*store)->load();
    }, [this](const Result<ShopSettings> &settings) {
        if (!settings) {
            setMessage(tr("Couldn't read the settings: %1").arg(settings.error().message), true);
        } else {
            m_loaded = true;
            showSettings(*settings);
            setMessage(settings->activeOptions().isEmpty()
                           ? tr("No active shipping option yet: online checkout offers no shipping.")
                           : QString(),
                       false);
        }
        updateButtons();
        Q_EMIT answered();
    });
}

void ShopSettingsDialog::showSettings(const ShopSettings &settings)
{
    m_countries->setText(settings.shipCountries.join(u", "_s));
    m_stripeTax->setChecked(settings.stripeTax);
    m_collectPhone->setChecked(settings.collectPhone);
    m_address->setPlainText(settings.shopAddress);
    m_shipping->setPlainText(settings.shippingPolicy);
    m_returns->setPlainText(settings.returnsPolicy);
    m_contact->setPlainText(settings.contactText);
    m_options->setRowCount(0);
    for (const ShippingOption &option : settings.options) {
        const int row = appendOptionRow();
        auto *kind = static_cast<QComboBox *>(m_options->cellWidget(row, KindColumn));
        kind->setCurrentIndex(kind->findData(toString(option.kind)));
        m_options->item(row, NameColumn)->setText(option.label);
        m_options->item(row, PriceColumn)->setText(formatMinorPlain(option.amount));
        m_options->item(row, FreeFromColumn)->setText(option.freeAbove ? formatMinorPlain(*option.freeAbove) : QString());
        m_options->item(row, ActiveColumn)->setCheckState(option.active ? Qt::Checked : Qt::Unchecked);
        updateOptionRow(row);
    }
    m_options->clearSelection();
    updateCounts();
}

void ShopSettingsDialog::addOption()
{
    if (!m_mayEdit || !m_loaded)
        return;
    if (m_options->rowCount() >= ShopSettings::MaxShippingOptions) {
        setMessage(tr("Stripe Checkout offers at most %1 shipping options.").arg(ShopSettings::MaxShippingOptions), true);
        return;
    }
    const int row = appendOptionRow();
    m_options->item(row, PriceColumn)->setText(formatMinorPlain(Money::zero(m_currency)));
    updateOptionRow(row);
    m_options->setCurrentCell(row, NameColumn);
    m_options->editItem(m_options->item(row, NameColumn));
    updateButtons();
}

int ShopSettingsDialog::appendOptionRow()
{
    const int row = m_options->rowCount();
    m_options->insertRow(row);
    auto *kind = new QComboBox(m_options);
    kind->setAccessibleName(tr("Kind of option %1").arg(row + 1));
    kind->addItem(tr("Flat rate"), toString(ShippingKind::Flat));
    kind->addItem(tr("Free above an amount"), toString(ShippingKind::FreeAbove));
    kind->addItem(tr("Local pickup"), toString(ShippingKind::Pickup));
    kind->setEnabled(m_mayEdit);
    if (!m_mayEdit)
        kind->setToolTip(onlyAdmins());
    m_options->setCellWidget(row, KindColumn, kind);
    connect(kind, &QComboBox::currentIndexChanged, this, [this, kind] {
        for (int r = 0; r < m_options->rowCount(); ++r) {
            if (m_options->cellWidget(r, KindColumn) == kind)
                updateOptionRow(r);
        }
    });
    const Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    for (int col : {NameColumn, PriceColumn, FreeFromColumn}) {
        auto *item = new QTableWidgetItem;
        item->setFlags(m_mayEdit ? flags | Qt::ItemIsEditable : flags);
        if (col != NameColumn)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_options->setItem(row, col, item);
    }
    auto *active = new QTableWidgetItem;
    active->setFlags(m_mayEdit ? flags | Qt::ItemIsUserCheckable : flags);
    active->setCheckState(Qt::Checked);
    m_options->setItem(row, ActiveColumn, active);
    return row;
}

void ShopSettingsDialog::updateOptionRow(int row)
{
    const auto kind = shippingKindFromString(
        static_cast<QComboBox *>(m_options->cellWidget(row, KindColumn))->currentData().toString());
    const Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    QTableWidgetItem *price = m_options->item(row, PriceColumn);
    QTableWidgetItem *freeFrom = m_options->item(row, FreeFromColumn);
    // Pickup is free; only "free above" has a threshold: the cells say so instead of refusing later.
    if (kind == ShippingKind::Pickup) {
        price->setText(formatMinorPlain(Money::zero(m_currency)));
        price->setFlags(flags);
        price->setToolTip(tr("Local pickup is free."));
    } else {
        price->setFlags(m_mayEdit ? flags | Qt::ItemIsEditable : flags);
        price->setToolTip(QString());
    }
    if (kind == ShippingKind::FreeAbove) {
        freeFrom->setFlags(m_mayEdit ? flags | Qt::ItemIsEditable : flags);
        freeFrom->setToolTip(tr("Orders of at least this amount ship free."));
    } else {
        freeFrom->setText(QString());
        freeFrom->setFlags(flags);
        freeFrom->setToolTip(tr("Only \"Free above an amount\" has a threshold."));
    }
}

void ShopSettingsDialog::removeOption()
{
    if (!m_mayEdit || m_options->currentRow() < 0)
        return;
    m_options->removeRow(m_options->currentRow());
    updateButtons();
}

Result<ShopSettings> ShopSettingsDialog::edited() const
{
    ShopSettings settings;
    auto countries = parseCountryList(m_countries->text());
    if (!countries)
        return Error::invalid(tr("Countries: %1").arg(countries.error().message), u"shipCountries"_s);
    settings.shipCountries = *countries;
    settings.stripeTax = m_stripeTax->isChecked();
    settings.collectPhone = m_collectPhone->isChecked();
    settings.shopAddress = m_address->toPlainText().trimmed();
    settings.shippingPolicy = m_shipping->toPlainText().trimmed();
    settings.returnsPolicy = m_returns->toPlainText().trimmed();
    settings.contactText = m_contact->toPlainText().trimmed();
    for (const auto &[edit, count] : m_counts) {
        const int max = count->property("max").toInt();
        if (edit->toPlainText().trimmed().size() > max)
            return Error::invalid(tr("The %1 is %2 characters long; at most %3 fit.")
                                      .arg(edit->accessibleName().toLower())
                                      .arg(edit->toPlainText().trimmed().size())
                                      .arg(max),
                                  edit->objectName());
    }
    if (m_options->rowCount() > ShopSettings::MaxShippingOptions)
        return Error::invalid(tr("Stripe Checkout offers at most %1 shipping options.").arg(ShopSettings::MaxShippingOptions),
                              u"options"_s);
    for (int row = 0; row < m_options->rowCount(); ++row) {
        ShippingOption option;
        option.kind = shippingKindFromString(static_cast<QComboBox *>(m_options->cellWidget(row, KindColumn))->currentData().toString())
                          .value_or(ShippingKind::Flat);
        option.label = m_options->item(row, NameColumn)->text().trimmed();
        const QString name = option.label.isEmpty() ? tr("Option %1").arg(row + 1) : option.label;
        if (option.label.isEmpty() || option.label.size() > 60)
            return Error::invalid(tr("Option %1 needs a name of 1 to 60 characters.").arg(row + 1), u"options"_s);
        auto price = Money::parse(m_options->item(row, PriceColumn)->text(), m_currency);
        if (!price || price->minor() < 0)
            return Error::invalid(tr("%1: the price must be an amount such as 8.00.").arg(name), u"options"_s);
        option.amount = *price;
        if (option.kind == ShippingKind::FreeAbove) {
            auto threshold = Money::parse(m_options->item(row, FreeFromColumn)->text(), m_currency);
            if (!threshold || threshold->minor() <= 0)
                return Error::invalid(tr("%1 needs the order amount from which it is free, such as 150.00.").arg(name),
                                      u"options"_s);
            option.freeAbove = *threshold;
        }
        option.active = m_options->item(row, ActiveColumn)->checkState() == Qt::Checked;
        settings.options.append(option);
    }
    return settings;
}

void ShopSettingsDialog::save()
{
    if (!m_mayEdit || !m_loaded || m_jobs.isBusy())
        return;
    auto settings = edited();
    if (!settings) {
        setMessage(settings.error().message, true);
        return;
    }
    setMessage(tr("Saving…"), false);
    m_jobs.run(this, [stores = m_stores, wanted = *settings]() { return saveThenReload(stores, wanted); }, [this](const Result<ShopSettings> &stored) {
        if (!stored) {
            // What was typed stays on screen, to be fixed and saved again.
            setMessage(tr("Not saved: %1").arg(stored.error().message), true);
        } else {
            showSettings(*stored);
            setMessage(tr("Saved. Online checkout uses these settings from the next order."), false);
            Q_EMIT saved();
        }
        updateButtons();
        Q_EMIT answered();
    });
}

void ShopSettingsDialog::updateCounts()
{
    for (const auto &[edit, count] : m_counts) {
        const int max = count->property("max").toInt();
        const int used = int(edit->toPlainText().trimmed().size());
        count->setText(tr("%1 / %2").arg(used).arg(max));
        count->setStyleSheet(used > max ? u"color: #b3261e; font-weight: bold;"_s : QString());
    }
}

void ShopSettingsDialog::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #b3261e;"_s : QString());
}

void ShopSettingsDialog::updateButtons()
{
    const bool ready = m_mayEdit && m_loaded && !m_jobs.isBusy();
    m_add->setEnabled(ready && m_options->rowCount() < ShopSettings::MaxShippingOptions);
    m_remove->setEnabled(ready && m_options->currentRow() >= 0);
    m_save->setEnabled(ready);
    m_stripeTax->setEnabled(ready);
    m_collectPhone->setEnabled(ready);
}

} // namespace rdk

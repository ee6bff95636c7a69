#include "ui/admin/taxsettingsdialog.h"

#include "domain/moneyformat.h"
#include "domain/savethenreload.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

enum Column { NameColumn, RateColumn, ActiveColumn };

QString onlyAdmins()
{
    return QObject::tr("Only an administrator can change the shop's tax rates.");
}

} // namespace

TaxSettingsDialog::TaxSettingsDialog(TaxSettingsStoreFactory stores, StaffRole role, QString currency, QWidget *parent)
    : QDialog(parent), m_stores(std::move(stores)), m_role(role), m_currency(std::move(currency)),
      m_mayEdit(role == StaffRole::Admin), m_jobs(UiTaskRunner::Options{u"tax-settings"_s})
{
    setWindowTitle(tr("Sales tax"));
    setObjectName(u"taxSettingsDialog"_s);
    auto *layout = new QVBoxLayout(this);

    auto *intro = new QLabel(tr("Every active rate applies to every counter sale, per line, after discounts; each "
                                "line's tax is rounded to the cent, halves up. Online orders keep the tax Stripe "
                                "reports."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    if (!m_mayEdit) {
        auto *readOnly = new QLabel(onlyAdmins() + u' ' + tr("You can see them here."), this);
        readOnly->setObjectName(u"readOnlyNote"_s);
        readOnly->setWordWrap(true);
        layout->addWidget(readOnly);
    }

    m_inclusive = new QCheckBox(tr("Catalog prices include tax (the tax is part of the price, not added to it)"), this);
    m_inclusive->setObjectName(u"pricesIncludeTax"_s);
    layout->addWidget(m_inclusive);

    m_rates = new QTableWidget(0, 3, this);
    m_rates->setObjectName(u"rates"_s);
    m_rates->setHorizontalHeaderLabels({tr("Name"), tr("Rate (%)"), tr("Active")});
    m_rates->verticalHeader()->hide();
    m_rates->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_rates->horizontalHeader()->setSectionResizeMode(RateColumn, QHeaderView::ResizeToContents);
    m_rates->horizontalHeader()->setSectionResizeMode(ActiveColumn, QHeaderView::ResizeToContents);
    m_rates->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rates->setSelectionMode(QAbstractItemView::SingleSelection);
    m_rates->setAccessibleName(tr("Tax rates"));
    layout->addWidget(m_rates, 1);

    auto *rowButtons = new QHBoxLayout;
    m_add = new QPushButton(tr("Add rate"), this);
    m_add->setObjectName(u"addRate"_s);
    m_add->setShortcut(QKeySequence(u"Ctrl+N"_s));
    m_remove = new QPushButton(tr("Remove rate"), this);
    m_remove->setObjectName(u"removeRate"_s);
    rowButtons->addWidget(m_add);
    rowButtons->addWidget(m_remove);
    rowButtons->addStretch(1);
    layout->addLayout(rowButtons);
    auto *removeKey = new QShortcut(QKeySequence::Delete, m_rates);
    removeKey->setContext(Qt::WidgetShortcut);
    connect(removeKey, &QShortcut::activated, this, &TaxSettingsDialog::removeRate);

    m_example = new QLabel(this);
    m_example->setObjectName(u"example"_s);
    layout->addWidget(m_example);
    m_message = new QLabel(this);
    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    auto *buttons = new QDialogButtonBox(this);
    m_save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(u"save"_s);
    m_save->setShortcut(QKeySequence::Save);
    auto *close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(u"close"_s);
    layout->addWidget(buttons);

    if (m_mayEdit) {
        m_add->setToolTip(tr("Add a tax rate (Ctrl+N)"));
        m_remove->setToolTip(tr("Remove the selected rate (Delete)"));
        m_save->setToolTip(tr("Save the rates and the setting for the whole shop (Ctrl+S)"));
    } else {
        for (QWidget *w : {static_cast<QWidget *>(m_add), static_cast<QWidget *>(m_remove),
                           static_cast<QWidget *>(m_save), static_cast<QWidget *>(m_inclusive)})
            w->setToolTip(onlyAdmins());
        m_rates->setEditTriggers(QAbstractItemView::NoEditTriggers);
    }

    connect(m_add, &QPushButton::clicked, this, &TaxSettingsDialog::addRate);
    connect(m_remove, &QPushButton::clicked, this, &TaxSettingsDialog::removeRate);
    connect(m_save, &QPushButton::clicked, this, &TaxSettingsDialog::save);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_inclusive, &QCheckBox::toggled, this, &TaxSettingsDialog::updateExample);
    connect(m_rates, &QTableWidget::itemChanged, this, &TaxSettingsDialog::updateExample);
    connect(m_rates, &QTableWidget::itemSelectionChanged, this, &TaxSettingsDialog::updateButtons);
    connect(&m_jobs, &UiTaskRunner::busyChanged, this, &TaxSettingsDialog::updateButtons);

    resize(620, 420);
    updateButtons();
    load();
}

TaxSettingsDialog::~TaxSettingsDialog() = default;

bool TaxSettingsDialog::isBusy() const
{
    return m_jobs.isBusy();
}

void TaxSettingsDialog::load()
{
    setMessage(tr("Reading the shop's tax rates…"), false);
    m_jobs.run(this, [stores = m_stores]() -> Result<TaxSettings> {
        auto store = stores();
        if (!store)
            return store.error();
        return (*store)->load();
    }, [this](const Result<TaxSettings> &settings) {
        if (!settings) {
            setMessage(tr("Couldn't read the tax rates: %1").arg(settings.error().message), true);
        } else {
            m_loaded = true;
            showSettings(*settings);
            setMessage(settings->rates.isEmpty() ? tr("This shop charges no sales tax at the counter yet.") : QString(),
                       false);
        }
        updateButtons();
        Q_EMIT answered();
    });
}

void TaxSettingsDialog::showSettings(const TaxSettings &settings)
{
    const QSignalBlocker blockTable(m_rates);
    const QSignalBlocker blockBox(m_inclusive);
    m_inclusive->setChecked(settings.pricesIncludeTax);
    m_rates->setRowCount(0);
    for (const TaxRate &rate : settings.rates) {
        appendRow();
        const int row = m_rates->rowCount() - 1;
        m_rates->item(row, NameColumn)->setText(rate.name);
        m_rates->item(row, RateColumn)->setText(taxRatePercentText(rate.ppm));
        m_rates->item(row, ActiveColumn)->setCheckState(rate.active ? Qt::Checked : Qt::Unchecked);
    }
    m_rates->clearSelection();
    updateExample();
}

void TaxSettingsDialog::addRate()
{
    if (!m_mayEdit)
        return;
    if (m_rates->rowCount() >= MaxTaxRates) {
        setMessage(tr("A shop can have at most %1 tax rates.").arg(MaxTaxRates), true);
        return;
    }
    const int row = appendRow();
    m_rates->setCurrentCell(row, NameColumn);   // start typing its name
    m_rates->editItem(m_rates->item(row, NameColumn));
    updateExample();
    updateButtons();
}

int TaxSettingsDialog::appendRow()
{
    const int row = m_rates->rowCount();
    const QSignalBlocker block(m_rates);
    m_rates->insertRow(row);
    auto *name = new QTableWidgetItem;
    auto *rate = new QTableWidgetItem;
    rate->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto *active = new QTableWidgetItem;
    active->setCheckState(Qt::Checked);
    const Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    name->setFlags(m_mayEdit ? flags | Qt::ItemIsEditable : flags);
    rate->setFlags(m_mayEdit ? flags | Qt::ItemIsEditable : flags);
    active->setFlags(m_mayEdit ? flags | Qt::ItemIsUserCheckable : flags);
    m_rates->setItem(row, NameColumn, name);
    m_rates->setItem(row, RateColumn, rate);
    m_rates->setItem(row, ActiveColumn, active);
    return row;
}

void TaxSettingsDialog::removeRate()
{
    if (!m_mayEdit || m_rates->currentRow() < 0)
        return;
    m_rates->removeRow(m_rates->currentRow());
    updateExample();
    updateButtons();
}

Result<TaxSettings> TaxSettingsDialog::edited() const
{
    TaxSettings settings;
    settings.pricesIncludeTax = m_inclusive->isChecked();
    for (int row = 0; row < m_rates->rowCount(); ++row) {
        const QString name = m_rates->item(row, NameColumn)->text().trimmed();
        auto ppm = parseTaxRatePercent(m_rates->item(row, RateColumn)->text());
        if (!ppm)
            return Error::invalid(tr("Row %1%2: %3")
                                      .arg(row + 1)
                                      .arg(name.isEmpty() ? QString() : u" ("_s + name + u')')
                                      .arg(ppm.error().message),
                                  u"rate"_s);
        settings.rates.append({name, *ppm, m_rates->item(row, ActiveColumn)->checkState() == Qt::Checked});
    }
    auto checked = checkTaxRates(settings.rates);
    if (!checked)
        return checked.error();
    settings.rates = *checked;
    return settings;
}

void TaxSettingsDialog::save()
{
    if (!m_mayEdit || !m_loaded || m_jobs.isBusy())
        return;
    auto settings = edited();
    if (!settings) {
        setMessage(settings.error().message, true);
        return;
    }
    setMessage(tr("Saving…"), false);
    m_jobs.run(this, [stores = m_stores, wanted = *settings]() { return saveThenReload(stores, wanted); }, [this](const Result<TaxSettings> &stored) {
        if (!stored) {
            setMessage(tr("Not saved: %1").arg(stored.error().message), true);
        } else {
            showSettings(*stored);
            setMessage(tr("Saved. The counter uses these rates from its next sale."), false);
            Q_EMIT saved();
        }
        updateButtons();
        Q_EMIT answered();
    });
}

void TaxSettingsDialog::updateExample()
{
    auto settings = edited();
    const Money price = Money::of(Money::minorDigits(m_currency) == 0 ? 100 : 10000, m_currency).value();
    if (!settings) {
        m_example->setText(tr("Example: fix the rates above to see what a buyer pays."));
        return;
    }
    auto example = taxExample(*settings, price);
    if (!example) {
        m_example->setText(example.error().message);
        return;
    }
    m_example->setText(settings->pricesIncludeTax
                           ? tr("Example: an item priced %1 costs the buyer %2, of which %3 is tax.")
                                 .arg(formatMoney(price), formatMoney(example->total), formatMoney(example->tax))
                           : tr("Example: an item priced %1 costs the buyer %2 (%3 tax added).")
                                 .arg(formatMoney(price), formatMoney(example->total), formatMoney(example->tax)));
}

void TaxSettingsDialog::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #b3261e;"_s : QString());
}

void TaxSettingsDialog::updateButtons()
{
    const bool ready = m_mayEdit && m_loaded && !m_jobs.isBusy();
    m_add->setEnabled(ready && m_rates->rowCount() < MaxTaxRates);
    m_remove->setEnabled(ready && m_rates->currentRow() >= 0);
    m_save->setEnabled(ready);
    m_inclusive->setEnabled(ready);
}

} // namespace rdk

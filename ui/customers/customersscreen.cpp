#include "ui/customers/customersscreen.h"

#include "domain/moneyformat.h"
#include "ui/customers/customerdialog.h"
#include "ui/customers/customertablemodel.h"
#include "ui/shell/theme.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QTimeZone zoneOf(const QString &iana)
{
    const QTimeZone zone(iana.toUtf8());
    return zone.isValid() ? zone : QTimeZone::utc();
}

QString statusTitle(const QString &status)
{
    QString text = status;
    text.replace(u'_', u' ');
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QPushButton *button(QWidget *parent, const QString &name, const QString &text, const QString &tip, const QKeySequence &keys)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setShortcut(keys);
    b->setToolTip(u"%1 (%2)"_s.arg(tip, keys.toString(QKeySequence::NativeText)));
    return b;
}

} // namespace

CustomersScreen::CustomersScreen(CustomerDirectoryFactory directories, StaffRole role, const QString &shopTimeZone,
                                 QWidget *parent)
    : QWidget(parent), m_factory(std::move(directories)), m_role(role), m_zone(zoneOf(shopTimeZone)),
      m_tasks(new UiTaskRunner(UiTaskRunner::Options{u"customers"_s}, this)),
      m_lane(std::make_shared<LaneResource<CustomerDirectory>>(m_factory)), m_typing(new QTimer(this)),
      m_search(new QLineEdit(this)), m_model(new CustomerTableModel(m_zone, this)), m_table(new QTableView(this)),
      m_title(new QLabel(this)), m_details(new QLabel(this)), m_history(new QTableWidget(0, 5, this)),
      m_message(new QLabel(this))
{
    setObjectName(u"customersScreen"_s);
    setAccessibleName(tr("Customers"));

    m_search->setObjectName(u"customerSearch"_s);
    m_search->setAccessibleName(tr("Search customers"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaxLength(MaxEmailLength);
    m_search->setPlaceholderText(maySeeCustomerContact(role) ? tr("Name, e-mail or phone (Ctrl+F)")
                                                             : tr("Name, or the whole e-mail or phone number (Ctrl+F)"));
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_search, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    addAction(find);

    m_new = button(this, u"newCustomer"_s, tr("&New customer…"), tr("New customer"), QKeySequence::New);
    m_edit = button(this, u"editCustomer"_s, tr("&Edit…"), tr("Edit the selected customer"), QKeySequence(u"Ctrl+E"_s));
    m_edit->setEnabled(false);

    m_table->setObjectName(u"customerTable"_s);
    m_table->setAccessibleName(tr("Customers"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(CustomerTableModel::Name, QHeaderView::Stretch);

    theme::setRelativeFontSize(m_title, 1.3, true);
    m_title->setObjectName(u"customerName"_s);
    m_title->setWordWrap(true);
    m_details->setObjectName(u"customerDetails"_s);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_history->setObjectName(u"customerHistory"_s);
    m_history->setAccessibleName(tr("Order history"));
    m_history->setHorizontalHeaderLabels({tr("Order"), tr("Date"), tr("Channel"), tr("Total"), tr("Status")});
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setAlternatingRowColors(true);
    m_history->setTabKeyNavigation(false);
    m_history->verticalHeader()->hide();
    m_history->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_history->horizontalHeader()->setStretchLastSection(true);

    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    m_message->hide();

    auto *title = new QLabel(tr("Customers"), this);
    theme::setRelativeFontSize(title, 1.4, true);
    auto *top = new QHBoxLayout;
    top->addWidget(title);
    top->addWidget(m_search, 1);
    top->addWidget(m_new);
    top->addWidget(m_edit);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(8, 0, 0, 0);
    detailLayout->addWidget(m_title);
    detailLayout->addWidget(m_details);
    auto *historyTitle = new QLabel(tr("Order history"), detail);
    theme::setRelativeFontSize(historyTitle, 1.1, true);
    detailLayout->addWidget(historyTitle);
    detailLayout->addWidget(m_history, 1);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({700, 500});
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    m_typing->setSingleShot(true);
    m_typing->setInterval(250);
    connect(m_typing, &QTimer::timeout, this, &CustomersScreen::search);
    connect(m_search, &QLineEdit::textChanged, m_typing, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &CustomersScreen::search);
    connect(m_new, &QPushButton::clicked, this, &CustomersScreen::newCustomer);
    connect(m_edit, &QPushButton::clicked, this, &CustomersScreen::editCustomer);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CustomersScreen::showSelected);
    connect(m_table, &QTableView::activated, this, &CustomersScreen::editCustomer);
    setTabOrder(m_search, m_table);
    setFocusProxy(m_search);

    showSelected();
    search();
}

QString CustomersScreen::detailText() const
{
    return m_title->text() + u'\n' + m_details->text();
}

QString CustomersScreen::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

bool CustomersScreen::selectCustomer(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    return true;
}

const Customer *CustomersScreen::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->customerAt(rows.first().row());
}

void CustomersScreen::search()
{
    m_typing->stop();
    const QString query = m_search->text();
    const QString keep = selected() ? selected()->id : QString();
    m_tasks->run(this, m_searches.next(), [lane = m_lane, query]() -> Result<QList<Customer>> {
        auto directory = lane->get();
        if (!directory)
            return directory.error();
        return (*directory)->search(query, MaxCustomerSearchResults);
    }, [this, keep](const Result<QList<Customer>> &found) { showCustomers(found, keep); });
}

void CustomersScreen::showCustomers(const Result<QList<Customer>> &found, const QString &select)
{
    if (!found) {
        showMessage(found.error().message, true);
        Q_EMIT answered();
        return;
    }
    m_model->setCustomers(*found);
    if (found->isEmpty() && !m_search->text().trimmed().isEmpty())
        showMessage(tr("No customer matches “%1”. Press Ctrl+N to add one.").arg(m_search->text().trimmed()), false);
    else
        m_message->hide();
    if (!select.isEmpty() && selectCustomer(select)) {
        showSelected();
    } else if (!found->isEmpty()) {
        m_table->selectRow(0);
    } else {
        showSelected();
    }
    Q_EMIT answered();
}

void CustomersScreen::showSelected()
{
    const Customer *c = selected();
    m_edit->setEnabled(c != nullptr);
    m_history->setRowCount(0);
    if (!c) {
        m_title->setText(tr("No customer selected"));
        m_details->setText(tr("Search by name, e-mail or phone, or add a new customer (Ctrl+N)."));
        return;
    }
    m_title->setText(c->name);
    QStringList lines;
    lines.append(tr("E-mail: %1").arg(c->email.isEmpty() ? tr("none") : c->email));
    lines.append(tr("Phone: %1").arg(c->phone.isEmpty() ? tr("none") : c->phone));
    if (!c->contactVisible && (!c->email.isEmpty() || !c->phone.isEmpty()))
        lines.append(tr("(Only ops or admin staff see them in full.)"));
    if (c->marketingConsent) {
        const QString source = c->consentSource == u"online"_s ? tr("online") : tr("at the counter");
        lines.append(tr("Marketing: agreed %1, %2").arg(source, c->consentAt.toTimeZone(m_zone).toString(u"yyyy-MM-dd"_s)));
    } else {
        lines.append(tr("Marketing: not agreed"));
    }
    const QString orders = c->orderCount == 1 ? tr("1 order") : tr("%1 orders").arg(c->orderCount);
    lines.append(tr("Customer since %1 · %2").arg(c->createdAt.toTimeZone(m_zone).toString(u"yyyy-MM-dd"_s), orders));
    m_details->setText(lines.join(u'\n'));

    const QString id = c->id;
    m_tasks->run(this, m_histories.next(), [lane = m_lane, id]() -> Result<QList<CustomerOrder>> {
        auto directory = lane->get();
        if (!directory)
            return directory.error();
        return (*directory)->orders(id);
    }, [this, id](const Result<QList<CustomerOrder>> &orders) { showHistory(id, orders); });
}

void CustomersScreen::showHistory(const QString &customerId, const Result<QList<CustomerOrder>> &orders)
{
    const Customer *c = selected();
    if (!c || c->id != customerId) {
        Q_EMIT answered();
        return;
    }
    if (!orders) {
        showMessage(orders.error().message, true);
        Q_EMIT answered();
        return;
    }
    m_history->setRowCount(int(orders->size()));
    for (int row = 0; row < orders->size(); ++row) {
        const CustomerOrder &o = orders->at(row);
        const QStringList cells{u"RDK-%1"_s.arg(o.orderNumber), o.createdAt.toTimeZone(m_zone).toString(u"yyyy-MM-dd HH:mm"_s),
                                channelTitle(o.channel), formatMoney(o.total), statusTitle(o.status)};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells.at(col));
            if (col == 3)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_history->setItem(row, col, item);
        }
    }
    Q_EMIT answered();
}

void CustomersScreen::newCustomer()
{
    openDialog(nullptr);
}

void CustomersScreen::editCustomer()
{
    if (const Customer *c = selected())
        openDialog(c);
}

void CustomersScreen::openDialog(const Customer *existing)
{
    if (m_dialog)
        return;
    m_dialog = new CustomerDialog(m_role, existing, existing ? QString() : m_search->text(), this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &CustomerDialog::submitted, this, &CustomersScreen::save);
    m_dialog->open();
}

void CustomersScreen::save(const CustomerDraft &draft)
{
    QPointer<CustomerDialog> dialog = m_dialog;
    if (dialog)
        dialog->setBusy(true);
    // A save is never skipped; the list read after it is newer than any search before it.
    m_tasks->run(this, [lane = m_lane, draft]() -> Result<SavedCustomer> {
        auto directory = lane->get();
        if (!directory)
            return directory.error();
        return (*directory)->save(draft);
    }, [this, dialog, isNew = draft.id.isEmpty()](const Result<SavedCustomer> &saved) {
        if (!saved) {
            if (dialog)
                dialog->showError(saved.error().message, saved.error().field);
            else
                showMessage(saved.error().message, true);
            Q_EMIT answered();
            return;
        }
        if (dialog)
            dialog->accept();
        const QString id = saved->id;
        const bool known = isNew && !saved->created;
        // Show the saved customer whatever was searched for.
        m_search->blockSignals(true);
        m_search->clear();
        m_search->blockSignals(false);
        m_tasks->run(this, m_searches.next(), [lane = m_lane, id]() -> Result<QList<Customer>> {
            auto directory = lane->get();
            if (!directory)
                return directory.error();
            auto one = (*directory)->customer(id);
            if (!one)
                return one.error();
            auto recent = (*directory)->search(QString(), MaxCustomerSearchResults);
            if (!recent)
                return recent.error();
            QList<Customer> list = *recent;
            if (one->has_value()) {
                list.erase(std::remove_if(list.begin(), list.end(), [&](const Customer &c) { return c.id == id; }), list.end());
                list.prepend(**one);
            }
            return list;
        }, [this, id, known](const Result<QList<Customer>> &found) {
            showCustomers(found, id);
            if (found)
                showMessage(known ? tr("That e-mail address already belongs to this customer; nothing was duplicated.")
                                  : tr("Saved."), false);
        });
    });
}

void CustomersScreen::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #b3261e;"_s : QString());
    m_message->show();
}

} // namespace rdk

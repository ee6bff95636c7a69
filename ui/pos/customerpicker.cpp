#include "ui/pos/customerpicker.h"

#include "ui/pos/posscreen.h"

#include <QEvent>
#include <QShortcut>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

bool isOpen(SaleController::Phase phase)
{
    return phase != SaleController::Phase::Paid && phase != SaleController::Phase::Canceled;
}

} // namespace

CustomerPicker::CustomerPicker(CustomerDirectoryFactory directories, StaffRole role, const SaleController &sale, QWidget *parent)
    : QWidget(parent), m_factory(std::move(directories)), m_role(role), m_sale(sale),
      m_tasks(new UiTaskRunner(UiTaskRunner::Options{u"counter-customers"_s}, this)),
      m_lane(std::make_shared<LaneResource<CustomerDirectory>>(m_factory)), m_typing(new QTimer(this)),
      m_status(new QLabel(this)), m_search(new QLineEdit(this)), m_results(new QListWidget(this)),
      m_new(new QPushButton(tr("New…"), this)), m_remove(new QPushButton(tr("✕"), this))
{
    setObjectName(u"customerPicker"_s);
    m_status->setObjectName(u"customerStatus"_s);
    m_status->setTextFormat(Qt::PlainText);
    m_search->setObjectName(u"customerSearch"_s);
    m_search->setAccessibleName(tr("Find a customer"));
    m_search->setPlaceholderText(maySeeCustomerContact(role) ? tr("Customer: name, e-mail or phone (F4)")
                                                             : tr("Customer: name, or whole e-mail or phone (F4)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaxLength(MaxEmailLength);
    m_search->installEventFilter(this);
    m_results->setObjectName(u"customerResults"_s);
    m_results->setFocusPolicy(Qt::NoFocus);
    m_results->setMaximumHeight(120);
    m_results->hide();
    m_new->setObjectName(u"newCustomer"_s);
    m_new->setFocusPolicy(Qt::NoFocus);
    m_new->setToolTip(tr("Add a new customer with what is typed (Ctrl+Shift+N in the customer field)"));
    m_remove->setObjectName(u"removeCustomer"_s);
    m_remove->setFocusPolicy(Qt::NoFocus);
    m_remove->setToolTip(tr("No customer for this sale"));
    m_remove->setEnabled(false);
    m_remove->setMaximumWidth(m_remove->sizeHint().height() + 8);

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_status);
    row->addWidget(m_remove);
    row->addWidget(m_search, 1);
    row->addWidget(m_new);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(row);
    layout->addWidget(m_results);

    m_typing->setSingleShot(true);
    m_typing->setInterval(250);
    connect(m_typing, &QTimer::timeout, this, &CustomerPicker::search);
    connect(m_search, &QLineEdit::textEdited, m_typing, qOverload<>(&QTimer::start));
    connect(m_results, &QListWidget::itemClicked, this, &CustomerPicker::takeHighlighted);
    connect(m_new, &QPushButton::clicked, this, &CustomerPicker::newCustomer);
    connect(m_remove, &QPushButton::clicked, this, &CustomerPicker::removeCustomer);
    connect(&m_sale, &SaleController::saleChanged, this, &CustomerPicker::onSaleChanged);
    refresh();
}

QString CustomerPicker::statusText() const
{
    return m_status->text();
}

void CustomerPicker::focusSearch()
{
    if (!m_search->isEnabled())
        return;
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

bool CustomerPicker::eventFilter(QObject *watched, QEvent *event)
{
    // The counter binds Esc (cancel the sale) as a shortcut: in this field Esc, Enter and the
    // arrows are the picker's own.
    if (watched == m_search && event->type() == QEvent::ShortcutOverride) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Escape || key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_Up || key == Qt::Key_Down) {
            event->accept();
            return true;
        }
    }
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const int rows = m_results->count();
        switch (key->key()) {
        case Qt::Key_Down:
        case Qt::Key_Up:
            if (rows > 0)
                m_results->setCurrentRow(std::clamp(m_results->currentRow() + (key->key() == Qt::Key_Down ? 1 : -1), 0, rows - 1));
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            if (m_typing->isActive() || (rows == 0 && !m_search->text().trimmed().isEmpty()))
                search();  // Enter right after typing: search now; Enter again takes the first
            else
                takeHighlighted();
            return true;
        case Qt::Key_N:
            if (key->modifiers() == (Qt::ControlModifier | Qt::ShiftModifier)) {
                newCustomer();
                return true;
            }
            break;
        case Qt::Key_Escape:
            m_typing->stop();
            m_search->clear();
            m_results->clear();
            m_results->hide();
            Q_EMIT finished();
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void CustomerPicker::search()
{
    m_typing->stop();
    const QString query = m_search->text().trimmed();
    if (query.isEmpty()) {
        m_found.clear();
        m_results->clear();
        m_results->hide();
        return;
    }
    m_tasks->run(this, m_searches.next(), [lane = m_lane, query]() -> Result<QList<Customer>> {
        auto directory = lane->get();
        if (!directory)
            return directory.error();
        return (*directory)->search(query, 8);
    }, [this, query](const Result<QList<Customer>> &found) {
        m_results->clear();
        m_found.clear();
        if (!found) {
            showStatus(found.error().message, true);
            return;
        }
        m_found = *found;
        for (const Customer &c : m_found)
            m_results->addItem(c.summary());
        if (m_found.isEmpty())
            m_results->addItem(tr("No customer matches “%1” — New… adds one").arg(query));
        else
            m_results->setCurrentRow(0);
        m_results->show();
    });
}

void CustomerPicker::takeHighlighted()
{
    const int row = m_results->currentRow();
    if (row >= 0 && row < m_found.size())
        take(m_found.at(row));
    else if (m_found.isEmpty() && !m_search->text().trimmed().isEmpty() && m_results->isVisible())
        newCustomer();
}

void CustomerPicker::take(const Customer &customer)
{
    m_chosen = customer;
    m_attachedTo.clear();
    m_error.clear();
    m_search->clear();
    m_results->clear();
    m_results->hide();
    m_found.clear();
    refresh();
    attachIfNeeded();
    Q_EMIT customerChanged();
    Q_EMIT finished();
}

void CustomerPicker::newCustomer()
{
    if (m_dialog || !isOpen(m_sale.phase()))
        return;
    m_dialog = new CustomerDialog(m_role, nullptr, m_search->text(), this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::finished, this, &CustomerPicker::finished);
    connect(m_dialog, &CustomerDialog::submitted, this, [this](const CustomerDraft &draft) {
        QPointer<CustomerDialog> dialog = m_dialog;
        dialog->setBusy(true);
        m_tasks->run(this, [lane = m_lane, draft]() -> Result<std::optional<Customer>> {
            auto directory = lane->get();
            if (!directory)
                return directory.error();
            auto saved = (*directory)->save(draft);
            if (!saved)
                return saved.error();
            return (*directory)->customer(saved->id);
        }, [this, dialog](const Result<std::optional<Customer>> &saved) {
            if (!saved || !saved->has_value()) {
                const QString why = saved ? tr("The customer was saved but can't be read back; search for them.")
                                          : saved.error().message;
                if (dialog)
                    dialog->showError(why, saved ? QString() : saved.error().field);
                return;
            }
            if (dialog)
                dialog->accept();
            take(**saved);
        });
    });
    m_dialog->open();
}

void CustomerPicker::removeCustomer()
{
    if (m_chosen.id.isEmpty() || !isOpen(m_sale.phase()))
        return;
    const QString order = m_attachedTo;
    m_chosen = Customer();
    m_attachedTo.clear();
    m_error.clear();
    refresh();
    Q_EMIT customerChanged();
    if (order.isEmpty())
        return;
    m_detachPending = true;
    m_tasks->run(this, [lane = m_lane, order]() -> Result<bool> {
        auto directory = lane->get();
        if (!directory)
            return directory.error();
        auto done = (*directory)->attachToSale(order, QString());
        if (!done)
            return done.error();
        return true;
    }, [this](const Result<bool> &done) {
        m_detachPending = false;
        if (!done)
            showStatus(done.error().message, true);
        Q_EMIT customerChanged();
        attachIfNeeded();  // a customer taken while the detach ran
    });
}

void CustomerPicker::onSaleChanged()
{
    const auto &order = m_sale.order();
    const QString current = order ? order->orderId : QString();
    // A new sale (no order after one that had an order) starts without a customer.
    if (!m_lastOrder.isEmpty() && current.isEmpty() && m_sale.phase() == SaleController::Phase::Cart) {
        m_chosen = Customer();
        m_attachedTo.clear();
        m_error.clear();
    }
    m_lastOrder = current;
    refresh();
    attachIfNeeded();
}

void CustomerPicker::attachIfNeeded()
{
    const auto &order = m_sale.order();
    if (m_chosen.id.isEmpty() || !order || !isOpen(m_sale.phase()) || m_detachPending)
        return;
    if (order->orderId == m_attachedTo || order->orderId == m_attaching)
        return;
    const QString orderId = order->orderId;
    const QString customerId = m_chosen.id;
    m_attaching = orderId;
    m_tasks->run(this, [lane = m_lane, orderId, customerId]() -> Result<bool> {
        auto directory = lane->get();
        if (!directory)
            return directory.error();
        auto done = (*directory)->attachToSale(orderId, customerId);
        if (!done)
            return done.error();
        return true;
    }, [this, orderId, customerId](const Result<bool> &done) {
        m_attaching.clear();
        if (m_chosen.id != customerId) {  // changed meanwhile: attach the new choice
            attachIfNeeded();
            return;
        }
        if (!done) {
            m_error = done.error().message;
        } else {
            m_attachedTo = orderId;
            m_error.clear();
        }
        refresh();
        Q_EMIT customerChanged();
    });
}

void CustomerPicker::showStatus(const QString &text, bool error)
{
    // A long name or refusal must not squeeze the search field: elided, whole in the tooltip.
    constexpr int maxWidth = 360;
    const QString shown = m_status->fontMetrics().elidedText(text, Qt::ElideRight, maxWidth);
    m_status->setText(shown);
    m_status->setToolTip(shown == text ? QString() : text);
    m_status->setStyleSheet(error ? u"color: #b3261e;"_s : QString());
}

void CustomerPicker::refresh()
{
    const bool open = isOpen(m_sale.phase());
    m_search->setEnabled(open);
    m_new->setEnabled(open);
    m_remove->setEnabled(open && !m_chosen.id.isEmpty());
    const QString closedWhy = tr("The sale is finished; a customer can be added before it is paid.");
    m_search->setToolTip(open ? QString() : closedWhy);
    m_new->setToolTip(open ? tr("Add a new customer with what is typed (Ctrl+Shift+N in the customer field)") : closedWhy);
    if (!m_error.isEmpty())
        showStatus(tr("Customer: %1 — %2").arg(m_chosen.name, m_error), true);
    else
        showStatus(m_chosen.id.isEmpty() ? tr("Customer: none") : tr("Customer: %1").arg(m_chosen.name));
}

CustomerPicker *addCustomerPicker(PosScreen &screen, CustomerDirectoryFactory directories, StaffRole role)
{
    auto *picker = new CustomerPicker(std::move(directories), role, screen.sale(), &screen);
    screen.addCartControl(picker);
    auto *key = new QShortcut(QKeySequence(Qt::Key_F4), &screen);
    key->setContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(key, &QShortcut::activated, picker, &CustomerPicker::focusSearch);
    QObject::connect(picker, &CustomerPicker::finished, &screen, [&screen] { screen.scanField()->setFocus(Qt::OtherFocusReason); });
    // A release's pairs need the buyer's e-mail: the attached customer's, when it isn't masked.
    screen.setBuyerEmailSuggestion([picker = QPointer<CustomerPicker>(picker)] { return picker ? picker->visibleEmail() : QString(); });
    return picker;
}

} // namespace rdk

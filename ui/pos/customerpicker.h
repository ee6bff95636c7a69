#pragma once

#include "domain/customer.h"
#include "ui/common/uitaskrunner.h"
#include "ui/customers/customerdialog.h"
#include "ui/pos/salecontroller.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTimer;

namespace rdk {

/// The counter's "Customer" control: search as you type (F4, then name or the whole e-mail or
/// phone number), ↑/↓ and Enter to take one, New… to create one inline (CustomerDialog, with
/// what was typed), ✕ to remove. The chosen customer is attached to the sale's order as soon as
/// there is one (at Charge, or at once while it waits for payment) through
/// rdk.pos_attach_customer, and the receipt names them. A new sale starts without a customer.
/// Esc, or taking a customer, hands the keyboard back to the scan field (finished()).
///
/// Its own one-thread UiTaskRunner and CustomerDirectory (a session of its own); it only reads
/// the SaleController's phase and order, so the sale itself knows nothing of customers.
class CustomerPicker final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CustomerPicker)

public:
    CustomerPicker(CustomerDirectoryFactory directories, StaffRole role, const SaleController &sale, QWidget *parent = nullptr);

    QLineEdit *searchField() const { return m_search; }
    QListWidget *results() const { return m_results; }
    QPushButton *newButton() const { return m_new; }
    QPushButton *removeButton() const { return m_remove; }
    CustomerDialog *dialog() const { return m_dialog; }
    /// The chosen customer's name, empty when none.
    QString customerName() const { return m_chosen.name; }
    /// The chosen customer's e-mail when the role may see it (ops, admin); empty otherwise.
    QString visibleEmail() const { return m_chosen.contactVisible ? m_chosen.email : QString(); }
    /// The order the chosen customer is attached to in the database, empty until it is.
    QString attachedOrder() const { return m_attachedTo; }
    /// What the control says ("Customer: Jane Doe", or why attaching failed).
    QString statusText() const;
    bool isBusy() const { return m_tasks->isBusy(); }

public Q_SLOTS:
    /// F4: the keyboard goes to the search field.
    void focusSearch();
    void search();
    /// Takes the highlighted result (Enter).
    void takeHighlighted();
    void newCustomer();
    void removeCustomer();

Q_SIGNALS:
    /// The picker is done with the keyboard (a customer taken, Esc, a dialog closed).
    void finished();
    /// A customer was taken, changed or removed; or the database answered an attach.
    void customerChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void take(const Customer &customer);
    void onSaleChanged();
    void attachIfNeeded();
    void showStatus(const QString &text, bool error = false);
    void refresh();

    CustomerDirectoryFactory m_factory;
    StaffRole m_role;
    const SaleController &m_sale;
    UiTaskRunner *m_tasks;
    std::shared_ptr<LaneResource<CustomerDirectory>> m_lane;
    LatestRequest m_searches;
    QTimer *m_typing;
    QLabel *m_status;
    QLineEdit *m_search;
    QListWidget *m_results;
    QPushButton *m_new;
    QPushButton *m_remove;
    QPointer<CustomerDialog> m_dialog;
    QList<Customer> m_found;
    Customer m_chosen;
    QString m_attachedTo;     ///< the order m_chosen is attached to
    QString m_attaching;      ///< the order an attach is under way for
    bool m_detachPending = false;
    QString m_lastOrder;      ///< the order the sale had when last seen
    QString m_error;
};

class PosScreen;

/// Adds a CustomerPicker to the counter between the scan field and the cart: F4 gives it the
/// keyboard, and the scan field gets it back when the picker is done.
CustomerPicker *addCustomerPicker(PosScreen &screen, CustomerDirectoryFactory directories, StaffRole role);

} // namespace rdk

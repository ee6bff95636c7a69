#pragma once

#include "domain/customer.h"
#include "ui/common/uitaskrunner.h"
#include "ui/customers/customerdialog.h"

#include <QPointer>
#include <QTimeZone>
#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTableWidget;
class QTimer;

namespace rdk {

class CustomerTableModel;

/// The shop's customers: search by name, e-mail or phone as you type (Ctrl+F), the list, and
/// the selected customer's details with their order history (order number, date in the shop's
/// time zone, channel, total, status). New customer (Ctrl+N) and Edit (Ctrl+E) open
/// CustomerDialog. Plain staff see e-mail and phone masked, as the database sends them.
///
/// Every call runs on a one-thread UiTaskRunner with one CustomerDirectory (its own database
/// session) kept for the screen's life in a LaneResource; a search overtaken by newer typing is
/// skipped or its answer dropped.
class CustomersScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CustomersScreen)

public:
    CustomersScreen(CustomerDirectoryFactory directories, StaffRole role, const QString &shopTimeZone,
                    QWidget *parent = nullptr);

    QLineEdit *searchField() const { return m_search; }
    QTableView *table() const { return m_table; }
    CustomerTableModel *model() const { return m_model; }
    QTableWidget *historyTable() const { return m_history; }
    QPushButton *newButton() const { return m_new; }
    QPushButton *editButton() const { return m_edit; }
    /// The dialog open now, if any (tests fill it in).
    CustomerDialog *dialog() const { return m_dialog; }
    /// The selected customer's heading, contact and consent lines.
    QString detailText() const;
    /// The message line (errors, "Saved."), empty when hidden.
    QString message() const;
    bool isBusy() const { return m_tasks->isBusy(); }
    /// Selects a customer's row; false when it is not listed.
    bool selectCustomer(const QString &id);

public Q_SLOTS:
    /// Runs the search in the field now (the field waits for a pause in typing).
    void search();
    void newCustomer();
    void editCustomer();

Q_SIGNALS:
    /// A search, a history or a save answered (tests wait on it).
    void answered();

private:
    void showCustomers(const Result<QList<Customer>> &found, const QString &select);
    void showSelected();
    void showHistory(const QString &customerId, const Result<QList<CustomerOrder>> &orders);
    void openDialog(const Customer *existing);
    void save(const CustomerDraft &draft);
    void showMessage(const QString &text, bool error);
    const Customer *selected() const;

    CustomerDirectoryFactory m_factory;
    StaffRole m_role;
    QTimeZone m_zone;
    UiTaskRunner *m_tasks;
    std::shared_ptr<LaneResource<CustomerDirectory>> m_lane;
    LatestRequest m_searches;
    LatestRequest m_histories;
    QTimer *m_typing;
    QLineEdit *m_search;
    CustomerTableModel *m_model;
    QTableView *m_table;
    QLabel *m_title;
    QLabel *m_details;
    QTableWidget *m_history;
    QLabel *m_message;
    QPushButton *m_new;
    QPushButton *m_edit;
    QPointer<CustomerDialog> m_dialog;
};

} // namespace rdk

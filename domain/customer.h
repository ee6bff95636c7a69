#pragma once

// Customers of a shop: the rules the database applies in migrations/modules/customers.sql,
// mirrored here so a dialog can point at the field at fault as it is typed. The database has
// the last word (and the only say on who sees what).

#include "domain/money.h"
#include "domain/result.h"
#include "domain/staff.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

/// One customer as the signed-in role may see them. For plain staff `email` and `phone` come
/// masked from the database ("j•••@example.com", "•••• 67") and `contactVisible` is false.
struct Customer {
    QString id;
    QString name;
    QString email;              ///< empty: none
    QString phone;              ///< empty: none
    bool contactVisible = false;
    bool marketingConsent = false;
    QDateTime consentAt;        ///< UTC; invalid when never given
    QString consentSource;      ///< "counter", "online" or empty
    QDateTime createdAt;        ///< UTC
    qint64 orderCount = 0;
    QDateTime lastOrderAt;      ///< UTC; invalid when no order

    /// "Jane Doe · j•••@example.com · •••• 67": one line for a list or the counter.
    QString summary() const;
};

/// What a person typed to create (empty id) or edit a customer. `email` and `phone`:
/// nullopt keeps what an existing customer has (and means none for a new one); an empty
/// string removes it.
struct CustomerDraft {
    QString id;
    QString name;
    std::optional<QString> email;
    std::optional<QString> phone;
    bool marketingConsent = false;
};

/// The answer to a save: the customer's id, and whether it is a new customer or the one the
/// shop already had with that e-mail.
struct SavedCustomer {
    QString id;
    bool created = false;
};

/// A line of a customer's order history.
struct CustomerOrder {
    QString orderId;
    qint64 orderNumber = 0;
    QString channel;            ///< "pos" or "online"
    QString status;
    Money total;
    Money refunded;
    QDateTime createdAt;        ///< UTC
    QDateTime paidAt;           ///< UTC; invalid when unpaid
};

inline constexpr int MaxCustomerNameLength = 120;
inline constexpr int MaxEmailLength = 254;
inline constexpr int MaxCustomerSearchResults = 50;

/// Trimmed, lower case; empty stays empty. Longer than 254 characters or not shaped like
/// name@example.com: an Invalid error for the field "email".
Result<QString> normalizeCustomerEmail(const QString &email);
/// Digits with an optional leading +, 6 to 15 digits; spaces, dashes, dots and brackets are
/// dropped. Empty stays empty. Anything else: an Invalid error for the field "phone".
Result<QString> normalizeCustomerPhone(const QString &phone);
/// Trimmed, inner runs of spaces made one; 1 to 120 characters, no control characters.
Result<QString> normalizeCustomerName(const QString &name);
/// All three, as the database will store them.
Result<CustomerDraft> validateCustomerDraft(const CustomerDraft &draft);

/// "j•••@example.com": the first letter and the domain, as staff see an address.
QString maskEmail(const QString &email);
/// "•••• 67": the last two digits.
QString maskPhone(const QString &phone);

/// Ops and admin see customers' e-mail and phone in full and may change them once set; plain
/// staff see them masked (the line orders.customer_email already draws).
bool maySeeCustomerContact(StaffRole role);

/// "Counter sale" / "Online order" for a CustomerOrder's channel.
QString channelTitle(const QString &channel);

/// Customers of the signed-in staff member's shop. The database scopes, masks and refuses.
class CustomerDirectory {
public:
    virtual ~CustomerDirectory() = default;

    /// By name, e-mail or phone (staff: the whole e-mail or number), at most `limit` (1..50);
    /// an empty query lists the most recent buyers.
    virtual Result<QList<Customer>> search(const QString &query, int limit) = 0;
    /// One customer, or nullopt when the shop has no such customer.
    virtual Result<std::optional<Customer>> customer(const QString &id) = 0;
    /// Creates (empty id; an existing e-mail answers with that customer) or edits.
    virtual Result<SavedCustomer> save(const CustomerDraft &draft) = 0;
    /// The customer's latest orders, newest first.
    virtual Result<QList<CustomerOrder>> orders(const QString &customerId) = 0;
    /// Sets (or with an empty id clears) the customer of an unpaid counter sale.
    virtual Status attachToSale(const QString &orderId, const QString &customerId) = 0;
};

/// Makes a directory on a database session of its own (the desk's worker sessions).
using CustomerDirectoryFactory = std::function<Result<std::unique_ptr<CustomerDirectory>>()>;

} // namespace rdk

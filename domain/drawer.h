#pragma once

// The cash drawer of one staff member at the counter: opened with a counted float, cash sales
// and cash refunds go through it, cash paid in or out with a reason, closed with the counted
// cash. The database computes every figure (module drawer.sql); this file holds what needs no
// database: the notes and coins of a currency, a count and its total, over/short, and the X/Z
// report as people read it (on screen and on paper). data/pgdrawer implements DrawerStore.

#include "domain/money.h"
#include "domain/result.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QTimeZone>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

/// Notes and coins of `currency` in minor units, largest first (USD, EUR, GBP, CAD). Empty for
/// other currencies: their cash is counted as one amount. The same list as
/// rdk.drawer_denominations in the database, which refuses anything else.
QList<qint64> drawerDenominations(const QString &currency);

/// "$100", "$1", "25¢"; "€500", "2c"; "£50", "50p": how a note or coin is called at the till.
QString denominationLabel(qint64 minor, const QString &currency);

/// Most of one note or coin a count may list (the database's bound too).
inline constexpr int MaxDenominationCount = 10000;

/// Cash counted by denomination: how many of each note or coin (minor units -> count).
struct DrawerCount final {
    QString currency = QStringLiteral("USD");
    QMap<qint64, int> counts;

    /// Sum of value x count. Invalid when a denomination is not one of the currency's or a
    /// count is outside 0..MaxDenominationCount (the sentence names which).
    Result<Money> total() const;
    /// {"10000": 2, "25": 4}: what rdk.drawer_open / drawer_close take. Zero counts are left out.
    QString toJson() const;
};

/// Counted minus expected: positive is over, negative is short.
Money overShort(const Money &counted, const Money &expected);
/// "Over $2.00", "Short $4.75", "Even".
QString overShortText(const Money &counted, const Money &expected);

/// A staff member's drawer session as the counter shows it.
struct DrawerSession final {
    QString id;
    QString openedBy;        ///< display name
    bool mine = true;        ///< the signed-in staff member's own drawer
    QDateTime openedAt;
    Money floatAmount;
    bool open = true;
    Money cash;              ///< what the drawer should hold now: float + movements
};

/// Cash paid into or out of the drawer (not a sale): change brought from the bank, a delivery
/// paid at the door.
enum class DrawerPayKind { PaidIn, PaidOut };

/// One line of the drawer's history in the report.
struct DrawerMovement final {
    QDateTime at;
    QString kind;            ///< sale, refund, paid_in, paid_out
    Money amount;            ///< signed: what the drawer gained or lost
    QString reason;
    QString order;           ///< "RDK-1042" for sales and refunds
};

/// The X (drawer still open) or Z (closed) report of one drawer session, as the database
/// computed it (rdk.drawer_report).
struct DrawerReport final {
    bool closed = false;     ///< Z when true, X otherwise
    QString sessionId;
    QString shop;
    QString timeZone;        ///< the shop's, for every time printed
    QString openedBy;
    QString closedBy;
    QDateTime openedAt;
    QDateTime closedAt;
    QDateTime until;         ///< closedAt, or when the X report was made
    QString currency = QStringLiteral("USD");
    struct MethodLine {
        QString method;      ///< card, cash
        int count = 0;
        Money total;
    };
    QList<MethodLine> sales;
    int salesCount = 0;
    Money gross, discounts, tax, total;
    Money floatAmount, cashSales, cashRefunds, paidIn, paidOut, expected;
    int cashRefundCount = 0;
    Money cardRefunds;
    std::optional<Money> counted;
    QMap<qint64, int> countedBy;
    QString note;
    QList<DrawerMovement> movements;   ///< cash refunds and paid in/out, oldest first (sales are summed)

    /// Parses rdk.drawer_report's JSON. Invalid when a field is missing or malformed.
    static Result<DrawerReport> fromJson(const QByteArray &json);
    QString title() const;   ///< "Z report — Dana Cashier" / "X report — ..."
    /// The report as lines of text: label and amount columns, for the screen and the PDF.
    /// Times in the shop's time zone.
    QList<QPair<QString, QString>> lines() const;
};

/// The counter's drawer on the database. Every call is one transaction and may block: call it
/// from a worker thread with a session of its own. Refusals are sentences for staff.
class DrawerStore {
public:
    virtual ~DrawerStore() = default;
    /// The signed-in staff member's open drawer, or nullopt when it is closed.
    virtual Result<std::optional<DrawerSession>> current() = 0;
    /// Open drawers the caller may close: staff their own, ops/admin every one of the shop
    /// (a manager closing up), oldest first.
    virtual Result<QList<DrawerSession>> openDrawers() = 0;
    /// Opens the drawer with `floatAmount`, or with a count (its total is the float).
    virtual Result<DrawerSession> open(const Money &floatAmount, const std::optional<DrawerCount> &count) = 0;
    virtual Result<DrawerSession> pay(DrawerPayKind kind, const Money &amount, const QString &reason) = 0;
    /// Closes a drawer (staff: their own; ops/admin: any of the shop) with the cash counted,
    /// by denomination or as one amount. Returns the Z report.
    virtual Result<DrawerReport> close(const QString &sessionId, const Money &counted, const std::optional<DrawerCount> &count,
                                       const QString &note) = 0;
    /// X report of an open drawer, Z report of a closed one.
    virtual Result<DrawerReport> report(const QString &sessionId) = 0;
};

using DrawerStoreFactory = std::function<Result<std::unique_ptr<DrawerStore>>()>;

} // namespace rdk

#pragma once

// An in-memory DrawerStore for the counter's screen tests: one staff member's drawer with the
// database's arithmetic (module drawer.sql): cash = float + sales - refunds + paid in - paid
// out; paid out never more than the cash; one open drawer; close -> Z report with expected,
// counted and the count. Shelf::cashDrawer = drawer->cashHook() puts cash sales into it. The
// PostgreSQL store (data::PgDrawer) has its own tests against a database.

#include "domain/drawer.h"

#include <QMutex>
#include <QMutexLocker>
#include <QUuid>

#include <atomic>
#include <functional>
#include <memory>

namespace rdk::test {

class MemoryDrawer final {
public:
    QString currency = QStringLiteral("USD");
    QString cashier = QStringLiteral("Dana Cashier");
    QString shop = QStringLiteral("Kickz Downtown");
    QString timeZone = QStringLiteral("UTC");
    std::function<QDateTime()> now = [] { return QDateTime::currentDateTimeUtc(); };
    std::atomic<int> openCalls{0};
    /// The database is unreachable while true: the factory answers Unavailable.
    std::atomic<bool> down{false};
    std::atomic<int> closeCalls{0};

    /// Opens the drawer directly (a test's fixture: "the drawer is already open").
    void openNow(qint64 floatMinor)
    {
        QMutexLocker lock(&m_mutex);
        openLocked(money(floatMinor), std::nullopt);
    }
    qint64 cashMinor()
    {
        QMutexLocker lock(&m_mutex);
        return cashLocked();
    }
    bool isOpen()
    {
        QMutexLocker lock(&m_mutex);
        return m_open;
    }

    std::function<Status(const QString &, const Money &)> cashHook()
    {
        return [this](const QString &orderId, const Money &total) -> Status {
            QMutexLocker lock(&m_mutex);
            if (!m_open)
                return Error::conflict(QStringLiteral("Open your cash drawer before taking cash for %1.").arg(orderId));
            m_moves.append({now(), QStringLiteral("sale"), total, {}, orderId});
            ++m_cashSales;
            return {};
        };
    }

    Result<std::optional<DrawerSession>> current()
    {
        QMutexLocker lock(&m_mutex);
        if (!m_open)
            return std::optional<DrawerSession>();
        return std::optional<DrawerSession>(sessionLocked());
    }
    Result<QList<DrawerSession>> openDrawers()
    {
        QMutexLocker lock(&m_mutex);
        QList<DrawerSession> list;
        if (m_open)
            list.append(sessionLocked());
        for (const auto &other : colleagues)
            list.append(other);
        return list;
    }
    /// Colleagues' open drawers a manager sees (not counted; closing one closes the list entry).
    QList<DrawerSession> colleagues;
    Result<DrawerSession> open(const Money &floatAmount, const std::optional<DrawerCount> &count)
    {
        ++openCalls;
        QMutexLocker lock(&m_mutex);
        if (m_open)
            return Error::conflict(QStringLiteral("Your drawer is already open; close it first."));
        Money amount = floatAmount;
        if (count) {
            auto total = count->total();
            if (!total)
                return total.error();
            amount = *total;
        }
        if (amount.isNegative())
            return Error::invalid(QStringLiteral("The float can't be negative."));
        openLocked(amount, count);
        return sessionLocked();
    }
    Result<DrawerSession> pay(DrawerPayKind kind, const Money &amount, const QString &reason)
    {
        QMutexLocker lock(&m_mutex);
        if (!m_open)
            return Error::conflict(QStringLiteral("Open your cash drawer first."));
        if (kind == DrawerPayKind::PaidOut && amount.minor() > cashLocked())
            return Error::conflict(QStringLiteral("Your drawer holds less than that."));
        const bool in = kind == DrawerPayKind::PaidIn;
        m_moves.append({now(), in ? QStringLiteral("paid_in") : QStringLiteral("paid_out"), money(in ? amount.minor() : -amount.minor()),
                        reason, {}});
        return sessionLocked();
    }
    Result<DrawerReport> close(const QString &sessionId, const Money &counted, const std::optional<DrawerCount> &count,
                               const QString &note)
    {
        ++closeCalls;
        QMutexLocker lock(&m_mutex);
        for (qsizetype i = 0; i < colleagues.size(); ++i) {
            if (colleagues[i].id != sessionId)
                continue;
            DrawerReport r;
            r.closed = true;
            r.sessionId = sessionId;
            r.shop = shop;
            r.timeZone = timeZone;
            r.openedBy = colleagues[i].openedBy;
            r.closedBy = cashier;
            r.openedAt = colleagues[i].openedAt;
            r.closedAt = now();
            r.until = r.closedAt;
            r.currency = currency;
            r.floatAmount = colleagues[i].floatAmount;
            r.expected = colleagues[i].cash;
            r.counted = count ? count->total().value() : counted;
            colleagues.removeAt(i);
            return r;
        }
        if (!m_open || sessionId != m_id)
            return Error::notFound(QStringLiteral("That drawer session does not exist."));
        Money total = counted;
        if (count) {
            auto sum = count->total();
            if (!sum)
                return sum.error();
            total = *sum;
        }
        m_open = false;
        m_closedAt = now();
        m_counted = total;
        m_countedBy = count ? count->counts : QMap<qint64, int>();
        m_note = note;
        m_expected = cashLocked();
        return reportLocked();
    }
    Result<DrawerReport> report(const QString &sessionId)
    {
        QMutexLocker lock(&m_mutex);
        if (sessionId != m_id)
            return Error::notFound(QStringLiteral("That drawer session does not exist."));
        return reportLocked();
    }

private:
    Money money(qint64 minor) const { return Money::of(minor, currency).value(); }
    void openLocked(const Money &floatAmount, const std::optional<DrawerCount> &)
    {
        m_open = true;
        m_id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_openedAt = now();
        m_float = floatAmount;
        m_moves.clear();
        m_cashSales = 0;
        m_counted.reset();
    }
    qint64 cashLocked() const
    {
        qint64 cash = m_float.minor();
        for (const DrawerMovement &m : m_moves)
            cash += m.amount.minor();
        return cash;
    }
    DrawerSession sessionLocked() const
    {
        DrawerSession s;
        s.id = m_id;
        s.openedBy = cashier;
        s.openedAt = m_openedAt;
        s.floatAmount = m_float;
        s.cash = money(cashLocked());
        s.open = m_open;
        return s;
    }
    DrawerReport reportLocked() const
    {
        DrawerReport r;
        r.closed = !m_open;
        r.sessionId = m_id;
        r.shop = shop;
        r.timeZone = timeZone;
        r.openedBy = cashier;
        r.closedBy = m_open ? QString() : cashier;
        r.openedAt = m_openedAt;
        r.closedAt = m_open ? QDateTime() : m_closedAt;
        r.until = m_open ? now() : m_closedAt;
        r.currency = currency;
        qint64 sales = 0, refunds = 0, in = 0, out = 0;
        for (const DrawerMovement &m : m_moves) {
            if (m.kind == QStringLiteral("sale"))
                sales += m.amount.minor();
            else if (m.kind == QStringLiteral("refund"))
                refunds -= m.amount.minor();
            else if (m.kind == QStringLiteral("paid_in"))
                in += m.amount.minor();
            else
                out -= m.amount.minor();
        }
        if (m_cashSales > 0)
            r.sales.append({QStringLiteral("cash"), m_cashSales, money(sales)});
        r.salesCount = m_cashSales;
        r.gross = money(sales);
        r.discounts = money(0);
        r.tax = money(0);
        r.total = money(sales);
        r.floatAmount = m_float;
        r.cashSales = money(sales);
        r.cashRefunds = money(refunds);
        r.paidIn = money(in);
        r.paidOut = money(out);
        r.cardRefunds = money(0);
        r.expected = money(m_open ? cashLocked() : m_expected);
        r.counted = m_counted;
        r.countedBy = m_countedBy;
        r.note = m_note;
        r.movements = m_moves;
        return r;
    }

    mutable QMutex m_mutex;
    bool m_open = false;
    QString m_id;
    QDateTime m_openedAt, m_closedAt;
    Money m_float;
    QList<DrawerMovement> m_moves;
    int m_cashSales = 0;
    std::optional<Money> m_counted;
    QMap<qint64, int> m_countedBy;
    QString m_note;
    qint64 m_expected = 0;
};

/// A DrawerStore over a shared MemoryDrawer (one per worker, like the database's sessions).
class MemoryDrawerStore final : public DrawerStore {
public:
    explicit MemoryDrawerStore(std::shared_ptr<MemoryDrawer> drawer) : m_drawer(std::move(drawer)) {}

    Result<std::optional<DrawerSession>> current() override { return m_drawer->current(); }
    Result<QList<DrawerSession>> openDrawers() override { return m_drawer->openDrawers(); }
    Result<DrawerSession> open(const Money &floatAmount, const std::optional<DrawerCount> &count) override
    {
        return m_drawer->open(floatAmount, count);
    }
    Result<DrawerSession> pay(DrawerPayKind kind, const Money &amount, const QString &reason) override
    {
        return m_drawer->pay(kind, amount, reason);
    }
    Result<DrawerReport> close(const QString &sessionId, const Money &counted, const std::optional<DrawerCount> &count,
                               const QString &note) override
    {
        return m_drawer->close(sessionId, counted, count, note);
    }
    Result<DrawerReport> report(const QString &sessionId) override { return m_drawer->report(sessionId); }

    static DrawerStoreFactory factory(std::shared_ptr<MemoryDrawer> drawer)
    {
        return [drawer]() -> Result<std::unique_ptr<DrawerStore>> {
            if (drawer->down)
                return Error::unavailable(QStringLiteral("The database can't be reached."));
            return std::unique_ptr<DrawerStore>(new MemoryDrawerStore(drawer));
        };
    }

private:
    std::shared_ptr<MemoryDrawer> m_drawer;
};

} // namespace rdk::test

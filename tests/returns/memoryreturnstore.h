#pragma once

// An in-memory ReturnStore for the return dialog's tests and screenshots: the orders of a shop,
// with the refund computed by domain/returns (the database's rule, which tst_returns_data holds
// rdk.pos_return to). It enforces what the database would for a cashier: the limit and window.

#include "domain/returns.h"
#include "tests/pos/ui/memoryposstore.h"
#include "domain/staff.h"

#include <QHash>
#include <QMutex>
#include <QMutexLocker>

#include <atomic>
#include <functional>
#include <memory>

namespace rdk::test {

class ReturnShop final {
public:
    void addOrder(ReturnableOrder order)
    {
        returns::computeLineShares(order);
        QMutexLocker lock(&m_mutex);
        m_orders.insert(order.orderNumber, std::move(order));
    }
    ReturnableOrder orderOf(qint64 number)
    {
        QMutexLocker lock(&m_mutex);
        return m_orders.value(number);
    }

    ReturnPolicy policy{30, 20000};
    StaffRole role = StaffRole::Staff;
    std::function<QDateTime()> now = [] { return QDateTime::currentDateTimeUtc(); };
    std::atomic<int> submitCalls{0};
    std::atomic<int> exchangeCalls{0};
    QHash<QString, qint64> prices;   ///< SKU -> unit price of the new items of an exchange
    /// When set, an exchange places its new sale on this shelf (as rdk.pos_exchange does through
    /// rdk.pos_place_sale) so the counter can follow it; prices then come from the shelf.
    std::shared_ptr<Shelf> shelf;
    QList<ExchangeItem> lastItems;
    QList<ReturnLineRequest> lastLines;
    QString lastReason;

    Result<ReturnableOrder> find(qint64 number)
    {
        QMutexLocker lock(&m_mutex);
        if (!m_orders.contains(number))
            return Error::notFound(QStringLiteral("No order RDK-%1 in this shop.").arg(number));
        return m_orders.value(number);
    }

    Result<ReturnReceipt> submit(const QString &orderId, const QList<ReturnLineRequest> &lines, const QString &reason)
    {
        ++submitCalls;
        QMutexLocker lock(&m_mutex);
        for (auto it = m_orders.begin(); it != m_orders.end(); ++it) {
            ReturnableOrder &o = it.value();
            if (o.orderId != orderId)
                continue;
            const auto refund = returns::refundFor(o, lines);
            if (!refund)
                return refund.error();
            if (role == StaffRole::Staff) {
                if (const QString no = returns::staffRefusal(o, *refund, policy, now()); !no.isEmpty())
                    return Error::forbidden(no);
            }
            for (const auto &l : lines)
                for (auto &line : o.lines)
                    if (line.itemId == l.itemId)
                        line.returned += l.quantity;
            o.leftToRefundMinor -= *refund;
            lastLines = lines;
            lastReason = reason;
            return ReturnReceipt{QStringLiteral("r-%1").arg(submitCalls.load()), Money::of(*refund, o.currency).value(),
                                 o.paymentMethod};
        }
        return Error::notFound(QStringLiteral("The order no longer exists."));
    }

    Result<ExchangeResult> exchange(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                    const QList<ExchangeItem> &items, const QString &reason)
    {
        ++exchangeCalls;
        QMutexLocker lock(&m_mutex);
        for (auto it = m_orders.begin(); it != m_orders.end(); ++it) {
            ReturnableOrder &o = it.value();
            if (o.orderId != orderId)
                continue;
            const auto value = returns::refundFor(o, lines);
            if (!value)
                return value.error();
            qint64 total = 0;
            QString newOrderId;
            if (shelf) {
                PosSaleRequest sale;
                for (const auto &item : items)
                    sale.lines.append({item.sku, item.size, item.quantity, Money::zero(o.currency)});
                const auto placed = MemoryPosStore(shelf).placeSale(sale);
                if (!placed)
                    return placed.error();
                newOrderId = placed->orderId;
                total = placed->totals.total.minor();
            } else {
                for (const auto &item : items) {
                    if (!prices.contains(item.sku))
                        return Error::notFound(QStringLiteral("No product with SKU %1.").arg(item.sku));
                    total += prices.value(item.sku) * item.quantity;
                }
            }
            const auto split = returns::exchangeSplit(*value, total);
            if (role == StaffRole::Staff && policy.staffLimitMinor && split.refund > *policy.staffLimitMinor)
                return Error::forbidden(returns::staffRefusal(o, split.refund, policy, now()));
            for (const auto &l : lines)
                for (auto &line : o.lines)
                    if (line.itemId == l.itemId)
                        line.returned += l.quantity;
            o.leftToRefundMinor -= *value;
            lastLines = lines;
            lastItems = items;
            lastReason = reason;
            const auto m = [&](qint64 minor) { return Money::of(minor, o.currency).value(); };
            if (shelf)
                shelf->applyCredit(newOrderId, m(split.credit),
                                   o.paymentMethod == QStringLiteral("cash") ? PaymentMethod::Cash : PaymentMethod::Card);
            else
                newOrderId = QStringLiteral("new-order-%1").arg(exchangeCalls.load());
            return ExchangeResult{QStringLiteral("x-%1").arg(exchangeCalls.load()), newOrderId,
                                  m(*value), m(split.credit), m(split.due), m(split.refund), o.paymentMethod};
        }
        return Error::notFound(QStringLiteral("The order no longer exists."));
    }

private:
    QMutex m_mutex;
    QHash<qint64, ReturnableOrder> m_orders;
};

class MemoryReturnStore final : public ReturnStore {
public:
    explicit MemoryReturnStore(std::shared_ptr<ReturnShop> shop) : m_shop(std::move(shop)) {}
    Result<ReturnableOrder> findOrder(qint64 number) override { return m_shop->find(number); }
    Result<ReturnPolicy> policy() override { return m_shop->policy; }
    Result<ReturnReceipt> submitReturn(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                       const QString &reason) override
    {
        return m_shop->submit(orderId, lines, reason);
    }
    Result<ExchangeResult> submitExchange(const QString &orderId, const QList<ReturnLineRequest> &lines,
                                          const QList<ExchangeItem> &items, const QString &reason, int) override
    {
        return m_shop->exchange(orderId, lines, items, reason);
    }

    static std::function<Result<std::unique_ptr<ReturnStore>>()> factory(std::shared_ptr<ReturnShop> shop)
    {
        return [shop]() -> Result<std::unique_ptr<ReturnStore>> { return std::unique_ptr<ReturnStore>(new MemoryReturnStore(shop)); };
    }

private:
    std::shared_ptr<ReturnShop> m_shop;
};

/// A card order RDK-1001 of two lines: Air Runner size 10 x2 at 120.00 and a lace kit at 15.00,
/// a 10.00 order discount, paid two days before `paidAt`'s clock.
inline ReturnableOrder sampleOrder(const QDateTime &paidAt, const QString &method = QStringLiteral("card"))
{
    ReturnableOrder o;
    o.orderId = QStringLiteral("6d1c2f0e-0000-4000-8000-000000001001");
    o.orderNumber = 1001;
    o.status = QStringLiteral("paid");
    o.paymentMethod = method;
    o.totalMinor = 24000 + 1500 - 1000;
    o.leftToRefundMinor = o.totalMinor;
    o.paidAt = paidAt;
    ReturnableLine run;
    run.itemId = 11;
    run.sku = QStringLiteral("DD1391-100");
    run.name = QStringLiteral("Air Runner");
    run.size = QStringLiteral("10");
    run.quantity = 2;
    run.lineTotalMinor = 24000;
    ReturnableLine laces;
    laces.itemId = 12;
    laces.sku = QStringLiteral("LACE-KIT");
    laces.name = QStringLiteral("Lace kit");
    laces.quantity = 1;
    laces.lineTotalMinor = 1500;
    o.lines = {run, laces};
    return o;
}

} // namespace rdk::test

#pragma once

// An in-memory PosStore for the point of sale screen tests. It is a real implementation of the
// PosStore contract (domain/pos.h) with real stock arithmetic: available = on hand minus what
// open (pending) orders hold; placeSale holds all lines or none; cancel releases; a payment turns
// the hold into a sale. It lives with the tests on purpose: the screen is tested against the
// contract here, and the PostgreSQL store (data::PgPos) has its own tests against a database.
// The test plays rdk-sync's part (link ready, link failed, paid) through the Shelf methods and
// announces changes by emitting OrderChangeFeed signals itself.

#include "domain/gtin.h"
#include "domain/pos.h"
#include "domain/sku.h"

#include <QHash>
#include <QMutex>
#include <QMutexLocker>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace rdk::test {

/// The shop's stock and orders, shared by every store the factory hands out (one per worker).
class Shelf final {
public:
    struct Item {
        SellableProduct product;           // sizes[].available is ignored: computed from onHand
        QHash<QString, int> onHand;        // size ("" for flat) -> units on the shelf
    };

    void addProduct(SellableProduct product, const QHash<QString, int> &onHand)
    {
        QMutexLocker lock(&m_mutex);
        const QString sku = product.sku;
        m_items.insert(sku, {std::move(product), onHand});
    }
    /// Puts a box barcode (a normalized GTIN) on a size of a product.
    void addBarcode(const QString &gtin, const QString &sku, const QString &size)
    {
        QMutexLocker lock(&m_mutex);
        m_barcodes.insert(gtinKey(gtin), {sku, size});
    }

    /// The database is unreachable while true: every call answers Unavailable.
    std::atomic<bool> down{false};
    /// Milliseconds every call takes (to test answers that arrive late).
    std::atomic<int> delayMs{0};
    std::function<QDateTime()> now = [] { return QDateTime::currentDateTimeUtc(); };

    std::atomic<int> placeCalls{0};
    std::atomic<int> stateCalls{0};
    std::atomic<int> taxCalls{0};
    std::atomic<int> retryCalls{0};
    std::atomic<int> cancelCalls{0};
    std::atomic<int> cashCalls{0};
    /// The cash drawer a cash sale goes into (tests/pos/ui/memorydrawerstore.h), as the database
    /// does: its refusal ("no open drawer") refuses the sale. Unset: cash is not checked.
    std::function<Status(const QString &orderId, const Money &total)> cashDrawer;

    int available(const QString &sku, const QString &size)
    {
        QMutexLocker lock(&m_mutex);
        return availableLocked(sku, size);
    }
    int onHand(const QString &sku, const QString &size)
    {
        QMutexLocker lock(&m_mutex);
        return m_items.value(sku).onHand.value(size);
    }
    int orderCount()
    {
        QMutexLocker lock(&m_mutex);
        return int(m_orders.size());
    }
    PosOrderState order(const QString &id)
    {
        QMutexLocker lock(&m_mutex);
        return m_orders.value(id);
    }

    // rdk-sync's side of the story.
    void linkReady(const QString &id, const QString &url)
    {
        QMutexLocker lock(&m_mutex);
        PosOrderState &o = m_orders[id];
        o.link.state = PaymentLinkState::Ready;
        o.link.url = url;
        o.link.paymentLinkId = QStringLiteral("plink_") + id.left(8);
        o.link.error.clear();
    }
    void linkFailed(const QString &id, const QString &error)
    {
        QMutexLocker lock(&m_mutex);
        PosOrderState &o = m_orders[id];
        o.link.state = PaymentLinkState::Failed;
        o.link.error = error;
    }
    /// The webhook: the buyer paid by card.
    bool payByCard(const QString &id, const QString &paymentIntent)
    {
        QMutexLocker lock(&m_mutex);
        PosOrderState &o = m_orders[id];
        if (o.status != OrderStatus::Pending)
            return false;
        o.paymentMethod = PaymentMethod::Card;
        o.paymentReference = paymentIntent;
        settleLocked(o);
        return true;
    }

    /// An exchange's return credit on a pending sale (module returns.sql): the buyer pays the
    /// rest; a credit that covers the total pays the sale at once.
    void applyCredit(const QString &id, const Money &credit, PaymentMethod method)
    {
        QMutexLocker lock(&m_mutex);
        PosOrderState &o = m_orders[id];
        o.credit = credit;
        if (o.due().isZero()) {
            o.paymentMethod = method;
            o.link.state = PaymentLinkState::None;
            settleLocked(o);
        }
    }

    // The PosStore operations, under the shelf's lock.
    Result<SellableProduct> findBySku(const QString &raw)
    {
        auto sku = normalizeSku(raw);
        if (!sku)
            return Error::notFound(QStringLiteral("No product with SKU %1.").arg(raw.trimmed()));
        QMutexLocker lock(&m_mutex);
        if (!m_items.contains(*sku))
            return Error::notFound(QStringLiteral("No product with SKU %1.").arg(*sku));
        return sellableLocked(*sku);
    }

    Result<ScannedBox> findByBarcode(const QString &gtin)
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_barcodes.constFind(gtinKey(gtin));
        if (it == m_barcodes.constEnd() || !m_items.contains(it->first))
            return Error::notFound(QStringLiteral("No size carries box barcode %1.").arg(gtin));
        return ScannedBox{sellableLocked(it->first), it->second};
    }

    Result<QList<SellableProduct>> search(const QString &text, int limit)
    {
        QMutexLocker lock(&m_mutex);
        QList<SellableProduct> out;
        for (auto it = m_items.cbegin(); it != m_items.cend() && out.size() < limit; ++it) {
            const SellableProduct &p = it->product;
            for (const QString &field : {p.sku, p.name, p.brand, p.colorway}) {
                if (field.contains(text.trimmed(), Qt::CaseInsensitive)) {
                    out.append(sellableLocked(p.sku));
                    break;
                }
            }
        }
        return out;
    }

    Result<PosOrderState> placeSale(const PosSaleRequest &sale)
    {
        ++placeCalls;
        QMutexLocker lock(&m_mutex);
        QList<OrderLine> lines;
        for (const PosLineRequest &l : sale.lines) {
            if (!m_items.contains(l.sku))
                return Error::notFound(QStringLiteral("No product with SKU %1.").arg(l.sku));
            const Item &item = m_items[l.sku];
            if (!item.onHand.contains(l.size))
                return Error::invalid(QStringLiteral("%1 has no size %2.").arg(l.sku, l.size));
            if (l.quantity > availableLocked(l.sku, l.size))
                return Error::outOfStock(QStringLiteral("Only %1 of %2 left.").arg(availableLocked(l.sku, l.size)).arg(l.sku));
            lines.append({item.product.productId, l.sku, item.product.name, l.size, l.quantity, item.product.price, l.discount});
        }
        const Money zero = Money::zero(lines.value(0).unitPrice.currency());
        auto totals = computeTotals(lines, zero, zero, sale.orderDiscount, zero);
        if (!totals)
            return totals.error();
        // Tax by the shop's rates, with the domain's rule (the database has its own copy).
        const QList<TaxRate> rates = m_tax.activeRates();
        if (!rates.isEmpty()) {
            QList<qint64> nets, ppm;
            for (const OrderLine &l : lines)
                nets.append(l.lineTotal()->minor());
            for (const TaxRate &r : rates)
                ppm.append(r.ppm);
            auto split = splitTax(nets, sale.orderDiscount.minor(), ppm, m_tax.pricesIncludeTax);
            if (!split)
                return split.error();
            const QString currency = zero.currency();
            for (qsizetype i = 0; i < lines.size(); ++i)
                lines[i].tax = *Money::of(split->lineTax.at(i), currency);
            totals = computeTotals(lines, zero, zero, sale.orderDiscount, *Money::of(split->total, currency),
                                   m_tax.pricesIncludeTax);
            if (!totals)
                return totals.error();
            for (qsizetype k = 0; k < rates.size(); ++k)
                totals.value().taxes.append({rates.at(k).name, rates.at(k).ppm, *Money::of(split->rateTax.at(k), currency)});
        }
        if (!totals->discount.isZero() && sale.discountReason.trimmed().isEmpty())
            return Error::invalid(QStringLiteral("A discount needs a reason."));
        PosOrderState o;
        o.orderId = QStringLiteral("00000000-0000-4000-8000-%1").arg(m_nextNumber, 12, 10, QChar(u'0'));
        o.orderNumber = m_nextNumber++;
        o.status = OrderStatus::Pending;
        o.lines = lines;
        o.totals = *totals;
        o.discountReason = sale.discountReason;
        o.createdAt = now();
        o.reservedUntil = o.createdAt.addSecs(qint64(sale.linkMinutes) * 60);
        o.link.state = PaymentLinkState::Requested;
        m_orders.insert(o.orderId, o);  // pending orders hold their lines' stock
        return o;
    }

    /// The shop's tax settings, as an admin would set them.
    void setTaxSettings(const TaxSettings &settings)
    {
        QMutexLocker lock(&m_mutex);
        m_tax = settings;
    }
    Result<TaxSettings> taxSettings()
    {
        ++taxCalls;
        QMutexLocker lock(&m_mutex);
        return m_tax;
    }

    Result<PosOrderState> orderState(const QString &id)
    {
        ++stateCalls;
        QMutexLocker lock(&m_mutex);
        if (!m_orders.contains(id))
            return Error::notFound(QStringLiteral("No such sale."));
        return m_orders.value(id);
    }

    Status retryPaymentLink(const QString &id)
    {
        ++retryCalls;
        QMutexLocker lock(&m_mutex);
        if (!m_orders.contains(id))
            return Error::notFound(QStringLiteral("No such sale."));
        PosOrderState &o = m_orders[id];
        if (o.status != OrderStatus::Pending)
            return Error::conflict(QStringLiteral("The sale is no longer pending."));
        if (o.link.state == PaymentLinkState::Failed) {
            o.link.state = PaymentLinkState::Requested;
            o.link.error.clear();
        }
        return {};
    }

    Status cancelSale(const QString &id, const QString &)
    {
        ++cancelCalls;
        QMutexLocker lock(&m_mutex);
        if (!m_orders.contains(id))
            return Error::notFound(QStringLiteral("No such sale."));
        PosOrderState &o = m_orders[id];
        if (o.status == OrderStatus::Canceled)
            return {};
        if (o.status != OrderStatus::Pending)
            return Error::conflict(QStringLiteral("This sale is already paid."));
        o.status = OrderStatus::Canceled;  // its hold ends with it
        o.link.state = PaymentLinkState::Deactivated;
        return {};
    }

    Result<PosOrderState> recordCashPayment(const QString &id, const Money &tendered)
    {
        ++cashCalls;
        QMutexLocker lock(&m_mutex);
        if (!m_orders.contains(id))
            return Error::notFound(QStringLiteral("No such sale."));
        PosOrderState &o = m_orders[id];
        if (o.status != OrderStatus::Pending)
            return Error::conflict(QStringLiteral("This sale is no longer pending."));
        if (tendered.currency() != o.totals.total.currency() || tendered.minor() < o.totals.total.minor())
            return Error::invalid(QStringLiteral("The cash received is less than the total."));
        if (cashDrawer) {
            const Status drawer = cashDrawer(id, o.totals.total);
            if (!drawer)
                return drawer.error();
        }
        o.paymentMethod = PaymentMethod::Cash;
        o.paymentReference = QStringLiteral("cash");
        o.cashTendered = tendered;
        settleLocked(o);
        return o;
    }

private:
    int availableLocked(const QString &sku, const QString &size) const
    {
        int held = 0;
        for (const PosOrderState &o : m_orders) {
            if (o.status != OrderStatus::Pending)
                continue;
            for (const OrderLine &l : o.lines) {
                if (l.sku == sku && l.size == size)
                    held += l.quantity;
            }
        }
        return qMax(0, m_items.value(sku).onHand.value(size) - held);
    }

    SellableProduct sellableLocked(const QString &sku) const
    {
        SellableProduct p = m_items.value(sku).product;
        for (SellableSize &s : p.sizes)
            s.available = availableLocked(sku, s.size);
        return p;
    }

    /// Paid: the hold becomes a sale (units leave the shelf), the link stops working.
    void settleLocked(PosOrderState &o)
    {
        for (const OrderLine &l : o.lines)
            m_items[l.sku].onHand[l.size] -= l.quantity;
        o.status = OrderStatus::Paid;
        o.paidAt = now();
        o.link.state = o.link.state == PaymentLinkState::None ? PaymentLinkState::None : PaymentLinkState::Deactivated;
    }

    QMutex m_mutex;
    QHash<QString, Item> m_items;
    QHash<QString, std::pair<QString, QString>> m_barcodes;   // GTIN key -> SKU, size
    QHash<QString, PosOrderState> m_orders;
    TaxSettings m_tax;
    qint64 m_nextNumber = 1001;
};

/// One store per worker, all on the same shelf; every call honours `down` and `delayMs`.
class MemoryPosStore final : public PosStore {
public:
    explicit MemoryPosStore(std::shared_ptr<Shelf> shelf) : m_shelf(std::move(shelf)) {}

    Result<SellableProduct> findBySku(const QString &sku) override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->findBySku(sku);
    }
    Result<QList<SellableProduct>> search(const QString &text, int limit) override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->search(text, limit);
    }
    Result<ScannedBox> findByBarcode(const QString &gtin) override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->findByBarcode(gtin);
    }
    Result<PosOrderState> placeSale(const PosSaleRequest &sale) override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->placeSale(sale);
    }
    Result<PosOrderState> orderState(const QString &orderId) override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->orderState(orderId);
    }
    Status retryPaymentLink(const QString &orderId) override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->retryPaymentLink(orderId);
    }
    Status cancelSale(const QString &orderId, const QString &reason) override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->cancelSale(orderId, reason);
    }
    Result<PosOrderState> recordCashPayment(const QString &orderId, const Money &tendered) override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->recordCashPayment(orderId, tendered);
    }

    Result<TaxSettings> taxSettings() override
    {
        if (auto e = gate())
            return *e;
        return m_shelf->taxSettings();
    }

    static std::function<Result<std::unique_ptr<PosStore>>()> factory(std::shared_ptr<Shelf> shelf)
    {
        return [shelf]() -> Result<std::unique_ptr<PosStore>> {
            if (shelf->down)
                return Error::unavailable(QStringLiteral("The database can't be reached."));
            return std::unique_ptr<PosStore>(new MemoryPosStore(shelf));
        };
    }

private:
    std::optional<Error> gate()
    {
        if (const int ms = m_shelf->delayMs; ms > 0)
            QThread::msleep(ms);
        if (m_shelf->down)
            return Error::unavailable(QStringLiteral("The database can't be reached."));
        return std::nullopt;
    }

    std::shared_ptr<Shelf> m_shelf;
};

} // namespace rdk::test

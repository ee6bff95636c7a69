#pragma once

// A PosStore layer over tests/pos/ui's in-memory store that plays the database's release rules
// for one release, DNK-LO-PANDA size 10 (module releases.sql, rdk.release_check_lines): the
// size is marked as a release's, its sale needs the buyer's e-mail, one pair per buyer.

#include "tests/pos/ui/memoryposstore.h"

#include <QMutex>

#include <memory>

namespace rdk::test {

using namespace Qt::Literals::StringLiterals;

/// What the database adds for a release of DNK-LO-PANDA size 10: the size is marked, its sale
/// needs an e-mail, and one pair per buyer.
struct ReleaseRules final {
    QMutex mutex;
    QStringList buyerEmails;      ///< as each placeSale received it
    QHash<QString, int> bought;   ///< pairs per e-mail
};

class ReleaseAwareStore final : public PosStore {
public:
    ReleaseAwareStore(std::unique_ptr<PosStore> inner, std::shared_ptr<ReleaseRules> rules)
        : m_inner(std::move(inner)), m_rules(std::move(rules))
    {
    }
    Result<SellableProduct> findBySku(const QString &sku) override { return mark(m_inner->findBySku(sku)); }
    Result<QList<SellableProduct>> search(const QString &text, int limit) override
    {
        auto found = m_inner->search(text, limit);
        if (!found)
            return found;
        QList<SellableProduct> out;
        for (const SellableProduct &p : *found)
            out.append(*mark(p));
        return out;
    }
    Result<ScannedBox> findByBarcode(const QString &gtin) override { return m_inner->findByBarcode(gtin); }
    Result<PosOrderState> placeSale(const PosSaleRequest &sale) override
    {
        int pairs = 0;
        for (const PosLineRequest &l : sale.lines)
            pairs += l.sku == u"DNK-LO-PANDA"_s && l.size == u"10"_s ? l.quantity : 0;
        QMutexLocker lock(&m_rules->mutex);
        m_rules->buyerEmails.append(sale.buyerEmail);
        if (pairs > 0) {
            if (sale.buyerEmail.isEmpty())
                return Error::invalid(u"Enter the buyer's e-mail address to sell from this release."_s);
            if (m_rules->bought.value(sale.buyerEmail) + pairs > 1)
                return Error::conflict(u"You can buy at most 1 pair of this release."_s);
        }
        auto placed = m_inner->placeSale(sale);
        if (placed && pairs > 0)
            m_rules->bought[sale.buyerEmail] += pairs;
        return placed;
    }
    Result<PosOrderState> orderState(const QString &id) override { return m_inner->orderState(id); }
    Status retryPaymentLink(const QString &id) override { return m_inner->retryPaymentLink(id); }
    Status cancelSale(const QString &id, const QString &reason) override { return m_inner->cancelSale(id, reason); }
    Result<PosOrderState> recordCashPayment(const QString &id, const Money &tendered) override
    {
        return m_inner->recordCashPayment(id, tendered);
    }
    Result<TaxSettings> taxSettings() override { return m_inner->taxSettings(); }

private:
    static Result<SellableProduct> mark(Result<SellableProduct> product)
    {
        if (!product || product->sku != u"DNK-LO-PANDA"_s)
            return product;
        SellableProduct p = *product;
        for (SellableSize &s : p.sizes)
            s.inRelease = s.size == u"10"_s;
        return p;
    }

    std::unique_ptr<PosStore> m_inner;
    std::shared_ptr<ReleaseRules> m_rules;
};

} // namespace rdk::test

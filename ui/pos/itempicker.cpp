#include "ui/pos/itempicker.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kSearchLimit = 20;
using Tone = SaleController::Tone;

} // namespace

ItemPicker::ItemPicker(UiTaskRunner &jobs, PosStoreFactory stores, PosCart &cart, QObject *parent)
    : QObject(parent), m_jobs(jobs), m_stores(std::move(stores)), m_cart(cart)
{
}

void ItemPicker::lookUp(const ScanInput &scan)
{
    ++m_pendingLookups;
    const int generation = m_generation;
    runStoreJob<ScanLookup>(m_jobs, this, m_stores,
                            [scan](PosStore &store) { return lookUpScan(store, scan, kSearchLimit); },
                            [this, generation](const Result<ScanLookup> &result) {
                                --m_pendingLookups;
                                if (generation != m_generation)
                                    return;  // the sale moved on while the lookup ran
                                if (!result) {
                                    Q_EMIT message(tr("Couldn't look that up: %1").arg(result.error().message), Tone::Error);
                                    return;
                                }
                                onLookup(*result);
                            });
}

void ItemPicker::onLookup(const ScanLookup &lookup)
{
    if (lookup.exact && lookup.exactSize) {
        add(*lookup.exact, *lookup.exactSize);   // a box or a label names the size: no picking
        return;
    }
    if (lookup.exact) {
        offer(*lookup.exact);
        return;
    }
    const QString notFound = lookup.notFound.isEmpty() ? tr("No product with SKU %1.").arg(lookup.query) : lookup.notFound;
    if (!lookup.matches.isEmpty()) {
        if (lookup.wasSku)
            Q_EMIT message(notFound, Tone::Warning);
        open(PickList::ofProducts(lookup.matches,
                                  lookup.wasSku ? tr("Did you mean… (↑/↓ then Enter)")
                                                : tr("%n match(es) for “%1” (↑/↓ then Enter)", "", int(lookup.matches.size()))
                                                      .arg(lookup.query)));
        return;
    }
    Q_EMIT message(lookup.wasSku ? notFound : tr("Nothing matches “%1”.").arg(lookup.query), Tone::Warning);
}

void ItemPicker::offer(const SellableProduct &product)
{
    const QList<SellableSize> inStock = PosCart::sizesInStock(product);
    if (inStock.isEmpty()) {
        Q_EMIT message(tr("%1 (%2) is sold out.").arg(productTitle(product), product.sku), Tone::Error);
        return;
    }
    if (isFlat(product) || inStock.size() == 1) {
        add(product, inStock.front().size);
        return;
    }
    open(PickList::ofSizes(product, tr("Size of %1? ↑/↓ then Enter, or type the size and Enter. Esc: never mind.")
                                        .arg(productTitle(product))));
}

void ItemPicker::add(const SellableProduct &product, const QString &size)
{
    auto added = m_cart.add(product, size);
    if (!added) {
        Q_EMIT message(added.error().message, added.error().code == ErrorCode::OutOfStock ? Tone::Error : Tone::Warning);
        return;
    }
    close();
    Q_EMIT lineAdded(int(*added));
    const PosCartLine &line = m_cart.lines()[*added];
    Q_EMIT message(size.isEmpty() ? tr("Added %1 (%2 in the cart).").arg(line.title()).arg(line.quantity)
                                  : tr("Added %1, size %2 (%3 in the cart).").arg(line.title(), size).arg(line.quantity),
                   Tone::Info);
}

void ItemPicker::open(PickList list)
{
    list.highlightFirst();
    m_list = std::move(list);
    Q_EMIT listChanged();
}

void ItemPicker::close()
{
    if (!m_list.isOpen())
        return;
    m_list = {};
    Q_EMIT listChanged();
}

bool ItemPicker::takeEnter(const QString &text)
{
    const QString typed = text.trimmed();
    if (typed.isEmpty()) {
        pickHighlighted();
        return true;
    }
    if (m_list.mode != PickList::Mode::Sizes)
        return false;
    const SellableProduct product = m_list.product;  // adding closes the list
    for (const SellableSize &s : product.sizes) {
        if (s.size == typed) {
            if (s.available <= 0)
                Q_EMIT message(tr("Size %1 of %2 is sold out.").arg(s.size, productTitle(product)), Tone::Error);
            else
                add(product, s.size);
            return true;
        }
    }
    return false;  // not a size of this shoe: a new scan
}

void ItemPicker::moveHighlight(int step)
{
    if (m_list.moveHighlight(step))
        Q_EMIT highlightChanged(m_list.highlighted);
}

void ItemPicker::pick(int row)
{
    if (!m_list.isAvailable(row))
        return;  // sold-out entries are shown, never chosen
    if (m_list.highlighted != row) {
        m_list.highlighted = row;
        Q_EMIT highlightChanged(row);
    }
    pickHighlighted();
}

void ItemPicker::pickHighlighted()
{
    const int row = m_list.highlighted;
    if (!m_list.isAvailable(row)) {
        Q_EMIT message(tr("Nothing in stock to pick here."), Tone::Warning);
        return;
    }
    const PickList list = m_list;  // adding or offering closes it
    if (list.mode == PickList::Mode::Products) {
        close();
        offer(list.products[row]);
    } else {
        add(list.product, list.product.sizes[row].size);
    }
}

} // namespace rdk

#pragma once

#include "domain/poscart.h"
#include "domain/posscan.h"
#include "ui/pos/posstorejobs.h"
#include "ui/pos/salecontroller.h"

#include <QObject>

namespace rdk {

/// Turns a scan into a cart line while the cart is being built: looks the text up in the store
/// (a SKU exactly, else a search; on a worker thread with a store of its own), puts a product
/// with one size in stock straight into the cart, and otherwise keeps a PickList (a search's
/// products, a shoe's sizes) until staff choose. Part of SaleController, which decides when a
/// scan is taken; it never touches a widget.
class ItemPicker final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ItemPicker)

public:
    ItemPicker(UiTaskRunner &jobs, PosStoreFactory stores, PosCart &cart, QObject *parent = nullptr);

    /// Looks `scan` up; the answer opens a list, adds a line or says what was not found.
    void lookUp(const ScanInput &scan);
    /// Enter while the list shows: an empty text takes the highlighted entry, a size of the
    /// listed shoe takes that size. False when `text` is something else (a new scan).
    bool takeEnter(const QString &text);
    void moveHighlight(int step);
    /// An entry as clicked; sold-out entries are ignored.
    void pick(int row);
    void close();
    /// Answers to lookups asked before now are dropped: the sale moved on.
    void forgetLookups() { ++m_generation; }
    bool isLookingUp() const { return m_pendingLookups > 0; }
    const PickList &list() const { return m_list; }

Q_SIGNALS:
    /// The cart got (or merged into) line `row`.
    void lineAdded(int row);
    void listChanged();
    void highlightChanged(int row);
    void message(const QString &text, rdk::SaleController::Tone tone);

private:
    void pickHighlighted();
    void onLookup(const ScanLookup &lookup);
    void offer(const SellableProduct &product);
    void add(const SellableProduct &product, const QString &size);
    void open(PickList list);

    UiTaskRunner &m_jobs;
    PosStoreFactory m_stores;
    PosCart &m_cart;
    PickList m_list;
    int m_pendingLookups = 0;
    int m_generation = 0;
};

} // namespace rdk

#pragma once

// The counter's cart before it becomes a sale: what was scanned, in which size and quantity,
// the discounts staff gave and the totals the buyer will pay. Pure logic (no store, no UI):
// every rule the point of sale screen enforces lives here so it is testable on its own. The
// store re-checks prices, stock and permissions when the sale is placed.

#include "domain/money.h"
#include "domain/order.h"
#include "domain/pos.h"
#include "domain/result.h"
#include "domain/staff.h"
#include "domain/tax.h"

#include <QList>
#include <QString>
#include <QStringView>

namespace rdk {

/// Longest text the scan field accepts; a scanner sends a SKU (at most 40 characters), and
/// anything far longer is a stuck key or pasted junk.
inline constexpr qsizetype MaxScanLength = 64;
/// Longest discount reason (it is stored with the order and audited).
inline constexpr qsizetype MaxDiscountReasonLength = 200;

enum class ScanKind {
    Empty,     ///< nothing but spaces: ignore
    Sku,       ///< looks like a SKU: look it up exactly (text is the normalized SKU)
    Barcode,   ///< a box's UPC-A / EAN-13 (text is the GTIN): exactly one size
    ShopCode,  ///< the shop's own label code "SKU/size" (text is the SKU, size the size)
    Search,    ///< free text: search by SKU, name, brand, colorway (text is trimmed)
    Rejected,  ///< unusable (control characters, too long); message says why
};

struct ScanInput final {
    ScanKind kind = ScanKind::Empty;
    QString text;
    QString message;
    QString size{};   ///< ShopCode only
};

/// Sorts what the scan field received. Spaces around it are ignored. Text with control
/// characters or longer than MaxScanLength is rejected. 12 or 13 digits with a right check
/// digit are a box barcode; "SKU/size" is a shop label. A SKU is what normalizeSku() accepts
/// and contains a digit or a '-' (every shop SKU does: "DNK-LO-PANDA", "AJ1"), so a single
/// word such as "panda" is searched instead.
ScanInput classifyScan(QStringView raw);

enum class DiscountKind { Amount, Percent };

/// A discount as staff entered it: a fixed amount off, or a percentage in basis points
/// (1000 = 10 %). A default-constructed discount is "none".
struct PosDiscount final {
    DiscountKind kind = DiscountKind::Amount;
    Money amount;          ///< Amount: what comes off
    int basisPoints = 0;   ///< Percent: 1 .. 10000

    bool isNone() const { return kind == DiscountKind::Amount ? amount.isZero() : basisPoints == 0; }
    static PosDiscount none() { return {}; }
    static PosDiscount ofAmount(const Money &amount) { return {DiscountKind::Amount, amount, 0}; }
    static PosDiscount ofPercent(int basisPoints) { return {DiscountKind::Percent, Money(), basisPoints}; }
};

/// Reads a percentage as typed: "10", "12.5", "7.25 %" -> basis points. At most two
/// decimals; more than 0 and at most 100.
Result<int> parsePercent(QStringView text);

/// Reads what the discount dialog received: an amount ("5", "12.50") in `currency`, or a
/// percentage. Refuses empty text, garbage, zero and negative values.
Result<PosDiscount> parseDiscount(DiscountKind kind, QStringView text, const QString &currency);

/// What a discount takes off `base` in minor units. A percentage is rounded to the nearest
/// minor unit, halves up (Money::percent: 10 % of $0.05 is $0.01, 12.5 % of $1.99 is $0.25).
/// Refuses an amount in another currency or above `base`.
Result<Money> discountAmount(const PosDiscount &discount, const Money &base);

/// "$5.00" or "10 %" / "12.5 %", for the cart table and the receipt.
QString describeDiscount(const PosDiscount &discount);

/// Only operations staff and administrators give discounts (the database enforces the same
/// rule; this keeps the counter from offering what will be refused). Cash is for every role,
/// into their own open drawer (SaleController::isCashDrawerOpen, migration 0017).
bool mayGiveDiscounts(StaffRole role);

/// Checks a cash amount typed at the counter against the total: a real amount in the sale's
/// currency, not below the total, and not absurd (more than ten times the total plus 100 in
/// major units, e.g. "20000" typed for "200.00"). Returns the tendered amount.
Result<Money> checkCashTendered(QStringView text, const Money &total);
/// tendered - total (callers checked tendered >= total).
Money cashChange(const Money &tendered, const Money &total);

struct PosCartLine final {
    QString productId;
    QString sku;
    QString name;
    QString brand;
    QString colorway;
    QString size;        ///< empty for flat stock
    Money unitPrice;
    int quantity = 1;
    int available = 0;   ///< units the counter may sell, as last read from the store
    PosDiscount discount;
    bool inRelease = false;   ///< a release covers this size (SellableSize::inRelease)

    /// "Dunk Low Retro Panda" (name and colorway).
    QString title() const;
};

/// The cart. Every change either applies completely and leaves the cart valid (its totals
/// compute) or is refused with a sentence for staff and changes nothing.
class PosCart final {
public:
    PosCart(QString currency, StaffRole role);

    const QString &currency() const { return m_currency; }
    StaffRole role() const { return m_role; }
    const QList<PosCartLine> &lines() const { return m_lines; }
    qsizetype size() const { return m_lines.size(); }
    bool isEmpty() const { return m_lines.isEmpty(); }
    /// Units over all lines.
    int unitCount() const;

    /// Sizes of a product that can be sold now (available > 0), in the product's order.
    static QList<SellableSize> sizesInStock(const SellableProduct &product);

    /// Adds `quantity` units of `size` (empty for flat stock). The same SKU and size merges
    /// into its line. Refuses a size the product does not have, a sold-out size, more than
    /// is available, more than MaxLineQuantity and another currency. Returns the line index.
    Result<qsizetype> add(const SellableProduct &product, const QString &size, int quantity = 1);
    /// 1 .. min(available, MaxLineQuantity).
    Status setQuantity(qsizetype index, int quantity);
    Status increment(qsizetype index) { return changeQuantity(index, +1); }
    Status decrement(qsizetype index) { return changeQuantity(index, -1); }
    Status remove(qsizetype index);
    void clear();

    /// ops/admin only; none() clears it (allowed to everyone).
    Status setLineDiscount(qsizetype index, const PosDiscount &discount);
    Status setCartDiscount(const PosDiscount &discount);
    const PosDiscount &cartDiscount() const { return m_cartDiscount; }
    /// The reason for the discounts of this sale (required when there is any).
    Status setDiscountReason(const QString &reason);
    const QString &discountReason() const { return m_reason; }
    bool hasDiscount() const;
    /// A line is of a release's size: the sale needs the buyer's e-mail (issue 15).
    bool needsBuyerEmail() const;

    /// What a line's discount takes off it.
    Result<Money> lineDiscount(qsizetype index) const;
    /// unitPrice * quantity - line discount.
    Result<Money> lineTotal(qsizetype index) const;
    /// What the cart discount takes off (after line discounts).
    Result<Money> cartDiscountAmount() const;
    /// Through computeTotals(), with the tax of the shop's active rates (domain/tax.h: the cart
    /// discount is shared over the lines, then tax per line and rate); totals().taxes has one
    /// entry per active rate. An empty cart totals zero in the cart's currency.
    Result<OrderTotals> totals() const;

    /// The shop's tax rates and whether its prices include tax, as last read from the store.
    /// The database computes the sale's tax again by the same rule and has the last word.
    void setTaxSettings(const TaxSettings &settings) { m_tax = settings; }
    const TaxSettings &taxSettings() const { return m_tax; }

    /// The sale for PosStore::placeSale. Refuses an empty cart, a zero total (nothing to
    /// charge) and a discount without a reason.
    Result<PosSaleRequest> toSaleRequest(int linkMinutes = DefaultPosLinkMinutes) const;

private:
    Status changeQuantity(qsizetype index, int delta);
    Status checkIndex(qsizetype index) const;
    Status checkMayDiscount(const PosDiscount &discount) const;
    /// Applies `next` when its totals compute, else keeps the cart as it is.
    Status commit(const QList<PosCartLine> &lines, const PosDiscount &cartDiscount);
    Result<QList<OrderLine>> orderLines(const QList<PosCartLine> &lines) const;
    Result<OrderTotals> totalsOf(const QList<PosCartLine> &lines, const PosDiscount &cartDiscount) const;

    QString m_currency;
    StaffRole m_role;
    QList<PosCartLine> m_lines;
    PosDiscount m_cartDiscount;
    QString m_reason;
    TaxSettings m_tax;
};

} // namespace rdk

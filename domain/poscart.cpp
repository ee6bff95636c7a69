#include "domain/poscart.h"

#include "domain/gtin.h"
#include "domain/labels.h"
#include "domain/moneyformat.h"
#include "domain/sku.h"

#include <algorithm>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

bool hasControlCharacter(QStringView text)
{
    for (QChar c : text) {
        const auto category = c.category();
        if (category == QChar::Other_Control || category == QChar::Other_Format || c == QChar::LineSeparator
            || c == QChar::ParagraphSeparator)
            return true;
    }
    return false;
}

QString lineLabel(const PosCartLine &line)
{
    return line.size.isEmpty() ? line.title() : u"%1 size %2"_s.arg(line.title(), line.size);
}

QString sizeLabel(const SellableProduct &product, const QString &size)
{
    const QString title = product.colorway.isEmpty() ? product.name : u"%1 %2"_s.arg(product.name, product.colorway);
    return size.isEmpty() ? title : u"%1 size %2"_s.arg(title, size);
}

Status checkQuantity(const PosCartLine &line, int quantity)
{
    if (quantity < 1)
        return Error::invalid(u"Quantity must be at least 1. Use Remove to take the item out."_s);
    if (quantity > MaxLineQuantity)
        return Error::invalid(u"At most %1 of one item per sale."_s.arg(MaxLineQuantity));
    if (quantity > line.available) {
        if (line.available <= 0)
            return Error::outOfStock(u"%1 is sold out."_s.arg(lineLabel(line)));
        return Error::outOfStock(u"Only %1 of %2 in stock."_s.arg(line.available).arg(lineLabel(line)));
    }
    return {};
}

} // namespace

ScanInput classifyScan(QStringView raw)
{
    if (raw.size() > MaxScanLength * 4)
        return {ScanKind::Rejected, {}, u"That scan is too long (at most %1 characters)."_s.arg(MaxScanLength)};
    // Scanners end with Enter, some with Tab or CR/LF too: those are framing, not content.
    const QStringView text = raw.trimmed();
    if (text.isEmpty())
        return {ScanKind::Empty, {}, {}};
    if (text.size() > MaxScanLength)
        return {ScanKind::Rejected, {}, u"That scan is too long (at most %1 characters)."_s.arg(MaxScanLength)};
    if (hasControlCharacter(text))
        return {ScanKind::Rejected, {}, u"That scan contains control characters; scan again or type the SKU."_s};
    if (looksLikeGtin(text)) {
        // A wrong check digit is no box code (a misread, or a numeric SKU): looked up as a SKU.
        if (auto gtin = normalizeGtin(text))
            return {ScanKind::Barcode, *gtin, {}, {}};
    }
    if (const auto label = parseLabelCode(text)) {
        if (auto sku = normalizeSku(label->sku))
            return {ScanKind::ShopCode, *sku, {}, label->size};
    }
    const bool skuShaped = text.contains(u'-') || std::any_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); });
    if (skuShaped) {
        if (auto sku = normalizeSku(text))
            return {ScanKind::Sku, *sku, {}};
    }
    return {ScanKind::Search, text.toString(), {}};
}

Result<int> parsePercent(QStringView raw)
{
    QStringView text = raw.trimmed();
    if (text.endsWith(u'%'))
        text = text.chopped(1).trimmed();
    if (text.isEmpty())
        return Error::invalid(u"Enter a percentage, for example 10 or 12.5."_s, u"discount"_s);
    if (text.size() > 8)
        return Error::invalid(u"A percentage is at most 100."_s, u"discount"_s);
    const qsizetype dot = text.indexOf(u'.');
    const QStringView whole = dot < 0 ? text : text.left(dot);
    const QStringView fraction = dot < 0 ? QStringView() : text.mid(dot + 1);
    const auto allDigits = [](QStringView part) {
        return std::all_of(part.begin(), part.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    };
    if (whole.isEmpty() || !allDigits(whole) || !allDigits(fraction) || (dot >= 0 && fraction.isEmpty()))
        return Error::invalid(u"Enter a percentage, for example 10 or 12.5."_s, u"discount"_s);
    if (fraction.size() > 2)
        return Error::invalid(u"A percentage has at most two decimals."_s, u"discount"_s);
    int basisPoints = whole.toInt() * 100;
    if (fraction.size() == 1)
        basisPoints += fraction.toInt() * 10;
    else if (fraction.size() == 2)
        basisPoints += fraction.toInt();
    if (basisPoints <= 0)
        return Error::invalid(u"A discount must be more than 0 %."_s, u"discount"_s);
    if (basisPoints > 10000)
        return Error::invalid(u"A percentage is at most 100."_s, u"discount"_s);
    return basisPoints;
}

Result<PosDiscount> parseDiscount(DiscountKind kind, QStringView text, const QString &currency)
{
    if (kind == DiscountKind::Percent) {
        auto bp = parsePercent(text);
        if (!bp)
            return bp.error();
        return PosDiscount::ofPercent(*bp);
    }
    auto amount = Money::parse(text, currency);
    if (!amount)
        return Error::invalid(amount.error().message, u"discount"_s);
    if (amount->isNegative() || amount->isZero())
        return Error::invalid(u"A discount must be more than zero."_s, u"discount"_s);
    return PosDiscount::ofAmount(*amount);
}

Result<Money> discountAmount(const PosDiscount &discount, const Money &base)
{
    if (discount.isNone())
        return Money::zero(base.currency());
    if (discount.kind == DiscountKind::Percent) {
        if (discount.basisPoints < 0 || discount.basisPoints > 10000)
            return Error::invalid(u"A percentage is at most 100."_s, u"discount"_s);
        return base.percent(discount.basisPoints);
    }
    if (discount.amount.currency() != base.currency())
        return Error::invalid(u"The discount must be in %1."_s.arg(base.currency()), u"discount"_s);
    if (discount.amount.isNegative())
        return Error::invalid(u"A discount must be more than zero."_s, u"discount"_s);
    if (discount.amount.minor() > base.minor())
        return Error::invalid(u"The discount (%1) is more than the amount it applies to (%2)."_s.arg(
                                  formatMoney(discount.amount), formatMoney(base)),
                              u"discount"_s);
    return discount.amount;
}

QString describeDiscount(const PosDiscount &discount)
{
    if (discount.isNone())
        return {};
    if (discount.kind == DiscountKind::Amount)
        return formatMoney(discount.amount);
    const int whole = discount.basisPoints / 100;
    const int fraction = discount.basisPoints % 100;
    if (fraction == 0)
        return u"%1 %"_s.arg(whole);
    if (fraction % 10 == 0)
        return u"%1.%2 %"_s.arg(whole).arg(fraction / 10);
    return u"%1.%2 %"_s.arg(whole).arg(fraction, 2, 10, QChar(u'0'));
}

bool mayGiveDiscounts(StaffRole role)
{
    return role == StaffRole::Ops || role == StaffRole::Admin;
}



Result<Money> checkCashTendered(QStringView text, const Money &total)
{
    auto tendered = Money::parse(text, total.currency());
    if (!tendered)
        return Error::invalid(u"Enter the cash received, for example 200 or 187.50."_s, u"tendered"_s);
    if (tendered->isNegative())
        return Error::invalid(u"The cash received can't be negative."_s, u"tendered"_s);
    if (tendered->minor() < total.minor())
        return Error::invalid(u"That is less than the total (%1)."_s.arg(formatMoney(total)), u"tendered"_s);
    // Ten times the total plus 100 major units: any real note covers it, a slipped decimal
    // point ("20000" for "200.00") does not.
    qint64 unit = 1;
    for (int i = 0; i < Money::minorDigits(total.currency()); ++i)
        unit *= 10;
    qint64 limit = 0;
    if (__builtin_mul_overflow(total.minor(), qint64(10), &limit) || __builtin_add_overflow(limit, 100 * unit, &limit))
        limit = std::numeric_limits<qint64>::max();
    if (tendered->minor() > limit)
        return Error::invalid(u"%1 is far more than the total (%2). Check the amount."_s.arg(formatMoney(*tendered),
                                                                                              formatMoney(total)),
                              u"tendered"_s);
    return tendered;
}

Money cashChange(const Money &tendered, const Money &total)
{
    auto change = tendered.minus(total);
    return change ? *change : Money::zero(total.currency());
}

QString PosCartLine::title() const
{
    if (colorway.isEmpty() || name.contains(colorway, Qt::CaseInsensitive))
        return name;
    return u"%1 %2"_s.arg(name, colorway);
}

PosCart::PosCart(QString currency, StaffRole role) : m_currency(std::move(currency)), m_role(role) {}

int PosCart::unitCount() const
{
    int units = 0;
    for (const PosCartLine &line : m_lines)
        units += line.quantity;
    return units;
}

QList<SellableSize> PosCart::sizesInStock(const SellableProduct &product)
{
    QList<SellableSize> out;
    for (const SellableSize &size : product.sizes) {
        if (size.available > 0)
            out.append(size);
    }
    return out;
}

Result<qsizetype> PosCart::add(const SellableProduct &product, const QString &size, int quantity)
{
    if (product.price.currency() != m_currency)
        return Error::invalid(u"%1 is priced in %2; this till sells in %3."_s.arg(product.sku, product.price.currency(),
                                                                                 m_currency));
    const SellableSize *stock = nullptr;
    for (const SellableSize &s : product.sizes) {
        if (s.size == size)
            stock = &s;
    }
    if (!stock) {
        if (size.isEmpty())
            return Error::invalid(u"Pick a size of %1."_s.arg(sizeLabel(product, {})));
        return Error::invalid(u"%1 doesn't come in size %2."_s.arg(product.sku, size));
    }
    if (stock->available <= 0)
        return Error::outOfStock(u"%1 is sold out."_s.arg(sizeLabel(product, size)));

    QList<PosCartLine> next = m_lines;
    qsizetype index = -1;
    for (qsizetype i = 0; i < next.size(); ++i) {
        if (next[i].sku == product.sku && next[i].size == size)
            index = i;
    }
    if (index < 0) {
        PosCartLine line;
        line.productId = product.productId;
        line.sku = product.sku;
        line.name = product.name;
        line.brand = product.brand;
        line.colorway = product.colorway;
        line.size = size;
        line.unitPrice = product.price;
        line.quantity = 0;
        next.append(line);
        index = next.size() - 1;
    }
    PosCartLine &line = next[index];
    // The freshest figures win: the price and stock the store just returned.
    line.unitPrice = product.price;
    line.available = stock->available;
    line.inRelease = stock->inRelease;
    const qint64 wanted = qint64(line.quantity) + quantity;
    if (Status ok = checkQuantity(line, int(std::clamp<qint64>(wanted, -1, MaxLineQuantity + 1))); !ok)
        return ok.error();
    line.quantity = int(wanted);
    if (Status ok = commit(next, m_cartDiscount); !ok)
        return ok.error();
    return index;
}

Status PosCart::setQuantity(qsizetype index, int quantity)
{
    if (Status ok = checkIndex(index); !ok)
        return ok;
    QList<PosCartLine> next = m_lines;
    if (Status ok = checkQuantity(next[index], quantity); !ok)
        return ok;
    next[index].quantity = quantity;
    return commit(next, m_cartDiscount);
}

Status PosCart::changeQuantity(qsizetype index, int delta)
{
    if (Status ok = checkIndex(index); !ok)
        return ok;
    return setQuantity(index, m_lines[index].quantity + delta);
}

Status PosCart::remove(qsizetype index)
{
    if (Status ok = checkIndex(index); !ok)
        return ok;
    QList<PosCartLine> next = m_lines;
    next.removeAt(index);
    if (next.isEmpty()) {
        clear();
        return {};
    }
    if (Status ok = commit(next, m_cartDiscount); !ok)
        return Error::invalid(u"Removing this item leaves less than the cart discount: change the discount first."_s);
    return {};
}

void PosCart::clear()
{
    m_lines.clear();
    m_cartDiscount = PosDiscount::none();
    m_reason.clear();
}

Status PosCart::setLineDiscount(qsizetype index, const PosDiscount &discount)
{
    if (Status ok = checkIndex(index); !ok)
        return ok;
    if (Status ok = checkMayDiscount(discount); !ok)
        return ok;
    QList<PosCartLine> next = m_lines;
    next[index].discount = discount;
    return commit(next, m_cartDiscount);
}

Status PosCart::setCartDiscount(const PosDiscount &discount)
{
    if (Status ok = checkMayDiscount(discount); !ok)
        return ok;
    if (m_lines.isEmpty() && !discount.isNone())
        return Error::invalid(u"Add items before giving a discount."_s);
    return commit(m_lines, discount);
}

Status PosCart::setDiscountReason(const QString &reason)
{
    const QString trimmed = reason.trimmed();
    if (trimmed.size() > MaxDiscountReasonLength)
        return Error::invalid(u"Keep the reason under %1 characters."_s.arg(MaxDiscountReasonLength), u"reason"_s);
    if (hasControlCharacter(trimmed))
        return Error::invalid(u"The reason can't contain control characters."_s, u"reason"_s);
    m_reason = trimmed;
    return {};
}

bool PosCart::hasDiscount() const
{
    if (!m_cartDiscount.isNone())
        return true;
    return std::any_of(m_lines.begin(), m_lines.end(), [](const PosCartLine &l) { return !l.discount.isNone(); });
}

Result<Money> PosCart::lineDiscount(qsizetype index) const
{
    if (Status ok = checkIndex(index); !ok)
        return ok.error();
    const PosCartLine &line = m_lines[index];
    auto gross = line.unitPrice.times(line.quantity);
    if (!gross)
        return gross.error();
    return discountAmount(line.discount, *gross);
}

Result<Money> PosCart::lineTotal(qsizetype index) const
{
    if (Status ok = checkIndex(index); !ok)
        return ok.error();
    auto off = lineDiscount(index);
    if (!off)
        return off.error();
    const PosCartLine &line = m_lines[index];
    auto gross = line.unitPrice.times(line.quantity);
    if (!gross)
        return gross.error();
    return gross->minus(*off);
}

Result<Money> PosCart::cartDiscountAmount() const
{
    auto t = totals();
    if (!t)
        return t.error();
    auto lineOff = Money::zero(m_currency);
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        auto off = lineDiscount(i);
        if (!off)
            return off.error();
        auto sum = lineOff.plus(*off);
        if (!sum)
            return sum.error();
        lineOff = *sum;
    }
    return t->discount.minus(lineOff);
}

Result<OrderTotals> PosCart::totals() const
{
    return totalsOf(m_lines, m_cartDiscount);
}

Result<PosSaleRequest> PosCart::toSaleRequest(int linkMinutes) const
{
    if (m_lines.isEmpty())
        return Error::invalid(u"The cart is empty: scan an item first."_s);
    auto t = totals();
    if (!t)
        return t.error();
    if (t->total.isZero())
        return Error::invalid(u"The total is zero: there is nothing to charge."_s);
    if (hasDiscount() && m_reason.isEmpty())
        return Error::invalid(u"Give a reason for the discount."_s, u"reason"_s);
    auto lines = orderLines(m_lines);
    if (!lines)
        return lines.error();
    PosSaleRequest sale;
    for (const OrderLine &line : *lines)
        sale.lines.append({line.sku, line.size, line.quantity, line.discount});
    auto lineOff = Money::zero(m_currency);
    for (const OrderLine &line : *lines)
        lineOff = *lineOff.plus(line.discount);  // cannot overflow: totals() summed them already
    sale.orderDiscount = *t->discount.minus(lineOff);
    sale.discountReason = hasDiscount() ? m_reason : QString();
    sale.linkMinutes = qBound(1, linkMinutes, 24 * 60);
    return sale;
}

Status PosCart::checkIndex(qsizetype index) const
{
    if (index < 0 || index >= m_lines.size())
        return Error::invalid(u"Select an item in the cart first."_s);
    return {};
}

Status PosCart::checkMayDiscount(const PosDiscount &discount) const
{
    if (!discount.isNone() && !mayGiveDiscounts(m_role))
        return Error::forbidden(u"Only operations staff and administrators can give discounts."_s);
    if (discount.kind == DiscountKind::Percent && (discount.basisPoints < 0 || discount.basisPoints > 10000))
        return Error::invalid(u"A percentage is at most 100."_s, u"discount"_s);
    if (discount.kind == DiscountKind::Amount && !discount.isNone()) {
        if (discount.amount.isNegative())
            return Error::invalid(u"A discount must be more than zero."_s, u"discount"_s);
        if (discount.amount.currency() != m_currency)
            return Error::invalid(u"The discount must be in %1."_s.arg(m_currency), u"discount"_s);
    }
    return {};
}

Status PosCart::commit(const QList<PosCartLine> &lines, const PosDiscount &cartDiscount)
{
    auto t = totalsOf(lines, cartDiscount);
    if (!t)
        return t.error();
    m_lines = lines;
    m_cartDiscount = cartDiscount;
    return {};
}

Result<QList<OrderLine>> PosCart::orderLines(const QList<PosCartLine> &lines) const
{
    QList<OrderLine> out;
    for (const PosCartLine &line : lines) {
        OrderLine o;
        o.productId = line.productId;
        o.sku = line.sku;
        o.name = line.name;
        o.size = line.size;
        o.quantity = line.quantity;
        o.unitPrice = line.unitPrice;
        auto gross = line.unitPrice.times(line.quantity);
        if (!gross)
            return gross.error();
        auto off = discountAmount(line.discount, *gross);
        if (!off)
            return Error::invalid(u"%1: %2"_s.arg(lineLabel(line), off.error().message), u"discount"_s);
        o.discount = *off;
        out.append(o);
    }
    return out;
}

Result<OrderTotals> PosCart::totalsOf(const QList<PosCartLine> &lines, const PosDiscount &cartDiscount) const
{
    const Money zero = Money::zero(m_currency);
    if (lines.isEmpty()) {
        OrderTotals empty{zero, zero, zero, zero, zero, zero, m_tax.pricesIncludeTax, {}};
        return empty;
    }
    auto orders = orderLines(lines);
    if (!orders)
        return orders.error();
    // The cart discount applies to what is left after line discounts.
    auto before = computeTotals(*orders, zero, zero, zero, zero);
    if (!before)
        return before.error();
    auto off = discountAmount(cartDiscount, before->total);
    if (!off)
        return Error::invalid(u"Cart discount: %1"_s.arg(off.error().message), u"discount"_s);
    // Tax by the rule of domain/tax.h, on what each line costs after its share of the cart discount.
    const QList<TaxRate> rates = m_tax.activeRates();
    if (rates.isEmpty())
        return computeTotals(*orders, zero, zero, *off, zero, m_tax.pricesIncludeTax);
    QList<qint64> nets;
    for (const OrderLine &line : std::as_const(*orders))
        nets.append(line.lineTotal()->minor());  // computeTotals checked every line above
    QList<qint64> ppm;
    for (const TaxRate &rate : rates)
        ppm.append(rate.ppm);
    auto split = splitTax(nets, off->minor(), ppm, m_tax.pricesIncludeTax);
    if (!split)
        return split.error();
    auto tax = Money::of(split->total, m_currency);
    if (!tax)
        return tax.error();
    auto totals = computeTotals(*orders, zero, zero, *off, *tax, m_tax.pricesIncludeTax);
    if (!totals)
        return totals.error();
    for (qsizetype k = 0; k < rates.size(); ++k)
        totals.value().taxes.append({rates.at(k).name, rates.at(k).ppm, *Money::of(split->rateTax.at(k), m_currency)});
    return totals;
}

bool PosCart::needsBuyerEmail() const
{
    return std::any_of(m_lines.cbegin(), m_lines.cend(), [](const PosCartLine &line) { return line.inRelease; });
}

} // namespace rdk

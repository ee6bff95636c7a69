#include "data/pgpos.h"

#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"
#include "data/pgorderrows.h"
#include "data/pgproductrow.h"
#include "data/pgtaxrows.h"
#include "domain/gtin.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUuid>

#include <algorithm>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

constexpr int kMaxSearchText = 100;
constexpr int kMaxReason = 200;

// What a message may quote of something a person (or a scanner) typed.
QString elide(const QString &s, int max = 40)
{
    return s.size() <= max ? s : s.left(max) + u"…"_s;
}

QString normalizeSku(const QString &sku)
{
    return sku.trimmed().toUpper();
}

bool isSkuShaped(const QString &sku)
{
    static const QRegularExpression pattern(u"^[A-Z0-9][A-Z0-9-]{2,39}$"_s);
    return pattern.match(sku).hasMatch();
}

bool isSizeShaped(const QString &size)
{
    static const QRegularExpression pattern(u"^[0-9]{1,2}(\\.5)?$"_s);
    return pattern.match(size).hasMatch();
}

// A valid order id, or nullopt (malformed ids are "no such order", never a SQL error).
std::optional<std::string> orderIdParam(const QString &orderId)
{
    const QUuid id = QUuid::fromString(orderId.trimmed());
    if (id.isNull() || orderId.size() > 64)
        return std::nullopt;
    return id.toString(QUuid::WithoutBraces).toStdString();
}

Error noSuchOrder()
{
    return Error::notFound(u"The order no longer exists."_s);
}

// ---- products ----------------------------------------------------------------------------

// Whole products plus what the counter sells of each: (size, available) pairs as JSON.
const std::string &sellableQuery()
{
    static const std::string query = std::string("SELECT ") + kProductColumns +
        ", coalesce((SELECT json_agg(json_build_array(coalesce(i.size, ''), greatest(i.quantity - i.reserved, 0))) "
        "                   FROM inventory i WHERE i.product_id = p.id), '[]')::text "
        "  FROM products p ";
    return query;
}

double sizeOrder(const QString &size)
{
    bool ok = false;
    const double v = size.toDouble(&ok);
    return ok ? v : 1e9;
}

SellableProduct sellableFromRow(const pqxx::row &r)
{
    const Product product = productFromRow(r);
    SellableProduct p;
    p.productId = product.id;
    p.sku = product.sku;
    p.name = product.name;
    p.brand = product.brand;
    p.colorway = product.colorway;
    p.price = product.price;
    p.inventoryStrategy = product.inventoryStrategy;
    QHash<QString, int> available;
    QStringList stocked;
    const QJsonArray stock = QJsonDocument::fromJson(text(r[kProductColumnCount]).toUtf8()).array();
    for (const auto &entry : stock) {
        const QJsonArray pair = entry.toArray();
        const QString size = pair.at(0).toString();
        available.insert(size, std::max(0, pair.at(1).toInt()));
        stocked.append(size);
    }
    if (p.inventoryStrategy == InventoryStrategy::Flat) {
        p.sizes.append(SellableSize{QString(), available.value(QString())});
        return p;
    }
    QStringList run = product.sizeRun;
    // Sizes stocked outside the declared run still sell; they follow the run in size order.
    std::sort(stocked.begin(), stocked.end(), [](const QString &a, const QString &b) { return sizeOrder(a) < sizeOrder(b); });
    for (const QString &size : stocked)
        if (!size.isEmpty() && !run.contains(size))
            run.append(size);
    for (const QString &size : run)
        p.sizes.append(SellableSize{size, available.value(size)});
    return p;
}

// ---- sales -------------------------------------------------------------------------------

struct CheckedLine final {
    QString sku;
    QString size;
    int quantity = 1;
    Money discount;
};

// Everything about a sale that can be judged without the database.
Result<QList<CheckedLine>> checkSale(const PosSaleRequest &sale, QString *reason)
{
    if (sale.lines.isEmpty())
        return Error::invalid(u"The cart is empty."_s);
    if (sale.lines.size() > PgPos::MaxLines)
        return Error::invalid(u"A sale can have at most %1 lines."_s.arg(PgPos::MaxLines));
    if (sale.linkMinutes < 1 || sale.linkMinutes > PgPos::MaxLinkMinutes)
        return Error::invalid(u"The payment link must stay open between 1 minute and 24 hours."_s);
    *reason = sale.discountReason.trimmed();
    if (reason->size() > kMaxReason)
        return Error::invalid(u"The discount reason must be at most %1 characters."_s.arg(kMaxReason), u"discountReason"_s);
    bool discounted = !sale.orderDiscount.isZero();
    QList<CheckedLine> lines;
    for (const PosLineRequest &request : sale.lines) {
        CheckedLine line{normalizeSku(request.sku), request.size.trimmed(), request.quantity, request.discount};
        if (!isSkuShaped(line.sku))
            return Error::notFound(u"No product with SKU %1."_s.arg(elide(line.sku)));
        if (!line.size.isEmpty() && !isSizeShaped(line.size))
            return Error::invalid(u"%1 is not a shoe size."_s.arg(elide(line.size, 10)), u"size"_s);
        if (line.quantity < 1 || line.quantity > MaxLineQuantity)
            return Error::invalid(u"A line's quantity must be between 1 and %1."_s.arg(MaxLineQuantity), u"quantity"_s);
        if (line.discount.isNegative())
            return Error::invalid(u"A discount can't be negative."_s, u"discount"_s);
        discounted = discounted || !line.discount.isZero();
        lines.append(line);
    }
    if (sale.orderDiscount.isNegative())
        return Error::invalid(u"A discount can't be negative."_s, u"discount"_s);
    if (discounted && reason->isEmpty())
        return Error::invalid(u"A discount needs a reason."_s, u"discountReason"_s);
    return lines;
}

// The sale as the database's intent: which items, which discounts (never a price or a total).
std::string saleLinesJson(const QList<CheckedLine> &lines)
{
    QJsonArray array;
    for (const CheckedLine &line : lines) {
        QJsonObject object{{u"sku"_s, line.sku}, {u"quantity"_s, line.quantity}};
        if (!line.size.isEmpty())
            object.insert(u"size"_s, line.size);
        if (!line.discount.isZero())
            object.insert(u"discount_minor"_s, line.discount.minor());
        array.append(object);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Compact).toStdString();
}

PaymentLinkState linkStateOf(const QString &state)
{
    if (state == u"done"_s)
        return PaymentLinkState::Ready;
    if (state == u"failed"_s)
        return PaymentLinkState::Failed;
    return PaymentLinkState::Requested;
}

// The order as the counter shows it, read in `tx` (customer data is never read here).
Result<PosOrderState> readState(pqxx::work &tx, const std::string &orderId)
{
    const auto rows = tx.exec_params(
        "SELECT o.id::text, o.order_number, o.status, o.currency, o.subtotal_minor, o.shipping_minor, o.fee_minor, "
        "       o.discount_minor, o.tax_minor, o.total_minor, coalesce(o.discount_reason, ''), "
        "       (extract(epoch from o.created_at) * 1000)::bigint, (extract(epoch from o.reserved_until) * 1000)::bigint, "
        "       coalesce(o.payment_method, ''), coalesce(o.stripe_payment_intent_id, ''), o.cash_tendered_minor, "
        "       (extract(epoch from o.paid_at) * 1000)::bigint, o.needs_review, coalesce(o.review_reason, ''), "
        "       coalesce(o.stripe_payment_link_id, ''), o.credit_minor "
        "  FROM orders o WHERE o.id = $1::uuid",
        orderId);
    if (rows.empty())
        return noSuchOrder();
    const auto &r = rows[0];
    const QString currency = text(r[3]).trimmed();
    PosOrderState s;
    s.orderId = text(r[0]);
    s.orderNumber = r[1].as<qint64>();
    s.status = orderStatusFromString(text(r[2])).value_or(OrderStatus::Pending);
    s.totals = totalsFrom(r, 4, currency);
    s.discountReason = text(r[10]);
    s.createdAt = fromMillis(r[11]);
    s.reservedUntil = fromMillis(r[12]);
    const QString method = text(r[13]);
    s.paymentMethod = method == u"card"_s ? PaymentMethod::Card : method == u"cash"_s ? PaymentMethod::Cash : PaymentMethod::None;
    s.paymentReference = s.paymentMethod == PaymentMethod::Cash ? u"cash"_s : text(r[14]);
    s.cashTendered = moneyOrZero(r[15].is_null() ? 0 : r[15].as<qint64>(), currency);
    s.paidAt = fromMillis(r[16]);
    s.needsReview = r[17].as<bool>();
    s.reviewReason = text(r[18]);
    s.credit = moneyOrZero(r[20].as<qint64>(), currency);

    s.lines = readOrderLines(tx, orderId, currency);
    readOrderTaxes(tx, orderId, currency, s.totals);
    // The customer's name through the customers module, which every staff role may call.
    const auto customer = tx.exec_params("SELECT c.name FROM orders o, rdk.customer_get(o.customer_id) c "
                                         "WHERE o.id = $1::uuid AND o.customer_id IS NOT NULL", orderId);
    s.customerName = customer.empty() ? QString() : text(customer[0][0]);

    // The newest payment-link request says where the link stands; a deactivation request,
    // or an order that is no longer waiting for its money, means the link is spent.
    const auto requests = tx.exec_params(
        "SELECT kind, state, coalesce(result ->> 'url', ''), coalesce(result ->> 'payment_link_id', ''), coalesce(error, '') "
        "  FROM stripe_requests WHERE order_id = $1::uuid AND kind IN ('payment_link', 'deactivate_link') ORDER BY id DESC",
        orderId);
    bool deactivation = false;
    bool seenLink = false;
    for (const auto &q : requests) {
        if (text(q[0]) == u"deactivate_link"_s) {
            deactivation = true;
            continue;
        }
        if (seenLink)
            continue;
        seenLink = true;
        s.link.state = linkStateOf(text(q[1]));
        s.link.url = text(q[2]);
        s.link.paymentLinkId = text(q[3]);
        s.link.error = s.link.state == PaymentLinkState::Failed ? text(q[4]) : QString();
    }
    if (!seenLink && !text(r[19]).isEmpty()) {
        s.link.state = PaymentLinkState::Ready;  // attached by other means (before 0010)
        s.link.paymentLinkId = text(r[19]);
    }
    const bool waiting = s.status == OrderStatus::Pending || s.status == OrderStatus::AwaitingPayment;
    if (s.link.state == PaymentLinkState::Ready && (deactivation || !waiting))
        s.link.state = PaymentLinkState::Deactivated;
    return s;
}

} // namespace

// ---- PgPos --------------------------------------------------------------------------------

Result<SellableProduct> PgPos::findBySku(const QString &sku)
{
    const QString wanted = normalizeSku(sku);
    if (wanted.isEmpty())
        return Error::invalid(u"Scan or type a SKU."_s, u"sku"_s);
    if (!isSkuShaped(wanted))
        return Error::notFound(u"No product with SKU %1."_s.arg(elide(wanted)));
    return m_session->transact([&](pqxx::work &tx) -> Result<SellableProduct> {
        const auto rows = tx.exec_params(sellableQuery() + "WHERE p.sku = $1 AND NOT p.archived", str(wanted));
        if (rows.empty())
            return Error::notFound(u"No product with SKU %1."_s.arg(wanted));
        return sellableFromRow(rows[0]);
    });
}

Result<ScannedBox> PgPos::findByBarcode(const QString &gtin)
{
    const Result<QString> code = normalizeGtin(gtin);
    if (!code)
        return Error::notFound(u"No size carries that barcode."_s);
    return m_session->transact([&](pqxx::work &tx) -> Result<ScannedBox> {
        // gtin_key: the same box read as UPC-A or EAN-13 (migration 0015); row-level security
        // keeps the lookup to this shop's stock, where a key is unique.
        const auto box = tx.exec_params(
            "SELECT p.sku, coalesce(i.size, '') FROM inventory i JOIN products p ON p.id = i.product_id "
            "WHERE i.gtin_key = $1 AND NOT p.archived LIMIT 1",
            str(gtinKey(*code)));
        if (box.empty())
            return Error::notFound(u"No product of this shop carries the box barcode %1."_s.arg(*code));
        const auto rows = tx.exec_params(sellableQuery() + "WHERE p.sku = $1", box[0][0].c_str());
        if (rows.empty())
            return Error::notFound(u"No product of this shop carries the box barcode %1."_s.arg(*code));
        return ScannedBox{sellableFromRow(rows[0]), text(box[0][1])};
    });
}

Result<QList<SellableProduct>> PgPos::search(const QString &text, int limit)
{
    const QString needle = text.trimmed();
    if (needle.size() > kMaxSearchText)
        return Error::invalid(u"Search for at most %1 characters."_s.arg(kMaxSearchText), u"search"_s);
    if (needle.isEmpty())
        return QList<SellableProduct>();
    limit = std::clamp(limit, 1, 100);
    QString escaped = needle.toLower();
    escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<SellableProduct>> {
        // rdk.catalog_search reaches the trigram index under row-level security (0008); it
        // may return archived ids, so it is asked for more than the page.
        const auto rows = tx.exec_params(
            sellableQuery() +
                "WHERE p.id IN (SELECT rdk.catalog_search($1, $2)) AND NOT p.archived "
                "ORDER BY (p.sku = $3) DESC, p.name, p.sku LIMIT $4",
            str(u"%"_s + escaped + u"%"_s), limit * 4 + 20, str(needle.toUpper()), limit);
        QList<SellableProduct> out;
        for (const auto &r : rows)
            out.append(sellableFromRow(r));
        return out;
    });
}

Result<PosOrderState> PgPos::placeSale(const PosSaleRequest &sale)
{
    QString reason;
    auto checked = checkSale(sale, &reason);
    if (!checked)
        return checked.error();
    return m_session->transact(
        [&](pqxx::work &tx) -> Result<PosOrderState> {
            return keepSentences(tx, [&](pqxx::work &tx) -> Result<PosOrderState> {
                // The database prices the lines, checks the discount rules, holds the stock and
                // asks rdk-sync for the payment link (rdk.pos_place_sale, migration 0012).
                const auto placed = tx.exec_params1("SELECT rdk.pos_place_sale($1::jsonb, $2, $3, $4, $5)::text",
                                                    saleLinesJson(*checked), sale.orderDiscount.minor(), orNull(reason),
                                                    sale.linkMinutes, orNull(sale.buyerEmail.trimmed().left(254)));
                return readState(tx, placed[0].as<std::string>());
            });
        },
        reason.isEmpty() ? u"counter sale"_s : reason);
}

Result<PosOrderState> PgPos::orderState(const QString &orderId)
{
    const auto id = orderIdParam(orderId);
    if (!id)
        return noSuchOrder();
    return m_session->transact([&](pqxx::work &tx) { return readState(tx, *id); });
}

Status PgPos::retryPaymentLink(const QString &orderId)
{
    const auto id = orderIdParam(orderId);
    if (!id)
        return noSuchOrder();
    return m_session->transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            tx.exec_params("SELECT rdk.pos_request_payment_link($1::uuid)", *id);
            return {};
        });
    });
}

Status PgPos::cancelSale(const QString &orderId, const QString &reason)
{
    const auto id = orderIdParam(orderId);
    if (!id)
        return noSuchOrder();
    if (reason.trimmed().size() > kMaxReason)
        return Error::invalid(u"The reason must be at most %1 characters."_s.arg(kMaxReason), u"reason"_s);
    return m_session->transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            tx.exec_params("SELECT rdk.cancel_order($1::uuid, $2)", *id, str(reason.trimmed()));
            return {};
        });
    });
}

Result<PosOrderState> PgPos::recordCashPayment(const QString &orderId, const Money &tendered)
{
    const auto id = orderIdParam(orderId);
    if (!id)
        return noSuchOrder();
    if (tendered.isNegative())
        return Error::invalid(u"The cash tendered can't be negative."_s, u"tendered"_s);
    return m_session->transact(
        [&](pqxx::work &tx) -> Result<PosOrderState> {
            return keepSentences(tx, [&](pqxx::work &tx) -> Result<PosOrderState> {
                const auto order = tx.exec_params("SELECT currency FROM orders WHERE id = $1::uuid", *id);
                if (order.empty())
                    return noSuchOrder();
                const QString currency = text(order[0][0]).trimmed();
                if (!tendered.isZero() && tendered.currency() != currency)
                    return Error::invalid(u"Cash for this sale is counted in %1."_s.arg(currency), u"tendered"_s);
                tx.exec_params("SELECT rdk.record_cash_payment($1::uuid, $2)", *id, tendered.minor());
                return readState(tx, *id);
            });
        },
        u"cash payment"_s);
}

Result<TaxSettings> PgPos::taxSettings()
{
    return m_session->transact([](pqxx::work &tx) -> Result<TaxSettings> { return readTaxSettings(tx); },
                               u"tax settings"_s);
}

} // namespace rdk::data

#include "data/pgorderrows.h"
#include "data/pgtaxrows.h"

#include "data/pgsessionpqxx.h"

namespace rdk::data {

Money moneyOrZero(qint64 minor, const QString &currency)
{
    auto m = Money::of(minor, currency);
    return m ? *m : Money::zero(currency);
}

OrderTotals totalsFrom(const pqxx::row &row, int first, const QString &currency)
{
    auto at = [&](int i) { return moneyOrZero(row[first + i].as<qint64>(), currency); };
    return OrderTotals{at(0), at(1), at(2), at(3), at(4), at(5), false, {}};
}

QList<OrderLine> readOrderLines(pqxx::work &tx, const std::string &orderId, const QString &currency)
{
    const auto items = tx.exec_params(
        "SELECT product_id::text, sku, name, coalesce(size, ''), quantity, unit_price_minor, discount_minor, tax_minor "
        "  FROM order_items WHERE order_id = $1::uuid ORDER BY id",
        orderId);
    QList<OrderLine> lines;
    for (const auto &i : items)
        lines.append(OrderLine{text(i[0]), text(i[1]), text(i[2]), text(i[3]), i[4].as<int>(),
                               moneyOrZero(i[5].as<qint64>(), currency), moneyOrZero(i[6].as<qint64>(), currency),
                               moneyOrZero(i[7].as<qint64>(), currency)});
    return lines;
}

void readOrderTaxes(pqxx::work &tx, const std::string &orderId, const QString &currency, OrderTotals &totals)
{
    const auto order = tx.exec_params("SELECT tax_included FROM orders WHERE id = $1::uuid", orderId);
    totals.taxIncluded = !order.empty() && order[0][0].as<bool>();
    totals.taxes.clear();
    const auto rows = tx.exec_params(
        "SELECT name, (rate_percent * 10000)::bigint, tax_minor FROM order_taxes "
        " WHERE order_id = $1::uuid ORDER BY position",
        orderId);
    for (const auto &r : rows)
        totals.taxes.append({text(r[0]), r[1].as<qint64>(), moneyOrZero(r[2].as<qint64>(), currency)});
}

} // namespace rdk::data

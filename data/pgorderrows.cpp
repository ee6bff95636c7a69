#include "data/pgorderrows.h"

#include "data/pgsessionpqxx.h"
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
    return OrderTotals{at(0), at(1), at(2), at(3), at(4), at(5)};
}

QList<OrderLine> readOrderLines(pqxx::work &tx, const std::string &orderId, const QString &currency)
{
    const auto items = tx.exec_params(
        "SELECT product_id::text, sku, name, coalesce(size, ''), quantity, unit_price_minor, discount_minor "
        "  FROM order_items WHERE order_id = $1::uuid ORDER BY id",
        orderId);
    QList<OrderLine> lines;
    for (const auto &i : items)
        lines.append(OrderLine{text(i[0]), text(i[1]), text(i[2]), text(i[3]), i[4].as<int>(),
                               moneyOrZero(i[5].as<qint64>(), currency), moneyOrZero(i[6].as<qint64>(), currency)});
    return lines;
}

} // namespace rdk::data

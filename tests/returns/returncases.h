#pragma once
// Orders and sequences of returns with the refund each return must give, shared by the domain
// test (tst_returns) and the database test (tst_returns_data), so the counter's preview and
// rdk.pos_return are held to the same numbers.

#include <QList>
#include <QString>

namespace rdk::test::returns {

struct CaseLine final {
    int quantity;
    qint64 unitMinor;
    qint64 lineDiscountMinor;
};

struct CaseReturn final {
    int line;       ///< index into lines
    int quantity;
    qint64 refundMinor;  ///< what this return must refund
};

struct ReturnCase final {
    const char *name;
    QList<CaseLine> lines;
    qint64 orderDiscountMinor;  ///< off the whole order, after line discounts
    qint64 taxAddedMinor;       ///< tax on top of the prices (0: none, or included in them)
    qint64 shippingMinor;
    QList<CaseReturn> returns;

    qint64 lineTotal(int i) const { return lines[i].unitMinor * lines[i].quantity - lines[i].lineDiscountMinor; }
    qint64 subtotal() const
    {
        qint64 s = 0;
        for (const auto &l : lines)
            s += l.unitMinor * l.quantity;
        return s;
    }
    qint64 discount() const
    {
        qint64 d = orderDiscountMinor;
        for (const auto &l : lines)
            d += l.lineDiscountMinor;
        return d;
    }
    qint64 total() const { return subtotal() - discount() + taxAddedMinor + shippingMinor; }
};

inline QList<ReturnCase> returnCases()
{
    return {
        {"one pair, no discount", {{1, 12000, 0}}, 0, 0, 0, {{0, 1, 12000}}},
        {"two pairs at an odd total, one by one", {{2, 4999, 0}}, 0, 1, 0, {{0, 1, 4999}, {0, 1, 5000}}},
        {"order discount shared by line totals", {{1, 12000, 0}, {2, 2500, 0}}, 1000, 0, 0,
         {{1, 1, 2353}, {1, 1, 2353}, {0, 1, 11294}}},
        {"tax added, three pairs, last takes the remainder", {{3, 3333, 0}, {1, 1, 0}}, 0, 888, 0,
         {{0, 1, 3628}, {0, 1, 3629}, {0, 1, 3629}, {1, 1, 2}}},
        {"line discount stays on its line", {{2, 12000, 500}, {1, 5000, 0}}, 0, 0, 0,
         {{0, 1, 11750}, {1, 1, 5000}, {0, 1, 11750}}},
        {"shipping is not refunded by a return", {{2, 12000, 0}}, 0, 0, 1500, {{0, 2, 24000}}},
        {"discount and tax together, two returns of a line", {{3, 9999, 1}, {1, 4001, 0}}, 333, 2593, 0,
         {{0, 2, 21326}, {1, 1, 4267}, {0, 1, 10664}}},
    };
}

} // namespace rdk::test::returns

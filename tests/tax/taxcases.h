#pragma once

// One table of tax cases, run through the domain's rule (tst_tax) and through the database's
// (tst_tax_db), so the cart's preview and the charged sale can't drift apart. The expected
// figures were worked out apart from both, with exact fractions.

#include <QList>
#include <QString>

namespace rdk::test {

struct TaxCase {
    QString name;
    QList<qint64> nets;          ///< each line's price x quantity - its own discount (minor units)
    qint64 orderDiscount = 0;    ///< the cart discount
    QList<qint64> ratesPpm;      ///< active rates, parts per million (8.875 % = 88750)
    bool inclusive = false;      ///< prices include tax
    QList<qint64> shares;        ///< expected: each line's share of the cart discount
    QList<qint64> lineRateTax;   ///< expected: per line, per rate, flattened line by line
    qint64 total = 0;            ///< expected: the order's tax
};

inline QList<TaxCase> taxCases()
{
    using namespace Qt::Literals::StringLiterals;
    return {
        {u"half a cent rounds up"_s, {5}, 0, {100000}, false, {0}, {1}, 1},
        {u"just below half rounds down"_s, {4}, 0, {100000}, false, {0}, {0}, 0},
        {u"NY 8.875 %"_s, {11500}, 0, {88750}, false, {0}, {1021}, 1021},
        {u"0 % rate"_s, {1000}, 0, {0}, false, {0}, {0}, 0},
        {u"no rates"_s, {1000}, 0, {}, false, {0}, {}, 0},
        {u"several rates"_s, {1000, 333}, 0, {40000, 45000}, false, {0, 0}, {40, 45, 13, 15}, 113},
        {u"cart discount shared by remainder"_s, {1000, 333, 1}, 100, {88750, 40000}, false, {75, 25, 0}, {82, 37, 27, 12, 0, 0}, 158},
        {u"remainder tie goes to the earlier line"_s, {100, 100, 100}, 100, {100000}, false, {34, 33, 33}, {7, 7, 7}, 21},
        {u"cart discount of everything"_s, {500, 500}, 1000, {100000}, false, {500, 500}, {0, 0}, 0},
        {u"line and cart discount"_s, {9000, 4500}, 1350, {62500}, false, {900, 450}, {506, 253}, 759},
        {u"inclusive 20 %"_s, {1000}, 0, {200000}, true, {0}, {167}, 167},
        {u"inclusive half rounds up"_s, {3}, 0, {1000000}, true, {0}, {2}, 2},
        {u"inclusive two rates"_s, {1000}, 0, {60000, 40000}, true, {0}, {55, 36}, 91},
        {u"inclusive with cart discount"_s, {12000, 3000, 999}, 1999, {190000}, true, {1499, 375, 125}, {1677, 419, 140}, 2236},
        {u"zero-decimal currency (yen)"_s, {1234}, 0, {100000}, false, {0}, {123}, 123},
        {u"large amount"_s, {999999999999}, 0, {88750}, false, {0}, {88750000000}, 88750000000},
        {u"free line"_s, {0, 2500}, 0, {88750}, false, {0, 0}, {0, 222}, 222},
    };
}

} // namespace rdk::test

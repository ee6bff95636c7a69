#include "domain/csv.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

bool isFormulaTrigger(QChar c)
{
    return c == u'=' || c == u'+' || c == u'-' || c == u'@' || c == u'\t' || c == u'\r';
}

// Length of a run of apostrophes followed by a formula trigger, or -1.
qsizetype apostrophesBeforeTrigger(const QString &cell)
{
    qsizetype i = 0;
    while (i < cell.size() && cell[i] == u'\'')
        ++i;
    if (i < cell.size() && isFormulaTrigger(cell[i]))
        return i;
    return -1;
}

} // namespace

QString csvField(const QString &value)
{
    const bool needsQuotes = value.contains(u',') || value.contains(u'"') || value.contains(u'\n')
        || value.contains(u'\r') || (!value.isEmpty() && (value.front().isSpace() || value.back().isSpace()));
    if (!needsQuotes)
        return value;
    QString q = value;
    q.replace(u"\""_s, u"\"\""_s);
    return u'"' + q + u'"';
}

QString neutraliseCsvFormula(const QString &cell)
{
    return apostrophesBeforeTrigger(cell) >= 0 ? u'\'' + cell : cell;
}

QString restoreCsvFormula(const QString &cell)
{
    return apostrophesBeforeTrigger(cell) > 0 ? cell.mid(1) : cell;
}

QString csvCell(const QString &value)
{
    return csvField(neutraliseCsvFormula(value));
}

QString csvLine(const QStringList &cells)
{
    QString line;
    for (qsizetype i = 0; i < cells.size(); ++i) {
        if (i)
            line.append(u',');
        line.append(csvCell(cells[i]));
    }
    return line + u"\r\n"_s;
}

} // namespace rdk

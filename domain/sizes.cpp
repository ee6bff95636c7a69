#include "domain/sizes.h"

#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

// Sizes are handled as counts of half sizes ("10.5" -> 21) so no floating point creeps in.
QString labelForHalves(int halves)
{
    QString label = QString::number(halves / 2);
    if (halves % 2 != 0)
        label += u".5"_s;
    return label;
}

QStringList halfSizeRange(int fromHalves, int toHalves)
{
    QStringList labels;
    for (int halves = fromHalves; halves <= toHalves; ++halves)
        labels.append(labelForHalves(halves));
    return labels;
}

// Parses a label of the stored shape (^[0-9]{1,2}(\.5)?$) into half sizes.
std::optional<int> halvesOf(QStringView label)
{
    const bool half = label.endsWith(u".5");
    const QStringView whole = half ? label.chopped(2) : label;
    if (whole.isEmpty() || whole.size() > 2)
        return std::nullopt;
    int value = 0;
    for (QChar c : whole) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        value = value * 10 + (c.unicode() - u'0');
    }
    return value * 2 + (half ? 1 : 0);
}

Error sizeRunError(QString message)
{
    return Error::invalid(std::move(message), u"sizeRun"_s);
}

// Shows at most a short prefix of a bad label, so a pasted novel doesn't end up in a dialog.
QString quoted(QStringView label)
{
    constexpr qsizetype MaxShown = 12;
    if (label.size() <= MaxShown)
        return u'"' + label.toString() + u'"';
    return u'"' + label.left(MaxShown).toString() + QChar(0x2026) + u'"';
}

} // namespace

QString toString(SizeSystem system)
{
    switch (system) {
    case SizeSystem::Mens: return u"mens"_s;
    case SizeSystem::Womens: return u"womens"_s;
    case SizeSystem::GradeSchool: return u"gs"_s;
    }
    return {};
}

std::optional<SizeSystem> sizeSystemFromString(QStringView text)
{
    for (SizeSystem system : {SizeSystem::Mens, SizeSystem::Womens, SizeSystem::GradeSchool}) {
        if (text == toString(system))
            return system;
    }
    return std::nullopt;
}

QString displayName(SizeSystem system)
{
    switch (system) {
    case SizeSystem::Mens: return u"Men's US"_s;
    case SizeSystem::Womens: return u"Women's US"_s;
    case SizeSystem::GradeSchool: return u"Grade school"_s;
    }
    return {};
}

QStringList sizeRunTemplate(SizeSystem system)
{
    switch (system) {
    case SizeSystem::Mens:
        return halfSizeRange(7, 30) + QStringList{u"16"_s, u"17"_s, u"18"_s};
    case SizeSystem::Womens:
        return halfSizeRange(10, 24);
    case SizeSystem::GradeSchool:
        return halfSizeRange(7, 14);
    }
    return {};
}

Result<QStringList> validateSizeRun(SizeSystem system, const QStringList &sizes)
{
    if (sizes.isEmpty())
        return sizeRunError(u"Pick at least one size"_s);
    const QStringList allowed = sizeRunTemplate(system);
    QSet<QString> seen;
    for (const QString &raw : sizes) {
        const QString size = raw.trimmed();
        if (!allowed.contains(size))
            return sizeRunError(u"Size %1 is not a %2 size"_s.arg(quoted(size), displayName(system)));
        if (seen.contains(size))
            return sizeRunError(u"Size %1 is listed twice"_s.arg(size));
        seen.insert(size);
    }
    QStringList ordered;
    for (const QString &size : allowed) {
        if (seen.contains(size))
            ordered.append(size);
    }
    return ordered;
}

int compareSizes(QStringView a, QStringView b)
{
    const std::optional<int> left = halvesOf(a);
    const std::optional<int> right = halvesOf(b);
    if (left && right)
        return (*left > *right) - (*left < *right);
    if (left.has_value() != right.has_value()) // sizes before anything else
        return left ? -1 : 1;
    const int byText = a.compare(b);
    return (byText > 0) - (byText < 0);
}

} // namespace rdk

#include "domain/condition.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString toString(Condition condition)
{
    switch (condition) {
    case Condition::New: return u"new"_s;
    case Condition::Used: return u"used"_s;
    }
    return {};
}

std::optional<Condition> conditionFromString(QStringView text)
{
    for (Condition condition : {Condition::New, Condition::Used}) {
        if (text == toString(condition))
            return condition;
    }
    return std::nullopt;
}

QString displayName(Condition condition)
{
    switch (condition) {
    case Condition::New: return u"New"_s;
    case Condition::Used: return u"Used"_s;
    }
    return {};
}

QString toString(UsedGrade grade)
{
    switch (grade) {
    case UsedGrade::None: return {};
    case UsedGrade::LikeNew: return u"like_new"_s;
    case UsedGrade::Good: return u"good"_s;
    case UsedGrade::Fair: return u"fair"_s;
    }
    return {};
}

std::optional<UsedGrade> usedGradeFromString(QStringView text)
{
    for (UsedGrade grade : {UsedGrade::None, UsedGrade::LikeNew, UsedGrade::Good, UsedGrade::Fair}) {
        if (text == toString(grade))
            return grade;
    }
    return std::nullopt;
}

QString displayName(UsedGrade grade)
{
    switch (grade) {
    case UsedGrade::None: return {};
    case UsedGrade::LikeNew: return u"Like new"_s;
    case UsedGrade::Good: return u"Good"_s;
    case UsedGrade::Fair: return u"Fair"_s;
    }
    return {};
}

} // namespace rdk

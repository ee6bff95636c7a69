#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace rdk {

enum class Condition { New, Used };

/// How worn a used pair is. None means "not graded" (always the case for new pairs).
enum class UsedGrade { None, LikeNew, Good, Fair };

/// Stored forms: "new", "used".
QString toString(Condition condition);
std::optional<Condition> conditionFromString(QStringView text);
/// "New", "Used".
QString displayName(Condition condition);

/// Stored forms: "like_new", "good", "fair"; None is the empty string (NULL in the database).
QString toString(UsedGrade grade);
/// The empty string gives UsedGrade::None; anything unknown gives nullopt.
std::optional<UsedGrade> usedGradeFromString(QStringView text);
/// "Like new", "Good", "Fair"; None gives an empty string.
QString displayName(UsedGrade grade);

} // namespace rdk

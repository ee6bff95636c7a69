#pragma once

#include "domain/result.h"

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace rdk {

/// The US sizing a product's run is expressed in.
enum class SizeSystem { Mens, Womens, GradeSchool };

/// Stored form: "mens", "womens", "gs".
QString toString(SizeSystem system);
std::optional<SizeSystem> sizeSystemFromString(QStringView text);
/// For people: "Men's US", "Women's US", "Grade school".
QString displayName(SizeSystem system);

/// Every size a system offers, smallest first, labelled the way the database stores them
/// ("10", "10.5"; CHECK ^[0-9]{1,2}(\.5)?$). Men's: 3.5-15 in halves, then 16, 17, 18.
/// Women's: 5-12 in halves. Grade school: 3.5-7 in halves.
QStringList sizeRunTemplate(SizeSystem system);

/// Checks the sizes a product comes in: at least one, each from the system's template
/// (surrounding whitespace ignored), none twice. Returns them in template order.
/// Errors carry field "sizeRun".
Result<QStringList> validateSizeRun(SizeSystem system, const QStringList &sizes);

/// Numeric order of two size labels: negative, zero or positive like strcmp.
/// "9.5" < "10". Labels that are not sizes sort after all sizes, among themselves by text.
int compareSizes(QStringView a, QStringView b);

} // namespace rdk

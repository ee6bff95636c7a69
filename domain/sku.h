#pragma once

#include "domain/result.h"

#include <QString>
#include <QStringView>

namespace rdk {

/// Shortest and longest SKU the database accepts (CHECK ^[A-Z0-9][A-Z0-9-]{2,39}$).
inline constexpr qsizetype MinSkuLength = 3;
inline constexpr qsizetype MaxSkuLength = 40;

/// Turns what staff typed or a barcode scanner sent into the stored SKU form: surrounding
/// whitespace removed, ASCII letters uppercased. The result always satisfies the
/// database CHECK. Only ASCII is accepted, checked before uppercasing, because Unicode
/// case mapping turns lookalikes into valid letters (Turkish 'ı' -> 'I', 'ß' -> "SS").
/// Errors carry field "sku".
Result<QString> normalizeSku(QStringView raw);

} // namespace rdk

#include "sync/requestid.h"

#include <QRandomGenerator>

namespace rdk::sync {

QByteArray requestIdFor(const QByteArray &incoming)
{
    const bool sane = !incoming.isEmpty() && incoming.size() <= 128
        && std::all_of(incoming.begin(), incoming.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (sane)
        return incoming;
    quint64 words[2];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex();
}

} // namespace rdk::sync

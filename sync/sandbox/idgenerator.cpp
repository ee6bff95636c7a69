#include "sync/sandbox/idgenerator.h"

#include <QRandomGenerator>

namespace rdk::sandbox {

QString IdGenerator::make(QStringView prefix, int length)
{
    static constexpr char16_t kAlphabet[] = u"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QString id = prefix.toString();
    id.reserve(prefix.size() + length);
    QRandomGenerator *random = QRandomGenerator::system();
    for (int i = 0; i < length; ++i)
        id.append(QChar(kAlphabet[random->bounded(62)]));
    return id;
}

} // namespace rdk::sandbox

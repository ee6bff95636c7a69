#include "app/admin/backuparchive.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>

#include <array>
#include <cstring>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr qint64 kBlock = 512;
constexpr qint64 kChunk = 1 << 20;
// ustar's size field holds 11 octal digits: 8 GiB - 1. A shop's database with its photos is far
// below; a bigger one needs another format and is refused rather than written wrong.
constexpr qint64 kMaxMemberSize = (qint64(1) << 33) - 1;
const QStringList kMembers = {u"manifest.json"_s, u"settings.env"_s, u"database.dump"_s};

void putOctal(char *field, int width, qint64 value)
{
    // width-1 octal digits, then NUL.
    const QByteArray digits = QByteArray::number(value, 8).rightJustified(width - 1, '0');
    std::memcpy(field, digits.constData(), size_t(width - 1));
    field[width - 1] = '\0';
}

unsigned headerChecksum(const char *header)
{
    unsigned sum = 0;
    for (int i = 0; i < kBlock; ++i)
        sum += (i >= 148 && i < 156) ? unsigned(' ') : static_cast<unsigned char>(header[i]);
    return sum;
}

std::optional<qint64> readOctal(const char *field, int width)
{
    qint64 value = 0;
    int i = 0;
    while (i < width && field[i] == ' ')
        ++i;
    int digits = 0;
    for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i, ++digits)
        value = value * 8 + (field[i] - '0');
    for (; i < width; ++i)
        if (field[i] != '\0' && field[i] != ' ')
            return std::nullopt;
    if (digits == 0)
        return std::nullopt;
    return value;
}

} // namespace

BackupArchiveWriter::BackupArchiveWriter(const QString &path) : m_file(path) {}

Result<void> BackupArchiveWriter::open()
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return Error::invalid(u"can't create %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    return {};
}

Result<void> BackupArchiveWriter::writeHeader(const QString &name, qint64 size)
{
    if (size > kMaxMemberSize)
        return Error::invalid(u"%1 is larger than 8 GiB, which this backup format can't hold"_s.arg(name));
    std::array<char, kBlock> header{};
    const QByteArray n = name.toUtf8();
    std::memcpy(header.data(), n.constData(), size_t(std::min<qsizetype>(n.size(), 99)));
    putOctal(header.data() + 100, 8, 0600);
    putOctal(header.data() + 108, 8, 0);
    putOctal(header.data() + 116, 8, 0);
    putOctal(header.data() + 124, 12, size);
    putOctal(header.data() + 136, 12, QDateTime::currentSecsSinceEpoch());
    header[156] = '0';
    std::memcpy(header.data() + 257, "ustar", 6);
    std::memcpy(header.data() + 263, "00", 2);
    std::memcpy(header.data() + 265, "rdk", 3);
    std::memcpy(header.data() + 297, "rdk", 3);
    const QByteArray sum = QByteArray::number(headerChecksum(header.data()), 8).rightJustified(6, '0');
    std::memcpy(header.data() + 148, sum.constData(), 6);
    header[154] = '\0';
    header[155] = ' ';
    if (m_file.write(header.data(), kBlock) != kBlock)
        return Error::unavailable(u"can't write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    return {};
}

Result<void> BackupArchiveWriter::writePadding(qint64 size)
{
    const qint64 pad = (kBlock - size % kBlock) % kBlock;
    if (pad > 0 && m_file.write(QByteArray(pad, '\0')) != pad)
        return Error::unavailable(u"can't write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    return {};
}

Result<void> BackupArchiveWriter::addBytes(const QString &name, const QByteArray &content)
{
    if (auto ok = writeHeader(name, content.size()); !ok)
        return ok;
    if (m_file.write(content) != content.size())
        return Error::unavailable(u"can't write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    return writePadding(content.size());
}

Result<void> BackupArchiveWriter::addFile(const QString &name, const QString &path)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return Error::unavailable(u"can't read %1: %2"_s.arg(path, in.errorString()));
    const qint64 size = in.size();
    if (auto ok = writeHeader(name, size); !ok)
        return ok;
    qint64 copied = 0;
    while (copied < size) {
        const QByteArray chunk = in.read(std::min(kChunk, size - copied));
        if (chunk.isEmpty())
            return Error::unavailable(u"can't read %1: %2"_s.arg(path, in.errorString()));
        if (m_file.write(chunk) != chunk.size())
            return Error::unavailable(u"can't write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
        copied += chunk.size();
    }
    return writePadding(size);
}

Result<void> BackupArchiveWriter::finish()
{
    if (m_file.write(QByteArray(2 * kBlock, '\0')) != 2 * kBlock || !m_file.flush())
        return Error::unavailable(u"can't write %1: %2"_s.arg(m_file.fileName(), m_file.errorString()));
    if (::fsync(m_file.handle()) != 0)
        return Error::unavailable(u"can't flush %1 to disk"_s.arg(m_file.fileName()));
    m_file.close();
    return {};
}

Result<QList<ExtractedMember>> extractBackupArchive(const QString &archive, const QString &directory)
{
    QFile in(archive);
    if (!in.exists())
        return Error::notFound(u"there is no file %1"_s.arg(archive));
    if (!in.open(QIODevice::ReadOnly))
        return Error::invalid(u"can't read %1: %2"_s.arg(archive, in.errorString()));
    const QString notABackup = u"%1 is not a backup made by rdk-admin backup"_s.arg(archive);
    const QString cut = u"%1 is incomplete (cut short, perhaps by a full disk or an interrupted copy)"_s.arg(archive);
    QList<ExtractedMember> members;
    for (const QString &expected : kMembers) {
        const QByteArray header = in.read(kBlock);
        if (header.size() != kBlock)
            return Error::invalid(members.isEmpty() ? notABackup : cut);
        if (header.count('\0') == kBlock)
            return Error::invalid(u"%1 ends before its %2 (it is incomplete or was changed)"_s.arg(archive, expected));
        const auto recorded = readOctal(header.constData() + 148, 8);
        if (std::memcmp(header.constData() + 257, "ustar", 5) != 0 || !recorded
            || *recorded != headerChecksum(header.constData()))
            return Error::invalid(members.isEmpty() ? notABackup
                                                    : u"%1 is damaged: the entry after %2 is unreadable"_s.arg(archive, members.last().name));
        const QString name = QString::fromUtf8(header.left(100).constData());
        const char type = header.at(156);
        if (name != expected || (type != '0' && type != '\0'))
            return Error::invalid(u"%1 holds '%2' where %3 belongs: it is not a backup of this format"_s.arg(archive, name.left(60), expected));
        const auto size = readOctal(header.constData() + 124, 12);
        if (!size || *size > kMaxMemberSize)
            return Error::invalid(u"%1 is damaged: the size of %2 is unreadable"_s.arg(archive, expected));

        ExtractedMember member{expected, QDir(directory).filePath(expected), *size, {}};
        QFile out(member.path);
        if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return Error::unavailable(u"can't write %1: %2"_s.arg(member.path, out.errorString()));
        QCryptographicHash hash(QCryptographicHash::Sha256);
        qint64 left = *size;
        while (left > 0) {
            const QByteArray chunk = in.read(std::min(kChunk, left));
            if (chunk.isEmpty())
                return Error::invalid(cut);
            hash.addData(chunk);
            if (out.write(chunk) != chunk.size())
                return Error::unavailable(u"can't write %1: %2"_s.arg(member.path, out.errorString()));
            left -= chunk.size();
        }
        const qint64 pad = (kBlock - *size % kBlock) % kBlock;
        if (pad > 0 && in.read(pad).size() != pad)
            return Error::invalid(cut);
        member.sha256 = QString::fromLatin1(hash.result().toHex());
        members.append(member);
    }
    const QByteArray end = in.read(2 * kBlock);
    if (end.size() != 2 * kBlock)
        return Error::invalid(cut);
    // Zero blocks only from here on (tar pads to a record size when it re-packs a file).
    for (QByteArray rest = end; !rest.isEmpty(); rest = in.read(kChunk)) {
        if (rest.count('\0') != rest.size())
            return Error::invalid(u"%1 has more in it than a backup holds (it was changed after it was made)"_s.arg(archive));
    }
    return members;
}

Result<QString> sha256OfFile(const QString &path)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return Error::unavailable(u"can't read %1: %2"_s.arg(path, in.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&in))
        return Error::unavailable(u"can't read %1: %2"_s.arg(path, in.errorString()));
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace rdk

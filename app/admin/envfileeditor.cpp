#include "app/admin/envfileeditor.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

/// The key a line assigns, or an empty string for comments, blanks and anything else.
QString assignedKey(const QString &line)
{
    static const QRegularExpression pattern(u"^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*="_s);
    const auto match = pattern.match(line);
    return match.hasMatch() ? match.captured(1) : QString();
}

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/// A temporary file next to `path` (so rename() stays on one file system), opened for writing.
int makeTemporary(const QString &path, QByteArray &name)
{
    const QFileInfo info(path);
    name = QFile::encodeName(info.absolutePath() + u"/."_s + info.fileName() + u".tmp-XXXXXX"_s);
    return ::mkstemp(name.data());
}

/// The file a path names: a symbolic link's target (replacing the link itself with a regular
/// file would quietly detach it from wherever it pointed).
QString realPath(const QString &path)
{
    const QFileInfo info(path);
    return info.exists() ? info.canonicalFilePath() : info.absoluteFilePath();
}

} // namespace

Result<QByteArray> applyEnvChanges(const QByteArray &content, const QList<EnvChange> &changes)
{
    static const QRegularExpression plainValue(u"^[A-Za-z0-9_./:@+-]*$"_s);
    QStringList lines = QString::fromUtf8(content).split(u'\n');
    const bool endedWithNewline = content.isEmpty() || content.endsWith('\n');
    if (endedWithNewline && !lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    for (const auto &[key, value] : changes) {
        if (value && !plainValue.match(*value).hasMatch())
            return Error::invalid(u"The value for %1 has characters an env file would need quoted."_s.arg(key), key);
        bool placed = false;
        for (qsizetype i = 0; i < lines.size();) {
            if (assignedKey(lines.at(i)) != key) {
                ++i;
                continue;
            }
            if (value && !placed) {
                lines[i] = key + u'=' + *value;
                placed = true;
                ++i;
            } else {
                lines.removeAt(i);
            }
        }
        if (value && !placed)
            lines.append(key + u'=' + *value);
    }
    QByteArray out = lines.join(u'\n').toUtf8();
    if (!lines.isEmpty())
        out += '\n';
    return out;
}

Status checkEnvFileWritable(const QString &givenPath)
{
    const QString path = realPath(givenPath);
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return Error::forbidden(u"%1 is not a regular file, so the webhook secret can't be stored there."_s.arg(path));
    if (!QFileInfo(info.absolutePath()).isDir())
        return Error::forbidden(u"The folder %1 does not exist, so the webhook secret can't be stored in %2."_s
                                    .arg(info.absolutePath(), path));
    QByteArray name;
    const int fd = makeTemporary(path, name);
    if (fd < 0)
        return Error::forbidden(u"%1 can't be written (%2 in its folder): nothing was changed on Stripe. Run as a "
                                "user who may write it (e.g. with sudo)."_s
                                    .arg(path, systemError(errno)));
    ::close(fd);
    ::unlink(name.constData());
    return {};
}

Result<unsigned> writeEnvFileAtomically(const QString &givenPath, const QByteArray &content)
{
    const QString path = realPath(givenPath);
    struct stat old {};
    const QByteArray target = QFile::encodeName(path);
    const bool exists = ::stat(target.constData(), &old) == 0;
    // Secrets: never readable by others, never writable by the group.
    const unsigned mode = exists ? (old.st_mode & 0640u) | 0600u : 0600u;

    QByteArray name;
    const int fd = makeTemporary(path, name);
    if (fd < 0)
        return Error::forbidden(u"%1 can't be written (%2)."_s.arg(path, systemError(errno)));
    const auto fail = [&](const QString &what) {
        const int error = errno;
        ::close(fd);
        ::unlink(name.constData());
        return Error::forbidden(u"%1 could not be written (%2: %3); it was left as it was."_s.arg(path, what,
                                                                                                  systemError(error)));
    };
    if (::fchmod(fd, mode) != 0)
        return fail(u"setting its mode"_s);
    if (exists && (old.st_uid != ::geteuid() || old.st_gid != ::getegid()) && ::fchown(fd, old.st_uid, old.st_gid) != 0)
        return fail(u"keeping its owner and group"_s);
    qsizetype written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.constData() + written, size_t(content.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(u"writing"_s);
        written += n;
    }
    if (::fsync(fd) != 0)
        return fail(u"flushing to disk"_s);
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(name.constData());
        return Error::forbidden(u"%1 could not be written (%2); it was left as it was."_s.arg(path, systemError(error)));
    }
    if (::rename(name.constData(), target.constData()) != 0) {
        const int error = errno;
        ::unlink(name.constData());
        return Error::forbidden(u"%1 could not be replaced (%2); it was left as it was."_s.arg(path, systemError(error)));
    }
    // The rename itself is on disk once the folder is.
    if (const int dir = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), O_RDONLY | O_DIRECTORY);
        dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return mode;
}

} // namespace rdk

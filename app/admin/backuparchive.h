#pragma once

// The backup file of `rdk-admin backup`: a plain POSIX tar (ustar) archive, so an operator can
// look inside with `tar -tvf`, holding exactly three members in this order:
//   manifest.json   what the backup holds, with the SHA-256 of the two others
//   settings.env    the service's settings without secrets
//   database.dump   pg_dump's custom format
// The reader accepts nothing else: unknown names, links, a member cut short or a missing end
// of archive are errors, so a truncated copy is refused before anything is restored.

#include "domain/result.h"

#include <QByteArray>
#include <QFile>
#include <QString>

namespace rdk {

class BackupArchiveWriter final {
public:
    explicit BackupArchiveWriter(const QString &path);
    Result<void> open();
    Result<void> addBytes(const QString &name, const QByteArray &content);
    /// Streams a file in (the dump can be large).
    Result<void> addFile(const QString &name, const QString &path);
    /// Writes the end-of-archive blocks and flushes to disk.
    Result<void> finish();

private:
    Result<void> writeHeader(const QString &name, qint64 size);
    Result<void> writePadding(qint64 size);

    QFile m_file;
};

/// One member as read back: where it was extracted and the SHA-256 (hex) of its bytes.
struct ExtractedMember final {
    QString name;
    QString path;
    qint64 size = 0;
    QString sha256;
};

/// Extracts the three members of a backup file into `directory`, checking the archive's
/// structure. The error says what is wrong with the file in a sentence.
Result<QList<ExtractedMember>> extractBackupArchive(const QString &archive, const QString &directory);

/// SHA-256 (hex) of a file, read in chunks.
Result<QString> sha256OfFile(const QString &path);

} // namespace rdk

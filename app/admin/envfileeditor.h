#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace rdk {

/// One change to an env file: set KEY to a value, or (nullopt) remove every line that sets it.
using EnvChange = QPair<QString, std::optional<QString>>;

/// The file's text with `changes` applied and everything else kept byte for byte: comments,
/// blank lines, other keys, their order. A key that is set replaces its first assignment
/// (`KEY=` or `export KEY=`) in place and drops later ones; a key not yet in the file is
/// appended at the end. Values are written unquoted, so only characters that need no quoting
/// are taken (letters, digits and _ - . / : @ +); anything else is Error::invalid.
Result<QByteArray> applyEnvChanges(const QByteArray &content, const QList<EnvChange> &changes);

/// Whether a file can be written at `path` the way writeEnvFileAtomically does it (a new file
/// in the same folder, renamed over the old one): Error::forbidden with a sentence if not.
Status checkEnvFileWritable(const QString &path);

/// Replaces `path` with `content` atomically: a temporary file in the same folder, written,
/// flushed to disk, then renamed over the old one, so a reader sees the old file or the new
/// one, never half of it. The new file keeps the old one's owner and group and its mode
/// limited to 0640 (0600 for a new file): it holds secrets. Returns the mode written.
Result<unsigned> writeEnvFileAtomically(const QString &path, const QByteArray &content);

} // namespace rdk

#pragma once

#include <QByteArray>

namespace rdk::sync {

/// The request id for a log line: the caller's x-request-id when it is sane (1-128 visible
/// ASCII characters, no spaces), otherwise a fresh random one.
QByteArray requestIdFor(const QByteArray &incoming);

} // namespace rdk::sync

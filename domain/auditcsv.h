#pragma once

#include "domain/auditlog.h"

#include <QString>

namespace rdk {

/// One CSV cell (RFC 4180 quoting) that a spreadsheet opens as text: a value starting with
/// = + - @, a tab or a carriage return gets a leading apostrophe, so "=HYPERLINK(...)"
/// typed into a product name can't run as a formula in the shop owner's spreadsheet.
QString csvCell(const QString &value);

/// The header line of the audit export, with "\r\n".
QString auditCsvHeader();
/// One entry as a CSV line with "\r\n": id, time (ISO 8601 UTC), person, action, entity,
/// record id, reason, changed fields, before (JSON), after (JSON).
QString auditCsvLine(const AuditEntry &entry);

} // namespace rdk

#pragma once

#include "domain/auditlog.h"
#include "domain/csv.h"

#include <QString>

namespace rdk {

/// The header line of the audit export, with "\r\n".
QString auditCsvHeader();
/// One entry as a CSV line with "\r\n": id, time (ISO 8601 UTC), person, action, entity,
/// record id, reason, changed fields, before (JSON), after (JSON).
QString auditCsvLine(const AuditEntry &entry);

} // namespace rdk

#pragma once

#include "domain/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

/// One line of the audit trail (written by database triggers, never changed).
struct AuditEntry {
    qint64 id = 0;
    QDateTime at;          ///< UTC
    qint64 atMicros = 0;   ///< `at` to the microsecond, as the server keeps it (paging key)
    QString actor;         ///< the login that made the change
    QString action;        ///< insert, update, delete, status, password_reset, totp_enrolled...
    QString entity;        ///< product, inventory, profile, order, tenant...
    QString entityId;
    QString recordLabel;   ///< how people name the record ("RDK-1001", "DNK-LO-PANDA · size 10"); may be empty
    QJsonObject before;    ///< changed fields before (empty for inserts)
    QJsonObject after;     ///< changed fields after (empty for deletes)
    QString reason;
};

/// What the audit screen asks for. Empty strings and null dates mean "any". Date range is
/// [from, to) in UTC.
struct AuditFilter {
    QString actor;
    QString entity;
    QString entityId;
    QString action;
    QDateTime from;
    QDateTime to;
};

/// Where the next page starts: strictly older than this row (keyset paging, so page 500 of
/// a large log costs the same as page 1 and rows added meanwhile don't shift pages).
struct AuditCursor {
    qint64 atMicros = 0;
    qint64 id = 0;
};

struct AuditPage {
    QList<AuditEntry> entries;
    std::optional<AuditCursor> next;  ///< nullopt: this was the last page
};

/// Checks and normalises a filter (trimmed text, bounded lengths, from <= to, dates within
/// 1970..9999). Errors name the field ("actor", "entity", "entityId", "action", "from", "to").
Result<AuditFilter> validateAuditFilter(AuditFilter filter);

/// The names whose values differ between before and after (union of both key sets, sorted).
QStringList changedAuditFields(const AuditEntry &entry);

/// A JSON value as a person reads it in a table cell ("12", "true", "Air Max", "—" for
/// missing, compact JSON for arrays and objects).
QString auditValueText(const QJsonObject &object, const QString &key);

/// A field as people say it: "price" for price_minor, "tracking number" for tracking_number.
QString auditFieldName(const QString &key);

/// A value as people read it: amounts (fields ending in _minor) as money in the entry's
/// currency (its "currency" field, else `shopCurrency`), otherwise as auditValueText().
QString auditDisplayValue(const AuditEntry &entry, const QJsonObject &side, const QString &key,
                          const QString &shopCurrency);

/// One line for the log's list: "price $115.00 → $120.00; status paid → refunded" for a
/// change, "created: name Dunk Low, price $115.00, …" for a new record, "deleted" for a gone one.
/// Context fields that name the record rather than change it (currency, order number, …) are
/// left out.
QString auditChangeSummary(const AuditEntry &entry, const QString &shopCurrency);

/// Entities and actions the triggers write, for filter pickers. Free text is allowed too.
QStringList knownAuditEntities();
QStringList knownAuditActions();

/// Largest page a caller may ask for.
inline constexpr int MaxAuditPageSize = 1000;

/// Read access to the audit log; admins of the shop only (the database enforces it).
class AuditLog {
public:
    virtual ~AuditLog() = default;
    /// Newest first; `after` continues from a previous page's `next`.
    virtual Result<AuditPage> page(const AuditFilter &filter, const std::optional<AuditCursor> &after, int limit) = 0;
};

/// Opens the audit log on a database session of its own, on the thread that will use it.
using AuditLogFactory = std::function<Result<std::unique_ptr<AuditLog>>()>;

} // namespace rdk

#include "domain/auditcsv.h"

#include <QJsonDocument>
#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QString json(const QJsonObject &object)
{
    return object.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

QString auditCsvHeader()
{
    return u"id,time_utc,person,action,entity,record_id,reason,changed_fields,before,after\r\n"_s;
}

QString auditCsvLine(const AuditEntry &entry)
{
    const QStringList cells = {
        QString::number(entry.id),
        entry.at.toUTC().toString(Qt::ISODateWithMs),
        csvCell(entry.actor),
        csvCell(entry.action),
        csvCell(entry.entity),
        csvCell(entry.entityId),
        csvCell(entry.reason),
        csvCell(changedAuditFields(entry).join(u' ')),
        csvCell(json(entry.before)),
        csvCell(json(entry.after)),
    };
    return cells.join(u',') + u"\r\n"_s;
}

} // namespace rdk

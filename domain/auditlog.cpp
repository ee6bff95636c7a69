#include "domain/auditlog.h"

#include "domain/money.h"
#include "domain/moneyformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int MaxNameLength = 63;       // PostgreSQL identifiers (logins) and our entity/action words
constexpr int MaxEntityIdLength = 200;

Result<QString> checkedText(const QString &raw, int maxLength, const QString &field, const QString &label)
{
    const QString text = raw.trimmed();
    if (text.size() > maxLength)
        return Error::invalid(u"The %1 filter can have at most %2 characters."_s.arg(label).arg(maxLength), field);
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return Error::invalid(u"The %1 filter can't contain control characters."_s.arg(label), field);
    }
    return text;
}

Result<QDateTime> checkedDate(const QDateTime &raw, const QString &field, const QString &label)
{
    if (raw.isNull())
        return QDateTime();
    if (!raw.isValid())
        return Error::invalid(u"The %1 date is not a valid date."_s.arg(label), field);
    static const QDateTime earliest(QDate(1970, 1, 1), QTime(0, 0), Qt::UTC);
    static const QDateTime latest(QDate(9999, 12, 31), QTime(23, 59, 59), Qt::UTC);
    const QDateTime utc = raw.toUTC();
    if (utc < earliest || utc > latest)
        return Error::invalid(u"The %1 date must be between 1970 and 9999."_s.arg(label), field);
    return utc;
}

} // namespace

Result<AuditFilter> validateAuditFilter(AuditFilter filter)
{
    auto actor = checkedText(filter.actor, MaxNameLength, u"actor"_s, u"person"_s);
    if (!actor)
        return actor.error();
    auto entity = checkedText(filter.entity, MaxNameLength, u"entity"_s, u"entity"_s);
    if (!entity)
        return entity.error();
    auto entityId = checkedText(filter.entityId, MaxEntityIdLength, u"entityId"_s, u"record id"_s);
    if (!entityId)
        return entityId.error();
    auto action = checkedText(filter.action, MaxNameLength, u"action"_s, u"action"_s);
    if (!action)
        return action.error();
    auto from = checkedDate(filter.from, u"from"_s, u"start"_s);
    if (!from)
        return from.error();
    auto to = checkedDate(filter.to, u"to"_s, u"end"_s);
    if (!to)
        return to.error();
    if (!from->isNull() && !to->isNull() && *from > *to)
        return Error::invalid(u"The start date must not be after the end date."_s, u"from"_s);
    return AuditFilter{*actor, entity->toLower(), *entityId, action->toLower(), *from, *to};
}

QStringList changedAuditFields(const AuditEntry &entry)
{
    QSet<QString> keys;
    for (auto it = entry.before.constBegin(); it != entry.before.constEnd(); ++it)
        keys.insert(it.key());
    for (auto it = entry.after.constBegin(); it != entry.after.constEnd(); ++it)
        keys.insert(it.key());
    QStringList changed;
    for (const QString &key : std::as_const(keys)) {
        if (entry.before.value(key) != entry.after.value(key))
            changed.append(key);
    }
    std::sort(changed.begin(), changed.end());
    return changed;
}

QString auditFieldName(const QString &key)
{
    QString name = key;
    if (name.endsWith(u"_minor"_s))
        name.chop(6);
    if (name == u"db_role"_s)
        return u"login"_s;
    return name.replace(u'_', u' ');
}

QString auditDisplayValue(const AuditEntry &entry, const QJsonObject &side, const QString &key, const QString &shopCurrency)
{
    const QJsonValue value = side.value(key);
    if (key.endsWith(u"_minor"_s) && value.isDouble()) {
        QString currency = entry.after.value(u"currency"_s).toString();
        if (currency.isEmpty())
            currency = entry.before.value(u"currency"_s).toString();
        if (currency.isEmpty())
            currency = shopCurrency;
        if (auto money = Money::of(static_cast<qint64>(value.toDouble()), currency))
            return formatMoney(*money);
    }
    return auditValueText(side, key);
}

QString auditChangeSummary(const AuditEntry &entry, const QString &shopCurrency)
{
    // Fields that say which record or in what unit, not what changed.
    static const QSet<QString> context = {u"currency"_s, u"order_number"_s, u"channel"_s, u"product_id"_s,
                                          u"order_id"_s, u"tenant_id"_s};
    QStringList fields;
    for (const QString &key : changedAuditFields(entry)) {
        if (!context.contains(key))
            fields.append(key);
    }
    if (entry.after.isEmpty() && !entry.before.isEmpty())
        return u"deleted"_s;
    QStringList parts;
    if (entry.before.isEmpty()) {
        for (const QString &key : std::as_const(fields)) {
            if (!entry.after.value(key).isNull())   // a field left empty says nothing about the new record
                parts.append(auditFieldName(key) + u' ' + auditDisplayValue(entry, entry.after, key, shopCurrency));
        }
        return parts.isEmpty() ? QString() : u"created: "_s + parts.join(u", "_s);
    }
    for (const QString &key : std::as_const(fields)) {
        parts.append(u"%1 %2 \u2192 %3"_s.arg(auditFieldName(key), auditDisplayValue(entry, entry.before, key, shopCurrency),
                                             auditDisplayValue(entry, entry.after, key, shopCurrency)));
    }
    return parts.join(u"; "_s);
}

QString auditValueText(const QJsonObject &object, const QString &key)
{
    const auto it = object.constFind(key);
    if (it == object.constEnd() || it->isUndefined())
        return u"\u2014"_s;
    switch (it->type()) {
    case QJsonValue::Null:
        return u"(empty)"_s;
    case QJsonValue::Bool:
        return it->toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double: {
        const double d = it->toDouble();
        const qint64 whole = static_cast<qint64>(d);
        return double(whole) == d ? QString::number(whole) : QString::number(d, 'g', 15);
    }
    case QJsonValue::String:
        return it->toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(it->toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(it->toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined:
        break;
    }
    return u"\u2014"_s;
}

QStringList knownAuditEntities()
{
    return {u"product"_s, u"inventory"_s, u"profile"_s, u"order"_s, u"tenant"_s, u"tax_rates"_s, u"drawer"_s, u"customer"_s};
}

QStringList knownAuditActions()
{
    return {u"insert"_s,         u"update"_s,          u"delete"_s,           u"status"_s,          u"review"_s,
            u"password_reset"_s, u"totp_enrolled"_s,   u"drawer_open"_s,      u"drawer_paid_in"_s,  u"drawer_paid_out"_s,
            u"drawer_x_report"_s, u"drawer_close"_s,   u"marketing_consent"_s, u"attach_customer"_s};
}

} // namespace rdk

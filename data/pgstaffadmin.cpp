#include "data/pgstaffadmin.h"

#include "data/pgsessionpqxx.h"
#include "domain/scram.h"

#include <QJsonDocument>

#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

// The staff functions raise sentences written for the admin ("The login x is already
// taken.", "Enter your two-factor code before managing staff accounts."); keep them rather
// than the generic wording of translatePgError. Grant and policy refusals are PostgreSQL's
// own wording and get ours.
std::optional<Error> staffFunctionError(const pqxx::sql_error &e)
{
    QString message = QString::fromUtf8(e.what()).section(u'\n', 0, 0);
    message.remove(u"ERROR:"_s);
    message = message.trimmed();
    const std::string state = sqlState(e);
    if (state == "42501") {
        if (message.startsWith(u"permission denied"_s) || message.contains(u"row-level security"_s))
            return Error::forbidden(u"Only an admin can manage staff accounts."_s);
        return Error::forbidden(message);
    }
    if (state == "22023")
        return Error::invalid(message);
    if (state == "42710")
        return Error::conflict(message);
    if (state == "P0002")
        return Error::notFound(message);
    if (state == "P0001")
        return Error::conflict(message);
    return std::nullopt;
}

template <typename Work>
auto runStaffWork(PgSession &session, Work &&work) -> std::invoke_result_t<Work, pqxx::work &>
{
    using R = std::invoke_result_t<Work, pqxx::work &>;
    return session.transact([&](pqxx::work &tx) -> R {
        try {
            return work(tx);
        } catch (const pqxx::sql_error &e) {
            if (auto error = staffFunctionError(e))
                return R(*error);
            throw;  // PgSession::transact translates the rest
        }
    });
}

Result<QString> checkedLogin(const QString &login)
{
    // The same shape rules as for new accounts, so hostile text never reaches the server.
    return validateLoginName(login);
}

StaffMember memberFrom(const pqxx::row &r)
{
    return StaffMember{text(r[0]), text(r[1]), text(r[2]), text(r[3]),
                       staffRoleFromString(text(r[4])).value_or(StaffRole::Staff), r[5].as<bool>(), r[6].as<bool>()};
}

} // namespace

Result<QList<StaffMember>> PgStaffAdministration::listStaff()
{
    return runStaffWork(m_session, [&](pqxx::work &tx) -> Result<QList<StaffMember>> {
        QList<StaffMember> staff;
        const auto rows = tx.exec(
            "SELECT id::text, tenant_id::text, db_role, display_name, role, active, twofa_enabled "
            "FROM public.profiles WHERE tenant_id = rdk.current_tenant() ORDER BY lower(display_name), db_role");
        for (const auto &r : rows)
            staff.append(memberFrom(r));
        return staff;
    });
}

Result<StaffMember> PgStaffAdministration::createStaff(const NewStaffAccount &raw)
{
    auto account = validateNewStaffAccount(raw);
    if (!account)
        return account.error();
    const QString verifier = scramSha256Verifier(account->password);
    return runStaffWork(m_session, [&](pqxx::work &tx) -> Result<StaffMember> {
        tx.exec_params("SELECT rdk.create_staff($1, $2, NULL, $3, $4)", str(account->login), str(verifier),
                       str(toString(account->role)), str(account->displayName));
        const auto r = tx.exec_params1(
            "SELECT id::text, tenant_id::text, db_role, display_name, role, active, twofa_enabled "
            "FROM public.profiles WHERE db_role = $1",
            str(account->login));
        return memberFrom(r);
    });
}

Status PgStaffAdministration::changeRole(const QString &login, StaffRole role)
{
    auto name = checkedLogin(login);
    if (!name)
        return name.error();
    return runStaffWork(m_session, [&](pqxx::work &tx) -> Status {
        tx.exec_params("SELECT rdk.set_staff_role($1, $2)", str(*name), str(toString(role)));
        return {};
    });
}

Status PgStaffAdministration::resetPassword(const QString &login, const QString &newPassword)
{
    auto name = checkedLogin(login);
    if (!name)
        return name.error();
    if (auto ok = validatePassword(newPassword, *name); !ok)
        return ok.error();
    const QString verifier = scramSha256Verifier(newPassword);
    return runStaffWork(m_session, [&](pqxx::work &tx) -> Status {
        tx.exec_params("SELECT rdk.set_staff_password($1, $2)", str(*name), str(verifier));
        return {};
    });
}

Status PgStaffAdministration::disable(const QString &login)
{
    auto name = checkedLogin(login);
    if (!name)
        return name.error();
    return runStaffWork(m_session, [&](pqxx::work &tx) -> Status {
        tx.exec_params("SELECT rdk.disable_staff($1)", str(*name));
        return {};
    });
}

Status PgStaffAdministration::enable(const QString &login)
{
    auto name = checkedLogin(login);
    if (!name)
        return name.error();
    return runStaffWork(m_session, [&](pqxx::work &tx) -> Status {
        tx.exec_params("SELECT rdk.enable_staff($1)", str(*name));
        return {};
    });
}

Result<TotpEnrolment> PgStaffAdministration::beginTotpEnrolment(const QString &login)
{
    auto name = checkedLogin(login);
    if (!name)
        return name.error();
    return runStaffWork(m_session, [&](pqxx::work &tx) -> Result<TotpEnrolment> {
        const auto r = tx.exec_params1("SELECT rdk.admin_begin_totp_enrolment($1)", str(*name));
        return makeTotpEnrolment(*name, text(r[0]));
    });
}

Status PgStaffAdministration::confirmTotpEnrolment(const QString &login, const QString &typedCode)
{
    auto name = checkedLogin(login);
    if (!name)
        return name.error();
    auto code = normaliseTotpCode(typedCode);
    if (!code)
        return code.error();
    // A wrong code must still be counted by the server's throttle: that counter lives in a
    // sequence, so it survives the rollback that follows the error returned here.
    return runStaffWork(m_session, [&](pqxx::work &tx) -> Status {
        const auto r = tx.exec_params1("SELECT rdk.admin_confirm_totp_enrolment($1, $2)", str(*name), str(*code));
        if (!r[0].as<bool>())
            return Error::invalid(u"That code is not right. Check the time on the phone and enter the code shown now."_s,
                                  u"code"_s);
        return {};
    });
}

// ---------------------------------------------------------------------------------------

namespace {

QJsonObject jsonObject(const pqxx::field &f)
{
    if (f.is_null())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromStdString(f.as<std::string>())).object();
}

std::optional<std::string> optionalText(const QString &s)
{
    return s.isEmpty() ? std::nullopt : std::optional<std::string>(str(s));
}

std::optional<std::string> optionalTime(const QDateTime &t)
{
    return t.isNull() ? std::nullopt : std::optional<std::string>(str(t.toUTC().toString(Qt::ISODateWithMs)));
}

} // namespace

namespace {
/// What a uuid looks like as text: only such entity ids are cast (casting anything else fails).
constexpr const char *kUuidText = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
} // namespace

Result<AuditPage> PgAuditLog::page(const AuditFilter &raw, const std::optional<AuditCursor> &after, int limit)
{
    auto filter = validateAuditFilter(raw);
    if (!filter)
        return filter.error();
    if (limit < 1 || limit > MaxAuditPageSize)
        return Error::invalid(u"A page holds 1 to %1 audit entries."_s.arg(MaxAuditPageSize));
    // Every filter is a parameter; an unset one is NULL, which the planner folds away for
    // this one-off (unnamed) statement, so each query uses the index that fits it.
    return m_session.transact([&](pqxx::work &tx) -> Result<AuditPage> {
        // The audit_log policy's role check is costed as a 0.5% filter, so the planner expects
        // a few dozen rows, reads every match through a bitmap and sorts them (100 ms for one
        // person with 10,000 entries). Walking the (tenant, [actor|entity,] at, id) index in
        // order stops after one page instead (1 ms). Measured in tests/staff/bench_auditpaging.
        tx.exec("SET LOCAL enable_bitmapscan = off");
        // The page first, then a name for each of its records the way people say it (order
        // number, SKU and size, the staff member), looked up by primary key; a record deleted
        // since falls back to what its entry kept.
        const auto rows = tx.exec_params(
            "WITH page AS ("
            "  SELECT id, at, actor, action, entity, entity_id, before, after, reason "
            "    FROM public.audit_log "
            "   WHERE tenant_id = rdk.current_tenant() "
            "     AND ($1::text IS NULL OR actor = $1::name) "
            "     AND ($2::text IS NULL OR entity = $2) "
            "     AND ($3::text IS NULL OR entity_id = $3) "
            "     AND ($4::text IS NULL OR action = $4) "
            "     AND ($5::timestamptz IS NULL OR at >= $5::timestamptz) "
            "     AND ($6::timestamptz IS NULL OR at < $6::timestamptz) "
            "     AND ($7::bigint IS NULL OR (at, id) < ('epoch'::timestamptz + $7::bigint * interval '1 microsecond', $8::bigint)) "
            "   ORDER BY at DESC, id DESC "
            "   LIMIT $9) "
            "SELECT p.id, (extract(epoch FROM p.at) * 1000000)::bigint, p.actor, p.action, p.entity, p.entity_id, "
            "       p.before::text, p.after::text, p.reason, "
            "       CASE p.entity "
            "         WHEN 'order' THEN 'RDK-' || coalesce((SELECT o.order_number::text FROM public.orders o "
            "                                                 WHERE o.id = CASE WHEN p.entity_id ~ $10 THEN p.entity_id::uuid END), "
            "                                                coalesce(p.after, p.before) ->> 'order_number') "
            "         WHEN 'product' THEN coalesce((SELECT pr.sku FROM public.products pr "
            "                                        WHERE pr.id = CASE WHEN p.entity_id ~ $10 THEN p.entity_id::uuid END), "
            "                                       coalesce(p.before, p.after) ->> 'sku') "
            "         WHEN 'inventory' THEN (SELECT pr.sku || CASE WHEN i.size IS NULL THEN '' ELSE ' · size ' || i.size END "
            "                                  FROM public.inventory i JOIN public.products pr ON pr.id = i.product_id "
            "                                 WHERE i.id = CASE WHEN p.entity_id ~ '^[0-9]{1,18}$' THEN p.entity_id::bigint END) "
            "         WHEN 'profile' THEN coalesce((SELECT pf.display_name || ' (' || pf.db_role || ')' FROM public.profiles pf "
            "                                        WHERE pf.id = CASE WHEN p.entity_id ~ $10 THEN p.entity_id::uuid END), "
            "                                       coalesce(p.after, p.before) ->> 'db_role') "
            "         WHEN 'tenant' THEN (SELECT t.name FROM public.tenants t "
            "                              WHERE t.id = CASE WHEN p.entity_id ~ $10 THEN p.entity_id::uuid END) "
            "       END "
            "  FROM page p "
            " ORDER BY p.at DESC, p.id DESC",
            optionalText(filter->actor), optionalText(filter->entity), optionalText(filter->entityId),
            optionalText(filter->action), optionalTime(filter->from), optionalTime(filter->to),
            after ? std::optional<long long>(after->atMicros) : std::nullopt,
            after ? std::optional<long long>(after->id) : std::nullopt, limit + 1, std::string(kUuidText));
        AuditPage page;
        for (const auto &r : rows) {
            if (page.entries.size() == limit) {
                const AuditEntry &last = page.entries.constLast();
                page.next = AuditCursor{last.atMicros, last.id};
                break;
            }
            AuditEntry e;
            e.id = r[0].as<long long>();
            e.atMicros = r[1].as<long long>();
            e.at = QDateTime::fromMSecsSinceEpoch(e.atMicros / 1000, Qt::UTC);
            e.actor = text(r[2]);
            e.action = text(r[3]);
            e.entity = text(r[4]);
            e.entityId = text(r[5]);
            e.before = jsonObject(r[6]);
            e.after = jsonObject(r[7]);
            e.reason = text(r[8]);
            e.recordLabel = text(r[9]);
            page.entries.append(std::move(e));
        }
        return page;
    });
}

} // namespace rdk::data

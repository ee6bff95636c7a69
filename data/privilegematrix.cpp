// The privilege matrix (docs/SECURITY.md): generated from the live catalog, read from the
// document, compared. Moved here from tests/security/tst_privilege_matrix so that `rdk-admin
// doctor` checks a deployment with the very same queries.
#include "data/privilegematrix.h"

#include "data/pgerror.h"

#include <QFile>
#include <QHash>

#include <pqxx/pqxx>

#include <algorithm>
#include <map>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

const QString BeginMarker = u"<!-- privilege-matrix:begin -->"_s;
const QString EndMarker = u"<!-- privilege-matrix:end -->"_s;
const QString Nothing = u"—"_s;

// The role columns of the matrix, in order. has_*_privilege() spells PUBLIC 'public'.
const QStringList &Roles = PrivilegeMatrixRoles;
const QStringList RoleHeaders = {u"PUBLIC"_s, u"rdk_staff"_s, u"rdk_ops"_s, u"rdk_admin"_s, u"rdk_sync"_s};

// Every query below starts with this list: (ord, role), ord being the column of the role.
const std::string RoleListCte =
    "WITH role_list(ord, role) AS (VALUES (0, 'public'), (1, 'rdk_staff'), (2, 'rdk_ops'), (3, 'rdk_admin'), (4, 'rdk_sync'))\n";

// Objects that belong to an extension (pgcrypto, pg_trgm) are summed up per extension instead
// of listed one by one: their grants are the extension's, not ours.
std::string notInExtension(const std::string &catalog, const std::string &oidColumn)
{
    return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '" + catalog + "'::regclass AND d.objid = "
           + oidColumn + " AND d.deptype = 'e')";
}

// Database and schema rights: (object, ord, cell).
const std::string DatabaseSql = RoleListCte + R"sql(
SELECT 'database (current)', rl.ord,
       concat_ws(' ', CASE WHEN pg_catalog.has_database_privilege(rl.role, pg_catalog.current_database(), 'CONNECT') THEN 'CONNECT' END,
                      CASE WHEN pg_catalog.has_database_privilege(rl.role, pg_catalog.current_database(), 'TEMPORARY') THEN 'TEMPORARY' END,
                      CASE WHEN pg_catalog.has_database_privilege(rl.role, pg_catalog.current_database(), 'CREATE') THEN 'CREATE' END)
  FROM role_list rl
UNION ALL
SELECT 'schema ' || pg_catalog.quote_ident(n.nspname), rl.ord,
       concat_ws(' ', CASE WHEN pg_catalog.has_schema_privilege(rl.role, n.oid, 'USAGE') THEN 'USAGE' END,
                      CASE WHEN pg_catalog.has_schema_privilege(rl.role, n.oid, 'CREATE') THEN 'CREATE' END)
  FROM pg_catalog.pg_namespace n CROSS JOIN role_list rl
 WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
)sql";

// The group roles: (role, attributes, roles it can SET ROLE to, directly or through others).
const std::string GroupRolesSql = R"sql(
SELECT g.rolname,
       concat_ws(' ', CASE WHEN g.rolcanlogin THEN 'LOGIN' ELSE 'NOLOGIN' END,
                      CASE WHEN g.rolinherit THEN 'INHERIT' ELSE 'NOINHERIT' END,
                      CASE WHEN g.rolsuper THEN 'SUPERUSER' END, CASE WHEN g.rolcreaterole THEN 'CREATEROLE' END,
                      CASE WHEN g.rolcreatedb THEN 'CREATEDB' END, CASE WHEN g.rolreplication THEN 'REPLICATION' END,
                      CASE WHEN g.rolbypassrls THEN 'BYPASSRLS' END),
       (SELECT string_agg(r.rolname, ', ' ORDER BY r.rolname COLLATE "C")
          FROM pg_catalog.pg_roles r
         WHERE r.oid <> g.oid AND pg_catalog.pg_has_role(g.oid, r.oid, 'MEMBER'))
  FROM pg_catalog.pg_roles g
 WHERE g.rolname IN ('rdk_staff', 'rdk_ops', 'rdk_admin', 'rdk_sync')
)sql";

// Tables, views and materialized views: (relation, ord, cell). A right held on the table is a
// letter; one held on some columns only lists them, e.g. U(quantity, reserved), or, when most
// columns have it, the ones that don't: S(all except customer_email, shipping_address).
const std::string TablesSql = RoleListCte + R"sql(,
privs(ord, priv, letter, per_column) AS (
    VALUES (1, 'SELECT', 'S', true), (2, 'INSERT', 'I', true), (3, 'UPDATE', 'U', true), (4, 'DELETE', 'D', false),
           (5, 'TRUNCATE', 'T', false), (6, 'REFERENCES', 'REFERENCES', true), (7, 'TRIGGER', 'TRIGGER', false)),
rels AS (
    SELECT c.oid, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS label
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('public', 'rdk') AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND )sql"
    + notInExtension("pg_catalog.pg_class", "c.oid") + R"sql(),
cells AS (
    SELECT r.label, rl.ord AS role_ord, p.ord AS priv_ord,
           CASE WHEN pg_catalog.has_table_privilege(rl.role, r.oid, p.priv) THEN p.letter
                WHEN p.per_column THEN (
                    SELECT CASE WHEN count(*) FILTER (WHERE a.granted) = 0 THEN NULL
                                WHEN bool_and(a.granted) THEN p.letter || '(all columns)'
                                WHEN count(*) FILTER (WHERE NOT a.granted) < count(*) FILTER (WHERE a.granted)
                                    THEN p.letter || '(all except '
                                         || string_agg(a.col, ', ' ORDER BY a.col COLLATE "C") FILTER (WHERE NOT a.granted) || ')'
                                ELSE p.letter || '(' || string_agg(a.col, ', ' ORDER BY a.col COLLATE "C") FILTER (WHERE a.granted) || ')'
                           END
                      FROM (SELECT pg_catalog.quote_ident(att.attname) AS col,
                                   pg_catalog.has_column_privilege(rl.role, r.oid, att.attnum, p.priv) AS granted
                              FROM pg_catalog.pg_attribute att
                             WHERE att.attrelid = r.oid AND att.attnum > 0 AND NOT att.attisdropped) a)
           END AS cell
      FROM rels r CROSS JOIN role_list rl CROSS JOIN privs p)
SELECT label, role_ord, string_agg(cell, ' ' ORDER BY priv_ord)
  FROM cells GROUP BY label, role_ord
)sql";

const std::string SequencesSql = RoleListCte + R"sql(
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), rl.ord,
       concat_ws(' ', CASE WHEN pg_catalog.has_sequence_privilege(rl.role, c.oid, 'USAGE') THEN 'USAGE' END,
                      CASE WHEN pg_catalog.has_sequence_privilege(rl.role, c.oid, 'SELECT') THEN 'SELECT' END,
                      CASE WHEN pg_catalog.has_sequence_privilege(rl.role, c.oid, 'UPDATE') THEN 'UPDATE' END)
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace CROSS JOIN role_list rl
 WHERE n.nspname IN ('public', 'rdk') AND c.relkind = 'S' AND )sql"
    + notInExtension("pg_catalog.pg_class", "c.oid") + "\n";

// Functions and procedures with their identity signature: (function, ord, cell, kind).
const std::string FunctionsSql = RoleListCte + R"sql(
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname)
           || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       rl.ord,
       CASE WHEN pg_catalog.has_function_privilege(rl.role, p.oid, 'EXECUTE') THEN 'X' END,
       concat_ws(' ', CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END,
                      CASE WHEN p.prorettype IN ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype) THEN 'trigger' END,
                      CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' END)
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace CROSS JOIN role_list rl
 WHERE n.nspname IN ('public', 'rdk') AND )sql"
    + notInExtension("pg_catalog.pg_proc", "p.oid") + "\n";

// Extensions installed in our schemas: (extension, ord, cell) with X (all n) | X (k of n).
const std::string ExtensionsSql = RoleListCte + R"sql(
SELECT '`' || e.extname || '` (schema `' || pg_catalog.quote_ident(n.nspname) || '`, ' || count(*) || ' functions)', rl.ord,
       CASE WHEN count(*) FILTER (WHERE pg_catalog.has_function_privilege(rl.role, p.oid, 'EXECUTE')) = count(*)
                THEN 'X (all)'
            WHEN count(*) FILTER (WHERE pg_catalog.has_function_privilege(rl.role, p.oid, 'EXECUTE')) > 0
                THEN 'X (' || count(*) FILTER (WHERE pg_catalog.has_function_privilege(rl.role, p.oid, 'EXECUTE')) || ' of ' || count(*) || ')'
       END
  FROM pg_catalog.pg_extension e
  JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = e.oid
                             AND d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e'
  JOIN pg_catalog.pg_proc p ON p.oid = d.objid
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  CROSS JOIN role_list rl
 WHERE n.nspname IN ('public', 'rdk')
 GROUP BY e.extname, n.nspname, rl.ord
)sql";

QString tableRow(const QStringList &cells)
{
    return u"| "_s + cells.join(u" | "_s) + u" |"_s;
}

QString cellText(const pqxx::field &f)
{
    const QString text = f.is_null() ? QString() : QString::fromStdString(f.as<std::string>());
    return text.isEmpty() ? Nothing : text;
}

/// One markdown table: `### title`, the header, and the rows sorted by their text (which
/// starts with the object's name, so this is by object). An empty table says so.
void appendTable(QStringList &out, const QString &title, const QStringList &header, QStringList rows)
{
    out << u"### "_s + title << QString();
    if (rows.isEmpty()) {
        out << u"_(none)_"_s << QString();
        return;
    }
    std::sort(rows.begin(), rows.end(), [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
    out << tableRow(header) << tableRow(QStringList(header.size(), u"---"_s)) << rows << QString();
}

/// Runs a query returning (object, role column, cell[, trailing columns...]) and turns it into
/// one row per object: the object (as code unless `asCode` is false), a cell per role, then the
/// trailing columns of that object.
QStringList roleRows(pqxx::transaction_base &tx, const std::string &sql, bool asCode = true)
{
    struct Row {
        QStringList cells = QStringList(Roles.size(), Nothing);
        QStringList trailing;
    };
    std::map<QString, Row> rows;
    for (const pqxx::row &r : tx.exec(sql)) {
        Row &row = rows[QString::fromStdString(r[0].as<std::string>())];
        row.cells[r[1].as<int>()] = cellText(r[2]);
        row.trailing.clear();
        for (pqxx::row::size_type i = 3; i < r.size(); ++i)
            row.trailing << cellText(r[i]);
    }
    QStringList out;
    for (const auto &[object, row] : rows)
        out << tableRow(QStringList{asCode ? u"`"_s + object + u"`"_s : object} + row.cells + row.trailing);
    return out;
}

} // namespace

/// The generated block (without its markers), from the live catalog as `tx` sees it.
QStringList generateMatrix(pqxx::transaction_base &tx)
{
    QStringList out;
    appendTable(out, u"Database and schemas"_s, QStringList{u"object"_s} + RoleHeaders, roleRows(tx, DatabaseSql));

    QStringList groups;
    for (const pqxx::row &r : tx.exec(GroupRolesSql))
        groups << tableRow({u"`"_s + QString::fromStdString(r[0].as<std::string>()) + u"`"_s, cellText(r[1]), cellText(r[2])});
    appendTable(out, u"Group roles and where SET ROLE takes them"_s, {u"role"_s, u"attributes"_s, u"can SET ROLE to"_s}, groups);

    appendTable(out, u"Tables and views"_s, QStringList{u"table"_s} + RoleHeaders, roleRows(tx, TablesSql));
    appendTable(out, u"Sequences"_s, QStringList{u"sequence"_s} + RoleHeaders, roleRows(tx, SequencesSql));
    appendTable(out, u"Functions"_s, QStringList{u"function"_s} + RoleHeaders + QStringList{u"kind"_s},
                roleRows(tx, FunctionsSql));
    appendTable(out, u"Extension functions"_s, QStringList{u"extension"_s} + RoleHeaders, roleRows(tx, ExtensionsSql, false));
    while (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

/// The lines between the markers of `path`, or nothing (with the reason) when the file or a
/// marker is missing.
std::optional<QStringList> readDocumentedBlock(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = u"can't read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    const qsizetype begin = lines.indexOf(BeginMarker);
    const qsizetype end = lines.indexOf(EndMarker);
    if (begin < 0 || end < begin) {
        *error = u"%1 has no block between %2 and %3"_s.arg(path, BeginMarker, EndMarker);
        return std::nullopt;
    }
    QStringList block = lines.mid(begin + 1, end - begin - 1);
    // Blank lines just inside the markers are layout, not content.
    while (!block.isEmpty() && block.first().trimmed().isEmpty())
        block.removeFirst();
    while (!block.isEmpty() && block.last().trimmed().isEmpty())
        block.removeLast();
    return block;
}

BlockDiff compareBlocks(const QStringList &documented, const QStringList &generated)
{
    BlockDiff diff;
    if (documented == generated)
        return diff;
    const auto leftOver = [](const QStringList &from, const QStringList &other) {
        QHash<QString, int> available;
        for (const QString &line : other)
            ++available[line];
        QStringList rest;
        for (const QString &line : from) {
            if (available.value(line) > 0)
                --available[line];
            else
                rest << line;
        }
        return rest;
    };
    diff.missing = leftOver(documented, generated);
    diff.extra = leftOver(generated, documented);
    diff.orderOnly = diff.missing.isEmpty() && diff.extra.isEmpty();
    return diff;
}


QString BlockDiff::describe() const
{
    if (orderOnly)
        return u"same lines, different order (regenerate to restore the sorted order)"_s;
    QStringList text;
    for (const QString &line : missing)
        text << u"  - "_s + line;
    for (const QString &line : extra)
        text << u"  + "_s + line;
    return u"documented lines the database does not confirm (-), and live lines the document lacks (+):\n"_s
           + text.join(u'\n');
}

Result<QStringList> readPrivilegeMatrix(const std::string &connectionString)
{
    try {
        pqxx::connection conn(connectionString);
        pqxx::read_transaction tx(conn);
        return generateMatrix(tx);
    } catch (const std::exception &e) {
        return translatePgError(e);
    }
}

} // namespace rdk::data

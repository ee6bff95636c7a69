// The privilege matrix: what PostgreSQL lets each group role (and PUBLIC) attempt, read from
// the live catalog of a freshly migrated database and compared with the generated block in
// docs/SECURITY.md, so the documentation and the grants can't drift apart. These are grants,
// not rows: row-level security narrows them further (tst_rls_matrix checks that).
//
// When a migration changes grants, run scripts/privilege-matrix, review the diff of
// docs/SECURITY.md and commit it. The test writes the block it generated to
// $RDK_PRIVILEGE_MATRIX_OUT (always) or, on a mismatch, next to itself.
#include "securitytest.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QTest>

#include <algorithm>
#include <map>
#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const QString BeginMarker = u"<!-- privilege-matrix:begin -->"_s;
const QString EndMarker = u"<!-- privilege-matrix:end -->"_s;
const QString Nothing = u"—"_s;

// The role columns of the matrix, in order. has_*_privilege() spells PUBLIC 'public'.
const QStringList Roles = {u"public"_s, u"rdk_staff"_s, u"rdk_ops"_s, u"rdk_admin"_s, u"rdk_sync"_s};
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
    const QString text = f.is_null() ? QString() : qstr(f.as<std::string>());
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
        Row &row = rows[qstr(r[0].as<std::string>())];
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

/// The generated block (without its markers), from the live catalog as `tx` sees it.
QStringList generateMatrix(pqxx::transaction_base &tx)
{
    QStringList out;
    appendTable(out, u"Database and schemas"_s, QStringList{u"object"_s} + RoleHeaders, roleRows(tx, DatabaseSql));

    QStringList groups;
    for (const pqxx::row &r : tx.exec(GroupRolesSql))
        groups << tableRow({u"`"_s + qstr(r[0].as<std::string>()) + u"`"_s, cellText(r[1]), cellText(r[2])});
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

/// Lines of one block that the other lacks, counted as multisets (a table's header and
/// separator lines repeat), each list in the order of its own block.
struct BlockDiff {
    QStringList missing; ///< documented, but not what the database says
    QStringList extra;   ///< what the database says, but not documented
    bool orderOnly = false;

    bool same() const { return missing.isEmpty() && extra.isEmpty() && !orderOnly; }
    QString describe() const
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
};

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

/// The cells of a markdown table row, without the outer bars.
QStringList cellsOf(const QString &row)
{
    QString inner = row.trimmed();
    if (inner.startsWith(u'|'))
        inner.remove(0, 1);
    if (inner.endsWith(u'|'))
        inner.chop(1);
    QStringList cells = inner.split(u'|');
    for (QString &cell : cells)
        cell = cell.trimmed();
    return cells;
}

/// The rights in one cell: split at spaces and commas outside parentheses, so
/// "S U(quantity, reserved)" gives S and U(quantity, reserved), "pg_x, rdk_ops" two roles.
QStringList tokensOf(const QString &cell)
{
    QStringList tokens;
    QString current;
    int depth = 0;
    for (const QChar c : cell) {
        if (c == u'(')
            ++depth;
        else if (c == u')')
            --depth;
        if ((c == u' ' || c == u',') && depth == 0) {
            if (!current.isEmpty())
                tokens << current;
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.isEmpty())
        tokens << current;
    return tokens;
}

bool writeBlock(const QString &path, const QStringList &block)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    file.write((block.join(u'\n') + u'\n').toUtf8());
    return file.error() == QFileDevice::NoError;
}

} // namespace

class TestPrivilegeMatrix final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    std::unique_ptr<pqxx::connection> m_owner;
    QString m_tenant;

    QStringList generate()
    {
        pqxx::read_transaction tx(*m_owner);
        return generateMatrix(tx);
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_owner = std::make_unique<pqxx::connection>(m_db->ownerUrl());
    }

    void cleanupTestCase()
    {
        m_owner.reset();
        m_db.reset();
    }

    void documentedMatrix_matchesLiveCatalog()
    {
        const QStringList generated = generate();
        const QString requestedOut = qEnvironmentVariable("RDK_PRIVILEGE_MATRIX_OUT");
        if (!requestedOut.isEmpty())
            QVERIFY2(writeBlock(requestedOut, generated), qPrintable(u"can't write "_s + requestedOut));

        QString error;
        const std::optional<QStringList> documented = readDocumentedBlock(QStringLiteral(RDK_SECURITY_DOC), &error);
        const BlockDiff diff = documented ? compareBlocks(*documented, generated) : BlockDiff{};
        if (documented && diff.same())
            return;

        const QString out = requestedOut.isEmpty() ? QDir::current().absoluteFilePath(u"privilege-matrix.generated.md"_s)
                                                    : requestedOut;
        const bool written = requestedOut.isEmpty() ? writeBlock(out, generated) : true;
        QFAIL(qPrintable(u"The privilege matrix in docs/SECURITY.md does not match the database.\n%1\n"
                         "The generated block is in %2.\n"
                         "If the grants changed on purpose: run scripts/privilege-matrix, review `git diff docs/SECURITY.md`, commit."_s
                             .arg(documented ? diff.describe() : error, written ? out : u"(nowhere: can't write %1)"_s.arg(out))));
    }

    void generatedMatrix_isDeterministicAndComplete()
    {
        const QStringList first = generate();
        QCOMPARE(generate(), first);
        // One row per kind of object, so a broken query can't pass as "no grants".
        for (const QString &row : {u"| `database (current)` |"_s, u"| `schema rdk` |"_s, u"| `rdk_staff` |"_s,
                                   u"| `public.orders` |"_s, u"| `rdk.can_write()` |"_s, u"| `pgcrypto` (schema `public`"_s})
            QVERIFY2(std::any_of(first.begin(), first.end(), [&](const QString &l) { return l.startsWith(row); }),
                     qPrintable(u"no row starting with "_s + row));
    }

    // The matrix is of group roles; this is why that is enough. A login made by
    // rdk.create_staff or rdk.create_service_login reaches (SET ROLE) its one group and nothing
    // else, and holds exactly the group's rights: none of its own.
    void login_holdsExactlyItsGroup_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addRow("staff") << u"staff"_s;
        QTest::addRow("ops") << u"ops"_s;
        QTest::addRow("admin") << u"admin"_s;
        QTest::addRow("service") << u"sync"_s;
    }

    void login_holdsExactlyItsGroup()
    {
        QFETCH(QString, role);
        if (m_tenant.isEmpty())
            m_tenant = m_db->createTenant(u"matrix"_s);
        const Login login = role == u"sync"_s ? m_db->createServiceLogin(m_tenant) : m_db->createStaff(m_tenant, role);
        const std::string name = str(login.login);
        const std::string group = "rdk_" + str(role);

        pqxx::read_transaction tx(*m_owner);
        const auto reach = tx.exec_params1(
            "SELECT coalesce(string_agg(r.rolname, ', ' ORDER BY r.rolname COLLATE \"C\"), '') FROM pg_catalog.pg_roles r "
            "WHERE r.rolname <> $1 AND pg_catalog.pg_has_role($1, r.oid, 'MEMBER')", name)[0].as<std::string>();
        QCOMPARE(qstr(reach), qstr(group));

        // Every right of the matrix, asked of the login and of its group: the differences.
        const auto differences = tx.exec_params1(R"sql(
            WITH who(login, grp) AS (VALUES ($1::text, $2::text)),
            rights(what, as_login, as_group) AS (
                SELECT 'database ' || p, pg_catalog.has_database_privilege(w.login, pg_catalog.current_database(), p),
                       pg_catalog.has_database_privilege(w.grp, pg_catalog.current_database(), p)
                  FROM who w CROSS JOIN unnest(ARRAY['CONNECT', 'TEMPORARY', 'CREATE']) p
                UNION ALL
                SELECT n.nspname || ' ' || p, pg_catalog.has_schema_privilege(w.login, n.oid, p), pg_catalog.has_schema_privilege(w.grp, n.oid, p)
                  FROM who w CROSS JOIN pg_catalog.pg_namespace n CROSS JOIN unnest(ARRAY['USAGE', 'CREATE']) p
                 WHERE n.nspname IN ('public', 'rdk')
                UNION ALL
                SELECT c.oid::regclass || '.' || a.attname || ' ' || p,
                       pg_catalog.has_column_privilege(w.login, c.oid, a.attnum, p), pg_catalog.has_column_privilege(w.grp, c.oid, a.attnum, p)
                  FROM who w CROSS JOIN pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) p
                 WHERE n.nspname IN ('public', 'rdk') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                UNION ALL
                SELECT c.oid::regclass || ' ' || p, pg_catalog.has_table_privilege(w.login, c.oid, p), pg_catalog.has_table_privilege(w.grp, c.oid, p)
                  FROM who w CROSS JOIN pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
                 WHERE n.nspname IN ('public', 'rdk') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                UNION ALL
                SELECT p.oid::regprocedure::text, pg_catalog.has_function_privilege(w.login, p.oid, 'EXECUTE'),
                       pg_catalog.has_function_privilege(w.grp, p.oid, 'EXECUTE')
                  FROM who w CROSS JOIN pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname IN ('public', 'rdk'))
            SELECT count(*), coalesce(string_agg(what || CASE WHEN as_login THEN ' (login only)' ELSE ' (group only)' END, '; '
                                                  ORDER BY what), '')
              FROM rights WHERE as_login IS DISTINCT FROM as_group)sql", name, group);
        QVERIFY2(differences[0].as<long long>() == 0, differences[1].c_str());
    }

    // The comparer against a grant changed on purpose, in a transaction that is rolled back:
    // exactly the one row of that object changes, in exactly the expected columns.
    void changedGrant_isReportedAsThatLine_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("object");
        QTest::addColumn<QList<int>>("changedColumns");
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("granted");

        const auto col = [](const QString &role) { return int(Roles.indexOf(role)) + 1; };
        QTest::addRow("table grant") << u"GRANT TRUNCATE ON public.page_views TO rdk_staff"_s
                                     << u"`public.page_views`"_s << QList<int>{col(u"rdk_staff"_s)} << u"T"_s << true;
        QTest::addRow("table revoke") << u"REVOKE SELECT ON public.schema_migrations FROM rdk_ops"_s
                                      << u"`public.schema_migrations`"_s << QList<int>{col(u"rdk_ops"_s)} << u"S"_s << false;
        QTest::addRow("column grant") << u"GRANT UPDATE (name) ON public.tenants TO rdk_sync"_s << u"`public.tenants`"_s
                                      << QList<int>{col(u"rdk_sync"_s)} << u"U(name)"_s << true;
        // PUBLIC's rights are every role's rights.
        QTest::addRow("grant to PUBLIC") << u"GRANT SELECT ON rdk.staff_totp TO PUBLIC"_s << u"`rdk.staff_totp`"_s
                                         << QList<int>{1, 2, 3, 4, 5} << u"S"_s << true;
        QTest::addRow("function grant") << u"GRANT EXECUTE ON FUNCTION rdk.owner_enroll_totp(text) TO rdk_staff"_s
                                        << u"`rdk.owner_enroll_totp("_s << QList<int>{col(u"rdk_staff"_s)}
                                        << u"X"_s << true;
        QTest::addRow("temporary tables")
            << u"DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO rdk_sync', current_database()); END $$"_s
            << u"`database (current)`"_s << QList<int>{col(u"rdk_sync"_s)} << u"TEMPORARY"_s << true;
        QTest::addRow("schema create") << u"GRANT CREATE ON SCHEMA rdk TO rdk_admin"_s << u"`schema rdk`"_s
                                       << QList<int>{col(u"rdk_admin"_s)} << u"CREATE"_s << true;
        // Roles are cluster-wide, but the grant is never committed.
        QTest::addRow("group in group") << u"GRANT rdk_admin TO rdk_staff"_s << u"`rdk_staff`"_s << QList<int>{2}
                                        << u"rdk_admin"_s << true;
    }

    void changedGrant_isReportedAsThatLine()
    {
        QFETCH(QString, sql);
        QFETCH(QString, object);
        QFETCH(QList<int>, changedColumns);
        QFETCH(QString, token);
        QFETCH(bool, granted);

        pqxx::work tx(*m_owner);
        const QStringList before = generateMatrix(tx);
        tx.exec(str(sql));
        const QStringList after = generateMatrix(tx);
        tx.abort();

        const BlockDiff diff = compareBlocks(before, after);
        QVERIFY2(diff.missing.size() == 1 && diff.extra.size() == 1, qPrintable(diff.describe()));
        const QStringList oldCells = cellsOf(diff.missing.first());
        const QStringList newCells = cellsOf(diff.extra.first());
        // The row's object; a function by its name only, so a renamed parameter does not matter.
        QVERIFY2(oldCells.value(0).startsWith(object), qPrintable(oldCells.value(0)));
        QCOMPARE(newCells.value(0), oldCells.value(0));
        QCOMPARE(newCells.size(), oldCells.size());
        QList<int> changed;
        for (int i = 0; i < newCells.size(); ++i)
            if (newCells[i] != oldCells[i])
                changed << i;
        QCOMPARE(changed, changedColumns);
        for (int i : changedColumns) {
            const QStringList &gains = granted ? newCells : oldCells;
            const QStringList &lacks = granted ? oldCells : newCells;
            QVERIFY2(tokensOf(gains[i]).contains(token), qPrintable(gains[i]));
            QVERIFY2(!tokensOf(lacks[i]).contains(token), qPrintable(lacks[i]));
        }
    }

    void comparer_reportsMissingExtraAndOrder()
    {
        const QStringList doc = {u"| a | S |"_s, u"| b | — |"_s, u"| --- |"_s, u"| --- |"_s};
        QVERIFY(compareBlocks(doc, doc).same());
        BlockDiff diff = compareBlocks(doc, {u"| a | S |"_s, u"| b | S I |"_s, u"| --- |"_s, u"| --- |"_s});
        QCOMPARE(diff.missing, QStringList{u"| b | — |"_s});
        QCOMPARE(diff.extra, QStringList{u"| b | S I |"_s});
        diff = compareBlocks(doc, {u"| a | S |"_s, u"| b | — |"_s, u"| --- |"_s});  // a repeated line gone
        QCOMPARE(diff.missing, QStringList{u"| --- |"_s});
        QVERIFY(diff.extra.isEmpty());
        diff = compareBlocks(doc, {u"| b | — |"_s, u"| a | S |"_s, u"| --- |"_s, u"| --- |"_s});
        QVERIFY(diff.orderOnly && !diff.same());
        QCOMPARE(tokensOf(u"S(all except a, b) I U(c)"_s), (QStringList{u"S(all except a, b)"_s, u"I"_s, u"U(c)"_s}));
    }
};

QTEST_GUILESS_MAIN(TestPrivilegeMatrix)
#include "tst_privilege_matrix.moc"

// The privilege matrix: what PostgreSQL lets each group role (and PUBLIC) attempt, read from
// the live catalog of a freshly migrated database and compared with the generated block in
// docs/SECURITY.md, so the documentation and the grants can't drift apart. These are grants,
// not rows: row-level security narrows them further (tst_rls_matrix checks that).
//
// When a migration changes grants, run scripts/privilege-matrix, review the diff of
// docs/SECURITY.md and commit it. The test writes the block it generated to
// $RDK_PRIVILEGE_MATRIX_OUT (always) or, on a mismatch, next to itself. The queries and the
// comparer live in data/privilegematrix.cpp, shared with `rdk-admin doctor`.
#include "data/privilegematrix.h"
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
using rdk::data::BlockDiff;
using rdk::data::compareBlocks;
using rdk::data::generateMatrix;
using rdk::data::readDocumentedBlock;
using rdk::data::PrivilegeMatrixRoles;

namespace {

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

        const auto col = [](const QString &role) { return int(PrivilegeMatrixRoles.indexOf(role)) + 1; };
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

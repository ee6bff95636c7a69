#include "app/admin/catalogcommands.h"

#include "data/pgcatalogcsv.h"
#include "data/pgrepositories.h"

#include <QFile>
#include <QSaveFile>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kMaxIssuesShown = 200;

struct CatalogArgs final {
    QString action;
    QString file;
    QString tenant;
    bool dryRun = false;
    QString error;
};

CatalogArgs parseArgs(const QStringList &args, const QString &defaultTenant)
{
    CatalogArgs a;
    a.action = args.value(0);
    a.tenant = defaultTenant;
    QStringList positional;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &arg = args[i];
        if (arg == u"--dry-run"_s && a.action == u"import"_s) {
            a.dryRun = true;
        } else if (arg == u"--tenant"_s) {
            if (i + 1 >= args.size()) {
                a.error = u"--tenant needs a value"_s;
                return a;
            }
            a.tenant = args[++i];
        } else if (arg.startsWith(u"--"_s)) {
            a.error = u"unknown option %1"_s.arg(arg.left(40));
            return a;
        } else {
            positional.append(arg);
        }
    }
    if (a.action != u"import"_s && a.action != u"export"_s)
        a.error = u"catalog needs import or export"_s;
    else if (a.action == u"import"_s && positional.size() != 1)
        a.error = u"catalog import needs one FILE"_s;
    else if (a.action == u"export"_s && positional.size() > 1)
        a.error = u"catalog export takes at most one FILE"_s;
    else if (a.tenant.isEmpty())
        a.error = u"catalog %1 needs --tenant SLUG (or RDK_TENANT)"_s.arg(a.action);
    a.file = positional.value(0);
    return a;
}

// The file is read only up to one byte past the import limit, so a huge file costs nothing.
Result<QByteArray> readImportFile(const QString &path, qint64 maxBytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::invalid(u"cannot read %1: %2"_s.arg(path, file.errorString()));
    if (file.size() > maxBytes)
        return Error::invalid(u"%1 is %2 MB; an import can be at most %3 MB (split it into several files)"_s
                                  .arg(path).arg(double(file.size()) / (1024.0 * 1024.0), 0, 'f', 1)
                                  .arg(maxBytes / (1024 * 1024)));
    return file.read(maxBytes + 1);
}

class CatalogCommand final {
public:
    CatalogCommand(const AdminConfig &config, QTextStream &out, QTextStream &err)
        : m_config(config), m_out(out), m_err(err)
    {
    }

    int run(const CatalogArgs &a)
    {
        auto session = data::PgSession::open(m_config.databaseUrl.toStdString());
        if (!session)
            return fail(session.error().message);
        data::PgTenantRepository tenants(**session);
        auto tenant = tenants.findBySlug(a.tenant);
        if (!tenant)
            return fail(tenant.error().message);
        if (!tenant->has_value())
            return fail(u"no shop with slug '%1'"_s.arg(a.tenant.left(60)));
        data::PgCatalogCsvStore store(**session, (*tenant)->id);
        return a.action == u"import"_s ? import(store, a) : exportTo(store, a.file);
    }

private:
    int import(CatalogCsvStore &store, const CatalogArgs &a)
    {
        const CatalogCsvLimits limits;
        auto bytes = readImportFile(a.file, limits.maxBytes);
        if (!bytes)
            return fail(bytes.error().message);
        auto currency = store.shopCurrency();
        if (!currency)
            return fail(currency.error().message);
        const CatalogCsvImport parsed = parseCatalogCsv(*bytes, *currency, limits);
        if (!parsed.ok()) {
            const QList<CsvIssue> issues = parsed.allIssues();
            m_err << "rdk-admin: " << a.file << " has " << issues.size() << " problem(s); nothing was imported\n";
            for (qsizetype i = 0; i < issues.size() && i < kMaxIssuesShown; ++i)
                m_err << "  " << issues[i].toString() << '\n';
            if (issues.size() > kMaxIssuesShown)
                m_err << "  ... and " << issues.size() - kMaxIssuesShown << " more\n";
            m_err.flush();
            return 1;
        }
        auto summary = store.apply(parsed, a.dryRun);
        if (!summary)
            return fail(u"nothing was imported: "_s + summary.error().message);
        m_out << parsed.rows.size() << " row(s) read; " << summary->toString() << Qt::endl;
        return 0;
    }

    int exportTo(CatalogCsvStore &store, const QString &path)
    {
        auto products = store.exportProducts();
        if (!products)
            return fail(products.error().message);
        const QByteArray csv = writeCatalogCsv(*products);
        if (path.isEmpty()) {
            QFile out;
            if (!out.open(stdout, QIODevice::WriteOnly) || out.write(csv) != csv.size())
                return fail(u"cannot write to standard output"_s);
            return 0;
        }
        QSaveFile file(path); // all or nothing: a failed export never leaves half a file
        if (!file.open(QIODevice::WriteOnly) || file.write(csv) != csv.size() || !file.commit())
            return fail(u"cannot write %1: %2"_s.arg(path, file.errorString()));
        m_out << "exported " << products->size() << " product(s) to " << path << Qt::endl;
        return 0;
    }

    int fail(const QString &message)
    {
        m_err << "rdk-admin: " << message << Qt::endl;
        return 1;
    }

    const AdminConfig &m_config;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace

QString catalogCommandUsage()
{
    return uR"(  catalog import FILE --tenant SLUG [--dry-run]                                    (CSV, all rows or none)
  catalog export --tenant SLUG [FILE]                                               (CSV to FILE or stdout))"_s;
}

int runCatalogCommand(const AdminConfig &config, const QStringList &args, QTextStream &out, QTextStream &err)
{
    const CatalogArgs a = parseArgs(args, config.tenant);
    if (!a.error.isEmpty()) {
        err << "rdk-admin: " << a.error << "\n\nusage:\n" << catalogCommandUsage() << Qt::endl;
        return 64;
    }
    out.flush();
    return CatalogCommand(config, out, err).run(a);
}

} // namespace rdk

#include "app/admin/admincli.h"
#include "app/admin/backupcommands.h"
#include "app/admin/catalogcommands.h"
#include "app/admin/dashboardcommands.h"
#include "app/admin/tlscommands.h"
#include "app/admin/stripecommands.h"
#include "app/admin/doctorcommands.h"
#include "app/admin/rafflecommands.h"
#include "data/migrationrunner.h"
#include "data/pgrepositories.h"
#include "data/seed/demoseeder.h"
#include "domain/totp.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTimeZone>

#include <cstdio>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

/// Options after the positional words: --key value pairs. Unknown keys are usage errors.
struct Options final {
    QStringList positional;
    QHash<QString, QString> named;
    QString error;
};

Options parseOptions(const QStringList &args, const QStringList &allowed)
{
    Options o;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (!a.startsWith(u"--"_s)) {
            o.positional.append(a);
            continue;
        }
        const QString key = a.mid(2);
        if (!allowed.contains(key)) {
            o.error = u"unknown option --%1"_s.arg(key);
            return o;
        }
        if (i + 1 >= args.size()) {
            o.error = u"--%1 needs a value"_s.arg(key);
            return o;
        }
        o.named.insert(key, args[++i]);
    }
    return o;
}

} // namespace

QString adminUsage()
{
    return uR"(usage: rdk-admin <command>

  migrate status|up|verify
  tenant create SLUG --name NAME [--currency USD] [--timezone America/New_York]
  staff create LOGIN --tenant SLUG --role staff|ops|admin [--name "Display Name"]   (password on stdin)
  staff disable LOGIN
  service create LOGIN [--tenant SLUG]                                             (password on stdin)
  service bind LOGIN --tenant SLUG
  seed-demo --tenant SLUG
%1
  --version | --help

Configuration comes from the environment and .env (DATABASE_URL: the owner role).)"_s.arg(catalogCommandUsage() + u"\n"_s + dashboardUsage() + u"\n"_s + backupUsage()
                                                                                           + u"\n"_s + tlsCommandUsage() + u"\n"_s + stripeUsage()
                                                                                           + u"\n"_s + doctorUsage()
                                                                                           + u"\n"_s + raffleUsage());
}

AdminCli::AdminCli(AdminConfig config, QTextStream &out, QTextStream &err)
    : m_config(std::move(config)), m_out(out), m_err(err)
{
}

int AdminCli::run(const QStringList &args)
{
    if (args.isEmpty())
        return usage(u"no command given"_s);
    const QString command = args.first();
    const QStringList rest = args.mid(1);
    if (command == u"migrate"_s)
        return migrate(rest);
    if (command == u"tenant"_s)
        return tenant(rest);
    if (command == u"staff"_s)
        return staff(rest);
    if (command == u"service"_s)
        return service(rest);
    if (command == u"seed-demo"_s)
        return seedDemo(rest);
    if (command == u"catalog"_s)
        return runCatalogCommand(m_config, rest, m_out, m_err);
    if (command == u"doctor"_s)
        return runDoctorCommand(rest, m_config, m_out, m_err);
    if (isDashboardCommand(command))
        return runDashboardCommand(command, rest, m_config, m_out, m_err);
    if (isBackupCommand(command))
        return runBackupCommand(command, rest, m_config, m_out, m_err);
    if (command == u"stripe"_s)
        return runStripeCommand(rest, m_out, m_err);
    if (command == u"raffle"_s)
        return runRaffleCommand(rest, m_config, m_out, m_err);
    return usage(u"unknown command '%1'"_s.arg(command.left(40)));
}

int AdminCli::fail(const QString &message)
{
    m_err << "rdk-admin: " << message << Qt::endl;
    return 1;
}

int AdminCli::usage(const QString &message)
{
    m_err << "rdk-admin: " << message << "\n\n" << adminUsage() << Qt::endl;
    return 64;
}

QString AdminCli::readPassword(const QString &prompt)
{
    const bool tty = isatty(STDIN_FILENO);
    termios saved{};
    if (tty) {
        m_err << prompt << Qt::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        m_err << Qt::endl;
    }
    QString password = QString::fromStdString(line);
    if (password.endsWith(u'\r'))
        password.chop(1);
    return password;
}

int AdminCli::migrate(const QStringList &args)
{
    const QString action = args.value(0);
    if (args.size() != 1 || !QStringList{u"status"_s, u"up"_s, u"verify"_s}.contains(action))
        return usage(u"migrate needs one of: status, up, verify"_s);
    auto migrations = data::loadMigrations();
    if (!migrations)
        return fail(migrations.error().message);
    auto modules = data::loadModules();
    if (!modules)
        return fail(modules.error().message);
    const data::MigrationRunner runner(m_config.databaseUrl.toStdString(), *migrations, *modules);

    if (action == u"status"_s) {
        auto status = runner.status();
        if (!status)
            return fail(status.error().message);
        for (const auto &a : status->applied)
            m_out << u"applied  %1  %2  %3"_s.arg(a.version, 4, 10, QLatin1Char('0')).arg(a.name, -32).arg(a.appliedAt.toString(Qt::ISODate)) << '\n';
        for (const auto &p : status->pending)
            m_out << u"pending  %1  %2"_s.arg(p.version, 4, 10, QLatin1Char('0')).arg(p.name) << '\n';
        for (const auto &m : status->modules) {
            using State = data::ModuleStatus::State;
            const QString state = m.state == State::Current   ? u"current since %1"_s.arg(m.appliedAt.toString(Qt::ISODate))
                                  : m.state == State::New     ? u"to apply (new)"_s
                                  : m.state == State::Changed ? u"to apply (file changed)"_s
                                                              : u"to apply (changed by hand in the database)"_s;
            m_out << u"module   %1  %2"_s.arg(m.module.fileName, -20).arg(state) << '\n';
        }
        for (const auto &problem : status->problems)
            m_out << "PROBLEM  " << problem << '\n';
        for (const auto &drift : status->drift)
            m_out << "DRIFT    " << drift << '\n';
        m_out << (status->current()              ? "schema is current"
                  : !status->problems.isEmpty() ? "schema has problems"
                                                 : "migrations pending")
              << Qt::endl;
        return status->problems.isEmpty() ? 0 : 1;
    }
    if (action == u"verify"_s) {
        auto ok = runner.verify();
        if (!ok)
            return fail(ok.error().message);
        m_out << "every applied migration and module matches its file" << Qt::endl;
        return 0;
    }
    QElapsedTimer timer;
    timer.start();
    auto applied = runner.up([this](const QString &fileName) { m_out << "applied " << fileName << Qt::endl; });
    if (!applied)
        return fail(applied.error().message);
    m_out << (applied->changes.isEmpty() && applied->modules.isEmpty()
                  ? u"schema already current"_s
                  : u"%1 migration(s) and %2 module(s) applied in %3 ms"_s.arg(applied->changes.size()).arg(applied->modules.size()).arg(timer.elapsed()))
          << Qt::endl;
    return 0;
}

int AdminCli::tenant(const QStringList &args)
{
    const Options o = parseOptions(args.mid(1), {u"name"_s, u"currency"_s, u"timezone"_s});
    if (args.value(0) != u"create"_s || o.positional.size() != 1 || !o.error.isEmpty())
        return usage(o.error.isEmpty() ? u"tenant create SLUG --name NAME"_s : o.error);
    Tenant t;
    t.slug = o.positional.first();
    t.name = o.named.value(u"name"_s);
    t.currency = o.named.value(u"currency"_s, u"USD"_s).toUpper();
    t.timezone = o.named.value(u"timezone"_s, u"UTC"_s);
    if (t.name.trimmed().isEmpty())
        return usage(u"tenant create needs --name"_s);
    if (!Money::of(0, t.currency))
        return fail(u"--currency must be a three-letter ISO code such as USD"_s);
    if (!QTimeZone(t.timezone.toUtf8()).isValid())
        return fail(u"--timezone '%1' is not a known time zone (example: America/New_York)"_s.arg(t.timezone.left(60)));
    auto session = data::PgSession::open(m_config.databaseUrl.toStdString());
    if (!session)
        return fail(session.error().message);
    data::PgTenantRepository tenants(**session);
    auto created = tenants.create(t);
    if (!created)
        return fail(created.error().message);
    m_out << "created shop " << created->slug << " (" << created->id << ")" << Qt::endl;
    return 0;
}

int AdminCli::staff(const QStringList &args)
{
    const QString action = args.value(0);
    const Options o = parseOptions(args.mid(1), {u"tenant"_s, u"role"_s, u"name"_s});
    if (!o.error.isEmpty())
        return usage(o.error);
    if (o.positional.size() != 1 || (action != u"create"_s && action != u"disable"_s))
        return usage(u"staff create LOGIN --tenant SLUG --role staff|ops|admin, or staff disable LOGIN"_s);
    auto session = data::PgSession::open(m_config.databaseUrl.toStdString());
    if (!session)
        return fail(session.error().message);
    data::PgStaffDirectory directory(**session);
    const QString login = o.positional.first();

    if (action == u"disable"_s) {
        if (auto ok = directory.disable(login); !ok)
            return fail(ok.error().message);
        m_out << "disabled " << login << ": the login can no longer sign in" << Qt::endl;
        return 0;
    }

    const auto role = staffRoleFromString(o.named.value(u"role"_s));
    if (!role)
        return usage(u"--role must be staff, ops or admin"_s);
    const QString slug = o.named.value(u"tenant"_s, m_config.tenant);
    if (slug.isEmpty())
        return usage(u"staff create needs --tenant SLUG (or RDK_TENANT)"_s);
    data::PgTenantRepository tenants(**session);
    auto tenant = tenants.findBySlug(slug);
    if (!tenant)
        return fail(tenant.error().message);
    if (!tenant->has_value())
        return fail(u"no shop with slug '%1'"_s.arg(slug));

    const QString password = readPassword(u"Password for %1: "_s.arg(login));
    auto created = directory.create(login, password, (*tenant)->id, *role, o.named.value(u"name"_s));
    if (!created)
        return fail(created.error().message);
    m_out << "created " << toString(*role) << " " << created->login << " for " << slug << Qt::endl;
    if (*role == StaffRole::Admin) {
        auto secret = directory.enrolTotpAsOwner(created->login);
        if (!secret)
            return fail(u"created the login, but two-factor enrolment failed: "_s + secret.error().message);
        const QByteArray raw = base32Decode(*secret).value_or(QByteArray());
        m_out << "two-factor secret (add it to an authenticator app now; it is not shown again): " << *secret << '\n'
              << "otpauth URI: " << otpauthUri(u"Real Deal Kickz"_s, created->login, raw) << Qt::endl;
    }
    return 0;
}

int AdminCli::service(const QStringList &args)
{
    const QString action = args.value(0);
    const Options o = parseOptions(args.mid(1), {u"tenant"_s});
    if ((action != u"create"_s && action != u"bind"_s) || !o.error.isEmpty() || o.positional.size() != 1)
        return usage(u"service create LOGIN [--tenant SLUG] | service bind LOGIN --tenant SLUG"_s);
    auto session = data::PgSession::open(m_config.databaseUrl.toStdString());
    if (!session)
        return fail(session.error().message);
    const QString login = o.positional.first();
    // The database fixes a service login's shop; without --tenant (or RDK_TENANT) `create`
    // binds it to the only shop there is, and refuses when there are several.
    const QString slug = o.named.value(u"tenant"_s, m_config.tenant);
    QString tenantId;
    if (!slug.isEmpty()) {
        data::PgTenantRepository tenants(**session);
        auto tenant = tenants.findBySlug(slug);
        if (!tenant)
            return fail(tenant.error().message);
        if (!tenant->has_value())
            return fail(u"no shop with slug '%1'"_s.arg(slug));
        tenantId = (*tenant)->id;
    }
    data::PgStaffDirectory directory(**session);
    if (action == u"bind"_s) {
        if (tenantId.isEmpty())
            return usage(u"service bind needs --tenant SLUG (or RDK_TENANT)"_s);
        if (auto ok = directory.bindServiceLogin(login, tenantId); !ok)
            return fail(ok.error().message);
        m_out << "service login " << login << " now works for " << slug << Qt::endl;
        return 0;
    }
    const QString password = readPassword(u"Password for %1: "_s.arg(login));
    if (auto ok = directory.createServiceLogin(login, password, tenantId); !ok)
        return fail(ok.error().message);
    m_out << "created service login " << login << " (member of rdk_sync)"
          << (slug.isEmpty() ? QString() : u" for "_s + slug) << Qt::endl;
    return 0;
}

int AdminCli::seedDemo(const QStringList &args)
{
    const Options o = parseOptions(args, {u"tenant"_s});
    if (!o.error.isEmpty() || !o.positional.isEmpty())
        return usage(o.error.isEmpty() ? u"seed-demo --tenant SLUG"_s : o.error);
    const QString slug = o.named.value(u"tenant"_s, m_config.tenant);
    if (slug.isEmpty())
        return usage(u"seed-demo needs --tenant SLUG (or RDK_TENANT)"_s);
    auto session = data::PgSession::open(m_config.databaseUrl.toStdString());
    if (!session)
        return fail(session.error().message);
    QElapsedTimer timer;
    timer.start();
    m_out << "seeding demo shop " << slug << "..." << Qt::endl;
    data::DemoSeeder seeder(**session);
    auto report = seeder.seed(slug, QDateTime::currentDateTimeUtc(), [this](const QString &line) { m_out << line << Qt::endl; });
    if (!report)
        return fail(report.error().message);
    if (report->alreadySeeded) {
        m_out << "shop " << slug << " already has products; nothing changed" << Qt::endl;
        return 0;
    }
    m_out << u"seeded %1 products, %2 photos, %3 orders in %4 s"_s.arg(report->products).arg(report->images)
                 .arg(report->orders).arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1)
          << Qt::endl;
    return 0;
}

} // namespace rdk

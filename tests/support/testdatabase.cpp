#include "tests/support/testdatabase.h"

#include "data/migrationrunner.h"
#include "domain/totp.h"

#include <QRandomGenerator>
#include <QUrl>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;

namespace rdk::test {
namespace {

QString randomToken(int length)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
    QString token;
    for (int i = 0; i < length; ++i)
        token.append(QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof alphabet) - 1)]));
    return token;
}

std::string withDatabase(const std::string &url, const QString &database, const QString &user = {}, const QString &password = {})
{
    QUrl u(QString::fromStdString(url));
    u.setPath(u'/' + database);
    if (!user.isEmpty()) {
        u.setUserName(user);
        u.setPassword(password);
    }
    return u.toString(QUrl::FullyEncoded).toStdString();
}

} // namespace

std::unique_ptr<TestDatabase> TestDatabase::create(QString *error, bool migrate)
{
    const QByteArray url = qgetenv("RDK_TEST_PG_URL");
    if (url.isEmpty()) {
        *error = u"RDK_TEST_PG_URL is not set: run the tests through scripts/test, which starts a throwaway PostgreSQL"_s;
        return nullptr;
    }
    const QString name = u"rdk_t_"_s + randomToken(10);
    try {
        pqxx::connection conn(url.toStdString());
        pqxx::nontransaction tx(conn);
        tx.exec("CREATE DATABASE " + tx.quote_name(name.toStdString()));
    } catch (const std::exception &e) {
        *error = u"can't create test database: %1"_s.arg(QString::fromUtf8(e.what()));
        return nullptr;
    }
    std::unique_ptr<TestDatabase> db(new TestDatabase(url.toStdString(), name));
    if (!migrate)
        return db;

    auto migrations = data::loadMigrations();
    if (!migrations) {
        *error = migrations.error().message;
        return nullptr;
    }
    auto modules = data::loadModules();
    if (!modules) {
        *error = modules.error().message;
        return nullptr;
    }
    auto applied = data::MigrationRunner(db->ownerUrl(), migrations.value(), modules.value()).up();
    if (!applied) {
        *error = u"migrations failed: %1"_s.arg(applied.error().message);
        return nullptr;
    }
    return db;
}

TestDatabase::TestDatabase(std::string maintenanceUrl, QString name)
    : m_maintenanceUrl(std::move(maintenanceUrl)), m_name(std::move(name))
{
}

TestDatabase::~TestDatabase()
{
    try {
        pqxx::connection conn(m_maintenanceUrl);
        pqxx::nontransaction tx(conn);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(m_name.toStdString()) + " WITH (FORCE)");
        for (const QString &role : std::as_const(m_roles))
            tx.exec("DROP ROLE IF EXISTS " + tx.quote_name(role.toStdString()));
    } catch (const std::exception &e) {
        qWarning("test database cleanup failed: %s", e.what());
    }
}

std::string TestDatabase::ownerUrl() const
{
    return withDatabase(m_maintenanceUrl, m_name);
}

std::string TestDatabase::urlFor(const QString &login, const QString &password) const
{
    return withDatabase(m_maintenanceUrl, m_name, login, password);
}

QString TestDatabase::uniqueLogin(const QString &hint)
{
    const QString login = u"t%1_%2%3"_s.arg(m_name.mid(6, 6), hint).arg(++m_counter);
    m_roles.append(login);
    return login;
}

QString TestDatabase::createTenant(const QString &slug)
{
    pqxx::connection conn(ownerUrl());
    pqxx::work tx(conn);
    const auto row = tx.exec_params1("INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING id::text",
                                     slug.toStdString(), (u"Shop "_s + slug).toStdString());
    tx.commit();
    return QString::fromStdString(row[0].as<std::string>());
}

Login TestDatabase::createStaff(const QString &tenantId, const QString &role)
{
    Login login{uniqueLogin(role), randomToken(20), {}};
    pqxx::connection conn(ownerUrl());
    pqxx::work tx(conn);
    const auto row = tx.exec_params1("SELECT rdk.create_staff($1, $2, $3::uuid, $4, $5)::text",
                                     login.login.toStdString(), login.password.toStdString(),
                                     tenantId.toStdString(), role.toStdString(),
                                     (u"Test "_s + role).toStdString());
    login.profileId = QString::fromStdString(row[0].as<std::string>());
    if (role == u"admin"_s) {
        const auto secret = tx.exec_params1("SELECT rdk.owner_enroll_totp($1)", login.login.toStdString());
        m_totpSecrets.insert(login.login, base32Decode(QString::fromStdString(secret[0].as<std::string>())).value_or(QByteArray()));
    }
    tx.commit();
    return login;
}

QByteArray TestDatabase::totpSecretOf(const QString &login) const
{
    return m_totpSecrets.value(login);
}

Login TestDatabase::createServiceLogin(const QString &tenantId)
{
    Login login{uniqueLogin(u"sync"_s), randomToken(20), {}};
    pqxx::connection conn(ownerUrl());
    pqxx::work tx(conn);
    tx.exec_params("SELECT rdk.create_service_login($1, $2, $3::uuid)", login.login.toStdString(),
                   login.password.toStdString(), tenantId.toStdString());
    tx.commit();
    return login;
}

void TestDatabase::execOwner(const std::string &sql)
{
    pqxx::connection conn(ownerUrl());
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
}

} // namespace rdk::test

#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>

namespace rdk::test {

struct Login final {
    QString login;
    QString password;
    QString profileId;
};

/// A fresh database built from every migration, on the throwaway cluster that scripts/test
/// starts (RDK_TEST_PG_URL: the owner role's URL to the maintenance database). The destructor
/// drops the database and every login role the fixture created, so tests never share state.
class TestDatabase final {
public:
    /// With `migrate` false the database is left empty (for migration tests).
    static std::unique_ptr<TestDatabase> create(QString *error, bool migrate = true);
    ~TestDatabase();
    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    const QString &name() const { return m_name; }
    std::string ownerUrl() const;
    std::string urlFor(const QString &login, const QString &password) const;
    /// Owner URL of the maintenance database (to create/drop databases).
    std::string maintenanceUrl() const { return m_maintenanceUrl; }

    QString createTenant(const QString &slug);
    /// A LOGIN role in the group of `role` (staff|ops|admin) with a profile in the tenant.
    /// Admins are enrolled in TOTP at once (their secret is in totpSecretOf()).
    Login createStaff(const QString &tenantId, const QString &role);
    QByteArray totpSecretOf(const QString &login) const;
    /// A LOGIN role in rdk_sync that works for the shop `tenantId` (the database fixes it).
    Login createServiceLogin(const QString &tenantId);
    void execOwner(const std::string &sql);

    /// A login name unique to this database, so tests can run side by side on one cluster.
    QString uniqueLogin(const QString &hint);
    /// Remember a role created by other means so the destructor drops it.
    void adoptRole(const QString &login) { m_roles.append(login); }

private:
    TestDatabase(std::string maintenanceUrl, QString name);

    std::string m_maintenanceUrl;
    QString m_name;
    QStringList m_roles;
    QHash<QString, QByteArray> m_totpSecrets;
    int m_counter = 0;
};

/// Creates a test database or fails the current test with the reason.
#define RDK_CREATE_TEST_DATABASE(var)                                            \
    do {                                                                         \
        QString rdkDbError_;                                                     \
        var = ::rdk::test::TestDatabase::create(&rdkDbError_);                   \
        if (!var)                                                                \
            QFAIL(qPrintable(rdkDbError_));                                      \
    } while (false)

} // namespace rdk::test

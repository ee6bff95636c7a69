#include "app/desk/screens.h"

#include "app/runtime/config.h"
#include "data/deskconnection.h"
#include "data/pgcatalogreader.h"
#include "data/pgrepositories.h"
#include "data/pgstaffadmin.h"
#include "domain/deskaccess.h"
#include "ui/admin/auditlogscreen.h"
#include "ui/admin/staffscreen.h"
#include "ui/catalog/catalogscreen.h"
#include "ui/mainwindow.h"
#include "ui/shell/homescreen.h"

#include <QMutex>
#include <QMutexLocker>

#include <deque>
#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

/// Services a screen borrows by reference live exactly as long as the screen: they are
/// deleted when the screen's QObject part goes, after the screen's own destructor ran.
template <typename T>
T &ownedBy(QObject *screen, std::unique_ptr<T> service)
{
    T *raw = service.release();
    QObject::connect(screen, &QObject::destroyed, [raw] { delete raw; });
    return *raw;
}

/// Worker connections must be opened on the UI thread (the main session vouches for them in
/// the database), but the catalog's workers ask for their readers on their own threads. So
/// the sessions are opened here, up front, and handed out one per worker.
class PreparedSessions final {
public:
    void add(std::unique_ptr<data::PgSession> session)
    {
        QMutexLocker lock(&m_mutex);
        m_sessions.push_back(std::move(session));
    }
    std::unique_ptr<data::PgSession> take()
    {
        QMutexLocker lock(&m_mutex);
        if (m_sessions.empty())
            return nullptr;
        auto session = std::move(m_sessions.front());
        m_sessions.pop_front();
        return session;
    }

private:
    QMutex m_mutex;
    std::deque<std::unique_ptr<data::PgSession>> m_sessions;
};

// The catalog runs its list queries and its thumbnail loads on one worker thread each.
constexpr int kCatalogWorkers = 2;

QWidget *makeCatalogScreen(DeskServices &services)
{
    data::DeskConnection &connection = services.connection;
    auto prepared = std::make_shared<PreparedSessions>();
    for (int i = 0; i < kCatalogWorkers; ++i) {
        auto session = connection.openWorkerSession();
        if (session)
            prepared->add(std::move(session).value());
    }
    CatalogReaderFactory readers = [prepared]() -> Result<std::unique_ptr<CatalogReader>> {
        auto session = prepared->take();
        if (!session)
            return Error::unavailable(u"No database connection for the catalog list; reopen the catalog after the connection is back."_s);
        return std::unique_ptr<CatalogReader>(new data::PgCatalogReader(std::move(session)));
    };
    auto products = std::make_unique<data::PgProductRepository>(connection.mainSession());
    auto reader = std::make_unique<data::PgCatalogReader>(connection.mainSession());
    auto *screen = new CatalogScreen(std::move(readers), *products, *reader, connection.user().currency);
    ownedBy(screen, std::move(products));
    ownedBy(screen, std::move(reader));
    return screen;
}

QWidget *makeStaffScreen(DeskServices &services)
{
    auto staff = std::make_unique<data::PgStaffAdministration>(services.connection.mainSession());
    auto *screen = new StaffScreen(*staff);
    ownedBy(screen, std::move(staff));
    return screen;
}

QWidget *makeAuditLogScreen(DeskServices &services)
{
    auto log = std::make_unique<data::PgAuditLog>(services.connection.mainSession());
    auto *screen = new AuditLogScreen(*log);
    ownedBy(screen, std::move(log));
    data::PgStaffAdministration staff(services.connection.mainSession());
    if (auto people = staff.listStaff()) {
        QStringList logins;
        for (const StaffMember &member : *people)
            logins.append(member.login);
        screen->setKnownPeople(logins);
    }
    return screen;
}

} // namespace

void registerScreens(MainWindow &window, DeskServices &services)
{
    const SignedInUser &user = services.connection.user();
    if (mayOpen(user.role, ScreenKey::Catalog))
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::Catalog), makeCatalogScreen(services));
    if (mayOpen(user.role, ScreenKey::Staff))
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::Staff), makeStaffScreen(services));
    if (mayOpen(user.role, ScreenKey::AuditLog))
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::AuditLog), makeAuditLogScreen(services));

    window.setHomeScreen(new HomeScreen(user, services.connection.server(), window.navigationTitles()));
}

} // namespace rdk

// Renders the dashboard of the demo store offscreen into a PNG (docs/screenshots/desk-dashboard.png).
// usage: RDK_TEST_PG_URL=... rdk_dashboard_screenshot OUT.png [WIDTH HEIGHT]
// Builds a throwaway database, seeds the demo shop exactly as `rdk-admin seed-demo` does, adds
// two months of storefront visits (the demo seeder records none) with the bulk generator, and
// signs in as an ops login of that shop.
#include "data/pgdashboard.h"
#include "data/seed/demoseeder.h"
#include "tests/support/testdatabase.h"
#include "ui/dashboard/dashboardscreen.h"

#include <QApplication>
#include <QTextStream>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QTextStream err(stderr);
    if (argc < 2) {
        err << "usage: rdk_dashboard_screenshot OUT.png [WIDTH HEIGHT]" << Qt::endl;
        return 64;
    }
    QString error;
    auto db = test::TestDatabase::create(&error);
    if (!db) {
        err << error << Qt::endl;
        return 1;
    }
    const QString tenant = db->createTenant(u"demo"_s);
    db->execOwner("UPDATE tenants SET name = 'Real Deal Kickz', timezone = 'America/New_York' WHERE id = '" + tenant.toStdString() + "'");
    auto owner = data::PgSession::open(db->ownerUrl());
    if (!owner)
        return 1;
    auto seeded = data::DemoSeeder(**owner).seed(u"demo"_s, QDateTime::currentDateTimeUtc());
    if (!seeded) {
        err << seeded.error().message << Qt::endl;
        return 1;
    }
    data::BulkSeedOptions visits;
    visits.products = 0;
    visits.orders = 0;
    visits.views = 14000;
    visits.days = 60;
    if (auto v = data::PgDashboardMaintenance(**owner).seedBulk(u"demo"_s, visits, {}); !v) {
        err << v.error().message << Qt::endl;
        return 1;
    }
    const test::Login ops = db->createStaff(tenant, u"ops"_s);
    DashboardScreen screen(data::PgDashboardSource::factory(db->urlFor(ops.login, ops.password)));
    screen.resize(argc > 3 ? atoi(argv[2]) : 1440, argc > 3 ? atoi(argv[3]) : 1240);
    screen.show();
    while (screen.isLoading())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    QCoreApplication::processEvents();
    if (!screen.grab().save(QString::fromLocal8Bit(argv[1]), "PNG")) {
        err << "can't write " << argv[1] << Qt::endl;
        return 1;
    }
    QTextStream(stdout) << "wrote " << argv[1] << " (" << seeded->orders << " demo orders)" << Qt::endl;
    return 0;
}

#include "domain/deskaccess.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

int rank(StaffRole role)
{
    switch (role) {
    case StaffRole::Staff: return 0;
    case StaffRole::Ops: return 1;
    case StaffRole::Admin: return 2;
    }
    return 0;
}

} // namespace

QList<ScreenKey> allScreens()
{
    return {ScreenKey::Catalog, ScreenKey::PointOfSale, ScreenKey::Orders,
            ScreenKey::Dashboard, ScreenKey::Staff, ScreenKey::AuditLog, ScreenKey::Customers};
}

QString toString(ScreenKey key)
{
    switch (key) {
    case ScreenKey::Catalog: return u"catalog"_s;
    case ScreenKey::PointOfSale: return u"point_of_sale"_s;
    case ScreenKey::Orders: return u"orders"_s;
    case ScreenKey::Dashboard: return u"dashboard"_s;
    case ScreenKey::Staff: return u"staff"_s;
    case ScreenKey::AuditLog: return u"audit_log"_s;
    case ScreenKey::Customers: return u"customers"_s;
    }
    return {};
}

QString screenTitle(ScreenKey key)
{
    switch (key) {
    case ScreenKey::Catalog: return u"Catalog"_s;
    case ScreenKey::PointOfSale: return u"Point of Sale"_s;
    case ScreenKey::Orders: return u"Orders"_s;
    case ScreenKey::Dashboard: return u"Dashboard"_s;
    case ScreenKey::Staff: return u"Staff"_s;
    case ScreenKey::AuditLog: return u"Audit log"_s;
    case ScreenKey::Customers: return u"Customers"_s;
    }
    return {};
}

StaffRole minimumRoleFor(ScreenKey key)
{
    switch (key) {
    case ScreenKey::Staff:
    case ScreenKey::AuditLog:
        return StaffRole::Admin;
    case ScreenKey::Catalog:
    case ScreenKey::PointOfSale:
    case ScreenKey::Orders:
    case ScreenKey::Dashboard:
    case ScreenKey::Customers:
        return StaffRole::Staff;
    }
    return StaffRole::Admin;
}

bool roleAtLeast(StaffRole role, StaffRole minimum)
{
    return rank(role) >= rank(minimum);
}

} // namespace rdk

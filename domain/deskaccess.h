#pragma once

#include "domain/staff.h"

#include <QList>
#include <QString>

namespace rdk {

/// The back office's main screens, in navigation order.
enum class ScreenKey { Catalog, PointOfSale, Orders, Dashboard, Staff, AuditLog, Customers };

/// Every screen, in navigation order.
QList<ScreenKey> allScreens();
/// Stable names: "catalog", "point_of_sale", "orders", "dashboard", "staff", "audit_log", "customers".
QString toString(ScreenKey key);
/// Titles people read: "Catalog", "Point of Sale", ...
QString screenTitle(ScreenKey key);

/// The lowest role that may open a screen: Staff and Audit log need admin, the rest any
/// staff member. The database enforces the same line on every query; this only decides what
/// the window offers.
StaffRole minimumRoleFor(ScreenKey key);

/// staff < ops < admin.
bool roleAtLeast(StaffRole role, StaffRole minimum);

inline bool mayOpen(StaffRole role, ScreenKey key)
{
    return roleAtLeast(role, minimumRoleFor(key));
}

} // namespace rdk

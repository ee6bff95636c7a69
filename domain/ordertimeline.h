#pragma once

// An order's life as staff read it, built from its audit log entries (entity "order"):
// "Pending → Paid", "Paid → Shipped (UPS 1Z999)", "Refund of $50.00 requested: damaged box".

#include "domain/auditlog.h"
#include "domain/orderbook.h"

#include <QList>

namespace rdk {

/// One audit entry of an order as a sentence. Unknown actions still read ("update:
/// carrier, tracking_number") so nothing in the trail is hidden.
OrderTimelineEntry orderTimelineEntry(const AuditEntry &entry);

/// The entries oldest first (by time, then audit id), each as a sentence.
QList<OrderTimelineEntry> buildOrderTimeline(QList<AuditEntry> entries);

/// The history any staff role can read when the audit log is closed to it (only admins read
/// audit_log): placed, paid, shipped or picked up, canceled, and each refund request with
/// who asked, why and where it stands. Oldest first. `fulfilledAt` and `canceledAt` are the
/// order's own timestamps (shipping sets fulfilledAt too).
QList<OrderTimelineEntry> orderTimelineFromFacts(const OrderDetail &order, const QDateTime &fulfilledAt,
                                                 const QDateTime &canceledAt);

} // namespace rdk

#pragma once

#include "domain/mailmessage.h"
#include "domain/result.h"

#include <QJsonObject>
#include <QString>

namespace rdk {

/// What every mail says about the shop besides its name (which comes with the row): from
/// rdk-sync's settings (RDK_MAIL_SHOP_ADDRESS, RDK_MAIL_POLICIES, RDK_PUBLIC_URL). The shop's address in a
/// mail's payload (its shop settings at the event, payload.shop.address) is used instead when set.
struct MailShopDetails final {
    QString address;        ///< one line: street, city, phone
    QString policies;       ///< one short paragraph: returns, shipping, contact
    QString storefrontUrl;  ///< where the order lookup page is; empty = no link
};

/// The kinds of mail the outbox holds (mail_outbox.kind).
bool isKnownMailKind(const QString &kind);

/// Renders an outbox row: subject, plain text and HTML from `payload` (the snapshot the
/// database took at the event, rdk.mail_order_payload) in the order's currency and the shop's
/// time zone. Everything from the data is escaped in the HTML and kept on one line in the
/// subject. Invalid for an unknown kind or a payload without an order number, shop or currency.
Result<MailContent> renderMail(const QString &kind, const QJsonObject &payload, const MailShopDetails &shop);

/// "7 Dec 2026, 14:05 CET": an ISO timestamp from the database in the shop's time zone (an
/// IANA name; UTC when unknown). Empty for an empty or unreadable timestamp.
QString formatShopTime(const QString &isoTimestamp, const QString &timeZone);

} // namespace rdk

#include "sync/sandbox/stripeobjects.h"

#include "domain/moneyformat.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {
namespace {

QJsonValue nullable(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonArray stringArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

const QJsonValue kNull(QJsonValue::Null);

} // namespace

QJsonObject metadataJson(const Metadata &metadata)
{
    QJsonObject out;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

QString toString(SessionStatus status)
{
    switch (status) {
    case SessionStatus::Open: return u"open"_s;
    case SessionStatus::Complete: return u"complete"_s;
    case SessionStatus::Expired: return u"expired"_s;
    }
    return {};
}

QString toString(PaymentStatus status)
{
    return status == PaymentStatus::Paid ? u"paid"_s : u"unpaid"_s;
}

QJsonObject Product::toJson() const
{
    return {{u"id"_s, id},
            {u"object"_s, u"product"_s},
            {u"active"_s, true},
            {u"created"_s, created},
            {u"description"_s, kNull},
            {u"images"_s, stringArray(images)},
            {u"livemode"_s, false},
            {u"metadata"_s, QJsonObject()},
            {u"name"_s, name},
            {u"type"_s, u"service"_s},
            {u"updated"_s, created}};
}

QJsonObject Price::toJson() const
{
    return {{u"id"_s, id},
            {u"object"_s, u"price"_s},
            {u"active"_s, true},
            {u"billing_scheme"_s, u"per_unit"_s},
            {u"created"_s, created},
            {u"currency"_s, currency},
            {u"custom_unit_amount"_s, kNull},
            {u"livemode"_s, false},
            {u"lookup_key"_s, kNull},
            {u"metadata"_s, metadataJson(metadata)},
            {u"nickname"_s, nullable(nickname)},
            {u"product"_s, productId},
            {u"recurring"_s, kNull},
            {u"tax_behavior"_s, u"unspecified"_s},
            {u"tiers_mode"_s, kNull},
            {u"transform_quantity"_s, kNull},
            {u"type"_s, u"one_time"_s},
            {u"unit_amount"_s, unitAmount},
            {u"unit_amount_decimal"_s, QString::number(unitAmount)}};
}

QJsonObject LineItem::toJson() const
{
    return {{u"id"_s, id},
            {u"object"_s, u"item"_s},
            {u"amount_discount"_s, 0},
            {u"amount_subtotal"_s, amount()},
            {u"amount_tax"_s, 0},
            {u"amount_total"_s, amount()},
            {u"currency"_s, price.currency},
            {u"description"_s, price.productName},
            {u"price"_s, price.toJson()},
            {u"quantity"_s, quantity}};
}

QJsonObject CheckoutSession::toJson(const QString &publicBase) const
{
    QJsonValue customerDetails = kNull;
    if (status == SessionStatus::Complete) {
        customerDetails = QJsonObject{{u"address"_s, shippingDetails.isEmpty() ? kNull : shippingDetails.value(u"address"_s)},
                                      {u"email"_s, nullable(customerDetailsEmail)},
                                      {u"name"_s, shippingDetails.isEmpty() ? kNull : shippingDetails.value(u"name"_s)},
                                      {u"phone"_s, nullable(customerPhone)},
                                      {u"tax_exempt"_s, u"none"_s},
                                      {u"tax_ids"_s, QJsonArray()}};
    }
    QJsonValue shipping = kNull;
    if (allowedCountries)
        shipping = QJsonObject{{u"allowed_countries"_s, stringArray(*allowedCountries)}};
    QJsonArray options;
    for (const ShippingChoice &choice : shippingOptions)
        options.append(QJsonObject{{u"shipping_amount"_s, choice.amount}, {u"shipping_rate"_s, choice.rateId}});
    QJsonValue shippingCost = kNull;
    if (selectedShipping >= 0 && selectedShipping < shippingOptions.size()) {
        shippingCost = QJsonObject{{u"amount_subtotal"_s, amountShipping()}, {u"amount_tax"_s, 0},
                                   {u"amount_total"_s, amountShipping()},
                                   {u"shipping_rate"_s, shippingOptions.at(selectedShipping).rateId}};
    }
    // Stripe computes the tax once it knows where the customer is.
    QJsonValue taxStatus = kNull;
    if (automaticTax)
        taxStatus = status == SessionStatus::Complete ? u"complete"_s : u"requires_location_inputs"_s;
    return {{u"id"_s, id},
            {u"object"_s, u"checkout.session"_s},
            {u"after_expiration"_s, kNull},
            {u"allow_promotion_codes"_s, kNull},
            {u"amount_subtotal"_s, amountSubtotal},
            {u"amount_total"_s, amountTotal},
            {u"automatic_tax"_s, QJsonObject{{u"enabled"_s, automaticTax},
                                             {u"liability"_s, automaticTax ? QJsonValue(QJsonObject{{u"type"_s, u"self"_s}}) : kNull},
                                             {u"status"_s, taxStatus}}},
            {u"billing_address_collection"_s, kNull},
            {u"cancel_url"_s, nullable(cancelUrl)},
            {u"client_reference_id"_s, nullable(clientReferenceId)},
            {u"client_secret"_s, kNull},
            {u"consent"_s, kNull},
            {u"consent_collection"_s, kNull},
            {u"created"_s, created},
            {u"currency"_s, currency},
            {u"currency_conversion"_s, kNull},
            {u"custom_fields"_s, QJsonArray()},
            {u"custom_text"_s, QJsonObject{{u"after_submit"_s, kNull}, {u"shipping_address"_s, kNull},
                                           {u"submit"_s, kNull}, {u"terms_of_service_acceptance"_s, kNull}}},
            {u"customer"_s, kNull},
            {u"customer_creation"_s, u"if_required"_s},
            {u"customer_details"_s, customerDetails},
            {u"customer_email"_s, nullable(customerEmail)},
            {u"expires_at"_s, expiresAt},
            {u"invoice"_s, kNull},
            {u"livemode"_s, false},
            {u"locale"_s, kNull},
            {u"metadata"_s, metadataJson(metadata)},
            {u"mode"_s, u"payment"_s},
            {u"payment_intent"_s, nullable(paymentIntentId)},
            {u"payment_link"_s, nullable(paymentLinkId)},
            {u"payment_method_collection"_s, u"if_required"_s},
            {u"payment_method_options"_s, QJsonObject()},
            {u"payment_method_types"_s, stringArray(paymentMethodTypes)},
            {u"payment_status"_s, toString(paymentStatus)},
            {u"phone_number_collection"_s, QJsonObject{{u"enabled"_s, phoneCollection}}},
            {u"recovered_from"_s, kNull},
            {u"setup_intent"_s, kNull},
            {u"shipping_address_collection"_s, shipping},
            {u"shipping_cost"_s, shippingCost},
            {u"shipping_details"_s, shippingDetails.isEmpty() ? kNull : QJsonValue(shippingDetails)},
            {u"shipping_options"_s, options},
            {u"status"_s, toString(status)},
            {u"submit_type"_s, kNull},
            {u"subscription"_s, kNull},
            {u"success_url"_s, nullable(successUrl)},
            {u"total_details"_s, QJsonObject{{u"amount_discount"_s, 0}, {u"amount_shipping"_s, amountShipping()},
                                             {u"amount_tax"_s, amountTax}}},
            {u"ui_mode"_s, u"hosted"_s},
            // Like Stripe: the URL is only there while the customer can still pay.
            {u"url"_s, status == SessionStatus::Open ? QJsonValue(publicBase + u"/pay/"_s + id) : kNull}};
}

QJsonObject PaymentIntent::toJson() const
{
    return {{u"id"_s, id},
            {u"object"_s, u"payment_intent"_s},
            {u"amount"_s, amount},
            {u"amount_capturable"_s, 0},
            {u"amount_received"_s, status == u"succeeded"_s ? amount : 0},
            {u"application"_s, kNull},
            {u"canceled_at"_s, kNull},
            {u"cancellation_reason"_s, kNull},
            {u"capture_method"_s, u"automatic_async"_s},
            {u"client_secret"_s, clientSecret},
            {u"confirmation_method"_s, u"automatic"_s},
            {u"created"_s, created},
            {u"currency"_s, currency},
            {u"customer"_s, kNull},
            {u"description"_s, kNull},
            {u"last_payment_error"_s, kNull},
            {u"latest_charge"_s, nullable(latestChargeId)},
            {u"livemode"_s, false},
            {u"metadata"_s, metadataJson(metadata)},
            {u"next_action"_s, kNull},
            {u"payment_method"_s, nullable(paymentMethodId)},
            {u"payment_method_types"_s, QJsonArray{u"card"_s}},
            {u"receipt_email"_s, nullable(receiptEmail)},
            {u"status"_s, status}};
}

QJsonObject Charge::toJson() const
{
    const QJsonObject address{{u"city"_s, kNull}, {u"country"_s, kNull}, {u"line1"_s, kNull},
                              {u"line2"_s, kNull}, {u"postal_code"_s, kNull}, {u"state"_s, kNull}};
    return {{u"id"_s, id},
            {u"object"_s, u"charge"_s},
            {u"amount"_s, amount},
            {u"amount_captured"_s, amount},
            {u"amount_refunded"_s, amountRefunded},
            {u"application"_s, kNull},
            {u"application_fee"_s, kNull},
            {u"application_fee_amount"_s, kNull},
            {u"balance_transaction"_s, kNull},
            {u"billing_details"_s, QJsonObject{{u"address"_s, address}, {u"email"_s, nullable(email)},
                                               {u"name"_s, kNull}, {u"phone"_s, kNull}}},
            {u"calculated_statement_descriptor"_s, u"RDK SANDBOX"_s},
            {u"captured"_s, true},
            {u"created"_s, created},
            {u"currency"_s, currency},
            {u"customer"_s, kNull},
            {u"description"_s, kNull},
            {u"disputed"_s, false},
            {u"failure_code"_s, kNull},
            {u"failure_message"_s, kNull},
            {u"fraud_details"_s, QJsonObject()},
            {u"invoice"_s, kNull},
            {u"livemode"_s, false},
            {u"metadata"_s, metadataJson(metadata)},
            {u"on_behalf_of"_s, kNull},
            {u"outcome"_s, QJsonObject{{u"network_status"_s, u"approved_by_network"_s}, {u"reason"_s, kNull},
                                       {u"risk_level"_s, u"normal"_s}, {u"seller_message"_s, u"Payment complete."_s},
                                       {u"type"_s, u"authorized"_s}}},
            {u"paid"_s, true},
            {u"payment_intent"_s, paymentIntentId},
            {u"payment_method"_s, nullable(paymentMethodId)},
            {u"payment_method_details"_s,
             QJsonObject{{u"card"_s, QJsonObject{{u"brand"_s, u"visa"_s}, {u"country"_s, u"US"_s}, {u"exp_month"_s, 12},
                                                 {u"exp_year"_s, 2034}, {u"fingerprint"_s, nullable(cardFingerprint)},
                                                 {u"funding"_s, u"credit"_s}, {u"last4"_s, cardLast4}}},
                         {u"type"_s, u"card"_s}}},
            {u"receipt_email"_s, nullable(email)},
            {u"receipt_url"_s, kNull},
            {u"refunded"_s, refunded()},
            {u"review"_s, kNull},
            {u"shipping"_s, kNull},
            {u"source"_s, kNull},
            {u"status"_s, u"succeeded"_s},
            {u"transfer_data"_s, kNull},
            {u"transfer_group"_s, kNull}};
}

QJsonObject Refund::toJson() const
{
    return {{u"id"_s, id},
            {u"object"_s, u"refund"_s},
            {u"amount"_s, amount},
            {u"balance_transaction"_s, kNull},
            {u"charge"_s, chargeId},
            {u"created"_s, created},
            {u"currency"_s, currency},
            {u"metadata"_s, metadataJson(metadata)},
            {u"payment_intent"_s, paymentIntentId},
            {u"reason"_s, nullable(reason)},
            {u"receipt_number"_s, kNull},
            {u"source_transfer_reversal"_s, kNull},
            {u"status"_s, u"succeeded"_s},
            {u"transfer_reversal"_s, kNull}};
}

qint64 PaymentLink::amountTotal() const
{
    qint64 total = 0;
    for (const LineItem &item : lineItems)
        total += item.amount();
    return total;
}

QJsonObject PaymentLink::toJson(const QString &publicBase) const
{
    QJsonObject after{{u"type"_s, afterCompletion == AfterCompletion::Redirect ? u"redirect"_s : u"hosted_confirmation"_s}};
    if (afterCompletion == AfterCompletion::Redirect)
        after.insert(u"redirect"_s, QJsonObject{{u"url"_s, redirectUrl}});
    else
        after.insert(u"hosted_confirmation"_s, QJsonObject{{u"custom_message"_s, nullable(customMessage)}});
    QJsonValue restrictions = kNull;
    if (completedSessionsLimit) {
        restrictions = QJsonObject{{u"completed_sessions"_s,
                                    QJsonObject{{u"count"_s, completedSessions}, {u"limit"_s, *completedSessionsLimit}}}};
    }
    QJsonValue intentData = kNull;
    if (!paymentIntentMetadata.isEmpty()) {
        intentData = QJsonObject{{u"capture_method"_s, u"automatic_async"_s}, {u"description"_s, kNull},
                                 {u"metadata"_s, metadataJson(paymentIntentMetadata)}, {u"setup_future_usage"_s, kNull},
                                 {u"statement_descriptor"_s, kNull}, {u"statement_descriptor_suffix"_s, kNull},
                                 {u"transfer_group"_s, kNull}};
    }
    return {{u"id"_s, id},
            {u"object"_s, u"payment_link"_s},
            {u"active"_s, active},
            {u"after_completion"_s, after},
            {u"allow_promotion_codes"_s, false},
            {u"application"_s, kNull},
            {u"application_fee_amount"_s, kNull},
            {u"application_fee_percent"_s, kNull},
            {u"automatic_tax"_s, QJsonObject{{u"enabled"_s, false}, {u"liability"_s, kNull}}},
            {u"billing_address_collection"_s, u"auto"_s},
            {u"consent_collection"_s, kNull},
            {u"currency"_s, currency},
            {u"custom_fields"_s, QJsonArray()},
            {u"customer_creation"_s, u"if_required"_s},
            {u"inactive_message"_s, kNull},
            {u"invoice_creation"_s, kNull},
            {u"livemode"_s, false},
            {u"metadata"_s, metadataJson(metadata)},
            {u"on_behalf_of"_s, kNull},
            {u"payment_intent_data"_s, intentData},
            {u"payment_method_collection"_s, u"always"_s},
            {u"payment_method_types"_s, paymentMethodTypes.isEmpty() ? kNull : QJsonValue(stringArray(paymentMethodTypes))},
            {u"phone_number_collection"_s, QJsonObject{{u"enabled"_s, false}}},
            {u"restrictions"_s, restrictions},
            {u"shipping_address_collection"_s, kNull},
            {u"shipping_options"_s, QJsonArray()},
            {u"submit_type"_s, u"auto"_s},
            {u"subscription_data"_s, kNull},
            {u"tax_id_collection"_s, QJsonObject{{u"enabled"_s, false}, {u"required"_s, u"never"_s}}},
            {u"transfer_data"_s, kNull},
            {u"url"_s, publicBase + u"/pay/"_s + id}};
}

} // namespace rdk::sandbox

namespace rdk::sandbox {

QString displayAmount(qint64 minor, const QString &currency)
{
    const auto money = Money::of(minor, currency.toUpper());
    if (!money)
        return u"%1 %2"_s.arg(QString::number(minor), currency);
    return formatMoney(*money);
}

} // namespace rdk::sandbox

#include "sync/stripe/stripeevent.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

// The largest whole number a JSON double carries exactly. Real amounts are far below it;
// anything above is refused rather than silently rounded.
constexpr double MaxAmount = 9007199254740991.0;  // 2^53 - 1
constexpr qsizetype MaxIdLength = 255;

Error bad(const QString &field, const QString &what)
{
    return Error::invalid(u"Stripe sent data we can't use: %1 %2."_s.arg(field, what), field);
}

bool isIdChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_';
}

bool isEventId(const QString &id)
{
    // ^evt_[A-Za-z0-9_]{1,250}$
    if (!id.startsWith(u"evt_"_s) || id.size() < 5 || id.size() > 254)
        return false;
    return std::all_of(id.begin() + 4, id.end(), isIdChar);
}

bool isObjectId(const QString &id)
{
    return !id.isEmpty() && id.size() <= MaxIdLength && std::all_of(id.begin(), id.end(), isIdChar);
}

/// A whole number of minor units >= 0. Qt's parser already turns "12.0" into 12 (the same
/// amount); "12.5", "-1", "\"12\"", 1e30 and friends are refused. `absent` is returned for
/// a missing or null field when the field is optional.
Result<qint64> amountField(const QJsonObject &object, const QString &name, const QString &path,
                           std::optional<qint64> absent)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined() || value.isNull()) {
        if (absent)
            return *absent;
        return bad(path, u"is missing"_s);
    }
    if (!value.isDouble())
        return bad(path, u"must be a number (minor units), not text or another type"_s);
    const double number = value.toDouble();
    if (!std::isfinite(number) || number != std::floor(number))
        return bad(path, u"must be a whole number of minor units (cents)"_s);
    if (number < 0)
        return bad(path, u"must not be negative"_s);
    if (number > MaxAmount)
        return bad(path, u"is too large to be a real amount"_s);
    return qint64(number);
}

/// Strings Stripe may send as null; any other type is an error.
Result<QString> optionalString(const QJsonObject &object, const QString &name, const QString &path)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return bad(path, u"must be text"_s);
    return value.toString();
}

/// A reference to another object: its id as a string, or the object itself when the
/// caller asked Stripe to expand it.
Result<QString> expandableId(const QJsonObject &object, const QString &name, const QString &path)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (value.isObject())
        return optionalString(value.toObject(), u"id"_s, path + u".id"_s);
    if (!value.isString())
        return bad(path, u"must be an id"_s);
    return value.toString();
}

Result<QString> currencyField(const QJsonObject &object, const QString &path, bool required)
{
    const Result<QString> text = optionalString(object, u"currency"_s, path);
    if (!text)
        return text.error();
    if (text->isEmpty())
        return required ? Result<QString>(bad(path, u"is missing"_s)) : Result<QString>(QString());
    const QString upper = text->toUpper();
    const bool iso = upper.size() == 3
        && std::all_of(upper.begin(), upper.end(), [](QChar c) { return c >= u'A' && c <= u'Z'; });
    if (!iso)
        return bad(path, u"must be a three-letter ISO currency code"_s);
    return upper;
}

/// metadata.order_id when it is a non-empty string (metadata values always are on Stripe).
QString metadataOrderId(const QJsonObject &object)
{
    const QJsonValue value = object.value(u"metadata"_s).toObject().value(u"order_id"_s);
    return value.isString() ? value.toString() : QString();
}

Status requireObjectType(const QJsonObject &object, const QString &expected, const QString &path)
{
    if (object.value(u"object"_s).toString() != expected)
        return bad(path + u".object"_s, u"must be \"%1\""_s.arg(expected));
    const QJsonValue id = object.value(u"id"_s);
    if (!id.isString() || !isObjectId(id.toString()))
        return bad(path + u".id"_s, u"is missing or not a Stripe id"_s);
    return {};
}

// Collects the first error of a sequence of field reads without a ladder of ifs.
class FieldReader final {
public:
    explicit FieldReader(QString prefix) : m_prefix(std::move(prefix)) {}

    QString string(const QJsonObject &object, const QString &name)
    {
        return take(optionalString(object, name, m_prefix + name), QString());
    }
    QString reference(const QJsonObject &object, const QString &name)
    {
        return take(expandableId(object, name, m_prefix + name), QString());
    }
    qint64 amount(const QJsonObject &object, const QString &name, std::optional<qint64> absent)
    {
        return take(amountField(object, name, m_prefix + name, absent), qint64(0));
    }
    QString currency(const QJsonObject &object, bool required)
    {
        return take(currencyField(object, m_prefix + u"currency"_s, required), QString());
    }
    void fail(Error error)
    {
        if (!m_error)
            m_error = std::move(error);
    }
    const std::optional<Error> &error() const { return m_error; }

private:
    template <typename T>
    T take(Result<T> result, T fallback)
    {
        if (result)
            return std::move(result).value();
        fail(result.error());
        return fallback;
    }

    QString m_prefix;
    std::optional<Error> m_error;
};

Result<StripeCheckoutSession> readSession(const QJsonObject &o, const QString &path)
{
    if (const Status typed = requireObjectType(o, u"checkout.session"_s, path); !typed)
        return typed.error();
    FieldReader read(path + u'.');
    StripeCheckoutSession s;
    s.id = o.value(u"id"_s).toString();
    s.paymentStatus = read.string(o, u"payment_status"_s);
    s.status = read.string(o, u"status"_s);
    s.amountTotal = read.amount(o, u"amount_total"_s, qint64(-1));
    s.currency = read.currency(o, false);
    s.orderId = metadataOrderId(o);
    if (s.orderId.isEmpty())
        s.orderId = read.string(o, u"client_reference_id"_s);
    s.paymentIntent = read.reference(o, u"payment_intent"_s);
    s.paymentLink = read.reference(o, u"payment_link"_s);
    s.customerEmail = o.value(u"customer_details"_s).toObject().value(u"email"_s).toString();
    if (s.customerEmail.isEmpty())
        s.customerEmail = read.string(o, u"customer_email"_s);

    // API 2024-06-20 sends shipping_details at the top; newer versions moved it under
    // collected_information. Prefer the newer place, accept both.
    QJsonObject shipping = o.value(u"collected_information"_s).toObject().value(u"shipping_details"_s).toObject();
    if (shipping.isEmpty())
        shipping = o.value(u"shipping_details"_s).toObject();
    s.shippingAddress = shipping.value(u"address"_s).toObject();
    s.shippingName = shipping.value(u"name"_s).toString();
    s.customerPhone = o.value(u"customer_details"_s).toObject().value(u"phone"_s).toString();

    // What Stripe charged besides the items: null objects before payment.
    const QJsonObject cost = o.value(u"shipping_cost"_s).toObject();
    FieldReader readCost(path + u".shipping_cost."_s);
    s.shippingRate = readCost.reference(cost, u"shipping_rate"_s);
    FieldReader readTotals(path + u".total_details."_s);
    const QJsonObject totals = o.value(u"total_details"_s).toObject();
    s.amountShipping = readTotals.amount(totals, u"amount_shipping"_s, qint64(-1));
    s.amountTax = readTotals.amount(totals, u"amount_tax"_s, qint64(-1));
    for (const FieldReader *nested : {&readCost, &readTotals}) {
        if (nested->error())
            read.fail(*nested->error());
    }

    if (read.error())
        return *read.error();
    return s;
}

Result<StripeCharge> readCharge(const QJsonObject &o, const QString &path)
{
    if (const Status typed = requireObjectType(o, u"charge"_s, path); !typed)
        return typed.error();
    FieldReader read(path + u'.');
    StripeCharge c;
    c.id = o.value(u"id"_s).toString();
    c.paymentIntent = read.reference(o, u"payment_intent"_s);
    c.amount = read.amount(o, u"amount"_s, std::nullopt);
    c.amountRefunded = read.amount(o, u"amount_refunded"_s, qint64(0));
    const QJsonValue refunded = o.value(u"refunded"_s);
    if (refunded.isBool())
        c.refunded = refunded.toBool();
    else if (!refunded.isUndefined() && !refunded.isNull())
        read.fail(bad(path + u".refunded"_s, u"must be true or false"_s));
    c.currency = read.currency(o, true);
    c.orderId = metadataOrderId(o);
    // Read leniently: only a plain, short token is kept (Stripe's are 16 characters).
    static const QRegularExpression token(u"^[A-Za-z0-9_-]{1,100}$"_s);
    const QString fingerprint = o.value(u"payment_method_details"_s).toObject().value(u"card"_s).toObject()
                                    .value(u"fingerprint"_s).toString();
    if (token.match(fingerprint).hasMatch())
        c.cardFingerprint = fingerprint;
    if (read.error())
        return *read.error();
    if (c.amountRefunded > c.amount)
        return bad(path + u".amount_refunded"_s, u"is larger than the charge's amount"_s);
    return c;
}

} // namespace

StripeEventKind stripeEventKind(const QString &type)
{
    for (const HandledStripeEvent &handled : HandledStripeEvents) {
        if (type == QStringView(handled.type))
            return handled.kind;
    }
    return StripeEventKind::Other;
}

QStringList handledStripeEventTypes()
{
    QStringList types;
    for (const HandledStripeEvent &handled : HandledStripeEvents)
        types.append(QString::fromUtf16(handled.type));
    return types;
}

Result<StripeCheckoutSession> parseCheckoutSession(const QJsonObject &object)
{
    return readSession(object, u"checkout.session"_s);
}

Result<StripeCharge> parseCharge(const QJsonObject &object)
{
    return readCharge(object, u"charge"_s);
}

Result<StripeEvent> parseStripeEvent(QByteArrayView body)
{
    if (body.size() > MaxStripeEventBytes)
        return Error::invalid(u"The Stripe event is larger than 1 MiB; real events are a few KiB, so it "
                              "was refused unread."_s);
    if (body.trimmed().isEmpty())
        return Error::invalid(u"The Stripe event is empty."_s);

    // QJsonDocument limits nesting (1024 levels) itself, which bounds the parser's stack.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::invalid(u"The Stripe event is not valid JSON (%1 at byte %2)."_s
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset));
    if (!document.isObject())
        return Error::invalid(u"The Stripe event is not a JSON object."_s);
    const QJsonObject root = document.object();

    StripeEvent event;
    const QJsonValue id = root.value(u"id"_s);
    if (!id.isString() || !isEventId(id.toString()))
        return bad(u"id"_s, u"is missing or not a Stripe event id (evt_...)"_s);
    event.id = id.toString();

    const QJsonValue type = root.value(u"type"_s);
    if (!type.isString() || type.toString().isEmpty() || type.toString().size() > MaxIdLength)
        return bad(u"type"_s, u"is missing or not text"_s);
    event.type = type.toString();

    const QJsonValue created = root.value(u"created"_s);
    if (!created.isUndefined()) {
        const double seconds = created.toDouble(-1);
        if (!created.isDouble() || seconds < 0 || seconds != std::floor(seconds) || seconds > MaxAmount)
            return bad(u"created"_s, u"must be a time in whole seconds"_s);
        event.created = qint64(seconds);
    }

    const QJsonValue object = root.value(u"data"_s).toObject().value(u"object"_s);
    if (!object.isObject())
        return bad(u"data.object"_s, u"is missing or not an object"_s);

    const StripeEventKind kind = stripeEventKind(event.type);
    if (kind == StripeEventKind::ChargeRefunded || kind == StripeEventKind::ChargeSucceeded) {
        Result<StripeCharge> charge = readCharge(object.toObject(), u"data.object"_s);
        if (!charge)
            return charge.error();
        event.kind = kind;
        event.charge = std::move(charge).value();
    } else if (kind != StripeEventKind::Other) {
        Result<StripeCheckoutSession> session = readSession(object.toObject(), u"data.object"_s);
        if (!session)
            return session.error();
        event.kind = kind;
        event.session = std::move(session).value();
    }
    return event;
}

} // namespace rdk::sync

#include "sync/sandbox/sandboxstore.h"

#include "sync/sandbox/idgenerator.h"
#include "sync/sandbox/paramreader.h"
#include "sync/sandbox/paramschema.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {
namespace {

constexpr qint64 kMaxQuantity = 999'999;
constexpr int kMaxLineItems = 100;

QStringList operator+(const QStringList &path, const QString &segment)
{
    QStringList out = path;
    out.append(segment);
    return out;
}

/// An error found while checking parameters: not saved for idempotent replay.
StripeError validation(QString message, QString param = {}, QString code = {})
{
    StripeError e = StripeError::invalid(std::move(message), std::move(param), std::move(code));
    e.replayable = false;
    return e;
}

bool isEmailAddress(const QString &text)
{
    static const QRegularExpression pattern(u"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"_s);
    return text.size() <= 512 && pattern.match(text).hasMatch();
}

} // namespace

SandboxStore::SandboxStore(QString publicBase, Clock clock)
    : m_publicBase(std::move(publicBase)), m_clock(std::move(clock))
{
    if (!m_clock)
        m_clock = [] { return QDateTime::currentSecsSinceEpoch(); };
}

qint64 SandboxStore::now() const
{
    return m_clock();
}

void SandboxStore::emitEvent(const QString &type, const QJsonObject &object, const QJsonObject &previous,
                             const EventRequest &request) const
{
    if (m_sink)
        m_sink(type, object, previous, request);
}

std::optional<QStringList> SandboxStore::readExpand(ParamReader &reader, const QStringList &allowed) const
{
    const auto expand = reader.stringList({u"expand"_s}, false);
    if (reader.failed())
        return std::nullopt;
    const QStringList fields = expand.value_or(QStringList());
    for (const QString &field : fields) {
        if (!allowed.contains(field)) {
            reader.fail(validation(u"This property cannot be expanded (%1). The sandbox expands: %2."_s.arg(field, allowed.join(u", "_s)),
                                   u"expand"_s));
            return std::nullopt;
        }
    }
    return fields;
}

QJsonObject SandboxStore::sessionJson(const CheckoutSession &session, const QStringList &expand) const
{
    QJsonObject json = session.toJson(m_publicBase);
    if (expand.contains(u"line_items"_s)) {
        QJsonArray data;
        for (const LineItem &item : session.lineItems)
            data.append(item.toJson());
        json.insert(u"line_items"_s, QJsonObject{{u"object"_s, u"list"_s},
                                                 {u"data"_s, data},
                                                 {u"has_more"_s, false},
                                                 {u"url"_s, u"/v1/checkout/sessions/%1/line_items"_s.arg(session.id)}});
    }
    if (expand.contains(u"payment_intent"_s) && m_intents.contains(session.paymentIntentId))
        json.insert(u"payment_intent"_s, m_intents.value(session.paymentIntentId).toJson());
    return json;
}

// ---------------------------------------------------------------------------------------------
// Prices

StripeResult<QJsonObject> SandboxStore::createPrice(const FormNode &params)
{
    static const ParamSchema schema({u"currency"_s, u"unit_amount"_s, u"product"_s, u"product_data[name]"_s,
                                     u"metadata[*]"_s, u"nickname"_s, u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    Price price;
    price.id = IdGenerator::make(u"price_");
    price.created = now();
    price.currency = r.currency({u"currency"_s}, true).value_or(QString());
    price.unitAmount = r.integer({u"unit_amount"_s}, true, 0, kMaxAmount).value_or(0);
    const bool hasProduct = r.has({u"product"_s});
    const bool hasProductData = r.has({u"product_data"_s});
    std::optional<Product> newProduct;
    if (hasProduct && hasProductData) {
        r.fail(validation(u"You may only specify one of these parameters: product, product_data."_s, u"product"_s));
    } else if (hasProduct) {
        const QString productId = r.string({u"product"_s}, true, 200).value_or(QString());
        if (!r.failed()) {
            if (!m_products.contains(productId))
                r.fail(StripeError::notFound(u"product"_s, productId, u"product"_s));
            price.productId = productId;
            price.productName = m_products.value(productId).name;
        }
    } else if (hasProductData) {
        Product product;
        product.id = IdGenerator::make(u"prod_", 14);
        product.created = price.created;
        product.name = r.string({u"product_data"_s, u"name"_s}, true, 250).value_or(QString());
        price.productId = product.id;
        price.productName = product.name;
        newProduct = product;
    } else {
        r.fail(StripeError::parameterMissing(u"product"_s));
    }
    price.nickname = r.string({u"nickname"_s}, false, 250).value_or(QString());
    price.metadata = r.metadata({u"metadata"_s});
    readExpand(r, {});
    if (r.failed())
        return r.error();
    if (newProduct)
        m_products.insert(newProduct->id, *newProduct);
    m_prices.insert(price.id, price);
    return price.toJson();
}

// ---------------------------------------------------------------------------------------------
// Checkout Sessions

namespace {

bool requiredBoolean(ParamReader &r, const QStringList &path)
{
    if (!r.has(path)) {
        r.fail(StripeError::parameterMissing(ParamReader::name(path)));
        return false;
    }
    return r.boolean(path).value_or(false);
}

// shipping_options[]: at most 5, each inline (shipping_rate_data, fixed_amount) in the
// session's currency. The sandbox keeps no ShippingRate objects, so an existing rate's id
// (shipping_rate) is never found, as at Stripe for an id of another account.
void readShippingOptions(ParamReader &r, CheckoutSession &s)
{
    const auto options = r.items({u"shipping_options"_s}, false, 5);
    for (const FormNode *option : options) {
        const QStringList path{u"shipping_options"_s, option->key()};
        if (r.has(path + u"shipping_rate"_s)) {
            if (r.has(path + u"shipping_rate_data"_s)) {
                r.fail(validation(u"You may only specify one of these parameters: shipping_rate, shipping_rate_data."_s,
                                  ParamReader::name(path + u"shipping_rate"_s)));
            } else {
                const QString id = r.string(path + u"shipping_rate"_s, true, 200).value_or(QString());
                r.fail(StripeError::notFound(u"shipping_rate"_s, id, ParamReader::name(path + u"shipping_rate"_s)));
            }
            return;
        }
        const QStringList data = path + u"shipping_rate_data"_s;
        if (!r.has(data)) {
            r.fail(StripeError::parameterMissing(ParamReader::name(path + u"shipping_rate"_s)));
            return;
        }
        ShippingChoice choice;
        choice.rateId = IdGenerator::make(u"shr_");
        choice.displayName = r.string(data + u"display_name"_s, true, 100).value_or(QString());
        r.oneOf(data + u"type"_s, {u"fixed_amount"_s}, false);
        if (!r.has(data + u"fixed_amount"_s)) {
            r.fail(StripeError::parameterMissing(ParamReader::name(data + u"fixed_amount"_s)));
            return;
        }
        choice.amount = r.integer(data + QStringList{u"fixed_amount"_s, u"amount"_s}, true, 0, SandboxStore::kMaxAmount).value_or(0);
        const QString currency = r.currency(data + QStringList{u"fixed_amount"_s, u"currency"_s}, true).value_or(QString());
        choice.taxBehavior =
            r.oneOf(data + u"tax_behavior"_s, {u"exclusive"_s, u"inclusive"_s, u"unspecified"_s}, false).value_or(QString());
        r.metadata(data + u"metadata"_s);
        if (r.failed())
            return;
        if (currency != s.currency) {
            r.fail(validation(u"The shipping rate's currency (%1) must match the currency of the line items (%2)."_s.arg(currency, s.currency),
                              ParamReader::name(data + QStringList{u"fixed_amount"_s, u"currency"_s})));
            return;
        }
        s.shippingOptions.append(choice);
    }
    if (!s.shippingOptions.isEmpty())
        s.selectedShipping = 0;  // Stripe preselects the first option
}

} // namespace

StripeResult<QJsonObject> SandboxStore::createCheckoutSession(const FormNode &params)
{
    static const ParamSchema schema({
        u"mode"_s, u"currency"_s, u"success_url"_s, u"cancel_url"_s, u"client_reference_id"_s, u"customer_email"_s,
        u"expires_at"_s, u"metadata[*]"_s, u"payment_method_types[#]"_s,
        u"shipping_address_collection[allowed_countries][#]"_s, u"payment_intent_data[metadata][*]"_s,
        u"line_items[#][price]"_s, u"line_items[#][quantity]"_s, u"line_items[#][price_data][currency]"_s,
        u"line_items[#][price_data][unit_amount]"_s, u"line_items[#][price_data][product]"_s,
        u"line_items[#][price_data][product_data][name]"_s, u"line_items[#][price_data][product_data][images][#]"_s,
        u"line_items[#][price_data][tax_behavior]"_s, u"shipping_options[#][shipping_rate]"_s,
        u"shipping_options[#][shipping_rate_data][type]"_s, u"shipping_options[#][shipping_rate_data][display_name]"_s,
        u"shipping_options[#][shipping_rate_data][fixed_amount][amount]"_s,
        u"shipping_options[#][shipping_rate_data][fixed_amount][currency]"_s,
        u"shipping_options[#][shipping_rate_data][tax_behavior]"_s, u"shipping_options[#][shipping_rate_data][metadata][*]"_s,
        u"phone_number_collection[enabled]"_s, u"automatic_tax[enabled]"_s, u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    CheckoutSession s;
    s.created = now();
    const auto mode = r.oneOf({u"mode"_s}, {u"payment"_s, u"setup"_s, u"subscription"_s}, true);
    if (mode && *mode != u"payment"_s)
        r.fail(validation(u"The Stripe sandbox supports mode=payment only."_s, u"mode"_s));

    QList<Product> newProducts;
    QList<Price> newPrices;
    const auto items = r.items({u"line_items"_s}, true, kMaxLineItems);
    for (const FormNode *item : items) {
        const QStringList path{u"line_items"_s, item->key()};
        LineItem line;
        line.id = IdGenerator::make(u"li_");
        const bool hasPrice = r.has(path + u"price"_s);
        const bool hasPriceData = r.has(path + u"price_data"_s);
        if (hasPrice && hasPriceData) {
            r.fail(validation(u"You may only specify one of these parameters: price, price_data."_s,
                              ParamReader::name(path + u"price"_s)));
        } else if (hasPrice) {
            const QString priceId = r.string(path + u"price"_s, true, 200).value_or(QString());
            if (!r.failed() && !m_prices.contains(priceId))
                r.fail(StripeError::notFound(u"price"_s, priceId, ParamReader::name(path + u"price"_s)));
            else
                line.price = m_prices.value(priceId);
        } else if (hasPriceData) {
            const QStringList data = path + u"price_data"_s;
            Price price;
            price.id = IdGenerator::make(u"price_");
            price.created = s.created;
            price.currency = r.currency(data + u"currency"_s, true).value_or(QString());
            price.unitAmount = r.integer(data + u"unit_amount"_s, true, 0, kMaxAmount).value_or(0);
            price.taxBehavior =
                r.oneOf(data + u"tax_behavior"_s, {u"exclusive"_s, u"inclusive"_s, u"unspecified"_s}, false).value_or(QString());
            if (r.has(data + u"product"_s)) {
                const QString productId = r.string(data + u"product"_s, true, 200).value_or(QString());
                if (!r.failed() && !m_products.contains(productId))
                    r.fail(StripeError::notFound(u"product"_s, productId, ParamReader::name(data + u"product"_s)));
                price.productId = productId;
                price.productName = m_products.value(productId).name;
            } else if (r.has(data + u"product_data"_s)) {
                Product product;
                product.id = IdGenerator::make(u"prod_", 14);
                product.created = s.created;
                product.name = r.string(data + QStringList{u"product_data"_s, u"name"_s}, true, 250).value_or(QString());
                product.images = r.stringList(data + QStringList{u"product_data"_s, u"images"_s}, false).value_or(QStringList());
                price.productId = product.id;
                price.productName = product.name;
                newProducts.append(product);
            } else {
                r.fail(StripeError::parameterMissing(ParamReader::name(data + u"product_data"_s)));
            }
            newPrices.append(price);
            line.price = price;
        } else {
            r.fail(StripeError::parameterMissing(ParamReader::name(path + u"price"_s)));
        }
        line.quantity = r.integer(path + u"quantity"_s, true, 1, kMaxQuantity).value_or(0);
        if (r.failed())
            break;
        if (!s.currency.isEmpty() && line.price.currency != s.currency) {
            r.fail(validation(u"All line items must use the same currency (%1 and %2 differ)."_s.arg(s.currency, line.price.currency),
                              u"line_items"_s));
            break;
        }
        s.currency = line.price.currency;
        s.amountTotal += line.amount();
        s.lineItems.append(line);
    }
    if (const auto currency = r.currency({u"currency"_s}, false); currency && !r.failed() && *currency != s.currency) {
        r.fail(validation(u"The currency (%1) does not match the currency of the line items (%2)."_s.arg(*currency, s.currency),
                          u"currency"_s));
    }
    if (!r.failed() && s.amountTotal > kMaxAmount) {
        r.fail(StripeError::invalid(u"The Checkout Session's total amount due must be no more than %1."_s.arg(
                                        displayAmount(kMaxAmount, s.currency)),
                                    {}, u"amount_too_large"_s));
    }
    s.successUrl = r.url({u"success_url"_s}, true).value_or(QString());
    s.cancelUrl = r.url({u"cancel_url"_s}, false).value_or(QString());
    s.clientReferenceId = r.string({u"client_reference_id"_s}, false, 200).value_or(QString());
    s.customerEmail = r.string({u"customer_email"_s}, false, 512).value_or(QString());
    if (!s.customerEmail.isEmpty() && !isEmailAddress(s.customerEmail))
        r.fail(validation(u"Invalid email address: %1"_s.arg(s.customerEmail), u"customer_email"_s, u"email_invalid"_s));
    s.metadata = r.metadata({u"metadata"_s});
    s.paymentIntentMetadata = r.metadata({u"payment_intent_data"_s, u"metadata"_s});
    s.expiresAt = s.created + kMaxExpirySeconds;
    if (const auto expiresAt = r.integer({u"expires_at"_s}, false, 0, 99'999'999'999)) {
        if (*expiresAt - s.created < kMinExpirySeconds)
            r.fail(validation(u"The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation."_s,
                              u"expires_at"_s));
        else if (*expiresAt - s.created > kMaxExpirySeconds)
            r.fail(validation(u"The `expires_at` timestamp must be less than 24 hours from Checkout Session creation."_s,
                              u"expires_at"_s));
        s.expiresAt = *expiresAt;
    }
    s.paymentMethodTypes = r.stringList({u"payment_method_types"_s}, false).value_or(QStringList{u"card"_s});
    static const QRegularExpression methodPattern(u"^[a-z][a-z0-9_]{1,40}$"_s);
    for (const QString &method : std::as_const(s.paymentMethodTypes)) {
        if (!methodPattern.match(method).hasMatch())
            r.fail(validation(u"Invalid payment_method_types: %1"_s.arg(method.left(60)), u"payment_method_types"_s));
    }
    if (r.has({u"shipping_address_collection"_s})) {
        const QStringList path{u"shipping_address_collection"_s, u"allowed_countries"_s};
        s.allowedCountries = r.stringList(path, true);
        static const QRegularExpression countryPattern(u"^[A-Z]{2}$"_s);
        for (const QString &country : s.allowedCountries.value_or(QStringList())) {
            if (!countryPattern.match(country).hasMatch())
                r.fail(validation(u"Invalid country code: %1 (expected two capital letters, such as US)"_s.arg(country.left(20)),
                                  ParamReader::name(path)));
        }
    }
    s.amountSubtotal = s.amountTotal;
    readShippingOptions(r, s);
    s.amountTotal = s.amountSubtotal + s.amountShipping();
    if (r.has({u"phone_number_collection"_s}))
        s.phoneCollection = requiredBoolean(r, {u"phone_number_collection"_s, u"enabled"_s});
    if (r.has({u"automatic_tax"_s}))
        s.automaticTax = requiredBoolean(r, {u"automatic_tax"_s, u"enabled"_s});
    if (s.automaticTax && !r.failed()) {
        // The sandbox account has no default tax behavior (a Tax setting at Stripe), so every
        // price and shipping rate must say whether it includes tax, as Stripe then demands.
        const bool unspecified =
            std::any_of(s.lineItems.begin(), s.lineItems.end(),
                        [](const LineItem &line) { return line.price.taxBehavior.isEmpty() || line.price.taxBehavior == u"unspecified"_s; })
            || std::any_of(s.shippingOptions.begin(), s.shippingOptions.end(), [](const ShippingChoice &choice) {
                   return choice.taxBehavior.isEmpty() || choice.taxBehavior == u"unspecified"_s;
               });
        if (unspecified)
            r.fail(validation(u"Automatic tax requires a tax_behavior of inclusive or exclusive on every price and shipping "
                              "rate, or a default tax behavior in your Stripe Tax settings."_s,
                              u"automatic_tax"_s));
    }
    const auto expand = readExpand(r, {u"line_items"_s, u"payment_intent"_s});
    if (r.failed())
        return r.error();

    for (const Product &product : std::as_const(newProducts))
        m_products.insert(product.id, product);
    for (const Price &price : std::as_const(newPrices))
        m_prices.insert(price.id, price);
    s.id = IdGenerator::make(u"cs_test_", IdGenerator::kSessionLength);
    m_sessions.insert(s.id, s);
    return sessionJson(s, expand.value_or(QStringList()));
}

CheckoutSession *SandboxStore::liveSession(const QString &id)
{
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end())
        return nullptr;
    if (it->status == SessionStatus::Open && it->expiresAt <= now())
        expire(*it, {});
    return &*it;
}

const CheckoutSession *SandboxStore::checkoutSession(const QString &id)
{
    return liveSession(id);
}

StripeResult<QJsonObject> SandboxStore::retrieveCheckoutSession(const QString &id, const FormNode &params)
{
    static const ParamSchema schema({u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    const auto expand = readExpand(r, {u"line_items"_s, u"payment_intent"_s});
    if (r.failed())
        return r.error();
    const CheckoutSession *session = liveSession(id);
    if (!session)
        return StripeError::notFound(u"checkout.session"_s, id, u"session"_s);
    return sessionJson(*session, expand.value_or(QStringList()));
}

StripeResult<QJsonObject> SandboxStore::listCheckoutSessionLineItems(const QString &id, const FormNode &params)
{
    static const ParamSchema schema({u"limit"_s, u"starting_after"_s, u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    const qint64 limit = r.integer({u"limit"_s}, false, 1, 100).value_or(10);
    const QString after = r.string({u"starting_after"_s}, false, 200).value_or(QString());
    readExpand(r, {});
    if (r.failed())
        return r.error();
    const CheckoutSession *session = liveSession(id);
    if (!session)
        return StripeError::notFound(u"checkout.session"_s, id, u"session"_s);
    qsizetype start = 0;
    if (!after.isEmpty()) {
        start = -1;
        for (qsizetype i = 0; i < session->lineItems.size(); ++i) {
            if (session->lineItems.at(i).id == after)
                start = i + 1;
        }
        if (start < 0)
            return StripeError::notFound(u"item"_s, after, u"starting_after"_s);
    }
    QJsonArray data;
    qsizetype i = start;
    for (; i < session->lineItems.size() && data.size() < limit; ++i)
        data.append(session->lineItems.at(i).toJson());
    return QJsonObject{{u"object"_s, u"list"_s},
                       {u"data"_s, data},
                       {u"has_more"_s, i < session->lineItems.size()},
                       {u"url"_s, u"/v1/checkout/sessions/%1/line_items"_s.arg(id)}};
}

void SandboxStore::expire(CheckoutSession &session, const EventRequest &request)
{
    session.status = SessionStatus::Expired;
    emitEvent(u"checkout.session.expired"_s, session.toJson(m_publicBase), {}, request);
}

StripeResult<QJsonObject> SandboxStore::expireCheckoutSession(const QString &id, const FormNode &params,
                                                              const EventRequest &request)
{
    static const ParamSchema schema({u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    const auto expand = readExpand(r, {u"line_items"_s, u"payment_intent"_s});
    if (r.failed())
        return r.error();
    CheckoutSession *session = liveSession(id);
    if (!session)
        return StripeError::notFound(u"checkout.session"_s, id, u"session"_s);
    if (session->status != SessionStatus::Open) {
        return StripeError::invalid(u"Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout "
                                    u"Session has a status of \"%1\"."_s.arg(toString(session->status)));
    }
    expire(*session, request);
    return sessionJson(*session, expand.value_or(QStringList()));
}

QString SandboxStore::createCharge(PaymentIntent &intent, const QString &card)
{
    Charge charge;
    // Stripe gives one card the same fingerprint on every payment of an account (and different
    // cards different ones): derived here from the test card's digits.
    QString digits;
    for (const QChar c : card)
        if (c.isDigit())
            digits.append(c);
    if (digits.size() < 12 || digits.size() > 19)
        digits = u"4242424242424242"_s;
    charge.cardLast4 = digits.right(4);
    charge.cardFingerprint = QString::fromLatin1(
        QCryptographicHash::hash("rdk-sandbox-card:" + digits.toLatin1(), QCryptographicHash::Sha256).toBase64(
            QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)).remove(u'-').remove(u'_').left(16);
    charge.id = IdGenerator::make(u"ch_");
    charge.created = now();
    charge.amount = intent.amount;
    charge.currency = intent.currency;
    charge.paymentIntentId = intent.id;
    charge.paymentMethodId = intent.paymentMethodId;
    charge.email = intent.receiptEmail;
    // Stripe copies payment_intent_data[metadata] here, never the session's own metadata.
    charge.metadata = intent.metadata;
    m_charges.insert(charge.id, charge);
    intent.latestChargeId = charge.id;
    return charge.id;
}

StripeResult<QJsonObject> SandboxStore::completeCheckoutSession(const QString &id, bool paid, const QString &email)
{
    CustomerEntry entry;
    entry.email = email;
    return completeCheckoutSession(id, paid, entry);
}

CustomerEntry SandboxStore::testCustomer(const CheckoutSession &session, CustomerEntry entry)
{
    // Stripe's documented test customer, in the first country the session allows.
    const bool asksAddress = session.allowedCountries && !session.allowedCountries->isEmpty();
    if (asksAddress && entry.line1.isEmpty() && entry.country.isEmpty()) {
        entry.name = entry.name.isEmpty() ? u"Jenny Rosen"_s : entry.name;
        entry.line1 = u"510 Townsend St"_s;
        entry.city = u"San Francisco"_s;
        entry.state = u"CA"_s;
        entry.postalCode = u"94103"_s;
        entry.country = session.allowedCountries->first();
    }
    if (session.phoneCollection && entry.phone.isEmpty())
        entry.phone = u"+14155550123"_s;
    return entry;
}

// What Stripe's hosted page insists on before it takes a payment.
std::optional<StripeError> SandboxStore::takeCustomerEntry(CheckoutSession &session, const CustomerEntry &entry)
{
    const bool asksAddress = session.allowedCountries && !session.allowedCountries->isEmpty();
    if (asksAddress) {
        const auto field = [](const QString &text, int max) { return text.trimmed().size() <= max ? text.trimmed() : QString(); };
        const QString name = field(entry.name, 150), line1 = field(entry.line1, 200), city = field(entry.city, 100),
                      postalCode = field(entry.postalCode, 20), country = entry.country.trimmed().toUpper();
        if (name.isEmpty() || line1.isEmpty() || city.isEmpty() || postalCode.isEmpty() || country.isEmpty())
            return StripeError::invalid(u"Enter the full shipping address: name, street, city, postal code and country "
                                        "(each within Stripe's length limits)."_s,
                                        u"shipping_details"_s);
        if (!session.allowedCountries->contains(country))
            return StripeError::invalid(u"This shop does not ship to %1."_s.arg(country.left(20)), u"shipping_details[address][country]"_s);
        if (entry.line2.trimmed().size() > 200 || entry.state.trimmed().size() > 100)
            return StripeError::invalid(u"The address is too long."_s, u"shipping_details"_s);
        session.shippingDetails = QJsonObject{
            {u"name"_s, name},
            {u"address"_s, QJsonObject{{u"line1"_s, line1},
                                       {u"line2"_s, entry.line2.trimmed().isEmpty() ? QJsonValue() : QJsonValue(entry.line2.trimmed())},
                                       {u"city"_s, city},
                                       {u"state"_s, entry.state.trimmed().isEmpty() ? QJsonValue() : QJsonValue(entry.state.trimmed())},
                                       {u"postal_code"_s, postalCode},
                                       {u"country"_s, country}}}};
    }
    if (session.phoneCollection) {
        static const QRegularExpression phonePattern(u"^\\+?[0-9 ()./-]{6,25}$"_s);
        if (!phonePattern.match(entry.phone.trimmed()).hasMatch())
            return StripeError::invalid(u"Enter a valid phone number."_s, u"phone"_s);
        session.customerPhone = entry.phone.trimmed();
    }
    if (!entry.shippingRate.isEmpty()) {
        const auto chosen = std::find_if(session.shippingOptions.begin(), session.shippingOptions.end(),
                                         [&](const ShippingChoice &choice) { return choice.rateId == entry.shippingRate; });
        if (chosen == session.shippingOptions.end())
            return StripeError::invalid(u"That shipping option is not offered on this checkout."_s, u"shipping_rate"_s);
        session.selectedShipping = chosen - session.shippingOptions.begin();
    }
    // The sandbox's "tax authority": a flat rate on items and shipping, halves up.
    session.amountTax = session.automaticTax
        ? ((session.amountSubtotal + session.amountShipping()) * kSandboxTaxBasisPoints + 5000) / 10000
        : 0;
    session.amountTotal = session.amountSubtotal + session.amountShipping() + session.amountTax;
    return std::nullopt;
}

StripeResult<QJsonObject> SandboxStore::completeCheckoutSession(const QString &id, bool paid, const CustomerEntry &entry)
{
    CheckoutSession *session = liveSession(id);
    if (!session)
        return StripeError::notFound(u"checkout.session"_s, id, u"session"_s);
    if (session->status != SessionStatus::Open) {
        return StripeError::invalid(u"This Checkout Session is no longer open (status: %1)."_s.arg(toString(session->status)));
    }
    QString customerEmail = entry.email.trimmed();
    if (customerEmail.isEmpty())
        customerEmail = session->customerEmail.isEmpty() ? u"customer@example.com"_s : session->customerEmail;
    if (!isEmailAddress(customerEmail))
        return StripeError::invalid(u"Invalid email address: %1"_s.arg(customerEmail.left(100)), u"email"_s, u"email_invalid"_s);
    CheckoutSession updated = *session;
    if (auto refused = takeCustomerEntry(updated, entry))
        return *refused;
    *session = updated;

    PaymentIntent intent;
    intent.id = IdGenerator::make(u"pi_");
    intent.clientSecret = intent.id + u"_secret_"_s + IdGenerator::make(u"", 25);
    intent.created = now();
    intent.amount = session->amountTotal;
    intent.currency = session->currency;
    intent.paymentMethodId = IdGenerator::make(u"pm_");
    intent.receiptEmail = customerEmail;
    intent.metadata = session->paymentIntentMetadata;
    intent.status = paid ? u"succeeded"_s : u"processing"_s;
    if (paid)
        createCharge(intent, entry.card);
    m_intents.insert(intent.id, intent);

    session->status = SessionStatus::Complete;
    session->paymentStatus = paid ? PaymentStatus::Paid : PaymentStatus::Unpaid;
    session->paymentIntentId = intent.id;
    session->customerDetailsEmail = customerEmail;
    if (!session->paymentLinkId.isEmpty()) {
        const auto link = m_links.find(session->paymentLinkId);
        if (link != m_links.end())
            ++link->completedSessions;
    }
    const QJsonObject json = session->toJson(m_publicBase);
    // As on Stripe, a card payment also sends charge.succeeded (with the card's fingerprint),
    // usually just before the session's event.
    if (paid && m_charges.contains(intent.latestChargeId))
        emitEvent(u"charge.succeeded"_s, m_charges.value(intent.latestChargeId).toJson());
    emitEvent(u"checkout.session.completed"_s, json);
    return json;
}

StripeResult<QJsonObject> SandboxStore::settleAsyncPayment(const QString &id, bool succeeded)
{
    CheckoutSession *session = liveSession(id);
    if (!session)
        return StripeError::notFound(u"checkout.session"_s, id, u"session"_s);
    const auto intent = m_intents.find(session->paymentIntentId);
    if (session->status != SessionStatus::Complete || session->paymentStatus != PaymentStatus::Unpaid
        || intent == m_intents.end() || intent->status != u"processing"_s) {
        return StripeError::invalid(u"Checkout Session %1 is not waiting for an asynchronous payment (complete it with "
                                    u"payment_status=unpaid first)."_s.arg(id));
    }
    if (succeeded) {
        intent->status = u"succeeded"_s;
        createCharge(*intent);
        session->paymentStatus = PaymentStatus::Paid;
    } else {
        // What Stripe leaves behind after a failed bank debit.
        intent->status = u"requires_payment_method"_s;
    }
    const QJsonObject json = session->toJson(m_publicBase);
    emitEvent(succeeded ? u"checkout.session.async_payment_succeeded"_s : u"checkout.session.async_payment_failed"_s, json);
    return json;
}

int SandboxStore::expireDueSessions()
{
    const qint64 t = now();
    int count = 0;
    for (CheckoutSession &session : m_sessions) {
        if (session.status == SessionStatus::Open && session.expiresAt <= t) {
            expire(session, {});
            ++count;
        }
    }
    return count;
}

QString SandboxStore::successRedirect(const CheckoutSession &session)
{
    QString url = session.successUrl;
    url.replace(u"{CHECKOUT_SESSION_ID}"_s, session.id);
    return url;
}

// ---------------------------------------------------------------------------------------------
// Payment Links

QList<LineItem> SandboxStore::copyLineItems(const QList<LineItem> &items) const
{
    QList<LineItem> copy = items;
    for (LineItem &item : copy)
        item.id = IdGenerator::make(u"li_");
    return copy;
}

StripeResult<QJsonObject> SandboxStore::createPaymentLink(const FormNode &params)
{
    static const ParamSchema schema({u"line_items[#][price]"_s, u"line_items[#][quantity]"_s, u"metadata[*]"_s,
                                     u"restrictions[completed_sessions][limit]"_s, u"after_completion[type]"_s,
                                     u"after_completion[redirect][url]"_s,
                                     u"after_completion[hosted_confirmation][custom_message]"_s,
                                     u"payment_method_types[#]"_s, u"payment_intent_data[metadata][*]"_s, u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    PaymentLink link;
    const auto items = r.items({u"line_items"_s}, true, 20);
    for (const FormNode *item : items) {
        const QStringList path{u"line_items"_s, item->key()};
        LineItem line;
        line.id = IdGenerator::make(u"li_");
        const QString priceId = r.string(path + u"price"_s, true, 200).value_or(QString());
        if (!r.failed() && !m_prices.contains(priceId))
            r.fail(StripeError::notFound(u"price"_s, priceId, ParamReader::name(path + u"price"_s)));
        line.price = m_prices.value(priceId);
        line.quantity = r.integer(path + u"quantity"_s, true, 1, kMaxQuantity).value_or(0);
        if (r.failed())
            break;
        if (!link.currency.isEmpty() && link.currency != line.price.currency) {
            r.fail(validation(u"All prices on a payment link must use the same currency."_s, u"line_items"_s));
            break;
        }
        link.currency = line.price.currency;
        link.lineItems.append(line);
    }
    if (!r.failed() && link.amountTotal() > kMaxAmount) {
        r.fail(StripeError::invalid(u"The payment link's total must be no more than %1."_s.arg(displayAmount(kMaxAmount, link.currency)),
                                    {}, u"amount_too_large"_s));
    }
    link.metadata = r.metadata({u"metadata"_s});
    link.paymentIntentMetadata = r.metadata({u"payment_intent_data"_s, u"metadata"_s});
    link.completedSessionsLimit = r.integer({u"restrictions"_s, u"completed_sessions"_s, u"limit"_s}, false, 1, 10'000);
    if (r.has({u"after_completion"_s})) {
        const auto type = r.oneOf({u"after_completion"_s, u"type"_s}, {u"hosted_confirmation"_s, u"redirect"_s}, true);
        if (type == u"redirect"_s) {
            link.afterCompletion = AfterCompletion::Redirect;
            link.redirectUrl = r.url({u"after_completion"_s, u"redirect"_s, u"url"_s}, true).value_or(QString());
        } else if (r.has({u"after_completion"_s, u"redirect"_s})) {
            r.fail(validation(u"after_completion[redirect] can only be used with after_completion[type]=redirect."_s,
                              u"after_completion[redirect]"_s));
        }
        link.customMessage = r.string({u"after_completion"_s, u"hosted_confirmation"_s, u"custom_message"_s}, false, 500)
                                 .value_or(QString());
    }
    link.paymentMethodTypes = r.stringList({u"payment_method_types"_s}, false).value_or(QStringList());
    readExpand(r, {});
    if (r.failed())
        return r.error();
    link.id = IdGenerator::make(u"plink_");
    m_links.insert(link.id, link);
    return link.toJson(m_publicBase);
}

StripeResult<QJsonObject> SandboxStore::updatePaymentLink(const QString &id, const FormNode &params)
{
    static const ParamSchema schema({u"active"_s, u"metadata[*]"_s, u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    const auto it = m_links.find(id);
    if (it == m_links.end())
        return StripeError::notFound(u"payment_link"_s, id, u"payment_link"_s);
    ParamReader r(params);
    const auto active = r.boolean({u"active"_s});
    Metadata metadata = it->metadata;
    r.updateMetadata({u"metadata"_s}, metadata);
    readExpand(r, {});
    if (r.failed())
        return r.error();
    if (active)
        it->active = *active;
    it->metadata = metadata;
    return it->toJson(m_publicBase);
}

StripeResult<QJsonObject> SandboxStore::retrievePaymentLink(const QString &id, const FormNode &params)
{
    static const ParamSchema schema({u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    readExpand(r, {});
    if (r.failed())
        return r.error();
    const auto it = m_links.constFind(id);
    if (it == m_links.constEnd())
        return StripeError::notFound(u"payment_link"_s, id, u"payment_link"_s);
    return it->toJson(m_publicBase);
}

const PaymentLink *SandboxStore::paymentLink(const QString &id) const
{
    const auto it = m_links.constFind(id);
    return it == m_links.constEnd() ? nullptr : &*it;
}

QJsonArray SandboxStore::paymentLinksJson(const QString &orderId) const
{
    QList<const PaymentLink *> links;
    for (const PaymentLink &link : m_links) {
        if (orderId.isEmpty() || link.metadata.value(u"order_id"_s) == orderId)
            links.append(&link);
    }
    // By id, so the listing is stable between calls.
    std::sort(links.begin(), links.end(), [](const PaymentLink *a, const PaymentLink *b) { return a->id < b->id; });
    QJsonArray out;
    for (const PaymentLink *link : links)
        out.append(link->toJson(m_publicBase));
    return out;
}

std::optional<QString> SandboxStore::unavailableReason(const PaymentLink &link)
{
    if (!link.active)
        return u"This payment link has been deactivated by the seller."_s;
    if (link.completedSessionsLimit && link.completedSessions >= *link.completedSessionsLimit)
        return u"This payment link has already been used."_s;
    return std::nullopt;
}

StripeResult<QJsonObject> SandboxStore::payPaymentLink(const QString &id, const QString &email)
{
    const auto it = m_links.constFind(id);
    if (it == m_links.constEnd())
        return StripeError::notFound(u"payment_link"_s, id, u"payment_link"_s);
    if (const auto reason = unavailableReason(*it))
        return StripeError::gone(u"This payment link is no longer available. "_s + *reason);
    // What Stripe does when a customer opens a link: a fresh Checkout Session that inherits
    // the link's line items and metadata and points back to it.
    CheckoutSession s;
    s.id = IdGenerator::make(u"cs_test_", IdGenerator::kSessionLength);
    s.created = now();
    s.expiresAt = s.created + kMaxExpirySeconds;
    s.currency = it->currency;
    s.lineItems = copyLineItems(it->lineItems);
    s.amountTotal = it->amountTotal();
    s.amountSubtotal = s.amountTotal;
    if (it->afterCompletion == AfterCompletion::Redirect)
        s.successUrl = it->redirectUrl;
    s.metadata = it->metadata;
    s.paymentIntentMetadata = it->paymentIntentMetadata;
    s.paymentMethodTypes = it->paymentMethodTypes.isEmpty() ? QStringList{u"card"_s} : it->paymentMethodTypes;
    s.paymentLinkId = it->id;
    m_sessions.insert(s.id, s);
    return completeCheckoutSession(s.id, true, email);
}

// ---------------------------------------------------------------------------------------------
// Refunds

StripeResult<QJsonObject> SandboxStore::createRefund(const FormNode &params, const EventRequest &request)
{
    static const ParamSchema schema({u"payment_intent"_s, u"charge"_s, u"amount"_s, u"reason"_s, u"metadata[*]"_s,
                                     u"expand[#]"_s});
    if (auto violation = schema.check(params))
        return *violation;
    ParamReader r(params);
    const QString intentId = r.string({u"payment_intent"_s}, false, 200).value_or(QString());
    const QString chargeParam = r.string({u"charge"_s}, false, 200).value_or(QString());
    const auto amount = r.integer({u"amount"_s}, false, 1, kMaxAmount);
    const QString reason =
        r.oneOf({u"reason"_s}, {u"duplicate"_s, u"fraudulent"_s, u"requested_by_customer"_s}, false).value_or(QString());
    const Metadata metadata = r.metadata({u"metadata"_s});
    readExpand(r, {});
    if (r.failed())
        return r.error();
    if (intentId.isEmpty() && chargeParam.isEmpty()) {
        return validation(u"One of the following params should be provided for this request: charge or payment_intent."_s,
                          u"charge"_s, u"parameter_missing"_s);
    }
    QString chargeId = chargeParam;
    if (!intentId.isEmpty()) {
        const auto intent = m_intents.constFind(intentId);
        if (intent == m_intents.constEnd())
            return StripeError::notFound(u"payment_intent"_s, intentId, u"payment_intent"_s);
        if (intent->status != u"succeeded"_s || intent->latestChargeId.isEmpty()) {
            return StripeError::invalid(u"This PaymentIntent (%1) does not have a successful charge to refund."_s.arg(intentId),
                                        u"payment_intent"_s);
        }
        if (!chargeId.isEmpty() && chargeId != intent->latestChargeId)
            return StripeError::invalid(u"Charge %1 does not belong to PaymentIntent %2."_s.arg(chargeId, intentId), u"charge"_s);
        chargeId = intent->latestChargeId;
    }
    const auto charge = m_charges.find(chargeId);
    if (charge == m_charges.end())
        return StripeError::notFound(u"charge"_s, chargeId, u"charge"_s);
    const qint64 remaining = charge->amount - charge->amountRefunded;
    if (remaining <= 0)
        return StripeError::invalid(u"Charge %1 has already been refunded."_s.arg(chargeId), u"charge"_s, u"charge_already_refunded"_s);
    const qint64 refundAmount = amount.value_or(remaining);
    if (refundAmount > remaining) {
        return StripeError::invalid(u"Refund amount (%1) is greater than unrefunded amount on charge (%2)"_s.arg(
                                        displayAmount(refundAmount, charge->currency), displayAmount(remaining, charge->currency)),
                                    u"amount"_s, u"amount_too_large"_s);
    }

    Refund refund;
    refund.id = IdGenerator::make(u"re_");
    refund.created = now();
    refund.amount = refundAmount;
    refund.currency = charge->currency;
    refund.chargeId = charge->id;
    refund.paymentIntentId = charge->paymentIntentId;
    refund.reason = reason;
    refund.metadata = metadata;
    m_refunds.insert(refund.id, refund);

    QJsonObject previous{{u"amount_refunded"_s, charge->amountRefunded}};
    const bool wasRefunded = charge->refunded();
    charge->amountRefunded += refundAmount;
    if (charge->refunded() != wasRefunded)
        previous.insert(u"refunded"_s, wasRefunded);
    emitEvent(u"charge.refunded"_s, charge->toJson(), previous, request);
    return refund.toJson();
}

} // namespace rdk::sandbox

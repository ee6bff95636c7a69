#pragma once

#include <QJsonObject>
#include <QString>

#include <utility>
#include <variant>

namespace rdk::sandbox {

/// An error as Stripe reports it: HTTP status plus `{"error":{type, code, param, message}}`.
/// rdk::Error can't carry Stripe's machine codes (parameter_unknown, amount_too_large...),
/// and clients branch on those, so the sandbox has its own error value.
struct StripeError final {
    int status = 400;
    QString type;      ///< invalid_request_error, idempotency_error, api_error
    QString code;      ///< empty when Stripe sends none
    QString param;     ///< the parameter at fault, empty when none
    QString message;
    /// False for errors found before the endpoint started work (parse and parameter checks):
    /// Stripe does not save those for idempotent replay, so a corrected retry with the same
    /// key goes through.
    bool replayable = true;

    QJsonObject toJson() const;

    static StripeError invalid(QString message, QString param = {}, QString code = {});
    static StripeError parameterUnknown(const QString &param);
    static StripeError parameterMissing(const QString &param);
    static StripeError parameterInvalidInteger(const QString &param, const QString &text);
    static StripeError parameterEmpty(const QString &param);
    /// 404 resource_missing: "No such checkout.session: 'cs_test_...'".
    static StripeError notFound(const QString &objectName, const QString &id, const QString &param = {});
    static StripeError authentication(QString message);
    /// 410: a payment link that is deactivated or used up (the pay page's "no longer available").
    static StripeError gone(QString message);
};

/// A value or a StripeError; the same shape as rdk::Result.
template <typename T>
class [[nodiscard]] StripeResult final {
public:
    StripeResult(T value) : m_state(std::move(value)) {}             // NOLINT: implicit on purpose
    StripeResult(StripeError error) : m_state(std::move(error)) {}   // NOLINT: implicit on purpose

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    const T *operator->() const { return &value(); }
    const T &operator*() const & { return value(); }
    const StripeError &error() const { return std::get<StripeError>(m_state); }

private:
    std::variant<T, StripeError> m_state;
};

} // namespace rdk::sandbox

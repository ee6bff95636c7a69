#include "sync/sandbox/stripeerror.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {

QJsonObject StripeError::toJson() const
{
    QJsonObject error{{u"type"_s, type.isEmpty() ? u"invalid_request_error"_s : type}, {u"message"_s, message}};
    if (!code.isEmpty())
        error.insert(u"code"_s, code);
    if (!param.isEmpty())
        error.insert(u"param"_s, param);
    return QJsonObject{{u"error"_s, error}};
}

StripeError StripeError::invalid(QString message, QString param, QString code)
{
    return {400, u"invalid_request_error"_s, std::move(code), std::move(param), std::move(message), true};
}

StripeError StripeError::parameterUnknown(const QString &param)
{
    StripeError e = invalid(u"Received unknown parameter: %1"_s.arg(param), param, u"parameter_unknown"_s);
    e.replayable = false;
    return e;
}

StripeError StripeError::parameterMissing(const QString &param)
{
    StripeError e = invalid(u"Missing required param: %1."_s.arg(param), param, u"parameter_missing"_s);
    e.replayable = false;
    return e;
}

StripeError StripeError::parameterInvalidInteger(const QString &param, const QString &text)
{
    StripeError e = invalid(u"Invalid integer: %1"_s.arg(text.left(100)), param, u"parameter_invalid_integer"_s);
    e.replayable = false;
    return e;
}

StripeError StripeError::parameterEmpty(const QString &param)
{
    StripeError e = invalid(u"You passed an empty string for '%1'. We assume empty values are an attempt to unset a "
                            u"parameter; however '%1' cannot be unset. You should remove '%1' from your request or "
                            u"supply a non-empty value."_s.arg(param),
                            param, u"parameter_invalid_empty"_s);
    e.replayable = false;
    return e;
}

StripeError StripeError::notFound(const QString &objectName, const QString &id, const QString &param)
{
    return {404, u"invalid_request_error"_s, u"resource_missing"_s, param,
            u"No such %1: '%2'"_s.arg(objectName, id.left(100)), true};
}

StripeError StripeError::authentication(QString message)
{
    return {401, u"invalid_request_error"_s, {}, {}, std::move(message), false};
}

StripeError StripeError::gone(QString message)
{
    return {410, u"invalid_request_error"_s, {}, {}, std::move(message), true};
}

} // namespace rdk::sandbox

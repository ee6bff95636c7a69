#include "data/pgfunctionerror.h"

#include <QString>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

// The first line of the server's message without libpq's "ERROR:  " prefix.
QString sentenceOf(const std::exception &e)
{
    QString line = QString::fromUtf8(e.what()).section(u'\n', 0, 0).trimmed();
    if (line.startsWith(u"ERROR:"_s))
        line = line.mid(6).trimmed();
    return line;
}

// PostgreSQL's own wording for refusals: those are not sentences for staff.
bool isServerWording(const QString &sentence)
{
    return sentence.startsWith(u"permission denied"_s) || sentence.startsWith(u"new row violates"_s)
        || sentence.startsWith(u"invalid input syntax"_s) || sentence.isEmpty();
}

} // namespace

std::optional<Error> functionRefusal(const std::exception &e)
{
    std::string state = sqlState(e);
    if (state.empty() && dynamic_cast<const pqxx::plpgsql_no_data_found *>(&e))
        state = "P0002";
    return functionRefusal(state, sentenceOf(e));
}

std::optional<Error> functionRefusal(const std::string &state, const QString &sentence)
{
    if (isServerWording(sentence))
        return std::nullopt;
    if (state == "42501")
        return Error::forbidden(sentence);
    if (state == "P0002")
        return Error::notFound(sentence);
    if (state == "22023")
        return Error::invalid(sentence);
    if (state == "P0001")
        return Error::conflict(sentence);
    if (state == "R0001")
        return Error::outOfStock(sentence);
    return std::nullopt;
}

} // namespace rdk::data

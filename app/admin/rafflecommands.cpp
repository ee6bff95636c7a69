#include "app/admin/rafflecommands.h"

#include "data/pgreleases.h"
#include "data/pgsession.h"
#include "domain/release.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString raffleUsage()
{
    return u"  raffle verify RELEASE-ID                                                       (re-run a drawn raffle and compare)"_s;
}

int runRaffleCommand(const QStringList &args, const AdminConfig &config, QTextStream &out, QTextStream &err)
{
    if (args.size() != 2 || args[0] != u"verify"_s) {
        err << "rdk-admin: usage:\n" << raffleUsage() << Qt::endl;
        return 64;
    }
    auto session = data::PgSession::open(config.databaseUrl.toStdString());
    if (!session) {
        err << "rdk-admin: " << session.error().message << Qt::endl;
        return 1;
    }
    const auto record = data::readRaffleRecord(**session, args[1].trimmed());
    if (!record) {
        err << "rdk-admin: " << record.error().message << Qt::endl;
        return 1;
    }
    if (!record->has_value()) {
        err << "rdk-admin: no release " << args[1].left(40) << Qt::endl;
        return 1;
    }
    const RaffleRecord &r = **record;
    if (r.seed.isEmpty()) {
        err << "rdk-admin: the raffle of release " << r.releaseId << " has not been drawn" << Qt::endl;
        return 1;
    }
    const QStringList problems = raffleDrawMismatches(r);
    int winners = 0;
    for (const auto &e : r.entries)
        winners += e.wonAtDraw ? 1 : 0;
    out << "release " << r.releaseId << ": seed " << r.seed << ", " << r.entries.size() << " entries, " << winners << " winners"
        << Qt::endl;
    if (problems.isEmpty()) {
        out << "re-run: every place and every winner matches the recorded draw" << Qt::endl;
        return 0;
    }
    for (const QString &p : problems)
        out << "MISMATCH " << p << Qt::endl;
    out << problems.size() << " difference(s) between the recorded draw and its re-run" << Qt::endl;
    return 2;
}

} // namespace rdk

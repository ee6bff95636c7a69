#include "sync/sessionprovider.h"

#include <unordered_map>

namespace rdk::sync {
namespace {

std::atomic<quint64> g_nextProviderId{1};

// Keyed by provider id rather than address, so a new provider never inherits a session
// of a destroyed one that happened to live at the same address.
std::unordered_map<quint64, std::unique_ptr<data::PgSession>> &threadSessions()
{
    thread_local std::unordered_map<quint64, std::unique_ptr<data::PgSession>> sessions;
    return sessions;
}

} // namespace

SessionProvider::SessionProvider(std::string connectionString)
    : m_connectionString(std::move(connectionString)), m_id(g_nextProviderId++)
{
}

Result<data::PgSession *> SessionProvider::session()
{
    auto &sessions = threadSessions();
    auto it = sessions.find(m_id);
    if (it != sessions.end() && it->second->isAlive())
        return it->second.get();
    auto opened = data::PgSession::open(m_connectionString);
    if (!opened)
        return opened.error();
    data::PgSession *raw = opened->get();
    sessions[m_id] = std::move(opened).value();
    return raw;
}

void SessionProvider::discard()
{
    threadSessions().erase(m_id);
}

} // namespace rdk::sync

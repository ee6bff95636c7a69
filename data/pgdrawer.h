#pragma once

#include "data/pgsession.h"
#include "domain/drawer.h"

#include <memory>

namespace rdk::data {

/// The counter's cash drawer on PostgreSQL, as the signed-in staff member: the rdk.drawer_*
/// functions of module drawer.sql compute every figure and decide who may do what (staff their
/// own drawer, ops/admin any of the shop); row-level security shows staff their own drawers.
class PgDrawer final : public DrawerStore {
public:
    explicit PgDrawer(PgSession &session) : m_session(&session) {}
    /// Owns its session: a worker thread's store (see app/desk workerFactory).
    explicit PgDrawer(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<std::optional<DrawerSession>> current() override;
    Result<QList<DrawerSession>> openDrawers() override;
    Result<DrawerSession> open(const Money &floatAmount, const std::optional<DrawerCount> &count) override;
    Result<DrawerSession> pay(DrawerPayKind kind, const Money &amount, const QString &reason) override;
    Result<DrawerReport> close(const QString &sessionId, const Money &counted, const std::optional<DrawerCount> &count,
                               const QString &note) override;
    Result<DrawerReport> report(const QString &sessionId) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

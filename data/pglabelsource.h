#pragma once

#include "data/pgsession.h"
#include "domain/labels.h"

#include <memory>

namespace rdk::data {

/// The labels dialog's products and "received today", on PostgreSQL under the login's rights
/// (rdk.received_since for what came in: ops and admins).
class PgLabelSource final : public LabelSource {
public:
    explicit PgLabelSource(PgSession &session) : m_session(session) {}
    /// Owns its session: what a per-thread factory hands out.
    explicit PgLabelSource(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(*m_owned) {}

    Result<QList<Product>> products(const QStringList &ids) override;
    Result<QList<LabelRequest>> receivedSince(const QDateTime &since) override;

private:
    std::unique_ptr<PgSession> m_owned;  // before m_session, which may refer to it
    PgSession &m_session;
};

} // namespace rdk::data

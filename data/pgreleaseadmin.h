#pragma once

// The desk's side of drop day: schedule, change and cancel releases, read their overview, draw
// a raffle and read its results (ops and admin write; the database checks roles, the shop and
// every setting, and audits). Counter sales of a release go through PgPos with the buyer's
// e-mail (PosSaleRequest::buyerEmail).

#include "data/pgsession.h"
#include "domain/release.h"

#include <memory>

namespace rdk::data {

class PgReleaseAdmin final : public ReleaseAdmin {
public:
    explicit PgReleaseAdmin(PgSession &session) : m_session(&session) {}
    /// Owns its session (one per desk worker thread, app/desk/screens.cpp's workerFactory).
    explicit PgReleaseAdmin(std::unique_ptr<PgSession> session) : m_owned(std::move(session)), m_session(m_owned.get()) {}

    Result<QList<ReleaseSummary>> overview() override;
    Result<QString> save(const QString &releaseId, const ReleaseSettings &settings) override;
    Status cancel(const QString &releaseId, const QString &reason) override;
    Result<int> draw(const QString &releaseId, const QString &seed) override;
    Result<QPair<QString, QList<RaffleResult>>> results(const QString &releaseId) override;

    /// The settings as rdk.set_release takes them (JSON object text); exposed for tests.
    static QByteArray settingsJson(const ReleaseSettings &settings);

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession *m_session;
};

} // namespace rdk::data

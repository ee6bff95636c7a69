#pragma once

#include "domain/releasebook.h"

#include <QAbstractTableModel>
#include <QTimeZone>

#include <functional>

namespace rdk {

/// The Releases window's list: one row per release (rdk.release_overview), times in the shop's
/// time zone, the state and countdown computed against the clock it is given, so the window only
/// has to call tick() every second to keep the countdown moving. An adapter: no rules of its own
/// beyond the domain's releaseStage() and releaseCountdown().
class ReleaseTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReleaseTableModel)

public:
    enum Column { Product, Sizes, ReleaseTime, State, When, Allocation, PerBuyer, Entries, Sold, Held, Left, ColumnCount };

    ReleaseTableModel(QTimeZone zone, std::function<QDateTime()> now, QObject *parent = nullptr);

    /// Replaces the rows; the selection follows ids, so the window keeps it across refreshes.
    void setReleases(QList<ReleaseSummary> releases);
    const QList<ReleaseSummary> &releases() const { return m_releases; }
    /// The release of a row, or nullptr.
    const ReleaseSummary *release(int row) const;
    int rowOf(const QString &releaseId) const;
    /// The clock moved: State and When are recomputed.
    void tick();
    void setClock(std::function<QDateTime()> now) { m_now = std::move(now); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QTimeZone m_zone;
    std::function<QDateTime()> m_now;
    QList<ReleaseSummary> m_releases;
};

/// "Sat 12 Dec 2026, 10:00" in `zone`.
QString formatShopTime(const QDateTime &when, const QTimeZone &zone);

} // namespace rdk

#include "ui/releases/releasetablemodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString formatShopTime(const QDateTime &when, const QTimeZone &zone)
{
    if (!when.isValid())
        return {};
    return QLocale::c().toString(when.toTimeZone(zone), u"ddd d MMM yyyy, HH:mm"_s);
}

ReleaseTableModel::ReleaseTableModel(QTimeZone zone, std::function<QDateTime()> now, QObject *parent)
    : QAbstractTableModel(parent), m_zone(std::move(zone)), m_now(std::move(now))
{
}

void ReleaseTableModel::setReleases(QList<ReleaseSummary> releases)
{
    beginResetModel();
    m_releases = std::move(releases);
    endResetModel();
}

const ReleaseSummary *ReleaseTableModel::release(int row) const
{
    return row >= 0 && row < m_releases.size() ? &m_releases.at(row) : nullptr;
}

int ReleaseTableModel::rowOf(const QString &releaseId) const
{
    for (int row = 0; row < m_releases.size(); ++row)
        if (m_releases.at(row).id == releaseId)
            return row;
    return -1;
}

void ReleaseTableModel::tick()
{
    if (!m_releases.isEmpty())
        Q_EMIT dataChanged(index(0, State), index(int(m_releases.size()) - 1, When), {Qt::DisplayRole, Qt::ForegroundRole});
}

int ReleaseTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_releases.size());
}

int ReleaseTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReleaseTableModel::data(const QModelIndex &index, int role) const
{
    const ReleaseSummary *r = release(index.row());
    if (!r)
        return {};
    const QDateTime now = m_now();
    const bool raffle = r->allocation == ReleaseAllocation::Raffle;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Product: return u"%1 · %2"_s.arg(r->productName, r->sku);
        case Sizes: return releaseSizesText(*r);
        case ReleaseTime: return formatShopTime(r->releaseAt, m_zone);
        case State: return describe(releaseStage(*r, now));
        case When: return releaseCountdown(*r, now);
        case Allocation:
            return raffle ? tr("Raffle") : tr("Queue, %L1/min").arg(r->admitPerMinute);
        case PerBuyer: return r->limitPerBuyer;
        case Entries: return raffle ? QVariant(r->entries) : QVariant(u"—"_s);
        case Sold: return r->sold;
        case Held: return r->held;
        case Left: return r->stockLeft;
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() >= PerBuyer)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Product: return tr("%1 (SKU %2)").arg(r->productName, r->sku);
        case ReleaseTime: return tr("Release time in the shop's time zone (%1)").arg(QString::fromUtf8(m_zone.id()));
        case When:
            if (raffle && r->drawnAt.isValid())
                return tr("Drawn %1; Results… shows the seed").arg(formatShopTime(r->drawnAt, m_zone));
            return {};
        case Entries:
            return raffle ? tr("%1 entries; %2 won and not paid yet, %3 paid").arg(r->entries).arg(r->won).arg(r->claimed)
                          : QVariant();
        case Held: return tr("Pairs held by orders not paid yet");
        case Left: return tr("Pairs of the release's sizes on hand and not held");
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == State) {
        switch (releaseStage(*r, now)) {
        case ReleaseStage::OnSale:
        case ReleaseStage::QueueOpen:
        case ReleaseStage::EntriesOpen:
            return QBrush(QColor(0x1b, 0x7f, 0x3b));
        case ReleaseStage::Canceled:
        case ReleaseStage::SoldOut:
            return QBrush(QColor(0xb3, 0x26, 0x1e));
        default:
            return {};
        }
    }
    if (role == Qt::FontRole && index.column() == State) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return {};
}

QVariant ReleaseTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Product: return tr("Product");
    case Sizes: return tr("Sizes");
    case ReleaseTime: return tr("Release (shop time)");
    case State: return tr("State");
    case When: return tr("When");
    case Allocation: return tr("Sold through");
    case PerBuyer: return tr("Per buyer");
    case Entries: return tr("Entries");
    case Sold: return tr("Sold");
    case Held: return tr("Held");
    case Left: return tr("Left");
    default: return {};
    }
}

} // namespace rdk

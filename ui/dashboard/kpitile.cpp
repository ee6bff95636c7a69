#include "ui/dashboard/kpitile.h"

#include "ui/dashboard/dashboardstyle.h"

#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

KpiTile::KpiTile(const QString &id, const QString &title, const QString &help, bool higherIsBetter, QWidget *parent)
    : QFrame(parent), m_title(new QLabel(title, this)), m_value(new QLabel(u"—"_s, this)), m_change(new QLabel(this)),
      m_higherIsBetter(higherIsBetter), m_colors(dashboardColors(palette()))
{
    setObjectName(u"kpi-"_s + id);
    setToolTip(help);
    m_title->setObjectName(u"title"_s);
    m_value->setObjectName(u"value"_s);
    m_change->setObjectName(u"change"_s);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_change->setWordWrap(true);   // "no figures for previous 30 days to compare" fits a narrow tile
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(2);
    layout->addWidget(m_title);
    layout->addWidget(m_value);
    layout->addWidget(m_change);
    setMinimumWidth(170);
    restyle();
}

void KpiTile::setFigure(const QString &value, const Figure &figure, const QString &comparedTo, const QString &exact)
{
    m_value->setText(value);
    m_value->setToolTip(exact);
    const auto change = figure.changePercent();
    if (!change) {
        m_trend = 0;
        m_change->setText(figure.current == 0 ? tr("nothing to compare yet") : tr("no figures for %1 to compare").arg(comparedTo));
    } else {
        const double pct = *change;
        const QString arrow = pct > 0.05 ? u"▲"_s : pct < -0.05 ? u"▼"_s : u"■"_s;
        m_trend = pct > 0.05 ? 1 : pct < -0.05 ? -1 : 0;
        if (!m_higherIsBetter)
            m_trend = -m_trend;
        m_change->setText(u"%1 %2% vs %3"_s.arg(arrow, QString::number(std::abs(pct), 'f', std::abs(pct) < 10 ? 1 : 0), comparedTo));
    }
    restyle();
}

void KpiTile::setPlaceholder(const QString &value, const QString &note)
{
    m_value->setText(value);
    m_value->setToolTip({});
    m_change->setText(note);
    m_trend = 0;
    restyle();
}

QString KpiTile::valueText() const
{
    return m_value->text();
}

QString KpiTile::changeText() const
{
    return m_change->text();
}

void KpiTile::setColors(const DashboardColors &colors)
{
    m_colors = colors;
    restyle();
}

void KpiTile::restyle()
{
    const DashboardColors &c = m_colors;
    setStyleSheet(u"rdk--KpiTile { background: %1; border: 1px solid %2; border-radius: 10px; }"_s.arg(c.card.name(), c.border.name()));
    m_title->setStyleSheet(u"color: %1; font-size: 12px; font-weight: 600; letter-spacing: 0.3px;"_s.arg(c.muted.name()));
    m_value->setStyleSheet(u"color: %1; font-size: 24px; font-weight: 700;"_s.arg(c.text.name()));
    const QColor trend = m_trend > 0 ? c.good : m_trend < 0 ? c.bad : c.muted;
    m_change->setStyleSheet(u"color: %1; font-size: 12px;"_s.arg(trend.name()));
}

} // namespace rdk

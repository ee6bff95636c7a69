#pragma once

#include "domain/dashboard.h"
#include "ui/dashboard/dashboardstyle.h"

#include <QFrame>

class QLabel;

namespace rdk {

/// One KPI: a title, the figure, and its change against the period before.
class KpiTile final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KpiTile)

public:
    /// `higherIsBetter` colours the change (refunds going up is bad news).
    KpiTile(const QString &id, const QString &title, const QString &help, bool higherIsBetter = true, QWidget *parent = nullptr);

    void setFigure(const QString &value, const Figure &figure, const QString &comparedTo, const QString &exact);
    void setPlaceholder(const QString &value, const QString &note);

    QString valueText() const;
    QString changeText() const;
    /// The screen pushes its palette-derived colours (stylesheets would otherwise feed back
    /// into the palette the colours come from).
    void setColors(const DashboardColors &colors);

private:
    void restyle();

    QLabel *m_title;
    QLabel *m_value;
    QLabel *m_change;
    bool m_higherIsBetter;
    int m_trend = 0;  ///< -1 worse, 0 neutral, 1 better
    DashboardColors m_colors;
};

} // namespace rdk

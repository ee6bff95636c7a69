#pragma once

#include "ui/dashboard/dashboardstyle.h"

#include <QFrame>

class QLabel;
class QStackedWidget;
class QToolButton;
class QHBoxLayout;

namespace rdk {

/// A titled card holding one chart or list, with PNG/CSV export buttons and an empty state
/// that says why there is nothing to show and what will fill it.
class ChartCard final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChartCard)

public:
    ChartCard(const QString &id, const QString &title, QWidget *content, QWidget *parent = nullptr);

    QString id() const { return objectName().mid(5); }
    QWidget *content() const { return m_content; }
    /// Extra controls next to the title (e.g. a revenue/units switch).
    QHBoxLayout *toolbar() const { return m_toolbar; }
    void setSubtitle(const QString &text);
    void setEmpty(bool empty, const QString &message = {});
    bool isEmpty() const;
    QString emptyMessage() const;
    /// Colours come from the screen (see KpiTile::setColors).
    void setColors(const DashboardColors &colors);

Q_SIGNALS:
    void exportPngRequested();
    void exportCsvRequested();

private:
    void restyle();

    QWidget *m_content;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_empty;
    QStackedWidget *m_stack;
    QHBoxLayout *m_toolbar;
    QToolButton *m_png;
    QToolButton *m_csv;
    DashboardColors m_colors;
};

} // namespace rdk

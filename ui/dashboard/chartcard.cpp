#include "ui/dashboard/chartcard.h"

#include "ui/dashboard/dashboardstyle.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

ChartCard::ChartCard(const QString &id, const QString &title, QWidget *content, QWidget *parent)
    : QFrame(parent), m_content(content), m_title(new QLabel(title, this)), m_subtitle(new QLabel(this)),
      m_empty(new QLabel(this)), m_stack(new QStackedWidget(this)), m_toolbar(new QHBoxLayout),
      m_png(new QToolButton(this)), m_csv(new QToolButton(this)), m_colors(dashboardColors(palette()))
{
    setObjectName(u"card-"_s + id);
    m_empty->setObjectName(u"empty"_s);
    m_empty->setWordWrap(true);
    // Wrapping, the subtitle gives way on a narrow window instead of widening the page.
    m_subtitle->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setMargin(24);
    m_png->setText(tr("PNG"));
    m_png->setToolTip(tr("Save this chart as a PNG image"));
    m_png->setObjectName(u"export-png"_s);
    m_csv->setText(tr("CSV"));
    m_csv->setToolTip(tr("Save the figures behind this chart as CSV"));
    m_csv->setObjectName(u"export-csv"_s);
    m_png->setAutoRaise(true);
    m_csv->setAutoRaise(true);
    connect(m_png, &QToolButton::clicked, this, &ChartCard::exportPngRequested);
    connect(m_csv, &QToolButton::clicked, this, &ChartCard::exportCsvRequested);

    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    auto *head = new QHBoxLayout;
    head->addLayout(titles, 1);
    head->addLayout(m_toolbar);
    head->addWidget(m_png);
    head->addWidget(m_csv);

    m_stack->addWidget(content);
    m_stack->addWidget(m_empty);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->addLayout(head);
    layout->addWidget(m_stack, 1);
    restyle();
}

void ChartCard::setSubtitle(const QString &text)
{
    m_subtitle->setText(text);
    m_subtitle->setVisible(!text.isEmpty());
}

void ChartCard::setEmpty(bool empty, const QString &message)
{
    m_empty->setText(message);
    m_stack->setCurrentIndex(empty ? 1 : 0);
    m_png->setEnabled(!empty);
}

bool ChartCard::isEmpty() const
{
    return m_stack->currentIndex() == 1;
}

QString ChartCard::emptyMessage() const
{
    return isEmpty() ? m_empty->text() : QString();
}

void ChartCard::setColors(const DashboardColors &colors)
{
    m_colors = colors;
    restyle();
}

void ChartCard::restyle()
{
    const DashboardColors &c = m_colors;
    setStyleSheet(u"rdk--ChartCard { background: %1; border: 1px solid %2; border-radius: 10px; }"_s.arg(c.card.name(), c.border.name()));
    m_title->setStyleSheet(u"color: %1; font-size: 14px; font-weight: 700;"_s.arg(c.text.name()));
    m_subtitle->setStyleSheet(u"color: %1; font-size: 11px;"_s.arg(c.muted.name()));
    m_empty->setStyleSheet(u"color: %1; font-size: 13px;"_s.arg(c.muted.name()));
}

} // namespace rdk

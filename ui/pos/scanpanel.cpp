#include "ui/pos/scanpanel.h"

#include "domain/moneyformat.h"
#include "ui/pos/poswidgets.h"
#include "ui/shell/theme.h"

#include <QEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kInfoMessageMs = 6000;

QString productEntry(const SellableProduct &p)
{
    const int available = totalAvailable(p);
    return ScanPanel::tr("%1 — %2 — %3 — %4")
        .arg(productTitle(p), p.sku, formatMoney(p.price),
             available > 0 ? ScanPanel::tr("%1 in stock").arg(available) : ScanPanel::tr("sold out"));
}

QString sizeEntry(const SellableSize &s)
{
    return s.available > 0 ? ScanPanel::tr("Size %1 — %2 in stock").arg(s.size).arg(s.available)
                           : ScanPanel::tr("Size %1 — sold out").arg(s.size);
}

} // namespace

ScanPanel::ScanPanel(SaleController &sale, QWidget *parent) : QWidget(parent), m_sale(sale)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);

    m_scan = new QLineEdit(this);
    m_scan->setObjectName(u"scan"_s);
    m_scan->setPlaceholderText(tr("Scan a barcode or type a SKU or name, then Enter"));
    m_scan->setClearButtonEnabled(true);
    // Long enough for any SKU or search; a stuck scanner can't flood the field.
    m_scan->setMaxLength(int(MaxScanLength) * 4);
    m_scan->setMinimumHeight(52);
    theme::setRelativeFontSize(m_scan, 1.6);
    layout->addWidget(m_scan);

    m_message = pos::plainLabel(u"message"_s, this);
    m_message->setMargin(8);
    theme::setRelativeFontSize(m_message, 1.15);
    m_message->hide();
    layout->addWidget(m_message);

    m_pickerHeading = pos::plainLabel(u"picker-heading"_s, this);
    theme::setRelativeFontSize(m_pickerHeading, 1.15, true);
    m_pickerHeading->hide();
    layout->addWidget(m_pickerHeading);
    m_picker = new QListWidget(this);
    m_picker->setObjectName(u"picker"_s);
    m_picker->setFocusPolicy(Qt::NoFocus);
    m_picker->setMaximumHeight(260);
    theme::setRelativeFontSize(m_picker, 1.3);
    m_picker->hide();
    connect(m_picker, &QListWidget::itemClicked, this,
            [this](QListWidgetItem *item) { m_sale.pick(m_picker->row(item)); });
    layout->addWidget(m_picker);

    m_messageTimer.setSingleShot(true);
    connect(&m_messageTimer, &QTimer::timeout, this, &ScanPanel::clearMessage);
    connect(&m_sale, &SaleController::pickerChanged, this, &ScanPanel::showPicker);
    connect(&m_sale, &SaleController::highlightChanged, this, [this](int row) { m_picker->setCurrentRow(row); });
    styleMessage();
}

void ScanPanel::showPicker()
{
    const PickList &list = m_sale.picker();
    m_picker->clear();
    if (!list.isOpen()) {
        m_picker->hide();
        m_pickerHeading->hide();
        return;
    }
    for (int row = 0; row < list.count(); ++row) {
        const QString text = list.mode == PickList::Mode::Products ? productEntry(list.products[row])
                                                                   : sizeEntry(list.product.sizes[row]);
        auto *item = new QListWidgetItem(text, m_picker);
        if (!list.isAvailable(row))
            item->setFlags(Qt::NoItemFlags);  // sold out: shown, never chosen
    }
    m_picker->setCurrentRow(list.highlighted);
    m_pickerHeading->setText(list.heading);
    m_pickerHeading->show();
    m_picker->show();
}

QString ScanPanel::messageText() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void ScanPanel::showMessage(const QString &text, SaleController::Tone tone)
{
    m_message->setText(text);
    m_messageTone = tone;
    styleMessage();
    m_message->show();
    if (tone == SaleController::Tone::Info)
        m_messageTimer.start(kInfoMessageMs);
    else
        m_messageTimer.stop();  // problems stay until the next thing happens
    Q_EMIT messageShown(text);
}

void ScanPanel::clearMessage()
{
    m_message->clear();
    m_message->hide();
}

void ScanPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_styling)
        styleMessage();
}

void ScanPanel::styleMessage()
{
    m_styling = true;
    QPalette p = m_message->palette();
    const QPalette &base = palette();
    switch (m_messageTone) {
    case SaleController::Tone::Info:
        p.setColor(QPalette::Window, base.color(QPalette::AlternateBase));
        p.setColor(QPalette::WindowText, base.color(QPalette::WindowText));
        break;
    case SaleController::Tone::Warning:
        p.setColor(QPalette::Window, theme::warningBackground(base));
        p.setColor(QPalette::WindowText, theme::warningText(base));
        break;
    case SaleController::Tone::Error:
        p.setColor(QPalette::Window, theme::errorBackground(base));
        p.setColor(QPalette::WindowText, theme::errorText(base));
        break;
    }
    m_message->setAutoFillBackground(true);
    m_message->setPalette(p);
    m_styling = false;
}

} // namespace rdk

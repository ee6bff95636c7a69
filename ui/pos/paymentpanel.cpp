#include "ui/pos/paymentpanel.h"

#include "domain/moneyformat.h"
#include "ui/pos/posdialogs.h"
#include "ui/pos/poswidgets.h"
#include "ui/pos/receiptprinter.h"
#include "ui/qrcodewidget.h"
#include "ui/shell/theme.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

using Phase = SaleController::Phase;
using Tone = SaleController::Tone;

} // namespace

PaymentPanel::PaymentPanel(SaleController &sale, QWidget *parent) : QFrame(parent), m_sale(sale)
{
    setObjectName(u"sale-panel"_s);
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(10);

    m_idleHint = pos::plainLabel(u"idle-hint"_s, this);
    m_idleHint->setText(tr("Scan items, then Charge (F12).\nThe buyer pays on their phone with the QR code shown here."));
    m_idleHint->setAlignment(Qt::AlignCenter);
    theme::setRelativeFontSize(m_idleHint, 1.3);
    layout->addWidget(m_idleHint, 4);

    m_status = pos::plainLabel(u"status"_s, this);
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setMargin(10);
    layout->addWidget(m_status);
    m_orderLabel = pos::plainLabel(u"order-number"_s, this);
    m_orderLabel->setAlignment(Qt::AlignCenter);
    theme::setRelativeFontSize(m_orderLabel, 1.2);
    layout->addWidget(m_orderLabel);
    m_amount = pos::plainLabel(u"amount"_s, this);
    m_amount->setAlignment(Qt::AlignCenter);
    theme::setRelativeFontSize(m_amount, 2.6, true);
    layout->addWidget(m_amount);

    buildPaymentLink(layout);
    m_review = pos::plainLabel(u"review"_s, this);
    m_review->setMargin(6);
    m_review->setAutoFillBackground(true);
    layout->addWidget(m_review);
    buildQuestion(layout);
    buildActions(layout);
    // Takes the room the QR code leaves when it is not shown, so the rest stays together.
    layout->addStretch(1);

    connect(&m_sale, &SaleController::saleChanged, this, &PaymentPanel::refresh);
    connect(&m_sale, &SaleController::cashDrawerChanged, this, &PaymentPanel::refresh);
    connect(&m_sale, &SaleController::ticked, this, &PaymentPanel::showCountdown);
    connect(&m_sale, &SaleController::questionChanged, this, &PaymentPanel::showQuestion);
    connect(&m_sale, &SaleController::cashWanted, this, &PaymentPanel::askForCash);
    applyTheme();
    refresh();
}

void PaymentPanel::buildPaymentLink(QVBoxLayout *layout)
{
    m_qr = new QrCodeWidget(this);
    m_qr->setObjectName(u"qr"_s);
    m_qr->setMinimumSize(260, 260);
    layout->addWidget(m_qr, 3, Qt::AlignHCenter);

    auto *urlRow = new QHBoxLayout;
    m_url = pos::plainLabel(u"url"_s, this);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copy = pos::bigButton(tr("Copy link"), u"copy"_s, this, 1.0);
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_copy);
    layout->addLayout(urlRow);
    connect(m_copy, &QPushButton::clicked, this, &PaymentPanel::copyLink);

    m_countdown = pos::plainLabel(u"countdown"_s, this);
    m_countdown->setAlignment(Qt::AlignCenter);
    theme::setRelativeFontSize(m_countdown, 1.2);
    layout->addWidget(m_countdown);
}

void PaymentPanel::buildQuestion(QVBoxLayout *layout)
{
    m_confirm = new QFrame(this);
    m_confirm->setObjectName(u"confirm"_s);
    m_confirm->setFrameShape(QFrame::StyledPanel);
    auto *confirmLayout = new QVBoxLayout(m_confirm);
    m_confirmText = pos::plainLabel(u"confirm-text"_s, m_confirm);
    theme::setRelativeFontSize(m_confirmText, 1.2, true);
    confirmLayout->addWidget(m_confirmText);
    auto *buttons = new QHBoxLayout;
    auto *yes = pos::bigButton(tr("Yes  (Enter)"), u"confirm-yes"_s, m_confirm);
    auto *no = pos::bigButton(tr("No  (Esc)"), u"confirm-no"_s, m_confirm);
    buttons->addWidget(yes);
    buttons->addWidget(no);
    confirmLayout->addLayout(buttons);
    connect(yes, &QPushButton::clicked, this, [this] {
        m_sale.confirmCancel();
        Q_EMIT answered();
    });
    connect(no, &QPushButton::clicked, this, [this] {
        m_sale.dismissQuestion();
        Q_EMIT answered();
    });
    m_confirm->hide();
    layout->addWidget(m_confirm);
}

void PaymentPanel::buildActions(QVBoxLayout *layout)
{
    auto *actions = new QGridLayout;
    m_retryButton = pos::bigButton(tr("Retry link"), u"retry"_s, this);
    m_cash = pos::bigButton(tr("Cash  (F9)"), u"cash"_s, this);
    m_cancel = pos::bigButton(tr("Cancel sale  (Esc)"), u"cancel"_s, this);
    m_pdf = pos::bigButton(tr("Save receipt PDF  (Ctrl+S)"), u"save-pdf"_s, this, 1.0);
    m_print = pos::bigButton(tr("Print receipt  (Ctrl+P)"), u"print"_s, this, 1.0);
    m_email = pos::bigButton(tr("E-mail receipt…  (Ctrl+M)"), u"email-receipt"_s, this, 1.0);
    m_newSale = pos::bigButton(tr("New sale  (F2)"), u"new-sale"_s, this, 1.4);
    actions->addWidget(m_retryButton, 0, 0);
    actions->addWidget(m_cash, 0, 1);
    actions->addWidget(m_cancel, 1, 0, 1, 2);
    actions->addWidget(m_pdf, 2, 0);
    actions->addWidget(m_print, 2, 1);
    actions->addWidget(m_email, 3, 0, 1, 2);
    actions->addWidget(m_newSale, 4, 0, 1, 2);
    layout->addLayout(actions);
    connect(m_retryButton, &QPushButton::clicked, &m_sale, &SaleController::retryPaymentLink);
    connect(m_cash, &QPushButton::clicked, &m_sale, &SaleController::takeCash);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_sale.requestCancel();
        Q_EMIT answered();
    });
    connect(m_pdf, &QPushButton::clicked, this, &PaymentPanel::saveReceiptInteractively);
    connect(m_print, &QPushButton::clicked, this, &PaymentPanel::printReceipt);
    connect(m_email, &QPushButton::clicked, this, &PaymentPanel::emailReceipt);
    connect(m_newSale, &QPushButton::clicked, this, [this] {
        m_sale.newSale();
        Q_EMIT answered();
    });
}

void PaymentPanel::askForCash(const Money &total)
{
    if (findChild<CashTenderDialog *>())
        return;  // already asking
    auto *dialog = new CashTenderDialog(total, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { m_sale.recordCash(dialog->tendered()); });
    connect(dialog, &QDialog::finished, this, &PaymentPanel::dialogClosed);
    dialog->open();
}

void PaymentPanel::copyLink()
{
    const auto &order = m_sale.order();
    if (!order || order->link.url.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(order->link.url);
    Q_EMIT message(tr("Payment link copied."), Tone::Info);
}

// ---------------------------------------------------------------------------------------------
// Showing the sale

void PaymentPanel::refresh()
{
    const Phase phase = m_sale.phase();
    const std::optional<PosOrderState> &order = m_sale.order();
    const bool canceling = m_sale.isCanceling();
    const bool open = phase != Phase::Cart;
    m_idleHint->setVisible(!open);
    m_status->setVisible(open);
    m_orderLabel->setVisible(open && order);
    m_amount->setVisible(open);
    const bool waiting = phase == Phase::Waiting && order;
    const bool ready = waiting && order->link.state == PaymentLinkState::Ready && !order->link.url.isEmpty() && !canceling;
    const bool failed = waiting && order->link.state == PaymentLinkState::Failed && !canceling;
    if (ready && m_qr->text() != order->link.url && !m_qr->setText(order->link.url))
        Q_EMIT message(tr("The link is too long for a QR code: copy it instead."), Tone::Warning);
    if (!ready)
        m_qr->setText(QString());
    m_qr->setVisible(ready);
    m_url->setVisible(ready);
    m_copy->setVisible(ready);
    m_url->setText(ready ? order->link.url : QString());
    m_countdown->setVisible(waiting && !canceling);
    m_retryButton->setVisible(failed);
    m_cash->setVisible(waiting && !canceling);
    m_cash->setEnabled(m_sale.isCashDrawerOpen());
    m_cash->setToolTip(m_sale.isCashDrawerOpen() ? tr("Take cash for this sale (F9)") : m_sale.cashRefusal());
    m_cancel->setVisible(waiting && !canceling);
    m_pdf->setVisible(m_sale.hasReceipt());
    m_print->setVisible(m_sale.hasReceipt());
    m_email->setVisible(m_sale.hasReceipt());
    m_newSale->setVisible(phase == Phase::Paid || phase == Phase::Canceled);
    m_review->setVisible(order && order->needsReview);
    if (order && order->needsReview)
        m_review->setText(tr("Flagged for review: %1").arg(order->reviewReason));
    if (order) {
        m_orderLabel->setText(tr("Order %1").arg(formatOrderNumber(order->orderNumber)));
        // An exchange's new sale: the link asks for the due only (its credit pays the rest).
        m_amount->setText(order->credit.isZero() ? formatMoney(order->totals.total)
                                                 : tr("%1 (credit %2)").arg(formatMoney(order->due()), formatMoney(order->credit)));
    } else if (auto t = m_sale.cart().totals()) {
        m_amount->setText(formatMoney(t->total));
    }
    showStatus(ready, failed);
    if (phase != Phase::Waiting) {
        // Paid by card or canceled while the cash dialog was open: nothing left to take.
        if (auto *cash = findChild<CashTenderDialog *>())
            cash->reject();
    }
    showCountdown();
}

void PaymentPanel::showStatus(bool linkReady, bool linkFailed)
{
    const std::optional<PosOrderState> &order = m_sale.order();
    switch (m_sale.phase()) {
    case Phase::Cart:
        setStatus(QString(), Tone::Info);
        break;
    case Phase::Placing:
        setStatus(tr("Creating the sale…"), Tone::Info);
        break;
    case Phase::Waiting:
        if (m_sale.isCanceling())
            setStatus(tr("Canceling…"), Tone::Warning);
        else if (m_sale.isRecordingCash())
            setStatus(tr("Recording cash…"), Tone::Info);
        else if (linkFailed)
            setStatus(tr("Link failed: %1").arg(order->link.error.isEmpty() ? tr("unknown error") : order->link.error),
                      Tone::Error);
        else if (linkReady)
            setStatus(tr("Waiting for payment"), Tone::Info);
        else if (order && order->link.state == PaymentLinkState::Deactivated)
            setStatus(tr("Payment link closed"), Tone::Warning);
        else
            setStatus(tr("Creating payment link…"), Tone::Info);
        break;
    case Phase::Paid:
        if (order && (order->status == OrderStatus::Refunded || order->status == OrderStatus::PartiallyRefunded))
            setStatus(displayName(order->status), Tone::Warning);
        else
            setStatus(tr("PAID"), Tone::Info, true);
        if (m_sale.hasReceipt())
            m_orderLabel->setText(tr("Order %1 · %2").arg(formatOrderNumber(order->orderNumber), describePayment(*order)));
        break;
    case Phase::Canceled: {
        const QString note = m_sale.cancelNote();
        setStatus(note.isEmpty() ? tr("Canceled") : tr("Canceled — %1").arg(note), Tone::Warning);
        break;
    }
    }
}

void PaymentPanel::showCountdown()
{
    const std::optional<qint64> left = m_sale.secondsLeft();
    if (!left)
        m_countdown->clear();
    else if (*left > 0)
        m_countdown->setText(tr("Link valid for %1:%2").arg(*left / 60).arg(*left % 60, 2, 10, QChar(u'0')));
    else
        m_countdown->setText(tr("The payment link expired."));
}

void PaymentPanel::showQuestion()
{
    m_confirmText->setText(m_sale.question());
    m_confirm->setVisible(!m_sale.question().isEmpty());
}

QString PaymentPanel::statusText() const
{
    return m_status->isVisible() || m_sale.phase() != Phase::Cart ? m_status->text() : QString();
}

void PaymentPanel::setStatus(const QString &text, SaleController::Tone tone, bool paid)
{
    m_status->setText(text);
    m_statusTone = tone;
    m_statusPaid = paid;
    styleStatus();
}

void PaymentPanel::styleStatus()
{
    QPalette p = palette();
    if (m_statusPaid) {
        // Colour and a word: PAID reads from across the counter and without colour vision.
        p.setColor(QPalette::Window, pos::successBackground(palette()));
        p.setColor(QPalette::WindowText, Qt::white);
        m_status->setAutoFillBackground(true);
    } else {
        m_status->setAutoFillBackground(m_statusTone == Tone::Error);
        if (m_statusTone == Tone::Error) {
            p.setColor(QPalette::Window, theme::errorBackground(palette()));
            p.setColor(QPalette::WindowText, theme::errorText(palette()));
        } else {
            p.setColor(QPalette::WindowText, m_statusTone == Tone::Warning ? theme::warningText(palette())
                                                                           : palette().color(QPalette::WindowText));
        }
    }
    QFont f = m_status->font();
    f.setPointSizeF(QApplication::font().pointSizeF() * (m_statusPaid ? 4.0 : 1.8));
    f.setBold(true);
    m_status->setFont(f);
    m_status->setPalette(p);
}

void PaymentPanel::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_theming)
        applyTheme();
}

void PaymentPanel::applyTheme()
{
    m_theming = true;
    styleStatus();
    QPalette review = m_review->palette();
    review.setColor(QPalette::Window, theme::warningBackground(palette()));
    review.setColor(QPalette::WindowText, theme::warningText(palette()));
    m_review->setPalette(review);
    theme::setForeground(m_idleHint, theme::mutedText(palette()));
    theme::setForeground(m_countdown, theme::mutedText(palette()));
    m_theming = false;
}

// ---------------------------------------------------------------------------------------------
// Receipt

Status PaymentPanel::saveReceiptPdf(const QString &path) const
{
    const auto receipt = m_sale.paidReceipt();
    if (!receipt)
        return receipt.error();
    return ReceiptPrinter(*receipt).savePdf(path);
}

void PaymentPanel::saveReceiptInteractively()
{
    if (!m_sale.hasReceipt())
        return;
    const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                                  .filePath(u"receipt-%1.pdf"_s.arg(formatOrderNumber(m_sale.order()->orderNumber)));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save receipt"), suggested, tr("PDF files (*.pdf)"));
    Q_EMIT answered();
    if (path.isEmpty())
        return;
    if (Status saved = saveReceiptPdf(path); !saved)
        Q_EMIT message(saved.error().message, Tone::Error);
    else
        Q_EMIT message(tr("Receipt saved to %1.").arg(QDir::toNativeSeparators(path)), Tone::Info);
}

void PaymentPanel::printReceipt()
{
    if (!m_sale.hasReceipt())
        return;
    if (const auto receipt = m_sale.receipt())
        ReceiptPrinter(*receipt).printWithDialog(this);
    Q_EMIT answered();
}

void PaymentPanel::emailReceipt()
{
    if (!m_sale.hasReceipt() || !m_sale.order())
        return;
    Q_EMIT emailReceiptRequested(m_sale.order()->orderId, formatOrderNumber(m_sale.order()->orderNumber));
}

} // namespace rdk

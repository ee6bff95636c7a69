#pragma once

#include "ui/pos/salecontroller.h"

#include <QFrame>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace rdk {

class QrCodeWidget;

/// The right side of the counter: what the sale is doing (creating, the QR code of the
/// payment link with its countdown, link failed, PAID, canceled), the yes/no question, and the
/// actions that fit: retry the link, cash, cancel, the receipt (PDF, print), new sale. Shows
/// SaleController's state and forwards what staff do; asks for the cash when the controller
/// wants it.
class PaymentPanel final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PaymentPanel)

public:
    explicit PaymentPanel(SaleController &sale, QWidget *parent = nullptr);

    /// The big status line ("Waiting for payment", "PAID", ...); empty while the cart is built.
    QString statusText() const;
    Status saveReceiptPdf(const QString &path) const;
    void saveReceiptInteractively();   ///< asks where, then saves the PDF
    void printReceipt();               ///< the print dialog
    void emailReceipt();               ///< asks the screen's owner for "E-mail receipt…" (paid sales)

Q_SIGNALS:
    void message(const QString &text, rdk::SaleController::Tone tone);
    /// A dialog of the panel closed: the counter's keys belong to the screen again.
    void dialogClosed();
    /// Staff answered here: the scan field takes the keys again.
    void answered();
    /// "E-mail receipt…" on the paid sale (the composition root opens the dialog).
    void emailReceiptRequested(const QString &orderId, const QString &orderLabel);

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildPaymentLink(QVBoxLayout *layout);
    void buildQuestion(QVBoxLayout *layout);
    void buildActions(QVBoxLayout *layout);
    void askForCash(const Money &total);
    void copyLink();
    void refresh();
    void showStatus(bool linkReady, bool linkFailed);
    void showCountdown();
    void showQuestion();
    void setStatus(const QString &text, SaleController::Tone tone, bool paid = false);
    void styleStatus();
    void applyTheme();

    SaleController &m_sale;
    QLabel *m_idleHint = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_orderLabel = nullptr;
    QLabel *m_amount = nullptr;
    QrCodeWidget *m_qr = nullptr;
    QLabel *m_url = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_countdown = nullptr;
    QLabel *m_review = nullptr;
    QFrame *m_confirm = nullptr;
    QLabel *m_confirmText = nullptr;
    QPushButton *m_retryButton = nullptr;
    QPushButton *m_cash = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_pdf = nullptr;
    QPushButton *m_print = nullptr;
    QPushButton *m_email = nullptr;
    QPushButton *m_newSale = nullptr;
    SaleController::Tone m_statusTone = SaleController::Tone::Info;
    bool m_statusPaid = false;
    bool m_theming = false;
};

} // namespace rdk

#pragma once

#include "ui/pos/salecontroller.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;

namespace rdk {

/// The top of the counter: the scan field (which keeps the focus; its keys are PosScreen's),
/// the message line, and the list staff pick from after a scan (a search's products, a shoe's
/// sizes), shown from SaleController::picker(); a click on an entry is forwarded to it.
class ScanPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScanPanel)

public:
    explicit ScanPanel(SaleController &sale, QWidget *parent = nullptr);

    QLineEdit *scanField() const { return m_scan; }
    /// Information fades after a few seconds; warnings and errors stay until the next thing happens.
    void showMessage(const QString &text, SaleController::Tone tone);
    void clearMessage();
    /// The message shown, if any.
    QString messageText() const;

Q_SIGNALS:
    void messageShown(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void showPicker();
    void styleMessage();

    SaleController &m_sale;
    QLineEdit *m_scan = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_pickerHeading = nullptr;
    QListWidget *m_picker = nullptr;
    QTimer m_messageTimer;
    SaleController::Tone m_messageTone = SaleController::Tone::Info;
    bool m_styling = false;
};

} // namespace rdk

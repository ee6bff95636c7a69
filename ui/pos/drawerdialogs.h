#pragma once

// The cash drawer's dialogs at the counter: count the float or the cash at close (by
// denomination or as one amount), pay cash in or out with a reason, and the X/Z report with
// Save PDF and Print. They check what staff type as they type; the database has the last word
// (module drawer.sql) and its refusal is shown in the dialog, which stays open.

#include "domain/drawer.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTableWidget;

namespace rdk {

/// Counting cash: a row per note and coin of the currency with a count each and the running
/// total, or one amount ("Count as one amount", and always for currencies without a list).
/// Opening: the float. Closing: the expected cash, counted, and over/short as staff count.
class DrawerCountDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DrawerCountDialog)

public:
    enum class Mode { Open, Close };
    /// `expected` is what the drawer should hold (Close only).
    DrawerCountDialog(Mode mode, const QString &currency, const std::optional<Money> &expected, QWidget *parent = nullptr);

    /// The total counted (valid when canAccept()).
    Money counted() const { return m_counted; }
    /// The count by denomination, or nullopt when counted as one amount.
    std::optional<DrawerCount> count() const;
    QString note() const;

    /// For tests and the keyboard: the count of a denomination, the one-amount field.
    void setCount(qint64 denomination, int count);
    QLineEdit *amountEdit() const { return m_amount; }
    QCheckBox *oneAmountBox() const { return m_oneAmount; }
    QTableWidget *table() const { return m_table; }
    bool canAccept() const;
    QString totalText() const;
    QString overShortText() const;
    QString errorText() const;
    /// The database refused: shown in the dialog, which stays open.
    void showRefusal(const QString &message);
    void setBusy(bool busy);

Q_SIGNALS:
    /// OK with a valid count: the caller asks the store, then closes the dialog or shows its refusal.
    void submitted();

private:
    void recount();

    Mode m_mode;
    QString m_currency;
    std::optional<Money> m_expected;
    QList<qint64> m_denominations;
    Money m_counted;
    QTableWidget *m_table = nullptr;
    QList<QSpinBox *> m_counts;
    QCheckBox *m_oneAmount = nullptr;
    QLineEdit *m_amount = nullptr;
    QLabel *m_total = nullptr;
    QLabel *m_overShort = nullptr;
    QLineEdit *m_note = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_busy = false;
};

/// Cash paid into the drawer (change from the bank) or out of it (a delivery paid at the door),
/// with a reason; paid out never more than the drawer holds (`cash`).
class DrawerPayDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DrawerPayDialog)

public:
    DrawerPayDialog(const Money &cash, QWidget *parent = nullptr);

    DrawerPayKind kind() const;
    Money amount() const { return m_value; }
    QString reason() const;
    QComboBox *kindBox() const { return m_kind; }
    QLineEdit *amountEdit() const { return m_amount; }
    QLineEdit *reasonEdit() const { return m_reason; }
    bool canAccept() const;
    QString errorText() const;
    void showRefusal(const QString &message);
    void setBusy(bool busy);

Q_SIGNALS:
    void submitted();

private:
    void validate();

    Money m_cash;
    Money m_value;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_amount = nullptr;
    QLineEdit *m_reason = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_busy = false;
};

/// Open drawers of the shop for a manager closing up: cashier, open since, float, what each
/// should hold; "Close selected…" counts and closes one (audited as closed for a colleague).
class DrawerListDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DrawerListDialog)

public:
    DrawerListDialog(QList<DrawerSession> drawers, const QString &timeZone, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    /// Selects row `row` and asks to close it (what the button does).
    void closeRow(int row);

Q_SIGNALS:
    void closeRequested(const rdk::DrawerSession &drawer);

private:
    QList<DrawerSession> m_drawers;
    QTableWidget *m_table = nullptr;
};

/// The X or Z report on screen, with Save PDF (Ctrl+S) and Print (Ctrl+P).
class DrawerReportDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DrawerReportDialog)

public:
    DrawerReportDialog(DrawerReport report, QWidget *parent = nullptr);

    const DrawerReport &report() const { return m_report; }
    QTableWidget *table() const { return m_table; }
    /// Writes the report's PDF to `path` (the Save PDF button asks where first).
    Status savePdf(const QString &path) const;

private:
    void saveInteractively();
    void print();

    DrawerReport m_report;
    QTableWidget *m_table = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace rdk

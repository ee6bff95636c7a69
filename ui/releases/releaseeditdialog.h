#pragma once

#include "domain/releasebook.h"
#include "ui/common/uitaskrunner.h"

#include <QDialog>
#include <QTimeZone>

#include <functional>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QGridLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QWidget;

namespace rdk {

/// New or Edit release: the product by SKU (its name shown as soon as it is found), its sizes
/// as boxes (or All sizes), the release time in the shop's time zone, visibility, allocation
/// (queue: shoppers let through per minute and when the waiting room opens; raffle: when
/// entries close and a winner's hours to pay), pairs per buyer and bot friction with what it
/// costs a shopper. Save (Ctrl+S) sends it off the UI thread; a refusal — the dialog's own
/// check or the database's sentence — keeps everything as typed.
class ReleaseEditDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReleaseEditDialog)

public:
    /// `releaseId` empty: a new release (`settings` then default-constructed). `now` is the
    /// clock (tests pass their own).
    ReleaseEditDialog(ReleaseBookFactory books, QTimeZone zone, QString releaseId, ReleaseSettings settings,
                      std::function<QDateTime()> now, QWidget *parent = nullptr);
    ~ReleaseEditDialog() override;

    /// What the form says now, as it would be sent (sizes empty: every size).
    ReleaseSettings draft() const;
    /// "All sizes" is off and no size box is ticked.
    bool noSizeChosen() const;
    QString messageText() const;
    bool isBusy() const { return m_jobs.isBusy(); }
    /// The product found for the SKU ("" while none).
    QString productName() const;
    /// The size boxes shown, in order.
    QList<QCheckBox *> sizeBoxes() const { return m_sizeBoxes; }

public Q_SLOTS:
    void save();
    /// Looks the SKU up (on Enter or leaving the field).
    void lookUpSku();

Q_SIGNALS:
    void saved(const QString &releaseId);
    /// A lookup or a save answered (tests wait for it).
    void answered();

private:
    void buildUi();
    void showProduct(const ReleaseProduct &product);
    void showAllocation();
    void updateHints();
    void setMessage(const QString &text, bool error);
    QDateTime readTime(const QDateTimeEdit *edit) const;
    void writeTime(QDateTimeEdit *edit, const QDateTime &when) const;

    ReleaseBookFactory m_books;
    QTimeZone m_zone;
    QString m_id;
    ReleaseSettings m_initial;
    std::function<QDateTime()> m_now;
    UiTaskRunner m_jobs;
    LatestRequest m_lookups;
    QString m_lookedUp;     // the SKU the size boxes belong to

    QLineEdit *m_sku = nullptr;
    QLabel *m_product = nullptr;
    QCheckBox *m_allSizes = nullptr;
    QWidget *m_sizesPanel = nullptr;
    QGridLayout *m_sizesGrid = nullptr;
    QList<QCheckBox *> m_sizeBoxes;
    QDateTimeEdit *m_releaseAt = nullptr;
    QComboBox *m_visibility = nullptr;
    QComboBox *m_allocation = nullptr;
    QGroupBox *m_queueGroup = nullptr;
    QSpinBox *m_admitPerMinute = nullptr;
    QDateTimeEdit *m_opensAt = nullptr;
    QLabel *m_opensLabel = nullptr;
    QGroupBox *m_raffleGroup = nullptr;
    QDateTimeEdit *m_entriesClose = nullptr;
    QSpinBox *m_claimHours = nullptr;
    QSpinBox *m_limit = nullptr;
    QSpinBox *m_powBits = nullptr;
    QLabel *m_powHint = nullptr;
    QLabel *m_queueHint = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace rdk

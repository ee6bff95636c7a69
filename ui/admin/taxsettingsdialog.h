#pragma once

#include "domain/staff.h"
#include "domain/tax.h"
#include "ui/common/uitaskrunner.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace rdk {

/// The shop's sales tax: its rates (name, percentage, active) and whether its prices include
/// tax. Administrators edit and save them (the database checks them again and audits the
/// change); everyone else sees them read-only, with the reason. Loading and saving run off the
/// UI thread; the example line shows what a $100 item costs the buyer under what is on screen.
class TaxSettingsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TaxSettingsDialog)

public:
    TaxSettingsDialog(TaxSettingsStoreFactory stores, StaffRole role, QString currency, QWidget *parent = nullptr);
    ~TaxSettingsDialog() override;

    bool isBusy() const;
    /// What the form says now, as it would be saved (Error when a row is not valid).
    Result<TaxSettings> edited() const;

Q_SIGNALS:
    /// A load or save answered (tests wait for it).
    void answered();
    void saved();

private:
    void load();
    void save();
    void showSettings(const TaxSettings &settings);
    void addRate();
    int appendRow();   ///< an empty, active row; returns its index
    void removeRate();
    void updateExample();
    void setMessage(const QString &text, bool error);
    void updateButtons();

    TaxSettingsStoreFactory m_stores;
    StaffRole m_role;
    QString m_currency;
    bool m_mayEdit = false;
    bool m_loaded = false;
    UiTaskRunner m_jobs;
    QCheckBox *m_inclusive = nullptr;
    QTableWidget *m_rates = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_save = nullptr;
    QLabel *m_example = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace rdk

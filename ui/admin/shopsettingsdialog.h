#pragma once

#include "domain/shopsettings.h"
#include "domain/staff.h"
#include "ui/common/uitaskrunner.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace rdk {

/// Shop ▸ Online orders…: where the shop ships (country codes), up to five shipping options
/// (flat rate, free above an amount, local pickup), whether Stripe computes the tax of online
/// orders, whether checkout asks for a phone number, and the shop's address and policy texts
/// with their character counts. Administrators edit and save (the database checks everything
/// again and audits the change); everyone else sees the settings read-only, with the reason.
/// Loading and saving run off the UI thread; a refused save keeps what was typed.
class ShopSettingsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShopSettingsDialog)

public:
    ShopSettingsDialog(ShopSettingsStoreFactory stores, StaffRole role, QString currency, QWidget *parent = nullptr);
    ~ShopSettingsDialog() override;

    bool isBusy() const;
    /// What the form says now, as it would be saved (Error naming the first field that is wrong).
    Result<ShopSettings> edited() const;
    QString message() const;

Q_SIGNALS:
    /// A load or save answered (tests wait for it).
    void answered();
    void saved();

private:
    void load();
    void save();
    void showSettings(const ShopSettings &settings);
    void addOption();
    int appendOptionRow();
    void removeOption();
    void updateOptionRow(int row);
    void updateCounts();
    void setMessage(const QString &text, bool error);
    void updateButtons();
    QPlainTextEdit *textEdit(const QString &name, const QString &accessible, int max);

    ShopSettingsStoreFactory m_stores;
    StaffRole m_role;
    QString m_currency;
    bool m_mayEdit = false;
    bool m_loaded = false;
    UiTaskRunner m_jobs;
    QLineEdit *m_countries = nullptr;
    QTableWidget *m_options = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QCheckBox *m_stripeTax = nullptr;
    QCheckBox *m_collectPhone = nullptr;
    QPlainTextEdit *m_address = nullptr;
    QPlainTextEdit *m_shipping = nullptr;
    QPlainTextEdit *m_returns = nullptr;
    QPlainTextEdit *m_contact = nullptr;
    QList<std::pair<QPlainTextEdit *, QLabel *>> m_counts;
    QPushButton *m_save = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace rdk

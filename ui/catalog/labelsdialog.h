#pragma once

#include "domain/labels.h"
#include "domain/staff.h"
#include "ui/common/uitaskrunner.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace rdk {

/// Price labels for chosen products (every size, one label per unit on hand) or for what came
/// in today: pick the label stock, check the preview, save a PDF or print. Products load off
/// the UI thread; printing and PDF writing are quick and stay on it.
class LabelsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabelsDialog)

public:
    struct Options {
        QStringList productIds;   ///< products to start with (their sizes in stock)
        StaffRole role = StaffRole::Staff;
        QString shopTimeZone;     ///< "today" for "received today"
    };

    LabelsDialog(LabelSourceFactory sources, Options options, QWidget *parent = nullptr);

    /// The job as the table describes it now.
    QList<LabelRequest> requests() const;
    /// Adds every size of each product with stock on hand (copies = units), or 1 when none.
    void addProducts(const QList<Product> &products);
    void addRequests(const QList<LabelRequest> &requests);
    QString status() const;

public Q_SLOTS:
    void addReceivedToday();
    bool savePdf(const QString &path);
    void print();

Q_SIGNALS:
    /// Products or received stock were loaded (or failed): for tests and the busy state.
    void loaded();

private:
    void buildLayout();
    void setBusy(bool busy);
    void setStatus(const QString &text);
    void updatePreview();
    LabelStock currentStock() const;
    Result<QList<LabelContent>> currentLabels() const;

    LabelSourceFactory m_sources;
    Options m_options;
    UiTaskRunner m_loads;
    QList<LabelRequest> m_rows;

    QTableWidget *m_table = nullptr;
    QComboBox *m_stock = nullptr;
    QLabel *m_preview = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_received = nullptr;
    QPushButton *m_pdf = nullptr;
    QPushButton *m_print = nullptr;
};

} // namespace rdk

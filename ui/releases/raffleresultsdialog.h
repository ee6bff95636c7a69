#pragma once

#include "domain/releasebook.h"
#include "ui/common/uitaskrunner.h"

#include <QDateTime>
#include <QDialog>
#include <QTimeZone>

#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace rdk {

/// A raffle's results (rdk.raffle_results): the recorded seed (Copy seed, Ctrl+Shift+C, so
/// anyone can re-run the draw: docs/DROPS.md), a line per size with how many won, paid and
/// lapsed, and the entries in draw order with their state and, for a winner, the time to pay by
/// (in the shop's zone) — winners only unless "Show every entry" is on. Entries show a hash of
/// the e-mail, never the address.
class RaffleResultsDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RaffleResultsDialog)

public:
    /// `now` is the clock a winner's time to pay by is compared with (the releases window's).
    RaffleResultsDialog(ReleaseBookFactory books, ReleaseSummary release, QTimeZone zone, std::function<QDateTime()> now,
                        QWidget *parent = nullptr);
    ~RaffleResultsDialog() override;

    QTableWidget *table() const { return m_table; }
    QString seedText() const;
    QString summaryText() const;
    bool isBusy() const { return m_jobs.isBusy(); }

public Q_SLOTS:
    void load();
    void copySeed();

Q_SIGNALS:
    void loaded();

private:
    void showRows();
    QString payBy(const RaffleResult &row) const;

    ReleaseBookFactory m_books;
    ReleaseSummary m_release;
    QTimeZone m_zone;
    std::function<QDateTime()> m_now;
    UiTaskRunner m_jobs;
    QList<RaffleResult> m_rows;
    QLineEdit *m_seed = nullptr;
    QLabel *m_summary = nullptr;
    QCheckBox *m_everyEntry = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace rdk

#pragma once
// Drives the staff screens' dialogs as a person would, and takes pictures of screens for docs.
// The screens open their dialogs with open() (not exec()), so a test finds the open dialog
// among the screen's children and works it directly.

#include <QDialog>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QWidget>

namespace rdk::test::deskadmin {

/// Clicks the dialog's OK button the way a person would.
inline void clickOk(QDialog *dialog)
{
    auto *box = dialog->findChild<QDialogButtonBox *>();
    box->button(QDialogButtonBox::Ok)->click();
}

/// With RDK_SCREENSHOT_DIR set, saves a picture of `widget` there (for docs/screenshots
/// and for looking at the screens); otherwise does nothing.
inline void maybeScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("RDK_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        widget->grab().save(dir + QLatin1Char('/') + name + QLatin1String(".png"));
}

} // namespace rdk::test::deskadmin

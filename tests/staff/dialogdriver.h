#pragma once
// Drives modal dialogs opened with exec(): waits until one of type D is the active modal
// widget, then hands it to the test code (which accepts, rejects or inspects it).

#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QTimer>

#include <functional>

namespace rdk::test::deskadmin {

template <typename D>
void whenDialogOpens(std::function<void(D *)> handle)
{
    auto *timer = new QTimer;
    timer->setInterval(5);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, handle] {
        auto *dialog = qobject_cast<D *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        timer->stop();
        timer->deleteLater();
        handle(dialog);
    });
    timer->start();
}

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

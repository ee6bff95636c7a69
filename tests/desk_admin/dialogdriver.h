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

} // namespace rdk::test::deskadmin

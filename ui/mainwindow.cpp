#include "ui/mainwindow.h"

#include <QLabel>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

MainWindow::MainWindow(const QString &server, QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(u"Real Deal Kickz"_s);
    auto *label = new QLabel(tr("Real Deal Kickz back office\nServer: %1").arg(server), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    resize(1024, 700);
}

} // namespace rdk

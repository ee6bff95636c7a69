// rdk-desk: the back office and point of sale. This first cut validates its configuration and
// opens the main window shell; the screens arrive with the back-office work.
#include "app/runtime/logging.h"
#include "app/runtime/version.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QTextStream>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    // Answer --version before any GUI platform is set up, so it works without a display.
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--version") == 0) {
            QTextStream(stdout) << "rdk-desk " << rdk::releaseString() << Qt::endl;
            return 0;
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"Real Deal Kickz"_s);
    QApplication::setOrganizationName(u"Real Deal Kickz"_s);
    QTextStream err(stderr);
    auto config = rdk::DeskConfig::load(rdk::ConfigSource::fromProcess());
    if (!config) {
        err << "rdk-desk: configuration problems:\n";
        for (const QString &line : config.error().message.split(u'\n'))
            err << "  " << line << '\n';
        err.flush();
        return 2;
    }
    rdk::installLogging(u"rdk-desk"_s, config->log);
    rdk::MainWindow window(rdk::redactUrl(config->databaseUrl));
    window.show();
    if (app.arguments().contains(u"--smoke-test"_s))
        return 0;
    return app.exec();
}

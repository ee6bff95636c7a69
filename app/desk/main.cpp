// rdk-desk: the back office and point of sale. Reads its configuration, then signs the
// person in and opens the main window (app/desk/deskapp.cpp).
#include "app/desk/deskapp.h"
#include "app/runtime/config.h"
#include "app/runtime/crashreport.h"
#include "app/runtime/logging.h"
#include "app/runtime/version.h"

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
    const rdk::ConfigSource source = rdk::ConfigSource::fromProcess();
    auto config = rdk::DeskConfig::load(source);
    if (!config) {
        err << "rdk-desk: configuration problems:\n";
        for (const QString &line : config.error().message.split(u'\n'))
            err << "  " << line << '\n';
        err.flush();
        return 2;
    }
    rdk::installLogging(u"rdk-desk"_s, config->log);
    rdk::installCrashReports(u"rdk-desk"_s, source);

    rdk::DeskRunOptions options;
    const QStringList args = app.arguments();
    options.smokeTest = args.contains(u"--smoke-test"_s);
    // Automation only (scripts/screenshots): credentials come from the environment, never
    // from the command line, where other users could read them.
    if (const qsizetype i = args.indexOf(u"--screenshot-dir"_s); i >= 0) {
        if (i + 1 >= args.size()) {
            err << "rdk-desk: --screenshot-dir needs a folder\n";
            return 2;
        }
        options.screenshotDir = args.at(i + 1);
    }
    return rdk::runDesk(*config, options);
}

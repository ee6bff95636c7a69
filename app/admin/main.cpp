// rdk-admin: schema migrations, shops, staff accounts and the demo seed, from a terminal.
#include "app/admin/admincli.h"
#include "app/admin/tlscommands.h"
#include "app/admin/stripecommands.h"
#include "app/runtime/logging.h"
#include "app/runtime/version.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    // Demo photos are painted on QImage, which needs no GUI application or display.
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = app.arguments().mid(1);
    if (args.value(0) == u"--version"_s) {
        out << "rdk-admin " << rdk::releaseString() << Qt::endl;
        return 0;
    }
    if (args.isEmpty() || args.value(0) == u"--help"_s || args.value(0) == u"-h"_s) {
        out << rdk::adminUsage() << Qt::endl;
        return args.isEmpty() ? 64 : 0;
    }
    // Certificates need no database: `tls` runs before (and without) the configuration.
    if (args.value(0) == u"tls"_s)
        return rdk::runTlsCommand(args.mid(1), out, err);
    // Stripe set-up needs no database: it runs before DATABASE_URL is required.
    if (args.value(0) == u"stripe"_s)
        return rdk::runStripeCommand(args.mid(1), out, err);
    auto config = rdk::AdminConfig::load(rdk::ConfigSource::fromProcess());
    if (!config) {
        err << "rdk-admin: configuration problems:\n";
        for (const QString &line : config.error().message.split(u'\n'))
            err << "  " << line << '\n';
        err.flush();
        return 2;
    }
    rdk::installLogging(u"rdk-admin"_s, config->log);
    rdk::AdminCli cli(*config, out, err);
    return cli.run(args);
}

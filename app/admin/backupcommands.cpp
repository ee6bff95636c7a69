#include "app/admin/backupcommands.h"

#include "app/admin/backuparchive.h"
#include "app/runtime/envfile.h"
#include "app/runtime/version.h"
#include "data/pgbackup.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kFormatVersion = 1;
constexpr qsizetype kMaxManifestBytes = 4 * 1024 * 1024;

// Settings a backup keeps: every key of .env.example that is not a secret. A key not listed
// here (a new one, or one a shop added) is left out rather than risk copying a secret into
// every backup; database URLs are kept without their password.
const QStringList kSettingKeys = {
    u"DATABASE_URL"_s, u"RDK_TENANT"_s, u"RDK_SYNC_DATABASE_URL"_s, u"RDK_SYNC_LISTEN"_s,
    u"RDK_SYNC_ALLOW_PUBLIC_LISTEN"_s, u"RDK_SYNC_TRUSTED_PROXIES"_s, u"RDK_SYNC_METRICS_ALLOW"_s, u"RDK_SYNC_PROCESSES"_s,
    u"RDK_SYNC_EDGE_REFRESH_URL"_s, u"RDK_SYNC_EDGE_VIEWS_LISTEN"_s, u"RDK_PUBLIC_URL"_s,
    u"STRIPE_API_BASE"_s, u"RDK_SMTP_HOST"_s, u"RDK_SMTP_PORT"_s, u"RDK_SMTP_TLS"_s, u"RDK_SMTP_USER"_s,
    u"RDK_SMTP_FROM"_s, u"RDK_SMTP_CA_FILE"_s, u"RDK_MAIL_SHOP_ADDRESS"_s, u"RDK_MAIL_POLICIES"_s,
    u"RDK_DESK_DATABASE_URL"_s, u"RDK_LOCK_MINUTES"_s, u"RDK_SYNC_URL"_s, u"RDK_POS_LINK_MINUTES"_s,
    u"RDK_RECEIPT_ADDRESS"_s, u"RDK_LOG_LEVEL"_s, u"RDK_LOG_FORMAT"_s,
};
const QStringList kSecretKeys = {u"STRIPE_SECRET_KEY"_s, u"STRIPE_WEBHOOK_SECRET"_s, u"RDK_SMTP_PASSWORD"_s};
const QStringList kUrlKeys = {u"DATABASE_URL"_s, u"RDK_SYNC_DATABASE_URL"_s, u"RDK_DESK_DATABASE_URL"_s};

struct Args final {
    QStringList positional;
    QHash<QString, QString> named;
    QSet<QString> flags;
    QString error;
};

Args parseArgs(const QStringList &args, const QStringList &valued, const QStringList &flags)
{
    Args a;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args[i];
        if (!arg.startsWith(u"--"_s)) {
            a.positional.append(arg);
            continue;
        }
        const QString key = arg.mid(2);
        if (flags.contains(key)) {
            a.flags.insert(key);
        } else if (valued.contains(key) && i + 1 < args.size()) {
            a.named.insert(key, args[++i]);
        } else {
            a.error = valued.contains(key) ? u"--%1 needs a value"_s.arg(key) : u"unknown option --%1"_s.arg(key);
            return a;
        }
    }
    return a;
}

QString withoutPassword(const QString &url)
{
    QUrl u(url);
    if (!u.isValid())
        return {};
    u.setPassword(QString());
    QUrlQuery query(u);
    query.removeAllQueryItems(u"password"_s);
    u.setQuery(query);
    return u.toString(QUrl::FullyEncoded);
}

QString quoteEnvValue(const QString &value)
{
    QString escaped = value;
    escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"\""_s, u"\\\""_s).replace(u"\n"_s, u"\\n"_s);
    return u'"' + escaped + u'"';
}

QString settingsText(const ConfigSource &source, const QString &origin)
{
    QString text = u"# Real Deal Kickz settings saved by rdk-admin backup on %1 (release %2) from %3.\n"
                   "# Secrets are never in a backup. Before starting rdk-sync, set again:\n"
                   "#   %4,\n"
                   "#   and the password of each database URL below.\n"_s
                       .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate), QString::fromLatin1(releaseString()),
                            origin, kSecretKeys.join(u", "_s));
    for (const QString &key : kSettingKeys) {
        const auto value = source.value(key);
        if (!value)
            continue;
        text += key + u'=' + quoteEnvValue(kUrlKeys.contains(key) ? withoutPassword(*value) : *value) + u'\n';
    }
    for (const QString &key : kSecretKeys)
        text += u"# %1=   (secret: not in the backup)\n"_s.arg(key);
    return text;
}

QString toolPath(const QString &tool)
{
    const QString debian = u"/usr/lib/postgresql/15/bin/"_s + tool;
    if (QFileInfo(debian).isExecutable())
        return debian;
    return QStandardPaths::findExecutable(tool);
}

/// Runs a PostgreSQL client tool with the password in its environment, never on its command
/// line (where `ps` would show it). Returns stderr's last lines on failure.
Result<void> runPgTool(const QString &tool, QStringList args, const QString &url)
{
    const QString program = toolPath(tool);
    if (program.isEmpty())
        return Error::unavailable(u"%1 is not installed (Debian: apt-get install postgresql-client-15)"_s.arg(tool));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString password = QUrl(url).password();
    if (!password.isEmpty())
        env.insert(u"PGPASSWORD"_s, password);
    args << u"--no-password"_s;
    if (!url.isEmpty())
        args << u"--dbname"_s << withoutPassword(url);
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.setStandardOutputFile(QProcess::nullDevice());
    process.start(program, args);
    if (!process.waitForStarted(10000))
        return Error::unavailable(u"can't start %1: %2"_s.arg(program, process.errorString()));
    process.waitForFinished(-1);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        QStringList lines = QString::fromUtf8(process.readAllStandardError()).trimmed().split(u'\n');
        if (lines.size() > 4)
            lines = lines.mid(lines.size() - 4);
        return Error::unavailable(u"%1 failed: %2"_s.arg(tool, lines.join(u" / "_s)));
    }
    return {};
}

QString megabytes(qint64 bytes)
{
    return u"%1 MB"_s.arg(double(bytes) / 1e6, 0, 'f', 1);
}

QString seconds(const QElapsedTimer &timer)
{
    return u"%1 s"_s.arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1);
}

QJsonObject manifestOf(const data::BackupFacts &facts, const QString &dumpSha, qint64 dumpBytes, const QString &settingsSha,
                       const QString &settingsOrigin)
{
    QJsonObject tables;
    qint64 rows = 0;
    for (const auto &[table, count] : facts.rowCounts) {
        tables.insert(table, count);
        rows += count;
    }
    QJsonArray logins;
    for (const data::BackupLogin &l : facts.logins)
        logins.append(QJsonObject{{u"name"_s, l.name}, {u"kind"_s, l.kind}, {u"shop"_s, l.shop},
                                  {u"memberOf"_s, QJsonArray::fromStringList(l.memberOf)}, {u"canLogin"_s, l.canLogin}});
    return QJsonObject{
        {u"format"_s, u"rdk-backup"_s},
        {u"formatVersion"_s, kFormatVersion},
        {u"createdAt"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {u"release"_s, QString::fromLatin1(releaseString())},
        {u"database"_s, facts.database},
        {u"owner"_s, facts.owner},
        {u"serverVersion"_s, facts.serverVersion},
        {u"migrationLevel"_s, facts.migrationLevel},
        {u"tables"_s, tables},
        {u"totalRows"_s, rows},
        {u"logins"_s, logins},
        {u"dump"_s, QJsonObject{{u"file"_s, u"database.dump"_s}, {u"format"_s, u"pg_dump custom"_s},
                                {u"bytes"_s, dumpBytes}, {u"sha256"_s, dumpSha}}},
        {u"settings"_s, QJsonObject{{u"file"_s, u"settings.env"_s}, {u"from"_s, settingsOrigin}, {u"sha256"_s, settingsSha}}},
    };
}

class BackupCommands final {
public:
    BackupCommands(const AdminConfig &config, QTextStream &out, QTextStream &err) : m_config(config), m_out(out), m_err(err) {}

    int fail(const QString &message)
    {
        m_err << "rdk-admin: " << message << Qt::endl;
        return 1;
    }

    int usage(const QString &message)
    {
        m_err << "rdk-admin: " << message << "\n\n" << backupUsage() << Qt::endl;
        return 64;
    }

    int backup(const QStringList &args);
    int restore(const QStringList &args);

private:
    const AdminConfig &m_config;
    QTextStream &m_out;
    QTextStream &m_err;
};

int BackupCommands::backup(const QStringList &args)
{
    const Args a = parseArgs(args, {u"settings"_s}, {});
    if (!a.error.isEmpty())
        return usage(a.error);
    if (a.positional.size() != 1)
        return usage(u"backup needs the file to write: backup FILE"_s);
    const QString target = QFileInfo(a.positional.first()).absoluteFilePath();
    if (QFileInfo::exists(target))
        return fail(u"%1 already exists; a backup never overwrites a file (choose a new name)"_s.arg(target));
    const QDir folder = QFileInfo(target).absoluteDir();
    if (!folder.exists())
        return fail(u"the folder %1 does not exist"_s.arg(folder.path()));

    // Settings first: a bad settings file is found before minutes of dumping.
    QString settingsOrigin;
    std::optional<ConfigSource> settings;
    if (a.named.contains(u"settings"_s)) {
        const QString path = a.named.value(u"settings"_s);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(u"can't read the settings file %1: %2"_s.arg(path, file.errorString()));
        const EnvFile parsed = parseEnvFile(file.read(1024 * 1024));
        if (!parsed.errors.isEmpty())
            return fail(u"the settings file %1 has errors: %2"_s.arg(path, parsed.errors.join(u"; "_s)));
        settings.emplace(parsed.values);
        settingsOrigin = QFileInfo(path).absoluteFilePath();
    } else {
        settings.emplace(ConfigSource::fromProcess());
        settingsOrigin = u"rdk-admin's environment and .env"_s;
    }
    const QByteArray settingsBytes = settingsText(*settings, settingsOrigin).toUtf8();

    QElapsedTimer total;
    total.start();
    m_out << "backing up " << redactUrl(m_config.databaseUrl) << " to " << target << Qt::endl;
    auto snapshot = data::PgBackupSnapshot::open(m_config.databaseUrl.toStdString());
    if (!snapshot)
        return fail(snapshot.error().message);
    auto facts = (*snapshot)->facts();
    if (!facts)
        return fail(facts.error().message);
    if (facts->migrationLevel == 0)
        return fail(u"the database %1 has no Real Deal Kickz schema (no migrations applied); nothing to back up"_s.arg(facts->database));
    qint64 rows = 0;
    for (const auto &count : facts->rowCounts)
        rows += count.second;
    m_out << u"  database %1 at migration %2: %3 tables, %4 rows, %5 logins"_s.arg(facts->database).arg(facts->migrationLevel)
                 .arg(facts->rowCounts.size()).arg(rows).arg(facts->logins.size())
          << Qt::endl;

    // Everything is written next to the target and renamed into place at the end, so a
    // failed or interrupted backup never leaves a file under the name the operator asked for.
    QTemporaryDir work(folder.filePath(u".rdk-backup-XXXXXX"_s));
    if (!work.isValid())
        return fail(u"can't create a working folder in %1: %2"_s.arg(folder.path(), work.errorString()));
    const QString dumpPath = work.filePath(u"database.dump"_s);
    QElapsedTimer step;
    step.start();
    m_out << "  pg_dump (custom format, photos included)..." << Qt::endl;
    if (auto ok = runPgTool(u"pg_dump"_s, {u"--format=custom"_s, u"--snapshot=%1"_s.arg((*snapshot)->snapshotId()),
                                           u"--file=%1"_s.arg(dumpPath)},
                            m_config.databaseUrl);
        !ok)
        return fail(ok.error().message + u"; no backup was written"_s);
    snapshot.value().reset();   // the dump is taken; the snapshot's transaction can end
    const qint64 dumpBytes = QFileInfo(dumpPath).size();
    auto dumpSha = sha256OfFile(dumpPath);
    if (!dumpSha)
        return fail(dumpSha.error().message);
    m_out << "  dumped " << megabytes(dumpBytes) << " in " << seconds(step) << Qt::endl;

    const QString settingsSha = QString::fromLatin1(QCryptographicHash::hash(settingsBytes, QCryptographicHash::Sha256).toHex());
    const QByteArray manifest = QJsonDocument(manifestOf(*facts, *dumpSha, dumpBytes, settingsSha, settingsOrigin)).toJson();
    const QString partial = work.filePath(u"backup.partial"_s);
    BackupArchiveWriter writer(partial);
    Result<void> written = writer.open();
    if (written)
        written = writer.addBytes(u"manifest.json"_s, manifest);
    if (written)
        written = writer.addBytes(u"settings.env"_s, settingsBytes);
    if (written)
        written = writer.addFile(u"database.dump"_s, dumpPath);
    if (written)
        written = writer.finish();
    if (!written)
        return fail(written.error().message + u"; no backup was written"_s);
    QFile::setPermissions(partial, QFile::ReadOwner | QFile::WriteOwner);
    if (!QFile::rename(partial, target))
        return fail(u"can't move the finished backup to %1"_s.arg(target));
    m_out << u"backup written: %1 (%2, sha256 of the dump %3) in %4"_s.arg(target, megabytes(QFileInfo(target).size()),
                                                                            dumpSha->left(16), seconds(total))
          << Qt::endl;
    m_out << "  the settings in it have no secrets; keep the Stripe keys, the mail password and the database passwords elsewhere"
          << Qt::endl;
    return 0;
}

int BackupCommands::restore(const QStringList &args)
{
    const Args a = parseArgs(args, {u"settings-out"_s}, {u"replace"_s});
    if (!a.error.isEmpty())
        return usage(a.error);
    if (a.positional.size() != 1)
        return usage(u"restore needs the backup file: restore FILE"_s);
    const QString file = QFileInfo(a.positional.first()).absoluteFilePath();
    const bool replace = a.flags.contains(u"replace"_s);
    const QString settingsOut = a.named.value(u"settings-out"_s);
    if (!settingsOut.isEmpty() && QFileInfo::exists(settingsOut))
        return fail(u"%1 already exists; --settings-out never overwrites a file"_s.arg(settingsOut));
    const QString nothing = u"; nothing was restored"_s;

    QElapsedTimer total;
    total.start();
    if (!QFileInfo(file).isFile())
        return fail(u"there is no backup file at %1"_s.arg(file) + nothing);
    m_out << "checking " << file << " (" << megabytes(QFileInfo(file).size()) << ")..." << Qt::endl;
    QTemporaryDir work;
    if (!work.isValid())
        return fail(u"can't create a working folder: %1"_s.arg(work.errorString()));
    auto members = extractBackupArchive(file, work.path());
    if (!members)
        return fail(members.error().message + nothing);

    QFile manifestFile(members->at(0).path);
    if (members->at(0).size > kMaxManifestBytes || !manifestFile.open(QIODevice::ReadOnly))
        return fail(u"%1 has an unreadable manifest"_s.arg(file) + nothing);
    QJsonParseError parseError{};
    const QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll(), &parseError).object();
    if (parseError.error != QJsonParseError::NoError || manifest.value(u"format"_s).toString() != u"rdk-backup"_s)
        return fail(u"%1 has a damaged manifest (%2)"_s.arg(file, parseError.errorString()) + nothing);
    if (manifest.value(u"formatVersion"_s).toInt() != kFormatVersion)
        return fail(u"%1 is a backup of format %2; this rdk-admin reads format %3"_s.arg(file)
                        .arg(manifest.value(u"formatVersion"_s).toInt()).arg(kFormatVersion) + nothing);
    const QJsonObject dump = manifest.value(u"dump"_s).toObject();
    const QJsonObject settings = manifest.value(u"settings"_s).toObject();
    if (members->at(2).sha256 != dump.value(u"sha256"_s).toString() || members->at(2).size != dump.value(u"bytes"_s).toInteger(-1))
        return fail(u"%1 is damaged or was changed: its database dump does not match the checksum in its manifest"_s.arg(file) + nothing);
    if (members->at(1).sha256 != settings.value(u"sha256"_s).toString())
        return fail(u"%1 is damaged or was changed: its settings do not match the checksum in its manifest"_s.arg(file) + nothing);

    const int level = manifest.value(u"migrationLevel"_s).toInt();
    const QString owner = manifest.value(u"owner"_s).toString();
    const QJsonObject tables = manifest.value(u"tables"_s).toObject();
    const QJsonArray loginArray = manifest.value(u"logins"_s).toArray();
    m_out << u"  backup of database %1 made %2 by release %3, migration %4: %5 tables, %6 rows, %7 logins; checksums match"_s
                 .arg(manifest.value(u"database"_s).toString(), manifest.value(u"createdAt"_s).toString(),
                      manifest.value(u"release"_s).toString())
                 .arg(level)
                 .arg(tables.size())
                 .arg(manifest.value(u"totalRows"_s).toInteger())
                 .arg(loginArray.size())
          << Qt::endl;
    if (level > data::compiledMigrationLevel())
        return fail(u"the backup is at migration %1, newer than this rdk-admin knows (%2): restore it with the release that made it"_s
                        .arg(level).arg(data::compiledMigrationLevel()) + nothing);
    // The dump must be one pg_restore can read before anything on the server changes.
    if (auto ok = runPgTool(u"pg_restore"_s, {u"--list"_s, members->at(2).path}, {}); !ok)
        return fail(u"%1's database dump is unreadable: %2"_s.arg(file, ok.error().message) + nothing);

    data::PgRestoreTarget target(m_config.databaseUrl.toStdString());
    const QString database = target.databaseName();
    auto state = target.inspect();
    if (!state)
        return fail(state.error().message + nothing);
    if (state->connectedAs != owner)
        return fail(u"the backup's objects belong to the role %1, but DATABASE_URL signs in as %2: create %1 on this server "
                    "(CREATEDB CREATEROLE) and restore as it"_s.arg(owner, state->connectedAs) + nothing);
    if (!state->canCreateRoles)
        return fail(u"the role %1 needs CREATEROLE to recreate the shop's logins"_s.arg(owner) + nothing);
    const bool intoTarget = state->exists && state->objects == 0;
    if (state->exists && state->objects > 0 && !replace)
        return fail(u"the database %1 is not empty (%2 tables, functions or schemas): restore goes into a new or empty database "
                    "(point DATABASE_URL at a new name), or pass --replace to swap it for the backup"_s
                        .arg(database).arg(state->objects) + nothing);
    if (!intoTarget && !state->canCreateDatabases)
        return fail(u"the role %1 needs CREATEDB to create the database %2 (or create it empty first)"_s.arg(owner, database) + nothing);
    // A restore that does not go into an empty existing database goes into a new one under a
    // working name, renamed only once it is complete: the name DATABASE_URL gives never holds
    // half a shop.
    const QString workDb = intoTarget ? database
                                      : u"%1_restoring_%2"_s.arg(database.left(40)).arg(QRandomGenerator::global()->bounded(100000, 999999));
    m_out << "  target: database " << database << (intoTarget ? " (exists, empty)"
                                                   : state->exists ? " (not empty: replaced once the restore is complete)"
                                                                   : " (new)")
          << " as " << owner << Qt::endl;

    QList<data::BackupLogin> logins;
    for (const QJsonValue &v : loginArray) {
        const QJsonObject o = v.toObject();
        data::BackupLogin l;
        l.name = o.value(u"name"_s).toString();
        l.kind = o.value(u"kind"_s).toString();
        l.shop = o.value(u"shop"_s).toString();
        l.canLogin = o.value(u"canLogin"_s).toBool(true);
        for (const QJsonValue &g : o.value(u"memberOf"_s).toArray())
            l.memberOf.append(g.toString());
        if (!l.name.isEmpty())
            logins.append(l);
    }
    auto roles = target.recreateRoles(logins);
    if (!roles)
        return fail(roles.error().message + nothing);
    m_out << u"  roles: %1 group role(s) created, %2 login(s) created without a password, %3 already on this server (kept)"_s
                 .arg(roles->createdGroups.size()).arg(roles->createdLogins.size()).arg(roles->existingLogins.size())
          << Qt::endl;

    bool filledTarget = false;   // pg_restore committed into the existing empty database
    auto undo = [&](const QString &message) {
        if (filledTarget)
            return fail(message + u"; the data is restored in %1, but this check failed: drop the database and restore again"_s.arg(database));
        if (!intoTarget)
            (void)target.dropDatabase(workDb);
        target.dropCreatedRoles(*roles);
        return fail(message + nothing);
    };
    if (!intoTarget) {
        if (auto ok = target.createDatabase(workDb); !ok)
            return undo(ok.error().message);
    }
    QElapsedTimer step;
    step.start();
    m_out << "  pg_restore (one transaction)..." << Qt::endl;
    if (auto ok = runPgTool(u"pg_restore"_s, {u"--single-transaction"_s, u"--exit-on-error"_s, members->at(2).path},
                            QString::fromStdString(target.urlOf(workDb)));
        !ok)
        return undo(ok.error().message);
    filledTarget = intoTarget;
    m_out << "  restored in " << seconds(step) << Qt::endl;
    auto granted = target.grantDatabaseAccess(workDb);
    if (!granted)
        return undo(granted.error().message);

    auto counts = target.rowCounts(workDb);
    if (!counts)
        return undo(counts.error().message);
    QStringList differences;
    for (const auto &[table, count] : *counts) {
        if (!tables.contains(table) || tables.value(table).toInteger(-1) != count)
            differences.append(u"%1 has %2 rows, the backup %3"_s.arg(table).arg(count).arg(tables.value(table).toInteger(-1)));
    }
    if (counts->size() != tables.size())
        differences.append(u"%1 tables restored, the backup lists %2"_s.arg(counts->size()).arg(tables.size()));
    if (!differences.isEmpty())
        return undo(u"the restored rows differ from the manifest: "_s + differences.mid(0, 5).join(u"; "_s));
    m_out << u"  row counts match the manifest in all %1 tables"_s.arg(counts->size()) << Qt::endl;

    if (!intoTarget) {
        if (state->exists) {
            if (auto ok = target.dropDatabase(database); !ok)
                return undo(ok.error().message);
        }
        if (auto ok = target.renameDatabase(workDb, database); !ok) {
            // The old database is gone by now (with --replace); keep the complete restore
            // under its working name rather than drop it.
            return fail(ok.error().message + u"; the restored database is complete under the name "_s + workDb);
        }
    }
    if (!settingsOut.isEmpty()) {
        if (!QFile::copy(members->at(1).path, settingsOut))
            m_err << "rdk-admin: could not write the settings to " << settingsOut << " (the database is restored)" << Qt::endl;
        else
            m_out << "  settings (without secrets) written to " << settingsOut << Qt::endl;
    }
    m_out << u"restored %1 into %2 in %3"_s.arg(QFileInfo(file).fileName(), database, seconds(total)) << Qt::endl;

    m_out << "\nWhat to do next:" << Qt::endl;
    int n = 0;
    if (level < data::compiledMigrationLevel())
        m_out << ++n << ". The backup is at migration " << level << " and this release at " << data::compiledMigrationLevel()
              << ": run `rdk-admin migrate up`." << Qt::endl;
    if (!*granted)
        m_out << ++n << ". The database " << database << " belongs to another role: as its owner run REVOKE CONNECT, TEMPORARY ON DATABASE "
              << database << " FROM PUBLIC; GRANT CONNECT ON DATABASE " << database
              << " TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;" << Qt::endl;
    if (!state->readsAllStats)
        m_out << ++n << ". As a superuser: GRANT pg_read_all_stats TO " << owner
              << ";  (two-factor sessions of admins need it)" << Qt::endl;
    if (!roles->createdLogins.isEmpty()) {
        m_out << ++n << ". These logins were created without a password and can't sign in until you set one"
              << " (as " << owner << " in psql: \\password LOGIN):" << Qt::endl;
        for (const data::BackupLogin &l : std::as_const(logins)) {
            if (roles->createdLogins.contains(l.name))
                m_out << "     " << l.name << "  (" << l.kind << ", " << l.memberOf.join(u","_s) << ", shop " << l.shop
                      << (l.canLogin ? "" : ", disabled") << ")" << Qt::endl;
        }
        m_out << "   The service login's new password goes into rdk-sync's RDK_SYNC_DATABASE_URL. Admins keep their"
              << " authenticator: its secret is in the restored database." << Qt::endl;
    }
    m_out << ++n << ". Put back the secrets that backups never hold: " << kSecretKeys.join(u", "_s)
          << (settingsOut.isEmpty() ? u" (restore --settings-out FILE writes the other settings)"_s : QString()) << Qt::endl;
    m_out << ++n << ". Start rdk-sync and check /readyz." << Qt::endl;
    return 0;
}

} // namespace

bool isBackupCommand(const QString &command)
{
    return command == u"backup"_s || command == u"restore"_s;
}

int runBackupCommand(const QString &command, const QStringList &args, const AdminConfig &config, QTextStream &out,
                     QTextStream &err)
{
    BackupCommands commands(config, out, err);
    return command == u"backup"_s ? commands.backup(args) : commands.restore(args);
}

QString backupUsage()
{
    return uR"USAGE(  backup FILE [--settings ENVFILE]                  database dump + settings without secrets + manifest
  restore FILE [--replace] [--settings-out ENVFILE]   into DATABASE_URL's database (new or empty; --replace swaps))USAGE"_s;
}

} // namespace rdk

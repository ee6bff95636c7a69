#pragma once
// Starts tests/mail/smtpserver.py (Debian's python3-aiosmtpd) on loopback for one test, with a
// time bound, and reads what it received. Stopped (SIGTERM, then killed) by the destructor.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/childprocess.h"

namespace rdk::test {

class SmtpServerProcess final {
public:
    SmtpServerProcess() = default;
    ~SmtpServerProcess() { stop(); }
    SmtpServerProcess(const SmtpServerProcess &) = delete;
    SmtpServerProcess &operator=(const SmtpServerProcess &) = delete;

    /// Starts the server with `options` (see the script) and an empty mailbox; false with `error`
    /// set when it did not say where it listens within 15 s. `port` 0 picks a free one.
    bool start(const QStringList &options, QString *error, quint16 port = 0)
    {
        stop();
        QDir(m_dir.filePath(QStringLiteral("mail"))).removeRecursively();   // each start begins with an empty mailbox
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        endWithThisTest(*m_process);
        QStringList args{QStringLiteral(RDK_SMTP_SERVER_SCRIPT), QStringLiteral("--maildir"), m_dir.filePath(QStringLiteral("mail")),
                         QStringLiteral("--lifetime"), QStringLiteral("600"), QStringLiteral("--port"), QString::number(port)};
        args += options;
        // Debian's interpreter, where python3-aiosmtpd is installed (not a pyenv shim on PATH).
        m_process->start(QStringLiteral("/usr/bin/python3"), args);
        if (!m_process->waitForStarted(5000)) {
            *error = QStringLiteral("could not start /usr/bin/python3: ") + m_process->errorString();
            return false;
        }
        QByteArray out;
        QDeadlineTimer deadline(15000);
        while (!out.contains('\n') && !deadline.hasExpired()) {
            if (!m_process->waitForReadyRead(200) && m_process->state() != QProcess::Running)
                break;
            out += m_process->readAllStandardOutput();
        }
        if (!out.startsWith("listening on ")) {
            *error = QStringLiteral("the SMTP server did not start: ") + QString::fromUtf8(out + m_process->readAllStandardError());
            return false;
        }
        m_port = quint16(out.mid(13).trimmed().toUInt());
        return m_port != 0;
    }

    void stop()
    {
        if (!m_process)
            return;
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
        m_process.reset();
    }

    quint16 port() const { return m_port; }
    QString dir() const { return m_dir.path(); }

    /// The server's events (one JSON object a line: accepted, refused, tempfail, dropped).
    QList<QJsonObject> events() const
    {
        QList<QJsonObject> out;
        QFile f(m_dir.filePath(QStringLiteral("mail/log.jsonl")));
        if (!f.open(QIODevice::ReadOnly))
            return out;
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (!line.trimmed().isEmpty())
                out.append(QJsonDocument::fromJson(line).object());
        }
        return out;
    }

    QList<QJsonObject> accepted() const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &e : events()) {
            if (e.value(QStringLiteral("event")).toString() == QStringLiteral("accepted"))
                out.append(e);
        }
        return out;
    }

    /// The raw bytes of the n-th accepted message (1-based).
    QByteArray message(int n) const
    {
        QFile f(m_dir.filePath(QStringLiteral("mail/%1.eml").arg(n)));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

} // namespace rdk::test

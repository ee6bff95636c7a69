#include "app/admin/tlscommands.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <variant>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

// File names inside --dir. The CA key never leaves the server; the counter PCs get the CA
// certificate only (as db-ca.crt).
const QString kCaCert = u"shop-ca.crt"_s;
const QString kCaKey = u"shop-ca.key"_s;
const QString kServerCert = u"db-server.crt"_s;
const QString kServerKey = u"db-server.key"_s;
const QString kDefaultDir = u"/etc/rdk/tls"_s;
const QString kDefaultPgDir = u"/etc/postgresql/15/main"_s;
const QString kDefaultPcCa = u"/etc/rdk/db-ca.crt"_s;

struct X509Free { void operator()(X509 *x) const { X509_free(x); } };
struct KeyFree { void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); } };
struct BioFree { void operator()(BIO *b) const { BIO_free(b); } };
using CertPtr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

/// A refusal: one sentence for stderr.
struct Refusal {
    QString message;
};

/// The last OpenSSL error as text (for the rare internal failures), and the queue cleared.
QString opensslError()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return u"unknown OpenSSL error"_s;
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return QString::fromUtf8(buffer);
}

// ---------------------------------------------------------------- arguments

struct Args {
    QString action;
    QHash<QString, QStringList> values;   // --key value (repeatable keys keep every value)
    bool force = false;
    QString error;

    QString one(const QString &key, const QString &fallback = {}) const
    {
        const QStringList v = values.value(key);
        return v.isEmpty() ? fallback : v.last();
    }
    QStringList all(const QString &key) const { return values.value(key); }
};

Args parseArgs(const QStringList &args, const QStringList &allowed, const QStringList &repeatable)
{
    Args a;
    a.action = args.value(0);
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &arg = args[i];
        if (arg == u"--force"_s && allowed.contains(u"force"_s)) {
            a.force = true;
            continue;
        }
        if (!arg.startsWith(u"--"_s)) {
            a.error = u"unexpected argument '%1'"_s.arg(arg.left(40));
            return a;
        }
        const QString key = arg.mid(2);
        if (!allowed.contains(key) || key == u"force"_s) {
            a.error = u"unknown option %1 for tls %2"_s.arg(arg.left(40), a.action);
            return a;
        }
        if (i + 1 >= args.size()) {
            a.error = u"%1 needs a value"_s.arg(arg);
            return a;
        }
        if (a.values.contains(key) && !repeatable.contains(key)) {
            a.error = u"%1 given twice"_s.arg(arg);
            return a;
        }
        a.values[key].append(args[++i]);
    }
    return a;
}

/// A DNS host name (no wildcards, no IP addresses: those go to --ip).
std::optional<Refusal> checkHostName(const QString &host)
{
    static const QRegularExpression label(u"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"_s);
    if (!QHostAddress(host).isNull())
        return Refusal{u"'%1' is an IP address, not a host name: give it with --ip %1."_s.arg(host)};
    bool ok = !host.isEmpty() && host.size() <= 253;
    if (ok) {
        const QStringList labels = host.split(u'.');
        for (const QString &l : labels)
            ok = ok && label.match(l).hasMatch();
        // A name made of digits only in its last label is not a DNS name (e.g. "10.1").
        static const QRegularExpression digits(u"^[0-9]+$"_s);
        ok = ok && !digits.match(labels.last()).hasMatch();
    }
    if (!ok)
        return Refusal{u"'%1' is not a host name: use letters, digits, hyphens and dots, like db.shop.lan "
                       u"(no wildcards, no spaces)."_s
                           .arg(host.left(80))};
    return std::nullopt;
}

std::optional<Refusal> checkDays(const QString &text, int max, int *days)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 1 || value > max)
        return Refusal{u"--days must be a whole number from 1 to %1 (got '%2')."_s.arg(max).arg(text.left(20))};
    *days = value;
    return std::nullopt;
}

// ---------------------------------------------------------------- files

/// Files that appear together or not at all: each is written to a temporary file next to its
/// target (mode set before any byte is written), flushed, and only then renamed into place.
struct PendingFile {
    QString path;
    QByteArray bytes;
    mode_t mode;
};

std::optional<Refusal> prepareFolder(const QString &dir)
{
    QFileInfo info(dir);
    if (info.exists() && !info.isDir())
        return Refusal{u"%1 is a file, not a folder: choose another --dir."_s.arg(dir)};
    if (!info.exists()) {
        // Like mkdir -p (a fresh server has no /etc/rdk yet), one level at a time so the
        // refusal names the reason of the level that failed.
        QString path;
        for (const QString &part : dir.split(u'/', Qt::SkipEmptyParts)) {
            path += u'/' + part;
            if (::mkdir(QFile::encodeName(path).constData(), 0755) != 0 && errno != EEXIST) {
                const int e = errno;
                return Refusal{u"Can't create %1: %2. Run as root or choose another --dir."_s.arg(
                    dir, QString::fromLocal8Bit(std::strerror(e)))};
            }
        }
        if (!QFileInfo(dir).isDir())
            return Refusal{u"Can't create %1: a part of that path is a file. Choose another --dir."_s.arg(dir)};
    }
    if (::access(QFile::encodeName(dir).constData(), W_OK | X_OK) != 0)
        return Refusal{u"Can't write in %1: %2. Run as root or choose another --dir."_s.arg(
            dir, QString::fromLocal8Bit(std::strerror(errno)))};
    return std::nullopt;
}

std::optional<Refusal> refuseExisting(const std::vector<PendingFile> &files, bool force)
{
    if (force)
        return std::nullopt;
    QStringList existing;
    for (const PendingFile &f : files) {
        if (QFileInfo::exists(f.path))
            existing.append(f.path);
    }
    if (existing.isEmpty())
        return std::nullopt;
    return Refusal{u"%1 already %2: nothing was changed. Add --force to replace %3 (anything made with the old "
                   u"files stops working)."_s
                       .arg(existing.join(u" and "_s), existing.size() == 1 ? u"exists"_s : u"exist"_s,
                            existing.size() == 1 ? u"it"_s : u"them"_s)};
}

std::optional<Refusal> writeTogether(const std::vector<PendingFile> &files)
{
    std::vector<QByteArray> temps;
    auto cleanUp = [&temps] {
        for (const QByteArray &t : temps)
            ::unlink(t.constData());
    };
    for (const PendingFile &f : files) {
        QByteArray name = QFile::encodeName(f.path) + ".tmp-XXXXXX";
        const int fd = ::mkstemp(name.data());   // 0600 from the start: a key is never readable by others
        if (fd < 0) {
            const int e = errno;
            cleanUp();
            return Refusal{u"Can't write %1: %2. Nothing was written."_s.arg(f.path, QString::fromLocal8Bit(std::strerror(e)))};
        }
        temps.push_back(name);
        bool ok = ::fchmod(fd, f.mode) == 0;
        qsizetype done = 0;
        while (ok && done < f.bytes.size()) {
            const ssize_t n = ::write(fd, f.bytes.constData() + done, size_t(f.bytes.size() - done));
            if (n < 0 && errno == EINTR)
                continue;
            ok = n > 0;
            done += ok ? n : 0;
        }
        ok = ok && ::fsync(fd) == 0;
        const int e = errno;
        ok = (::close(fd) == 0) && ok;
        if (!ok) {
            cleanUp();
            return Refusal{u"Can't write %1: %2. Nothing was written."_s.arg(f.path, QString::fromLocal8Bit(std::strerror(e)))};
        }
    }
    for (size_t i = 0; i < files.size(); ++i) {
        if (::rename(temps[i].constData(), QFile::encodeName(files[i].path).constData()) != 0) {
            const int e = errno;
            // Take back what was already moved into place, so the set is whole or absent.
            for (size_t j = 0; j < i; ++j)
                ::unlink(QFile::encodeName(files[j].path).constData());
            for (size_t j = i; j < files.size(); ++j)
                ::unlink(temps[j].constData());
            return Refusal{u"Can't write %1: %2. Nothing was written."_s.arg(files[i].path,
                                                                           QString::fromLocal8Bit(std::strerror(e)))};
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------- certificates

std::optional<QByteArray> readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    return f.read(1024 * 1024);
}

CertPtr certFromPem(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return CertPtr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

KeyPtr keyFromPem(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return KeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

std::optional<QByteArray> certPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return std::nullopt;
    return bioBytes(bio.get());
}

std::optional<QByteArray> keyPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return std::nullopt;
    return bioBytes(bio.get());
}

/// ECDSA P-256: every PostgreSQL client library with TLS 1.2 speaks it, and keys are quick to make.
KeyPtr newKey()
{
    return KeyPtr(EVP_EC_gen("P-256"));
}

bool addExtension(X509 *cert, X509V3_CTX *ctx, int nid, const QString &value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.toUtf8().constData());
    if (!ext)
        return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

struct CertSpec {
    QString commonName;
    QString organization;
    int days = 825;
    bool authority = false;
    QString subjectAltNames;   // "DNS:a,IP:b" for server certificates
};

/// Builds and signs a certificate for `key`: self-signed when `issuer` is null.
CertPtr makeCertificate(const CertSpec &spec, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuerKey)
{
    CertPtr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        return {};
    // A random positive 127-bit serial number (RFC 5280 allows up to 20 octets).
    std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_new(), &BN_free);
    if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
        return {};
    // Valid from a few minutes ago: a server clock slightly behind the PC's is not an error.
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300)
        || !X509_time_adj_ex(X509_getm_notAfter(cert.get()), spec.days, 0, nullptr))
        return {};
    X509_NAME *name = X509_get_subject_name(cert.get());
    const QByteArray cn = spec.commonName.toUtf8();
    const QByteArray org = spec.organization.toUtf8();
    if (!org.isEmpty()
        && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(org.constData()),
                                      -1, -1, 0) != 1)
        return {};
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(cn.constData()),
                                   -1, -1, 0) != 1)
        return {};
    if (X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name) != 1
        || X509_set_pubkey(cert.get(), key) != 1)
        return {};

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    bool ok = true;
    if (spec.authority) {
        ok = addExtension(cert.get(), &ctx, NID_basic_constraints, u"critical,CA:TRUE,pathlen:0"_s)
          && addExtension(cert.get(), &ctx, NID_key_usage, u"critical,keyCertSign,cRLSign"_s);
    } else {
        ok = addExtension(cert.get(), &ctx, NID_basic_constraints, u"critical,CA:FALSE"_s)
          && addExtension(cert.get(), &ctx, NID_key_usage, u"critical,digitalSignature,keyEncipherment"_s)
          && addExtension(cert.get(), &ctx, NID_ext_key_usage, u"serverAuth"_s)
          && addExtension(cert.get(), &ctx, NID_subject_alt_name, spec.subjectAltNames);
    }
    ok = ok && addExtension(cert.get(), &ctx, NID_subject_key_identifier, u"hash"_s)
         && addExtension(cert.get(), &ctx, NID_authority_key_identifier, u"keyid:always"_s);
    if (!ok || X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256()) <= 0)
        return {};
    return cert;
}

/// The DNS names and IP addresses of a certificate's subjectAltName, as people write them.
QStringList altNames(X509 *cert)
{
    QStringList names;
    auto *sans = static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); ++i) {
        const GENERAL_NAME *n = sk_GENERAL_NAME_value(sans, i);
        if (n->type == GEN_DNS) {
            names.append(QString::fromUtf8(reinterpret_cast<const char *>(ASN1_STRING_get0_data(n->d.dNSName)),
                                           ASN1_STRING_length(n->d.dNSName)));
        } else if (n->type == GEN_IPADD) {
            const int len = ASN1_STRING_length(n->d.iPAddress);
            const unsigned char *b = ASN1_STRING_get0_data(n->d.iPAddress);
            if (len == 4)
                names.append(QHostAddress(quint32(b[0]) << 24 | quint32(b[1]) << 16 | quint32(b[2]) << 8 | b[3]).toString());
            else if (len == 16)
                names.append(QHostAddress(b).toString());
        }
    }
    GENERAL_NAMES_free(sans);
    return names;
}

QString expiryOf(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || ASN1_TIME_print(bio.get(), X509_get0_notAfter(cert)) != 1)
        return {};
    return QString::fromUtf8(bioBytes(bio.get()));
}

struct Authority {
    CertPtr cert;
    KeyPtr key;
};

std::variant<Authority, Refusal> loadAuthority(const QString &dir, bool needKey)
{
    const QString certPath = dir + u'/' + kCaCert;
    const QString keyPath = dir + u'/' + kCaKey;
    const auto certBytes = readFile(certPath);
    if (!certBytes)
        return Refusal{u"There is no shop certificate authority in %1 (%2 is missing or unreadable): run "
                       u"rdk-admin tls make-ca --dir %1 first."_s
                           .arg(dir, kCaCert)};
    Authority ca;
    ca.cert = certFromPem(*certBytes);
    if (!ca.cert)
        return Refusal{u"%1 is not a PEM certificate."_s.arg(certPath)};
    if (!needKey)
        return ca;
    const auto keyBytes = readFile(keyPath);
    if (!keyBytes)
        return Refusal{u"The certificate authority's key %1 is missing or unreadable (run as root?)."_s.arg(keyPath)};
    ca.key = keyFromPem(*keyBytes);
    if (!ca.key)
        return Refusal{u"%1 is not a PEM private key."_s.arg(keyPath)};
    if (X509_check_private_key(ca.cert.get(), ca.key.get()) != 1) {
        ERR_clear_error();
        return Refusal{u"%1 is not the key of %2: the folder mixes two authorities."_s.arg(keyPath, certPath)};
    }
    return ca;
}

QString folderOf(const Args &a)
{
    return QDir::cleanPath(QDir(a.one(u"dir"_s, kDefaultDir)).absolutePath());
}

// ---------------------------------------------------------------- commands

int refuse(QTextStream &err, const Refusal &r)
{
    err << "rdk-admin: " << r.message << Qt::endl;
    return 1;
}

int makeCa(const Args &a, QTextStream &out, QTextStream &err)
{
    const QString dir = folderOf(a);
    const QString name = a.one(u"name"_s, u"Real Deal Kickz shop CA"_s).trimmed();
    if (name.isEmpty() || name.size() > 64 || name.contains(QRegularExpression(u"[\\x00-\\x1f]"_s)))
        return refuse(err, {u"--name must be 1 to 64 printable characters."_s});
    int days = 3650;
    if (auto bad = checkDays(a.one(u"days"_s, u"3650"_s), 7300, &days))
        return refuse(err, *bad);
    if (auto bad = prepareFolder(dir))
        return refuse(err, *bad);
    std::vector<PendingFile> files{{dir + u'/' + kCaCert, {}, 0644}, {dir + u'/' + kCaKey, {}, 0600}};
    if (auto bad = refuseExisting(files, a.force))
        return refuse(err, *bad);

    KeyPtr key = newKey();
    CertPtr cert = key ? makeCertificate({name, u"Real Deal Kickz"_s, days, true, {}}, key.get(), nullptr, nullptr)
                       : CertPtr();
    const auto crt = cert ? certPem(cert.get()) : std::nullopt;
    const auto pem = key ? keyPem(key.get()) : std::nullopt;
    if (!crt || !pem)
        return refuse(err, {u"Making the certificate authority failed: %1."_s.arg(opensslError())});
    files[0].bytes = *crt;
    files[1].bytes = *pem;
    if (auto bad = writeTogether(files))
        return refuse(err, *bad);
    out << "Made the shop's certificate authority \"" << name << "\", valid until " << expiryOf(cert.get()) << ":\n"
        << "  " << files[0].path << "   (public: goes to every counter PC as db-ca.crt)\n"
        << "  " << files[1].path << "   (secret, mode 0600: keep it on this server, back it up offline)\n"
        << "Next: rdk-admin tls server-cert --dir " << dir << " --host <the database server's name>" << Qt::endl;
    return 0;
}

int serverCert(const Args &a, QTextStream &out, QTextStream &err)
{
    const QString dir = folderOf(a);
    const QStringList hosts = a.all(u"host"_s);
    const QStringList ips = a.all(u"ip"_s);
    if (hosts.isEmpty())
        return refuse(err, {u"server-cert needs --host NAME: the name counter PCs use to reach the database "
                            u"server (e.g. --host db.shop.lan)."_s});
    QStringList sans;
    for (const QString &h : hosts) {
        if (auto bad = checkHostName(h))
            return refuse(err, *bad);
        sans.append(u"DNS:"_s + h.toLower());
    }
    for (const QString &ip : ips) {
        const QHostAddress address(ip);
        if (address.isNull() || ip.contains(u'/'))
            return refuse(err, {u"'%1' is not an IP address (like 192.168.1.10 or fd00::10)."_s.arg(ip.left(60))});
        sans.append(u"IP:"_s + address.toString());
    }
    int days = 825;
    if (auto bad = checkDays(a.one(u"days"_s, u"825"_s), 3650, &days))
        return refuse(err, *bad);
    auto loaded = loadAuthority(dir, true);
    if (auto *bad = std::get_if<Refusal>(&loaded))
        return refuse(err, *bad);
    Authority ca = std::get<Authority>(std::move(loaded));
    if (auto bad = prepareFolder(dir))
        return refuse(err, *bad);
    std::vector<PendingFile> files{{dir + u'/' + kServerCert, {}, 0644}, {dir + u'/' + kServerKey, {}, 0600}};
    if (auto bad = refuseExisting(files, a.force))
        return refuse(err, *bad);

    KeyPtr key = newKey();
    CertPtr cert = key ? makeCertificate({hosts.first().toLower(), u"Real Deal Kickz"_s, days, false, sans.join(u','),},
                                         key.get(), ca.cert.get(), ca.key.get())
                       : CertPtr();
    const auto crt = cert ? certPem(cert.get()) : std::nullopt;
    const auto pem = key ? keyPem(key.get()) : std::nullopt;
    if (!crt || !pem)
        return refuse(err, {u"Making the server certificate failed: %1."_s.arg(opensslError())});
    files[0].bytes = *crt;
    files[1].bytes = *pem;
    if (auto bad = writeTogether(files))
        return refuse(err, *bad);

    const QString pgDir = a.one(u"pg-dir"_s, kDefaultPgDir);
    out << "Made the database server's certificate for " << altNames(cert.get()).join(u", "_s) << ", valid until "
        << expiryOf(cert.get()) << ":\n"
        << "  " << files[0].path << "\n  " << files[1].path << "   (secret, mode 0600)\n\n"
        << "On the database server:\n"
        << "  install -o postgres -g postgres -m 0644 " << files[0].path << ' ' << pgDir << "/rdk-db-server.crt\n"
        << "  install -o postgres -g postgres -m 0600 " << files[1].path << ' ' << pgDir << "/rdk-db-server.key\n"
        << "  rdk-admin tls postgres-conf --pg-dir " << pgDir << "    # lines for postgresql.conf\n"
        << "  rdk-admin tls pg-hba --network <counter PCs, e.g. 192.168.1.0/24>    # lines for the top of pg_hba.conf\n"
        << "  systemctl reload postgresql\n"
        << "Then for the counter PCs: rdk-admin tls counter-bundle --dir " << dir << " --host " << hosts.first().toLower()
        << Qt::endl;
    return 0;
}

int postgresConf(const Args &a, QTextStream &out, QTextStream &)
{
    const QString pgDir = a.one(u"pg-dir"_s, kDefaultPgDir);
    out << "# Real Deal Kickz: TLS for counter PCs (rdk-admin tls postgres-conf, docs/RUNBOOK.md)\n"
        << "ssl = on\n"
        << "ssl_cert_file = '" << pgDir << "/rdk-db-server.crt'\n"
        << "ssl_key_file = '" << pgDir << "/rdk-db-server.key'\n"
        << "ssl_min_protocol_version = 'TLSv1.2'\n"
        << "# listen_addresses must include the address counter PCs reach, e.g. listen_addresses = '*'" << Qt::endl;
    return 0;
}

int pgHba(const Args &a, QTextStream &out, QTextStream &err)
{
    const QStringList networks = a.all(u"network"_s);
    if (networks.isEmpty())
        return refuse(err, {u"pg-hba needs --network CIDR: the counter PCs' network, e.g. --network 192.168.1.0/24."_s});
    for (const QString &n : networks) {
        const auto subnet = QHostAddress::parseSubnet(n);
        if (subnet.first.isNull() || !n.contains(u'/'))
            return refuse(err, {u"'%1' is not a network in CIDR form, like 192.168.1.0/24."_s.arg(n.left(60))});
    }
    static const QRegularExpression dbName(u"^[A-Za-z0-9_][A-Za-z0-9_$-]{0,62}$"_s);
    const QString database = a.one(u"database"_s, u"rdk"_s);
    if (!dbName.match(database).hasMatch())
        return refuse(err, {u"'%1' is not a database name."_s.arg(database.left(64))});
    out << "# Real Deal Kickz (rdk-admin tls pg-hba): put these lines ABOVE every other host line of pg_hba.conf.\n"
        << "# A connection without TLS over the network is refused, so no password crosses it in clear.\n"
        << "hostnossl  all  all  0.0.0.0/0  reject\n"
        << "hostnossl  all  all  ::/0       reject\n"
        << "# Staff logins (rdk-desk) and the service login (rdk-sync), over TLS, passwords checked with SCRAM.\n";
    for (const QString &n : networks) {
        const auto subnet = QHostAddress::parseSubnet(n);
        out << "hostssl  " << database << "  +rdk_staff,+rdk_ops,+rdk_admin,+rdk_sync  " << subnet.first.toString()
            << '/' << subnet.second << "  scram-sha-256\n";
    }
    out.flush();
    return 0;
}

int counterBundle(const Args &a, QTextStream &out, QTextStream &err)
{
    const QString dir = folderOf(a);
    const QString host = a.one(u"host"_s).toLower();
    if (host.isEmpty())
        return refuse(err, {u"counter-bundle needs --host NAME: the database server's name as counter PCs reach it."_s});
    const bool isIp = !QHostAddress(host).isNull();
    if (!isIp) {
        if (auto bad = checkHostName(host))
            return refuse(err, *bad);
    }
    bool portOk = false;
    const int port = a.one(u"port"_s, u"5432"_s).toInt(&portOk);
    if (!portOk || port < 1 || port > 65535)
        return refuse(err, {u"--port must be a number from 1 to 65535."_s});
    static const QRegularExpression dbName(u"^[A-Za-z0-9_][A-Za-z0-9_$-]{0,62}$"_s);
    const QString database = a.one(u"database"_s, u"rdk"_s);
    if (!dbName.match(database).hasMatch())
        return refuse(err, {u"'%1' is not a database name."_s.arg(database.left(64))});
    const QString pcCa = a.one(u"ca-path"_s, kDefaultPcCa);
    if (!pcCa.startsWith(u'/') || pcCa.contains(u'\'') || pcCa.contains(u'&') || pcCa.contains(u' '))
        return refuse(err, {u"--ca-path must be an absolute path without spaces, quotes or '&'."_s});

    auto loaded = loadAuthority(dir, false);
    if (auto *bad = std::get_if<Refusal>(&loaded))
        return refuse(err, *bad);
    const Authority ca = std::get<Authority>(std::move(loaded));
    const auto serverBytes = readFile(dir + u'/' + kServerCert);
    CertPtr server = serverBytes ? certFromPem(*serverBytes) : CertPtr();
    if (!server)
        return refuse(err, {u"There is no server certificate in %1: run rdk-admin tls server-cert --dir %1 --host %2 "
                            u"first."_s
                                .arg(dir, host)});
    // The bundle must work: the server certificate is the CA's and names the host PCs will use.
    EVP_PKEY *caKey = X509_get0_pubkey(ca.cert.get());
    if (!caKey || X509_verify(server.get(), caKey) != 1) {
        ERR_clear_error();
        return refuse(err, {u"%1 was not signed by the certificate authority in %2: make it again with "
                            u"rdk-admin tls server-cert --force."_s
                                .arg(dir + u'/' + kServerCert, dir)});
    }
    const QByteArray hostBytes = host.toUtf8();
    const bool matches = isIp ? X509_check_ip_asc(server.get(), hostBytes.constData(), 0) == 1
                              : X509_check_host(server.get(), hostBytes.constData(), size_t(hostBytes.size()), 0, nullptr) == 1;
    if (!matches)
        return refuse(err, {u"The server certificate is for %1, so counter PCs that connect to %2 would refuse it. "
                            u"Use one of those names, or make the certificate again with --host %2 (--ip for an "
                            u"address) and --force."_s
                                .arg(altNames(server.get()).join(u", "_s), host)});
    if (X509_cmp_current_time(X509_get0_notAfter(server.get())) <= 0)
        return refuse(err, {u"The server certificate expired on %1: make a new one with rdk-admin tls server-cert "
                            u"--force."_s
                                .arg(expiryOf(server.get()))});

    const QString outDir = QDir::cleanPath(QDir(a.one(u"out"_s, dir + u"/counter"_s)).absolutePath());
    if (auto bad = prepareFolder(outDir))
        return refuse(err, *bad);
    QUrl url;
    url.setScheme(u"postgresql"_s);
    url.setHost(host);
    url.setPort(port);
    url.setPath(u"/"_s + database);
    const QString connection = url.toString() + u"?sslmode=verify-full&sslrootcert="_s + pcCa;
    const QByteArray env = (u"# rdk-desk on a counter PC: the shop's database over TLS, the server's certificate and "
                            u"name checked\n# (made by rdk-admin tls counter-bundle; docs/RUNBOOK.md \"Counter PCs over "
                            u"TLS\")\nRDK_DESK_DATABASE_URL="_s
                            + connection + u"\n"_s)
                               .toUtf8();
    const auto caPem = certPem(ca.cert.get());
    if (!caPem)
        return refuse(err, {u"Reading the certificate authority failed: %1."_s.arg(opensslError())});
    std::vector<PendingFile> files{{outDir + u"/db-ca.crt"_s, *caPem, 0644}, {outDir + u"/rdk-desk.env"_s, env, 0644}};
    if (auto bad = refuseExisting(files, a.force))
        return refuse(err, *bad);
    if (auto bad = writeTogether(files))
        return refuse(err, *bad);
    out << "Counter PC bundle in " << outDir << ":\n"
        << "  db-ca.crt      the shop's certificate authority (public)\n"
        << "  rdk-desk.env   RDK_DESK_DATABASE_URL=" << connection << "\n\n"
        << "On each counter PC (as root):\n"
        << "  install -D -m 0644 db-ca.crt " << pcCa << "\n"
        << "  add the RDK_DESK_DATABASE_URL line of rdk-desk.env to rdk-desk's environment (its .env, or RDK_ENV_FILE)\n"
        << "  " << host << " must resolve to the database server on that PC (DNS, or a line in /etc/hosts)\n"
        << "rdk-desk then connects only over TLS, to a server whose certificate the shop's authority signed for "
        << host << "; anything else is refused with a sentence at sign-in." << Qt::endl;
    return 0;
}

} // namespace

QString tlsCommandUsage()
{
    return uR"(  tls make-ca [--dir /etc/rdk/tls] [--name "Shop CA"] [--days 3650] [--force]
  tls server-cert --host NAME [--host NAME...] [--ip ADDR...] [--dir DIR] [--days 825] [--pg-dir DIR] [--force]
  tls postgres-conf [--pg-dir /etc/postgresql/15/main]
  tls pg-hba --network CIDR [--network CIDR...] [--database rdk]
  tls counter-bundle --host NAME [--port 5432] [--database rdk] [--dir DIR] [--out DIR] [--ca-path /etc/rdk/db-ca.crt] [--force])"_s;
}

int runTlsCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString action = args.value(0);
    QStringList allowed;
    QStringList repeatable;
    if (action == u"make-ca"_s)
        allowed = {u"dir"_s, u"name"_s, u"days"_s, u"force"_s};
    else if (action == u"server-cert"_s) {
        allowed = {u"dir"_s, u"host"_s, u"ip"_s, u"days"_s, u"pg-dir"_s, u"force"_s};
        repeatable = {u"host"_s, u"ip"_s};
    }
    else if (action == u"postgres-conf"_s)
        allowed = {u"pg-dir"_s};
    else if (action == u"pg-hba"_s) {
        allowed = {u"network"_s, u"database"_s};
        repeatable = {u"network"_s};
    }
    else if (action == u"counter-bundle"_s)
        allowed = {u"dir"_s, u"host"_s, u"port"_s, u"database"_s, u"out"_s, u"ca-path"_s, u"force"_s};
    else {
        err << "rdk-admin: tls needs make-ca, server-cert, postgres-conf, pg-hba or counter-bundle\n\n"
            << tlsCommandUsage() << Qt::endl;
        return 64;
    }
    const Args parsed = parseArgs(args, allowed, repeatable);
    if (!parsed.error.isEmpty()) {
        err << "rdk-admin: " << parsed.error << "\n\n" << tlsCommandUsage() << Qt::endl;
        return 64;
    }
    // Keys are secret from their first byte; nothing this command writes needs group access.
    ::umask(0022);
    if (action == u"make-ca"_s)
        return makeCa(parsed, out, err);
    if (action == u"server-cert"_s)
        return serverCert(parsed, out, err);
    if (action == u"postgres-conf"_s)
        return postgresConf(parsed, out, err);
    if (action == u"pg-hba"_s)
        return pgHba(parsed, out, err);
    return counterBundle(parsed, out, err);
}

} // namespace rdk

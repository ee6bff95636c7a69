// Runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer, so the seed
// corpus and every saved crash input (regressions/<target>/) are replayed by the normal
// g++ test suite. Arguments: files or folders (read one level deep).
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const QFileInfo arg(QString::fromLocal8Bit(argv[i]));
        QFileInfoList files;
        if (arg.isDir())
            files = QDir(arg.filePath()).entryInfoList(QDir::Files, QDir::Name);
        else if (arg.isFile())
            files.append(arg);
        for (const QFileInfo &file : files) {
            QFile f(file.filePath());
            if (!f.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(file.filePath()));
                return 1;
            }
            const QByteArray bytes = f.readAll();
            std::fprintf(stderr, "replaying %s (%lld bytes)\n", qPrintable(file.fileName()), static_cast<long long>(bytes.size()));
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.constData()), size_t(bytes.size()));
            ++replayed;
        }
    }
    std::printf("replayed %d inputs, all passed\n", replayed);
    return replayed > 0 ? 0 : 1;
}

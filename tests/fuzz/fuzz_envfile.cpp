// .env parser and the typed configs built on it.
// Properties: nothing crashes; keys are never empty; a config that loads has the required
// values; a failed load names at least one key.
#include "app/runtime/config.h"
#include "app/runtime/envfile.h"
#include "tests/fuzz/fuzzsupport.h"

#include <cstddef>
#include <cstdint>

using namespace rdk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray content(reinterpret_cast<const char *>(data), qsizetype(size));
    const EnvFile env = parseEnvFile(content);
    for (auto it = env.values.cbegin(); it != env.values.cend(); ++it)
        RDK_FUZZ_CHECK(!it.key().isEmpty());
    const ConfigSource source(env.values, env.errors);
    const auto sync = SyncConfig::load(source);
    if (sync) {
        RDK_FUZZ_CHECK(!sync->databaseUrl.isEmpty() && !sync->tenant.isEmpty() && sync->publicUrl.isValid());
        RDK_FUZZ_CHECK(sync->stripeWebhookSecret.startsWith(QLatin1String("whsec_")));
    } else {
        RDK_FUZZ_CHECK(!sync.error().message.isEmpty());
    }
    const auto admin = AdminConfig::load(source);
    RDK_FUZZ_CHECK(admin.ok() || !admin.error().message.isEmpty());
    const auto desk = DeskConfig::load(source);
    RDK_FUZZ_CHECK(desk.ok() || !desk.error().message.isEmpty());
    if (env.errors.isEmpty() == false)
        RDK_FUZZ_CHECK(!sync.ok());
    return 0;
}

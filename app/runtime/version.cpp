#include "app/runtime/version.h"

#include "rdk_version.h"

namespace rdk {

const char *releaseString()
{
    return RDK_RELEASE;
}

} // namespace rdk

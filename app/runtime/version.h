#pragma once

namespace rdk {

/// The release this binary was built from (`git describe`), e.g. "v0.3.0-12-gabc1234".
const char *releaseString();

} // namespace rdk

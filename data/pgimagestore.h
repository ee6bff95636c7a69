#pragma once

#include "data/media/imagepipeline.h"
#include "data/pgsessionpqxx.h"

namespace rdk::data {

/// Stores processed product photos and their variants in PostgreSQL (the default storage, so
/// both rdk-desk and rdk-sync reach them). Identical bytes for the same product are stored once.
class PgImageStore final {
public:
    /// Attaches the image to the product; returns the image id (the existing one for a re-upload).
    static Result<QString> attach(pqxx::work &tx, const QString &productId, const ProcessedImage &image,
                                  bool makePrimary);
};

} // namespace rdk::data

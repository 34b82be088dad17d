#pragma once
// Shared access to the ICT head model for the face tests (loaded once per process).
#include <gtest/gtest.h>

#include <memory>

#include "engine/core/paths.h"
#include "engine/face/face_model.h"

namespace likeness::test {

inline std::shared_ptr<const face::FaceModel> head_model() {
  static std::shared_ptr<const face::FaceModel> model = face::FaceModel::load_default();
  return model;
}

}  // namespace likeness::test

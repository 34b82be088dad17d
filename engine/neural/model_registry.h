#pragma once
// The user's registered weights (`likeness models add/list`): a JSON file in the user config
// folder (user_config_dir()/models.json), written atomically.
//
//   {"version": 1, "models": [{"name": "sd15", "path": "/weights/sd15", "layout": "diffusers pipeline",
//     "family": "SD 1.x", "pieces": ["unet", ...], "features": ["sds", ...], "added": "2024-..Z"}]}
#include <filesystem>
#include <string>
#include <vector>

#include "engine/neural/weights_report.h"

namespace likeness::neural {

struct RegisteredModel {
  std::string name;
  std::string path;
  std::string layout;
  std::string family;
  std::vector<std::string> pieces;
  std::vector<std::string> features;
  std::string added;  ///< UTC, ISO 8601

  /// A registration of a valid report under `name` (the folder or file name if empty).
  static RegisteredModel from_report(const WeightsReport& report, const std::string& name = "");
};

class ModelRegistry {
public:
  /// user_config_dir()/models.json.
  static std::filesystem::path default_file();
  /// Reads the registry (empty when the file does not exist). InputError naming the file and
  /// field when it is malformed.
  static ModelRegistry load(const std::filesystem::path& file = default_file());

  const std::filesystem::path& file() const { return file_; }
  const std::vector<RegisteredModel>& models() const { return models_; }
  const RegisteredModel* find(const std::string& name) const;
  /// Adds `model`, replacing one with the same name or the same path. InputError for an empty or
  /// badly formed name.
  void add(const RegisteredModel& model);
  /// Removes the model named `name`; false if there is none.
  bool remove(const std::string& name);
  /// Writes the registry atomically (creating the folder).
  void save() const;

private:
  std::filesystem::path file_;
  std::vector<RegisteredModel> models_;
};

}  // namespace likeness::neural

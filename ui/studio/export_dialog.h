#pragma once
// The Export dialog: format (glTF binary, FBX, OBJ), the target application's preset (axes and
// units for Blender, Maya, Unity, Unreal), texture size, blendshapes on or off, seam padding and
// the folder. The export runs on a background thread; the dialog reports the files written.
#include <ATen/core/Tensor.h>  // torch before Qt

#include <QDialog>

#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "engine/state/face_state.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace likeness::face {
class FaceModel;
}

namespace likeness::studio {

struct ExportSettings {
  QString folder;
  QString name = QStringLiteral("head");
  QString format = QStringLiteral("glb");      ///< glb, fbx, obj
  QString preset = QStringLiteral("blender");  ///< blender, maya, unity, unreal
  int texture_size = 1024;
  bool blendshapes = true;
  int padding = 16;
};

/// Exports a state (blocking). Returns the files written, the main one first. Throws likeness::Error.
std::vector<std::filesystem::path> export_state(const face::FaceModel& model, const state::FaceState& state,
                                                const ExportSettings& settings);

class ExportDialog : public QDialog {
  Q_OBJECT
public:
  ExportDialog(std::shared_ptr<const face::FaceModel> model, state::FaceState state, const ExportSettings& initial,
               QWidget* parent = nullptr);
  ~ExportDialog() override;

  ExportSettings settings() const;
  void set_settings(const ExportSettings& settings);
  /// Starts the export (what the Export button does).
  void start();
  bool running() const { return worker_.joinable() && !done_; }
  const std::vector<std::filesystem::path>& files() const { return files_; }
  const QString& error() const { return error_; }

Q_SIGNALS:
  /// The export ended: `ok` false with error() set on failure.
  void exportFinished(bool ok);

private:
  void finish(bool ok, std::vector<std::filesystem::path> files, const QString& error);

  std::shared_ptr<const face::FaceModel> model_;
  state::FaceState state_;
  QLineEdit* folder_;
  QLineEdit* name_;
  QComboBox* format_;
  QComboBox* preset_;
  QComboBox* size_;
  QCheckBox* blendshapes_;
  QSpinBox* padding_;
  QLabel* status_;
  QDialogButtonBox* buttons_;
  std::thread worker_;
  bool done_ = false;
  std::vector<std::filesystem::path> files_;
  QString error_;
};

}  // namespace likeness::studio

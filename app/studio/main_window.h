#pragma once
// The studio's main window (minimal for now): the 3D viewport, File (open a state, quit) and View
// (lighting presets, overlays, framing) menus.
#include <QMainWindow>

#include <filesystem>
#include <memory>

namespace likeness::face {
class FaceModel;
}

namespace likeness::ui {
class ViewportWindow;
}

class QVulkanInstance;

namespace likeness::studio {

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  MainWindow(QVulkanInstance* instance, std::shared_ptr<const face::FaceModel> model);

  /// Shows a state file (.json or .safetensors), or the neutral head for an empty path. Shows a
  /// message box on bad input.
  bool open_state(const std::filesystem::path& path);

  ui::ViewportWindow* viewport() const { return viewport_; }

  /// Destroys the Vulkan window (call before the instance goes away).
  void release_viewport();

private:
  void build_menus();
  void set_lighting(int preset);
  void toggle_overlay(unsigned bit, bool on);

  std::shared_ptr<const face::FaceModel> model_;
  ui::ViewportWindow* viewport_ = nullptr;
};

}  // namespace likeness::studio

#pragma once
// View options: lighting preset, exposure, shadows, overlays (wireframe, UV checker, landmarks,
// painted mask, the last edit's weights, a semantic region) and framing presets.
#include <QWidget>

class QCheckBox;
class QComboBox;
class QSlider;

namespace likeness::ui {
class ViewportWindow;
}

namespace likeness::studio {

class StudioController;

class ViewPanel : public QWidget {
  Q_OBJECT
public:
  ViewPanel(StudioController* controller, ui::ViewportWindow* viewport, QWidget* parent = nullptr);

  void set_lighting(int preset);
  void set_exposure(double exposure);
  void set_shadows(bool on);
  /// Turns an overlay (render::Overlay bit) on or off, as its check box does.
  void set_overlay(unsigned bit, bool on);

private:
  void apply();

  StudioController* controller_;
  ui::ViewportWindow* viewport_;
  QComboBox* lighting_;
  QSlider* exposure_;
  QCheckBox* shadows_;
  QComboBox* region_;
  std::vector<std::pair<unsigned, QCheckBox*>> overlays_;
};

}  // namespace likeness::studio

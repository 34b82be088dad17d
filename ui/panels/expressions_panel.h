#pragma once
// The 53 ARKit expression shapes of the head model as sliders (0..1), grouped by face part
// (brows, eyes, cheeks, nose, jaw, mouth). Dragging shows the face live; releasing commits one
// Slider step.
#include <ATen/core/Tensor.h>  // torch before Qt

#include <QWidget>

#include <vector>

class QSlider;
class QTimer;

namespace likeness::studio {

class StudioController;

class ExpressionsPanel : public QWidget {
  Q_OBJECT
public:
  ExpressionsPanel(StudioController* controller, QWidget* parent = nullptr);

  /// Sets the sliders from the current state.
  void refresh();
  /// The slider of expression `index` (the model's order).
  QSlider* slider(int index) const { return sliders_.at(static_cast<std::size_t>(index)); }

private:
  void commit(int index);

  StudioController* controller_;
  std::vector<QSlider*> sliders_;
  QTimer* commit_timer_;
  int pending_ = -1;
  bool refreshing_ = false;
};

}  // namespace likeness::studio

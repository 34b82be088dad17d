#pragma once
// Mask painting: switches the viewport to the brush, sets add or erase, size and hardness, clears
// the mask, and holds the 2D UV view of the face for painting in texture space.
#include <QWidget>

class QCheckBox;
class QRadioButton;
class QSlider;

namespace likeness::face {
class FaceModel;
}
namespace likeness::ui {
class ViewportWindow;
}

namespace likeness::studio {

class MaskPainter;
class UvView;

class MaskPanel : public QWidget {
  Q_OBJECT
public:
  MaskPanel(MaskPainter* painter, ui::ViewportWindow* viewport, const face::FaceModel& model, QWidget* parent = nullptr);

  UvView* uv_view() const { return uv_view_; }
  /// Turns the viewport brush on or off (as the check box does).
  void set_painting(bool on);

Q_SIGNALS:
  /// The viewport brush was turned on or off.
  void paintingChanged(bool on);

private:
  void apply_brush();

  MaskPainter* painter_;
  ui::ViewportWindow* viewport_;
  QCheckBox* paint_;
  QRadioButton* add_;
  QRadioButton* erase_;
  QSlider* size_;
  QSlider* hardness_;
  UvView* uv_view_;
};

}  // namespace likeness::studio

#pragma once
// Painting the edit mask: brush strokes from the viewport (picked on the surface shown) and from
// the UV view, applied to a per-vertex mask that starts from the current state's painted mask.
// Strokes show live as the painted overlay; a finished stroke is committed as a MaskPaint step.
#include <ATen/core/Tensor.h>  // torch before Qt

#include <QObject>
#include <QPointF>

#include <memory>
#include <optional>
#include <vector>

#include "engine/state/mask_brush.h"

namespace likeness::face {
class FaceModel;
}

namespace likeness::ui {
class ViewportWindow;
}

namespace likeness::studio {

class StudioController;

class MaskPainter : public QObject {
  Q_OBJECT
public:
  MaskPainter(StudioController* controller, QObject* parent = nullptr);

  /// Strokes come from this viewport (its paintStroke signal).
  void attach(ui::ViewportWindow* viewport);

  state::Brush& brush() { return brush_; }
  const state::Brush& brush() const { return brush_; }
  /// Brush radius in the UV view, as a fraction of the tile (derived from the cm radius).
  float uv_radius() const;

  /// The mask being painted (per vertex), after reload() or the last stroke.
  const std::vector<float>& mask() const { return mask_; }
  /// Reloads the mask from the current state (after undo, checkout, a new document).
  void reload();

  /// One stroke event in the viewport (phase 0 begin, 1 move, 2 end).
  void viewport_stroke(const QPointF& position, int phase);
  /// One stroke event in UV space on `tile` (u, v in [0, 1], v up).
  void uv_stroke(int tile, float u, float v, int phase);
  /// Clears the mask (one MaskPaint step).
  void clear();

Q_SIGNALS:
  /// The mask changed (during a stroke or after reload).
  void maskChanged();

private:
  void begin_stroke();
  void end_stroke();

  StudioController* controller_;
  ui::ViewportWindow* viewport_ = nullptr;
  state::Brush brush_;
  std::vector<float> mask_;
  bool stroking_ = false;
  bool changed_ = false;
  // The surface shown when the stroke began: render positions and triangles for picking, and the
  // position of each model vertex.
  std::vector<float> render_positions_;
  std::vector<std::uint32_t> render_triangles_;
  std::vector<float> vertex_positions_;
  std::optional<state::Vec3> last_point_;
  std::optional<state::Vec2> last_uv_;
  // UV points of the model (UDIM u, v up) and their vertices.
  std::vector<float> uvs_;
  std::vector<std::int32_t> uv_vertex_;
};

}  // namespace likeness::studio

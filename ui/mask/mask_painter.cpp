#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/mask/mask_painter.h"

#include <QCoreApplication>

#include <algorithm>

#include "engine/face/face_model.h"
#include "engine/face/topology.h"
#include "ui/studio/studio_controller.h"
#include "ui/viewport/viewport_window.h"

namespace likeness::studio {

MaskPainter::MaskPainter(StudioController* controller, QObject* parent) : QObject(parent), controller_(controller) {
  const face::Topology& topo = controller_->model()->topology();
  const at::Tensor uv = topo.uvs.to(at::kFloat).contiguous();
  uvs_.assign(uv.data_ptr<float>(), uv.data_ptr<float>() + uv.numel());
  uv_vertex_.assign(static_cast<std::size_t>(topo.uv_count), -1);
  for (std::size_t c = 0; c < topo.polygon_uvs.size(); ++c)
    uv_vertex_[static_cast<std::size_t>(topo.polygon_uvs[c])] = topo.polygon_vertices[c];
  reload();
}

void MaskPainter::attach(ui::ViewportWindow* viewport) {
  viewport_ = viewport;
  connect(viewport, &ui::ViewportWindow::paintStroke, this, [this](QPointF p, int phase) { viewport_stroke(p, phase); });
}

float MaskPainter::uv_radius() const { return brush_.radius / 30.0f; }  // the face tile spans about 30 cm

void MaskPainter::reload() {
  const state::FaceState s = controller_->current_state();
  const std::size_t n = static_cast<std::size_t>(controller_->model()->vertex_count());
  if (s.painted_mask.defined()) {
    const at::Tensor m = s.painted_mask.to(at::kFloat).contiguous();
    mask_.assign(m.data_ptr<float>(), m.data_ptr<float>() + m.numel());
  } else {
    mask_.assign(n, 0.0f);
  }
  Q_EMIT maskChanged();
}

void MaskPainter::begin_stroke() {
  stroking_ = true;
  changed_ = false;
  last_point_.reset();
  last_uv_.reset();
  if (mask_.size() != static_cast<std::size_t>(controller_->model()->vertex_count())) reload();
}

void MaskPainter::end_stroke() {
  if (!stroking_) return;
  stroking_ = false;
  if (!changed_) return;
  controller_->commit_mask(mask_, brush_.erase ? QCoreApplication::translate("MaskPainter", "erase mask")
                                               : QCoreApplication::translate("MaskPainter", "paint mask"));
}

void MaskPainter::viewport_stroke(const QPointF& position, int phase) {
  if (!viewport_) return;
  if (phase == 0) {
    begin_stroke();
    // The surface as shown now, for picking during the whole stroke.
    const std::optional<render::Mesh> mesh = viewport_->current_mesh();
    if (!mesh) return;
    render_positions_ = mesh->positions;
    render_triangles_ = mesh->indices;
    const face::Topology& topo = controller_->model()->topology();
    vertex_positions_.assign(static_cast<std::size_t>(topo.vertex_count) * 3, 1e9f);  // unused vertices: far away
    const at::Tensor map = topo.render_vertex_position.contiguous();
    const std::int64_t* to_vertex = map.data_ptr<std::int64_t>();
    const std::size_t render_count = render_positions_.size() / 3;
    for (std::size_t r = 0; r < render_count && r < static_cast<std::size_t>(map.numel()); ++r)
      for (int k = 0; k < 3; ++k) vertex_positions_[static_cast<std::size_t>(to_vertex[r]) * 3 + static_cast<std::size_t>(k)] = render_positions_[r * 3 + static_cast<std::size_t>(k)];
  }
  if (!stroking_) return;
  if (!render_positions_.empty()) {
    const auto [origin, direction] = viewport_->ray_at(position);
    const auto hit = state::pick_surface(render_positions_, render_triangles_, {origin.x, origin.y, origin.z},
                                         {direction.x, direction.y, direction.z});
    if (hit) {
      int changed = 0;
      auto dab = [&](const state::Vec3& p) { changed += state::paint_sphere(mask_, vertex_positions_, p, brush_); };
      if (last_point_) state::stroke_dabs(*last_point_, hit->point, brush_.radius, dab);
      else dab(hit->point);
      last_point_ = hit->point;
      if (changed > 0) {
        changed_ = true;
        controller_->preview_mask(mask_);
        Q_EMIT maskChanged();
      }
    } else {
      last_point_.reset();  // off the head: the next hit starts a new segment
    }
  }
  if (phase == 2) end_stroke();
}

void MaskPainter::uv_stroke(int tile, float u, float v, int phase) {
  if (phase == 0) begin_stroke();
  if (!stroking_) return;
  state::Brush b = brush_;
  b.radius = uv_radius();
  int changed = 0;
  auto dab = [&](const state::Vec2& p) { changed += state::paint_uv(mask_, uvs_, uv_vertex_, tile, p, b); };
  const state::Vec2 here{u, v};
  if (last_uv_) state::stroke_dabs(*last_uv_, here, b.radius, dab);
  else dab(here);
  last_uv_ = here;
  if (changed > 0) {
    changed_ = true;
    controller_->preview_mask(mask_);
    Q_EMIT maskChanged();
  }
  if (phase == 2) end_stroke();
}

void MaskPainter::clear() {
  std::fill(mask_.begin(), mask_.end(), 0.0f);
  controller_->commit_mask({}, QCoreApplication::translate("MaskPainter", "clear mask"));
  Q_EMIT maskChanged();
}

}  // namespace likeness::studio

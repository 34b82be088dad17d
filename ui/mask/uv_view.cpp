#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/mask/uv_view.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

#include "engine/face/face_model.h"
#include "engine/face/topology.h"
#include "engine/face/uv_bake.h"
#include "ui/mask/mask_painter.h"

namespace likeness::studio {

UvView::UvView(MaskPainter* painter, const face::FaceModel& model, int tile, QWidget* parent)
    : QWidget(parent), painter_(painter), tile_(tile) {
  setObjectName("uvView");
  setMinimumSize(160, 160);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  setToolTip(tr("UV view of the face: drag to paint the edit mask"));
  const face::Topology& topo = model.topology();
  // Which triangle covers each texel (row 0 at the top, as face::rasterize_uv lays them out), once.
  const face::UvRaster raster = face::rasterize_uv(topo, tile_, resolution_);
  const at::Tensor tri = raster.triangle.contiguous();
  const at::Tensor bary = raster.barycentric.to(at::kFloat).contiguous();
  const at::Tensor corners = topo.triangles.contiguous();
  const std::int64_t* t = tri.data_ptr<std::int64_t>();
  const float* b = bary.data_ptr<float>();
  const std::int64_t* c = corners.data_ptr<std::int64_t>();
  const std::size_t texels = static_cast<std::size_t>(resolution_) * static_cast<std::size_t>(resolution_);
  texel_vertices_.assign(3 * texels, -1);
  texel_weights_.assign(3 * texels, 0.0f);
  for (std::size_t i = 0; i < texels; ++i) {
    if (t[i] < 0) continue;
    for (std::size_t k = 0; k < 3; ++k) {
      texel_vertices_[3 * i + k] = static_cast<std::int32_t>(c[t[i] * 3 + static_cast<std::int64_t>(k)]);
      texel_weights_[3 * i + k] = b[3 * i + k];
    }
  }
  // The wireframe of the tile's triangles.
  wireframe_ = QImage(1024, 1024, QImage::Format_ARGB32_Premultiplied);
  wireframe_.fill(Qt::transparent);
  QPainter wp(&wireframe_);
  wp.setRenderHint(QPainter::Antialiasing);
  wp.setPen(QPen(QColor(120, 150, 170, 110), 0.8));
  const at::Tensor uv = topo.uvs.to(at::kFloat).contiguous();
  const at::Tensor uvt = topo.uv_triangles.contiguous();
  const float* u = uv.data_ptr<float>();
  const std::int64_t* ut = uvt.data_ptr<std::int64_t>();
  for (std::int64_t k = 0; k < uvt.size(0); ++k) {
    QPointF pts[3];
    bool inside = true;
    for (int j = 0; j < 3; ++j) {
      const std::int64_t i = ut[k * 3 + j];
      const float uu = u[2 * i] - static_cast<float>(tile_), vv = u[2 * i + 1];
      if (uu < 0.0f || uu > 1.0f) inside = false;
      pts[j] = QPointF(uu * 1024.0, (1.0 - vv) * 1024.0);
    }
    if (inside) wp.drawPolygon(pts, 3);
  }
}

QRectF UvView::square() const {
  const qreal side = std::min(width(), height()) - 8;
  return {(width() - side) / 2.0, (height() - side) / 2.0, side, side};
}

QPointF UvView::uv_at(const QPointF& p) const {
  const QRectF r = square();
  return {(p.x() - r.left()) / r.width(), 1.0 - (p.y() - r.top()) / r.height()};
}

QPointF UvView::position_of(float u, float v) const {
  const QRectF r = square();
  return {r.left() + u * r.width(), r.top() + (1.0 - v) * r.height()};
}

void UvView::rebuild_mask_image() {
  const std::vector<float>& mask = painter_->mask();
  mask_image_ = QImage(resolution_, resolution_, QImage::Format_ARGB32_Premultiplied);
  mask_image_.fill(Qt::transparent);
  if (texel_vertices_.empty()) return;
  for (int y = 0; y < resolution_; ++y) {
    auto* row = reinterpret_cast<QRgb*>(mask_image_.scanLine(y));
    for (int x = 0; x < resolution_; ++x) {
      const std::size_t t = static_cast<std::size_t>(y) * static_cast<std::size_t>(resolution_) + static_cast<std::size_t>(x);
      if (texel_vertices_[3 * t] < 0) continue;
      float m = 0.0f;
      for (int k = 0; k < 3; ++k) {
        const std::size_t v = static_cast<std::size_t>(texel_vertices_[3 * t + static_cast<std::size_t>(k)]);
        if (v < mask.size()) m += texel_weights_[3 * t + static_cast<std::size_t>(k)] * mask[v];
      }
      const int a = std::clamp(static_cast<int>(m * 170.0f), 0, 255);  // magenta, premultiplied
      row[x] = qRgba(a, 0, a, a);
    }
  }
}

void UvView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), QColor(38, 40, 44));
  const QRectF r = square();
  p.fillRect(r, QColor(24, 25, 28));
  if (!wireframe_.isNull()) p.drawImage(r, wireframe_);
  rebuild_mask_image();
  p.drawImage(r, mask_image_);
  p.setPen(QPen(QColor(90, 90, 96), 1));
  p.drawRect(r);
}

void UvView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  painting_ = true;
  const QPointF uv = uv_at(event->position());
  painter_->uv_stroke(tile_, static_cast<float>(uv.x()), static_cast<float>(uv.y()), 0);
  update();
}

void UvView::mouseMoveEvent(QMouseEvent* event) {
  if (!painting_) return;
  const QPointF uv = uv_at(event->position());
  painter_->uv_stroke(tile_, static_cast<float>(uv.x()), static_cast<float>(uv.y()), 1);
  update();
}

void UvView::mouseReleaseEvent(QMouseEvent* event) {
  if (!painting_ || event->button() != Qt::LeftButton) return;
  painting_ = false;
  const QPointF uv = uv_at(event->position());
  painter_->uv_stroke(tile_, static_cast<float>(uv.x()), static_cast<float>(uv.y()), 2);
  update();
}

}  // namespace likeness::studio

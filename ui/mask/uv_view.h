#pragma once
// The 2D UV view of one texture tile (the face by default): the tile's UV wireframe with the
// painted mask over it. Left drag paints with the mask painter's brush (its erase setting too).
#include <QImage>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace likeness::face {
class FaceModel;
}

namespace likeness::studio {

class MaskPainter;

class UvView : public QWidget {
  Q_OBJECT
public:
  UvView(MaskPainter* painter, const face::FaceModel& model, int tile, QWidget* parent = nullptr);

  int tile() const { return tile_; }
  /// The mask as shown (per texel of the view's raster), for tests.
  const QImage& mask_image() const { return mask_image_; }
  /// Tile coordinates (u, v up, in [0, 1]) of a widget position.
  QPointF uv_at(const QPointF& position) const;
  /// The widget position of tile coordinates.
  QPointF position_of(float u, float v) const;

  QSize sizeHint() const override { return {256, 256}; }
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int w) const override { return w; }

protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

private:
  void rebuild_mask_image();
  QRectF square() const;

  MaskPainter* painter_;
  int tile_;
  int resolution_ = 256;
  QImage wireframe_;
  QImage mask_image_;
  // Per texel of the raster: the triangle's three vertices and barycentric weights (-1: empty).
  std::vector<std::int32_t> texel_vertices_;
  std::vector<float> texel_weights_;
  bool painting_ = false;
};

}  // namespace likeness::studio

#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/panels/mask_panel.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSlider>
#include <QVBoxLayout>

#include "ui/mask/mask_painter.h"
#include "ui/mask/uv_view.h"
#include "ui/viewport/viewport_window.h"

namespace likeness::studio {

MaskPanel::MaskPanel(MaskPainter* painter, ui::ViewportWindow* viewport, const face::FaceModel& model, QWidget* parent)
    : QWidget(parent), painter_(painter), viewport_(viewport) {
  auto* layout = new QVBoxLayout(this);
  paint_ = new QCheckBox(tr("Paint on the head (left drag; Alt+drag or right drag orbits)"), this);
  paint_->setObjectName("paintCheck");
  connect(paint_, &QCheckBox::toggled, this, [this](bool on) {
    viewport_->set_tool(on ? ui::ViewportTool::Paint : ui::ViewportTool::Navigate);
    Q_EMIT paintingChanged(on);
  });
  layout->addWidget(paint_);

  auto* mode = new QHBoxLayout();
  add_ = new QRadioButton(tr("Add"), this);
  add_->setObjectName("brushAdd");
  erase_ = new QRadioButton(tr("Erase"), this);
  erase_->setObjectName("brushErase");
  add_->setChecked(true);
  connect(add_, &QRadioButton::toggled, this, &MaskPanel::apply_brush);
  mode->addWidget(add_);
  mode->addWidget(erase_);
  mode->addStretch(1);
  layout->addLayout(mode);

  auto* form = new QFormLayout();
  size_ = new QSlider(Qt::Horizontal, this);
  size_->setObjectName("brushSize");
  size_->setRange(2, 60);  // mm / 1: 0.2 .. 6 cm
  size_->setValue(15);
  hardness_ = new QSlider(Qt::Horizontal, this);
  hardness_->setObjectName("brushHardness");
  hardness_->setRange(0, 100);
  hardness_->setValue(50);
  connect(size_, &QSlider::valueChanged, this, &MaskPanel::apply_brush);
  connect(hardness_, &QSlider::valueChanged, this, &MaskPanel::apply_brush);
  form->addRow(tr("Size"), size_);
  form->addRow(tr("Hardness"), hardness_);
  layout->addLayout(form);

  auto* clear = new QPushButton(tr("Clear mask"), this);
  clear->setObjectName("clearMaskButton");
  connect(clear, &QPushButton::clicked, painter_, &MaskPainter::clear);
  layout->addWidget(clear);

  uv_view_ = new UvView(painter_, model, 0, this);
  layout->addWidget(uv_view_, 1);
  connect(painter_, &MaskPainter::maskChanged, uv_view_, qOverload<>(&QWidget::update));
  apply_brush();
}

void MaskPanel::set_painting(bool on) { paint_->setChecked(on); }

void MaskPanel::apply_brush() {
  state::Brush& b = painter_->brush();
  b.erase = erase_->isChecked();
  b.radius = static_cast<float>(size_->value()) / 10.0f;
  b.hardness = static_cast<float>(hardness_->value()) / 100.0f;
}

}  // namespace likeness::studio

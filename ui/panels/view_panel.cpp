#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/panels/view_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

#include "engine/face/regions.h"
#include "render/lighting.h"
#include "render/view_options.h"
#include "ui/studio/studio_controller.h"
#include "ui/viewport/viewport_window.h"

namespace likeness::studio {

ViewPanel::ViewPanel(StudioController* controller, ui::ViewportWindow* viewport, QWidget* parent)
    : QWidget(parent), controller_(controller), viewport_(viewport) {
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout();
  lighting_ = new QComboBox(this);
  lighting_->setObjectName("lightingCombo");
  lighting_->addItem(tr("Three-point"));
  lighting_->addItem(tr("Soft box"));
  lighting_->addItem(tr("Rim"));
  lighting_->addItem(tr("Outdoor"));
  connect(lighting_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ViewPanel::apply);
  form->addRow(tr("Lighting"), lighting_);
  exposure_ = new QSlider(Qt::Horizontal, this);
  exposure_->setObjectName("exposureSlider");
  exposure_->setRange(-200, 200);  // stops * 100
  connect(exposure_, &QSlider::valueChanged, this, &ViewPanel::apply);
  form->addRow(tr("Exposure"), exposure_);
  shadows_ = new QCheckBox(tr("Soft shadows"), this);
  shadows_->setObjectName("shadowsCheck");
  shadows_->setChecked(true);
  connect(shadows_, &QCheckBox::toggled, this, &ViewPanel::apply);
  form->addRow(QString(), shadows_);
  layout->addLayout(form);

  auto* box = new QGroupBox(tr("Overlays"), this);
  auto* overlays = new QVBoxLayout(box);
  const std::pair<QString, unsigned> items[] = {{tr("Wireframe"), render::kOverlayWireframe},
                                                {tr("UV checker"), render::kOverlayUvChecker},
                                                {tr("Landmarks"), render::kOverlayLandmarks},
                                                {tr("Painted mask"), render::kOverlayPainted},
                                                {tr("Edit weights (red: free to change)"), render::kOverlayHeat},
                                                {tr("Region"), render::kOverlayRegion}};
  for (const auto& [label, bit] : items) {
    auto* check = new QCheckBox(label, box);
    check->setObjectName(QStringLiteral("overlay:%1").arg(bit));
    overlays->addWidget(check);
    overlays_.push_back({bit, check});
    const unsigned b = bit;
    connect(check, &QCheckBox::toggled, this, [this, b](bool on) {
      if (b == render::kOverlayHeat) controller_->set_heat_overlay(on);
      apply();
    });
  }
  region_ = new QComboBox(box);
  region_->setObjectName("regionCombo");
  try {
    for (const std::string& n : face::RegionSet::load_default(controller_->model())->names()) region_->addItem(QString::fromStdString(n));
  } catch (const std::exception&) {
    region_->setEnabled(false);
  }
  connect(region_, &QComboBox::currentTextChanged, this, [this](const QString& name) {
    for (auto& [bit, check] : overlays_)
      if (bit == render::kOverlayRegion && check->isChecked()) controller_->set_region_overlay(name);
  });
  for (auto& [bit, check] : overlays_)
    if (bit == render::kOverlayRegion)
      connect(check, &QCheckBox::toggled, this, [this](bool on) { controller_->set_region_overlay(on ? region_->currentText() : QString()); });
  overlays->addWidget(region_);
  layout->addWidget(box);

  auto* framing = new QHBoxLayout();
  const std::pair<QString, render::ViewPreset> presets[] = {{tr("Front"), render::ViewPreset::Front},
                                                            {tr("3/4"), render::ViewPreset::ThreeQuarter},
                                                            {tr("Profile"), render::ViewPreset::Profile}};
  for (const auto& [label, preset] : presets) {
    auto* b = new QPushButton(label, this);
    const render::ViewPreset p = preset;
    connect(b, &QPushButton::clicked, this, [this, p] { viewport_->frame(p); });
    framing->addWidget(b);
  }
  layout->addLayout(framing);
  layout->addStretch(1);
}

void ViewPanel::set_lighting(int preset) { lighting_->setCurrentIndex(preset); }

void ViewPanel::set_exposure(double exposure) { exposure_->setValue(static_cast<int>(std::lround(std::log2(std::max(exposure, 1e-3)) * 100.0))); }

void ViewPanel::set_shadows(bool on) { shadows_->setChecked(on); }

void ViewPanel::set_overlay(unsigned bit, bool on) {
  for (auto& [b, check] : overlays_)
    if (b == bit) check->setChecked(on);
}

void ViewPanel::apply() {
  render::ViewOptions v = viewport_->view_options();
  v.lighting = render::make_lighting(static_cast<render::LightingPreset>(std::max(0, lighting_->currentIndex())));
  v.exposure = static_cast<float>(std::pow(2.0, exposure_->value() / 100.0));
  v.shadows = shadows_->isChecked();
  unsigned bits = 0;
  for (const auto& [bit, check] : overlays_)
    if (check->isChecked()) bits |= bit;
  v.overlays = bits;
  viewport_->set_view_options(v);
}

}  // namespace likeness::studio

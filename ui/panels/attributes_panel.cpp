#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/panels/attributes_panel.h"

#include <QColorDialog>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "engine/appearance/parameters.h"
#include "engine/face/population.h"
#include "ui/studio/studio_controller.h"

namespace likeness::studio {
namespace {

QString srgb_name(const std::vector<double>& v) {
  if (v.size() != 3) return {};
  return QColor::fromRgbF(static_cast<float>(std::clamp(v[0], 0.0, 1.0)), static_cast<float>(std::clamp(v[1], 0.0, 1.0)),
                          static_cast<float>(std::clamp(v[2], 0.0, 1.0)))
      .name();
}

QString phrase_of(const std::string& phrase, const std::string& id) {
  return phrase.empty() ? QString::fromStdString(id) : QStringLiteral("%1  (%2)").arg(QString::fromStdString(phrase), QString::fromStdString(id));
}

}  // namespace

AttributesPanel::AttributesPanel(StudioController* controller, QWidget* parent) : QWidget(parent), controller_(controller) {
  auto* layout = new QVBoxLayout(this);
  header_ = new QLabel(this);
  header_->setWordWrap(true);
  header_->setObjectName("attributesHeader");
  layout->addWidget(header_);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  rows_widget_ = new QWidget(scroll);
  rows_layout_ = new QVBoxLayout(rows_widget_);
  rows_layout_->setContentsMargins(0, 0, 0, 0);
  rows_layout_->addStretch(1);
  scroll->setWidget(rows_widget_);
  layout->addWidget(scroll, 1);
  auto* warn_label = new QLabel(tr("Warnings"), this);
  layout->addWidget(warn_label);
  warnings_ = new QListWidget(this);
  warnings_->setObjectName("warningsList");
  warnings_->setMaximumHeight(90);
  warnings_->setWordWrap(true);
  layout->addWidget(warnings_);
  rerun_timer_ = new QTimer(this);
  rerun_timer_->setSingleShot(true);
  rerun_timer_->setInterval(350);
  connect(rerun_timer_, &QTimer::timeout, this, &AttributesPanel::rerun);
  refresh();
}

void AttributesPanel::clear_rows() {
  while (rows_layout_->count() > 1) {
    QLayoutItem* item = rows_layout_->takeAt(0);
    if (item->widget()) item->widget()->deleteLater();
    delete item;
  }
  rows_ = 0;
}

void AttributesPanel::refresh() {
  refreshing_ = true;
  clear_rows();
  warnings_->clear();
  const LastOperation& op = controller_->last_operation();
  adjusted_ = op.understanding;
  if (op.kind == OperationKind::None) {
    header_->setText(tr("Generate a face or apply an edit to see what the text was understood as."));
    refreshing_ = false;
    return;
  }
  header_->setText((op.kind == OperationKind::Generate ? tr("Prompt: %1") : tr("Edit: %1"))
                       .arg(QString::fromStdString(adjusted_.parsed.text).toHtmlEscaped()));
  for (std::size_t i = 0; i < adjusted_.targets.measurements.size(); ++i) add_measurement(i);
  for (std::size_t i = 0; i < adjusted_.targets.appearance.size(); ++i) add_appearance(i);
  for (std::size_t i = 0; i < adjusted_.targets.expressions.size(); ++i) add_expression(i);
  for (const text::Warning& w : adjusted_.parsed.warnings)
    warnings_->addItem(QStringLiteral("%1: %2").arg(QString::fromStdString(w.word), QString::fromStdString(w.message)));
  if (rows_ == 0) header_->setText(header_->text() + QStringLiteral("\n") + tr("(no targets the face model can act on)"));
  refreshing_ = false;
}

void AttributesPanel::add_measurement(std::size_t index) {
  const guidance::ResolvedMeasurement& t = adjusted_.targets.measurements[index];
  auto* row = new QWidget(rows_widget_);
  auto* grid = new QGridLayout(row);
  grid->setContentsMargins(0, 2, 0, 2);
  auto* name = new QLabel(phrase_of(t.phrase, t.id), row);
  auto* value = new QLabel(row);
  auto* slider = new QSlider(Qt::Horizontal, row);
  slider->setObjectName(QStringLiteral("measurement:%1").arg(QString::fromStdString(t.id)));
  slider->setRange(1, 99);
  slider->setValue(static_cast<int>(std::lround(std::clamp(t.percentile, 1.0, 99.0))));
  slider->setToolTip(tr("Target percentile of the population"));
  auto show = [value](int p, double cm) { value->setText(tr("p%1 · %2").arg(p).arg(cm, 0, 'f', 2)); };
  show(slider->value(), t.target);
  connect(slider, &QSlider::valueChanged, this, [this, index, show](int p) {
    guidance::ResolvedMeasurement& m = adjusted_.targets.measurements[index];
    const face::Population& population = *controller_->pipeline().resources().population;
    m.percentile = p;
    m.target = population.value_at(m.id, p);
    show(p, m.target);
  });
  watch(slider);
  grid->addWidget(name, 0, 0, 1, 2);
  grid->addWidget(slider, 1, 0);
  grid->addWidget(value, 1, 1);
  rows_layout_->insertWidget(rows_layout_->count() - 1, row);
  ++rows_;
}

void AttributesPanel::add_appearance(std::size_t index) {
  const guidance::ResolvedAppearance& t = adjusted_.targets.appearance[index];
  const appearance::AppearanceSchema& schema = *controller_->pipeline().resources().schema;
  if (!schema.contains(t.id)) return;
  const appearance::ParameterSpec& spec = schema.spec(t.id);
  auto* row = new QWidget(rows_widget_);
  auto* grid = new QGridLayout(row);
  grid->setContentsMargins(0, 2, 0, 2);
  grid->addWidget(new QLabel(phrase_of(t.phrase, t.id), row), 0, 0, 1, 2);
  if (spec.is_color() && t.value.size() == 3) {
    auto* swatch = new QPushButton(row);
    swatch->setObjectName(QStringLiteral("color:%1").arg(QString::fromStdString(t.id)));
    swatch->setToolTip(tr("Choose the colour"));
    auto paint = [swatch](const std::vector<double>& v) {
      swatch->setText(srgb_name(v));
      swatch->setStyleSheet(QStringLiteral("background:%1; color:%2").arg(srgb_name(v), (v[0] + v[1] + v[2]) > 1.5 ? "black" : "white"));
    };
    paint(t.value);
    connect(swatch, &QPushButton::clicked, this, [this, index, paint] {
      std::vector<double>& v = adjusted_.targets.appearance[index].value;
      const QColor chosen = QColorDialog::getColor(QColor(srgb_name(v)), this, tr("Colour"));
      if (!chosen.isValid()) return;
      v = {chosen.redF(), chosen.greenF(), chosen.blueF()};
      paint(v);
      rerun();
    });
    grid->addWidget(swatch, 1, 0, 1, 2);
  } else if (!t.value.empty()) {
    auto* slider = new QSlider(Qt::Horizontal, row);
    slider->setObjectName(QStringLiteral("appearance:%1").arg(QString::fromStdString(t.id)));
    slider->setRange(0, 1000);
    const double span = std::max(1e-6, static_cast<double>(spec.max - spec.min));
    slider->setValue(static_cast<int>(std::lround((t.value[0] - spec.min) / span * 1000.0)));
    slider->setToolTip(QString::fromStdString(spec.about));
    auto* value = new QLabel(row);
    auto show = [value, unit = QString::fromStdString(spec.unit)](double v) { value->setText(QStringLiteral("%1 %2").arg(v, 0, 'f', 2).arg(unit)); };
    show(t.value[0]);
    const double lo = spec.min;
    connect(slider, &QSlider::valueChanged, this, [this, index, show, lo, span](int s) {
      double& v = adjusted_.targets.appearance[index].value[0];
      v = lo + span * s / 1000.0;
      show(v);
    });
    watch(slider);
    grid->addWidget(slider, 1, 0);
    grid->addWidget(value, 1, 1);
  }
  rows_layout_->insertWidget(rows_layout_->count() - 1, row);
  ++rows_;
}

void AttributesPanel::add_expression(std::size_t index) {
  const guidance::ResolvedExpression& t = adjusted_.targets.expressions[index];
  auto* row = new QWidget(rows_widget_);
  auto* grid = new QGridLayout(row);
  grid->setContentsMargins(0, 2, 0, 2);
  grid->addWidget(new QLabel(phrase_of(t.phrase, t.name), row), 0, 0, 1, 2);
  auto* slider = new QSlider(Qt::Horizontal, row);
  slider->setObjectName(QStringLiteral("expression:%1").arg(QString::fromStdString(t.name)));
  slider->setRange(0, 100);
  slider->setValue(static_cast<int>(std::lround(t.value * 100.0)));
  auto* value = new QLabel(QString::number(t.value, 'f', 2), row);
  connect(slider, &QSlider::valueChanged, this, [this, index, value](int s) {
    adjusted_.targets.expressions[index].value = s / 100.0;
    value->setText(QString::number(s / 100.0, 'f', 2));
  });
  watch(slider);
  grid->addWidget(slider, 1, 0);
  grid->addWidget(value, 1, 1);
  rows_layout_->insertWidget(rows_layout_->count() - 1, row);
  ++rows_;
}

void AttributesPanel::watch(QSlider* slider) {
  // Keyboard and wheel changes re-run after a pause; a drag re-runs when released.
  connect(slider, &QSlider::valueChanged, this, [this, slider] {
    if (!slider->isSliderDown() && !refreshing_) rerun_timer_->start();
  });
  connect(slider, &QSlider::sliderReleased, rerun_timer_, [this] { rerun_timer_->start(); });
}

void AttributesPanel::rerun() {
  try {
    controller_->rerun(adjusted_);
  } catch (const std::exception& e) {
    Q_EMIT controller_->failed(QString::fromStdString(e.what()));
  }
}

}  // namespace likeness::studio

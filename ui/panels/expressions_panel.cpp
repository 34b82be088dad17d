#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/panels/expressions_panel.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <map>

#include "engine/face/face_model.h"
#include "ui/studio/studio_controller.h"

namespace likeness::studio {
namespace {

QString group_of(const std::string& name) {
  for (const char* prefix : {"brow", "eye", "cheek", "nose", "jaw", "mouth"})
    if (name.rfind(prefix, 0) == 0) return QString::fromLatin1(prefix);
  return QStringLiteral("other");
}

QString group_title(const QString& key) {
  if (key == "brow") return ExpressionsPanel::tr("Brows");
  if (key == "eye") return ExpressionsPanel::tr("Eyes");
  if (key == "cheek") return ExpressionsPanel::tr("Cheeks");
  if (key == "nose") return ExpressionsPanel::tr("Nose");
  if (key == "jaw") return ExpressionsPanel::tr("Jaw");
  if (key == "mouth") return ExpressionsPanel::tr("Mouth");
  return ExpressionsPanel::tr("Other");
}

}  // namespace

ExpressionsPanel::ExpressionsPanel(StudioController* controller, QWidget* parent) : QWidget(parent), controller_(controller) {
  auto* outer = new QVBoxLayout(this);
  auto* reset = new QPushButton(tr("Neutral expression"), this);
  reset->setObjectName("neutralExpressionButton");
  outer->addWidget(reset);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* content = new QWidget(scroll);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(0, 0, 0, 0);
  const auto& names = controller_->model()->expression_names();
  std::map<QString, QGridLayout*> groups;
  const QStringList order = {"brow", "eye", "cheek", "nose", "jaw", "mouth", "other"};
  for (const QString& key : order) {
    bool used = false;
    for (const std::string& n : names) used |= group_of(n) == key;
    if (!used) continue;
    auto* box = new QGroupBox(group_title(key), content);
    box->setCheckable(false);
    groups[key] = new QGridLayout(box);
    groups[key]->setVerticalSpacing(1);
    layout->addWidget(box);
  }
  sliders_.resize(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    QGridLayout* grid = groups[group_of(names[i])];
    const int row = grid->rowCount();
    auto* label = new QLabel(QString::fromStdString(names[i]), content);
    auto* slider = new QSlider(Qt::Horizontal, content);
    slider->setObjectName(QStringLiteral("expr:%1").arg(QString::fromStdString(names[i])));
    slider->setRange(0, 100);
    grid->addWidget(label, row, 0);
    grid->addWidget(slider, row, 1);
    sliders_[i] = slider;
    const int index = static_cast<int>(i);
    connect(slider, &QSlider::valueChanged, this, [this, index, slider](int v) {
      if (refreshing_) return;
      controller_->preview_expression(index, static_cast<float>(v) / 100.0f);
      pending_ = index;
      if (!slider->isSliderDown()) commit_timer_->start();  // keyboard, wheel, programmatic
    });
    connect(slider, &QSlider::sliderReleased, this, [this, index] {
      pending_ = index;
      commit_timer_->start();
    });
  }
  layout->addStretch(1);
  scroll->setWidget(content);
  outer->addWidget(scroll, 1);

  commit_timer_ = new QTimer(this);
  commit_timer_->setSingleShot(true);
  commit_timer_->setInterval(300);
  connect(commit_timer_, &QTimer::timeout, this, [this] { commit(pending_); });
  connect(reset, &QPushButton::clicked, this, [this] {
    refreshing_ = true;
    for (QSlider* s : sliders_) s->setValue(0);
    refreshing_ = false;
    commit(-1);
  });
  refresh();
}

void ExpressionsPanel::refresh() {
  refreshing_ = true;
  const state::FaceState s = controller_->current_state();
  const at::Tensor e = s.expression.to(at::kFloat).contiguous();
  for (std::size_t i = 0; i < sliders_.size() && static_cast<long>(i) < e.numel(); ++i)
    if (!sliders_[i]->isSliderDown()) sliders_[i]->setValue(static_cast<int>(std::lround(e[static_cast<long>(i)].item<float>() * 100.0f)));
  refreshing_ = false;
}

void ExpressionsPanel::commit(int index) {
  // Only the slider moved changes: the others keep their exact values.
  at::Tensor e = controller_->current_state().expression.to(at::kFloat).clone();
  if (index >= 0) e[index] = static_cast<float>(sliders_[static_cast<std::size_t>(index)]->value()) / 100.0f;
  else e.zero_();
  const auto& names = controller_->model()->expression_names();
  const QString label = index >= 0 ? tr("expression %1 %2").arg(QString::fromStdString(names[static_cast<std::size_t>(index)])).arg(sliders_[static_cast<std::size_t>(index)]->value() / 100.0, 0, 'f', 2)
                                   : tr("neutral expression");
  try {
    controller_->commit_expressions(e, label);
  } catch (const std::exception& ex) {
    Q_EMIT controller_->failed(QString::fromStdString(ex.what()));
  }
}

}  // namespace likeness::studio

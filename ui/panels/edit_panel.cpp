#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/panels/edit_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <cmath>

namespace likeness::studio {

EditPanel::EditPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  instruction_ = new QLineEdit(this);
  instruction_->setObjectName("instructionEdit");
  instruction_->setPlaceholderText(tr("e.g. make the nose narrower, give him a grey stubble, she is smiling"));
  instruction_->setClearButtonEnabled(true);
  layout->addWidget(instruction_);

  auto* form = new QFormLayout();
  scope_ = new QComboBox(this);
  scope_->setObjectName("scopeCombo");
  scope_->addItem(tr("Geometry and texture"), static_cast<int>(optim::EditScope::Both));
  scope_->addItem(tr("Geometry only"), static_cast<int>(optim::EditScope::Geometry));
  scope_->addItem(tr("Texture only"), static_cast<int>(optim::EditScope::Texture));
  form->addRow(tr("Scope"), scope_);
  mask_ = new QComboBox(this);
  mask_->setObjectName("maskCombo");
  mask_->addItem(tr("Attention (from the words)"), static_cast<int>(optim::MaskSource::Attention));
  mask_->addItem(tr("Painted mask"), static_cast<int>(optim::MaskSource::Painted));
  mask_->addItem(tr("Both"), static_cast<int>(optim::MaskSource::Both));
  mask_->setToolTip(tr("Where the edit may change the face: the regions its words name, the mask you painted, or either"));
  form->addRow(tr("Mask"), mask_);
  auto* strength_row = new QHBoxLayout();
  strength_ = new QSlider(Qt::Horizontal, this);
  strength_->setObjectName("strengthSlider");
  strength_->setRange(-100, 100);  // log10(strength) * 100: 0.1 .. 10
  strength_->setValue(0);
  strength_->setToolTip(tr("How far the edit may go against keeping the rest of the face"));
  strength_label_ = new QLabel(this);
  strength_label_->setMinimumWidth(36);
  connect(strength_, &QSlider::valueChanged, this, &EditPanel::update_strength_label);
  strength_row->addWidget(strength_, 1);
  strength_row->addWidget(strength_label_);
  form->addRow(tr("Strength"), strength_row);
  layout->addLayout(form);

  apply_ = new QPushButton(tr("&Apply edit"), this);
  apply_->setObjectName("applyEditButton");
  connect(apply_, &QPushButton::clicked, this, [this] { Q_EMIT editRequested(request()); });
  connect(instruction_, &QLineEdit::returnPressed, this, [this] {
    if (apply_->isEnabled()) Q_EMIT editRequested(request());
  });
  auto* row = new QHBoxLayout();
  row->addStretch(1);
  row->addWidget(apply_);
  layout->addLayout(row);
  layout->addStretch(1);
  update_strength_label();
}

EditRequest EditPanel::request() const {
  EditRequest r;
  r.instruction = instruction_->text().trimmed();
  r.scope = static_cast<optim::EditScope>(scope_->currentData().toInt());
  r.mask = static_cast<optim::MaskSource>(mask_->currentData().toInt());
  r.strength = std::pow(10.0, strength_->value() / 100.0);
  return r;
}

void EditPanel::set_instruction(const QString& text) { instruction_->setText(text); }

void EditPanel::set_mask_source(optim::MaskSource source) {
  const int i = mask_->findData(static_cast<int>(source));
  if (i >= 0) mask_->setCurrentIndex(i);
}

void EditPanel::set_ready(bool ready) { apply_->setEnabled(ready); }

void EditPanel::update_strength_label() {
  strength_label_->setText(QString::number(std::pow(10.0, strength_->value() / 100.0), 'f', strength_->value() < 0 ? 2 : 1));
}

}  // namespace likeness::studio

#include "ui/panels/prompt_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace likeness::studio {

QStringList PromptPanel::examples() {
  return {
      QStringLiteral("This middle-aged man is a westerner. He has big and black eyes with the double eyelid. He has a "
                     "medium-sized nose with a high nose bridge. His face is square and medium. He has a dense and black beard."),
      QStringLiteral("old woman, round face, thin lips, freckles"),
      QStringLiteral("A young woman with green eyes, full red lips, high cheekbones and a small nose."),
      QStringLiteral("A man in his 60s with a long face, a big nose, grey stubble and deep wrinkles."),
      QStringLiteral("A smiling teenage girl with a round face, hazel eyes and light freckles."),
      QStringLiteral("A dark-skinned man with a wide jaw, thick eyebrows and a short black beard."),
  };
}

PromptPanel::PromptPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  edit_ = new QPlainTextEdit(this);
  edit_->setObjectName("promptEdit");
  edit_->setPlaceholderText(tr("Describe a face, e.g. \"an old woman with a round face, thin lips and freckles\""));
  edit_->setTabChangesFocus(true);
  edit_->setMinimumHeight(70);
  layout->addWidget(edit_, 1);

  examples_ = new QComboBox(this);
  examples_->setObjectName("examplesCombo");
  examples_->addItem(tr("Examples..."));
  for (const QString& e : examples()) examples_->addItem(e.left(60) + (e.size() > 60 ? QStringLiteral("...") : QString()), e);
  connect(examples_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
    if (i > 0) edit_->setPlainText(examples_->itemData(i).toString());
    examples_->setCurrentIndex(0);
  });
  layout->addWidget(examples_);

  auto* row = new QHBoxLayout();
  auto* seed_label = new QLabel(tr("Seed"), this);
  seed_ = new QSpinBox(this);
  seed_->setObjectName("seedSpin");
  seed_->setRange(0, 999999);
  seed_->setToolTip(tr("The same prompt and seed give the same face"));
  seed_label->setBuddy(seed_);
  generate_ = new QPushButton(tr("&Generate"), this);
  generate_->setObjectName("generateButton");
  generate_->setDefault(true);
  generate_->setToolTip(tr("Generate a face from the description (Ctrl+Return)"));
  connect(generate_, &QPushButton::clicked, this, &PromptPanel::request);
  row->addWidget(seed_label);
  row->addWidget(seed_);
  row->addStretch(1);
  row->addWidget(generate_);
  layout->addLayout(row);
}

QString PromptPanel::prompt() const { return edit_->toPlainText().trimmed(); }

void PromptPanel::set_prompt(const QString& text) { edit_->setPlainText(text); }

std::uint64_t PromptPanel::seed() const { return static_cast<std::uint64_t>(seed_->value()); }

void PromptPanel::set_ready(bool ready) {
  generate_->setEnabled(ready);
  generate_->setText(ready ? tr("&Generate") : tr("Loading..."));
}

void PromptPanel::request() { Q_EMIT generateRequested(prompt(), seed()); }

}  // namespace likeness::studio

#include "ui/studio/preferences_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace likeness::studio {
namespace {

QComboBox* size_combo(QWidget* parent, const QList<int>& sizes, int value) {
  auto* c = new QComboBox(parent);
  for (int s : sizes) c->addItem(QStringLiteral("%1 x %1").arg(s), s);
  c->setCurrentIndex(std::max(0, c->findData(value)));
  return c;
}

QWidget* folder_row(QWidget* parent, QLineEdit* edit, const QString& title) {
  auto* w = new QWidget(parent);
  auto* row = new QHBoxLayout(w);
  row->setContentsMargins(0, 0, 0, 0);
  auto* browse = new QPushButton(PreferencesDialog::tr("Browse..."), w);
  QObject::connect(browse, &QPushButton::clicked, w, [w, edit, title] {
    const QString dir = QFileDialog::getExistingDirectory(w, title, edit->text());
    if (!dir.isEmpty()) edit->setText(dir);
  });
  row->addWidget(edit, 1);
  row->addWidget(browse);
  return w;
}

}  // namespace

PreferencesDialog::PreferencesDialog(const StudioSettings& s, QWidget* parent) : QDialog(parent), base_(s) {
  setWindowTitle(tr("Preferences"));
  setObjectName("preferencesDialog");
  auto* layout = new QVBoxLayout(this);

  auto* textures = new QGroupBox(tr("Textures"), this);
  auto* tf = new QFormLayout(textures);
  texture_ = size_combo(textures, {512, 1024, 2048, 4096}, s.texture_resolution);
  texture_->setObjectName("prefTextureResolution");
  tf->addRow(tr("Resolution of new faces and exports"), texture_);
  preview_ = size_combo(textures, {256, 512, 1024, 2048}, s.preview_resolution);
  preview_->setObjectName("prefPreviewResolution");
  tf->addRow(tr("Viewport texture resolution"), preview_);
  layout->addWidget(textures);

  auto* optimization = new QGroupBox(tr("Optimization"), this);
  auto* of = new QFormLayout(optimization);
  generation_steps_ = new QSpinBox(optimization);
  generation_steps_->setObjectName("prefGenerationSteps");
  generation_steps_->setRange(0, 5000);
  generation_steps_->setSpecialValueText(tr("default (140)"));
  generation_steps_->setValue(s.generation_steps);
  of->addRow(tr("Generation steps"), generation_steps_);
  edit_steps_ = new QSpinBox(optimization);
  edit_steps_->setObjectName("prefEditSteps");
  edit_steps_->setRange(0, 5000);
  edit_steps_->setSpecialValueText(tr("default (60)"));
  edit_steps_->setValue(s.edit_steps);
  of->addRow(tr("Edit steps"), edit_steps_);
  snapshot_every_ = new QSpinBox(optimization);
  snapshot_every_->setRange(1, 100);
  snapshot_every_->setValue(s.snapshot_every);
  of->addRow(tr("Viewport update every N steps"), snapshot_every_);
  threads_ = new QSpinBox(optimization);
  threads_->setObjectName("prefThreads");
  threads_->setRange(0, 256);
  threads_->setSpecialValueText(tr("all cores"));
  threads_->setValue(s.threads);
  of->addRow(tr("Threads"), threads_);
  layout->addWidget(optimization);

  auto* renderer = new QGroupBox(tr("Viewport"), this);
  auto* rf = new QFormLayout(renderer);
  msaa_ = new QComboBox(renderer);
  for (int n : {1, 2, 4, 8}) msaa_->addItem(n == 1 ? tr("off") : QStringLiteral("%1x").arg(n), n);
  msaa_->setCurrentIndex(std::max(0, msaa_->findData(s.msaa_samples)));
  rf->addRow(tr("Antialiasing (next start)"), msaa_);
  shadows_ = new QCheckBox(tr("Soft shadows"), renderer);
  shadows_->setChecked(s.shadows);
  rf->addRow(QString(), shadows_);
  exposure_ = new QDoubleSpinBox(renderer);
  exposure_->setRange(0.1, 8.0);
  exposure_->setSingleStep(0.1);
  exposure_->setValue(s.exposure);
  rf->addRow(tr("Exposure"), exposure_);
  layout->addWidget(renderer);

  auto* paths = new QGroupBox(tr("Folders"), this);
  auto* pf = new QFormLayout(paths);
  assets_ = new QLineEdit(s.assets_path, paths);
  assets_->setObjectName("prefAssets");
  assets_->setPlaceholderText(tr("searched first; then the usual asset search path"));
  pf->addRow(tr("Assets (ICT Face Model)"), folder_row(paths, assets_, tr("Assets folder")));
  weights_ = new QLineEdit(s.weights_path, paths);
  weights_->setObjectName("prefWeights");
  weights_->setPlaceholderText(tr("CLIP and Stable Diffusion weights for neural guidance"));
  pf->addRow(tr("Neural weights"), folder_row(paths, weights_, tr("Weights folder")));
  layout->addWidget(paths);

  auto* general = new QGroupBox(tr("General"), this);
  auto* gf = new QFormLayout(general);
  language_ = new QComboBox(general);
  language_->setObjectName("prefLanguage");
  language_->addItem(tr("System language"), QString());
  language_->addItem(QStringLiteral("English"), QStringLiteral("en"));
  language_->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
  language_->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
  language_->setCurrentIndex(std::max(0, language_->findData(s.language)));
  gf->addRow(tr("Language (next start)"), language_);
  autosave_ = new QSpinBox(general);
  autosave_->setRange(0, 3600);
  autosave_->setSuffix(tr(" s"));
  autosave_->setSpecialValueText(tr("off"));
  autosave_->setValue(s.autosave_seconds);
  gf->addRow(tr("Autosave every"), autosave_);
  layout->addWidget(general);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

StudioSettings PreferencesDialog::settings() const {
  StudioSettings s = base_;
  s.texture_resolution = texture_->currentData().toInt();
  s.preview_resolution = preview_->currentData().toInt();
  s.generation_steps = generation_steps_->value();
  s.edit_steps = edit_steps_->value();
  s.snapshot_every = snapshot_every_->value();
  s.threads = threads_->value();
  s.msaa_samples = msaa_->currentData().toInt();
  s.shadows = shadows_->isChecked();
  s.exposure = exposure_->value();
  s.assets_path = assets_->text().trimmed();
  s.weights_path = weights_->text().trimmed();
  s.language = language_->currentData().toString();
  s.autosave_seconds = autosave_->value();
  return s;
}

}  // namespace likeness::studio

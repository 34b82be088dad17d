#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/studio/export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "engine/core/error.h"
#include "engine/export/export.h"
#include "engine/export/state_export.h"
#include "engine/face/face_model.h"

namespace likeness::studio {

std::vector<std::filesystem::path> export_state(const face::FaceModel& model, const state::FaceState& state,
                                                const ExportSettings& s) {
  if (s.folder.trimmed().isEmpty()) throw InputError("export: choose a folder to export into");
  if (s.name.trimmed().isEmpty()) throw InputError("export: the file name is empty");
  exporter::ExportOptions options;
  const exporter::ExportFormat format = exporter::format_by_name(s.format.toStdString());
  options.preset = exporter::preset_by_name(s.preset.toStdString());
  options.bake.padding = s.padding;
  options.stem = s.name.trimmed().toStdString();
  exporter::StateExportOptions state_options;
  state_options.texture_resolution = std::max(512, s.texture_size);
  if (s.texture_size < 512) options.bake.resolution = s.texture_size;
  state_options.scene.name = options.stem;
  state_options.scene.blendshapes = s.blendshapes;
  const exporter::ExportScene scene = exporter::scene_of_state(model, state, state_options);
  return exporter::export_scene(scene, format, s.folder.toStdString(), options).files;
}

ExportDialog::ExportDialog(std::shared_ptr<const face::FaceModel> model, state::FaceState state, const ExportSettings& initial,
                           QWidget* parent)
    : QDialog(parent), model_(std::move(model)), state_(std::move(state)) {
  setWindowTitle(tr("Export"));
  setObjectName("exportDialog");
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout();
  auto* folder_row = new QHBoxLayout();
  folder_ = new QLineEdit(this);
  folder_->setObjectName("exportFolder");
  auto* browse = new QPushButton(tr("Browse..."), this);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export into"), folder_->text());
    if (!dir.isEmpty()) folder_->setText(dir);
  });
  folder_row->addWidget(folder_, 1);
  folder_row->addWidget(browse);
  form->addRow(tr("Folder"), folder_row);
  name_ = new QLineEdit(this);
  name_->setObjectName("exportName");
  form->addRow(tr("Name"), name_);
  format_ = new QComboBox(this);
  format_->setObjectName("exportFormat");
  format_->addItem(tr("glTF binary (.glb, textures embedded)"), "glb");
  format_->addItem(tr("FBX 7.4 binary (.fbx + PNG maps)"), "fbx");
  format_->addItem(tr("OBJ + MTL (+ PNG maps)"), "obj");
  form->addRow(tr("Format"), format_);
  preset_ = new QComboBox(this);
  preset_->setObjectName("exportPreset");
  preset_->addItem(tr("Blender (metres, Z up)"), "blender");
  preset_->addItem(tr("Maya (centimetres, Y up)"), "maya");
  preset_->addItem(tr("Unity (metres, Y up)"), "unity");
  preset_->addItem(tr("Unreal (centimetres, Z up)"), "unreal");
  form->addRow(tr("Preset"), preset_);
  size_ = new QComboBox(this);
  size_->setObjectName("exportTextureSize");
  for (int s : {256, 512, 1024, 2048, 4096}) size_->addItem(QStringLiteral("%1 x %1").arg(s), s);
  form->addRow(tr("Texture size"), size_);
  blendshapes_ = new QCheckBox(tr("53 expression blendshapes (otherwise the expression is baked in)"), this);
  blendshapes_->setObjectName("exportBlendshapes");
  form->addRow(QString(), blendshapes_);
  padding_ = new QSpinBox(this);
  padding_->setObjectName("exportPadding");
  padding_->setRange(0, 256);
  padding_->setSuffix(tr(" texels"));
  form->addRow(tr("Seam padding"), padding_);
  layout->addLayout(form);
  status_ = new QLabel(this);
  status_->setObjectName("exportStatus");
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Close, this);
  QPushButton* run = buttons_->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
  run->setObjectName("exportRunButton");
  run->setDefault(true);
  connect(run, &QPushButton::clicked, this, &ExportDialog::start);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons_);
  set_settings(initial);
}

ExportDialog::~ExportDialog() {
  if (worker_.joinable()) worker_.join();
}

ExportSettings ExportDialog::settings() const {
  ExportSettings s;
  s.folder = folder_->text().trimmed();
  s.name = name_->text().trimmed();
  s.format = format_->currentData().toString();
  s.preset = preset_->currentData().toString();
  s.texture_size = size_->currentData().toInt();
  s.blendshapes = blendshapes_->isChecked();
  s.padding = padding_->value();
  return s;
}

void ExportDialog::set_settings(const ExportSettings& s) {
  folder_->setText(s.folder);
  name_->setText(s.name);
  format_->setCurrentIndex(std::max(0, format_->findData(s.format)));
  preset_->setCurrentIndex(std::max(0, preset_->findData(s.preset)));
  size_->setCurrentIndex(std::max(0, size_->findData(s.texture_size)));
  blendshapes_->setChecked(s.blendshapes);
  padding_->setValue(s.padding);
}

void ExportDialog::start() {
  if (running()) return;
  if (worker_.joinable()) worker_.join();
  done_ = false;
  files_.clear();
  error_.clear();
  const ExportSettings s = settings();
  status_->setText(tr("Exporting..."));
  buttons_->setEnabled(false);
  worker_ = std::thread([this, s] {
    std::vector<std::filesystem::path> files;
    QString error;
    try {
      files = export_state(*model_, state_, s);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(this, [this, files, error] { finish(error.isEmpty(), files, error); }, Qt::QueuedConnection);
  });
}

void ExportDialog::finish(bool ok, std::vector<std::filesystem::path> files, const QString& error) {
  done_ = true;
  if (worker_.joinable()) worker_.join();
  buttons_->setEnabled(true);
  files_ = std::move(files);
  error_ = error;
  if (ok) {
    status_->setText(tr("Wrote %n file(s); the main one is %1", nullptr, static_cast<int>(files_.size()))
                         .arg(files_.empty() ? QString() : QString::fromStdString(files_.front().string())));
  } else {
    status_->setText(tr("Export failed: %1").arg(error_));
  }
  Q_EMIT exportFinished(ok);
}

}  // namespace likeness::studio

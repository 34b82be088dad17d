// likeness-studio [PROJECT]: the desktop studio. Opens PROJECT (.likeness) if given, offers to
// restore unsaved work left by a crash, and otherwise starts with the neutral head.
#include <ATen/ATen.h>  // torch before any Qt header

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <QTranslator>
#include <QVulkanInstance>

#include <cstdlib>
#include <iostream>

#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/io/runtime.h"
#include "ui/studio/main_window.h"
#include "ui/studio/studio_settings.h"
#include "ui/studio/translations.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Likeness");
  QApplication::setApplicationName("Likeness");
  QApplication::setApplicationVersion(QStringLiteral(LIKENESS_VERSION));

  QSettings qs;
  const likeness::studio::StudioSettings settings = likeness::studio::StudioSettings::load(qs);
  // The asset folder chosen in the preferences is searched first.
  if (!settings.assets_path.isEmpty()) qputenv("LIKENESS_ASSETS", settings.assets_path.toLocal8Bit());
  likeness::init_runtime(settings.threads);
  likeness::studio::install_translators(app, settings.language);

  QVulkanInstance instance;
  if (std::getenv("LIKENESS_VULKAN_VALIDATION")) instance.setLayers({"VK_LAYER_KHRONOS_validation"});
  if (!instance.create()) {
    const QString message = QApplication::translate("main", "Vulkan is not available (error %1). Install a Vulkan driver: "
                                                             "mesa-vulkan-drivers provides lavapipe, a software renderer.")
                                .arg(instance.errorCode());
    std::cerr << message.toStdString() << "\n";
    QMessageBox::critical(nullptr, "Likeness", message);
    return 1;
  }

  std::shared_ptr<const likeness::face::FaceModel> model;
  try {
    model = likeness::face::FaceModel::load_default();
  } catch (const likeness::Error& e) {
    std::cerr << e.what() << "\n";
    QMessageBox::critical(nullptr, "Likeness", QString::fromStdString(e.what()));
    return static_cast<int>(e.code());
  }

  int rc = 0;
  {
    likeness::studio::MainWindow window(&instance, model);
    window.show();
    const QStringList args = QApplication::arguments();
    if (args.size() > 1) {
      if (!window.open_project(args.at(1))) rc = 3;
    } else {
      QTimer::singleShot(0, &window, [&window] { window.offer_untitled_recovery(); });
    }
    if (rc == 0) rc = app.exec();
    window.release_viewport();  // the Vulkan window goes before the instance
  }
  return rc;
}

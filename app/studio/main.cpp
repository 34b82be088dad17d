// likeness-studio [STATE]: the main window with the Vulkan viewport showing the neutral head or the
// state given on the command line.
#include <ATen/ATen.h>  // torch before any Qt header

#include <QApplication>
#include <QMessageBox>
#include <QVulkanInstance>

#include <cstdlib>
#include <iostream>

#include "app/studio/main_window.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("Likeness");

  QVulkanInstance instance;
  if (std::getenv("LIKENESS_VULKAN_VALIDATION")) instance.setLayers({"VK_LAYER_KHRONOS_validation"});
  if (!instance.create()) {
    const QString message = QString("Vulkan is not available (error %1). Install a Vulkan driver: mesa-vulkan-drivers "
                                    "provides lavapipe, a software renderer.")
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
    const QStringList args = QApplication::arguments();
    if (!window.open_state(args.size() > 1 ? args.at(1).toStdString() : std::string())) rc = 3;
    if (rc == 0) {
      window.show();
      rc = app.exec();
    }
    window.release_viewport();  // the Vulkan window goes before the instance
  }
  return rc;
}

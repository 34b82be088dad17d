#pragma once
// Likeness Studio's main window: the Vulkan viewport in the middle, dockable panels around it
// (prompt, edit, understood attributes, expressions, history, mask, view), menus and a tool bar
// for files, undo/redo and the running optimization, a status bar with progress, and the stats
// overlay in the viewport. It wires the panels to the StudioController and keeps the files safe:
// unsaved-changes prompt, autosave, recovery of autosaves and damaged projects.
#include <ATen/core/Tensor.h>  // torch before Qt

#include <QMainWindow>
#include <QMessageBox>

#include <functional>
#include <memory>

#include "ui/studio/export_dialog.h"
#include "ui/studio/studio_settings.h"

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QVulkanInstance;

namespace likeness::face {
class FaceModel;
}
namespace likeness::doc {
class Autosaver;
}
namespace likeness::ui {
class ViewportWindow;
class StatsOverlay;
}

namespace likeness::studio {

class StudioController;
class MaskPainter;
class PromptPanel;
class EditPanel;
class HistoryPanel;
class AttributesPanel;
class ExpressionsPanel;
class ViewPanel;
class MaskPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  /// Asks the user a question with the given buttons; returns the button chosen. Tests replace it.
  using Asker = std::function<QMessageBox::StandardButton(const QString& title, const QString& text,
                                                          QMessageBox::StandardButtons buttons)>;

  MainWindow(QVulkanInstance* instance, std::shared_ptr<const face::FaceModel> model, QWidget* parent = nullptr);
  ~MainWindow() override;

  // --- Files (the menu actions call these) --------------------------------------------------
  /// New untitled document (asks about unsaved changes). False if the user cancelled.
  bool new_document();
  /// Opens a project: offers a newer autosave, and recovery of a damaged file. False on failure
  /// or cancel (the current document stays).
  bool open_project(const QString& path);
  bool save();
  bool save_as(const QString& path = QString());
  /// Opens the Export dialog (window-modal, not blocking) and returns it.
  ExportDialog* show_export_dialog();
  /// Offers the newest autosave of an untitled document left by a crash, if any.
  void offer_untitled_recovery();

  void set_asker(Asker asker) { ask_ = std::move(asker); }
  /// Applies preferences (resolutions, steps, threads, renderer, autosave) and stores them.
  void apply_settings(const StudioSettings& settings);
  const StudioSettings& settings() const { return settings_; }

  StudioController* controller() const { return controller_; }
  ui::ViewportWindow* viewport() const { return viewport_; }
  MaskPainter* mask_painter() const { return painter_; }
  PromptPanel* prompt_panel() const { return prompt_; }
  EditPanel* edit_panel() const { return edit_; }
  HistoryPanel* history_panel() const { return history_; }
  AttributesPanel* attributes_panel() const { return attributes_; }
  ExpressionsPanel* expressions_panel() const { return expressions_; }
  ViewPanel* view_panel() const { return view_; }
  MaskPanel* mask_panel() const { return mask_; }
  ui::StatsOverlay* stats_overlay() const { return stats_; }
  /// The last message shown in the status bar.
  QString status_text() const;

  /// Destroys the Vulkan window (call before the instance goes away).
  void release_viewport();

protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void changeEvent(QEvent* event) override;

private:
  void build_panels();
  void build_actions();
  void build_menus();
  void connect_controller();
  /// Asks about unsaved changes; false if the user cancelled.
  bool maybe_save();
  void update_title();
  void update_actions();
  void update_recent_menu();
  void restart_autosaver();
  void show_error(const QString& title, const QString& message);
  void first_scene();

  std::shared_ptr<const face::FaceModel> model_;
  StudioSettings settings_;
  StudioController* controller_ = nullptr;
  ui::ViewportWindow* viewport_ = nullptr;
  MaskPainter* painter_ = nullptr;
  ui::StatsOverlay* stats_ = nullptr;

  PromptPanel* prompt_ = nullptr;
  EditPanel* edit_ = nullptr;
  HistoryPanel* history_ = nullptr;
  AttributesPanel* attributes_ = nullptr;
  ExpressionsPanel* expressions_ = nullptr;
  ViewPanel* view_ = nullptr;
  MaskPanel* mask_ = nullptr;

  QAction* new_ = nullptr;
  QAction* open_ = nullptr;
  QAction* save_ = nullptr;
  QAction* save_as_ = nullptr;
  QAction* export_ = nullptr;
  QAction* quit_ = nullptr;
  QAction* undo_ = nullptr;
  QAction* redo_ = nullptr;
  QAction* preferences_ = nullptr;
  QAction* generate_ = nullptr;
  QAction* stop_ = nullptr;
  QAction* pause_ = nullptr;
  QAction* about_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QMenu* panels_menu_ = nullptr;

  QLabel* status_label_ = nullptr;
  QLabel* stage_label_ = nullptr;
  QProgressBar* progress_ = nullptr;

  std::unique_ptr<doc::Autosaver> autosaver_;
  const void* autosaved_document_ = nullptr;
  std::string autosaved_path_;
  ExportSettings export_settings_;
  ExportDialog* export_dialog_ = nullptr;
  Asker ask_;
};

}  // namespace likeness::studio

#pragma once
// Preferences: texture resolutions, optimization step budgets and threads, renderer options, asset
// and weights folders, language, autosave interval. Stored with QSettings (StudioSettings).
#include <QDialog>

#include "ui/studio/studio_settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace likeness::studio {

class PreferencesDialog : public QDialog {
  Q_OBJECT
public:
  PreferencesDialog(const StudioSettings& settings, QWidget* parent = nullptr);

  /// The settings as edited (the recent files pass through unchanged).
  StudioSettings settings() const;

private:
  StudioSettings base_;
  QComboBox* texture_;
  QComboBox* preview_;
  QSpinBox* generation_steps_;
  QSpinBox* edit_steps_;
  QSpinBox* snapshot_every_;
  QSpinBox* threads_;
  QComboBox* msaa_;
  QCheckBox* shadows_;
  QDoubleSpinBox* exposure_;
  QLineEdit* assets_;
  QLineEdit* weights_;
  QComboBox* language_;
  QSpinBox* autosave_;
};

}  // namespace likeness::studio

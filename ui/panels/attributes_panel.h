#pragma once
// The understood attributes: what the last prompt or edit was understood as, each target shown as
// a slider (measurements as population percentiles, appearance parameters in their units, colours
// as swatches, expression weights) that the artist can adjust directly. Releasing a slider re-runs
// the optimization with the adjusted targets (a new step). Parser warnings are listed below.
#include <ATen/core/Tensor.h>  // torch before Qt

#include <QWidget>

#include <functional>
#include <vector>

#include "engine/optim/pipeline.h"

class QLabel;
class QListWidget;
class QSlider;
class QTimer;
class QVBoxLayout;

namespace likeness::studio {

class StudioController;

class AttributesPanel : public QWidget {
  Q_OBJECT
public:
  AttributesPanel(StudioController* controller, QWidget* parent = nullptr);

  /// Rebuilds the rows from the controller's last operation.
  void refresh();
  /// The targets as adjusted so far (what a re-run would use).
  const optim::Understanding& adjusted() const { return adjusted_; }
  /// Number of target rows shown.
  int row_count() const { return rows_; }

private:
  void clear_rows();
  void add_measurement(std::size_t index);
  void add_appearance(std::size_t index);
  void add_expression(std::size_t index);
  void watch(QSlider* slider);
  void rerun();

  StudioController* controller_;
  QTimer* rerun_timer_ = nullptr;
  bool refreshing_ = false;
  optim::Understanding adjusted_;
  QLabel* header_;
  QWidget* rows_widget_;
  QVBoxLayout* rows_layout_;
  QListWidget* warnings_;
  int rows_ = 0;
};

}  // namespace likeness::studio

#pragma once
// The edit panel: an instruction ("make the nose narrower"), the scope it may change (geometry,
// texture or both), where its consistency weights come from (the instruction's attention, the
// painted mask or both), and how strongly it may change the face.
#include <QWidget>

#include "engine/optim/consistency.h"
#include "engine/optim/session.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;

namespace likeness::studio {

struct EditRequest {
  QString instruction;
  optim::EditScope scope = optim::EditScope::Both;
  optim::MaskSource mask = optim::MaskSource::Attention;
  double strength = 1.0;
};

class EditPanel : public QWidget {
  Q_OBJECT
public:
  explicit EditPanel(QWidget* parent = nullptr);

  EditRequest request() const;
  void set_instruction(const QString& text);
  void set_mask_source(optim::MaskSource source);
  void set_ready(bool ready);

Q_SIGNALS:
  void editRequested(const likeness::studio::EditRequest& request);

private:
  void update_strength_label();

  QLineEdit* instruction_;
  QComboBox* scope_;
  QComboBox* mask_;
  QSlider* strength_;
  QLabel* strength_label_;
  QPushButton* apply_;
};

}  // namespace likeness::studio

Q_DECLARE_METATYPE(likeness::studio::EditRequest)

#pragma once
// The prompt panel: a multi-line description, example prompts, a seed, and Generate.
#include <QWidget>

#include <cstdint>

class QComboBox;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace likeness::studio {

class PromptPanel : public QWidget {
  Q_OBJECT
public:
  explicit PromptPanel(QWidget* parent = nullptr);

  QString prompt() const;
  void set_prompt(const QString& text);
  std::uint64_t seed() const;
  /// Disables Generate while the pipeline loads.
  void set_ready(bool ready);

  /// Example descriptions offered in the combo box.
  static QStringList examples();

Q_SIGNALS:
  void generateRequested(const QString& prompt, quint64 seed);

private:
  void request();

  QPlainTextEdit* edit_;
  QComboBox* examples_;
  QSpinBox* seed_;
  QPushButton* generate_;
};

}  // namespace likeness::studio
